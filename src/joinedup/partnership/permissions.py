"""The one answer to "may this user do X on partner P", used by web, API and CLI alike.

Permissions are named ``app.action``; each role grants a fixed set. A permission is granted
on a partner only through a membership on that partner — there are no global grants, so a
shared-services administrator holds ``service_admin`` on each partner it serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from joinedup.core.actors import NO_ACTOR, SystemActor
from joinedup.partnership.models import Membership, Partner, Role

_EVERY_MEMBER = {"partnership.view"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SERVICE_ADMIN: frozenset(
        _EVERY_MEMBER
        | {
            "partnership.manage_members",
            "audit.view",
            "people.view",
            "payroll.view",
            "ledger.view",
            "recharges.view",
            "recharges.manage",
            "change.view",
            "change.manage",
            "change.consult",
            "businesscase.view",
            "businesscase.manage",
            "purchasing.view",
            "purchasing.setup",
            # The service desk: the partner's service-level agreement (targets, business hours,
            # pauses), teams, categories; reads every ticket of the partner and its reports.
            "servicedesk.view",
            "servicedesk.setup",
            "servicedesk.reports",
            # Wellbeing programmes' usage, aggregate and suppressed: what the partner's money buys.
            "wellbeing.usage_reports",
            # A partner's exit: its export, and its erasure once it has confirmed receipt
            # (privacy/exit.py). Also run by the operator at the command line.
            "privacy.partner_exit",
            # Onboarding a new partner (privacy/onboarding.py): held on the shared-services body
            # to create one; held on a partner to read its import checklist.
            "privacy.onboard",
        }
    ),
    # Agreeing that the partner bears part of another partner's employee's cost (a cost split
    # share, a secondment recharge) is for its HR or its finance officers. HR reads the history of
    # the records it manages (people.view_history), not the whole audit trail; a bank change one
    # of them asks for is verified by another (people.verify_bank_change).
    Role.HR_OFFICER: frozenset(
        _EVERY_MEMBER
        | {
            "people.view",
            "people.change",
            "people.approve_charges",
            "people.view_history",
            "people.verify_bank_change",
            # Equality monitoring answers (sex, ethnicity, disability): special-category data,
            # read and recorded by HR and the DPO alone (people/equality.py).
            "people.view_special_category",
            "people.change_special_category",
            # Workforce change: programmes, structures and the people they put at risk; applying
            # a structure to the establishment is HR's alone (it changes posts through people).
            "change.view",
            "change.manage",
            "change.apply",
            # Collective consultation: the management side of the log (meetings, answers,
            # proposals, the outcome), the HR1 figures, recognising unions and their reps.
            "change.consult",
            # The business case: HR reads the case its partner is in (the baseline of its own
            # function, the options' effect on its staff).
            "businesscase.view",
            # Refer an employee to occupational health and read the outcome of its own
            # referrals (never clinical content).
            "wellbeing.refer",
            # The register of workplace adjustments occupational health's cases opened (what,
            # from when, when to review): HR puts them in place; no clinical content.
            "wellbeing.adjustments",
        }
    ),
    Role.PAYROLL_OFFICER: frozenset(
        _EVERY_MEMBER | {"people.view", "payroll.view", "payroll.calculate", "people.verify_bank_change"}
    ),
    # The approver is the payroll manager: they also keep each employer's pay calendar (the rule
    # for its pay dates and the cut-off for changes) that the officers work to.
    Role.PAYROLL_APPROVER: frozenset(
        _EVERY_MEMBER | {"payroll.view", "payroll.approve", "payroll.set_calendar"}
    ),
    Role.FINANCE_OFFICER: frozenset(
        _EVERY_MEMBER
        | {
            "ledger.view",
            "ledger.post",
            "ledger.budget",
            "ledger.close",
            "ledger.setup",
            "people.approve_charges",
            # Statements of the partner's charges; managing pools and running the recharge
            # count only on a shared-services body (the services check its kind).
            "recharges.view",
            "recharges.manage",
            # The business case: its baselines, options and versions are managed by finance; the
            # partner's decision on a version (taken by its cabinet, commissioner, authority or
            # board) is recorded by its own finance officers, for that partner only.
            "businesscase.view",
            "businesscase.manage",
            "businesscase.decide",
            # Purchasing: finance keeps the scheme of delegation, the category accounts and the
            # settings (purchasing.setup), approves within its delegated limits, verifies a
            # supplier's bank-detail change that a purchasing officer entered, and pays.
            "purchasing.view",
            "purchasing.setup",
            "purchasing.approve",
            "purchasing.verify_bank_details",
            "purchasing.pay",
            "purchasing.view_spend",
        }
    ),
    # Purchasing officers (the shared-services body's, holding the role on each partner they buy
    # for) keep the supplier register and each partner's standing with a supplier, raise
    # requisitions, issue orders, record receipts, enter and match invoices, and keep the
    # contracts register. A bank-detail change one of them enters is verified by another, or by
    # finance (purchasing.verify_bank_details; never the one who entered it).
    Role.PURCHASING_OFFICER: frozenset(
        _EVERY_MEMBER
        | {
            "purchasing.view",
            "purchasing.requisition",
            "purchasing.order",
            "purchasing.receive",
            "purchasing.manage_suppliers",
            "purchasing.verify_bank_details",
            "purchasing.invoice",
            "purchasing.contracts",
            "purchasing.view_spend",
        }
    ),
    # Service-desk agents (the shared-services body's, holding the role on each partner whose
    # staff they serve) work the partner's tickets: assign, reply, note internally, resolve; keep
    # its asset register and licences and the knowledge base's articles.
    Role.SERVICE_DESK_AGENT: frozenset(
        _EVERY_MEMBER
        | {
            "servicedesk.view",
            "servicedesk.work",
            "servicedesk.reports",
            "servicedesk.assets",
            "servicedesk.knowledge",
        }
    ),
    # Occupational health (issue 16) holds special-category health data. Its clinicians (the
    # shared service's, holding the role on each partner they serve) read and write the clinical
    # content of that partner's cases and write the outcome reports; every read of clinical
    # content leaves an access event. Its administrators run referrals, triage and appointments,
    # surveillance lists and programmes without ever seeing clinical content.
    Role.OH_CLINICIAN: frozenset(
        _EVERY_MEMBER
        | {
            "wellbeing.view_cases",
            "wellbeing.clinical",
            "wellbeing.manage_cases",
            "wellbeing.surveillance",
            # Wellbeing programmes' usage in aggregate, suppressed (wellbeing/programme_selectors.py).
            # Union reps read the same report through reports.view_aggregate: it is theirs already,
            # "aggregated, anonymised reports only", so no new permission for them.
            "wellbeing.usage_reports",
        }
    ),
    Role.OH_ADMIN: frozenset(
        _EVERY_MEMBER
        | {
            "wellbeing.view_cases",
            "wellbeing.manage_cases",
            "wellbeing.surveillance",
            "wellbeing.programmes",
            "wellbeing.usage_reports",
            # Legal holds on cases, and the retention list (wellbeing/retention_runs.py).
            "wellbeing.retention",
        }
    ),
    # A manager is a budget holder: raises requisitions for their cost centres, approves others'
    # within the scheme of delegation, and records what arrived.
    Role.MANAGER: frozenset(
        _EVERY_MEMBER
        | {
            "people.view_team",
            "purchasing.view",
            "purchasing.requisition",
            "purchasing.approve",
            "purchasing.receive",
            # The tickets their team raised (read only; agents work them).
            "servicedesk.view_team",
            # Occupational health: refer a member of their team (with the employee's consent),
            # read the fitness-for-work outcomes of their own referrals and their team's health
            # surveillance status (due, overdue, done; never results).
            "wellbeing.refer",
            "wellbeing.surveillance_team",
            # Their team's workplace adjustments (what, from when, review): the manager makes them.
            "wellbeing.adjustments_team",
        }
    ),
    # Every employee raises and follows their own tickets (servicedesk.raise) and reads the
    # knowledge base; what they see is only their own.
    # Employees also refer themselves to occupational health and read their own case, its
    # reports and who has read it (wellbeing.self_refer).
    Role.EMPLOYEE: frozenset(_EVERY_MEMBER | {"self.view", "servicedesk.raise", "wellbeing.self_refer"}),
    # A union rep reads the consultation log of the programmes their partner is in and writes
    # their union's side of it (questions, counter-proposals, documents); never an individual's
    # data, so no change.view (which opens the people at risk).
    Role.UNION_REP: frozenset(
        _EVERY_MEMBER | {"reports.view_aggregate", "change.union", "businesscase.view_published"}
    ),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        _EVERY_MEMBER
        | {
            "audit.view",
            "privacy.manage",
            # Records of processing (Article 30) and the partner's processors and their approval.
            "privacy.records",
            # Subject-access requests: the log, the export (with the subject's own clinical
            # notes) and its release.
            "privacy.sar",
            # Retention schedules, legal holds and the retention run (privacy/retention.py).
            "privacy.retention",
            # The access review: who holds which role on the partner, the sensitive reads, and
            # the re-certification of roles by a nominated manager (privacy/access_review.py).
            "privacy.access_review",
            # The breach log: the partner's part in each personal data breach, its decision on
            # telling the ICO (72 hours, Article 33) and the people affected (Article 34).
            "privacy.breach",
            "people.view_special_category",
            "people.change_special_category",
            # Who read which occupational-health case, and when: never the clinical content.
            "wellbeing.access_log",
            # Legal holds on occupational-health cases, and what is due for deletion (ids and
            # dates, no clinical text): the DPO answers for retention.
            "wellbeing.retention",
        }
    ),
    Role.VIEWER: frozenset(
        _EVERY_MEMBER | {"ledger.view", "recharges.view", "businesscase.view", "purchasing.view"}
    ),
}

ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())

# Holding any of these roles, on any partner, means signing in with a second factor (an
# authenticator app, or a recovery code): they approve pay, move money, administer users or
# read everything's history. The one list: a role added here is enforced everywhere.
SECOND_FACTOR_ROLES: frozenset[str] = frozenset(
    {
        Role.SERVICE_ADMIN,
        Role.PAYROLL_APPROVER,
        Role.FINANCE_OFFICER,
        Role.PURCHASING_OFFICER,
        Role.DATA_PROTECTION_OFFICER,
        # Clinical records of every partner's staff (issue 18: a second factor for OH clinicians).
        Role.OH_CLINICIAN,
    }
)


def _partner_id(partner: Partner | int) -> int:
    return partner if isinstance(partner, int) else partner.pk


class AccessGate(Protocol):
    """A domain above this layer that narrows what a user's roles open (privacy's processor
    gate: a contractor's user holds a role on a partner only for the data the partner approved
    its processor for, and only from a country it approved). Built once per user per request."""

    def allows(self, partner_id: int, permission: str) -> bool: ...

    def refused(self, partner_id: int, permissions: Iterable[str], *, certain: bool = True) -> None:
        """Record that the user reached for ``permissions`` on the partner and was refused.
        ``certain=False``: a selector left the partner out of what it may show, which is a
        refusal only if the request then finds nothing (answers 404)."""


@dataclass(frozen=True)
class GateHook:
    """``annotations``: extra columns on the user's membership rows (so the gate costs no query
    of its own for the many users it does not touch); ``gate_for``: the user's gate from those
    rows, or None when nothing narrows their roles."""

    annotations: Callable[[], dict[str, Any]]
    gate_for: Callable[[Any, Sequence[Membership]], AccessGate | None]


# Registered by the apps above (privacy's AppConfig.ready()), by name: registering twice replaces.
_GATE_HOOKS: dict[str, GateHook] = {}


def register_access_gate(name: str, hook: GateHook) -> None:
    _GATE_HOOKS[name] = hook


@dataclass(frozen=True)
class _Access:
    """What a user's memberships say, read in one query and kept on the user object for the
    life of the request: the roles on each active partner, those partners, and every role held
    on any partner, active or not (which decides whether a second factor is required).
    ``withheld``: the roles on partners a gate closes entirely (they are not the user's partners
    for this request); ``gates``: the gates that narrow the rest, permission by permission."""

    roles: dict[int, frozenset[str]]
    partners: dict[int, Partner]
    any_roles: frozenset[str]
    withheld: dict[int, frozenset[str]]
    gates: tuple[AccessGate, ...] = ()

    def allows(self, partner_id: int, permission: str) -> bool:
        return all(gate.allows(partner_id, permission) for gate in self.gates)

    def refuse(self, partner_id: int, permissions: Iterable[str], *, certain: bool = True) -> None:
        wanted = sorted(set(permissions))
        for gate in self.gates:
            closed = [p for p in wanted if not gate.allows(partner_id, p)]
            if closed:
                gate.refused(partner_id, closed, certain=certain)


_NO_ACCESS = _Access(roles={}, partners={}, any_roles=frozenset(), withheld={})


def _grants(roles: Iterable[str]) -> set[str]:
    return set().union(*(ROLE_PERMISSIONS[role] for role in roles))


def _access(user: Any) -> _Access:
    if user is None:
        raise TypeError(NO_ACTOR)
    if isinstance(user, SystemActor):
        return _NO_ACCESS  # the system holds no roles; the checks below allow it by name
    cached: _Access | None = getattr(user, "_joinedup_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return _NO_ACCESS
    return remember_access(user, list(access_rows(Membership.objects.filter(user_id=user.pk))))


def access_rows(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """``memberships`` as the access checks read them: with their partners and the columns the
    access gates ask for. Unordered (the model's ordering by partner name would only sort what
    goes into dicts)."""
    memberships = memberships.select_related("partner")
    for hook in _GATE_HOOKS.values():
        memberships = memberships.annotate(**hook.annotations())
    return memberships.order_by()


def remember_access(user: Any, rows: Sequence[Membership]) -> _Access:
    """What ``rows`` (every membership of ``user``, read by ``access_rows``) say, kept on the
    user object for the life of the request: for a caller that read them together with something
    else (the API's bearer token), so the permission checks read them no more."""
    roles: dict[int, set[str]] = {}
    partners: dict[int, Partner] = {}
    every: set[str] = set()
    for membership in rows:
        every.add(membership.role)
        if membership.partner.active and user.is_active:
            roles.setdefault(membership.partner_id, set()).add(membership.role)
            partners[membership.partner_id] = membership.partner
    gates = tuple(gate for hook in _GATE_HOOKS.values() if (gate := hook.gate_for(user, rows)) is not None)
    withheld: dict[int, frozenset[str]] = {}
    for pid in list(roles):
        if gates and not any(all(g.allows(pid, p) for g in gates) for p in _grants(roles[pid])):
            withheld[pid] = frozenset(roles.pop(pid))
            del partners[pid]
    access = _Access(
        roles={pid: frozenset(r) for pid, r in roles.items()},
        partners=partners,
        any_roles=frozenset(every),
        withheld=withheld,
        gates=gates,
    )
    user._joinedup_access = access
    return access


def _roles_by_partner(user: Any) -> dict[int, frozenset[str]]:
    """Roles per active partner id, cached on the user object for the life of the request."""
    return _access(user).roles


def member_partners(user: Any) -> list[Partner]:
    """The active partners on which ``user`` holds any role, by name (from the request's cache)."""
    return sorted(_access(user).partners.values(), key=lambda p: (p.name, p.pk))


def member_partner_ids(user: Any) -> list[int]:
    """The ids of the active partners on which ``user`` holds any role (none for an inactive
    user), ascending: ``rls.caller_partners``'s answer, from the request's cache."""
    return sorted(_access(user).partners)


def holds_any_role(user: Any, roles: frozenset[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` on any partner, active or not."""
    return not _access(user).any_roles.isdisjoint(roles)


# Where a web session keeps the partner its user is working on (web/current.py); named here, below
# the web, so that the benchmarks that sign users in can set it too.
CURRENT_PARTNER_SESSION_KEY = "joinedup_partner_id"


def forget_cached_roles(user: Any) -> None:
    if hasattr(user, "_joinedup_access"):
        del user._joinedup_access


def roles_on(user: Any, partner: Partner | int) -> frozenset[str]:
    return _roles_by_partner(user).get(_partner_id(partner), frozenset())


def has_permission(user: Any, permission: str, partner: Partner | int) -> bool:
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}.")
    if isinstance(user, SystemActor):
        return True
    if not any(permission in ROLE_PERMISSIONS[role] for role in roles_on(user, partner)):
        return False
    return _access(user).allows(_partner_id(partner), permission)


def is_member(user: Any, partner: Partner | int) -> bool:
    """Whether ``user`` holds a role on ``partner`` that a gate leaves open. A membership a gate
    closes is refused here as an object by id is looked up (its caller answers 404), and the
    gate records the refusal."""
    if isinstance(user, SystemActor):
        return True  # the system may read every partner, as authorise allows it
    if roles_on(user, partner):
        return True
    access = _access(user)
    pid = _partner_id(partner)
    if pid in access.withheld:
        access.refuse(pid, _grants(access.withheld[pid]))
    return False


def partner_ids_with(user: Any, permission: str) -> list[int]:
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}.")
    if isinstance(user, SystemActor):
        return list(Partner.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    access = _access(user)
    granted = [
        pid for pid, roles in access.roles.items() if any(permission in ROLE_PERMISSIONS[r] for r in roles)
    ]
    # The partners a gate closes for this permission are left out; whether that refused the user
    # anything shows only when the request finds nothing, so the gate records them as uncertain.
    for pid, roles in access.withheld.items():
        if any(permission in ROLE_PERMISSIONS[r] for r in roles):
            access.refuse(pid, [permission], certain=False)
    allowed = []
    for pid in granted:
        if access.allows(pid, permission):
            allowed.append(pid)
        else:
            access.refuse(pid, [permission], certain=False)
    return sorted(allowed)


def authorise(user: Any, permission: str, partner: Partner | int) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission`` on ``partner``.

    Callers that resolve an object by id first check membership and answer 404 when the
    user has none on the object's partner, so a foreign object's existence is not revealed.
    A ``SystemActor`` (seeding, background jobs, commands run without ``--as``) is allowed,
    and the audit event names it and its reason. ``None`` raises TypeError: requests carry a
    user (AnonymousUser at worst), so a None is a caller that forgot its actor.
    """
    if user is None:
        raise TypeError(NO_ACTOR)
    if isinstance(user, SystemActor):
        return
    if has_permission(user, permission, partner):
        return
    # A role that grants it, closed by a gate (a processor not approved for this data, or a
    # request from a country the partner has not approved): 404, as for another partner's data,
    # and the gate records the refusal.
    access = _access(user)
    pid = _partner_id(partner)
    held = access.roles.get(pid) or access.withheld.get(pid, frozenset())
    if any(permission in ROLE_PERMISSIONS[role] for role in held):
        access.refuse(pid, [permission])
        raise Http404("No such partner's data.")
    raise PermissionDenied(f"You do not have permission to {permission} for this partner.")


def authorise_over_sign_in(
    actor: Any, *, user: Any, partner: Partner | None, own: str, other_partners: str
) -> None:
    """Whether ``actor`` may act on ``user``'s sign-in itself (reset their second factor, release
    a lockout): an operator's command or a platform superuser may for anyone; a partner's
    administrator only for a user who holds a role there and on no partner the administrator
    does not administer, since a sign-in opens every partner the user works for. Nobody acts on
    their own, so a stolen session cannot. ``own`` and ``other_partners`` are the refusals'
    words."""
    if isinstance(actor, SystemActor):
        return
    if actor.pk == user.pk:
        raise PermissionDenied(own)
    if getattr(actor, "is_superuser", False):
        return
    if partner is None:
        raise PermissionDenied("Only a platform administrator can do this.")
    authorise(actor, "partnership.manage_members", partner)
    held = set(Membership.objects.filter(user=user).values_list("partner_id", flat=True))
    if partner.pk not in held:
        raise PermissionDenied("This user holds no role on this partner.")
    if held - set(partner_ids_with(actor, "partnership.manage_members")):
        raise PermissionDenied(other_partners)
