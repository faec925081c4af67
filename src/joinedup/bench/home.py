"""``joinedup bench home --employees N``: each role's home page (issue 19's workspaces) at N
employees, asked through the WSGI application as that role.

The target (issue 19): each home page in at most 150 ms at 100,000 employees, with no query
count that grows with the number of employees.

Seeded once for each N into the current database (not timed; the seed time is reported):

- ``HOME<N>``, a council, with N employees through the employments import
  (``population.import_staff``, as ``bench sar`` and ``bench exit`` seed), its ledger set up
  for the year with a budget for each cost centre's pay; and the database's shared-services body
  (the demo's, if there is one: recharges know exactly one), else ``HOME<N>S``, whose finance
  officer issues recharges.
- Pay history: an approved monthly run for each of the 13 months before this one, with a
  payslip for every employee (written directly with its totals kept, as approval keeps them:
  the engine's output is not what is measured), and this month's run calculated and waiting
  for approval, so the payroll chart has 13 months and the approver a run to approve.
- Leave: a request waiting for a decision from one employee in 50, and approved leave today
  for as many more.
- A user for each role (``bench.home<N>.<role>``), the line manager managing ten of the staff
  and the employee paid in every run; those whose role needs a second sign-in step have an
  authenticator, and each is signed in as ``bench load-prepare`` signs in the load test's users.

Timed: ``GET /`` as each role, one untimed request then 5 (best and median wall-clock ms; CPU ms
of this process and queries, per request). Figures depend on the machine and its load
(reported); nothing here asserts a speed."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.bench import BENCH
from joinedup.bench.load.plan import _session
from joinedup.bench.machine import conditions, database_label
from joinedup.bench.pages import time_requests
from joinedup.bench.population import (
    COUNCIL,
    SHARED_SERVICE,
    council_staff,
)
from joinedup.core.dates import people_month
from joinedup.ledger.models import Account, AccountType, CostCentre, FinancialYear
from joinedup.ledger.services import budget_set_year, ledger_setup_partner
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY, SECOND_FACTOR_ROLES
from joinedup.partnership.services import membership_grant, partner_create, user_create
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.payroll.posting import establishment_cost_centres
from joinedup.payroll.run_calculation import TOTAL_FIELDS
from joinedup.people.models import Absence, AbsenceKind, AbsenceStatus, Employment, EmploymentTerms
from joinedup.people.schemes_sync import schemes_sync

SEED = 1919
RUNS = 5
HISTORY_MONTHS = 13
TEAM = 10
# One employee in this many has leave waiting for a decision (and as many more are off today).
LEAVE_EVERY = 50
TARGET_MS = 150
Say = Callable[[str], None]

# The home pages timed: (name, username suffix, role, on the shared-services body).
ROLES: tuple[tuple[str, str, str, bool], ...] = (
    ("payroll officer", "payroll", Role.PAYROLL_OFFICER, False),
    ("approver", "approver", Role.PAYROLL_APPROVER, False),
    ("HR officer", "hr", Role.HR_OFFICER, False),
    ("finance officer", "finance", Role.FINANCE_OFFICER, False),
    ("line manager", "manager", Role.MANAGER, False),
    ("employee", "employee", Role.EMPLOYEE, False),
    ("service administrator", "admin", Role.SERVICE_ADMIN, False),
    ("union representative", "union", Role.UNION_REP, False),
    ("DPO", "dpo", Role.DATA_PROTECTION_OFFICER, False),
    ("shared-service finance", "shared-finance", Role.FINANCE_OFFICER, True),
)


def _silent(_message: str) -> None:
    return None


@dataclass(frozen=True)
class HomeCost:
    role: str
    walls_ms: list[float]
    cpu_ms: float  # per request, mean
    queries: int  # per request
    statuses: list[int]

    @property
    def best(self) -> float:
        return min(self.walls_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.walls_ms)

    def as_dict(self) -> dict[str, object]:
        return {
            "best_ms": round(self.best, 1),
            "median_ms": round(self.median, 1),
            "runs_ms": [round(ms, 1) for ms in self.walls_ms],
            "cpu_ms_per_request": round(self.cpu_ms, 1),
            "queries": self.queries,
            "statuses": sorted(set(self.statuses)),
        }


@dataclass
class HomeBenchResult:
    employees: int
    database: str
    partner: str = ""
    seeded_now: bool = True
    seed_seconds: float = 0.0
    pages: list[HomeCost] = field(default_factory=list)
    load_before: float = 0.0
    load_after: float = 0.0
    conditions: str = ""

    def queries(self) -> dict[str, int]:
        return {p.role: p.queries for p in self.pages}

    def as_dict(self) -> dict[str, object]:
        return {
            "employees": self.employees,
            "database": self.database,
            "partner": self.partner,
            "seeded_now": self.seeded_now,
            "seed_seconds": round(self.seed_seconds, 1),
            "pages": {p.role: p.as_dict() for p in self.pages},
            "target_ms_at_100000": TARGET_MS,
            "load_average": {"before": round(self.load_before, 2), "after": round(self.load_after, 2)},
            "conditions": self.conditions,
        }

    def report(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.1f} s" if self.seeded_now else "already seeded"
        width = max(len(p.role) for p in self.pages)
        lines = [
            f"home page of each role at {self.partner}, {self.employees:,} employees, on {self.database}",
            f"  ({seeded}: not counted)",
            f"  {self.conditions}",
            f"  {'role':<{width}}  {'best ms':>8}  {'median':>8}  {'CPU ms':>7}  {'queries':>7}  status",
        ]
        for p in self.pages:
            statuses = ",".join(str(s) for s in sorted(set(p.statuses)))
            lines.append(
                f"  {p.role:<{width}}  {p.best:>8.1f}  {p.median:>8.1f}  {p.cpu_ms:>7.1f}  "
                f"{p.queries:>7}  {statuses}"
            )
        lines.append(f"  target: at most {TARGET_MS} ms at 100,000 employees")
        return "\n".join(lines)


def _codes(employees: int) -> tuple[str, str, str]:
    return f"HOME{employees}", f"HOME{employees}S", f"bench.home{employees}"


def _month(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _run(partner: Partner, first: date, status: str) -> PayRun:
    """The monthly run paid on the 25th of ``first``'s month (tax month 1 is April's)."""
    tax_year = first.year if first.month >= 4 else first.year - 1
    following = _month(first, -1)
    return PayRun(
        partner=partner,
        frequency="monthly",
        tax_year=tax_year,
        period=(first.month - 4) % 12 + 1,
        pay_date=first.replace(day=25),
        period_start=first,
        period_end=following - timedelta(days=1),
        status=status,
    )


def _payslip(run: PayRun, employment_id: int, monthly: int) -> Payslip:
    tax, ni, pension = monthly * 14 // 100, monthly * 6 // 100, monthly * 65 // 1000
    return Payslip(
        partner_id=run.partner_id,
        run=run,
        employment_id=employment_id,
        tax_code="1257L",
        ni_category="A",
        pension_scheme="lgps_main",
        basic_pay=monthly,
        gross_pay=monthly,
        pensionable_pay=monthly,
        pension_employee=pension,
        pension_employer=monthly * 19 // 100,
        taxable_pay=monthly - pension,
        taxable_pay_to_date=(monthly - pension) * run.period,
        tax=tax,
        tax_paid_to_date=tax * run.period,
        ni_pay=monthly,
        ni_employee=ni,
        ni_employer=monthly * 13 // 100,
        student_loan=0,
        postgraduate_loan=0,
        net_pay=monthly - pension - tax - ni,
    )


def _pay_history(partner: Partner, employment_ids: list[int], today: date, say: Say) -> None:
    """An approved run for each of the ``HISTORY_MONTHS`` months before today's, a payslip in
    each for every employment, its totals kept as approval keeps them; this month's calculated."""
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    monthly = {pk: rng.randrange(150_000, 450_000) for pk in employment_ids}
    months = [_month(today, back) for back in range(HISTORY_MONTHS, -1, -1)]
    for n, first in enumerate(months, start=1):
        status = RunStatus.CALCULATED if first == months[-1] else RunStatus.APPROVED
        run = _run(partner, first, status)
        # As calculation leaves it: progress_total is the number of payslips written.
        run.progress_done = run.progress_total = len(employment_ids)
        run.save()
        slips = [_payslip(run, pk, monthly[pk]) for pk in employment_ids]
        Payslip.objects.bulk_create(slips, batch_size=5_000)
        if status == RunStatus.APPROVED:
            run.approved_totals = {name: sum(getattr(s, name) for s in slips) for name in TOTAL_FIELDS}
            run.approved_at = timezone.now()
            run.save(update_fields=["approved_totals", "approved_at"])
        say(f"Pay history: {people_month(first)} ({n}/{len(months)})")


def _leave(partner: Partner, employment_ids: list[int], today: date) -> None:
    waiting = employment_ids[::LEAVE_EVERY]
    off = employment_ids[LEAVE_EVERY // 2 :: LEAVE_EVERY]
    ahead = today + timedelta(days=30)
    rows = [
        Absence(
            partner=partner,
            employment_id=pk,
            kind=AbsenceKind.ANNUAL_LEAVE,
            start_date=start,
            end_date=start + timedelta(days=1),
            working_days=Decimal(2),
            status=status,
        )
        for ids, start, status in (
            (waiting, ahead, AbsenceStatus.REQUESTED),
            (off, today, AbsenceStatus.APPROVED),
        )
        for pk in ids
    ]
    Absence.objects.bulk_create(rows, batch_size=5_000)


def _ledger(partner: Partner, today: date) -> None:
    """The year holding today, with every cost centre budgeted for salaries: budget against
    actual has a line for each."""
    year = today.year if today.month >= 4 else today.year - 1
    ledger_setup_partner(
        actor=BENCH, partner=partner, year=year, cost_centres=establishment_cost_centres(partner)
    )
    financial_year = FinancialYear.objects.for_partner(partner).get(start_year=year)
    account = Account.objects.for_partner(partner).filter(type=AccountType.EXPENSE).order_by("code").first()
    if account is None:
        return
    for centre in CostCentre.objects.for_partner(partner).order_by("code"):
        budget_set_year(
            actor=BENCH, cost_centre=centre, year=financial_year, account=account, annual=1_200_000_00
        )


def _user(username: str, grants: list[tuple[Partner, str]]) -> Any:
    user = user_create(actor=BENCH, username=username, password=None, email="", full_name=username)
    for partner, role in grants:
        membership_grant(actor=BENCH, user=user, partner=partner, role=role)
    if any(role in SECOND_FACTOR_ROLES for _, role in grants):
        TOTPDevice.objects.create(user=user, name="Authenticator app (benchmark)", confirmed=True)
    return user


def find_seed(employees: int) -> tuple[Partner, Partner] | None:
    council_code, _, username = _codes(employees)
    council = Partner.objects.filter(code=council_code).first()
    finance = get_user_model().objects.filter(username=f"{username}.shared-finance").first()
    if council is None or finance is None:
        return None
    shared = Partner.objects.filter(memberships__user=finance).first()
    return (council, shared) if shared is not None else None


def seed_home(employees: int, *, today: date, say: Say = _silent) -> tuple[Partner, Partner, bool]:
    """The council, the shared-services body and whether they were seeded now (see the module's
    docstring). The users are made last: a seed interrupted before them is not mistaken for one
    that finished."""
    found = find_seed(employees)
    if found is not None:
        return found[0], found[1], False
    council_code, shared_code, username = _codes(employees)
    if Partner.objects.filter(code=council_code).exists():
        raise ValueError(f"{council_code} exists without its users (an interrupted seed): use another N.")
    schemes_sync(actor=BENCH)
    rng = random.Random(SEED)  # noqa: S311 — repeatable benchmark data, not security
    council = partner_create(
        actor=BENCH, name=f"Benchmark home {employees}", code=council_code, kind=COUNCIL.kind
    )
    # Recharges know one shared-services body: a database that has one (the demo's) keeps it.
    shared = Partner.objects.filter(kind=SHARED_SERVICE.kind).order_by("pk").first() or partner_create(
        actor=BENCH,
        name=f"Benchmark home {employees} shared services",
        code=shared_code,
        kind=SHARED_SERVICE.kind,
    )
    council_staff(council, employees, rng, seed=SEED, payroll_prefix="H", say=say)
    say("Ledgers and budgets")
    _ledger(council, today)
    if shared.code == shared_code:  # made here: another's ledger and budgets are left as they are
        _ledger(shared, today)
    ids = list(Employment.objects.for_partner(council).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        _pay_history(council, ids, today, say)
        say("Leave")
        _leave(council, ids, today)
        say("Users")
        users = {
            suffix: _user(f"{username}.{suffix}", [(shared if on_shared else council, role)])
            for _, suffix, role, on_shared in ROLES
        }
        manager, employee = Employment.objects.for_partner(council).filter(pk__in=ids[:2]).order_by("pk")
        for user, employment in ((users["manager"], manager), (users["employee"], employee)):
            person = employment.person
            person.user = user
            person.save(update_fields=["user"])
        EmploymentTerms.objects.for_partner(council).filter(employment_id__in=ids[2 : 2 + TEAM]).update(
            line_manager=manager
        )
    return council, shared, True


def run_home_benchmark(
    employees: int, *, runs: int = RUNS, today: date | None = None, say: Say = _silent
) -> HomeBenchResult:
    if employees < 1:
        raise ValueError("--employees must be at least 1.")
    day = today or timezone.localdate()
    result = HomeBenchResult(employees=employees, database=database_label())
    started = time.perf_counter()
    council, shared, result.seeded_now = seed_home(employees, today=day, say=say)
    result.seed_seconds = time.perf_counter() - started
    result.partner = council.code
    _, _, username = _codes(employees)
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith=f"{username}.")}
    result.load_before = os.getloadavg()[0]
    for name, suffix, _role, on_shared in ROLES:
        say(f"Home page as {name}")
        partner = shared if on_shared else council
        session = _session(users[f"{username}.{suffix}"], **{CURRENT_PARTNER_SESSION_KEY: partner.pk})
        timed = time_requests(repeat("/"), f"{settings.SESSION_COOKIE_NAME}={session}", repeat=runs)
        result.pages.append(
            HomeCost(
                role=name,
                walls_ms=timed.walls_ms,
                cpu_ms=timed.cpu_ms / runs,
                queries=timed.queries // runs,
                statuses=timed.statuses,
            )
        )
    result.load_after = os.getloadavg()[0]
    result.conditions = conditions(result.load_before)
    return result
