"""The work `joinedup stress crash` interrupts, and what it checks afterwards.

Each scenario is prepared once in a copy of the seeded demo partnership (a template that every
trial copies again), then interrupted and restarted by :mod:`joinedup.bench.crash`. Everything
here runs in a child process against one scratch database (``joinedup stress step …``):

- ``payrun``: Wessex County Council's November 2026 run, requested as from the web, so that a
  ``joinedup worker`` takes the queued calculation and writes its payslips in batches;
- ``import``: a CSV of new employments for the council (most of them new people, some people
  the constabulary already employs), through ``joinedup people import``;
- ``recharge``: the shared service's November 2026 recharge, through ``joinedup recharges run``.

:func:`figures` reads the outcome as named figures (compared with an uninterrupted run's) and
problems (each a broken invariant: duplicated, lost, half written, audit chain broken)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django_tasks_db.models import DBTaskResult

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_all
from joinedup.bench.demo.recharges import NON_PAY, READINGS
from joinedup.bench.population import COUNCIL, Human, PeopleFactory, encode, payable_points, standard_hours
from joinedup.core.actors import SystemActor
from joinedup.ledger.models import Journal, JournalLine
from joinedup.ledger.services import LineInput, journal_post
from joinedup.partnership.models import Partner
from joinedup.payroll import calculation
from joinedup.payroll.models import FlagStatus, PayRun, Payslip, VarianceFlag
from joinedup.payroll.run_calculation import run_totals
from joinedup.payroll.services import (
    flag_accept,
    payrun_approve,
    payrun_calculate,
    payrun_create,
    payrun_mark_paid,
    payrun_request_calculation,
)
from joinedup.people.models import Employment, EmploymentTerms, Person, Post, PostHolding
from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.recharges.services import reading_set

SCENARIOS = ("payrun", "import", "recharge")
ACTOR = SystemActor(reason="joinedup stress crash: preparing the work a trial interrupts")
PAY_DATE = date(2026, 11, 25)
MONTH = date(2026, 11, 1)
IMPORT_FILE = "crash-import.csv"
IMPORT_ROWS = 240
KNOWN_PEOPLE = 24  # rows for people another partner already employs: matched, not created
PAYROLL_PREFIX = "CRASH"
PAID = ("WCC", "WFRS", "WPOL", "WSS")  # the employers paid in November before it is recharged
ALL = "stress crash: check every partner's rows"


# Where a trial may interrupt each scenario's work: the failpoints the work passes
# (:mod:`joinedup.core.failpoints`), in the order it passes them, each with what the work has
# done when it gets there. A point reached more than once (one hit a batch or a journal) is
# interrupted at a hit drawn among those of an uninterrupted run. Besides these, some trials
# interrupt the work at a random time (TIME_RANDOM), as a crash would, start-up included.
TIME_RANDOM = "time-random"
KILL_POINTS: dict[str, dict[str, str]] = {
    "payrun": {
        "payrun.task_started": "the worker has claimed the task; nothing calculated",
        "payrun.calculation_started": "the run is marked calculating; no batch written",
        "payrun.batch_written": "a batch's payslips written in its open transaction",
        "payrun.batch_counted": "a batch committed and counted in the run's progress",
        "payrun.run_recorded": "flags, status and audit event written; not committed",
        "payrun.task_returning": "the run is calculated; the task is not yet marked done",
    },
    "import": {
        "import.checked": "the file is read and checked; nothing written",
        "import.people_written": "the new people written in the open transaction",
        "import.employments_written": "the employments written too",
        "import.terms_written": "terms and post holdings written too",
        "import.recorded": "the audit event written; not committed",
        "import.committed": "the import committed; the command not yet finished",
    },
    "recharge": {
        "recharge.lines_written": "the run and its lines written in the open transaction",
        "recharge.journal_posted": "a journal posted in the open transaction",
        "recharge.recorded": "the audit event written; not committed",
        "recharge.committed": "the run committed; the command not yet finished",
    },
}


def work(scenario: str, root: Path) -> list[str]:
    """The ``joinedup`` command line that does the scenario's work (and does it again after an
    interruption, as an operator would)."""
    if scenario == "payrun":
        return ["worker", "--batch", "--interval", "0.05"]
    if scenario == "import":
        return ["people", "import", str(root / IMPORT_FILE), "--partner", "WCC", "--kind", "employments"]
    if scenario == "recharge":
        return ["recharges", "run", "--month", f"{MONTH:%Y-%m}"]
    raise ValueError(f"Unknown scenario {scenario!r}: one of {', '.join(SCENARIOS)}.")


def prepare(scenario: str, root: Path) -> None:
    """Set the scenario's work up in the current database (the template its trials copy)."""
    {"payrun": _prepare_payrun, "import": _prepare_import, "recharge": _prepare_recharge}[scenario](root)


def _prepare_payrun(root: Path) -> None:
    council = Partner.objects.get(code="WCC")
    run = payrun_create(actor=ACTOR, partner=council, frequency="monthly", pay_date=PAY_DATE)
    # As the run's page does: the run is "calculating" and its calculation waits in the queue.
    payrun_request_calculation(actor=ACTOR, run=run)


def _prepare_import(root: Path) -> None:
    """A file that only imports cleanly into this template: its NI numbers are free here."""
    council = Partner.objects.get(code="WCC")
    factory = PeopleFactory(IMPORT_ROWS, seed=IMPORT_ROWS)
    points, hours = payable_points(COUNCIL.scheme), standard_hours(COUNCIL.scheme)
    posts = list(Post.objects.for_partner(council).values_list("code", flat=True)[:40])
    police = Partner.objects.get(code="WPOL")
    council_staff = set(Employment.objects.for_partner(council).values_list("person_id", flat=True))
    police_staff = (
        Employment.objects.for_partner(police).order_by("person_id").values_list("person_id", flat=True)
    )
    chosen = [pk for pk in police_staff if pk not in council_staff][:KNOWN_PEOPLE]
    known = list(
        Person.objects.unscoped(reason="stress crash: people the constabulary employs, to employ again")
        .filter(pk__in=chosen)
        .order_by("pk")
    )
    rows = []
    for n in range(1, IMPORT_ROWS + 1):
        human = factory.human()
        if n % (IMPORT_ROWS // KNOWN_PEOPLE) == 0 and known:
            person = known.pop()
            human = Human(
                given=person.given_name,
                family=person.family_name,
                born=person.date_of_birth,
                ni=person.ni_number,
                postcode=human.postcode,
                town=human.town,
                address=human.address,
                phone=human.phone,
            )
        rows.append(
            factory.row(
                human,
                payroll_number=f"{PAYROLL_PREFIX}{n:05d}",
                force=COUNCIL,
                points=points,
                hours=hours,
                posts=posts,
            )
        )
    (root / IMPORT_FILE).write_bytes(encode(rows, "csv"))


def _prepare_recharge(root: Path) -> None:
    """November paid for every employer (the payroll service is shared by payslips), and the
    shared service's other November costs and readings, as October's were seeded."""
    users = get_user_model().objects.in_bulk(["payroll.officer", "payroll.approver"], field_name="username")
    officer, approver = users["payroll.officer"], users["payroll.approver"]
    for partner in Partner.objects.filter(code__in=PAID).order_by("code"):
        run = payrun_create(actor=officer, partner=partner, frequency="monthly", pay_date=PAY_DATE)
        run = payrun_calculate(actor=officer, run=run)
        for flag in VarianceFlag.objects.for_partner(partner).filter(run=run, status=FlagStatus.OPEN):
            flag_accept(actor=officer, flag=flag, note="stress crash: checked")
        payrun_mark_paid(actor=officer, run=payrun_approve(actor=approver, run=run))
    shared = Partner.objects.get(code="WSS")
    total = sum(pence for _, _, pence in NON_PAY)
    journal_post(
        actor=ACTOR,
        partner=shared,
        date=date(2026, 11, 27),
        description="Non-pay costs November 2026 (stress crash test figures)",
        idempotency_key="stress-crash:wss-non-pay:2026-11",
        lines=[
            *(LineInput(account=a, debit=p, cost_centre=c, description="Test figure") for a, c, p in NON_PAY),
            LineInput(account="B300", credit=total, description="Test figure"),
        ],
    )
    for driver, by_partner in READINGS.items():
        for code, quantity in by_partner.items():
            reading_set(
                actor=ACTOR,
                provider=shared,
                partner=Partner.objects.get(code=code),
                driver=driver,
                month=MONTH,
                quantity=quantity + 7,
                source="stress crash test figures",
            )


def figures(scenario: str, root: Path) -> dict[str, Any]:
    """``{"figures": {...}, "problems": [...]}`` for the scenario's outcome in this database."""
    checks: dict[str, Callable[[Path], tuple[dict[str, Any], list[str]]]] = {
        "payrun": _payrun,
        "import": _import,
        "recharge": _recharge,
    }
    found, problems = checks[scenario](root)
    for report in verify_all(checkpoint=None):
        if report.broken is not None:
            problems.append(f"audit chain broken: {report.broken}")
    tasks = dict(DBTaskResult.objects.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    for status in ("READY", "RUNNING"):
        if tasks.get(status):
            problems.append(f"{tasks[status]} background task(s) left {status.lower()}")
    return {"figures": found, "problems": problems}


def _payrun(root: Path) -> tuple[dict[str, Any], list[str]]:
    council = Partner.objects.get(code="WCC")
    problems: list[str] = []
    runs = list(PayRun.objects.for_partner(council).filter(tax_year=2026, period=8))
    if len(runs) != 1:
        return {"runs": len(runs)}, [f"{len(runs)} November runs instead of 1"]
    run = runs[0]
    slips = Payslip.objects.for_partner(council).filter(run=run)
    per_employment = slips.values("employment_id").annotate(n=Count("pk"))
    doubled = per_employment.filter(n__gt=1).count()
    in_run = {stint.pk for stint in calculation.employments_in_run(run)}
    paid = set(slips.values_list("employment_id", flat=True))
    if run.status != "calculated":
        problems.append(f"the run is left {run.status}")
    if doubled:
        problems.append(f"{doubled} employment(s) with more than one payslip")
    if in_run - paid:
        problems.append(f"{len(in_run - paid)} employment(s) in the run without a payslip")
    if paid - in_run:
        problems.append(f"{len(paid - in_run)} payslip(s) for employments not in the run")
    if run.progress_done != run.progress_total or run.progress_total != len(paid):
        problems.append(
            f"half written: progress {run.progress_done} of {run.progress_total}, {len(paid)} payslips"
        )
    failed = DBTaskResult.objects.failed().count()
    if failed:
        problems.append(f"{failed} background task(s) failed")
    requested = (
        AuditEvent.objects.for_partner(council)
        .filter(action="payrun.calculation_requested", object_id=str(run.pk))
        .count()
    )
    flags = VarianceFlag.objects.for_partner(council).filter(run=run)
    found = {
        "status": run.status,
        "payslips": len(paid),
        "employments_in_run": len(in_run),
        "totals": run_totals(run),
        "flags": flags.count(),
        "calculation_requests": requested,
    }
    return found, problems


def _import(root: Path) -> tuple[dict[str, Any], list[str]]:
    council = Partner.objects.get(code="WCC")
    problems: list[str] = []
    employments = Employment.objects.for_partner(council).filter(payroll_number__startswith=PAYROLL_PREFIX)
    count = employments.count()
    distinct = employments.values("payroll_number").distinct().count()
    terms = EmploymentTerms.objects.for_partner(council).filter(employment__in=employments.values("pk"))
    people = Person.objects.unscoped(reason=ALL).count()
    imported = (
        AuditEvent.objects.for_partner(council)
        .filter(action="employment.imported", after__file=IMPORT_FILE)
        .count()
    )
    if count not in (0, IMPORT_ROWS):
        problems.append(f"half written: {count} of the file's {IMPORT_ROWS} employments are in")
    elif count == 0:
        problems.append("lost: none of the file's employments are in after the restart")
    if distinct != count:
        problems.append(f"{count - distinct} employment(s) imported twice")
    if terms.count() != count:
        problems.append(f"{terms.count()} sets of terms for {count} imported employments")
    if imported != 1:
        problems.append(f"{imported} import events in the audit trail instead of 1")
    found = {
        "employments": count,
        "terms": terms.count(),
        "people": people,
        "post_holdings": PostHolding.objects.for_partner(council)
        .filter(employment__in=employments.values("pk"))
        .count(),
        "import_events": imported,
    }
    return found, problems


def _recharge(root: Path) -> tuple[dict[str, Any], list[str]]:
    shared = Partner.objects.get(code="WSS")
    problems: list[str] = []
    runs = list(RechargeRun.objects.for_partner(shared).filter(month=MONTH))
    if len(runs) != 1:
        return {"runs": len(runs)}, [f"{len(runs)} November recharge runs instead of 1"]
    run = runs[0]
    lines = RechargeLine.objects.unscoped(reason=ALL).filter(run=run)
    charged = int(lines.aggregate(total=Sum("amount"))["total"] or 0)
    journals = Journal.objects.unscoped(reason=ALL).filter(source="recharge_run", source_ref=str(run.pk))
    keys = list(journals.values_list("partner__code", "idempotency_key"))
    sides = (
        JournalLine.objects.unscoped(reason=ALL)
        .filter(journal__in=journals.values("pk"))
        .values("journal_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    unbalanced = [row["journal_id"] for row in sides if row["debit"] != row["credit"]]
    events = (
        AuditEvent.objects.for_partner(shared)
        .filter(action="recharge.run", after__month=f"{MONTH:%Y-%m}")
        .count()
    )
    if run.total != charged:
        problems.append(f"half written: the run's total {run.total} differs from its lines' {charged}")
    if len(keys) != len(set(keys)):
        problems.append(f"{len(keys) - len(set(keys))} journal(s) posted twice")
    if unbalanced:
        problems.append(f"{len(unbalanced)} journal(s) that do not balance")
    if events != 1:
        problems.append(f"{events} recharge events in the audit trail instead of 1")
    found = {
        "lines": lines.count(),
        "total": run.total,
        "journals": sorted(f"{code} {key}" for code, key in keys),
        "journal_debits": int(
            JournalLine.objects.unscoped(reason=ALL)
            .filter(journal__in=journals.values("pk"))
            .aggregate(d=Sum("debit"))["d"]
            or 0
        ),
        "recharge_events": events,
    }
    return found, problems
