"""Writing lists as CSV and XLSX for download, and the empty upload templates.

CSV is UTF-8 with a byte-order mark, so Excel shows accents and the pound sign right.

Spreadsheet injection (OWASP "CSV injection") is stopped here, for every export: each CSV cell
goes through :func:`spreadsheet_text`, whether written by :func:`write_csv` or by a
:func:`csv_writer` (for CSVs with a layout of their own: the payroll journal, P60 summaries, the
audit trail). Text that a spreadsheet would run as a formula (starting = + - @, tab or carriage
return) gets a leading apostrophe, so ``=HYPERLINK("http://x","y")`` shows as text. Numbers are
not text: ints and Decimals are written as they are, and a string that is only a number
(``-12.34``, as the P60 summary writes a refund) is left alone too, because a spreadsheet reads
it as that number and can run nothing from it; ``-2+3`` is not only a number and is prefixed.
In XLSX a text cell is stored as text (type "s"), which a spreadsheet never evaluates, so no
apostrophe is needed (it would show); numbers are numeric cells, -12.34 included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any, Protocol

from django.utils import timezone

from joinedup.core.tabular.reading import RowError, RowSpec

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["csv_writer", "errors_as_csv", "spreadsheet_text", "template", "write_csv", "write_xlsx"]

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ONLY_A_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...


def _local(value: datetime) -> datetime:
    """Aware datetimes in the site's time zone, without tzinfo (spreadsheets have none)."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def spreadsheet_text(value: str) -> str:
    """Text as a spreadsheet will show it and never run it: a leading apostrophe on text that
    starts like a formula, unless the text is only a number."""
    if value.startswith(_FORMULA_STARTS) and not _ONLY_A_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return _csv_cell(str(value))


class _SafeWriter:
    def __init__(self, stream: TextSink, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: TextSink, **options: Any) -> _SafeWriter:
    """A ``csv.writer`` whose every cell is written as :func:`write_csv` writes it (formulas
    neutralised, Decimals exact, dates ISO): for CSVs with a layout of their own. No BOM."""
    return _SafeWriter(stream, **options)


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str], stream: TextSink) -> None:
    """Write a header and rows to a text stream (open files with ``newline=""``).

    Dates are ISO (2026-04-01), datetimes local time to the second, booleans Yes/No, Decimals
    exactly as they are.
    """
    stream.write(BOM)
    writer = csv_writer(stream)
    writer.writerow(header)
    writer.writerows(rows)


# --- XLSX ---------------------------------------------------------------------------------------

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_SAMPLE_ROWS = 200  # rows looked at to size the columns before streaming the rest
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_EXCEL_EXACT_INT = 10**15  # Excel keeps 15 significant digits; longer integers go as text


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_BAD.sub("-", title).strip("'")[:31] or "Sheet1"


def _decimal_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return "#,##0." + "0" * places


def _shown_width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


class _XlsxCells:
    """Turns Python values into what a write-only sheet takes, with number formats."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.sheet = sheet
        self.cell = WriteOnlyCell
        self.illegal = ILLEGAL_CHARACTERS_RE

    def formatted(self, value: Any, number_format: str) -> Any:
        cell = self.cell(self.sheet, value=value)
        cell.number_format = number_format
        return cell

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | float):
            return value
        if isinstance(value, str):
            value = self.illegal.sub("", value)
            if value.startswith("="):
                cell = self.cell(self.sheet, value=value)
                cell.data_type = "s"  # text, not a formula
                return cell
            return value
        if isinstance(value, int):
            return value if abs(value) < _EXCEL_EXACT_INT else str(value)
        if isinstance(value, Decimal):
            return self.formatted(value, _decimal_format(value))
        if isinstance(value, datetime):
            return self.formatted(_local(value), DATETIME_FORMAT)
        if isinstance(value, date):
            return self.formatted(value, DATE_FORMAT)
        if isinstance(value, time):
            return self.formatted(value, "hh:mm:ss")
        return self(str(value))


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    header: Sequence[str],
    stream: IO[bytes],
    sheet_title: str = "Sheet1",
    *,
    notes: Sequence[str] | None = None,
) -> None:
    """Write one sheet in openpyxl's streaming (write-only) mode: a bold, frozen header row,
    dates as dates (dd/mm/yyyy), Decimals as numbers with at least 2 decimal places shown, and
    column widths from the header and the first rows. ``notes`` become comments on the header
    cells (for templates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(sheet_title))
    to_cell = _XlsxCells(sheet)
    remaining = iter(rows)
    sample = list(islice(remaining, _SAMPLE_ROWS))

    for index, name in enumerate(header):
        widest = max([len(str(name)) + 2, *(_shown_width(row[index]) for row in sample if index < len(row))])
        width = min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    heading = []
    for index, name in enumerate(header):
        cell = WriteOnlyCell(sheet, value=to_cell.illegal.sub("", str(name)))
        cell.data_type = "s"  # a heading is text, even one starting with "="
        cell.font = bold
        if notes and index < len(notes) and notes[index]:
            cell.comment = Comment(notes[index], "joinedup")
        heading.append(cell)
    sheet.append(heading)
    for row in chain(sample, remaining):
        sheet.append([to_cell(value) for value in row])
    book.save(stream)


# --- templates ----------------------------------------------------------------------------------


def template(spec: RowSpec, fmt: str) -> bytes:
    """An upload template: the header row and a row of each column's ``example``. In XLSX each
    header cell carries the column's ``help`` (and whether it is required) as a comment.
    ``fmt`` is "csv" or "xlsx"; anything else is a ValueError."""
    header = [column.name for column in spec.columns]
    example = [column.example for column in spec.columns]
    if fmt == "csv":
        out = io.StringIO()
        write_csv([example], header, out)
        return out.getvalue().encode("utf-8")
    if fmt == "xlsx":
        notes = [
            " ".join(filter(None, [column.help, "Required." if column.required else "Optional."]))
            for column in spec.columns
        ]
        buffer = io.BytesIO()
        write_xlsx([example], header, buffer, "Template", notes=notes)
        return buffer.getvalue()
    raise ValueError(f"Unknown template format {fmt!r}: use 'csv' or 'xlsx'")


def errors_as_csv(errors: Iterable[RowError]) -> str:
    """A report to download: columns row, column, value, reason (with a BOM, for Excel)."""
    out = io.StringIO()
    write_csv(
        ([error.row, error.column, error.value, error.reason] for error in errors),
        ["row", "column", "value", "reason"],
        out,
    )
    return out.getvalue()
