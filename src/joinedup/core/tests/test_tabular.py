"""Uploads report every bad cell with the row number Excel shows; downloads open safely."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import TextChoices
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from joinedup.core import validators
from joinedup.core.tabular import (
    FILE_ROW,
    HEADER_ROW,
    Column,
    ParseResult,
    RowError,
    RowSpec,
    boolean,
    choice,
    csv_writer,
    decimal,
    errors_as_csv,
    format_errors,
    header_key,
    integer,
    iso_date,
    list_of,
    read_rows,
    regex,
    spreadsheet_text,
    template,
    text,
    write_csv,
    write_xlsx,
)

PEOPLE = RowSpec(
    [
        Column("ni_number", validators.ni_number, example="AB123456C", help="As on the payslip."),
        Column("given_name", text(max_length=20), example="Amelia"),
        Column("date_of_birth", iso_date(), example="1990-05-17"),
        Column("salary", decimal(places=2, min=0), example="31250.00"),
        Column("contract_type", choice({"permanent": "P", "perm": "P", "fixed term": "F"}), example="perm"),
        Column("notes", text(max_length=10), required=False, default="", example=""),
    ]
)


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def where(result: ParseResult) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in result.errors]


# --- reading: every error, on the right row ------------------------------------------------------


def test_every_error_in_the_file_is_reported_on_its_spreadsheet_row() -> None:
    data = csv_bytes(
        "ni_number,given_name,date_of_birth,salary,contract_type,notes",
        "AB123456C,Amelia,1990-05-17,31250.00,permanent,",  # row 2: fine
        "DA123456A,Oliver,31/02/1990,12.345,temporary,",  # row 3: four bad cells
        ",,,,,",  # row 4: blank, skipped but counted
        'CE123456D,,17/05/1990,"£1,200.00",Perm,far too long a note',  # row 5: blank name, long note
        'HJ123456A,"Isla\nMay",1990-13-01,-5,fixed term,',  # row 6 (a two-line cell is one row)
    )
    result = read_rows(data, PEOPLE, filename="people.csv")

    assert where(result) == [
        (3, "ni_number"),
        (3, "date_of_birth"),
        (3, "salary"),
        (3, "contract_type"),
        (5, "given_name"),
        (5, "notes"),
        (6, "date_of_birth"),
        (6, "salary"),
    ]
    reasons = {(error.row, error.column): error for error in result.errors}
    assert reasons[3, "ni_number"].reason == "No National Insurance number starts with D"
    assert reasons[3, "ni_number"].value == "DA123456A"
    assert reasons[3, "date_of_birth"].reason == "The month has no day 31"
    assert reasons[3, "salary"].reason.startswith("Has 3 decimal places; at most 2")
    assert reasons[3, "contract_type"].reason == "Choose one of: permanent, perm, fixed term"
    assert reasons[5, "given_name"].reason == "Required, but blank"
    assert reasons[6, "date_of_birth"].reason == "13 is not a month (the date is read as year-month-day)"
    assert reasons[6, "salary"].reason == "Must be 0 or more"
    assert not result.ok
    # Rows with errors are still there for cross-row checks, without the cells that failed.
    assert result.row_numbers == [2, 3, 5, 6]
    assert result.rows[0] == {
        "ni_number": "AB123456C",
        "given_name": "Amelia",
        "date_of_birth": date(1990, 5, 17),
        "salary": Decimal("31250.00"),
        "contract_type": "P",
        "notes": "",
    }
    assert result.rows[1] == {"given_name": "Oliver", "notes": ""}
    assert result.rows[2]["salary"] == Decimal("1200.00") and result.rows[2]["contract_type"] == "P"
    assert result.rows[3]["given_name"] == "Isla\nMay"


def test_a_clean_file_reads_without_errors() -> None:
    data = csv_bytes(
        "ni_number,given_name,date_of_birth,salary,contract_type",
        'ab 12 34 56 c, Amelia ,17/05/1990,"£31,250.5",FIXED TERM',
    )
    result = read_rows(data, PEOPLE, filename="people.csv")
    assert result.ok
    assert list(result.numbered()) == [
        (
            2,
            {
                "ni_number": "AB123456C",
                "given_name": "Amelia",
                "date_of_birth": date(1990, 5, 17),
                "salary": Decimal("31250.50"),
                "contract_type": "F",
                "notes": "",
            },
        )
    ]


def test_a_money_value_with_too_many_places_is_an_error_not_a_rounding() -> None:
    parse = decimal(places=2)
    with pytest.raises(ValueError, match="Has 3 decimal places; at most 2 decimal places are allowed"):
        parse("10.125")
    with pytest.raises(ValueError, match="Has 3 decimal places"):
        parse("£1,000.001")
    assert parse("10.500") == Decimal("10.50")  # trailing zeros are not precision
    assert str(parse("10.5")) == "10.50"
    spec = RowSpec([Column("salary", parse)])
    result = read_rows(csv_bytes("salary", "10.125", "10.12"), spec, filename="x.csv")
    assert where(result) == [(2, "salary")]
    assert result.errors[0].value == "10.125"


def test_cross_row_checks_add_errors_in_their_place() -> None:
    data = csv_bytes(
        "given_name,ni_number,date_of_birth,salary,contract_type",
        "Amelia,AB123456C,1990-05-17,1,perm",
        "Oliver,AB123456C,nonsense,1,perm",
        "Isla,CE123456D,1990-05-17,1,perm",
    )
    result = read_rows(data, PEOPLE, filename="people.csv")
    seen: dict[str, int] = {}
    for number, row in result.numbered():
        nino = row.get("ni_number")
        if nino in seen:
            result.add_error(number, "ni_number", f"Duplicate NI number, also on row {seen[nino]}", nino)
        elif nino:
            seen[nino] = number
    result.add_error(2, "salary", "Over the pay band maximum", "1")
    # Sorted by row, then by the column's place in the file (given_name is first here).
    assert where(result) == [(2, "salary"), (3, "ni_number"), (3, "date_of_birth")]
    assert result.errors[1] == RowError(3, "ni_number", "Duplicate NI number, also on row 2", "AB123456C")


def test_wholly_blank_rows_are_skipped_but_counted() -> None:
    data = csv_bytes("a,b", "1,2", "", " , ", ",", "x,")
    spec = RowSpec([Column("a", text()), Column("b", text(), required=False)])
    result = read_rows(data, spec, filename="x.csv")
    assert result.row_numbers == [2, 6]
    assert result.ok


# --- headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["date_of_birth", "Date of birth", " DATE  OF_BIRTH ", "date of_birth", "\ufeffDate_Of_Birth"]
)
def test_headers_match_ignoring_case_spaces_and_underscores(written: str) -> None:
    assert header_key(written) == header_key("date_of_birth")
    spec = RowSpec([Column("date_of_birth", iso_date())])
    result = read_rows(csv_bytes(f'"{written}"', "2026-04-01"), spec, filename="x.csv")
    assert result.ok and result.rows == [{"date_of_birth": date(2026, 4, 1)}]


def test_missing_required_column_is_a_header_error_and_the_rest_is_still_checked() -> None:
    data = csv_bytes("NI Number,Given Name,Salary,Contract type", "AB123456C,Amelia,abc,perm")
    result = read_rows(data, PEOPLE, filename="people.csv")
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (HEADER_ROW, "date_of_birth", "The file has no date_of_birth column"),
        (2, "salary", "Enter a number, like 1234.50 or £1,234.50"),
    ]
    assert result.rows[0]["notes"] == ""  # the optional column's default


def test_repeated_and_unknown_headers_are_header_errors() -> None:
    spec = RowSpec([Column("a", text()), Column("b", text())], allow_extra=False)
    result = read_rows(csv_bytes("a,B,b ,extra", "1,2,3,4"), spec, filename="x.csv")
    assert [(e.row, e.column) for e in result.errors] == [(1, "b"), (1, "extra")]
    assert result.errors[0].reason == "The column is in the file more than once (columns B and C)"
    assert result.errors[1].reason == "Unknown column; the columns are: a, b"
    # With allow_extra (the default) an unknown column is simply ignored.
    relaxed = RowSpec([Column("a", text())])
    assert read_rows(csv_bytes("a,extra", "1,2"), relaxed, filename="x.csv").rows == [{"a": "1"}]


def test_a_spec_cannot_name_a_column_twice() -> None:
    with pytest.raises(ValueError, match="twice: date_of_birth"):
        RowSpec([Column("date_of_birth", iso_date()), Column("Date of birth", iso_date())])


# --- reading: files that cannot be read --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "x.csv", "The file is empty"),
        (csv_bytes("a"), "x.csv", "header row but no data rows"),
        (csv_bytes(",", "1,2"), "x.csv", "The first row is blank"),
        (b"\xff\xfea\x00", "x.csv", "UTF-16"),
        ("a\r\né\r\n".encode() + b"\x81\r\n", "x.csv", "Line 3 has a character that is not valid UTF-8"),
        (b"a\r\n\x81\r\n", "x.csv", "Line 2 has a character that is neither UTF-8 nor Windows"),
        (b"a\r\n1\r\nx\x00y\r\n", "x.csv", "Line 3 contains a NUL character"),  # PostgreSQL refuses NUL
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", "old-style .xls"),
        (b"PK\x03\x04 not really a zip", "upload", "not a readable Excel workbook"),
        (b"not a zip", "x.xlsx", "not a readable Excel workbook"),
    ],
)
def test_unreadable_files_are_one_error_on_row_0(data: bytes, filename: str, reason: str) -> None:
    result = read_rows(data, RowSpec([Column("a", text())]), filename=filename)
    assert [(e.row, e.column) for e in result.errors] == [(FILE_ROW, "")]
    assert reason in result.errors[0].reason


def test_csv_in_utf8_with_bom_and_in_excels_windows_encoding() -> None:
    spec = RowSpec([Column("name", text()), Column("pay", decimal())])
    for data in [
        "\ufeffname,pay\r\nZoë,£5.00\r\n".encode(),
        "name,pay\r\nZoë,£5.00\r\n".encode(),
        "name,pay\r\nZoë,£5.00\r\n".encode("cp1252"),
    ]:
        result = read_rows(io.BytesIO(data), spec, filename="x.csv")
        assert result.ok and result.rows == [{"name": "Zoë", "pay": Decimal("5.00")}]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(separator: str) -> None:
    spec = RowSpec([Column("name", text()), Column("pay", decimal())])
    data = csv_bytes(f"name{separator}pay", f"Smith, Jo{separator}1,234.50")
    result = read_rows(data, spec, filename="x.csv")
    assert result.ok and result.rows == [{"name": "Smith, Jo", "pay": Decimal("1234.50")}]


def test_max_rows_refuses_a_longer_file() -> None:
    spec = RowSpec([Column("a", text())])
    result = read_rows(csv_bytes("a", "1", "2", "3"), spec, filename="x.csv", max_rows=2)
    reason = "The file has more than 2 rows; split it into smaller files"
    assert result.errors == [RowError(FILE_ROW, "", reason)]


# --- XLSX ------------------------------------------------------------------------------------------


def xlsx_bytes(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    """The workbook with one substitution in its first sheet's XML (what openpyxl will not write)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(pattern, replacement, content)
                assert count == 1
            target.writestr(item, content)
    return out.getvalue()


XLSX_SPEC = RowSpec(
    [
        Column("start_date", iso_date()),
        Column("salary", decimal(places=2)),
        Column("hours", decimal(places=2)),
        Column("payroll_number", text()),
        Column("active", boolean()),
    ]
)


def test_xlsx_date_and_number_cells_become_dates_and_exact_decimals() -> None:
    # Excel's datetimes have no time zone.
    data = xlsx_bytes(
        ["Start date", "Salary", "Hours", "Payroll number", "Active"],
        [date(2026, 4, 1), 31250.5, 37, 12345, True],
        [datetime(2026, 4, 2), 1234.56, 22.2, "P001", False],  # noqa: DTZ001
        [datetime(2026, 4, 3, 9, 30), 0.125, 1e20, 1.5, "yes"],  # noqa: DTZ001
    )
    # Excel stores a computed 0.1 + 0.2 with all 17 digits; openpyxl would round it to 0.3.
    data = rewrite_sheet(data, rb"<v>0.125</v>", b"<v>0.30000000000000004</v>")
    result = read_rows(data, XLSX_SPEC, filename="people.xlsx")
    assert result.rows[:2] == [
        {
            "start_date": date(2026, 4, 1),
            "salary": Decimal("31250.50"),
            "hours": Decimal("37.00"),
            "payroll_number": "12345",
            "active": True,
        },
        {
            "start_date": date(2026, 4, 2),
            "salary": Decimal("1234.56"),
            "hours": Decimal("22.20"),
            "payroll_number": "P001",
            "active": False,
        },
    ]
    # A float with more precision than the column allows is refused, not rounded.
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (4, "start_date", "2026-04-03 09:30:00"),
        (4, "salary", "0.30000000000000004"),
        (4, "hours", "100000000000000000000"),
    ]
    assert result.errors[0].reason == "Enter a date without a time"
    assert result.errors[1].reason.startswith("Has 17 decimal places")
    assert result.rows[2]["payroll_number"] == "1.5"


def test_xlsx_is_detected_by_content_and_reads_past_a_wrong_declared_size() -> None:
    data = xlsx_bytes(["payroll_number"], ["A"], ["B"], ["C"])
    # Some tools declare the sheet's size as just "A1"; the reader must not stop there.
    data = rewrite_sheet(data, rb'<dimension ref="[^"]*"', b'<dimension ref="A1"')
    result = read_rows(data, RowSpec([Column("payroll_number", text())]), filename="upload")
    assert result.ok and [row["payroll_number"] for row in result.rows] == ["A", "B", "C"]


def test_xlsx_round_trip_gives_back_the_values() -> None:
    header = ["name", "formula_like", "born", "pay", "fte", "hours", "on_leave", "plans", "notes"]
    rows: list[list[Any]] = [
        [
            "Zoë",
            "=SUM(A1:A9)",
            date(1990, 5, 17),
            Decimal("31250.50"),
            Decimal("0.8125"),
            37,
            True,
            "1;PG",
            None,
        ],
        ["O'Neill", "-5", date(2000, 1, 1), Decimal("-12.00"), Decimal("1.0000"), 0, False, "2", "x"],
    ]
    buffer = io.BytesIO()
    write_xlsx(rows, header, buffer, sheet_title="People: all [2026]")
    spec = RowSpec(
        [
            Column("name", text()),
            Column("formula_like", text()),
            Column("born", iso_date()),
            Column("pay", decimal(places=2)),
            Column("fte", decimal(places=4)),
            Column("hours", integer()),
            Column("on_leave", boolean()),
            Column("plans", validators.student_loan_plans),
            Column("notes", text(), required=False),
        ]
    )
    result = read_rows(buffer.getvalue(), spec, filename="people.xlsx")
    assert result.ok, format_errors(result.errors)
    expected = [[*row[:7], validators.student_loan_plans(row[7]), row[8]] for row in rows]
    assert result.rows == [dict(zip(header, values, strict=True)) for values in expected]

    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert sheet.title == "People- all -2026-"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].data_type == "s"  # text, not a formula
    assert sheet["C2"].number_format == "dd/mm/yyyy" and sheet["C2"].is_date
    assert sheet["D2"].number_format == "#,##0.00" and sheet["E2"].number_format == "#,##0.0000"
    assert 8 <= (sheet.column_dimensions["B"].width or 0) <= 60


# --- writing CSV -------------------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_but_not_numbers() -> None:
    out = io.StringIO()
    rows: list[list[Any]] = [
        ['=HYPERLINK("http://x")', "+44 1234", "-1", "@SUM(A1)", "\tx", "\rx", "plain"],
        [Decimal("-12.50"), -5, -0.5, date(2026, 4, 1), True, None, "Zoë £"],
    ]
    write_csv(rows, ["a", "b", "c", "d", "e", "f", "g"], out)
    text_out = out.getvalue()
    assert text_out.startswith("\ufeff")
    written = list(csv.reader(io.StringIO(text_out.lstrip("\ufeff"))))
    # "-1" is only a number: a spreadsheet reads it as -1 and runs nothing, so it is not guarded.
    guarded = ['\'=HYPERLINK("http://x")', "'+44 1234", "-1", "'@SUM(A1)", "'\tx", "'\rx", "plain"]
    assert written[1] == guarded
    assert written[2] == ["-12.50", "-5", "-0.5", "2026-04-01", "Yes", "", "Zoë £"]

    # Reading the export back undoes the guard.
    spec = RowSpec([Column(name, text(), required=False) for name in "abcdefg"])
    result = read_rows(text_out.encode(), spec, filename="x.csv")
    assert result.rows[0] == {
        "a": '=HYPERLINK("http://x")',
        "b": "+44 1234",
        "c": "-1",
        "d": "@SUM(A1)",
        "e": "x",  # a tab or CR is whitespace to the reader, which strips cells
        "f": "x",
        "g": "plain",
    }


def test_text_starting_like_a_formula_is_guarded_unless_it_is_only_a_number() -> None:
    # OWASP CSV injection: = + - @ tab CR start a formula; a bare number cannot run anything.
    assert [
        spreadsheet_text(v) for v in ["-12.34", "+5", "-0", "12", "-2+3", "-1+cmd|' /C calc'!A0", "-", "--1"]
    ] == ["-12.34", "+5", "-0", "12", "'-2+3", "'-1+cmd|' /C calc'!A0", "'-", "'--1"]


def test_a_csv_writer_of_its_own_layout_guards_every_cell() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", "amount"])
    writer.writerows([['=HYPERLINK("http://x","y")', "-12.34"], ["Ann", Decimal("-0.50")]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "amount"],
        ['\'=HYPERLINK("http://x","y")', "-12.34"],
        ["Ann", "-0.50"],
    ]


def test_an_xlsx_export_keeps_a_formula_like_name_as_text_and_a_negative_amount_a_number() -> None:
    buffer = io.BytesIO()
    write_xlsx(
        [['=HYPERLINK("http://x","y")', "+44 1234", "@SUM(A1)", Decimal("-12.34"), -5]],
        ["name", "phone", "note", "amount", "count"],
        buffer,
    )
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = [sheet.cell(row=2, column=n) for n in range(1, 6)]
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://x","y")', "s"),
        ("+44 1234", "s"),
        ("@SUM(A1)", "s"),
        (-12.34, "n"),
        (-5, "n"),
    ]


def test_a_formula_cell_in_an_upload_is_named_not_read_as_blank() -> None:
    data = xlsx_bytes(["payroll_number", "salary"], ["A1", 100], ["A2", 200], ["A3", "=SUM(B2:B3)"])
    spec = RowSpec([Column("payroll_number", text()), Column("salary", decimal(places=2))])
    result = read_rows(data, spec, filename="pay.xlsx")
    assert result.errors == [
        RowError(4, "salary", "A formula (=SUM(B2:B3)) is not accepted: enter the value", "=SUM(B2:B3)")
    ]
    # Text that only looks like a formula (as joinedup's own exports store it) is still text.
    buffer = io.BytesIO()
    write_xlsx([["=SUM(B2:B3)"]], ["payroll_number"], buffer)
    again = read_rows(buffer.getvalue(), RowSpec([Column("payroll_number", text())]), filename="x.xlsx")
    assert again.ok and again.rows == [{"payroll_number": "=SUM(B2:B3)"}]


def test_error_reports() -> None:
    errors = [
        RowError(FILE_ROW, "", "The file is empty"),
        RowError(HEADER_ROW, "salary", "The file has no salary column"),
        RowError(7, "ni_number", "Duplicate", "=cmd|' /C calc'!A0"),
    ]
    report = errors_as_csv(errors)
    assert report.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(report.lstrip("\ufeff")))) == [
        ["row", "column", "value", "reason"],
        ["0", "", "", "The file is empty"],
        ["1", "salary", "", "The file has no salary column"],
        ["7", "ni_number", "'=cmd|' /C calc'!A0", "Duplicate"],  # a bad value is never a live formula
    ]
    assert format_errors(errors) == (
        "File: The file is empty\n"
        "Header, salary: The file has no salary column\n"
        "Row 7, ni_number: Duplicate (value: \"=cmd|' /C calc'!A0\")"
    )
    assert format_errors(errors, limit=1) == "File: The file is empty\n... and 2 more errors"


# --- templates ---------------------------------------------------------------------------------------


def test_templates_hold_the_headers_and_an_example_row() -> None:
    csv_template = template(PEOPLE, "csv")
    assert csv_template.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(csv_template.decode("utf-8-sig"))))
    assert lines == [PEOPLE.names, [column.example for column in PEOPLE.columns]]

    sheet = load_workbook(io.BytesIO(template(PEOPLE, "xlsx"))).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == PEOPLE.names
    assert values[1][:5] == ["AB123456C", "Amelia", "1990-05-17", "31250.00", "perm"]
    assert sheet["A1"].comment is not None and "As on the payslip. Required." in sheet["A1"].comment.text

    # The examples are themselves valid: a filled-in template imports.
    for fmt in ("csv", "xlsx"):
        result = read_rows(template(PEOPLE, fmt), PEOPLE, filename=f"t.{fmt}")
        assert result.ok, format_errors(result.errors)

    with pytest.raises(ValueError, match="Unknown template format"):
        template(PEOPLE, "ods")


# --- parsers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "value"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("£1,234.50", Decimal("1234.50")),
        ("-£5", Decimal("-5.00")),
        ("£-5", Decimal("-5.00")),
        ("+5", Decimal("5.00")),
        (".5", Decimal("0.50")),
        ("5.", Decimal("5.00")),
        ("-0.00", Decimal("0.00")),
        (" 7 ", Decimal("7.00")),
        ("0001", Decimal("1.00")),
    ],
)
def test_decimal_reads_money_as_people_write_it(entered: str, value: Decimal) -> None:
    parsed = decimal(places=2)(entered)
    assert parsed == value and str(parsed) == str(value)


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("1e5", "Enter a number"),
        ("NaN", "Enter a number"),
        ("Infinity", "Enter a number"),
        ("1_000", "Enter a number"),
        ("12,34.00", "Enter a number"),
        ("1 234", "Enter a number"),
        ("+-5", "Enter a number"),
        ("£", "Enter a number"),
        ("\u0661\u0662", "Enter a number"),  # Arabic-Indic digits: not ASCII
        ("1234567890123456", "too large"),
        ("", "Enter a value"),
    ],
)
def test_decimal_refusals(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decimal(places=2)(entered)


def test_decimal_and_integer_bounds() -> None:
    fte = decimal(places=4, min=0, max=1)
    assert fte("0.6") == Decimal("0.6000")
    with pytest.raises(ValueError, match="Must be 1 or less"):
        fte("1.0001")
    with pytest.raises(ValueError, match="Has 5 decimal places; at most 4"):
        fte("0.12345")
    with pytest.raises(ValueError, match="no decimal places are allowed"):
        decimal(places=0)("1.5")
    hours = integer(min=0, max=48)
    assert hours("37") == 37 and hours("12.0") == 12 and integer()("1,234") == 1234
    assert integer()("-3") == -3
    refusals = [("12.5", "whole number"), ("49", "48 or less"), ("-1", "0 or more"), ("x", "whole number")]
    for bad, reason in refusals:
        with pytest.raises(ValueError, match=reason):
            hours(bad)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_reads_back_what_it_writes_in_every_style(value: Decimal) -> None:
    parse = decimal(places=2)
    sign = "-" if value < 0 else ""
    for written in [str(value), f"{value:,.2f}", f"{sign}£{abs(value):,.2f}", format(value, "f")]:
        assert parse(written) == value


@pytest.mark.parametrize(
    ("entered", "value"),
    [
        ("2026-04-01", date(2026, 4, 1)),
        ("01/04/2026", date(2026, 4, 1)),  # UK: day first
        ("1/4/2026", date(2026, 4, 1)),
        ("1.4.2026", date(2026, 4, 1)),
        ("01-04-2026", date(2026, 4, 1)),
        ("2026-4-1", date(2026, 4, 1)),
        ("1 Apr 2026", date(2026, 4, 1)),
        ("1 April 2026", date(2026, 4, 1)),
        ("01-Sept-2026", date(2026, 9, 1)),
        ("2026-04-01 00:00:00", date(2026, 4, 1)),
        (" 2026-04-01 ", date(2026, 4, 1)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_iso_date_reads_iso_and_uk_dates(entered: str, value: date) -> None:
    assert iso_date()(entered) == value


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("04/13/2026", "13 is not a month \\(the date is read as day/month/year, UK order\\)"),  # US
        ("2026-13-04", "13 is not a month \\(the date is read as year-month-day\\)"),
        ("31/04/2026", "The month has no day 31"),
        ("29/02/2026", "The month has no day 29"),
        ("01/04/26", "Write the year with 4 digits"),  # never guessed
        ("2026/04/01", "Enter a date like 2026-04-01 or 01/04/2026"),
        ("46113", "looks like a date number"),  # an Excel serial in a text cell
        ("2026-04-01 09:30", "without a time"),
        ("1 Foo 2026", "Enter a date like"),
        ("next tuesday", "Enter a date like"),
        ("", "Enter a value"),
    ],
)
def test_iso_date_refuses_ambiguous_or_impossible_dates(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        iso_date()(entered)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_date_reads_every_date_in_both_orders(value: date) -> None:
    parse = iso_date()
    assert parse(value.isoformat()) == value
    assert parse(value.strftime("%d/%m/") + f"{value.year:04d}") == value


def test_small_parsers() -> None:
    spellings = ["Yes", "y", "TRUE", "1", "no", "N", "false", "0"]
    assert [boolean()(v) for v in spellings] == [True] * 4 + [False] * 4
    with pytest.raises(ValueError, match="Enter yes or no"):
        boolean()("maybe")

    class Contract(TextChoices):
        PERMANENT = "permanent", "Permanent"
        FIXED_TERM = "fixed_term", "Fixed term"

    for contract in [choice(["permanent", "fixed_term"]), choice(Contract)]:
        assert contract("PERMANENT") == "permanent"
        with pytest.raises(ValueError, match="Choose one of: permanent, fixed_term"):
            contract("temp")
    by_label = choice({**{c.label: c.value for c in Contract}, **{c.value: c.value for c in Contract}})
    assert by_label("fixed term") == by_label("Fixed_Term") == "fixed_term"

    assert text(max_length=5)("  abc  ") == "abc"
    with pytest.raises(ValueError, match="5 characters or fewer \\(this has 6\\)"):
        text(max_length=5)("abcdef")

    dates = list_of(iso_date())
    assert dates("2026-04-01; 02/04/2026;") == (date(2026, 4, 1), date(2026, 4, 2))
    with pytest.raises(ValueError, match="Item 2 \\(2026-02-30\\): The month has no day 30"):
        dates("2026-04-01;2026-02-30")

    cost_centre = regex(r"[A-Z]{2}[0-9]{4}", "Enter a cost centre like AB1234")
    assert cost_centre(" AB1234 ") == "AB1234"
    with pytest.raises(ValueError, match="like AB1234"):
        cost_centre("AB12345")
