"""The demo's workforce-change programme: "One HR and payroll service for Wessex".

The council, the constabulary and the fire service each keep a small HR team (a head of HR, two
HR advisers, a payroll officer: twelve people, hired here with the team). Wessex Shared Services
leads a programme involving all three whose proposed structure, from 1 April 2027, deletes the
three heads of HR, the constabulary's and fire service's advisers and the three payroll officers,
halves the council's advisers, and creates the shared posts at WSS: a head of HR and payroll, four
HR advisers ring-fenced to the advisers at risk, and two payroll officers. Its people at risk are
recorded and WSS offers its vacancies for redeployment.

Every step finds what exists first, so seeding twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench.demo import SEEDER
from joinedup.change import services as change
from joinedup.change.models import ChangeProgramme
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.people.models import OrgUnit, PayPoint, Post, TermsScheme
from joinedup.people.services import PersonDetails, Terms, employment_start, org_unit_create, post_create

PROGRAMME = "One HR and payroll service for Wessex"
EFFECTIVE = date(2027, 4, 1)
TEAM_UNIT = "HRT"
TEAM_PARTNERS = ("WCC", "WPOL", "WFRS")
# The HR staff of a fire service are support staff on the Green Book, as the council's are.
SCHEMES = {"WCC": "njc", "WPOL": "police_staff", "WFRS": "njc", "WSS": "njc"}
LOCATIONS = {"WCC": "Winchester", "WPOL": "Eastleigh", "WFRS": "Eastleigh", "WSS": "Winchester"}
# post suffix, title, budgeted FTE, place of its grade on the scale (fractions of the way up)
TEAM = [
    ("HRM", "Head of HR", Decimal(1), (0.70, 0.80)),
    ("HRA", "HR adviser", Decimal(2), (0.35, 0.45)),
    ("PAY", "Payroll officer", Decimal(1), (0.20, 0.30)),
]
# given name, family name, date of birth, sex — per partner, in the order of TEAM's holders
STAFF = {
    "WCC": [
        ("Helen", "Marsh", date(1968, 2, 11), "F"),
        ("Tom", "Ashdown", date(1987, 6, 3), "M"),
        ("Priya", "Nair", date(1990, 9, 21), "F"),
        ("Gareth", "Lloyd", date(1975, 12, 1), "M"),
    ],
    "WPOL": [
        ("Sandra", "Keane", date(1970, 4, 30), "F"),
        ("Owen", "Pryce", date(1984, 1, 17), "M"),
        ("Leah", "Goldman", date(1995, 3, 8), "F"),
        ("Rita", "Osei", date(1966, 7, 19), "F"),
    ],
    "WFRS": [
        ("Martin", "Hale", date(1972, 10, 5), "M"),
        ("Chloe", "Barnes", date(1992, 5, 26), "F"),
        ("Imran", "Qureshi", date(1981, 8, 14), "M"),
        ("Joan", "Fletcher", date(1964, 11, 2), "F"),
    ],
}


def _grade(scheme: TermsScheme, place: tuple[float, float]) -> tuple[PayPoint, PayPoint]:
    points = list(PayPoint.objects.filter(scheme=scheme, withdrawn_from__isnull=True).order_by("sort"))
    low, high = (min(int(len(points) * p), len(points) - 1) for p in place)
    return points[low], points[high]


def _unit(partner: Partner) -> OrgUnit:
    return OrgUnit.objects.for_partner(partner).filter(code=TEAM_UNIT).first() or org_unit_create(
        actor=SEEDER, partner=partner, code=TEAM_UNIT, name=f"{partner.code} HR team"
    )


def _team(partner: Partner) -> tuple[OrgUnit, dict[str, Post]]:
    """The partner's HR team as it is today: its unit, its three posts and their holders."""
    unit = _unit(partner)
    scheme = TermsScheme.objects.get(code=SCHEMES[partner.code])
    posts: dict[str, Post] = {}
    people = iter(STAFF[partner.code])
    for n, (suffix, title, fte, place) in enumerate(TEAM, start=1):
        code = f"{partner.code}-{suffix}"
        low, high = _grade(scheme, place)
        post = Post.objects.for_partner(partner).filter(code=code).first() or post_create(
            actor=SEEDER,
            partner=partner,
            code=code,
            title=title,
            org_unit=unit,
            scheme=scheme,
            grade_min=low,
            grade_max=high,
            budgeted_fte=fte,
            cost_centre=f"{TEAM_UNIT}{n:03d}",
            start_date=date(2015, 4, 1),
            location=LOCATIONS[partner.code],
        )
        posts[suffix] = post
        for seat in range(int(fte)):
            given, family, born, sex = next(people)
            employment_start(
                actor=SEEDER,
                partner=partner,
                person=PersonDetails(
                    given_name=given,
                    family_name=family,
                    date_of_birth=born,
                    gender=sex,
                    ni_number=f"JM93{TEAM_PARTNERS.index(partner.code)}{n}{seat}0A",
                    postcode="SO23 8UJ",
                    address_line1="1 High Street",
                    town="Winchester",
                ),
                payroll_number=f"{partner.code}93{n}{seat}",
                start_date=date(2012 + n + seat, 9, 3),
                terms=Terms(
                    contract_type="permanent",
                    fte=Decimal(1),
                    weekly_hours=scheme.standard_weekly_hours,
                    scheme=scheme,
                    pay_point=high,
                    pension_scheme="lgps_main",
                ),
                post=post,
            )
    return unit, posts


def seed_demo_change(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    shared = partners["WSS"]
    if ChangeProgramme.objects.for_partner(shared).filter(name=PROGRAMME).exists():
        return
    teams = {code: _team(partners[code]) for code in TEAM_PARTNERS}
    shared_unit = _unit(shared)
    programme = change.programme_create(
        actor=SEEDER,
        partner=shared,
        name=PROGRAMME,
        owner=users["shared.hr"],
        start_date=date(2026, 9, 1),
        end_date=date(2027, 9, 30),
        description=(
            "One HR and payroll team, employed by Wessex Shared Services, for the council, the "
            "constabulary and the fire service, replacing three separate teams."
        ),
        partners=[partners["WCC"], partners["WPOL"], partners["WFRS"]],
    )
    change.programme_update(actor=SEEDER, programme=programme, status="consultation")
    for name, due, done in (
        ("Business case approved by each partner", date(2026, 9, 30), date(2026, 9, 28)),
        ("Collective consultation opens", date(2026, 10, 15), date(2026, 10, 15)),
        ("Consultation closes", date(2026, 11, 30), None),
        ("Shared team in place", EFFECTIVE, None),
    ):
        milestone = change.milestone_add(actor=SEEDER, programme=programme, name=name, due=due)
        if done:
            change.milestone_done(actor=SEEDER, milestone=milestone, done_on=done)
    change.scope_add(actor=SEEDER, programme=programme, org_units=[unit for unit, _ in teams.values()])
    structure = change.structure_create(
        actor=SEEDER, programme=programme, name="Shared HR and payroll team", effective_date=EFFECTIVE
    )
    for code, (_, posts) in teams.items():
        for suffix in ("HRM", "PAY") + (() if code == "WCC" else ("HRA",)):
            change.structure_delete_post(actor=SEEDER, structure=structure, post=posts[suffix])
    change.structure_change_post(
        actor=SEEDER,
        structure=structure,
        post=teams["WCC"][1]["HRA"],
        proposal=change.PostProposal(budgeted_fte=Decimal(1), title="HR adviser (council business partner)"),
    )
    pool = change.pool_create(
        actor=SEEDER, structure=structure, name="HR advisers", criteria="Skills, experience and the interview"
    )
    scheme = TermsScheme.objects.get(code="njc")
    for suffix, title, fte, place, ring_fence in (
        ("HOHR", "Head of HR and payroll", Decimal(1), (0.80, 0.90), None),
        ("SHRA", "HR adviser", Decimal(4), (0.35, 0.45), pool),
        ("SPAY", "Payroll officer", Decimal(2), (0.20, 0.30), None),
    ):
        low, high = _grade(scheme, place)
        change.structure_create_post(
            actor=SEEDER,
            structure=structure,
            partner=shared,
            proposal=change.PostProposal(
                code=f"WSS-{suffix}",
                title=title,
                org_unit=shared_unit,
                scheme=scheme,
                grade_min=low,
                grade_max=high,
                budgeted_fte=fte,
                cost_centre="HRS001",
                location=LOCATIONS["WSS"],
            ),
            pool=ring_fence,
        )
    at_risk = change.at_risk_identify(actor=SEEDER, structure=structure)
    for row in at_risk:
        if row.post.code.endswith("-HRA"):
            change.pool_assign(actor=SEEDER, pool=pool, at_risk=row)
    change.redeployment_agree(actor=SEEDER, programme=programme, partner=shared, agrees=True)
    say(f"  Workforce change: {PROGRAMME}, {len(at_risk)} people at risk from {people_date(EFFECTIVE)}")
