"""The processor access gate (issue 17): a contractor's users reach a partner's personal data
only as far as the partner has approved their processor, and nobody reaches a partner's data from
a country the partner has not approved.

Registered with the permissions (partnership/permissions.py, ``register_access_gate``) by
privacy's AppConfig.ready(). It narrows the roles memberships give; it never widens them.

- **Processor users** (a current ``ProcessorUser``): a role on a partner opens a permission
  ``app.action`` only while the partner's engagement of their processor is approved for one of
  that app's records of processing (the declaration keys ``app.record``: approval for
  ``people.hr_record`` opens ``people.*``). ``partnership.view`` (every member's) and the
  permissions of apps that declare no personal data (ledger, recharges, business cases...) open
  once the processor is approved for anything. Requests must come from the UK or a country the
  engagement approved (the processor's own is always among them); from an unknown country they
  are refused.
- **Everybody else** (the partner's own staff, the shared service's): a request from a known
  country other than the UK reaches a partner's data only if the partner has approved some
  processor's access from there (an approved engagement's ``approved_countries``); an unknown
  country is allowed (staff on the partner's own network are rarely in any table).

A refusal answers 404 (as another partner's data does) and is audited once per partner per
request: ``privacy.access_refused`` on the partner's chain, naming the user, the permissions
refused and why. Refused outright: a role's permission checked on the partner (``authorise``),
or the partner itself (``is_member``, as an object's partner is resolved). A selector that
leaves the partner out of what it lists (``partner_ids_with``) refuses only if the request then
finds nothing: that is audited when the response is a 404 (an object by id in a closed partner),
not when the user was reading another partner's data. The middleware (privacy/middleware.py)
writes them when the response is made, outside the request's transaction (whose work the
refusal rolled back); outside a request, refusals outright are written at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.partnership.models import Membership
from joinedup.partnership.permissions import GateHook
from joinedup.privacy.access_country import NOT_A_REQUEST, REQUEST_COUNTRY
from joinedup.privacy.declarations import all_declarations
from joinedup.privacy.models import EngagementStatus, ProcessorEngagement, ProcessorUser
from joinedup.privacy.transfers import UK

ACTION = "privacy.access_refused"
# Every member's: the partner's name and the user's own place in it.
OPEN_ONCE_APPROVED = frozenset({"partnership.view"})
ANNOTATION = "joinedup_processor_id"

NOT_APPROVED = "processor not approved for this data"
COUNTRY_NOT_APPROVED = "request from a country the partner has not approved"
COUNTRY_UNKNOWN = "request from an unknown country"


@dataclass
class Refusal:
    user: Any
    reason: str
    country: str | None
    processor_id: int | None
    permissions: set[str] = field(default_factory=set)
    # False while only a selector left the partner out: written only if the request answers 404.
    certain: bool = False


# The refusals of the current request, by partner id: one event each when the response is made.
REQUEST_REFUSALS: ContextVar[dict[int, Refusal] | None] = ContextVar("joinedup_refusals", default=None)


def declaring_apps() -> frozenset[str]:
    return frozenset(d.key.split(".", 1)[0] for d in all_declarations())


@dataclass
class ProcessorGate:
    """One user's gate for one request: per partner, the apps approved (None: none) and why a
    partner is closed entirely."""

    user: Any
    processor_id: int | None
    country: str | None
    closed: dict[int, str]
    apps: dict[int, frozenset[str]]
    written: set[int] = field(default_factory=set)

    def allows(self, partner_id: int, permission: str) -> bool:
        if partner_id in self.closed:
            return False
        if self.processor_id is None:
            return True
        app = permission.split(".", 1)[0]
        if permission in OPEN_ONCE_APPROVED or app not in declaring_apps():
            return True
        return app in self.apps.get(partner_id, frozenset())

    def refused(self, partner_id: int, permissions: Iterable[str], *, certain: bool = True) -> None:
        reason = self.closed.get(partner_id, NOT_APPROVED)
        pending = REQUEST_REFUSALS.get()
        if pending is not None:
            refusal = pending.setdefault(
                partner_id, Refusal(self.user, reason, self.country, self.processor_id)
            )
            if certain and not refusal.certain:
                # What the request was refused, not what its selectors left out on the way.
                refusal.permissions.clear()
                refusal.certain = True
            if certain or not refusal.certain:
                refusal.permissions.update(permissions)
            return
        # Outside a request there is no answer to judge a selector's omission by.
        if certain and partner_id not in self.written:
            self.written.add(partner_id)
            write_refusal(
                partner_id, Refusal(self.user, reason, self.country, self.processor_id, set(permissions))
            )


def write_refusal(partner_id: int, refusal: Refusal) -> None:
    with rls.system_context("privacy: audit a refused access to a partner's data", savepoint=False):
        record_event(
            actor=refusal.user,
            partner=partner_id,
            action=ACTION,
            object_type="auth.user",
            object_id=refusal.user.pk,
            after={
                "reason": refusal.reason,
                "permissions": sorted(refusal.permissions),
                "country": refusal.country or "",
                "processor": refusal.processor_id,
            },
        )


def flush_refusals(pending: dict[int, Refusal], *, status_code: int) -> None:
    """One event per partner refused in the request: those refused outright, and those a
    selector left out when the request found nothing (404)."""
    for partner_id in sorted(pending):
        refusal = pending[partner_id]
        if refusal.certain or status_code == 404:
            write_refusal(partner_id, refusal)


@cache
def _current_processor_sql() -> str:
    q = connection.ops.quote_name
    user = ProcessorUser._meta.get_field("user").column
    since = ProcessorUser._meta.get_field("since").column
    until = ProcessorUser._meta.get_field("until").column
    processor = ProcessorUser._meta.get_field("processor").column
    outer = f"{q(Membership._meta.db_table)}.{q(Membership._meta.get_field('user').column)}"
    # Names only from the models' metadata; the one value (now) is a parameter.
    return (
        f"SELECT pu.{q(processor)} FROM {q(ProcessorUser._meta.db_table)} pu"  # noqa: S608
        f" WHERE pu.{q(user)} = {outer} AND pu.{q(since)} <= %s"
        f" AND (pu.{q(until)} IS NULL OR pu.{q(until)} > %s) ORDER BY pu.{q(since)} DESC LIMIT 1"
    )


def _annotations() -> dict[str, Any]:
    # Every signed-in request reads its memberships with this column. The same subquery built from
    # OuterRef and Q cost about 1 ms a request to compile (a fifth of raising a ticket through the
    # API); as fixed SQL it costs almost nothing. Its meaning is pinned by the gate's tests.
    now = timezone.now()
    return {
        ANNOTATION: RawSQL(  # noqa: S611
            _current_processor_sql(), (now, now), output_field=BigIntegerField()
        )
    }


def _approved(partner_ids: list[int], processor_id: int | None) -> list[ProcessorEngagement]:
    # Read before the request's partner context is narrowed to this user's partners (the API
    # sets it from these very answers), so in a system context of its own.
    with rls.system_context("privacy: the partners' approvals the access gate applies"):
        engagements = ProcessorEngagement.objects.unscoped(
            reason="the access gate reads the approvals of the user's partners"
        ).filter(partner_id__in=partner_ids, status=EngagementStatus.APPROVED)
        if processor_id is not None:
            engagements = engagements.filter(processor_id=processor_id)
        return list(engagements.only("partner_id", "approved_keys", "approved_countries"))


def gate_for(user: Any, memberships: Sequence[Membership]) -> ProcessorGate | None:
    processor_id = next((getattr(m, ANNOTATION) for m in memberships if getattr(m, ANNOTATION)), None)
    country = REQUEST_COUNTRY.get()
    checks_country = country != NOT_A_REQUEST
    partner_ids = sorted({m.partner_id for m in memberships})
    if processor_id is None and (not checks_country or country in (None, UK)):
        return None  # the partner's own staff, from the UK or from a network in no table
    engagements = _approved(partner_ids, processor_id)
    closed: dict[int, str] = {}
    apps: dict[int, frozenset[str]] = {}
    if processor_id is not None:
        by_partner = {e.partner_id: e for e in engagements}
        for pid in partner_ids:
            engagement = by_partner.get(pid)
            if engagement is None:
                closed[pid] = NOT_APPROVED
            elif checks_country and country is None:
                closed[pid] = COUNTRY_UNKNOWN
            elif checks_country and country not in {UK, *engagement.approved_countries}:
                closed[pid] = COUNTRY_NOT_APPROVED
            else:
                apps[pid] = frozenset(key.split(".", 1)[0] for key in engagement.approved_keys)
    else:
        countries: dict[int, set[str]] = {}
        for e in engagements:
            countries.setdefault(e.partner_id, set()).update(e.approved_countries)
        for pid in partner_ids:
            if country not in countries.get(pid, set()):
                closed[pid] = COUNTRY_NOT_APPROVED
    return ProcessorGate(
        user=user,
        processor_id=processor_id,
        country=None if not checks_country else country,
        closed=closed,
        apps=apps,
    )


HOOK = GateHook(annotations=_annotations, gate_for=gate_for)
