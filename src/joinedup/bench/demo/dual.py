"""Demo people employed by two partners at once, as the real partnerships have them: council
officers who are also on-call (retained) firefighters — a current employment at Wessex County
Council and another at Wessex Fire and Rescue Service, one person record, each employment paid by
its own employer's payroll (the council's on 1257L, the fire service's on BR as a second job).

The Grey Book's retained (on-call) retaining fee and hourly rates are not held (see
people/schemes/rules/grey_book.toml), so the demo pays each on-call firefighter a small fraction
of the wholetime salary for their role: an illustration, not the retained rates.

One of them signs in as ``fire.retained``, an employee of both partners: the subject-access
request each partner's DPO holds for him (bench/demo/privacy.py) is the demo of one person, two
controllers, two exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, PayPoint, Post
from joinedup.people.services import PersonDetails, Terms, absence_request, employment_start

DUAL_USER = "fire.retained"


@dataclass(frozen=True)
class DualPerson:
    given_name: str
    family_name: str
    ni_number: str
    born: date
    town: str
    postcode: str
    council_started: date
    council_fte: Decimal
    njc_place: int  # NJC point by place from the top
    fire_started: date
    fire_point: str  # Grey Book role code
    fire_fte: Decimal  # the on-call commitment, as a share of a wholetime firefighter's


# The first is fire.retained (his name is the sign-in's, seed.USERS).
DUAL_PEOPLE = [
    DualPerson(
        "Rhys", "Powell", "JM900101A", date(1988, 6, 21), "Alresford", "SO24 9AA",
        date(2014, 3, 3), Decimal("1.0"), 22, date(2016, 9, 12), "FF-COMPETENT", Decimal("0.15"),
    ),
    DualPerson(
        "Tamsin", "Penrose", "JM900102A", date(1991, 2, 8), "Romsey", "SO51 8AB",
        date(2018, 1, 8), Decimal("0.8"), 26, date(2019, 5, 20), "FF-COMPETENT", Decimal("0.15"),
    ),
    DualPerson(
        "Gethin", "Lewis", "JM900103A", date(1979, 11, 30), "Stockbridge", "SO20 6AD",
        date(2006, 7, 3), Decimal("1.0"), 14, date(2008, 2, 4), "CM-COMPETENT", Decimal("0.2"),
    ),
    DualPerson(
        "Kieran", "Doyle", "JM900104A", date(1995, 4, 17), "Bishop's Waltham", "SO32 1AF",
        date(2021, 10, 4), Decimal("1.0"), 30, date(2023, 1, 9), "FF-DEVELOPMENT", Decimal("0.1"),
    ),
    DualPerson(
        "Hollie", "Marsh", "JM900105A", date(1984, 8, 25), "Whitchurch", "RG28 7AG",
        date(2010, 4, 12), Decimal("0.6"), 18, date(2012, 6, 11), "WM-DEVELOPMENT", Decimal("0.2"),
    ),
]  # fmt: skip

_COUNCIL_HOURS = Decimal(37)
_FIRE_HOURS = Decimal(42)


def _first_post(partner: Partner, title: str | None = None) -> Post | None:
    posts = Post.objects.for_partner(partner).order_by("code")
    return (posts.filter(title=title).first() if title else None) or posts.first()


def seed_demo_dual(*, partners: dict[str, Partner], users: dict[str, Any], actor: Any) -> list[Employment]:
    """Hire the five at the council and again at the fire service (the second hire finds the
    person by NI number and date of birth, so each has one person record); link the first to the
    ``fire.retained`` sign-in and give him a week's leave booked at each employer. Returns the
    employments, council then fire service for each person."""
    council, fire = partners["WCC"], partners["WFRS"]
    njc = list(PayPoint.objects.filter(scheme__code="njc", withdrawn_from__isnull=True).order_by("-sort"))
    grey = {
        p.code: p
        for p in PayPoint.objects.filter(
            scheme__code="grey_book", withdrawn_from__isnull=True
        ).select_related("scheme")
    }
    council_post, fire_post = _first_post(council), _first_post(fire, "Firefighter")
    hired: list[Employment] = []
    for n, who in enumerate(DUAL_PEOPLE, start=1):
        details = PersonDetails(
            given_name=who.given_name,
            family_name=who.family_name,
            date_of_birth=who.born,
            ni_number=who.ni_number,
            postcode=who.postcode,
            address_line1=f"{n} Station Road",
            town=who.town,
            bank_sort_code="400000",
            bank_account_number=f"0091{n:04d}",
            bank_account_name=f"{who.given_name} {who.family_name}",
        )
        at_council = employment_start(
            actor=actor,
            partner=council,
            person=details,
            payroll_number=f"WCC9001{n:02d}",
            start_date=who.council_started,
            post=council_post,
            terms=Terms(
                contract_type="permanent",
                fte=who.council_fte,
                weekly_hours=_COUNCIL_HOURS * who.council_fte,
                scheme=njc[0].scheme,
                pay_point=njc[min(who.njc_place, len(njc) - 1)],
                pension_scheme="lgps_main",
            ),
        )
        point = grey[who.fire_point]
        at_fire = employment_start(
            actor=actor,
            partner=fire,
            person=details,
            payroll_number=f"WFRS9001{n:02d}",
            start_date=who.fire_started,
            post=fire_post,
            terms=Terms(
                contract_type="permanent",
                fte=who.fire_fte,
                weekly_hours=_FIRE_HOURS * who.fire_fte,
                scheme=point.scheme,
                pay_point=point,
                # A second job: the personal allowance is used by the council's payroll.
                tax_code="BR",
                pension_scheme="firefighters_2015",
            ),
        )
        hired += [at_council, at_fire]
    rhys = hired[0].person
    rhys.user = users[DUAL_USER]
    rhys.email = users[DUAL_USER].email
    rhys.save(update_fields=["user", "email"])
    hired[1].person = rhys
    # Booked by himself, one week at each employer: each partner's export holds its own.
    for employment, start in ((hired[0], date(2026, 8, 3)), (hired[1], date(2026, 8, 17))):
        absence_request(
            actor=users[DUAL_USER],
            employment=employment,
            kind="annual_leave",
            start_date=start,
            end_date=start + timedelta(days=4),
        )
    return hired
