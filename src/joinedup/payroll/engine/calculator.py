"""Gross to net for a CSV file of payments (the pure function behind the CLI).

Input columns are found by header name, in any order; other columns pass through unchanged.

=======================  ========  =========================================================
column                   required  meaning
=======================  ========  =========================================================
tax_year                 yes       first year: 2026 (or 2026-27) is 2026/27
frequency                yes       weekly, fortnightly, four_weekly, monthly
period                   yes       tax week (1-52, or 53/54/56) or tax month (1-12)
tax_code                 yes       1257L, S1257L, C1257L, K585, BR, SD1, NT, 0T, "1257L W1", ...
basis                    yes       cumulative or week1_month1
gross_pay                yes       pounds, before the employee's pension contribution
previous_taxable_pay     no (0)    pay subject to PAYE in the year before this payment
previous_tax_paid        no (0)    tax deducted in the year before this payment
ni_category              no (A)    National Insurance category letter
ni_pay                   no        NI-able pay; defaults to gross_pay
student_loan_plans       no        ";"-separated 1, 2, 4, 5, PG
pension_scheme           no        none, lgps_main, lgps_5050, police_2015, firefighters_2015,
                                   nhs_2015
pensionable_pay          no        defaults to gross_pay
employer_pension_rate    no (0)    per cent; when the column is present the output also has
                                   pension_employer
=======================  ========  =========================================================

Output: the input columns, then pension_employee, taxable_pay, taxable_pay_to_date, tax,
tax_paid_to_date, ni_employee, ni_employer, student_loan, postgraduate_loan, net_pay (pounds, two
decimals). An input column with an output column's name is overwritten in place.

Errors: every bad row is returned as a :class:`RowError` with the spreadsheet line number (the
header is line 1, the first data row line 2; a record with a quoted line break counts as one
line), the column and the reason; then nothing at all is written to ``dest``. The whole file is
computed with the vectorised path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TextIO, TypeVar

from joinedup.core.money import ZERO, plain_pounds, pounds_to_pence
from joinedup.payroll.engine.codes import CodeKind, parse_tax_code
from joinedup.payroll.engine.gross_to_net import EmployeePeriod
from joinedup.payroll.engine.money import percent_to_ppm
from joinedup.payroll.engine.paye import flat_band
from joinedup.payroll.engine.pensions import NO_SCHEME
from joinedup.payroll.engine.periods import Basis, Frequency, validate_period
from joinedup.payroll.engine.ruleset import PENSION_SCHEMES, RulesError, TaxYearRules, load_rules
from joinedup.payroll.engine.student_loans import parse_plans
from joinedup.payroll.engine.vector import MAX_PENCE, batch_from_records, calculate

REQUIRED = ("tax_year", "frequency", "period", "tax_code", "basis", "gross_pay")
OUTPUTS = (
    "pension_employee",
    "taxable_pay",
    "taxable_pay_to_date",
    "tax",
    "tax_paid_to_date",
    "ni_employee",
    "ni_employer",
    "student_loan",
    "postgraduate_loan",
    "net_pay",
)
EMPLOYER_RATE = "employer_pension_rate"
EMPLOYER_OUTPUT = "pension_employer"

# ASCII digits only: Python's \d and Decimal() would also take other scripts' digits ("\u0663").
_MONEY = re.compile(r"-?\d+(?:\.\d{1,2})?", re.ASCII)
_RATE = re.compile(r"\d+(?:\.\d{1,4})?", re.ASCII)
_YEAR = re.compile(r"(\d{4})(?:[-/](\d{2}))?", re.ASCII)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # spreadsheet line: header = 1, first data row = 2
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column or '-'}: {self.reason}"


class _Row:
    """One data row's fields by column name, collecting errors instead of stopping at the first."""

    def __init__(self, line: int, fields: dict[str, str]) -> None:
        self.line = line
        self.fields = fields
        self.errors: list[RowError] = []

    def get(self, column: str, parse: Callable[[str], T], default: T | None = None) -> T | None:
        text = self.fields.get(column, "").strip()
        if not text:
            if default is None:
                self.errors.append(RowError(self.line, column, "required value is missing"))
            return default
        try:
            return parse(text)
        except (ValueError, RulesError) as error:
            self.errors.append(RowError(self.line, column, str(error)))
            return None

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))


def _money(text: str) -> Decimal:
    if not _MONEY.fullmatch(text):
        raise ValueError(f"not an amount of pounds and pence: {text!r}")
    amount = Decimal(text)
    if amount < 0:
        raise ValueError(f"must not be negative: {text}")
    if pounds_to_pence(amount) > MAX_PENCE:
        raise ValueError(f"{text} is more than the engine's limit of GBP 100 million")
    return amount


def _rate(text: str) -> Decimal:
    if not _RATE.fullmatch(text) or Decimal(text) > 100:
        raise ValueError(f"not a percentage between 0 and 100 (at most 4 decimals): {text!r}")
    rate = Decimal(text)
    percent_to_ppm(rate)
    return rate


def _tax_year(text: str) -> TaxYearRules:
    match = _YEAR.fullmatch(text)
    if not match or (match.group(2) and (int(match.group(1)) + 1) % 100 != int(match.group(2))):
        raise ValueError(f"not a tax year (write 2026 or 2026-27 for 2026/27): {text!r}")
    return load_rules(int(match.group(1)))


def _enum_parser(kind: type[Frequency] | type[Basis]) -> Callable[[str], Frequency | Basis]:
    allowed = ", ".join(m.value for m in kind)

    def parse(text: str) -> Frequency | Basis:
        try:
            return kind(text.lower())
        except ValueError:
            raise ValueError(f"{text!r} is not one of {allowed}") from None

    return parse


def _period(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)


def _parse_row(row: _Row) -> EmployeePeriod | None:
    rules = row.get("tax_year", _tax_year)
    frequency = row.get("frequency", _enum_parser(Frequency))
    period = row.get("period", _period)
    code = row.get("tax_code", parse_tax_code)
    basis = row.get("basis", _enum_parser(Basis))
    gross = row.get("gross_pay", _money)
    previous_taxable = row.get("previous_taxable_pay", _money, ZERO)
    previous_tax = row.get("previous_tax_paid", _money, ZERO)
    category = row.get("ni_category", str.upper, "A")
    ni_pay = row.get("ni_pay", _money, gross if gross is not None else ZERO)
    plans = row.get("student_loan_plans", parse_plans, frozenset[str]())
    scheme = row.get("pension_scheme", str.lower, NO_SCHEME)
    pensionable = row.get("pensionable_pay", _money, gross if gross is not None else ZERO)
    employer_rate = row.get(EMPLOYER_RATE, _rate, ZERO)

    if isinstance(frequency, Frequency) and period is not None:
        try:
            validate_period(frequency, period)
        except ValueError as error:
            row.fail("period", str(error))
    if scheme is not None and scheme != NO_SCHEME and scheme not in PENSION_SCHEMES:
        row.fail(
            "pension_scheme", f"unknown scheme {scheme!r} (use none or one of {', '.join(PENSION_SCHEMES)})"
        )
    if rules is not None:
        if category is not None and category not in rules.national_insurance.categories:
            known = "".join(sorted(rules.national_insurance.categories))
            row.fail("ni_category", f"unknown category {category!r} in {rules.tax_year} (known: {known})")
        if plans:
            missing = sorted(p for p in plans if p not in rules.student_loans)
            if missing:
                row.fail("student_loan_plans", f"{', '.join(missing)} not in force in {rules.tax_year}")
        if code is not None and code.kind is CodeKind.FLAT:
            try:
                flat_band(rules.income_tax.regions[code.region], code)
            except ValueError as error:
                row.fail("tax_code", str(error))
    if (
        row.errors
        or rules is None
        or not isinstance(frequency, Frequency)
        or period is None
        or code is None
        or not isinstance(basis, Basis)
        or gross is None
        or previous_taxable is None
        or previous_tax is None
        or category is None
        or ni_pay is None
        or plans is None
        or scheme is None
        or pensionable is None
        or employer_rate is None
    ):
        return None  # every None above has put an error on the row
    return EmployeePeriod(
        tax_year=rules.first_year,
        frequency=frequency,
        period=period,
        tax_code=code.text,
        basis=basis,
        gross_pay=gross,
        previous_taxable_pay=previous_taxable,
        previous_tax_paid=previous_tax,
        ni_category=category,
        ni_pay=ni_pay,
        student_loan_plans=plans,
        pension_scheme=scheme,
        pensionable_pay=pensionable,
        employer_pension_rate=employer_rate,
    )


def format_pence(pence: int) -> str:
    return plain_pounds(pence)


class RowWriter(Protocol):
    def writerow(self, row: Iterable[str], /) -> Any: ...


def calculate_csv(
    source: TextIO, dest: TextIO, *, writer: Callable[[TextIO], RowWriter] | None = None
) -> list[RowError]:
    """Read payments from ``source``, write them with gross-to-net columns to ``dest``.

    Returns the errors; when there are any, nothing is written. ``writer`` makes the CSV writer
    (default ``csv.writer``): a file for a spreadsheet wants one that neutralises formulas in the
    input's own columns, which pass through (the command gives it ``tabular.csv_writer``).
    """
    reader = csv.reader(source)
    try:
        read = list(reader)
    except csv.Error as error:  # a NUL byte, or a cell over the csv module's field limit
        return [RowError(reader.line_num, "", f"cannot be read as CSV ({error})")]
    header = read[0] if read else None
    if not header or not any(h.strip() for h in header):
        return [RowError(1, "", "the file is empty: expected a header line naming the columns")]
    names = [h.strip() for h in header]
    errors = [
        RowError(1, name, "column appears more than once")
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    errors += [RowError(1, name, "required column is missing") for name in REQUIRED if name not in names]
    if errors:
        return errors

    raw_rows: list[list[str]] = []
    records: list[EmployeePeriod | None] = []
    for line, raw in enumerate(read[1:], start=2):
        raw_rows.append(raw)
        if not raw or not any(cell.strip() for cell in raw):
            records.append(None)  # a blank line: passed through as it is
            continue
        if len(raw) != len(names):
            errors.append(RowError(line, "", f"has {len(raw)} fields but the header has {len(names)}"))
            records.append(None)
            continue
        row = _Row(line, dict(zip(names, raw, strict=True)))
        records.append(_parse_row(row))
        errors.extend(row.errors)
    if errors:
        return errors

    results = _compute([r for r in records if r is not None])
    with_employer = EMPLOYER_RATE in names
    out_names = list(names)
    extra = [*OUTPUTS, *([EMPLOYER_OUTPUT] if with_employer else [])]
    out_names += [name for name in extra if name not in names]
    out = writer(dest) if writer is not None else csv.writer(dest, lineterminator="\n")
    out.writerow(out_names)
    position = {name: i for i, name in enumerate(out_names)}
    done = 0
    for raw, record in zip(raw_rows, records, strict=True):
        if record is None:
            out.writerow(raw)
            continue
        values = raw + [""] * (len(out_names) - len(raw))
        for name, pence in results[done].items():
            if name in position:
                values[position[name]] = format_pence(pence)
        done += 1
        out.writerow(values)
    return []


def _compute(records: list[EmployeePeriod]) -> list[dict[str, int]]:
    """Vectorised gross to net, one batch per tax year, results back in input order."""
    out: list[dict[str, int]] = [{} for _ in records]
    for year in sorted({r.tax_year for r in records}):
        positions = [i for i, r in enumerate(records) if r.tax_year == year]
        result = calculate(batch_from_records(load_rules(year), [records[i] for i in positions]))
        columns = {name: getattr(result, name).tolist() for name in (*OUTPUTS, EMPLOYER_OUTPUT)}
        for j, i in enumerate(positions):
            out[i] = {name: int(values[j]) for name, values in columns.items()}
    return out
