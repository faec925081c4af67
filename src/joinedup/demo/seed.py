"""The demo partnership: a fictional county whose council, police force and fire service
share one corporate-services body. Seeding is idempotent: a second run finds what exists
and adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.partnership.models import Membership, Partner, PartnerKind, Role
from joinedup.partnership.services import membership_grant, partner_create, user_create

# Demo only: printed by `make demo`, documented in the README. Production has no default users.
DEMO_PASSWORD = "wessex-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoPartner:
    code: str
    name: str
    kind: str
    paye: str
    accounts_office: str
    employee_share: float  # share of the demo workforce; used only to split a head count


PARTNERS = [
    DemoPartner("WCC", "Wessex County Council", PartnerKind.COUNCIL, "961/WC10001", "961PA00010001", 0.55),
    DemoPartner("WPOL", "Wessex Constabulary", PartnerKind.POLICE, "961/WP20002", "961PA00020002", 0.28),
    DemoPartner(
        "WFRS", "Wessex Fire and Rescue Service", PartnerKind.FIRE, "961/WF30003", "961PA00030003", 0.12
    ),
    DemoPartner(
        "WSS", "Wessex Shared Services", PartnerKind.SHARED_SERVICE, "961/WS40004", "961PA00040004", 0.05
    ),
]
ALL = tuple(p.code for p in PARTNERS)

# username, full name, [(partner code, role)]
USERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("ops.admin", "Olu Adeyemi", [(c, Role.SERVICE_ADMIN) for c in ALL]),
    ("council.hr", "Cara Hughes", [("WCC", Role.HR_OFFICER)]),
    ("police.hr", "Priya Hale", [("WPOL", Role.HR_OFFICER)]),
    ("fire.hr", "Fergus Hart", [("WFRS", Role.HR_OFFICER)]),
    ("payroll.officer", "Pat Oduya", [(c, Role.PAYROLL_OFFICER) for c in ALL]),
    ("payroll.approver", "Alex Perry", [(c, Role.PAYROLL_APPROVER) for c in ALL]),
    ("council.finance", "Fatima Khan", [("WCC", Role.FINANCE_OFFICER)]),
    ("shared.dpo", "Dana Price", [(c, Role.DATA_PROTECTION_OFFICER) for c in ALL]),
    ("union.rep", "Uma Reid", [(c, Role.UNION_REP) for c in ("WCC", "WPOL", "WFRS")]),
    ("council.employee", "Evan Morgan", [("WCC", Role.EMPLOYEE)]),
]


def seed_demo(*, employees: int = 3000, say: Callable[[str], None] = print) -> bool:
    """Create the demo partnership if it is not there. Returns True when it created it."""
    if Partner.objects.filter(code="WSS").exists():
        say("Demo partnership already present; nothing to do.")
        return False
    with transaction.atomic():
        partners = {
            p.code: partner_create(
                actor=None,
                name=p.name,
                code=p.code,
                kind=p.kind,
                employer_paye_reference=p.paye,
                accounts_office_reference=p.accounts_office,
            )
            for p in PARTNERS
        }
        say(f"Partners: {', '.join(p.name for p in partners.values())}")
        for username, full_name, grants in USERS:
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@wessex.example",
                full_name=full_name,
            )
            for code, role in grants:
                membership_grant(actor=None, user=user, partner=partners[code], role=role)
        say(f"Demo users: {len(USERS)}")
        seed_employee_accounts(partners=partners, count=employees, say=say)
    return True


def seed_employee_accounts(*, partners: dict[str, Partner], count: int, say: Callable[[str], None]) -> None:
    """Sign-in accounts for the staff of each partner, in bulk; later modules hang people
    and employments on them. They have no password: staff would sign in through the
    partner's single sign-on."""
    if count <= 0:
        return
    user_model = get_user_model()
    rng = random.Random(2026)  # noqa: S311 — repeatable demo data, not security
    unusable = make_password(None)
    remaining = count
    for index, spec in enumerate(PARTNERS):
        share = remaining if index == len(PARTNERS) - 1 else round(count * spec.employee_share)
        remaining -= share
        partner = partners[spec.code]
        users = [
            user_model(
                username=f"{spec.code.lower()}.e{n:06d}",
                first_name=rng.choice(_FIRST),
                last_name=rng.choice(_LAST),
                password=unusable,
            )
            for n in range(1, share + 1)
        ]
        created = user_model.objects.bulk_create(users, batch_size=2000)
        if created and created[0].pk is None:  # backends that do not return ids
            created = list(user_model.objects.filter(username__startswith=f"{spec.code.lower()}.e"))
        Membership.objects.bulk_create(
            [Membership(user=u, partner=partner, role=Role.EMPLOYEE) for u in created], batch_size=2000
        )
        record_event(
            actor=None, partner=partner, action="demo.employee_accounts_created", after={"count": share}
        )
        say(f"  {spec.name}: {share} employee accounts")


_FIRST = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Arthur",
    "Ivy",
    "Leo",
    "Grace",
    "Oscar",
    "Freya",
    "Harry",
    "Rosie",
    "Jack",
    "Aisha",
    "Mohammed",
    "Zara",
    "Rhys",
    "Eilidh",
    "Callum",
]
_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Lewis",
]
