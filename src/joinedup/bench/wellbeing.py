"""``joinedup bench wellbeing --cases N``: a clinician's case list and one case page, over N
occupational-health cases.

The acceptance target (issue 16): both under 100 ms at 100,000 cases.

Seeded once for each N into the current database (not timed; the seed time is reported): three
partners (``OHB<N>A``, ``B``, ``C``), :data:`STAFF` employees each (through the employments
import), ten clinicians holding ``oh_clinician`` on all three, an OH administrator and an HR
officer; then N sent referrals and their cases spread at random over the three partners and the
three years to 1 December 2026, at every stage (:data:`STATUSES`), each but the untriaged with a
clinician, an appointment, two clinical notes, one access event and, from the report on, an
outcome report. Rows go in by COPY on PostgreSQL and executemany on SQLite (``bench.spend``'s
writer). **The notes' ciphertext**: :data:`NOTE_TEXTS` distinct texts, each encrypted once with
the OH key (``wellbeing.crypto.encrypt``) and reused, so every note decrypts as a real one does
(Fernet's cost is per token read, not per distinct token).

Timed, as the first clinician under their partners' row-level context (a request's transaction),
their roles read afresh each run, best and median of :data:`RUNS`:

- **the case list**: ``selectors.cases_for(clinician)`` (every case of their partners, newest
  first) as a paginated page reads it: its count and the first :data:`PAGE` rows; and the same
  narrowed to their own cases (``clinician=``);
- **a case page**: ``case_for``, ``appointments_of``, ``case_notes`` (decrypting its notes and
  writing its access event) and ``report_progress`` for the clinician's newest case with a
  released report.

Figures depend on the machine; nothing here asserts a speed.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from joinedup.bench import BENCH
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.population import (
    COUNCIL,
    PeopleFactory,
    import_staff,
    make_posts,
    payable_points,
    standard_hours,
)
from joinedup.bench.servicedesk import _stamps
from joinedup.bench.spend import copy_rows, next_id, reset_sequences
from joinedup.core import rls
from joinedup.partnership.models import Partner, PartnerKind, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.people.models import Employment
from joinedup.people.schemes_sync import schemes_sync
from joinedup.wellbeing import crypto, selectors
from joinedup.wellbeing.models import (
    Appointment,
    Case,
    CaseAccessEvent,
    ClinicalNote,
    OutcomeReport,
    Referral,
)

RUNS = 7
PAGE = 25
PARTNERS = "ABC"
STAFF = 40  # per partner; the cases share them
CLINICIANS = 10
SEED = 1616
FIRST = datetime(2023, 12, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
DAY = 86_400
# Case statuses and their shares: most cases are closed, as in any caseload a few years old.
STATUSES = np.array(
    ["referred", "triaged", "appointment_booked", "assessed", "report_written", "report_released", "closed"]
)
STATUS_WEIGHTS = [0.04, 0.04, 0.08, 0.04, 0.04, 0.1, 0.66]
NOTE_TEXTS = 16
Say = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class WellbeingBenchResult:
    cases: int
    database: str
    partners: list[str] = field(default_factory=list)
    seeded: bool = True
    seed_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    list_seconds: list[float] = field(default_factory=list)
    mine_seconds: list[float] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    checks: dict[str, int] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    @staticmethod
    def _ms(seconds: list[float]) -> dict[str, float]:
        return {
            "best": round(min(seconds) * 1000, 1),
            "median": round(statistics.median(seconds) * 1000, 1),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "database": self.database,
            "partners": self.partners,
            "seeded": self.seeded,
            "seed_seconds": round(self.seed_seconds, 1),
            "rows": self.rows,
            "runs": len(self.page_seconds),
            "page_size": PAGE,
            "case_list_ms": self._ms(self.list_seconds),
            "my_case_list_ms": self._ms(self.mine_seconds),
            "case_page_ms": self._ms(self.page_seconds),
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "checks": self.checks,
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded else "already seeded"
        rows = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        line = "| {} | {:.1f} | {:.1f} |"
        return "\n".join(
            [
                f"occupational health over {self.cases:,} cases of {len(self.partners)} partners on "
                f"{self.database} ({', '.join(self.partners)})",
                f"  ({seeded}: not counted; {rows})",
                f"  {self.conditions}",
                "",
                f"| step | best of {len(self.page_seconds)} (ms) | median (ms) |",
                "|---|---:|---:|",
                line.format(
                    f"a clinician's case list (count and first {PAGE})",
                    min(self.list_seconds) * 1000,
                    statistics.median(self.list_seconds) * 1000,
                ),
                line.format(
                    "  narrowed to their own cases",
                    min(self.mine_seconds) * 1000,
                    statistics.median(self.mine_seconds) * 1000,
                ),
                line.format(
                    "a case page (case, appointments, notes with their access event, report)",
                    min(self.page_seconds) * 1000,
                    statistics.median(self.page_seconds) * 1000,
                ),
                "",
                ", ".join(f"{name} {value:,}" for name, value in self.checks.items()),
            ]
        )


def _codes(cases: int) -> list[str]:
    return [f"OHB{cases}{letter}" for letter in PARTNERS]


def _day_text(seconds: np.ndarray[Any, Any]) -> list[str]:
    return [str(d) for d in np.datetime_as_string(seconds.astype("datetime64[s]"), unit="D")]


_REFERRAL_COLUMNS = [
    "id",
    "partner_id",
    "employment_id",
    "source",
    "referred_by_id",
    "reason",
    "questions",
    "consent_given",
    "consent_date",
    "see_report_first",
    "status",
    "created_at",
    "sent_at",
]
_CASE_COLUMNS = [
    "id",
    "partner_id",
    "referral_id",
    "employment_id",
    "status",
    "priority",
    "clinician_id",
    "opened_by_id",
    "opened_at",
    "triaged_at",
    "closed_at",
]
_APPOINTMENT_COLUMNS = [
    "case_id",
    "partner_id",
    "clinician_id",
    "starts_at",
    "mode",
    "status",
    "booked_by_id",
    "booked_at",
]
_NOTE_COLUMNS = ["case_id", "partner_id", "author_id", "written_at", "ciphertext"]
_EVENT_COLUMNS = ["case_id", "partner_id", "actor_id", "actor_label", "at", "part"]
_REPORT_COLUMNS = [
    "case_id",
    "partner_id",
    "clinician_id",
    "outcome",
    "adjustments",
    "expected_return",
    "review_date",
    "status",
    "written_at",
    "issued_at",
    "release_due",
    "employee_response",
    "responded_at",
    "released_at",
    "release_reason",
]


def _people(partners: list[Partner]) -> dict[int, list[int]]:
    """STAFF employees at each partner, through the employments import; their ids by partner."""
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    factory = PeopleFactory(STAFF * len(partners), SEED)
    staff: dict[int, list[int]] = {}
    for partner in partners:
        posts = make_posts(partner, COUNCIL, 10, rng, actor=BENCH)
        import_staff(
            partner=partner,
            force=COUNCIL,
            factory=factory,
            count=STAFF,
            points=payable_points(COUNCIL.scheme),
            posts=posts,
            hours=standard_hours(COUNCIL.scheme),
            payroll_number=f"{partner.code[-1]}{{:07d}}".format,
            actor=BENCH,
        )
        staff[partner.pk] = list(
            Employment.objects.for_partner(partner).order_by("pk").values_list("pk", flat=True)
        )
    return staff


def _users(cases: int, partners: list[Partner]) -> tuple[list[Any], Any, Any]:
    stem = f"bench.oh.{cases}"
    clinicians = [
        user_create(actor=BENCH, username=f"{stem}.c{n}", password=None, full_name=f"Bench clinician {n}")
        for n in range(CLINICIANS)
    ]
    admin = user_create(actor=BENCH, username=f"{stem}.admin", password=None, full_name="Bench OH admin")
    hr = user_create(actor=BENCH, username=f"{stem}.hr", password=None, full_name="Bench HR officer")
    for partner in partners:
        for clinician in clinicians:
            membership_grant(actor=BENCH, user=clinician, partner=partner, role=Role.OH_CLINICIAN)
        membership_grant(actor=BENCH, user=admin, partner=partner, role=Role.OH_ADMIN)
        membership_grant(actor=BENCH, user=hr, partner=partner, role=Role.HR_OFFICER)
    return clinicians, admin, hr


def seed_wellbeing(cases: int, *, say: Say = _silent) -> tuple[list[Partner], Any, bool]:
    """The benchmark's partners and timed clinician for ``cases`` cases, seeding them when absent;
    the last value says whether they were seeded now."""
    codes = _codes(cases)
    found = list(Partner.objects.filter(code__in=codes).order_by("code"))
    if len(found) == len(codes):
        return found, get_user_model().objects.get(username=f"bench.oh.{cases}.c0"), False
    if found:
        raise ValueError(f"Partners {', '.join(p.code for p in found)} are half seeded: remove them first.")
    partners = [
        partner_create(
            actor=BENCH, name=f"Benchmark occupational health {code}", code=code, kind=PartnerKind.COUNCIL
        )
        for code in codes
    ]
    say("Staff")
    staff = _people(partners)
    clinicians, admin, hr = _users(cases, partners)
    say(f"{cases:,} cases")
    rng = np.random.default_rng(SEED)
    owner = rng.integers(0, len(partners), size=cases)
    partner_ids = np.array([p.pk for p in partners], dtype=np.int64)[owner]
    employment = np.array(
        [staff[int(p)][int(i)] for p, i in zip(partner_ids, rng.integers(0, STAFF, size=cases), strict=True)]
    )
    status = rng.choice(STATUSES, size=cases, p=STATUS_WEIGHTS)
    clinician_ids = np.array([c.pk for c in clinicians], dtype=np.int64)[
        rng.integers(0, len(clinicians), size=cases)
    ]
    triaged = status != "referred"
    seen = ~np.isin(status, ["referred", "triaged"])
    reported = np.isin(status, ["report_written", "report_released", "closed"])
    span = int((END - FIRST).total_seconds())
    opened = int(FIRST.timestamp()) + rng.integers(0, span, size=cases)
    consent = opened - rng.integers(1, 14, size=cases) * DAY
    triaged_at = opened + rng.integers(3600, 3 * DAY, size=cases)
    appointment_at = triaged_at + rng.integers(2 * DAY, 21 * DAY, size=cases)
    written_at = appointment_at + rng.integers(3600, 5 * DAY, size=cases)
    closed_at = written_at + rng.integers(DAY, 60 * DAY, size=cases)
    opened_text, consent_text = _stamps(opened), _day_text(consent)
    triaged_text, appointment_text = _stamps(triaged_at), _stamps(appointment_at)
    written_text, closed_text = _stamps(written_at), _stamps(closed_at)
    first_referral, first_case = next_id(Referral), next_id(Case)
    referral_rows, case_rows = [], []
    for i in range(cases):
        partner_id, employment_id = int(partner_ids[i]), int(employment[i])
        referral_rows.append(
            (
                first_referral + i,
                partner_id,
                employment_id,
                "hr",
                hr.pk,
                "Benchmark referral.",
                "",
                True,
                consent_text[i],
                False,
                "sent",
                opened_text[i],
                opened_text[i],
            )
        )
        case_rows.append(
            (
                first_case + i,
                partner_id,
                first_referral + i,
                employment_id,
                str(status[i]),
                "routine" if triaged[i] else "",
                int(clinician_ids[i]) if triaged[i] else None,
                admin.pk,
                opened_text[i],
                triaged_text[i] if triaged[i] else None,
                closed_text[i] if status[i] == "closed" else None,
            )
        )
    copy_rows(Referral, _REFERRAL_COLUMNS, referral_rows)
    copy_rows(Case, _CASE_COLUMNS, case_rows)
    del referral_rows, case_rows
    say("Appointments, notes, access events and reports")
    ciphertexts = [
        crypto.encrypt(f"Benchmark clinical note {n}: seen and assessed.") for n in range(NOTE_TEXTS)
    ]
    appointments, notes, events, outcome_reports = [], [], [], []
    for i in np.nonzero(triaged)[0].tolist():
        case_id, partner_id, clinician = first_case + i, int(partner_ids[i]), int(clinician_ids[i])
        notes.append((case_id, partner_id, clinician, triaged_text[i], ciphertexts[i % NOTE_TEXTS]))
        if not seen[i]:
            continue
        booked = status[i] == "appointment_booked"
        appointments.append(
            (
                case_id,
                partner_id,
                clinician,
                appointment_text[i],
                "video",
                "booked" if booked else "attended",
                admin.pk,
                triaged_text[i],
            )
        )
        notes.append((case_id, partner_id, clinician, appointment_text[i], ciphertexts[(i + 7) % NOTE_TEXTS]))
        events.append(
            (case_id, partner_id, clinician, f"Bench clinician {clinician}", appointment_text[i], "notes")
        )
        if reported[i]:
            released = status[i] != "report_written"
            outcome_reports.append(
                (
                    case_id,
                    partner_id,
                    clinician,
                    "fit",
                    "",
                    None,
                    None,
                    "released" if released else "draft",
                    written_text[i],
                    written_text[i] if released else None,
                    None,
                    "",
                    None,
                    written_text[i] if released else None,
                    "on_issue" if released else "",
                )
            )
    copy_rows(Appointment, _APPOINTMENT_COLUMNS, appointments)
    copy_rows(ClinicalNote, _NOTE_COLUMNS, notes)
    copy_rows(CaseAccessEvent, _EVENT_COLUMNS, events)
    copy_rows(OutcomeReport, _REPORT_COLUMNS, outcome_reports)
    seeded = [Referral, Case, Appointment, ClinicalNote, CaseAccessEvent, OutcomeReport]
    reset_sequences(seeded)
    with connection.cursor() as cursor:
        for model in seeded:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return partners, clinicians[0], True


def _page_case(clinician: Any, partners: list[Partner]) -> Case:
    """The clinician's newest case with a released report: the case page to time."""
    found = (
        Case.objects.for_partners(partners)
        .filter(clinician=clinician, status="report_released")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if found is None:
        raise ValueError("Too few cases: the clinician has none with a released report.")
    return found


def run_wellbeing_benchmark(cases: int, *, runs: int = RUNS, say: Say = _silent) -> WellbeingBenchResult:
    if cases < 1:
        raise ValueError("cases must be at least 1.")
    if runs < 1:
        raise ValueError("runs must be at least 1.")
    began = time.perf_counter()
    # One transaction: on SQLite each row of an executemany would otherwise commit (and sync)
    # by itself.
    with rls.session_context("joinedup bench wellbeing: seeding"), transaction.atomic():
        partners, clinician, seeded = seed_wellbeing(cases, say=say)
    result = WellbeingBenchResult(
        cases=cases,
        database=database_label(),
        partners=[p.code for p in partners],
        seeded=seeded,
        seed_seconds=time.perf_counter() - began,
    )
    with rls.system_context("joinedup bench wellbeing: counting the seeded rows"):
        counted = {
            "cases": Case,
            "appointments": Appointment,
            "notes": ClinicalNote,
            "access events": CaseAccessEvent,
            "reports": OutcomeReport,
        }
        for name, model in counted.items():
            result.rows[name] = model.objects.for_partners(partners).count()  # type: ignore[attr-defined]
        page_case = _page_case(clinician, partners)
    result.load_before = os.getloadavg()[0]
    say("Timing")
    listed = mine = 0
    read: list[Any] = []
    for _ in range(runs):
        with rls.partner_context(partners, user=clinician):
            forget_cached_roles(clinician)
            start = time.perf_counter()
            found = selectors.cases_for(clinician)
            listed = found.count()
            first = list(found[:PAGE])
            result.list_seconds.append(time.perf_counter() - start)
        with rls.partner_context(partners, user=clinician):
            forget_cached_roles(clinician)
            start = time.perf_counter()
            own = selectors.cases_for(clinician, clinician=clinician)
            mine = own.count()
            list(own[:PAGE])
            result.mine_seconds.append(time.perf_counter() - start)
        with rls.partner_context(partners, user=clinician):
            forget_cached_roles(clinician)
            start = time.perf_counter()
            case = selectors.case_for(clinician, case_id=page_case.pk)
            appointments = list(selectors.appointments_of(clinician, case_id=case.pk))
            case_notes = selectors.case_notes(clinician, case_id=case.pk)
            progress = selectors.report_progress(clinician, case_id=case.pk)
            result.page_seconds.append(time.perf_counter() - start)
            read = [first, appointments, case_notes, progress]
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    first, appointments, case_notes, _ = read
    result.checks = {
        "cases listed": listed,
        "the clinician's own": mine,
        "first page rows": len(first),
        "appointments on the page": len(appointments),
        "notes read on the page": len(case_notes),
    }
    return result
