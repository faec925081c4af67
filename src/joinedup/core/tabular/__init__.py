"""Reading and writing the spreadsheets people upload and download: CSV and XLSX.

Uploads are checked against a :class:`RowSpec` of :class:`Column` s, each with a parser from
:mod:`.parsers` (or :mod:`joinedup.core.validators`). :func:`read_rows` reports every bad cell
of the file at once, as :class:`RowError` s with the row number Excel shows, so that an import
can be all-or-nothing and still tell the person everything to fix. Downloads go through
:func:`write_csv` and :func:`write_xlsx`; :func:`template` makes the empty upload template.

    SPEC = RowSpec([
        Column("ni_number", validators.ni_number, example="QQ123456C"),
        Column("date_of_birth", iso_date(), example="1990-05-17"),
        Column("salary", decimal(places=2, min=0), example="31250.00"),
        Column("notes", text(max_length=200), required=False, default=""),
    ])
    result = read_rows(upload, SPEC, filename=upload.name)
    for number, row in result.numbered():
        ...  # cross-row checks: result.add_error(number, "ni_number", "Also on row 7", row.get("ni_number"))
    if not result.ok:
        return errors_as_csv(result.errors)
"""

from joinedup.core.tabular.parsers import boolean, choice, decimal, integer, iso_date, list_of, regex, text
from joinedup.core.tabular.reading import (
    FILE_ROW,
    HEADER_ROW,
    Column,
    ParseResult,
    RowError,
    RowSpec,
    decode_text,
    format_errors,
    header_key,
    read_rows,
)
from joinedup.core.tabular.writing import (
    csv_writer,
    errors_as_csv,
    spreadsheet_text,
    template,
    write_csv,
    write_xlsx,
)

__all__ = [
    "FILE_ROW",
    "HEADER_ROW",
    "Column",
    "ParseResult",
    "RowError",
    "RowSpec",
    "boolean",
    "choice",
    "csv_writer",
    "decimal",
    "decode_text",
    "errors_as_csv",
    "format_errors",
    "header_key",
    "integer",
    "iso_date",
    "list_of",
    "read_rows",
    "regex",
    "spreadsheet_text",
    "template",
    "text",
    "write_csv",
    "write_xlsx",
]
