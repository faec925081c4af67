"""A partner's exit: the export of everything it owns, its verification, re-import, and erasure.

**What the partner owns** is read from the models, not from a list kept by hand: every model
with a ``partner`` foreign key to :class:`Partner` (the guarded models of core/tenancy.py, plus
the partner's memberships and its audit chain head). A new partner-owned model is therefore in
the export, the import and the erasure without anyone remembering it; a guarded model *without*
a ``partner`` column must be named in :data:`SHARED_GUARDED` with a reason, or the export
refuses to run (:func:`check_registry`, and a test).

**Shared rows** the partner's rows refer to (people, users, pay scales, suppliers, categories,
the partner row itself…) are exported in a section of their own, found by following every
foreign key from the owned rows, then from those shared rows, until nothing new is found, so the
export stands alone. Users' password hashes are not exported (:data:`REDACTED`).

**The audit chain is per partner** (audit/models.py): the partner's events form a complete
chain from the genesis hash, so the export carries all of them and the chain head, and
:func:`verify_export` recomputes every hash from the CSV without the platform. Export, import
and erasure are themselves recorded in the *global* chain (the body's own record), so that
exporting does not change what is exported.

Each table is read in its own transaction, in primary-key order with ``iterator(chunk_size)``,
in a named system context (row-level security shows every partner's rows to it; the filter is
the partner column). The partner is leaving and its work has stopped, so per-table consistency
is enough; the manifest's row counts and checksums say exactly what was written.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from joinedup.audit.chain import CHANGED, GENESIS_HASH, Redactions, check_event
from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.tenancy import PartnerScopedManager
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Employment, Person, ProtectedCharacteristics
from joinedup.privacy.exit_manifest import (
    BOOLEAN,
    FORMAT_VERSION,
    INTEGER,
    MANIFEST,
    NULL,
    Manifest,
    TableEntry,
    parse,
    render,
    sha256_of,
)

PERMISSION = "privacy.partner_exit"
EXPORT_REASON = "partner exit: export the rows of the exiting partner and the shared rows they use"
IMPORT_REASON = "partner exit: import a partner's exit export"
ERASE_REASON = "partner exit: erase the exiting partner's rows"
RULES = Path(__file__).parent / "rules" / "exit_retained.toml"

# Guarded models with no ``partner`` column, and why the exit treats them as it does.
SHARED_GUARDED = {
    "people.Person": "a person belongs to no partner (seen through employments): exported as shared",
    "people.ProtectedCharacteristics": (
        "the person's own equality answers, not the partner's record: given to the person by a "
        "subject-access request, not to a partner; erased with a person no partner employs"
    ),
}
# Columns never exported: a password hash is a credential, not the partner's data. An import
# gives the user an unusable password (Django's "!" prefix); they set one by a reset.
REDACTED = {"partnership.User": {"password": "!exported-without-password"}}
AUDIT_MODELS = {"audit.AuditEvent", "audit.AuditChainHead"}
ID_CHUNK = 500


class ExitError(RuntimeError):
    """The export, import or erasure cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Progress:
    model: str
    rows: int
    tables_done: int
    tables_total: int


ProgressFn = Callable[[Progress], None]


# --- What the partner owns ---------------------------------------------------------------------


def _partner_field(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    try:
        found = model._meta.get_field("partner")
    except FieldDoesNotExist:
        return None
    if isinstance(found, models.ForeignKey) and found.related_model is Partner:
        return found
    return None


def owned_models() -> list[type[models.Model]]:
    """Every model whose rows carry the partner that owns them, by label."""
    found = [m for m in apps.get_models() if _partner_field(m) is not None]
    return sorted(found, key=lambda m: m._meta.label)


def check_registry() -> None:
    """Refuse a partner-owned table the exit would miss: a guarded model with no ``partner``
    column not named in SHARED_GUARDED, or a many-to-many table hanging from an owned model."""
    for model in rls.guarded_models():
        if _partner_field(model) is None and model._meta.label not in SHARED_GUARDED:
            raise ImproperlyConfigured(
                f"{model._meta.label} is partner-owned but has no partner column: give it one, or name "
                "it in privacy.exit.SHARED_GUARDED with what the exit does with it."
            )
    for model in owned_models():
        if model._meta.local_many_to_many:
            raise ImproperlyConfigured(
                f"{model._meta.label} has a many-to-many field: the exit export does not write its table."
            )


def _rows(model: type[models.Model], reason: str) -> models.QuerySet[Any]:
    manager = model._default_manager
    if isinstance(manager, PartnerScopedManager):
        return manager.unscoped(reason=reason)
    return model._base_manager.all()


def _owned_rows(model: type[models.Model], partner_id: int, reason: str) -> models.QuerySet[Any]:
    return _rows(model, reason).filter(partner_id=partner_id)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _kind(f: models.Field[Any, Any]) -> str:
    if isinstance(f, models.ForeignKey):
        return _kind(f.target_field)
    return f.get_internal_type()


def _foreign_keys(model: type[models.Model]) -> list[tuple[int, type[models.Model]]]:
    """(column position, target model) of each foreign key to a row of another table."""
    return [
        (i, f.related_model)
        for i, f in enumerate(_columns(model))
        if isinstance(f, models.ForeignKey) and isinstance(f.related_model, type)
    ]


def _render_row(
    model: type[models.Model], kinds: list[str], names: list[str], row: tuple[Any, ...]
) -> list[str]:
    redacted = REDACTED.get(model._meta.label, {})
    return [
        "" if name in redacted else render(kind, value)
        for kind, name, value in zip(kinds, names, row, strict=True)
    ]


def _text(value: Any) -> str:
    if type(value) is not str:
        return render("CharField", value)
    return "\\" + value if value.startswith("\\") else value


def _integer(value: Any) -> str:
    return str(value) if type(value) is int else render("IntegerField", value)


def _boolean(value: Any) -> str:
    return NULL if value is None else ("true" if value else "false")


def _redacted(_value: Any) -> str:
    return ""


# Renderers of the commonest kinds, each what ``render`` gives for the values a column of that
# kind holds, without its chain of type tests: at a million payslips a cell's Python is most of
# the export's time. Every other kind goes through ``render``.
_FAST = {
    **dict.fromkeys(INTEGER, _integer),
    **dict.fromkeys(("CharField", "TextField", "SlugField", "EmailField"), _text),
    **dict.fromkeys(BOOLEAN, _boolean),
}


def _row_renderer(
    model: type[models.Model], kinds: list[str], names: list[str]
) -> Callable[[tuple[Any, ...]], list[str]]:
    """A function giving what ``_render_row`` gives for a row of ``model``."""
    redacted = REDACTED.get(model._meta.label, {})
    cells: list[Callable[[Any], str]] = [
        _redacted if name in redacted else _FAST.get(kind) or partial(render, kind)
        for kind, name in zip(kinds, names, strict=True)
    ]

    def row_text(row: tuple[Any, ...]) -> list[str]:
        return [cell(value) for cell, value in zip(cells, row, strict=True)]

    return row_text


# --- Export -----------------------------------------------------------------------------------


def migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = defaultdict(list)
    for app, name in MigrationRecorder(connection).applied_migrations():
        state[app].append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def export_partner(
    *,
    actor: Any,
    partner: Partner,
    directory: Path,
    progress: ProgressFn | None = None,
    chunk_size: int = 2000,
) -> Manifest:
    """Write the partner's exit export into ``directory`` (empty or new) and return its manifest."""
    authorise(actor, PERMISSION, partner)
    check_registry()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ExitError(f"{directory} is not empty: an export is written into a new directory.")
    (directory / "owned").mkdir()
    (directory / "shared").mkdir()

    owned = owned_models()
    owned_labels = {m._meta.label for m in owned}
    referenced: dict[type[models.Model], set[Any]] = defaultdict(set)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        partner={"id": partner.pk, "code": partner.code, "name": partner.name},
        exported_at=timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        migrations=migration_state(),
    )
    total = len(owned)
    for model in owned:
        section = "audit" if model._meta.label in AUDIT_MODELS else "owned"
        with rls.system_context(EXPORT_REASON):
            rows = _owned_rows(model, partner.pk, EXPORT_REASON).order_by("pk")
            entry = _write_table(
                model, section, rows, directory, referenced, owned_labels, chunk_size, progress,
                len(manifest.tables), total,
            )  # fmt: skip
        manifest.tables.append(entry)

    # Shared rows: follow foreign keys until nothing new is referenced, then write each table once.
    with rls.system_context(EXPORT_REASON):
        _close_references(referenced, owned_labels)
    shared = sorted(referenced, key=lambda m: m._meta.label)
    total += len(shared)
    for model in shared:
        ids = sorted(referenced[model])
        with rls.system_context(EXPORT_REASON):
            entry = _write_table(
                model, "shared", _by_ids(model, ids), directory, None, owned_labels, chunk_size, progress,
                len(manifest.tables), total,
            )  # fmt: skip
        manifest.tables.append(entry)

    manifest.audit = _audit_summary(directory, manifest)
    (directory / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    with transaction.atomic():
        record_event(
            actor=actor,
            partner=None,
            action="privacy.partner_exported",
            object_type="partnership.partner",
            object_id=partner.pk,
            after={
                "partner": partner.code,
                "tables": len(manifest.tables),
                "rows": sum(t.rows for t in manifest.tables),
                "manifest_sha256": sha256_of(directory / MANIFEST),
            },
        )
    return manifest


def _by_ids(model: type[models.Model], ids: list[Any]) -> Iterator[tuple[Any, ...]]:
    names = [f.attname for f in _columns(model)]
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        yield from _rows(model, EXPORT_REASON).filter(pk__in=chunk).order_by("pk").values_list(*names)


def _write_table(
    model: type[models.Model],
    section: str,
    rows: models.QuerySet[Any] | Iterator[tuple[Any, ...]],
    directory: Path,
    referenced: dict[type[models.Model], set[Any]] | None,
    owned_labels: set[str],
    chunk_size: int,
    progress: ProgressFn | None,
    tables_done: int,
    tables_total: int,
) -> TableEntry:
    fields = _columns(model)
    names = [f.attname for f in fields]
    kinds = [_kind(f) for f in fields]
    keys = [(i, target) for i, target in _foreign_keys(model) if target._meta.label not in owned_labels]
    folder = "shared" if section == "shared" else "owned"
    relative = f"{folder}/{model._meta.label_lower}.csv"
    path = directory / relative
    count = None
    if isinstance(rows, models.QuerySet):
        count = _copy_table(model, rows, fields, path)
        if count is not None and referenced is not None:
            for i, target in keys:
                found = rows.exclude(**{names[i]: None}).order_by().values_list(names[i], flat=True)
                # Only a table with a row to write is in the shared section, as row by row.
                if ids := set(found.distinct()):
                    referenced[target].update(ids)
    if count is None:
        count = _write_rows(
            model, rows, fields, path, referenced, keys, chunk_size, progress, tables_done, tables_total
        )
    if progress is not None:
        progress(Progress(model._meta.label, count, tables_done + 1, tables_total))
    return TableEntry(
        model=model._meta.label,
        table=model._meta.db_table,
        section=section,
        file=relative,
        columns=[f.column for f in fields],
        types=kinds,
        rows=count,
        sha256=sha256_of(path),
    )


def _write_rows(
    model: type[models.Model],
    rows: models.QuerySet[Any] | Iterator[tuple[Any, ...]],
    fields: list[models.Field[Any, Any]],
    path: Path,
    referenced: dict[type[models.Model], set[Any]] | None,
    keys: list[tuple[int, type[models.Model]]],
    chunk_size: int,
    progress: ProgressFn | None,
    tables_done: int,
    tables_total: int,
) -> int:
    names = [f.attname for f in fields]
    count = 0
    values = (
        rows.values_list(*names).iterator(chunk_size=chunk_size)
        if isinstance(rows, models.QuerySet)
        else rows
    )
    row_text = _row_renderer(model, [_kind(f) for f in fields], names)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([f.column for f in fields])
        for row in values:
            writer.writerow(row_text(row))
            if referenced is not None:
                for i, target in keys:
                    if row[i] is not None:
                        referenced[target].add(row[i])
            count += 1
            if progress is not None and count % 10000 == 0:
                progress(Progress(model._meta.label, count, tables_done, tables_total))
    return count


# Column types PostgreSQL can write as ``render`` would, by the expression that does it ({c}: the
# column). Exact classes only: a subclass may convert its values in Python (``from_db_value``).
_TO_TEXT = "{c}::text"
_STARTING_BACKSLASH = "CASE WHEN starts_with({c}, chr(92)) THEN chr(92) || {c} ELSE {c} END"
_SQL_TEXT: dict[type[models.Field[Any, Any]], str] = {
    **dict.fromkeys(
        (
            models.AutoField,
            models.BigAutoField,
            models.SmallAutoField,
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveBigIntegerField,
            models.PositiveSmallIntegerField,
            models.DecimalField,
        ),
        _TO_TEXT,
    ),
    **dict.fromkeys(
        (models.CharField, models.TextField, models.SlugField, models.EmailField), _STARTING_BACKSLASH
    ),
    models.BooleanField: "CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END",
    models.DateTimeField: """to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
    models.DateField: "to_char({c}, 'YYYY-MM-DD')",
}


def _sql_text(f: models.Field[Any, Any]) -> str | None:
    if isinstance(f, models.ForeignKey) and type(f) in (models.ForeignKey, models.OneToOneField):
        target = f.target_field
        return _SQL_TEXT.get(type(target)) if not isinstance(target, models.ForeignKey) else None
    return _SQL_TEXT.get(type(f))


def _copy_table(
    model: type[models.Model], rows: models.QuerySet[Any], fields: list[models.Field[Any, Any]], path: Path
) -> int | None:
    """On PostgreSQL, write the table's file with ``COPY … TO STDOUT`` — the same bytes as the
    rows written one by one in Python (``_write_rows``), in a tenth of the time or less — and
    return its rows; None (nothing written) where it cannot: another database, a column type
    PostgreSQL does not write as ``render`` does, or a value with a carriage return (which
    PostgreSQL quotes and Python 3.11's csv module does not)."""
    templates = [_sql_text(f) for f in fields]
    if connection.vendor != "postgresql" or None in templates:
        return None
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    texts = {
        # Names from the model's metadata, quoted, in the fixed templates above: no value is in it.
        f"exit_c{i}": RawSQL(str(template).format(c=f"{table}.{quote(f.column)}"), ())  # noqa: S611
        for i, (f, template) in enumerate(zip(fields, templates, strict=True))
    }
    sql, params = rows.annotate(**texts).values_list(*texts).query.sql_with_params()
    query = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]
    statement = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N')"
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([f.column for f in fields])
    carriage_return = False
    with path.open("wb") as handle, connection.cursor() as cursor:
        handle.write(header.getvalue().encode("utf-8"))
        with cursor.cursor.copy(statement) as copy:
            for block in copy:
                carriage_return = carriage_return or b"\r" in block
                handle.write(block)
        count = cursor.cursor.rowcount
    return None if carriage_return else count


def _close_references(referenced: dict[type[models.Model], set[Any]], owned_labels: set[str]) -> None:
    """Add the rows the referenced shared rows refer to, until nothing new is found."""
    seen: dict[type[models.Model], set[Any]] = defaultdict(set)
    while True:
        fresh = {m: ids - seen[m] for m, ids in referenced.items() if ids - seen[m]}
        if not fresh:
            return
        for model, ids in fresh.items():
            seen[model] |= ids
            keys = [(i, t) for i, t in _foreign_keys(model) if t._meta.label not in owned_labels]
            if not keys:
                continue
            names = [_columns(model)[i].attname for i, _ in keys]
            ordered = sorted(ids)
            for start in range(0, len(ordered), ID_CHUNK):
                chunk = ordered[start : start + ID_CHUNK]
                for row in _rows(model, EXPORT_REASON).filter(pk__in=chunk).values_list(*names):
                    for (_, target), value in zip(keys, row, strict=True):
                        if value is not None:
                            referenced[target].add(value)


def _audit_summary(directory: Path, manifest: Manifest) -> dict[str, Any]:
    head = _read_head(directory, manifest)
    return {
        "chain": "per partner: the partner's events are a whole chain from the genesis hash",
        "genesis_hash": GENESIS_HASH,
        "events_file": _entry(manifest, "audit.AuditEvent").file,
        "head_seq": head[0],
        "head_hash": head[1],
        "verify": "joinedup partner verify-export DIR (recomputes every event's SHA-256 from audit/chain.py)",
        "redaction": (
            "an event with hash_version 2 is hashed over content_digest, the SHA-256 of its before and "
            'after; a redacted one (redacted_at set) holds {"redacted": true} and is listed by the '
            "audit.events_redacted event at its redacted_by_seq"
        ),
    }


def _entry(manifest: Manifest, label: str) -> TableEntry:
    for entry in manifest.tables:
        if entry.model == label:
            return entry
    raise ExitError(f"The export has no {label} table.")


def _read(directory: Path, entry: TableEntry) -> Iterator[dict[str, Any]]:
    with (directory / entry.file).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for cells in reader:
            yield {
                column: parse(kind, cell)
                for column, kind, cell in zip(entry.columns, entry.types, cells, strict=True)
            }


def _read_head(directory: Path, manifest: Manifest) -> tuple[int, str]:
    heads = list(_read(directory, _entry(manifest, "audit.AuditChainHead")))
    if not heads:
        return 0, GENESIS_HASH
    return int(heads[0]["seq"]), str(heads[0]["hash"])


# --- Verification -------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    tables: int = 0
    rows: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)


def verify_export(directory: Path) -> VerifyReport:
    """Check an export without the platform's database: each file's SHA-256, header and row
    count against the manifest, and the partner's audit chain recomputed link by link."""
    report = VerifyReport()
    try:
        manifest = Manifest.read(directory)
    except (OSError, ValueError) as exc:
        report.problems.append(f"manifest: {exc}")
        return report
    # Cells are read in the same pass as the rows are counted, but reported only for files whose
    # checksum, columns and row count hold: otherwise those say what is wrong.
    bad_cells: list[str] = []
    for entry in manifest.tables:
        path = directory / entry.file
        if not path.is_file():
            report.problems.append(f"{entry.file}: missing")
            continue
        if sha256_of(path) != entry.sha256:
            report.problems.append(f"{entry.file}: SHA-256 differs from the manifest")
        try:
            header, rows, cells = _scan(path, entry)
        except (UnicodeDecodeError, csv.Error) as exc:
            report.problems.append(f"{entry.file}: not a CSV file in UTF-8 ({exc})")
            continue
        if header != entry.columns:
            report.problems.append(f"{entry.file}: columns differ from the manifest")
        if rows != entry.rows:
            report.problems.append(f"{entry.file}: {rows} rows, the manifest says {entry.rows}")
        bad_cells.extend(cells)
        report.tables += 1
        report.rows += rows
    if not report.problems:
        report.problems.extend(bad_cells)
    if not report.problems:
        try:
            report.audit_events, broken = _verify_chain(directory, manifest)
        except (ExitError, TypeError, ValueError, KeyError) as exc:
            broken = [f"the audit chain cannot be checked: {exc}"]
        report.problems.extend(broken)
    return report


def _scan(path: Path, entry: TableEntry) -> tuple[list[str], int, list[str]]:
    """A file's header, its number of data rows, and every data row whose cells do not read back
    as the manifest's types: the file, the row (1 the header) and the column, with the reason.
    A file whose checksum matches was written by an export, but a checksum can be rewritten with
    the file; the import must refuse such a file whole, with its rows named, rather than fail
    half-way through reading it."""
    problems: list[str] = []
    typed = len(entry.types) == len(entry.columns)
    if not typed:
        problems.append(
            f"{entry.file}: the manifest names {len(entry.columns)} columns and {len(entry.types)} types"
        )
    rows = 0
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for number, cells in enumerate(reader, start=2):
            rows += 1
            if not typed:
                continue
            if len(cells) != len(entry.columns):
                problems.append(
                    f"{entry.file} row {number}: {len(cells)} cells, "
                    f"the manifest names {len(entry.columns)} columns"
                )
                continue
            for column, kind, cell in zip(entry.columns, entry.types, cells, strict=True):
                try:
                    parse(kind, cell)
                except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
                    reason = "not a value of its type" if isinstance(exc, KeyError) else str(exc)
                    problems.append(f"{entry.file} row {number}, column {column}: {reason} ({kind})")
    return header, rows, problems


def _verify_chain(directory: Path, manifest: Manifest) -> tuple[int, list[str]]:
    events = sorted(_read(directory, _entry(manifest, "audit.AuditEvent")), key=lambda e: e["seq"])
    expected_prev, expected_seq = GENESIS_HASH, 1
    redactions = Redactions()
    for event in events:
        where = f"audit event seq {event['seq']} (id {event['id']})"
        if event["seq"] != expected_seq:
            return len(events), [f"audit event seq {expected_seq} is missing"]
        if event["prev_hash"] != expected_prev:
            return len(events), [f"{where} does not link to the event before it"]
        problem = check_event(event)
        if problem == CHANGED:
            problem = "its content does not match its hash"
        problem = problem or redactions.see(event)
        if problem is not None:
            return len(events), [f"{where}: {problem}"]
        expected_prev, expected_seq = event["hash"], expected_seq + 1
    unaccounted = redactions.unaccounted()
    if unaccounted is not None:
        seq, by = unaccounted
        return len(events), [
            f"audit event seq {seq}: it is marked redacted by seq {by}, which does not list it"
        ]
    head_seq, head_hash = _read_head(directory, manifest)
    if (head_seq, head_hash) != (expected_seq - 1, expected_prev) or head_seq != manifest.audit.get(
        "head_seq"
    ):
        return len(events), [f"the chain head records {head_seq} events; the export holds {len(events)}"]
    return len(events), []


# --- Import -----------------------------------------------------------------------------------


def import_export(*, actor: Any, directory: Path, batch: int = 1000) -> dict[str, int]:
    """Load a verified export into this database, in one transaction: shared rows first, a row
    already present with the same key must be identical (else nothing is written), and every
    foreign key is checked before it commits. Rows inserted per table."""
    report = verify_export(directory)
    if report.problems:
        raise ExitError("The export does not verify: " + "; ".join(report.problems))
    manifest = Manifest.read(directory)
    authorise(actor, PERMISSION, int(manifest.partner["id"]))
    here = migration_state()
    missing = sorted(f"{app}.{name}" for app, names in manifest.migrations.items() for name in names
                     if name not in here.get(app, []))  # fmt: skip
    if missing:
        raise ExitError(
            f"This database lacks migrations the export was written at: {', '.join(missing[:5])}."
        )
    order = [e for e in manifest.tables if e.section == "shared"] + [
        e for e in manifest.tables if e.section != "shared"
    ]
    inserted: dict[str, int] = {}
    with rls.system_context(IMPORT_REASON):
        for entry in order:
            model = apps.get_model(entry.model)
            fields = _columns(model)
            if [f.column for f in fields] != entry.columns:
                raise ExitError(f"{entry.model}: the export's columns differ from this database's.")
            try:
                # A savepoint a table: a row the database refuses (a duplicate key, a value too
                # long for its column) aborts only it, so the error is reported, not a
                # transaction PostgreSQL has already aborted.
                with transaction.atomic():
                    inserted[entry.model] = _import_table(model, directory, entry, fields, batch)
            except (DatabaseError, DjangoValidationError, ValueError, TypeError) as exc:
                raise ExitError(f"{entry.model}: this database refuses the export's rows: {exc}") from exc
        try:
            # In a savepoint of its own: a violation aborts only it, so the context can be
            # set back and the whole erasure or import rolled back cleanly.
            with transaction.atomic():
                connection.check_constraints()
        except Exception as exc:
            raise ExitError(f"The export refers to rows it does not hold: {exc}") from exc
        # Rows went in with their own keys: PostgreSQL's sequences must move past them, or the
        # next row made here would be given a key the import already used.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [apps.get_model(e.model) for e in order]
                ):
                    cursor.execute(sql)
        record_event(
            actor=actor,
            partner=None,
            action="privacy.partner_imported",
            object_type="partnership.partner",
            object_id=manifest.partner["id"],
            after={"partner": manifest.partner["code"], "rows": sum(inserted.values())},
        )
    return inserted


def _import_table(
    model: type[models.Model],
    directory: Path,
    entry: TableEntry,
    fields: list[models.Field[Any, Any]],
    batch: int,
) -> int:
    names = [f.attname for f in fields]
    redacted = REDACTED.get(model._meta.label, {})
    count = 0
    pending: list[dict[str, Any]] = []

    def flush() -> int:
        pks = [row[model._meta.pk.attname] for row in pending]
        existing = {
            row[0]: _render_row(model, entry.types, names, row)
            for row in _rows(model, IMPORT_REASON).filter(pk__in=pks).values_list(*names)
        }
        fresh = []
        for row in pending:
            pk = row[model._meta.pk.attname]
            if pk in existing:
                if existing[pk] != _render_row(model, entry.types, names, tuple(row[n] for n in names)):
                    raise ExitError(f"{entry.model} {pk} exists here and differs from the export.")
                continue
            for name, placeholder in redacted.items():
                row[name] = placeholder
            fresh.append(model(**row))
        # ``raw``: the stored values as they are; bulk_create would give ``auto_now`` fields
        # the time of the import.
        size = max(1, connection.ops.bulk_batch_size(fields, fresh) or len(fresh))
        for start in range(0, len(fresh), size):
            model._base_manager._insert(fresh[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]
        pending.clear()
        return len(fresh)

    by_column = dict(zip(entry.columns, names, strict=True))
    for values in _read(directory, entry):
        pending.append({by_column[c]: v for c, v in values.items()})
        if len(pending) >= batch:
            count += flush()
    if pending:
        count += flush()
    return count


# --- Erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetainedRule:
    model: str
    effective_from: str
    reason: str
    source: str


def retained_rules(path: Path = RULES) -> list[RetainedRule]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        RetainedRule(str(r["model"]), str(r["effective_from"]), str(r["reason"]), str(r["source"]))
        for r in data.get("retained", [])
    ]


@dataclass
class ErasureReport:
    partner: str
    receipt: str
    dry_run: bool
    erased: dict[str, int]
    retained: dict[str, int]
    persons_erased: int


def erase_partner(*, actor: Any, partner: Partner, receipt: str, dry_run: bool = False) -> ErasureReport:
    """Remove the partner's rows, but those the rule file keeps, once it has confirmed receipt of
    its export (``receipt``: its reference). One transaction: the database checks every foreign
    key before it commits, so a row of another partner that still refers to one of these stops the
    erasure whole. People no partner employs any more go too, with their equality answers.
    Recorded in the global audit chain; ``dry_run`` counts and changes nothing."""
    if not receipt.strip():
        raise ExitError(
            "Give the partner's receipt reference for its export (--receipt): erasure follows receipt."
        )
    authorise(actor, PERMISSION, partner)
    check_registry()
    keep = {rule.model for rule in retained_rules()}
    erased: dict[str, int] = {}
    retained: dict[str, int] = {}
    with rls.system_context(ERASE_REASON):
        person_ids = _persons_of(partner.pk)
        # Children before parents, so a backend checking keys at once is not upset; the
        # deferred check below is what proves nothing is left dangling.
        for model in reversed(_dependency_order(owned_models())):
            rows = _owned_rows(model, partner.pk, ERASE_REASON)
            label = model._meta.label
            if label in keep:
                retained[label] = rows.count()
                continue
            # An append-only table (a case's access events) offers the one delete it allows.
            special = getattr(model, "erase_for_partner_exit", None)
            if dry_run:
                erased[label] = rows.count()
            elif special is not None:
                erased[label] = special(partner.pk, rows.db)
            else:
                erased[label] = rows._raw_delete(rows.db)
        persons_erased = _erase_unemployed(person_ids, partner.pk, dry_run=dry_run)
        try:
            # In a savepoint of its own: a violation aborts only it, so the context can be
            # set back and the whole erasure or import rolled back cleanly.
            with transaction.atomic():
                connection.check_constraints()
        except Exception as exc:
            raise ExitError(f"Other rows still refer to the partner's: nothing was erased ({exc}).") from exc
        if not dry_run:
            record_event(
                actor=actor,
                partner=None,
                action="privacy.partner_erased",
                object_type="partnership.partner",
                object_id=partner.pk,
                after={
                    "partner": partner.code,
                    "receipt": receipt,
                    "erased": {k: v for k, v in sorted(erased.items()) if v},
                    "retained": retained,
                    "persons_erased": persons_erased,
                },
            )
    return ErasureReport(partner.code, receipt, dry_run, erased, retained, persons_erased)


def _dependency_order(models_: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """Parents before children (self-references and cycles left where they fall)."""
    remaining = list(models_)
    done: list[type[models.Model]] = []
    while remaining:
        ready = [m for m in remaining if all(t is m or t not in remaining for _, t in _foreign_keys(m))]
        if not ready:
            ready = remaining[:1]
        for m in ready:
            remaining.remove(m)
            done.append(m)
    return done


def _persons_of(partner_id: int) -> set[int]:
    found: set[int] = set()
    for model in owned_models():
        for f in _columns(model):
            if isinstance(f, models.ForeignKey) and f.related_model is Person:
                rows = _owned_rows(model, partner_id, ERASE_REASON).exclude(**{f.attname: None})
                found.update(rows.values_list(f.attname, flat=True).distinct())
    return found


def _erase_unemployed(person_ids: set[int], partner_id: int, *, dry_run: bool) -> int:
    """Erase the people employed by no partner but this one (a dry run counts them)."""
    employed = (
        Employment.objects.unscoped(reason=ERASE_REASON)
        .filter(person_id=OuterRef("pk"))
        .exclude(partner_id=partner_id)
    )
    ordered = sorted(person_ids)
    count = 0
    for start in range(0, len(ordered), ID_CHUNK):
        chunk = ordered[start : start + ID_CHUNK]
        people = Person.objects.unscoped(reason=ERASE_REASON).filter(pk__in=chunk).exclude(Exists(employed))
        ids = list(people.values_list("pk", flat=True))
        count += len(ids)
        if dry_run or not ids:
            continue
        answers = ProtectedCharacteristics.objects.unscoped(reason=ERASE_REASON).filter(person_id__in=ids)
        answers._raw_delete(answers.db)
        gone = Person.objects.unscoped(reason=ERASE_REASON).filter(pk__in=ids)
        gone._raw_delete(gone.db)
    return count


def exported_at(manifest: Manifest) -> datetime:
    return datetime.fromisoformat(manifest.exported_at)
