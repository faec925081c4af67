"""``joinedup bench sar --employees N``: one person's subject-access export (privacy/sar.py) at N
employees.

The acceptance target (issue 17): at most 1 s at 1,000,000 employees.

Seeded once for each N into the current database (not timed; the seed time is reported):

- ``SAR<N>``, a council, with N employees through the employments import in 20,000-row files
  (``population.import_staff``, as ``bench exit`` seeds: it streams file by file, where
  ``people.seed_search_population`` holds every row in memory first; the import per row is the
  same) — above 100,000 on PostgreSQL, the first 20,000 so and the rest copies of them made in
  SQL (``bench.cloning``: the import's 13,000 a minute would take over an hour for 1,000,000) —
  and ``SAR<N>F``, a fire and rescue service, with 20 employees of its own and the subject.
- The subject: the middle one (by id) of the council's employees who started by April 2023, also
  employed by the fire service (a retained firefighter), signed in as a user with an employee's
  role at both (``bench.sar<N>.subject``).
- At the council: 36 approved monthly pay runs (2023/24 to 2025/26) with a payslip each for the
  subject and for up to 2,000 other employees (written directly by ``bench.payhistory``, as the
  pay-run engine's output is not what is measured); 6 annual-leave requests of the subject
  (approved) and 3 sickness records; 3 service-desk tickets the subject raised, each with an
  agent's reply and resolved, and 10 tickets of another employee; an occupational-health case of
  the subject (referral, case, clinician, one clinical note). At the fire service: 12 payslips
  (2025/26), one leave request and one ticket of the subject. Every service writes its audit
  events, as in use.

Timed: ``privacy.sar.export_person`` (what ``joinedup privacy sar --partner SAR<N> --person ID``
calls) for the subject at the council and the JSON written as the command writes it, 5 times
(best and median; queries and bytes of the last); then once the ``--pdf`` variant (the export and
``sar_pdf.render``). Each export writes its audit events (the export itself and the reading of the
clinical notes), as the command does, so each later export of the subject holds a few more audit
events (and bytes) than the one before. Figures depend on the machine and its load (reported);
nothing here asserts a speed.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from joinedup.bench import BENCH
from joinedup.bench.cloning import staff_at_scale
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.payhistory import pay_history
from joinedup.bench.population import (
    COUNCIL,
    FIRE,
    Human,
    PeopleFactory,
    check_import,
    encode,
    make_posts,
    payable_points,
    standard_hours,
)
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.people.imports import import_employments
from joinedup.people.models import Employment, Person
from joinedup.people.schemes_sync import schemes_sync
from joinedup.people.services.absence import absence_decide, absence_request, sickness_record
from joinedup.privacy import sar, sar_pdf
from joinedup.servicedesk.services import TicketIn, raise_ticket, reply, resolve
from joinedup.wellbeing import cases, notes

SEED = 1718
RUNS = 5
TAX_YEARS = (2023, 2024, 2025)
OTHERS_PAID = 2_000
# Who started by this day is paid in every seeded run (tax year 2023/24 on).
PAID_FROM = date(2023, 4, 1)
FIRE_STAFF = 20
Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class SarBenchResult:
    employees: int
    database: str
    partner: str = ""
    person: int = 0
    seeded_now: bool = True
    seed_seconds: float = 0.0
    export_ms: list[float] = field(default_factory=list)
    queries: int = 0
    bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    pdf_ms: float = 0.0
    pdf_bytes: int = 0
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    @property
    def best(self) -> float:
        return min(self.export_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.export_ms)

    def as_dict(self) -> dict[str, object]:
        return {
            "employees": self.employees,
            "database": self.database,
            "partner": self.partner,
            "person": self.person,
            "seeded_now": self.seeded_now,
            "seed_seconds": round(self.seed_seconds, 1),
            "export_best_ms": round(self.best, 1),
            "export_median_ms": round(self.median, 1),
            "export_runs_ms": [round(ms, 1) for ms in self.export_ms],
            "queries": self.queries,
            "bytes": self.bytes,
            "counts": self.counts,
            "pdf_ms": round(self.pdf_ms, 1),
            "pdf_bytes": self.pdf_bytes,
            "target_ms_at_1000000": 1000,
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded_now else "already seeded"
        held = ", ".join(f"{name} {count}" for name, count in self.counts.items() if count)
        return "\n".join(
            [
                f"subject-access export of person {self.person} for {self.partner} at "
                f"{self.employees:,} employees on {self.database}",
                f"  ({seeded}: not counted)",
                f"  {self.conditions}",
                f"  JSON: best {self.best:.1f} ms, median {self.median:.1f} ms of {len(self.export_ms)}; "
                f"{self.queries} queries, {self.bytes:,} bytes",
                f"  PDF (export and render, once): {self.pdf_ms:.1f} ms, {self.pdf_bytes:,} bytes",
                f"  holds: {held}",
                "  target: at most 1 s at 1,000,000 employees",
            ]
        )


def _codes(employees: int) -> tuple[str, str, str]:
    return f"SAR{employees}", f"SAR{employees}F", f"bench.sar{employees}"


def _pay(partner: Partner, employment_ids: list[int], tax_years: tuple[int, ...]) -> None:
    """An approved monthly run for each period of ``tax_years``, a payslip in each for each id."""
    periods = [(tax_year, period) for tax_year in tax_years for period in range(1, 13)]
    pay_history(partner, employment_ids, periods, seed=SEED)


def _employ_at_fire(fire: Partner, subject: Person, rng: random.Random) -> Employment:
    """The fire service's own staff and the subject, through the employments import (the subject
    matched by their NI number, as a second employment of the same person)."""
    factory = PeopleFactory(FIRE_STAFF, SEED)
    posts = make_posts(fire, FIRE, 5, rng, actor=BENCH)
    points, hours = payable_points(FIRE.scheme), standard_hours(FIRE.scheme)
    rows = [
        factory.row(
            factory.human(), payroll_number=f"F{n:07d}", force=FIRE, points=points, hours=hours, posts=posts
        )
        for n in range(1, FIRE_STAFF + 1)
    ]
    human = Human(
        given=subject.given_name,
        family=subject.family_name,
        born=subject.date_of_birth,
        ni=subject.ni_number,
        postcode=subject.postcode,
        town=subject.town,
        address=subject.address_line1,
        phone=subject.phone,
    )
    row = factory.row(human, payroll_number="F9999999", force=FIRE, points=points, hours=hours, posts=posts)
    row[5] = date(2022, 9, 1)  # start_date: on call since before the fire service's payslips
    row[10] = ""
    row[12] = "monthly"
    rows.append(row)
    report = import_employments(actor=BENCH, partner=fire, source=encode(rows, "csv"), filename="fire.csv")
    check_import(report)
    return Employment.objects.for_partner(fire).get(person=subject)


def _user(username: str, partner_roles: list[tuple[Partner, str]]) -> Any:
    user = user_create(actor=BENCH, username=username, password=None, full_name=username)
    for partner, role in partner_roles:
        membership_grant(actor=BENCH, user=user, partner=partner, role=role)
    return user


def _absences(employment: Employment, approver: Any, *, leave: int, sick: int) -> None:
    """``leave`` approved requests of annual leave and ``sick`` sickness records, a few days each,
    spread over the last three leave years."""
    first = date(2023, 5, 1)  # a Monday
    for n in range(leave):
        monday = first + timedelta(weeks=13 * n + 2)
        absence = absence_request(
            actor=BENCH,
            employment=employment,
            kind="annual_leave",
            start_date=monday,
            end_date=monday + timedelta(days=2),
        )
        absence_decide(actor=approver, absence=absence, approve=True)
    for n in range(sick):
        monday = first + timedelta(weeks=41 * n + 7)
        sickness_record(
            actor=BENCH,
            employment=employment,
            start_date=monday,
            end_date=monday + timedelta(days=1),
            notes="Back pain.",
        )


def _tickets(requester: Any, partner: Partner, agent: Any, count: int, *, subject_is: str) -> None:
    for n in range(1, count + 1):
        ticket = raise_ticket(
            actor=requester,
            partner=partner,
            details=TicketIn(
                service="payroll",
                ticket_type="query",
                subject=f"{subject_is}: payslip question {n}",
                description="My tax code changed this month: is it right?",
            ),
        )
        if agent is not None:
            reply(actor=agent, ticket=ticket, body="Your code is right: HMRC sent it on the 3rd.")
            resolve(actor=agent, ticket=ticket, resolution="Explained the tax code.")


def _occupational_health(employment: Employment, hr: Any, admin: Any, clinician: Any) -> None:
    referral = cases.referral_create(
        actor=hr,
        employment=employment,
        reason="Two periods of sickness absence with back pain.",
        consent_date=date(2025, 2, 3),
    )
    referral = cases.referral_send(actor=hr, referral=referral)
    case = cases.case_open(actor=admin, referral=referral)
    case = cases.case_triage(actor=admin, case=case, priority="soon", clinician=clinician)
    notes.note_add(actor=clinician, case=case, text="Lower back pain since January; physiotherapy advised.")


def find_subject(employees: int) -> tuple[Partner, Person] | None:
    council_code, _, username = _codes(employees)
    council = Partner.objects.filter(code=council_code).first()
    user = get_user_model().objects.filter(username=f"{username}.subject").first()
    if council is None or user is None:
        return None
    person = Person.objects.for_partner(council).filter(user=user).first()
    return (council, person) if person is not None else None


def seed_sar(employees: int, *, say: Say = _silent) -> tuple[Partner, Person, bool]:
    """The council, the subject and whether they were seeded now (see the module's docstring)."""
    found = find_subject(employees)
    if found is not None:
        return found[0], found[1], False
    council_code, fire_code, username = _codes(employees)
    if Partner.objects.filter(code__in=[council_code, fire_code]).exists():
        raise ValueError(f"{council_code} exists without its subject (an interrupted seed): use another N.")
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    council = partner_create(
        actor=BENCH, name=f"Benchmark SAR {employees}", code=council_code, kind=COUNCIL.kind
    )
    fire = partner_create(actor=BENCH, name=f"Benchmark SAR {employees} fire", code=fire_code, kind=FIRE.kind)
    say(f"{employees:,} employees")
    staff_at_scale(council, employees, rng, seed=SEED, payroll_prefix="S", say=say)
    say("The subject's history")
    with transaction.atomic():
        early = Employment.objects.for_partner(council).filter(start_date__lte=PAID_FROM).order_by("pk")
        total = early.count()
        if not total:
            raise ValueError("No employee started by April 2023: use a larger N.")
        employment = early.select_related("person")[total // 2]
        subject = employment.person
        user = _user(f"{username}.subject", [(council, Role.EMPLOYEE), (fire, Role.EMPLOYEE)])
        subject.user = user
        subject.save(update_fields=["user"])
        on_call = _employ_at_fire(fire, subject, rng)
        others = list(
            Employment.objects.for_partner(council)
            .filter(start_date__lte=PAID_FROM)
            .exclude(pk=employment.pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:OTHERS_PAID]
        )
        _pay(council, [employment.pk, *others], TAX_YEARS)
        _pay(fire, [on_call.pk], TAX_YEARS[-1:])
        hr = _user(f"{username}.hr", [(council, Role.HR_OFFICER), (fire, Role.HR_OFFICER)])
        _absences(employment, hr, leave=6, sick=3)
        _absences(on_call, hr, leave=1, sick=0)
        agent = _user(f"{username}.agent", [(council, Role.SERVICE_DESK_AGENT)])
        _tickets(user, council, agent, 3, subject_is="subject")
        _tickets(user, fire, None, 1, subject_is="subject")
        colleague = _user(f"{username}.colleague", [(council, Role.EMPLOYEE)])
        _tickets(colleague, council, None, 10, subject_is="colleague")
        admin = _user(f"{username}.oh-admin", [(council, Role.OH_ADMIN)])
        clinician = _user(f"{username}.clinician", [(council, Role.OH_CLINICIAN)])
        _occupational_health(employment, hr, admin, clinician)
    return council, subject, True


def _export(partner: Partner, person: Person) -> tuple[dict[str, Any], str]:
    export = sar.export_person(actor=BENCH, partner=partner, person_id=person.pk)
    text = json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n"
    return export, text


def run_sar_benchmark(employees: int, *, runs: int = RUNS, say: Say = _silent) -> SarBenchResult:
    if employees < 1:
        raise ValueError("--employees must be at least 1.")
    result = SarBenchResult(employees=employees, database=database_label())
    started = time.perf_counter()
    partner, person, result.seeded_now = seed_sar(employees, say=say)
    result.seed_seconds = time.perf_counter() - started
    result.partner, result.person = partner.code, person.pk
    result.load_before = os.getloadavg()[0]
    say("Exporting")
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            export, text = _export(partner, person)
            result.export_ms.append((time.perf_counter() - began) * 1000)
        result.queries = len(captured)
        result.bytes = len(text.encode("utf-8"))
        result.counts = dict(export["counts"])
    began = time.perf_counter()
    export = sar.export_person(actor=BENCH, partner=partner, person_id=person.pk)
    pdf = sar_pdf.render(export)
    result.pdf_ms = (time.perf_counter() - began) * 1000
    result.pdf_bytes = len(pdf)
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    return result
