"""Payslip history for benchmarks: approved monthly pay runs with a payslip for each employment
given, and optionally lines on each payslip, written directly (the pay-run engine's output is not
what these benchmarks measure; ``bench payrun`` times the engine).

Rows go in with explicit keys, a run at a time. On PostgreSQL the employments and their monthly
pay are copied once into a temporary table and each run's payslips and lines are one
``INSERT … SELECT`` each from it: nothing row by row passes through Python, so ten million
payslips and forty million lines are written in minutes (``bench retention``). On SQLite,
executemany (``bench.spend.copy_rows``): slower, and only ever asked for small numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date

from django.db import connection, transaction

from joinedup.bench.spend import copy_rows, next_id, reset_sequences
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayItemKind, PayRun, Payslip, PayslipLine, RunStatus

# Lines a payslip may carry beyond basic pay: (kind, code, description, share of monthly pay in
# thousandths). A council's staff commonly have an allowance and a deduction after tax.
LINES = (
    (PayItemKind.ADDITION, "CASUAL_CAR", "Casual car user allowance", 20),
    (PayItemKind.DEDUCTION, "UNION", "Union subscription", 8),
    (PayItemKind.ADDITION, "OVERTIME", "Overtime at time and a half", 60),
    (PayItemKind.DEDUCTION, "AEO", "Attachment of earnings order (council tax)", 15),
)
PAYSLIP_FIELDS = [f for f in Payslip._meta.concrete_fields]
LINE_FIELDS = [f for f in PayslipLine._meta.concrete_fields]


def tax_periods(months: int, *, last: tuple[int, int]) -> list[tuple[int, int]]:
    """The ``months`` monthly (tax year, period) pairs ending at ``last``, oldest first."""
    tax_year, period = last
    found = []
    for _ in range(months):
        found.append((tax_year, period))
        tax_year, period = (tax_year, period - 1) if period > 1 else (tax_year - 1, 12)
    return found[::-1]


def _run(partner: Partner, tax_year: int, period: int) -> PayRun:
    # Tax month 1 is paid in April: period p of tax year y is paid in month (p + 3) of y.
    month = (period + 2) % 12 + 1
    year = tax_year + (period + 2) // 12
    return PayRun(
        partner=partner,
        frequency="monthly",
        tax_year=tax_year,
        period=period,
        pay_date=date(year, month, 25),
        period_start=date(year, month, 1),
        period_end=date(year, month, 28),
        status=RunStatus.APPROVED,
    )


def _payslip(
    pk: int, partner_id: int, run_id: int, employment_id: int, period: int, monthly: int
) -> list[object]:
    pension = monthly * 65 // 1000
    tax = monthly * 14 // 100
    ni = monthly * 6 // 100
    values: dict[str, object] = {
        "id": pk,
        "partner_id": partner_id,
        "run_id": run_id,
        "employment_id": employment_id,
        "tax_code": "1257L",
        "week1_month1": False,
        "ni_category": "A",
        "pension_scheme": "lgps_main",
        "basic_pay": monthly,
        "additions": 0,
        "gross_pay": monthly,
        "pensionable_pay": monthly,
        "pension_employee": pension,
        "pension_employer": monthly * 19 // 100,
        "taxable_pay": monthly - pension,
        "taxable_pay_to_date": (monthly - pension) * period,
        "tax": tax,
        "tax_paid_to_date": tax * period,
        "ni_pay": monthly,
        "ni_employee": ni,
        "ni_employer": monthly * 13 // 100,
        "ni_class1a": 0,
        "student_loan": 0,
        "postgraduate_loan": 0,
        "deductions_after_tax": 0,
        "net_pay": monthly - pension - tax - ni,
        "after_leaving": False,
        "ni_frequency": "",
    }
    return [values[f.attname] for f in PAYSLIP_FIELDS]


def pay_history(
    partner: Partner,
    employment_ids: Sequence[int],
    periods: Sequence[tuple[int, int]],
    *,
    lines_per_payslip: int = 0,
    seed: int = 1718,
    say: Callable[[str], None] | None = None,
) -> int:
    """An approved monthly run for each (tax year, period), a payslip in each for each employment
    and ``lines_per_payslip`` lines (at most ``len(LINES)``) on each. Returns the payslips written."""
    if not 0 <= lines_per_payslip <= len(LINES):
        raise ValueError(f"A payslip carries 0 to {len(LINES)} benchmark lines.")
    rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data, not security
    monthly = {pk: rng.randrange(150_000, 450_000) for pk in employment_ids}
    write = _runs_set_based if connection.vendor == "postgresql" else _runs
    with rls.session_context("joinedup bench: payslip history"):
        written = write(partner, employment_ids, periods, monthly, lines_per_payslip, say)
    reset_sequences([Payslip, PayslipLine])
    return written


def _runs(
    partner: Partner,
    employment_ids: Sequence[int],
    periods: Sequence[tuple[int, int]],
    monthly: dict[int, int],
    lines_per_payslip: int,
    say: Callable[[str], None] | None,
) -> int:
    slip_columns = [f.column for f in PAYSLIP_FIELDS]
    line_columns = [f.column for f in LINE_FIELDS]
    written = 0
    for number, (tax_year, period) in enumerate(periods, start=1):
        if say is not None:
            say(f"Payslips: run {number} of {len(periods)}")
        with transaction.atomic():
            run = PayRun.objects.bulk_create([_run(partner, tax_year, period)])[0]
            first_slip, first_line = next_id(Payslip), next_id(PayslipLine)
            slips: list[list[object]] = []
            lines: list[tuple[object, ...]] = []
            for offset, employment_id in enumerate(employment_ids):
                slip_id = first_slip + offset
                pay = monthly[employment_id]
                slips.append(_payslip(slip_id, partner.pk, run.pk, employment_id, period, pay))
                for kind, code, description, share in LINES[:lines_per_payslip]:
                    amount = pay * share // 1000
                    lines.append(
                        (first_line + len(lines), partner.pk, slip_id, kind, code, description, amount)
                    )
            copy_rows(Payslip, slip_columns, [tuple(s) for s in slips])
            if lines:
                copy_rows(PayslipLine, line_columns, lines)
        written += len(slips)
    return written


_STAFF = "bench_payhistory_staff"
# Each payslip column as SQL over the staff table ``s`` (its ``ord`` from 0, ``monthly`` pence)
# and the bound parameters %(first)s (the run's first payslip id), %(partner)s, %(run)s and
# %(period)s: the figures ``_payslip`` computes, in integer arithmetic that floors as ``//`` does
# for these positive amounts.
_PAYSLIP_SQL = {
    "id": "%(first)s + s.ord",
    "partner_id": "%(partner)s",
    "run_id": "%(run)s",
    "employment_id": "s.employment_id",
    "tax_code": "'1257L'",
    "week1_month1": "false",
    "ni_category": "'A'",
    "pension_scheme": "'lgps_main'",
    "basic_pay": "s.monthly",
    "additions": "0",
    "gross_pay": "s.monthly",
    "pensionable_pay": "s.monthly",
    "pension_employee": "s.monthly * 65 / 1000",
    "pension_employer": "s.monthly * 19 / 100",
    "taxable_pay": "s.monthly - s.monthly * 65 / 1000",
    "taxable_pay_to_date": "(s.monthly - s.monthly * 65 / 1000) * %(period)s",
    "tax": "s.monthly * 14 / 100",
    "tax_paid_to_date": "s.monthly * 14 / 100 * %(period)s",
    "ni_pay": "s.monthly",
    "ni_employee": "s.monthly * 6 / 100",
    "ni_employer": "s.monthly * 13 / 100",
    "ni_class1a": "0",
    "student_loan": "0",
    "postgraduate_loan": "0",
    "deductions_after_tax": "0",
    "net_pay": "s.monthly - s.monthly * 65 / 1000 - s.monthly * 14 / 100 - s.monthly * 6 / 100",
    "after_leaving": "false",
    "ni_frequency": "''",
}
_LINE_SQL = {
    "id": "%(first_line)s + s.ord * %(per_slip)s + l.n",
    "partner_id": "%(partner)s",
    "payslip_id": "%(first)s + s.ord",
    "kind": "l.kind",
    "code": "l.code",
    "description": "l.description",
    "amount": "s.monthly * l.share / 1000",
}


def _runs_set_based(
    partner: Partner,
    employment_ids: Sequence[int],
    periods: Sequence[tuple[int, int]],
    monthly: dict[int, int],
    lines_per_payslip: int,
    say: Callable[[str], None] | None,
) -> int:
    quote = connection.ops.quote_name
    slip_names = ", ".join(quote(f.column) for f in PAYSLIP_FIELDS)
    slip_values = ", ".join(_PAYSLIP_SQL[f.attname] for f in PAYSLIP_FIELDS)
    line_names = ", ".join(quote(f.column) for f in LINE_FIELDS)
    line_values = ", ".join(_LINE_SQL[f.attname] for f in LINE_FIELDS)
    kinds = LINES[:lines_per_payslip]
    catalogue = ", ".join(
        f"(%(n{n})s, %(kind{n})s, %(code{n})s, %(description{n})s, %(share{n})s)" for n in range(len(kinds))
    )
    catalogue_params: dict[str, int | str] = {}
    for n, (kind, code, description, share) in enumerate(kinds):
        catalogue_params |= {
            f"n{n}": n,
            f"kind{n}": str(kind),
            f"code{n}": code,
            f"description{n}": description,
            f"share{n}": share,
        }
    # Table names from the models' metadata, quoted; every value is bound.
    insert_slips = (
        f"INSERT INTO {quote(Payslip._meta.db_table)} ({slip_names}) "  # noqa: S608
        f"SELECT {slip_values} FROM {_STAFF} s"
    )
    insert_lines = (
        f"INSERT INTO {quote(PayslipLine._meta.db_table)} ({line_names}) "  # noqa: S608
        f"SELECT {line_values} FROM {_STAFF} s CROSS JOIN (VALUES {catalogue}) "
        "AS l (n, kind, code, description, share)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {_STAFF} (ord bigint, employment_id bigint, monthly bigint)")
        try:
            with cursor.cursor.copy(f"COPY {_STAFF} (ord, employment_id, monthly) FROM STDIN") as copy:
                for ord_, employment_id in enumerate(employment_ids):
                    copy.write_row((ord_, employment_id, monthly[employment_id]))
            cursor.execute(f"ANALYZE {_STAFF}")
            for number, (tax_year, period) in enumerate(periods, start=1):
                if say is not None:
                    say(f"Payslips: run {number} of {len(periods)}")
                with transaction.atomic():
                    run = PayRun.objects.bulk_create([_run(partner, tax_year, period)])[0]
                    params: dict[str, int | str] = {
                        **catalogue_params,
                        "first": next_id(Payslip),
                        "first_line": next_id(PayslipLine),
                        "per_slip": lines_per_payslip,
                        "partner": partner.pk,
                        "run": run.pk,
                        "period": period,
                    }
                    cursor.execute(insert_slips, params)
                    if kinds:
                        cursor.execute(insert_lines, params)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {_STAFF}")
    return len(employment_ids) * len(periods)
