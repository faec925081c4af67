"""Demo people for the Wessex partnership: council staff on the NJC Green Book, constabulary
staff on Police Staff Council terms, firefighters on the Grey Book, the shared service's own
staff; a chief executive shared by the council and the fire service, a secondment, and a
completed TUPE transfer of back-office staff into Wessex Shared Services.

Bulk staff go through the same all-or-nothing import as a real upload does."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from joinedup.partnership.models import Partner
from joinedup.payroll.ni_categories import age_problem
from joinedup.people.imports import import_employments, import_posts
from joinedup.people.models import Employment, PayPoint
from joinedup.people.schemes_sync import schemes_sync
from joinedup.people.services import (
    PersonDetails,
    Terms,
    cost_split_set,
    employment_change_terms,
    employment_start,
    secondment_create,
    tupe_transfer,
)

# NI prefixes HMRC allocates (NIM39110) that the demo draws from; the digits are sequential.
_NI_PREFIXES = ["AB", "CE", "JM", "KA", "LR", "MW", "PH", "RS", "SE", "TH", "WP", "YZ"]


@dataclass(frozen=True)
class Workforce:
    code: str
    scheme: str
    pension: str
    hours: str
    units: list[tuple[str, str]]
    titles: list[str]


WORKFORCES = {
    "WCC": Workforce(
        "WCC",
        "njc",
        "lgps_main",
        "37",
        [
            ("ASC", "Adult Social Care"),
            ("HWY", "Highways and Transport"),
            ("LIB", "Libraries and Culture"),
            ("CHS", "Children's Services"),
            ("FIN", "Finance"),
            ("HRP", "HR and Payroll"),
        ],
        [
            "Social worker",
            "Care assistant",
            "Highways inspector",
            "Librarian",
            "Family support worker",
            "Accountant",
            "HR adviser",
            "Payroll officer",
            "Business support officer",
            "Team manager",
        ],
    ),
    "WPOL": Workforce(
        "WPOL",
        "police_staff",
        "lgps_main",
        "37",
        [
            ("CONT", "Contact Management"),
            ("CUST", "Custody"),
            ("INV", "Investigations Support"),
            ("FIN", "Finance"),
            ("HRP", "HR and Payroll"),
        ],
        [
            "Call handler",
            "Detention officer",
            "Investigation officer",
            "Analyst",
            "Finance officer",
            "HR adviser",
            "Payroll officer",
            "PCSO",
        ],
    ),
    "WFRS": Workforce(
        "WFRS",
        "grey_book",
        "firefighters_2015",
        "42",
        [
            ("NORTH", "North Group"),
            ("SOUTH", "South Group"),
            ("PREV", "Prevention and Protection"),
        ],
        ["Firefighter", "Crew manager", "Watch manager", "Station manager"],
    ),
    "WSS": Workforce(
        "WSS",
        "njc",
        "lgps_main",
        "37",
        [
            ("HRS", "HR Services"),
            ("PAY", "Payroll Services"),
            ("FIN", "Finance Services"),
            ("ICT", "ICT Service Desk"),
            ("PRC", "Procurement"),
        ],
        ["HR adviser", "Payroll officer", "Finance officer", "Service desk analyst", "Buyer", "Team leader"],
    ),
}


def seed_people(
    *,
    partners: dict[str, Partner],
    employees: int,
    say: Callable[[str], None],
    shares: dict[str, float],
    actor: Any,
) -> None:
    report = schemes_sync(actor=None)
    say(f"Schemes: {report.schemes_created} loaded, {report.rates_created} dated pay rates")
    rng = random.Random(2026)  # noqa: S311 — repeatable demo data, not security
    counter = iter(range(1, 10_000_000))
    remaining = employees
    codes = list(WORKFORCES)
    for index, code in enumerate(codes):
        count = remaining if index == len(codes) - 1 else round(employees * shares[code])
        remaining -= count
        partner = partners[code]
        force = WORKFORCES[code]
        points = _payable_points(force.scheme)
        posts = _posts_csv(force, points, max(count // 3, 1), rng)
        result = import_posts(actor=actor, partner=partner, source=posts, filename=f"{code}-posts.csv")
        _check(result)
        if count:
            staff = _staff_csv(force, points, count, rng, counter, post_count=max(count // 3, 1))
            result = import_employments(
                actor=actor, partner=partner, source=staff, filename=f"{code}-staff.csv"
            )
            _check(result)
        say(f"  {partner.name}: {count} staff on {force.scheme}, {max(count // 3, 1)} posts")
    _special_cases(partners, actor, say)


def _payable_points(scheme: str) -> list[PayPoint]:
    """Points with a rate today; a scheme whose current values are not held (Police Staff
    Council, see its data file) still lists its points so HR records can use them."""
    from django.db.models import Q

    today = date.today()  # noqa: DTZ011 — a calendar date for demo data
    points = PayPoint.objects.filter(scheme__code=scheme).filter(
        Q(withdrawn_from__isnull=True) | Q(withdrawn_from__gt=today)
    )
    return list(points.order_by("sort"))


def _posts_csv(force: Workforce, points: list[PayPoint], count: int, rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "code",
            "title",
            "org_unit_code",
            "org_unit_name",
            "scheme",
            "grade_min",
            "grade_max",
            "budgeted_fte",
            "cost_centre",
            "start_date",
        ]
    )
    for n in range(1, count + 1):
        unit_code, unit_name = force.units[n % len(force.units)]
        low = rng.randrange(0, max(len(points) - 3, 1))
        writer.writerow(
            [
                f"{force.code}-P{n:05d}",
                rng.choice(force.titles),
                unit_code,
                unit_name,
                force.scheme,
                points[low].code,
                points[min(low + 3, len(points) - 1)].code,
                rng.choice(["2", "3", "3", "4"]),
                f"{force.code}-{unit_code}",
                "2015-04-01",
            ]
        )
    return out.getvalue().encode()


def _ni(counter: Any) -> str:
    n = next(counter)
    return f"{_NI_PREFIXES[n % len(_NI_PREFIXES)]}{n:06d}{'ABCD'[n % 4]}"


def _ni_letter(drawn: str, born: date, start: date) -> str:
    """M only for someone under 21 on their start date and still under 21 through the demo's
    pay dates (payroll/rules/ni_category_ages.toml); everyone else is on A. The letter is still
    drawn, so the rest of the generated workforce stays as it was."""
    young = age_problem("M", born, max(start, date(2027, 4, 5))) is None
    return "M" if drawn == "M" and young else "A"


def _staff_csv(
    force: Workforce, points: list[PayPoint], count: int, rng: random.Random, counter: Any, post_count: int
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "payroll_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "ni_number",
            "start_date",
            "continuous_service_date",
            "scheme",
            "pay_point",
            "fte",
            "weekly_hours",
            "post_code",
            "tax_code",
            "ni_category",
            "student_loan_plans",
            "pension_scheme",
            "gender",
            "address_line1",
            "town",
            "postcode",
            "bank_sort_code",
            "bank_account_number",
        ]
    )
    today = date(2026, 11, 1)
    for n in range(1, count + 1):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 44))
        start = max(born + timedelta(days=365 * 18), today - timedelta(days=rng.randrange(30, 365 * 25)))
        fte = rng.choice(["1", "1", "1", "1", "0.8", "0.6", "0.5"])
        hours = (Decimal(force.hours) * Decimal(fte)).quantize(Decimal("0.01"))
        code = rng.choice(["1257L"] * 14 + ["1257L W1", "BR", "K475", "S1257L", "C1257L", "0T", "1100L"])
        plans = rng.choice([""] * 6 + ["1", "2", "2", "4", "PG", "2;PG"])
        writer.writerow(
            [
                f"{force.code}{n:06d}",
                rng.choice(_FIRST),
                rng.choice(_LAST),
                born.isoformat(),
                _ni(counter),
                start.isoformat(),
                start.isoformat(),
                force.scheme,
                rng.choice(points).code,
                fte,
                hours,
                f"{force.code}-P{rng.randrange(1, post_count + 1):05d}",
                code,
                _ni_letter(rng.choice("AAAAAAAAAAAAM"), born, start),
                plans,
                force.pension if rng.random() > 0.08 else "none",
                rng.choice("FM"),
                f"{rng.randrange(1, 200)} {rng.choice(_STREETS)}",
                rng.choice(_TOWNS),
                "SO23 8UJ",
                "20-00-00",
                f"{rng.randrange(10_000_000, 99_999_999)}",
            ]
        )
    return out.getvalue().encode()


def _special_cases(partners: dict[str, Partner], actor: Any, say: Callable[[str], None]) -> None:
    from joinedup.people.models import TermsScheme

    council, fire, police, shared = partners["WCC"], partners["WFRS"], partners["WPOL"], partners["WSS"]
    njc = TermsScheme.objects.get(code="njc")
    top = PayPoint.objects.filter(scheme=njc, withdrawn_from__isnull=True).order_by("-sort").first()
    if top is None:
        raise RuntimeError("The NJC scheme has no current points; run `joinedup schemes sync`.")
    chief = employment_start(
        actor=actor,
        partner=council,
        person=PersonDetails(
            given_name="Morwenna",
            family_name="Trelawney",
            date_of_birth=date(1968, 9, 2),
            ni_number="JM900001A",
            postcode="SO23 8UJ",
            gender="F",
            address_line1="The Castle",
            town="Winchester",
        ),
        payroll_number="WCC900001",
        start_date=date(2021, 1, 4),
        terms=Terms(
            contract_type="permanent",
            fte=Decimal(1),
            weekly_hours=Decimal(37),
            scheme=njc,
            pay_point=top,
            pension_scheme="lgps_main",
        ),
    )
    cost_split_set(
        actor=actor,
        employment=chief,
        effective_from=date(2024, 4, 1),
        effective_to=None,
        reason="Joint chief executive of the council and the fire authority",
        shares=[(council, Decimal(50)), (fire, Decimal(50))],
    )
    say("  Shared chief executive: Morwenna Trelawney, cost split 50/50 between WCC and WFRS")

    analyst = Employment.objects.for_partner(council).order_by("payroll_number").first()
    if analyst is None:
        raise RuntimeError("The council has no staff to second.")
    secondment_create(
        actor=actor,
        employment=analyst,
        host_partner=police,
        role_title="Interim finance business partner",
        start_date=date(2026, 6, 1),
        end_date=date(2027, 5, 31),
        recharge_percent=Decimal(100),
    )
    say(f"  Secondment: {analyst.person.full_name} ({analyst.payroll_number}) from WCC to WPOL")

    movers = list(
        Employment.objects.for_partner(council)
        .filter(
            post_holdings__post__org_unit__code="HRP", start_date__lt=date(2025, 10, 1), end_date__isnull=True
        )
        .distinct()
        .order_by("payroll_number")[:12]
    )
    if movers:
        tupe_transfer(
            actor=actor,
            from_partner=council,
            to_partner=shared,
            transfer_date=date(2025, 10, 1),
            reference="TUPE-2025-HRP",
            measures="No measures envisaged; terms and LGPS membership protected.",
            employments=movers,
        )
        say(f"  TUPE: {len(movers)} council HR and payroll staff moved to WSS on 1 October 2025")


def link_demo_users(*, partners: dict[str, Partner], users: dict[str, Any], actor: Any) -> None:
    """Give council.employee a record and a line manager (council.manager)."""
    council = partners["WCC"]
    staff = list(
        Employment.objects.for_partner(council).filter(end_date__isnull=True).order_by("payroll_number")[1:3]
    )
    if len(staff) < 2:
        return
    employee, manager = staff
    employee.person.user = users["council.employee"]
    employee.person.save(update_fields=["user"])
    manager.person.user = users["council.manager"]
    manager.person.save(update_fields=["user"])
    employment_change_terms(
        actor=actor,
        employment=employee,
        effective_from=date(2026, 4, 1),
        reason="New line manager",
        changes={"line_manager": manager},
    )


def _check(report: Any) -> None:
    if not report.ok:
        from joinedup.core.tabular import format_errors

        raise RuntimeError(
            f"Demo data failed its own import checks:\n{format_errors(report.errors, limit=20)}"
        )


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
    "Priya",
    "Tomasz",
    "Chloe",
    "Kwame",
    "Siobhan",
    "Dylan",
    "Megan",
    "Yusuf",
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
    "Nowak",
    "Okafor",
    "Murphy",
    "Hughes",
    "Edwards",
    "Clarke",
    "Ahmed",
    "Price",
    "Bennett",
    "Kaur",
]
_STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Victoria Road",
    "The Avenue",
    "Park Lane",
]
_TOWNS = ["Winchester", "Dorchester", "Salisbury", "Andover", "Basingstoke", "Yeovil", "Shaftesbury"]
