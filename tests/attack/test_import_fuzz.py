"""Fuzzed imports (issue 18): Hypothesis writes the files, every import of the system reads them.

The files are what people really upload and worse: UTF-8 with and without Excel's byte-order
mark, UTF-16, Windows-1252, stray invalid bytes, semicolons for commas, quotes and line breaks
inside cells, very long cells, cells starting like formulas (= + - @), impossible dates
(2026-02-30), negative, huge and over-precise amounts (12.345, NaN, Infinity, 1e400), repeated,
missing and unknown columns, empty and header-only files, workbooks with several sheets or with
formulas, and bytes that only claim to be a workbook.

Every import must then hold three properties:

- nothing the file holds raises out of the import (a refusal is a list of problems);
- all or nothing: when it reports any problem, no row of any table has changed;
- each problem names the spreadsheet row (0 the file, 1 the header, 2 the first data row) and,
  on a data row, a column of the import, with a reason in words.

And, more sharply, a file of good rows with one bad cell put in row *n* is refused with that
cell's row and column among the problems, and the same file without it imports.

``make test`` draws the same examples each run (a red build reproduces); ``make fuzz`` draws new
ones, more of them (JOINEDUP_FUZZ_RANDOM=1, JOINEDUP_IMPORT_FUZZ_EXAMPLES). ``IMPORTS`` must name
every RowSpec the code reads a file against: a new import fails
``test_every_import_of_the_code_is_fuzzed`` until it is added here."""

from __future__ import annotations

import ast
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisDjangoTestCase
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from joinedup.businesscase.services import BASELINE_COLUMNS, baselines_import, case_create
from joinedup.change.strain import FACTOR_COLUMNS, strain_factors_import
from joinedup.core.tabular import FILE_ROW, HEADER_ROW, RowError, RowSpec
from joinedup.ledger.imports import BUDGET_COLUMNS, JOURNAL_COLUMNS, import_budgets, import_journal
from joinedup.partnership.models import Role
from joinedup.payroll.take_on import TAKE_ON_COLUMNS, take_on_import
from joinedup.people.imports import EMPLOYMENT_COLUMNS, POST_COLUMNS, import_employments, import_posts
from joinedup.purchasing.invoices import INVOICE_COLUMNS, invoices_import
from joinedup.purchasing.models import Supplier, SupplierPartner
from joinedup.recharges.services import READING_COLUMNS, readings_import
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.servicedesk.asset_imports import ASSET_COLUMNS, assets_import_file
from joinedup.testing.base import FIXTURES
from joinedup.wellbeing.programmes import USAGE_COLUMNS, usage_import_file
from joinedup.wellbeing.programmes import programme_create as wellbeing_programme_create

SOURCE = Path(__file__).resolve().parents[2] / "src" / "joinedup"
EXAMPLES = int(os.environ.get("JOINEDUP_IMPORT_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("JOINEDUP_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


# --- what goes in the cells ------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]
BAD_DATES = [
    "2026-02-30",  # no such day
    "30/02/2026",
    "2025-02-29",  # not a leap year
    "31/04/2026",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "1/4/26",  # a two-digit year is refused, not guessed
    "45000",  # a date serial number, not a date
    "2026-04-01 09:30",
    "=TODAY()",
    "tomorrow",
]
# Refused in every amount column, signed or not.
BAD_AMOUNTS = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e400",
    "1E5",
    "0.00001",
    "9999999999999999",  # 16 digits: more than a spreadsheet holds
    "1,23",
    "--5",
    "+-5",
    "5-",
    "(5.00)",
    "=1+1",
    "@5",
    "five",
    "1 000",
    "1_000",
    "\u0663",  # an Arabic-Indic three
    "\uff11\uff12",  # full-width 12
]
NEGATIVE = ["-5.00", "-0.01", "-1e3"]
# Refused in money columns (two places): more is a mistake, never rounded.
TOO_PRECISE = ["12.345", "0.001", "1.005"]
BAD_MONTHS = ["2026-13", "2026-00", "0000-10", "26-10", "2026-1", "October 2026", "2026-02-30"]
BAD_VALUES = {
    "date": BAD_DATES,
    "amount": BAD_AMOUNTS + TOO_PRECISE,  # money of any sign
    "amount>=0": BAD_AMOUNTS + TOO_PRECISE + NEGATIVE,
    "fte": BAD_AMOUNTS + NEGATIVE,  # four places
    "factor": [v for v in BAD_AMOUNTS if v != "0.00001"] + NEGATIVE + ["0.0000001", "1000.000001"],
    "whole": ["15", "101", "58.5", "-58", "NaN", "1e2", "fifty", "=58", "\u0665\u0668", "9" * 20],
    "month": BAD_MONTHS,
}

NASTY = [
    *FORMULAS,
    *BAD_DATES,
    *BAD_AMOUNTS,
    *TOO_PRECISE,
    *NEGATIVE,
    *BAD_MONTHS,
    "",
    " ",
    '"',
    '""',
    'a"b',
    "two\nlines",
    "cr\rreturn",
    "a,b;c\td",
    "'quoted",
    "\u202egnp.exe",
    "é£€ü",
    "\U0001f600",
    "x" * 5000,
    "9" * 400,
    "-" + "9" * 30 + ".99",
    "999999999999999.99",  # the largest amount a column takes
    "1000000000000000",
]
cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))


# --- the imports -----------------------------------------------------------------------------------

Row = dict[str, str]


@dataclass(frozen=True)
class Import:
    """One import: its columns, how to run it as the user who may, a good row ``n`` (text cells
    as a person types them), how many good rows it can have at most, and the kind of bad value
    each typed column must refuse."""

    name: str
    spec: RowSpec
    run: Callable[[Any, bytes, str], Any]  # (test case, file, filename) -> a result with .errors
    good: Callable[[int], Row]
    most: int
    typed: dict[str, str]
    pairs: bool = False  # rows go in balancing pairs (journals)


def _journal_row(n: int) -> Row:
    # Rows 2k and 2k+1 are one journal: a debit and the credit that balances it.
    if n % 2 == 0:
        return {
            "date": "2026-05-14",
            "account": "4200",
            "cost_centre": "HR",
            "debit": "12.50",
            "journal": f"J{n}",
        }
    return {"date": "2026-05-14", "account": "B100", "credit": "12.50", "journal": f"J{n - 1}"}


def _reading_row(n: int) -> Row:
    partner = ("WCC", "WPOL", "WFRS")[n % 3]
    return {"partner": partner, "driver": "tickets", "month": f"2026-{11 + n // 3:02d}", "quantity": "5"}


IMPORTS = [
    Import(
        "employments",
        EMPLOYMENT_COLUMNS,
        lambda case, data, name: import_employments(
            actor=case.council_hr, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "payroll_number": f"WCCF{n:05d}",
            "given_name": "Fuzz",
            "family_name": f"Row{n}",
            "date_of_birth": "1990-01-01",
            "ni_number": f"JT{n:06d}A",
            "start_date": "2026-04-01",
            "scheme": "njc-test",
            "pay_point": "SCP5",
            "fte": "1",
            "weekly_hours": "37",
        },
        most=6,
        typed={
            "date_of_birth": "date",
            "start_date": "date",
            "fte": "fte",
            "weekly_hours": "amount>=0",
        },
    ),
    Import(
        "posts",
        POST_COLUMNS,
        lambda case, data, name: import_posts(
            actor=case.council_hr, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "code": f"FUZZ-{n}",
            "title": "Fuzz post",
            "org_unit_code": "HR",
            "scheme": "njc-test",
            "grade_min": "SCP5",
            "grade_max": "SCP12",
            "budgeted_fte": "1",
            "cost_centre": "CC1",
            "start_date": "2026-04-01",
        },
        most=6,
        typed={"start_date": "date", "budgeted_fte": "fte"},
    ),
    Import(
        "journals",
        JOURNAL_COLUMNS,
        lambda case, data, name: import_journal(
            actor=case.council_finance, partner=case.council, source=data, filename=name
        ),
        _journal_row,
        most=6,
        typed={"date": "date", "debit": "amount>=0", "credit": "amount>=0"},
        pairs=True,
    ),
    Import(
        "budgets",
        BUDGET_COLUMNS,
        lambda case, data, name: import_budgets(
            actor=case.council_finance, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "cost_centre": "HR",
            "account": "4200",
            "period": f"2026-{4 + n:02d}",
            "amount": "-100.00",
        },
        most=6,
        typed={"period": "month", "amount": "amount"},
    ),
    Import(
        "readings",
        READING_COLUMNS,
        lambda case, data, name: readings_import(
            actor=case.shared_finance, provider=case.shared, source=data, filename=name
        ),
        _reading_row,
        most=6,
        typed={"month": "month", "quantity": "amount>=0"},
    ),
    Import(
        "take-on balances",
        TAKE_ON_COLUMNS,
        lambda case, data, name: take_on_import(
            actor=case.council_payroll, partner=case.council, tax_year=2026, source=data, filename=name
        ),
        lambda n: {
            "payroll_number": ("WCC000001", "WCC000002")[n % 2],
            "ni_letter": ("A", "J")[n // 2],
            "taxable_pay": "1000.00",
            "tax": "-12.40",
            "ni_pay": "1000.00",
            "ni_employee": "50.00",
            "ni_employer": "100.00",
        },
        most=4,
        typed={
            "taxable_pay": "amount>=0",
            "tax": "amount",
            "ni_pay": "amount>=0",
            "ni_employer": "amount>=0",
        },
    ),
]
IMPORTS.append(
    Import(
        "strain factors",
        FACTOR_COLUMNS,
        lambda case, data, name: strain_factors_import(
            actor=case.council_hr,
            partner=case.council,
            fund="Wessex Pension Fund",
            effective_from=date(2026, 4, 1),
            source="The fund actuary's early retirement factors",
            data=data,
            filename=name,
        ),
        lambda n: {"sex": ("F", "M")[n % 2], "age_years": str(55 + n // 2), "factor": "9.871"},
        most=6,
        typed={"age_years": "whole", "age_months": "whole", "factor": "factor"},
    )
)
IMPORTS.append(
    Import(
        "business case baselines",
        BASELINE_COLUMNS,
        lambda case, data, name: baselines_import(
            actor=case.shared_finance, case=case.businesscase, source=data, filename=name
        ),
        lambda n: {
            "partner": ("WCC", "WPOL", "WFRS")[n % 3],
            "function": ("hr", "payroll")[n // 3],
            "staff_cost": "1250000.00",
            "fte": "41.5",
            "non_staff_cost": "310000.00",
        },
        most=6,
        typed={"staff_cost": "amount>=0", "fte": "fte", "non_staff_cost": "amount>=0"},
    )
)
IMPORTS.append(
    Import(
        "purchase invoices",
        INVOICE_COLUMNS,
        lambda case, data, name: invoices_import(
            actor=case.council_buyer, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "supplier": "ACME01",
            "number": f"F-{n}",
            "invoice_date": "2026-05-11",
            "description": "Paper",
            "quantity": "2",
            "unit_price": "10.50",
            "vat_rate": "20",
            "cost_centre": "HR",
            "account": "4200",
        },
        most=6,
        # Quantities have three places and unit prices four: "12.345" is a good quantity.
        typed={
            "invoice_date": "date",
            "due_date": "date",
            "quantity": "fte",
            "unit_price": "fte",
            "vat_rate": "amount>=0",
        },
    )
)
IMPORTS.append(
    Import(
        "service desk assets",
        ASSET_COLUMNS,
        lambda case, data, name: assets_import_file(
            actor=FIXTURES, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "tag": f"WCC-LT-{n:04d}",
            "kind": "laptop",
            "make": "Dell",
            "model": "Latitude 5450",
            "cost": "849.99",
            "purchased_on": "2026-04-14",
        },
        most=6,
        typed={"cost": "amount>=0", "purchased_on": "date", "warranty_until": "date"},
    )
)
IMPORTS.append(
    Import(
        "wellbeing programme usage",
        USAGE_COLUMNS,
        lambda case, data, name: usage_import_file(
            actor=case.oh_admin, partner=case.council, source=data, filename=name
        ),
        lambda n: {
            "programme": "Employee assistance",
            "month": "2026-10-01",
            "measure": "referrals",
            "reason": ("stress", "low_mood", "bereavement", "work", "trauma", "other")[n % 6],
            "count": str(5 + n),
        },
        most=6,
        typed={"month": "date"},
    )
)
BY_NAME = {target.name: target for target in IMPORTS}


# --- how the cells become a file -------------------------------------------------------------------

CONTAINERS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "cp1252",
    "invalid-bytes",
    "semicolons",
    "xlsx",
    "xlsx-typed",
    "xlsx-sheets",
    "not-xlsx",
    "truncated-xlsx",
    "empty",
]


def csv_text(table: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table)
    return out.getvalue()


def _typed(value: str) -> Any:
    """The cell as Excel would hold it when a person types it: numbers and dates as such."""
    try:
        return datetime.strptime(value, "%Y-%m-%d")  # noqa: DTZ007 - a spreadsheet date has no zone
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if value.strip() == value else value


def xlsx(
    table: list[list[str]], *, typed: bool = False, sheets: list[list[list[str]]] | None = None
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in table:
        # openpyxl stores a text starting "=" as a formula: the workbooks with formulas.
        cleaned = [ILLEGAL_CHARACTERS_RE.sub("", c) for c in row]
        sheet.append([_typed(c) for c in cleaned] if typed else cleaned)
    for number, other in enumerate(sheets or [], start=2):
        extra = book.create_sheet(f"Sheet{number}")
        for row in other:
            extra.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def encoded(draw: Any, table: list[list[str]]) -> tuple[bytes, str]:
    """The table as the bytes of an upload, and the upload's name."""
    container = draw(st.sampled_from(CONTAINERS))
    text = csv_text(table)
    if container in ("utf-8", "utf-8-sig", "utf-16"):
        return text.encode(container, errors="surrogatepass"), "upload.csv"
    if container == "cp1252":
        return text.encode("cp1252", errors="replace"), "upload.csv"
    if container == "invalid-bytes":
        data = text.encode("utf-8", errors="surrogatepass")
        # Inside the table's rows, never after the last line break or between "\r" and "\n":
        # there the bytes would be a row of their own, one the file's last row does not count.
        inside = [i for i in range(len(data) - 1) if i == 0 or data[i - 1 : i] != b"\r"]
        at = draw(st.sampled_from(inside)) if inside else 0
        return data[:at] + draw(
            st.sampled_from([b"\xff", b"\x81", b"\xc3(", b"\x00", b"\xed\xa0\x80"])
        ) + data[at:], "upload.csv"
    if container == "semicolons":
        return csv_text(table, ";").encode("utf-8-sig", errors="surrogatepass"), "upload.txt"
    clean = [[c.encode("utf-8", errors="replace").decode("utf-8") for c in row] for row in table]
    if container == "xlsx":
        return xlsx(clean), "upload.xlsx"
    if container == "xlsx-typed":
        return xlsx(clean, typed=True), "upload.xlsx"
    if container == "xlsx-sheets":
        return xlsx(clean, sheets=[[["notes", "=SUM(A1:A9)"], ["x"]], clean]), "upload.xlsx"
    if container == "not-xlsx":
        junk = draw(
            st.sampled_from(
                [b"", b"PK\x03\x04", b"PK\x03\x04garbage", text.encode("utf-8", "replace"), b"\x00" * 64]
            )
        )
        return junk + draw(st.binary(max_size=64)), "upload.xlsx"
    if container == "truncated-xlsx":
        whole = xlsx(clean)
        return whole[: draw(st.integers(0, len(whole) - 1))], "upload.xlsx"
    return b"", draw(st.sampled_from(["upload.csv", "upload.xlsx", "upload"]))


@st.composite
def any_file(draw: Any, target: Import) -> tuple[bytes, str, int]:
    """A file for ``target``: (bytes, name, the number of its last spreadsheet row)."""
    names = [column.name for column in target.spec.columns]
    required = [column.name for column in target.spec.columns if column.required]
    header = list(draw(st.permutations(draw(st.sampled_from([names, required])))))
    if header and draw(st.booleans()):
        header.remove(draw(st.sampled_from(header)))  # a missing column
    if header and draw(st.booleans()):
        header.append(draw(st.sampled_from(header)))  # a repeated one
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["unknown", "", "=SUM(A1)", "\ufeffpayroll_number"])))
    header = [draw(st.sampled_from([h, h.upper(), f" {h.replace('_', ' ')} "])) for h in header]
    rows = []
    for n in range(draw(st.integers(0, target.most))):
        # A good row with up to two cells spoilt: near enough to valid to reach the checks
        # against the database and the writes, not only the cell parsers.
        good = target.good(n)
        row = [good.get(h.strip().lower().replace(" ", "_"), "") for h in header]
        for _ in range(draw(st.integers(0, 2)) if row else 0):
            row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        rows.append(row)
    data, name = draw(encoded([header, *rows]))
    return data, name, 1 + len(rows)


# --- the properties ---------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """Every table of joinedup's own models, counted in one query."""
    tables = sorted({m._meta.db_table for m in apps.get_models() if m.__module__.startswith("joinedup.")})
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        found = cursor.fetchone()
    assert found is not None
    return dict(zip(tables, found, strict=True))


def well_reported(errors: list[RowError], spec: RowSpec, last_row: int) -> list[str]:
    """The problems that do not say where they are and why."""
    columns = set(spec.names)
    wrong = []
    for error in errors:
        if not isinstance(error.reason, str) or not error.reason.strip():
            wrong.append(f"{error}: no reason")
        if not FILE_ROW <= error.row <= last_row:
            wrong.append(f"{error}: row outside the file (last row {last_row})")
        if error.row > HEADER_ROW and error.column not in columns:
            wrong.append(f"{error}: not a column of the import")
    return wrong


def with_cell(target: Import, count: int, row: int, column: str, value: str) -> list[list[str]]:
    names = target.spec.names
    table = [names]
    for n in range(count):
        good = target.good(n)
        cells_ = [good.get(name, "") for name in names]
        if n == row and column:
            cells_[names.index(column)] = value
        table.append(cells_)
    return table


class TestFuzzedImports(HypothesisDjangoTestCase, RechargeTestCase):
    council_payroll: Any
    council_buyer: Any
    businesscase: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.council_buyer = cls.make_user("council.buyer", [(cls.council, Role.PURCHASING_OFFICER)])
        SupplierPartner.objects.create(
            partner=cls.council, supplier=Supplier.objects.create(name="Acme Stationery"), reference="ACME01"
        )
        cls.businesscase = case_create(
            actor=FIXTURES, owner=cls.shared, name="Fuzzed", partners=[cls.council, cls.police, cls.fire]
        )
        wellbeing_programme_create(
            actor=FIXTURES, partner=cls.council, name="Employee assistance", service="eap"
        )

    def check_any_file(self, target: Import, upload: tuple[bytes, str, int]) -> None:
        data, name, last_row = upload
        before = row_counts()
        result = target.run(self, data, name)  # the property: whatever the file, this returns
        assert not well_reported(result.errors, target.spec, last_row)
        if result.errors:
            assert row_counts() == before, f"{target.name}: a refused file changed the database"

    @FUZZ
    @given(st.data())
    def test_any_employments_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["employments"], data.draw(any_file(BY_NAME["employments"])))

    @FUZZ
    @given(st.data())
    def test_any_posts_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["posts"], data.draw(any_file(BY_NAME["posts"])))

    @FUZZ
    @given(st.data())
    def test_any_journals_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["journals"], data.draw(any_file(BY_NAME["journals"])))

    @FUZZ
    @given(st.data())
    def test_any_budgets_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["budgets"], data.draw(any_file(BY_NAME["budgets"])))

    @FUZZ
    @given(st.data())
    def test_any_readings_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["readings"], data.draw(any_file(BY_NAME["readings"])))

    @FUZZ
    @given(st.data())
    def test_any_take_on_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["take-on balances"], data.draw(any_file(BY_NAME["take-on balances"])))

    @FUZZ
    @given(st.data())
    def test_any_strain_factors_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["strain factors"], data.draw(any_file(BY_NAME["strain factors"])))

    @FUZZ
    @given(st.data())
    def test_any_business_case_baselines_file_is_imported_whole_or_refused_with_reasons(
        self, data: Any
    ) -> None:
        target = BY_NAME["business case baselines"]
        self.check_any_file(target, data.draw(any_file(target)))

    @FUZZ
    @given(st.data())
    def test_any_purchase_invoices_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        self.check_any_file(BY_NAME["purchase invoices"], data.draw(any_file(BY_NAME["purchase invoices"])))

    @FUZZ
    @given(st.data())
    def test_any_wellbeing_usage_file_is_imported_whole_or_refused_with_reasons(self, data: Any) -> None:
        target = BY_NAME["wellbeing programme usage"]
        self.check_any_file(target, data.draw(any_file(target)))

    @FUZZ
    @given(st.data())
    def test_one_bad_cell_in_any_import_is_named_by_row_and_column_and_nothing_is_written(
        self, data: Any
    ) -> None:
        target = data.draw(st.sampled_from(IMPORTS), label="import")
        count = data.draw(
            st.integers(1, target.most // 2).map(lambda k: 2 * k)
            if target.pairs
            else st.integers(1, target.most)
        )
        row = data.draw(st.integers(0, count - 1), label="bad row (0 is spreadsheet row 2)")
        column = data.draw(st.sampled_from(sorted(target.typed)), label="column")
        value = data.draw(st.sampled_from(BAD_VALUES[target.typed[column]]), label="value")
        as_xlsx = data.draw(st.booleans(), label="xlsx")
        name = "upload.xlsx" if as_xlsx else "upload.csv"

        def encode(table: list[list[str]]) -> bytes:
            return xlsx(table) if as_xlsx else csv_text(table).encode("utf-8")

        before = row_counts()
        refused = target.run(self, encode(with_cell(target, count, row, column, value)), name)
        assert (row + 2, column) in {(e.row, e.column) for e in refused.errors}, refused.errors
        assert not well_reported(refused.errors, target.spec, count + 1)
        assert row_counts() == before
        good = target.good(row).get(column, "")
        accepted = target.run(self, encode(with_cell(target, count, row, column, good)), name)
        assert accepted.errors == []

    def test_every_bad_value_in_every_typed_column_is_named_by_row_and_column(self) -> None:
        # Each of the bad values above, in each column that must refuse it, of each import: in
        # the second of two good rows (row 3), so that the row number is the cell's, not the
        # first row's.
        before = row_counts()
        missed = []
        for target in IMPORTS:
            for column, kind in target.typed.items():
                for value in BAD_VALUES[kind]:
                    table = with_cell(target, 2, 1, column, value)
                    result = target.run(self, csv_text(table).encode("utf-8"), "upload.csv")
                    if (3, column) not in {(e.row, e.column) for e in result.errors}:
                        missed.append(f"{target.name} {column}={value!r}: {result.errors}")
                    missed += [f"{target.name}: {w}" for w in well_reported(result.errors, target.spec, 3)]
        assert missed == []
        assert row_counts() == before
        for target in IMPORTS:
            table = with_cell(target, 2, 1, "", "")
            assert target.run(self, csv_text(table).encode("utf-8"), "upload.csv").errors == [], target.name

    def test_the_extreme_amounts_a_column_takes_are_stored_or_refused_never_raised(self) -> None:
        # The largest number the parsers take has 15 whole digits: each column must hold it, or
        # refuse it by row and column (a database overflow is neither).
        extremes = ["999999999999999.99", "-999999999999999.99", "999999999999999", "0", "0.01", "-0.00"]
        wrong = []
        for target in IMPORTS:
            for column, kind in target.typed.items():
                if kind not in ("amount", "amount>=0", "fte", "factor"):
                    continue
                for value in extremes:
                    table = with_cell(target, 2, 1, column, value)
                    if target.pairs:  # the journal balances: the same amount on the other side
                        table = with_cell(target, 2, 0, "debit", value)
                        table[2][table[0].index("credit")] = value
                    with transaction.atomic():
                        result = target.run(self, csv_text(table).encode("utf-8"), "upload.csv")
                        transaction.set_rollback(True)  # keep each case from the next
                    wrong += [
                        f"{target.name} {column}={value}: {w}"
                        for w in well_reported(result.errors, target.spec, 3)
                    ]
        assert wrong == []

    def test_every_import_of_the_code_is_fuzzed(self) -> None:
        read_against = set()
        own_readers = set()
        for path in SOURCE.rglob("*.py"):
            if "tests" in path.parts or "bench" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                # ``csv.reader`` (not a row's ``.reader``, the person who read something).
                if isinstance(node, ast.Attribute) and (
                    node.attr in ("DictReader", "load_workbook")
                    or (node.attr == "reader" and isinstance(node.value, ast.Name) and node.value.id == "csv")
                ):
                    own_readers.add(path.relative_to(SOURCE).as_posix())
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute | ast.Name)
                    and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
                    == "read_rows"
                    and len(node.args) >= 2
                ):
                    read_against.add(ast.unparse(node.args[1]))
        assert read_against == {
            "EMPLOYMENT_COLUMNS",
            "POST_COLUMNS",
            "JOURNAL_COLUMNS",
            "BUDGET_COLUMNS",
            "READING_COLUMNS",
            "TAKE_ON_COLUMNS",
            "FACTOR_COLUMNS",
            "BASELINE_COLUMNS",
            "INVOICE_COLUMNS",
            "ASSET_COLUMNS",
            "USAGE_COLUMNS",
        }
        # Files read other than through read_rows: the reader itself, the gross-to-net
        # calculator (fuzzed below through `joinedup payroll calculate`), and a partner's exit
        # export read back by `joinedup partner import`, which checks every file against its
        # manifest's SHA-256 and every cell against its column's type before importing a row;
        # fuzzed with the manifest rewritten to match in test_exit_import_fuzz.py.
        assert own_readers == {
            "core/tabular/reading.py",
            "payroll/engine/calculator.py",
            "privacy/exit.py",
        }
        assert {id(target.spec) for target in IMPORTS} == {
            id(spec)
            for spec in (
                EMPLOYMENT_COLUMNS,
                POST_COLUMNS,
                JOURNAL_COLUMNS,
                BUDGET_COLUMNS,
                READING_COLUMNS,
                TAKE_ON_COLUMNS,
                FACTOR_COLUMNS,
                BASELINE_COLUMNS,
                INVOICE_COLUMNS,
                ASSET_COLUMNS,
                USAGE_COLUMNS,
            )
        }


# --- the gross-to-net spreadsheet (`joinedup payroll calculate`), which has its own reader ------------

CALCULATOR_COLUMNS = ["tax_year", "frequency", "period", "tax_code", "basis", "gross_pay", "name"]
CALCULATOR_ROW = ["2026", "monthly", "1", "1257L", "cumulative", "2000.00", "Ada Lovelace"]


@st.composite
def calculator_file(draw: Any) -> bytes:
    header = list(draw(st.permutations(CALCULATOR_COLUMNS)))
    if draw(st.booleans()):
        header.remove(draw(st.sampled_from(header)))
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(header)))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        good = dict(zip(CALCULATOR_COLUMNS, CALCULATOR_ROW, strict=True))
        rows.append([draw(st.one_of(st.just(good.get(h, "")), cells)) for h in header])
    data, _ = draw(encoded([header, *rows]))
    return data


def calculate(data: bytes) -> tuple[str | None, str | None]:
    """Run ``joinedup payroll calculate`` on ``data``: (what it wrote, or the CommandError)."""
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder, "in.csv"), Path(folder, "out.csv")
        source.write_bytes(data)
        try:
            call_command("payroll", "calculate", str(source), "-o", str(out), stderr=io.StringIO())
        except CommandError as refusal:
            assert not out.exists(), "a refused file still wrote its output"
            return None, str(refusal)
        return out.read_text(encoding="utf-8"), None


class TestFuzzedGrossToNet:
    @FUZZ
    @given(calculator_file())
    def test_any_file_is_calculated_whole_or_refused_with_reasons(self, data: bytes) -> None:
        written, refusal = calculate(data)
        assert (written is None) != (refusal is None)

    @pytest.mark.parametrize("value", BAD_AMOUNTS + TOO_PRECISE + NEGATIVE)
    def test_a_bad_gross_pay_is_named_by_line_and_column_and_nothing_is_written(self, value: str) -> None:
        rows = [CALCULATOR_COLUMNS, CALCULATOR_ROW, [*CALCULATOR_ROW[:5], value, "Bad Row"]]
        stderr = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            source, out = Path(folder, "in.csv"), Path(folder, "out.csv")
            source.write_text(csv_text(rows), encoding="utf-8")
            with pytest.raises(CommandError, match=r"^1 problem\(s\) in .*; nothing was written\.$"):
                call_command("payroll", "calculate", str(source), "-o", str(out), stderr=stderr)
            assert not out.exists()
        assert stderr.getvalue().startswith("line 3, column gross_pay: ")


# --- the faults the fuzzing found, each pinned -------------------------------------------------------


class TestFaultsTheFuzzingFound(RechargeTestCase):
    def readings(self, *rows: str) -> Any:
        data = ("partner,driver,month,quantity\n" + "".join(f"{row}\n" for row in rows)).encode()
        return readings_import(actor=self.shared_finance, provider=self.shared, source=data, filename="r.csv")

    def test_a_reading_for_the_year_0000_is_refused_not_raised(self) -> None:
        # It was a ValueError out of date(): the regex took "0000-10", the month parser did not.
        before = row_counts()
        result = self.readings("WCC,tickets,0000-10,5")
        assert [(e.row, e.column, e.reason) for e in result.errors] == [
            (2, "month", "Write the month like 2026-10")
        ]
        assert row_counts() == before

    def test_a_reading_larger_than_its_column_holds_is_refused_not_raised(self) -> None:
        # DriverReading.quantity holds 12 whole digits: 13 was a database error at the write.
        before = row_counts()
        result = self.readings("WCC,tickets,2026-11,1000000000000")
        assert [(e.row, e.column, e.reason) for e in result.errors] == [
            (2, "quantity", "Must be 999999999999.99 or less")
        ]
        assert row_counts() == before
        assert self.readings("WCC,tickets,2026-11,999999999999.99").errors == []


def test_a_date_in_the_year_0000_is_refused_for_what_it_is() -> None:
    # It said "The month has no day 1": date() refuses year 0 with the same ValueError.
    from joinedup.core.tabular import iso_date

    with pytest.raises(ValueError, match=r"^There is no year 0000$"):
        iso_date()("0000-01-01")
    with pytest.raises(ValueError, match=r"^There is no year 0000$"):
        iso_date()("01/01/0000")


class TestGrossToNetFaults:
    """``joinedup payroll calculate`` read its file with Python's UTF-8 and csv alone: a Windows
    'CSV' file or a cell over the csv module's limit raised out of the command."""

    def run(self, data: bytes) -> tuple[str | None, str | None, str]:
        stderr = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            source, out = Path(folder, "in.csv"), Path(folder, "out.csv")
            source.write_bytes(data)
            try:
                call_command("payroll", "calculate", str(source), "-o", str(out), stderr=stderr)
            except CommandError as refusal:
                assert not out.exists()
                return None, str(refusal), stderr.getvalue()
            return out.read_text(encoding="utf-8"), None, stderr.getvalue()

    def test_a_windows_1252_file_is_read_as_excel_wrote_it(self) -> None:
        rows = [CALCULATOR_COLUMNS, [*CALCULATOR_ROW[:6], "Zoë £"]]
        written, refusal, _ = self.run(csv_text(rows).encode("cp1252"))
        assert refusal is None and written is not None
        assert written.splitlines()[1].startswith("2026,monthly,1,1257L,cumulative,2000.00,Zoë £,")

    def test_a_utf_16_file_is_refused_with_the_way_to_save_it(self) -> None:
        written, refusal, _ = self.run(csv_text([CALCULATOR_COLUMNS, CALCULATOR_ROW]).encode("utf-16"))
        assert written is None
        assert refusal is not None and refusal.endswith(
            "/in.csv: The file is UTF-16 text (Excel's 'Unicode Text'): save it from Excel as "
            "'CSV UTF-8 (Comma delimited)'; nothing was written."
        )

    def test_a_cell_over_the_csv_limit_is_a_problem_on_its_line(self) -> None:
        rows = [CALCULATOR_COLUMNS, [*CALCULATOR_ROW[:6], "x" * 200_000]]
        written, refusal, stderr = self.run(csv_text(rows).encode())
        assert written is None and refusal is not None
        assert re.fullmatch(r"1 problem\(s\) in .*/in\.csv; nothing was written\.", refusal)
        assert stderr == "line 2, column -: cannot be read as CSV (field larger than field limit (131072))\n"

    def test_digits_of_other_scripts_are_not_pounds(self) -> None:
        # Python's \d and Decimal() take "\u0663" (an Arabic-Indic three) as 3.
        rows = [CALCULATOR_COLUMNS, [*CALCULATOR_ROW[:5], "\u0663", "A"]]
        _, refusal, stderr = self.run(csv_text(rows).encode())
        assert refusal is not None
        assert stderr == "line 2, column gross_pay: not an amount of pounds and pence: '\u0663'\n"
