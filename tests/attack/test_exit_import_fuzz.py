"""Fuzzed exit imports (issues 17 and 18): `joinedup partner import` reads a partner's exit
export back. A changed file is refused by its SHA-256 before a row is read, but whoever changes
a file can rewrite the manifest's checksum with it; so here Hypothesis changes one thing in a
real export (a cell, a row, a cell too many or too few, bytes that are not UTF-8) and rewrites
the manifest to match.

The import must then hold the properties of every import (tests/attack/test_import_fuzz.py):

- nothing the files hold raises out of it but a refusal (``ExitError``) that says why;
- all or nothing: refused, not one row of the partner is back and the audit trail is as it was;
- a cell that does not read as its column's type is named by file, row and column.

``make test`` draws the same examples each run; ``make fuzz`` draws new ones
(JOINEDUP_FUZZ_RANDOM=1, JOINEDUP_IMPORT_FUZZ_EXAMPLES)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisDjangoTestCase

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.people.models import Employment, Person
from joinedup.privacy import exit as partner_exit
from joinedup.privacy.exit_manifest import MANIFEST, NULL, sha256_of
from joinedup.testing.people import PeopleTestCase

OPERATOR = SystemActor(reason="joinedup partner import", operator="fuzz")
EXAMPLES = int(os.environ.get("JOINEDUP_IMPORT_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("JOINEDUP_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            NULL,
            "\\",
            "2026-02-30",
            "2026-13-01T00:00:00+00:00",
            "1e400",
            "NaN",
            "-1",
            "99999999999999999999999",
            "12.345",
            "maybe",
            "{",
            "[1, 2]",
            "=cmd|' /C calc'!A0",
            "x" * 5000,
        ]
    ),
    st.text(max_size=40),
)


class _RolledBack(Exception):
    pass


class TestExitImportFuzz(HypothesisDjangoTestCase, PeopleTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        self.exported = self.root / "wcc"
        self.manifest = partner_exit.export_partner(
            actor=OPERATOR, partner=self.council, directory=self.exported
        )
        partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="FUZZ-1")
        # What a refused import must leave as it found it.
        self.tables = [t for t in self.manifest.tables if t.section != "audit" and t.rows > 0]

    def state(self) -> tuple[int, int, int]:
        with rls.system_context("test: what the import may have written"):
            return (
                Employment.objects.for_partner(self.council).count(),
                Person.objects.unscoped(reason="test").count(),
                AuditEvent.objects.unscoped(reason="test").count(),
            )

    def rewrite(self, folder: Path, file: str, rows: list[list[str]], *, count_rows: bool) -> None:
        path = folder / file
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        self.restamp(folder, file, rows=len(rows) - 1 if count_rows else None)

    def restamp(self, folder: Path, file: str, *, rows: int | None = None) -> None:
        data = json.loads((folder / MANIFEST).read_text())
        for table in data["tables"]:
            if table["file"] == file:
                table["sha256"] = sha256_of(folder / file)
                if rows is not None:
                    table["rows"] = rows
        (folder / MANIFEST).write_text(json.dumps(data))

    def copy(self) -> Path:
        folder = Path(tempfile.mkdtemp(dir=self.root))
        shutil.copytree(self.exported, folder, dirs_exist_ok=True)
        return folder

    def import_refused_or_whole(self, folder: Path) -> str | None:
        """The import's refusal, or None when it imported; rolled back either way. A refusal
        must have changed nothing."""
        before = self.state()
        refusal: str | None = None
        try:
            with transaction.atomic():
                try:
                    partner_exit.import_export(actor=OPERATOR, directory=folder)
                except partner_exit.ExitError as exc:
                    refusal = str(exc)
                    self.assertEqual(self.state(), before)
                raise _RolledBack
        except _RolledBack:
            pass
        return refusal

    def test_the_unchanged_export_imports(self) -> None:
        self.assertIsNone(self.import_refused_or_whole(self.exported))

    @FUZZ
    @given(data=st.data())
    def test_any_change_with_its_checksum_rewritten_is_imported_or_refused_whole(
        self, data: st.DataObject
    ) -> None:
        entry = data.draw(st.sampled_from(self.tables), label="table")
        folder = self.copy()
        with (folder / entry.file).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        at = data.draw(st.integers(1, len(rows) - 1), label="row")
        change = data.draw(
            st.sampled_from(["cell", "cell", "cell", "short", "long", "drop", "twice", "bytes"])
        )
        if change == "bytes":
            with (folder / entry.file).open("ab") as handle:
                handle.write(b"\xff\xfe\x00,\x81\n")
            self.restamp(folder, entry.file)
        else:
            if change == "cell":
                column = data.draw(st.integers(0, len(entry.columns) - 1), label="column")
                rows[at][column] = data.draw(CELLS, label="value")
            elif change == "short":
                rows[at] = rows[at][:-1]
            elif change == "long":
                rows[at] = [*rows[at], "extra"]
            elif change == "drop":
                del rows[at]
            else:
                rows.insert(at, list(rows[at]))
            self.rewrite(folder, entry.file, rows, count_rows=data.draw(st.booleans(), label="count rows"))
        refusal = self.import_refused_or_whole(folder)
        if refusal is not None:
            self.assertTrue(refusal.strip())
        if change in ("short", "long"):
            self.assertIsNotNone(refusal)

    def test_a_cell_that_is_not_its_columns_type_is_named_by_file_row_and_column(self) -> None:
        entry = next(t for t in self.tables if t.model == "people.Employment")
        folder = self.copy()
        with (folder / entry.file).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[2][entry.columns.index("start_date")] = "2026-02-30"
        self.rewrite(folder, entry.file, rows, count_rows=True)
        refusal = self.import_refused_or_whole(folder)
        self.assertIsNotNone(refusal)
        self.assertIn(f"{entry.file} row 3, column start_date:", refusal or "")

    def test_a_manifest_naming_a_file_outside_the_export_is_refused_before_anything_is_read(self) -> None:
        folder = self.copy()
        data = json.loads((folder / MANIFEST).read_text())
        data["tables"][0]["file"] = "../../etc/passwd"
        (folder / MANIFEST).write_text(json.dumps(data))
        report = partner_exit.verify_export(folder)
        self.assertEqual(
            report.problems, ["manifest: The manifest names a file outside the export: '../../etc/passwd'."]
        )
        self.assertEqual(report.tables, 0)
