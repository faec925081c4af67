"""A new partner joining the partnership (issue 17, "Partner joining and leaving"): one service
that creates it with everything it needs to start, and a checklist of what it still has to load.

``partner_onboard`` creates, in one transaction, the partner (partnership), the ledger's template
chart of accounts, payroll's cost centres and the financial year's periods (the same
``ledger_setup_partner`` and ``establishment_cost_centres`` that ``joinedup ledger setup`` and
the demo use), the terms-and-conditions schemes its staff are on (loaded from people's rule
files when they are not yet), its employer pension rates (payroll), and its first roles. Every
input is checked first and every problem reported together, so a refused onboarding creates
nothing.

Who may: a holder of ``privacy.onboard`` (the service administrator) on an active
shared-services body, a platform superuser, or the system. No partner administrator holds a role
on a partner that does not exist yet, so the steps run as a ``SystemActor`` that names the asking
user; the onboarding's own event (``partner.onboarded``) names the user and lists everything made.

``onboarding_checklist`` is computed, never stored: for people, posts, opening balances and
suppliers, done or not and the count, read through each app's selectors.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import SystemActor, is_system
from joinedup.core.calendar import financial_year_of
from joinedup.core.dates import people_date
from joinedup.ledger import selectors as ledger_selectors
from joinedup.ledger.services import ledger_setup_partner
from joinedup.partnership.models import Partner, PartnerKind, Role, User
from joinedup.partnership.permissions import authorise, forget_cached_roles, has_permission, partner_ids_with
from joinedup.partnership.services import membership_grant, partner_create
from joinedup.payroll.models import EmployerPensionRate
from joinedup.payroll.pension_rates import employer_pension_rate_set, pension_rate_errors
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.people import selectors as people_selectors
from joinedup.people.models import Employment
from joinedup.people.schemes.loader import available_codes
from joinedup.people.schemes_sync import schemes_sync
from joinedup.purchasing import selectors as purchasing_selectors

PERMISSION = "privacy.onboard"
RULES = Path(__file__).with_name("rules") / "onboarding.toml"
# The kinds of public body that join as partners; the shared-services body is made at set-up.
JOINING_KINDS = (PartnerKind.COUNCIL, PartnerKind.POLICE, PartnerKind.FIRE, PartnerKind.NHS)
# The first roles an onboarding may grant.
FIRST_ROLES = (Role.SERVICE_ADMIN, Role.HR_OFFICER, Role.FINANCE_OFFICER, Role.DATA_PROTECTION_OFFICER)


@dataclass(frozen=True)
class KindDefaults:
    terms_schemes: tuple[str, ...]
    pension_schemes: tuple[str, ...]
    source: str


@functools.cache
def kind_defaults() -> dict[str, KindDefaults]:
    """The schemes a partner of each kind usually uses (``rules/onboarding.toml``)."""
    with RULES.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        kind: KindDefaults(
            terms_schemes=tuple(entry["terms_schemes"]),
            pension_schemes=tuple(entry["pension_schemes"]),
            source=entry["source"],
        )
        for kind, entry in data.items()
    }


@dataclass(frozen=True)
class PensionRateInput:
    scheme: str
    rate_percent: Decimal
    effective_from: date
    source: str


@dataclass(frozen=True)
class OnboardingResult:
    partner: Partner
    year_label: str
    accounts_created: int
    cost_centres_created: int
    periods_created: int
    terms_schemes: tuple[str, ...]
    pension_rates: tuple[str, ...]
    grants: tuple[tuple[str, str], ...]


def current_financial_year() -> int:
    return financial_year_of(timezone.localdate())


def may_onboard(actor: Any) -> bool:
    """Whether ``actor`` may onboard partners: the system, a superuser, or a holder of
    ``privacy.onboard`` on an active shared-services body."""
    if is_system(actor):
        return True
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return _onboarding_body(actor) is not None


def _onboarding_body(actor: Any) -> int | None:
    ids = partner_ids_with(actor, PERMISSION)
    body = (
        Partner.objects.filter(pk__in=ids, kind=PartnerKind.SHARED_SERVICE, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return body


def _authorise_onboarding(actor: Any) -> None:
    if is_system(actor) or (getattr(actor, "is_superuser", False) and actor.is_active):
        return
    body = _onboarding_body(actor)
    if body is None:
        raise PermissionDenied("Only the shared-services body's service administrator can onboard a partner.")
    authorise(actor, PERMISSION, body)


def _check(
    *,
    code: str,
    name: str,
    kind: str,
    terms_schemes: Sequence[str],
    pension_rates: Sequence[PensionRateInput],
    grants: Sequence[tuple[str, str]],
) -> dict[str, User]:
    """Every problem with the request, raised together; otherwise the users to grant roles to."""
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    code = code.strip().upper()
    if not code:
        add("code", "Enter the partner's short code, e.g. WCC.")
    elif Partner.objects.filter(code__iexact=code).exists():
        add("code", f"A partner with code {code} already exists.")
    if not name.strip():
        add("name", "Enter the partner's name.")
    elif Partner.objects.filter(name__iexact=name.strip()).exists():
        add("name", f"A partner named {name.strip()!r} already exists.")
    if kind not in JOINING_KINDS:
        add("kind", f"Choose one of: {', '.join(JOINING_KINDS)}.")
    known = available_codes()
    for scheme in terms_schemes:
        if scheme not in known:
            add("terms_schemes", f"Unknown terms scheme {scheme!r}: choose from {', '.join(known)}.")
    seen: set[tuple[str, date]] = set()
    for rate in pension_rates:
        for problem in pension_rate_errors(
            scheme=rate.scheme, rate_percent=rate.rate_percent, source=rate.source
        ):
            add("pension_rates", problem)
        if (rate.scheme, rate.effective_from) in seen:
            add("pension_rates", f"{rate.scheme} is given twice from {people_date(rate.effective_from)}.")
        seen.add((rate.scheme, rate.effective_from))
    users: dict[str, User] = {}
    for username, role in grants:
        if role not in FIRST_ROLES:
            add("grants", f"Role {role!r} is not a first role: choose from {', '.join(FIRST_ROLES)}.")
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None or not user.is_active:
            add("grants", f"No active user {username!r}.")
        else:
            users[username] = user
    if errors:
        raise ValidationError(errors)
    return users


@transaction.atomic
def partner_onboard(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    year: int | None = None,
    terms_schemes: Sequence[str] | None = None,
    pension_rates: Sequence[PensionRateInput] = (),
    grants: Sequence[tuple[str, str]] = (),
    employer_paye_reference: str = "",
    accounts_office_reference: str = "",
) -> OnboardingResult:
    """Create partner ``code`` with its ledger (the template chart, payroll's cost centres, the
    financial year ``year``, by default the current one), the terms schemes its staff are on (by
    default its kind's, from ``rules/onboarding.toml``), its employer pension rates and its first
    roles (``grants``: username and role). All or nothing."""
    _authorise_onboarding(actor)
    schemes = tuple(terms_schemes) if terms_schemes is not None else ()
    if terms_schemes is None and kind in kind_defaults():
        schemes = kind_defaults()[kind].terms_schemes
    users = _check(
        code=code, name=name, kind=kind, terms_schemes=schemes, pension_rates=pension_rates, grants=grants
    )
    fin_year = year if year is not None else current_financial_year()
    steward = actor if is_system(actor) else SystemActor(reason=f"partner onboarding asked by {actor}")
    # The new partner is in no one's context yet (a request's transaction shows only its user's
    # partners): the writes for it run in a named system context.
    with rls.system_context(f"privacy: onboarding partner {code.strip().upper()}"):
        partner = partner_create(
            actor=steward,
            name=name,
            code=code,
            kind=kind,
            employer_paye_reference=employer_paye_reference,
            accounts_office_reference=accounts_office_reference,
        )
        if schemes:
            schemes_sync(actor=steward, codes=list(schemes))
        setup = ledger_setup_partner(
            actor=steward, partner=partner, year=fin_year, cost_centres=establishment_cost_centres(partner)
        )
        for rate in pension_rates:
            employer_pension_rate_set(
                actor=steward,
                partner=partner,
                scheme=rate.scheme,
                rate_percent=rate.rate_percent,
                effective_from=rate.effective_from,
                source=rate.source,
            )
        for username, role in grants:
            membership_grant(actor=steward, user=users[username], partner=partner, role=role)
        if not is_system(actor):
            forget_cached_roles(actor)  # the actor may be one of those just granted a role
        result = OnboardingResult(
            partner=partner,
            year_label=setup.year.label,
            accounts_created=setup.accounts_created,
            cost_centres_created=setup.cost_centres_created,
            periods_created=setup.periods_created,
            terms_schemes=schemes,
            pension_rates=tuple(
                f"{r.scheme} {r.rate_percent}% from {r.effective_from}" for r in pension_rates
            ),
            grants=tuple((users[u].get_username(), role) for u, role in grants),
        )
        record_event(
            actor=actor,
            partner=partner,
            action="partner.onboarded",
            target=partner,
            after={
                "code": partner.code,
                "name": partner.name,
                "kind": partner.kind,
                "year": result.year_label,
                "accounts_created": result.accounts_created,
                "cost_centres_created": result.cost_centres_created,
                "periods_created": result.periods_created,
                "terms_schemes": list(result.terms_schemes),
                "pension_rates": list(result.pension_rates),
                "grants": [f"{u} as {r}" for u, r in result.grants],
            },
        )
    return result


# --- the checklist ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    count: int
    how: str  # the command that loads it
    page: str  # the web page's URL name that loads or shows it ("" when there is none)
    detail: str = ""


@dataclass(frozen=True)
class Checklist:
    partner: Partner
    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)


def onboarding_checklist(user: Any, *, partner: Partner) -> Checklist:
    """What ``partner`` has loaded: computed from what each app holds, never stored."""
    authorise(user, PERMISSION, partner)
    code = partner.code
    accounts = ledger_selectors.accounts_of(user, partner=partner).count()
    centres = ledger_selectors.cost_centres_of(user, partner=partner).count()
    periods = ledger_selectors.periods_of(user, partner=partner).count()
    people = _employments(user, partner)
    posts = people_selectors.posts_for(user, partner=partner).count()
    opening = (
        ledger_selectors.journals_of(user, partner=partner)
        .filter(idempotency_key__startswith="import:")
        .count()
    )
    suppliers = len(purchasing_selectors.standings(user, partner=partner))
    rated = set(
        EmployerPensionRate.objects.for_partner(partner).values_list("pension_scheme", flat=True).distinct()
    )
    expected = kind_defaults()[partner.kind].pension_schemes if partner.kind in kind_defaults() else ()
    missing = [scheme for scheme in expected if scheme not in rated]
    items = (
        ChecklistItem(
            key="partner",
            label="Partner, chart of accounts, cost centres and periods",
            done=accounts > 0 and centres > 0 and periods > 0,
            count=accounts,
            how=f"joinedup ledger setup --partner {code} --year YEAR",
            page="web:ledger_cost_centres",
            detail=f"{accounts} accounts, {centres} cost centres, {periods} periods",
        ),
        ChecklistItem(
            key="pension_rates",
            label="Employer pension rates",
            done=not missing and bool(rated),
            count=len(rated),
            how=f"joinedup onboard --code {code} … --pension SCHEME=RATE (at onboarding)",
            page="",
            detail=f"no rate yet for {', '.join(missing)}" if missing else "",
        ),
        ChecklistItem(
            key="posts",
            label="Posts (the establishment)",
            done=posts > 0,
            count=posts,
            how=f"joinedup people import FILE --partner {code} --kind posts",
            page="web:people_import",
        ),
        ChecklistItem(
            key="people",
            label="People (employments)",
            done=people > 0,
            count=people,
            how=f"joinedup people import FILE --partner {code} --kind employments",
            page="web:people_import",
        ),
        ChecklistItem(
            key="opening_balances",
            label="Opening balances (imported journals)",
            done=opening > 0,
            count=opening,
            how=f"joinedup ledger post --partner {code} --file opening.csv",
            page="web:ledger_journals",
        ),
        ChecklistItem(
            key="suppliers",
            label="Suppliers the partner buys from",
            done=suppliers > 0,
            count=suppliers,
            how="the supplier register: add the partner's standing with each supplier",
            page="web:purchasing_suppliers",
        ),
    )
    return Checklist(partner=partner, items=items)


def _employments(user: Any, partner: Partner) -> int:
    # People has no per-partner employment list selector (its lists are searches); the count is
    # read under the same permission its selectors ask.
    authorise(user, "people.view", partner)
    return Employment.objects.for_partner(partner).count()


def onboarded_partners(user: Any) -> list[Partner]:
    """The partners whose checklist ``user`` may read, by name."""
    return list(
        Partner.objects.filter(pk__in=partner_ids_with(user, PERMISSION), active=True)
        .exclude(kind=PartnerKind.SHARED_SERVICE)
        .order_by("name")
    )


def may_read_checklist(user: Any, partner: Partner) -> bool:
    return has_permission(user, PERMISSION, partner)


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    return {
        "partner": {
            "id": checklist.partner.pk,
            "code": checklist.partner.code,
            "name": checklist.partner.name,
        },
        "done": checklist.done,
        "total": len(checklist.items),
        "complete": checklist.complete,
        "items": [
            {
                "key": item.key,
                "label": item.label,
                "done": item.done,
                "count": item.count,
                "detail": item.detail,
                "command": item.how,
            }
            for item in checklist.items
        ],
    }


def as_json(result: OnboardingResult, checklist: Checklist | None) -> dict[str, Any]:
    return {
        "partner": {"id": result.partner.pk, "code": result.partner.code, "name": result.partner.name},
        "kind": result.partner.kind,
        "year": result.year_label,
        "accounts_created": result.accounts_created,
        "cost_centres_created": result.cost_centres_created,
        "periods_created": result.periods_created,
        "terms_schemes": list(result.terms_schemes),
        "pension_rates": list(result.pension_rates),
        "grants": [{"username": u, "role": r} for u, r in result.grants],
        "checklist": checklist_json(checklist) if checklist is not None else None,
    }
