"""A partner's exit (issue 17, "Partner joining and leaving"): export, verification, re-import
and erasure. The acceptance: export then re-import gives identical rows (checksums) for the
partner; erasure leaves other partners' data byte-identical."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest.mock import patch

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.audit.redaction import redact_events
from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Membership, Partner
from joinedup.people.models import Absence, AbsenceKind, AbsenceStatus, Employment, Person
from joinedup.privacy import exit as partner_exit
from joinedup.privacy.exit_manifest import MANIFEST, Manifest, parse, render, sha256_of
from joinedup.testing.people import PeopleTestCase

OPERATOR = SystemActor(reason="joinedup partner export", operator="tester")


def employments(partner: Partner) -> list[str]:
    with rls.system_context("test: count a partner's employments"):
        return sorted(Employment.objects.for_partner(partner).values_list("payroll_number", flat=True))


class ExitTestCase(PeopleTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = Path(self.tmp.name)

    def export(self, partner: Partner, name: str) -> Manifest:
        return partner_exit.export_partner(actor=OPERATOR, partner=partner, directory=self.root / name)


class RegistryTests(ExitTestCase):
    def test_every_partner_owned_model_has_a_partner_column_or_a_reason(self) -> None:
        # core/tenancy.py's guarded models: the exit reads what a partner owns from them.
        partner_exit.check_registry()
        owned = {m._meta.label for m in partner_exit.owned_models()}
        self.assertTrue(
            {
                "people.Employment",
                "payroll.Payslip",
                "ledger.JournalLine",
                "wellbeing.ClinicalNote",
                "audit.AuditEvent",
                "partnership.Membership",
            }
            <= owned
        )
        self.assertNotIn("people.Person", owned)

    def test_it_refuses_a_guarded_model_with_no_partner_column_and_no_reason(self) -> None:
        original = dict(partner_exit.SHARED_GUARDED)
        del partner_exit.SHARED_GUARDED["people.ProtectedCharacteristics"]
        self.addCleanup(partner_exit.SHARED_GUARDED.update, original)
        with self.assertRaisesMessage(
            ImproperlyConfigured, "people.ProtectedCharacteristics is partner-owned"
        ):
            partner_exit.check_registry()


class CodecTests(ExitTestCase):
    def test_values_are_written_losslessly_and_read_back_exactly(self) -> None:
        moment = datetime(2026, 4, 6, 9, 30, 0, 123456, tzinfo=UTC)
        self.assertEqual(render("DecimalField", Decimal("27711.00")), "27711.00")
        self.assertEqual(render("DecimalField", Decimal("1E+2")), "100")
        self.assertEqual(render("DateTimeField", moment), "2026-04-06T09:30:00.123456+00:00")
        self.assertEqual(render("BinaryField", b"\x00\xffciphertext"), "AP9jaXBoZXJ0ZXh0")
        self.assertEqual(render("CharField", None), "\\N")
        self.assertEqual(render("CharField", "\\N"), "\\\\N")
        self.assertEqual(render("BooleanField", False), "false")
        self.assertEqual(render("DurationField", timedelta(minutes=90)), "5400000000")
        self.assertEqual(render("JSONField", {"b": Decimal("1.50"), "a": 1}), '{"a":1,"b":"1.50"}')
        for kind, value in [
            ("DecimalField", Decimal("0.01")),
            ("DateTimeField", moment),
            ("BinaryField", b"\x00\xff"),
            ("CharField", "\\N"),
            ("CharField", ""),
            ("CharField", None),
            ("DurationField", timedelta(minutes=90)),
        ]:
            self.assertEqual(parse(kind, render(kind, value)), value)

    def test_the_exports_row_writer_gives_what_render_gives_for_every_kind(self) -> None:
        moment = datetime(2026, 4, 6, 9, 30, 0, 123456, tzinfo=UTC)
        cells = [
            ("BigAutoField", 7),
            ("ForeignKey", None),
            ("BigIntegerField", -12345678901),
            ("CharField", "\\N"),
            ("CharField", ""),
            ("TextField", 'a "quoted", line\nand more'),
            ("EmailField", None),
            ("BooleanField", True),
            ("BooleanField", False),
            ("BooleanField", None),
            ("DecimalField", Decimal("27711.00")),
            ("DateTimeField", moment),
            ("DateField", date(2026, 4, 6)),
            ("DurationField", timedelta(minutes=90)),
            ("JSONField", {"b": Decimal("1.50"), "a": 1}),
            ("BinaryField", b"\x00\xff"),
        ]
        kinds = [kind for kind, _ in cells]
        names = [f"c{n}" for n in range(len(cells))]
        row = tuple(value for _, value in cells)
        written = partner_exit._row_renderer(Membership, kinds, names)(row)
        self.assertEqual(written, [render(kind, value) for kind, value in cells])

    def test_the_row_writer_leaves_a_users_password_hash_empty(self) -> None:
        kinds, names = ["BigAutoField", "CharField"], ["id", "password"]
        written = partner_exit._row_renderer(get_user_model(), kinds, names)((1, "pbkdf2_sha256$x"))
        self.assertEqual(written, ["1", ""])


class ExportTests(ExitTestCase):
    def test_it_exports_every_table_the_partner_owns_with_a_manifest(self) -> None:
        manifest = self.export(self.council, "wcc")
        owned = [t for t in manifest.tables if t.section != "shared"]
        self.assertEqual(len(owned), len(partner_exit.owned_models()))
        self.assertEqual(manifest.partner["code"], "WCC")
        self.assertEqual(manifest.format_version, 1)
        self.assertEqual(manifest.migrations["people"][0], "0001_people_employments_posts_absence")
        employment = next(t for t in manifest.tables if t.model == "people.Employment")
        self.assertEqual(employment.file, "owned/people.employment.csv")
        self.assertEqual(employment.rows, 2)
        self.assertEqual(employment.sha256, sha256_of(self.root / "wcc" / employment.file))
        with (self.root / "wcc" / employment.file).open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        self.assertEqual([r["payroll_number"] for r in rows], ["WCC000001", "WCC000002"])
        self.assertEqual(sorted(map(int, (r["id"] for r in rows))), [int(r["id"]) for r in rows])

    def test_the_files_postgresql_writes_are_the_bytes_the_row_by_row_writer_writes(self) -> None:
        # On PostgreSQL most tables are written by COPY; elsewhere both exports are row by row. A
        # carriage return sends its table row by row (Python 3.11's csv does not quote it).
        written = ['Said "back, pain"\nthen left', "\\N and \\ more", ""]
        for name, notes in [("plain", written), ("carriage-return", ["Line\r\nbreak"])]:
            with rls.system_context("test: awkward text"):
                for text in notes:
                    Absence.objects.create(
                        partner=self.council,
                        employment=self.council_emp,
                        kind=AbsenceKind.SICKNESS,
                        start_date=date(2026, 3, 2),
                        end_date=date(2026, 3, 3),
                        working_days=Decimal("1.50"),
                        status=AbsenceStatus.APPROVED,
                        notes=text,
                    )
            copied = self.export(self.council, f"copied-{name}")
            with patch.object(partner_exit, "_copy_table", return_value=None):
                by_row = self.export(self.council, f"by-row-{name}")
            self.assertEqual(list(copied.checksums()), list(by_row.checksums()))
            differ = {m for m, sha in copied.checksums().items() if by_row.checksums()[m] != sha}
            self.assertEqual(differ, set(), self._diff(f"copied-{name}", f"by-row-{name}", copied, differ))
        absences = next(t for t in copied.tables if t.model == "people.Absence")
        with (self.root / "copied-carriage-return" / absences.file).open(encoding="utf-8", newline="") as f:
            read = [parse("TextField", row["notes"]) for row in csv.DictReader(f)]
        self.assertEqual(read, [*written, "Line\r\nbreak"])

    def _diff(self, one: str, other: str, manifest: Manifest, models_: set[str]) -> str:
        files = [t.file for t in manifest.tables if t.model in models_]
        heads = [
            (f, (self.root / one / f).read_bytes()[:600], (self.root / other / f).read_bytes()[:600])
            for f in files
        ]
        return "\n".join(f"{f}:\n{a!r}\n{b!r}" for f, a, b in heads)

    def test_on_postgresql_the_partners_plain_tables_are_written_by_copy(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("COPY is PostgreSQL's")
        with patch.object(partner_exit, "_write_rows", wraps=partner_exit._write_rows) as by_row:
            self.export(self.council, "wcc")
        written_by_row = {call.args[0]._meta.label for call in by_row.call_args_list}
        self.assertNotIn("people.Employment", written_by_row)
        self.assertNotIn("payroll.Payslip", written_by_row)
        self.assertIn("audit.AuditEvent", written_by_row)  # JSON: canonical only from Python
        self.assertIn("people.Person", written_by_row)  # shared rows are read by their ids

    def test_the_shared_section_holds_the_people_the_partner_employs_and_no_others(self) -> None:
        manifest = self.export(self.council, "wcc")
        people = next(t for t in manifest.tables if t.model == "people.Person")
        self.assertEqual(people.section, "shared")
        with (self.root / "wcc" / people.file).open(newline="") as handle:
            names = sorted(r["family_name"] for r in csv.DictReader(handle))
        self.assertEqual(names, ["Lovelace", "Seacole"])  # not Hopper, employed by the police

    def test_it_does_not_export_password_hashes(self) -> None:
        manifest = self.export(self.council, "wcc")
        users = next(t for t in manifest.tables if t.model == "partnership.User")
        with (self.root / "wcc" / users.file).open(newline="") as handle:
            self.assertEqual({r["password"] for r in csv.DictReader(handle)}, {""})

    def test_the_export_verifies_and_carries_the_partners_whole_audit_chain(self) -> None:
        manifest = self.export(self.council, "wcc")
        with rls.system_context("test: count the council's audit events"):
            events = AuditEvent.objects.for_partner(self.council).count()
        self.assertEqual(manifest.audit["head_seq"], events)
        report = partner_exit.verify_export(self.root / "wcc")
        self.assertEqual(report.problems, [])
        self.assertEqual(report.audit_events, events)
        self.assertEqual(report.tables, len(manifest.tables))

    def test_exporting_is_recorded_in_the_global_chain(self) -> None:
        self.export(self.council, "wcc")
        with rls.system_context("test: read the global chain"):
            event = (
                AuditEvent.objects.unscoped(reason="test").filter(partner__isnull=True).order_by("-seq")[0]
            )
        self.assertEqual(event.action, "privacy.partner_exported")
        self.assertEqual(event.actor_label, "system (operator tester): joinedup partner export")
        self.assertEqual(event.after["partner"], "WCC")

    def test_verification_finds_a_changed_file(self) -> None:
        self.export(self.council, "wcc")
        path = self.root / "wcc" / "owned" / "people.employment.csv"
        path.write_text(path.read_text().replace("WCC000002", "WCC000009"))
        report = partner_exit.verify_export(self.root / "wcc")
        self.assertEqual(report.problems, ["owned/people.employment.csv: SHA-256 differs from the manifest"])

    def test_verification_finds_an_audit_event_changed_with_its_checksum(self) -> None:
        manifest = self.export(self.council, "wcc")
        entry = next(t for t in manifest.tables if t.model == "audit.AuditEvent")
        path = self.root / "wcc" / entry.file
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        action = entry.columns.index("action")
        rows[1][action] = "people.nothing_happened"
        with path.open("w", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        data = json.loads((self.root / "wcc" / MANIFEST).read_text())
        for table in data["tables"]:
            if table["model"] == "audit.AuditEvent":
                table["sha256"] = sha256_of(path)
        (self.root / "wcc" / MANIFEST).write_text(json.dumps(data))
        report = partner_exit.verify_export(self.root / "wcc")
        self.assertEqual(
            report.problems, [f"audit event seq 1 (id {rows[1][0]}): its content does not match its hash"]
        )

    def redacted_council_event(self) -> AuditEvent:
        with rls.system_context("test: an audit event about a payslip, then redacted"):
            event = record_event(
                actor=OPERATOR,
                partner=self.council,
                action="payroll.payslip_corrected",
                object_type="payroll.payslip",
                object_id=7,
                after={"tax_code": "K475"},
            )
            redact_events(
                actor=OPERATOR, partner_id=self.council.pk, event_ids=[event.pk], reason="test: erased"
            )
        return event

    def test_an_export_with_redacted_audit_events_verifies(self) -> None:
        self.redacted_council_event()
        manifest = self.export(self.council, "wcc")
        report = partner_exit.verify_export(self.root / "wcc")
        self.assertEqual(report.problems, [])
        self.assertEqual(report.audit_events, manifest.audit["head_seq"])
        entry = next(t for t in manifest.tables if t.model == "audit.AuditEvent")
        kinds = dict(zip(entry.columns, entry.types, strict=True))
        with (self.root / "wcc" / entry.file).open(newline="") as handle:
            rows = [{c: parse(kinds[c], v) for c, v in r.items()} for r in csv.DictReader(handle)]
        redacted = [(r["before"], r["after"]) for r in rows if r["redacted_at"] is not None]
        self.assertEqual(redacted, [({"redacted": True}, {"redacted": True})])

    def test_verification_finds_content_put_back_into_a_redacted_audit_event(self) -> None:
        event = self.redacted_council_event()
        manifest = self.export(self.council, "wcc")
        entry = next(t for t in manifest.tables if t.model == "audit.AuditEvent")
        path = self.root / "wcc" / entry.file
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        after = entry.columns.index("after")
        row = next(r for r in rows[1:] if r[0] == str(event.pk))
        row[after] = '{"tax_code": "0T"}'
        with path.open("w", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        data = json.loads((self.root / "wcc" / MANIFEST).read_text())
        for table in data["tables"]:
            if table["model"] == "audit.AuditEvent":
                table["sha256"] = sha256_of(path)
        (self.root / "wcc" / MANIFEST).write_text(json.dumps(data))
        report = partner_exit.verify_export(self.root / "wcc")
        self.assertEqual(
            report.problems,
            [f"audit event seq {event.seq} (id {event.pk}): it is marked redacted, but holds content"],
        )

    def test_it_refuses_a_user_without_the_exit_permission_and_writes_nothing(self) -> None:
        with self.assertRaises(PermissionDenied):
            partner_exit.export_partner(
                actor=self.council_hr, partner=self.council, directory=self.root / "x"
            )
        self.assertFalse((self.root / "x").exists())

    def test_a_service_admin_may_export(self) -> None:
        manifest = partner_exit.export_partner(
            actor=self.ops_admin, partner=self.council, directory=self.root / "a"
        )
        self.assertEqual(manifest.partner["code"], "WCC")


class EraseAndImportTests(ExitTestCase):
    def test_erasure_then_import_reproduces_the_partners_rows_and_leaves_others_byte_identical(self) -> None:
        police_before = self.export(self.police, "police-before").checksums()
        exported = self.export(self.council, "wcc")

        report = partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="WCC-EXIT-0001")
        self.assertEqual(report.erased["people.Employment"], 2)
        self.assertEqual(
            report.persons_erased, 1
        )  # Ada Lovelace; Mary Seacole is still employed by the police
        self.assertEqual(employments(self.council), [])
        self.assertEqual(self.export(self.police, "police-after").checksums(), police_before)

        inserted = partner_exit.import_export(actor=OPERATOR, directory=self.root / "wcc")
        self.assertEqual(inserted["people.Employment"], 2)
        self.assertEqual(inserted["people.Person"], 1)
        self.assertEqual(inserted["audit.AuditEvent"], 0)  # the retained chain is already here, identical
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])
        again = self.export(self.council, "wcc-again")
        changed = {k for k, v in again.checksums().items() if exported.checksums().get(k) != v}
        self.assertEqual(changed, set())

    def test_erasure_keeps_the_audit_chain_the_rule_file_lists(self) -> None:
        with rls.system_context("test: count the council's audit events"):
            events = AuditEvent.objects.for_partner(self.council).count()
        report = partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="R1")
        self.assertEqual(report.retained, {"audit.AuditEvent": events, "audit.AuditChainHead": 1})
        with rls.system_context("test: read the global chain"):
            event = (
                AuditEvent.objects.unscoped(reason="test").filter(partner__isnull=True).order_by("-seq")[0]
            )
            self.assertFalse(Membership.objects.filter(partner=self.council).exists())
        self.assertEqual(event.action, "privacy.partner_erased")
        self.assertEqual(event.after["receipt"], "R1")
        self.assertEqual(event.after["erased"]["people.Employment"], 2)

    def test_it_refuses_to_erase_without_a_receipt_reference_and_changes_nothing(self) -> None:
        with self.assertRaisesMessage(partner_exit.ExitError, "Give the partner's receipt reference"):
            partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="  ")
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])

    def test_a_dry_run_counts_and_changes_nothing(self) -> None:
        report = partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="R1", dry_run=True)
        self.assertEqual(report.erased["people.Employment"], 2)
        self.assertEqual(report.persons_erased, 1)
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])
        with rls.system_context("test: count people"):
            self.assertEqual(Person.objects.unscoped(reason="test").count(), 3)

    def test_it_refuses_the_whole_erasure_while_another_partners_row_refers_to_one_of_its_rows(self) -> None:
        # Forged past the services (the police's absence on the council's employment): the
        # database's own foreign-key check, not a list of known references, stops the erasure.
        with rls.system_context("test: forge a cross-partner reference"):
            Absence.objects.create(
                partner=self.police,
                employment=self.council_emp,
                kind=AbsenceKind.SICKNESS,
                start_date=date(2026, 3, 2),
                end_date=date(2026, 3, 3),
                working_days=Decimal("2.00"),
                status=AbsenceStatus.APPROVED,
            )
        with self.assertRaisesMessage(
            partner_exit.ExitError, "Other rows still refer to the partner's: nothing"
        ):
            partner_exit.erase_partner(actor=OPERATOR, partner=self.council, receipt="R1")
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])

    def test_it_refuses_erasure_to_a_user_without_the_exit_permission(self) -> None:
        with self.assertRaises(PermissionDenied):
            partner_exit.erase_partner(actor=self.shared_hr, partner=self.council, receipt="R1")
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])

    def test_import_refuses_a_row_that_differs_from_the_one_here(self) -> None:
        self.export(self.council, "wcc")
        path = self.root / "wcc" / "owned" / "people.employment.csv"
        data = json.loads((self.root / "wcc" / MANIFEST).read_text())
        path.write_text(path.read_text().replace("WCC000002", "WCC000009"))
        for table in data["tables"]:
            if table["model"] == "people.Employment":
                table["sha256"] = sha256_of(path)
        (self.root / "wcc" / MANIFEST).write_text(json.dumps(data))
        with self.assertRaisesMessage(partner_exit.ExitError, "exists here and differs from the export"):
            partner_exit.import_export(actor=OPERATOR, directory=self.root / "wcc")
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])


class RuleFileTests(ExitTestCase):
    def test_the_retained_rules_name_the_audit_chain_with_dated_sources(self) -> None:
        rules = partner_exit.retained_rules()
        self.assertEqual([r.model for r in rules], ["audit.AuditEvent", "audit.AuditChainHead"])
        self.assertEqual({r.effective_from for r in rules}, {"2026-12-06"})
        self.assertIn("Limitation Act 1980 s.5", rules[0].source)


class CommandTests(ExitTestCase):
    def test_the_commands_export_verify_and_refuse_erasure_without_a_receipt(self) -> None:
        out = StringIO()
        call_command(
            "partner",
            "export",
            "--partner",
            "WCC",
            "-o",
            str(self.root / "cli"),
            stdout=out,
            stderr=StringIO(),
        )
        self.assertIn("Exported partner WCC:", out.getvalue())
        out = StringIO()
        call_command("partner", "verify-export", str(self.root / "cli"), stdout=out)
        self.assertIn("checksums match; audit chain of", out.getvalue())
        with self.assertRaisesMessage(CommandError, "Give the partner's receipt reference"):
            call_command("partner", "erase", "--partner", "WCC", stdout=StringIO())
        out = StringIO()
        call_command("partner", "erase", "--partner", "WCC", "--receipt", "R1", "--dry-run", stdout=out)
        self.assertIn("Would erase", out.getvalue())
        self.assertEqual(employments(self.council), ["WCC000001", "WCC000002"])
