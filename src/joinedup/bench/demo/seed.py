"""The demo partnership: a fictional county whose council, police force and fire service
share one corporate-services body. Seeding is idempotent: a second run finds what exists
and adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.budgets import seed_demo_budgets
from joinedup.bench.demo.businesscase import LIVE_FROM, seed_demo_businesscase
from joinedup.bench.demo.change import seed_demo_change
from joinedup.bench.demo.consultation import seed_demo_consultation
from joinedup.bench.demo.dual import seed_demo_dual
from joinedup.bench.demo.impact import seed_demo_impact
from joinedup.bench.demo.month import seed_demo_month, seed_demo_psc_rates
from joinedup.bench.demo.payroll import seed_payroll_settings
from joinedup.bench.demo.people import link_demo_users, seed_people
from joinedup.bench.demo.privacy import seed_demo_privacy
from joinedup.bench.demo.purchasing import seed_demo_purchasing
from joinedup.bench.demo.purchasing_year import seed_demo_purchasing_year
from joinedup.bench.demo.realisation import seed_demo_realisation, seed_demo_realisation_year
from joinedup.bench.demo.recharges import seed_demo_recharges
from joinedup.bench.demo.servicedesk_assets import seed_demo_servicedesk_assets
from joinedup.bench.demo.servicedesk_levels import seed_demo_service_levels
from joinedup.bench.demo.servicedesk_tickets import seed_demo_servicedesk_tickets
from joinedup.bench.demo.transfers import seed_demo_transfers
from joinedup.bench.demo.vr import seed_demo_vr
from joinedup.bench.demo.wellbeing import seed_demo_wellbeing
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import SECOND_FACTOR_ROLES
from joinedup.partnership.services import membership_grant, partner_create, user_create

# Demo only: printed by `make demo`, documented in the README. Production has no default users.
DEMO_PASSWORD = "wessex-demo-2026"  # noqa: S105
# Demo only: the authenticator key of every demo user whose roles need a second step (hex, as
# django-otp stores it; DEMO_TOTP_KEY_BASE32 is how an authenticator app takes it). Published,
# like the password: the demo is for trying the service, never for real data.
DEMO_TOTP_KEY = "7765737365782d64656d6f2d3266612d32303236"  # b"wessex-demo-2fa-2026"
DEMO_TOTP_KEY_BASE32 = "O5SXG43FPAWWIZLNN4WTEZTBFUZDAMRW"


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
    ("police.finance", "Piotr Nowak", [("WPOL", Role.FINANCE_OFFICER)]),
    ("fire.finance", "Ffion Rees", [("WFRS", Role.FINANCE_OFFICER)]),
    ("shared.finance", "Shona Reilly", [("WSS", Role.FINANCE_OFFICER)]),
    ("shared.dpo", "Dana Price", [(c, Role.DATA_PROTECTION_OFFICER) for c in ALL]),
    ("union.rep", "Uma Reid", [(c, Role.UNION_REP) for c in ("WCC", "WPOL", "WFRS")]),
    ("council.employee", "Evan Morgan", [("WCC", Role.EMPLOYEE)]),
    ("council.manager", "Mina Shah", [("WCC", Role.MANAGER), ("WCC", Role.EMPLOYEE)]),
    # Staff of the constabulary and the fire service who raise service-desk tickets.
    ("police.employee", "Paul Stone", [("WPOL", Role.EMPLOYEE)]),
    ("fire.employee", "Faye Lang", [("WFRS", Role.EMPLOYEE)]),
    # A council officer who is also an on-call firefighter: an employee of both (demo/dual.py).
    ("fire.retained", "Rhys Powell", [("WCC", Role.EMPLOYEE), ("WFRS", Role.EMPLOYEE)]),
    ("shared.hr", "Sam Okoro", [(c, Role.HR_OFFICER) for c in ALL]),
    # The shared service's purchasing team buys for every partner: one enters a supplier's bank
    # details, the other verifies them.
    ("shared.buyer", "Bola Adebayo", [(c, Role.PURCHASING_OFFICER) for c in ALL]),
    ("shared.buyer2", "Gwen Lloyd", [(c, Role.PURCHASING_OFFICER) for c in ALL]),
    # The shared service desk answers every partner's staff.
    ("shared.desk", "Dev Patel", [(c, Role.SERVICE_DESK_AGENT) for c in ALL]),
    # The shared occupational-health service: a clinician and an administrator for every partner.
    ("oh.clinician", "Nia Evans", [(c, Role.OH_CLINICIAN) for c in ALL]),
    ("oh.admin", "Owen Blake", [(c, Role.OH_ADMIN) for c in ALL]),
]


def needs_second_factor(grants: list[tuple[str, str]]) -> bool:
    return any(role in SECOND_FACTOR_ROLES for _, role in grants)


def seed_demo_authenticators(users: dict[str, Any]) -> None:
    """Give each demo user who must sign in with a second step an authenticator app with the
    published demo key, already set up (the set-up page is there to try with any other user)."""
    for username, _, grants in USERS:
        if needs_second_factor(grants):
            TOTPDevice.objects.create(
                user=users[username], name="Authenticator app (demo key)", key=DEMO_TOTP_KEY, confirmed=True
            )


def seed_demo(*, employees: int = 3000, say: Callable[[str], None] = print) -> bool:
    """Create the demo partnership if it is not there. Returns True when it created it."""
    if Partner.objects.filter(code="WSS").exists():
        say("Demo partnership already present; nothing to do.")
        return False
    with transaction.atomic():
        partners = {
            p.code: partner_create(
                actor=SEEDER,
                name=p.name,
                code=p.code,
                kind=p.kind,
                employer_paye_reference=p.paye,
                accounts_office_reference=p.accounts_office,
            )
            for p in PARTNERS
        }
        say(f"Partners: {', '.join(p.name for p in partners.values())}")
        users: dict[str, Any] = {}
        for username, full_name, grants in USERS:
            user = user_create(
                actor=SEEDER,
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@wessex.example",
                full_name=full_name,
            )
            for code, role in grants:
                membership_grant(actor=SEEDER, user=user, partner=partners[code], role=role)
            users[username] = user
        say(f"Demo users: {len(USERS)}")
        seed_demo_authenticators(users)
        seed_people(
            partners=partners,
            employees=employees,
            say=say,
            shares={p.code: p.employee_share for p in PARTNERS},
            actor=SEEDER,
        )
        link_demo_users(partners=partners, users=users, actor=SEEDER)
        # Before the pay run: each of their employments is paid by its own employer's payroll.
        dual = seed_demo_dual(partners=partners, users=users, actor=SEEDER)
        say(f"  Council officers who are also on-call firefighters: {len(dual) // 2}, at WCC and WFRS")
        seed_payroll_settings(partners=partners)
        seed_demo_psc_rates()
        seed_demo_month(partners=partners, users=users, say=say)
        # Before the recharge: the council's October ICT tickets are its ICT driver (live).
        seed_demo_servicedesk_tickets(partners=partners, users=users, say=say)
        seed_demo_recharges(partners=partners, say=say)
        seed_demo_budgets(partners=partners, users=users, say=say)
        seed_demo_change(partners=partners, users=users, say=say)
        seed_demo_vr(partners=partners, users=users, say=say)
        seed_demo_consultation(partners=partners, users=users, say=say)
        seed_demo_impact(partners=partners, say=say)
        seed_demo_transfers(partners=partners, users=users, say=say)
        seed_demo_businesscase(partners=partners, users=users, say=say)
        seed_demo_purchasing(partners=partners, users=users, say=say)
        seed_demo_purchasing_year(partners=partners, users=users, say=say)
        seed_demo_service_levels(partners=partners, users=users, say=say)
        seed_demo_servicedesk_assets(partners=partners, users=users, say=say)
        seed_demo_realisation(partners=partners, users=users, say=say)
        seed_demo_realisation_year(partners=partners, live_from=LIVE_FROM, say=say)
        seed_demo_wellbeing(partners=partners, users=users, say=say, today=timezone.localdate())
        seed_demo_privacy(partners=partners, users=users, dual=dual, say=say, today=timezone.localdate())
    return True
