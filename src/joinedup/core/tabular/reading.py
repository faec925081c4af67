"""Reading an uploaded CSV or XLSX file against a :class:`RowSpec`, collecting every error.

Row numbers are the spreadsheet's: the header is row 1 and the first data row is row 2, so a
person can go straight to the row in Excel. A wholly blank row is skipped but still counted.
Errors about the file as a whole are on row 0 (:data:`FILE_ROW`); errors about its header,
such as a missing or repeated column, are on row 1 (:data:`HEADER_ROW`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

FILE_ROW = 0
HEADER_ROW = 1

# An .xlsx file is a zip; refuse one whose contents would unpack to more than this (a "zip bomb").
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024

__all__ = [
    "FILE_ROW",
    "HEADER_ROW",
    "Column",
    "ParseResult",
    "RowError",
    "RowSpec",
    "decode_text",
    "format_errors",
    "header_key",
    "read_rows",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an upload. ``parse`` turns the cell's text into a value or raises
    ``ValueError`` with a reason. A blank cell in a ``required`` column is an error; in an
    optional one it takes ``default`` (keep it immutable: every row shares it), as does every
    row when an optional column is missing from the file. ``help`` and ``example`` go into the
    downloadable template."""

    name: str
    parse: Callable[[str], Any]
    required: bool = True
    default: Any = None
    help: str = ""
    example: str = ""


_KEY_GAPS = re.compile(r"[\s_]+")


def header_key(text: str) -> str:
    """How headers are matched: case, surrounding spaces and space/underscore differences do
    not count, so 'Date of birth', 'date_of_birth' and ' DATE  OF_BIRTH ' are one column."""
    return _KEY_GAPS.sub("_", text.replace("\ufeff", "").strip().casefold())


@dataclass(frozen=True)
class RowSpec:
    """The columns an upload must or may have. With ``allow_extra`` false, a column the spec
    does not name is an error; otherwise it is ignored."""

    columns: Sequence[Column]
    allow_extra: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        keys = [header_key(column.name) for column in self.columns]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"RowSpec names these columns twice: {', '.join(repeated)}")

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: the spreadsheet row (0 the file, 1 the header), the column's name in the
    spec, the reason in plain English, and the cell's text as it was in the file."""

    row: int
    column: str
    reason: str
    value: str = ""


@dataclass
class ParseResult:
    """Every non-blank data row, its spreadsheet row number, and every error, sorted by row and
    then by the column's place in the file.

    ``rows`` includes rows with errors; a cell that failed to parse is absent from its row's
    dict (so cross-row checks should use ``row.get(name)``). Import only when ``ok``.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    column_order: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def numbered(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, row) pairs, for messages like "also on row 7"."""
        return zip(self.row_numbers, self.rows, strict=True)

    def add_error(self, row: int, column: str, reason: str, value: Any = "") -> None:
        """Add an error found by a later check (e.g. a duplicate across rows), in its place."""
        error = RowError(row, column, reason, "" if value is None else str(value))
        position = len(self.errors)
        key = self._sort_key(error)
        while position and self._sort_key(self.errors[position - 1]) > key:
            position -= 1
        self.errors.insert(position, error)

    def _sort_key(self, error: RowError) -> tuple[int, int]:
        return error.row, self.column_order.get(error.column, len(self.column_order))


class _FileProblem(Exception):
    """The file cannot be read at all; the message is for the person who uploaded it."""


def read_rows(
    source: bytes | IO[bytes], spec: RowSpec, *, filename: str = "", max_rows: int | None = None
) -> ParseResult:
    """Read a CSV or XLSX upload (by the name's extension, else by content) against ``spec``.

    Never raises for anything wrong with the file: every problem is a :class:`RowError`. With
    ``max_rows``, a file with more data rows than that is refused (on row 0) after reading that
    many.
    """
    data = bytes(source) if isinstance(source, bytes | bytearray | memoryview) else source.read()
    result = ParseResult()
    try:
        records, from_csv = _open(data, filename)
        try:
            _read(records, from_csv, spec, result, max_rows)
        finally:
            records.close()  # an XLSX reader holds the workbook open until then
    except _FileProblem as problem:
        result.errors.append(RowError(FILE_ROW, "", str(problem)))
    result.errors.sort(key=result._sort_key)
    return result


def _read(
    records: Iterator[list[str]], from_csv: bool, spec: RowSpec, result: ParseResult, max_rows: int | None
) -> None:
    header = next(records, None)
    if header is None:
        raise _FileProblem("The file is empty: it needs a header row of column names, then the data")
    plan, defaults = _plan(header, spec, result)
    width = len(header)
    rows, numbers, errors = result.rows, result.row_numbers, result.errors
    line = HEADER_ROW
    for record in records:
        line += 1
        joined = "".join(record)
        if not joined or joined.isspace():
            continue
        if max_rows is not None and len(rows) >= max_rows:
            raise _FileProblem(f"The file has more than {max_rows:,} rows; split it into smaller files")
        if from_csv and "'" in joined:
            record = [_unquote(cell) for cell in record]
        if len(record) < width:
            record = record + [""] * (width - len(record))
        row = dict(defaults)
        for index, name, parse, required, default in plan:
            if isinstance(record[index], Formula):
                formula = str(record[index])
                errors.append(
                    RowError(line, name, f"A formula ({formula}) is not accepted: enter the value", formula)
                )
                continue
            raw = record[index].strip()
            if raw:
                try:
                    row[name] = parse(raw)
                except ValueError as exc:
                    errors.append(RowError(line, name, str(exc), raw))
            elif required:
                errors.append(RowError(line, name, "Required, but blank"))
            else:
                row[name] = default
        rows.append(row)
        numbers.append(line)
    if not rows and not errors:
        raise _FileProblem("The file has a header row but no data rows")


_Step = tuple[int, str, Callable[[str], Any], bool, Any]


def _plan(header: list[str], spec: RowSpec, result: ParseResult) -> tuple[list[_Step], list[tuple[str, Any]]]:
    """Match the header to the spec: what to read from which cell, and the defaults of optional
    columns the file lacks. Header problems go into ``result`` on row 1."""
    if not "".join(header).strip():
        raise _FileProblem("The first row is blank: it must hold the column names")
    by_key = {header_key(column.name): column for column in spec.columns}
    found: dict[str, list[int]] = {}
    for index, text in enumerate(header):
        if key := header_key(text):
            found.setdefault(key, []).append(index)

    order = result.column_order
    plan: list[_Step] = []
    for key, indexes in found.items():
        column = by_key.get(key)
        written = header[indexes[0]].strip()
        if column is None:
            order.setdefault(written, indexes[0])
            if not spec.allow_extra:
                expected = ", ".join(spec.names)
                result.errors.append(
                    RowError(HEADER_ROW, written, f"Unknown column; the columns are: {expected}", written)
                )
            continue
        order[column.name] = indexes[0]
        if len(indexes) > 1:
            letters = " and ".join(column_letter(index) for index in indexes)
            reason = f"The column is in the file more than once (columns {letters})"
            result.errors.append(RowError(HEADER_ROW, column.name, reason, written))
            continue
        plan.append((indexes[0], column.name, column.parse, column.required, column.default))

    defaults: list[tuple[str, Any]] = []
    for position, column in enumerate(spec.columns):
        if header_key(column.name) in found:
            continue
        order[column.name] = len(header) + position
        if column.required:
            result.errors.append(RowError(HEADER_ROW, column.name, f"The file has no {column.name} column"))
        else:
            defaults.append((column.name, column.default))
    plan.sort(key=lambda step: step[0])
    return plan, defaults


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA': the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- sources -----------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx


def _open(data: bytes, filename: str) -> tuple[Generator[list[str]], bool]:
    """(records, whether the file is CSV): the records are lists of cell texts, header first."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_OLE_MAGIC) or extension == "xls":
        raise _FileProblem(
            "This is an old-style .xls workbook or a password-protected one: "
            "save it as an Excel Workbook (.xlsx) without a password, or as CSV UTF-8"
        )
    if extension in ("xlsx", "xlsm") or data.startswith(_ZIP_MAGIC):
        return _xlsx_records(data), False
    return _csv_records(_decode(data)), True


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"


def decode_text(data: bytes) -> str:
    """The text of an uploaded CSV file, decoded as :func:`read_rows` decodes it (UTF-8 with or
    without a BOM, else Windows-1252): for readers of their own. ``ValueError`` with the reason,
    for the person who uploaded it, when it is neither."""
    try:
        return _decode(data)
    except _FileProblem as problem:
        raise ValueError(str(problem)) from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252 (Excel's plain 'CSV')."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _FileProblem(f"The file is UTF-16 text (Excel's 'Unicode Text'): {_SAVE_AS_UTF8}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    line = data.count(b"\n", 0, utf8_error.start) + 1
    if _UTF8_SEQUENCE.search(data):
        # Mostly UTF-8 with a stray byte: reading it as Windows-1252 would garble every accent.
        raise _FileProblem(f"Line {line} has a character that is not valid UTF-8: {_SAVE_AS_UTF8}")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _FileProblem(
            f"Line {line} has a character that is neither UTF-8 nor Windows text: {_SAVE_AS_UTF8}"
        ) from None


def _csv_records(text: str) -> Generator[list[str]]:
    """Rows of comma-separated text; a header with no comma but semicolons (Excel in some
    European locales) or tabs ("Text (Tab delimited)") says which separator the file uses."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _FileProblem(f"Line {line} contains a NUL character: this does not look like a CSV file")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise _FileProblem(f"Line {reader.line_num} cannot be read as CSV ({exc})") from None


_CSV_GUARDED = frozenset("=+-@\t\r")


def _unquote(cell: str) -> str:
    """Undo :func:`write_csv`'s guard against formulas: "'=A1" was written for "=A1"."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _CSV_GUARDED and len(cell) > 1 else cell


def _xlsx_records(data: bytes) -> Generator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise _FileProblem("The file is not a readable Excel workbook (.xlsx)") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _FileProblem("The workbook is too large to read; split it or save it as CSV")
    try:
        # Formulas as written (not the value Excel last cached, which a tool may not have stored):
        # a formula cell is refused by name rather than read as blank or as a stale value.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise _FileProblem("The file is not a readable Excel workbook (.xlsx)") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if not isinstance(sheet, ReadOnlyWorksheet):
        book.close()
        raise _FileProblem("The workbook's first sheet is not a worksheet of cells")
    # The size a workbook declares for a sheet may be wrong (some tools write "A1"): ignore it.
    sheet.reset_dimensions()
    return _sheet_records(book.close, sheet.iter_rows())


class Formula(str):
    """The text of a formula cell (``=SUM(A1:A2)``), which an import does not accept."""


def _sheet_records(close: Callable[[], None], cells: Iterable[Sequence[Any]]) -> Generator[list[str]]:
    try:
        for row in cells:
            yield [
                Formula(getattr(cell.value, "text", None) or cell.value)
                if cell.data_type == "f"
                else _cell_text(cell.value)
                for cell in row
            ]
    except Exception:
        raise _FileProblem("Part of the workbook is damaged and cannot be read") from None
    finally:
        close()


def _cell_text(value: object) -> str:
    """A cell's value as the text a parser reads. Numbers are written out exactly as the float
    Excel stored (no rounding, no exponent), so a parser can refuse excess precision; date
    cells become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that reads back as the same float: what Excel stored.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- error reports -----------------------------------------------------------------------------


def format_errors(errors: Sequence[RowError], limit: int | None = None) -> str:
    """One line per error, for the command line; with ``limit``, the first that many and a count
    of the rest."""
    shown = errors if limit is None else errors[:limit]
    lines = []
    for error in shown:
        if error.row == FILE_ROW:
            where = "File"
        elif error.row == HEADER_ROW:
            where = f"Header, {error.column}"
        else:
            where = f"Row {error.row}, {error.column}"
        lines.append(f"{where}: {error.reason}" + (f" (value: {error.value!r})" if error.value else ""))
    if len(errors) > len(shown):
        hidden = len(errors) - len(shown)
        lines.append(f"... and {hidden} more error{'s' if hidden != 1 else ''}")
    return "\n".join(lines)
