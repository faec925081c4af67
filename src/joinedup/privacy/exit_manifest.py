"""How a partner's exit export writes its values and describes itself. Pure: no database.

Each table is one CSV file (UTF-8, RFC 4180 quoting, a header row of column names, rows in
primary-key order). A value is written so that it reads back exactly:

- NULL is ``\\N`` (PostgreSQL's COPY convention); a text value that starts with a backslash
  is written with one more backslash in front, so ``\\N`` as text is ``\\\\N``;
- booleans ``true``/``false``; integers in decimal; Decimals as plain text (``1234.50``, never
  an exponent), so no figure passes through a float;
- datetimes ISO 8601 in UTC with microseconds (``2026-04-06T00:00:00.000000+00:00``), dates
  and times ISO 8601, durations as whole microseconds;
- binary columns (and ciphertext stored as bytes) base64; JSON as canonical JSON (sorted keys).

The manifest (``manifest.json``) names the format version, the partner, when it was written,
each app's applied migrations, and per table its file, columns, row count and SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NULL = "\\N"

# Django's internal field types, as the codec treats them.
BINARY = {"BinaryField"}
JSON = {"JSONField"}
BOOLEAN = {"BooleanField", "NullBooleanField"}
DECIMAL = {"DecimalField"}
DATETIME = {"DateTimeField"}
DATE = {"DateField"}
TIME = {"TimeField"}
DURATION = {"DurationField"}
FLOAT = {"FloatField"}
INTEGER = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
    "OneToOneField",
}


def render(kind: str, value: Any) -> str:
    """One cell's text for a value of Django internal type ``kind``."""
    if value is None:
        return NULL
    if kind in JSON:
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool) or kind in BOOLEAN:
        return "true" if value else "false"
    if isinstance(value, memoryview | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("A naive datetime cannot be exported: every datetime is stored in UTC.")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value // timedelta(microseconds=1))
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return "\\" + text if text.startswith("\\") else text


def parse(kind: str, text: str) -> Any:
    """The value ``render`` wrote as ``text``."""
    if text == NULL:
        return None
    if kind in JSON:
        return json.loads(text)
    if kind in BOOLEAN:
        return {"true": True, "false": False}[text]
    if kind in BINARY:
        return base64.b64decode(text)
    if kind in DECIMAL:
        return Decimal(text)
    if kind in DATETIME:
        return datetime.fromisoformat(text)
    if kind in DATE:
        return date.fromisoformat(text)
    if kind in TIME:
        return time.fromisoformat(text)
    if kind in DURATION:
        return timedelta(microseconds=int(text))
    if kind in FLOAT:
        return float(text)
    if kind in INTEGER:
        return int(text)
    return text[1:] if text.startswith("\\") else text


@dataclass
class TableEntry:
    model: str  # "people.Employment"
    table: str  # its database table
    section: str  # "owned", "shared" or "audit"
    file: str
    columns: list[str]
    types: list[str]
    rows: int
    sha256: str


@dataclass
class Manifest:
    format_version: int
    partner: dict[str, Any]
    exported_at: str
    migrations: dict[str, list[str]]
    tables: list[TableEntry] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False) + "\n"

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"Export format version {data.get('format_version')!r}; this joinedup reads {FORMAT_VERSION}."
            )
        if not isinstance(data, dict) or not isinstance(data.get("tables"), list):
            raise ValueError("The manifest is not an export's manifest: it names no tables.")
        try:
            tables = [_table_entry(entry) for entry in data.pop("tables")]
            manifest = cls(tables=tables, **data)
        except TypeError as exc:
            raise ValueError(f"The manifest is malformed: {exc}") from exc
        if not isinstance(manifest.partner, dict) or not isinstance(manifest.migrations, dict):
            raise ValueError("The manifest is malformed: its partner and migrations must be objects.")
        return manifest

    def checksums(self) -> dict[str, str]:
        return {entry.model: entry.sha256 for entry in self.tables}


_ENTRY_TYPES = {
    "model": str,
    "table": str,
    "section": str,
    "file": str,
    "columns": list,
    "types": list,
    "rows": int,
    "sha256": str,
}


def _table_entry(entry: Any) -> TableEntry:
    """A manifest's table entry, its fields of the types an export writes, and its file inside
    the export's folder: a manifest that names ``../../etc/passwd`` is refused, not read."""
    if not isinstance(entry, dict) or set(entry) != set(_ENTRY_TYPES):
        raise ValueError(
            f"The manifest is malformed: a table entry must have exactly {', '.join(_ENTRY_TYPES)}."
        )
    for name, kind in _ENTRY_TYPES.items():
        value = entry[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"The manifest is malformed: a table's {name} must be a {kind.__name__}.")
    if not all(isinstance(item, str) for item in entry["columns"] + entry["types"]):
        raise ValueError("The manifest is malformed: a table's columns and types must be text.")
    file = PurePosixPath(entry["file"])
    if file.is_absolute() or ".." in file.parts or "\\" in entry["file"] or not file.parts:
        raise ValueError(f"The manifest names a file outside the export: {entry['file']!r}.")
    return TableEntry(**entry)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
