"""The exit export as background work (issue 17: "produced by a background job with progress")."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied

from joinedup.core import rls
from joinedup.privacy import exit as partner_exit
from joinedup.privacy.exit_tasks import exit_export_request
from joinedup.privacy.models import ExitExport, ExitExportStatus
from joinedup.testing.people import PeopleTestCase


class ExitExportTaskTests(PeopleTestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.directory = Path(tmp.name) / "wcc"

    def test_a_queued_export_runs_and_records_its_progress_to_the_last_table(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            export = exit_export_request(actor=self.ops_admin, partner=self.council, directory=self.directory)
        with rls.system_context("test: read the export's progress"):
            export = ExitExport.objects.for_partner(self.council).get(pk=export.pk)
        self.assertEqual(export.status, ExitExportStatus.DONE)
        self.assertEqual(export.requested_by, "ops.admin")
        self.assertEqual(export.tables_done, export.tables_total)
        self.assertGreater(export.tables_total, len(partner_exit.owned_models()))
        self.assertEqual(len(export.manifest_sha256), 64)
        self.assertEqual(partner_exit.verify_export(self.directory).problems, [])

    def test_it_refuses_to_queue_an_export_for_a_user_without_the_exit_permission(self) -> None:
        with self.assertRaises(PermissionDenied):
            exit_export_request(actor=self.council_hr, partner=self.council, directory=self.directory)
        with rls.system_context("test: count exports"):
            self.assertEqual(ExitExport.objects.for_partner(self.council).count(), 0)
