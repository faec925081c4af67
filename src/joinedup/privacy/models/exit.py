from __future__ import annotations

from django.db import models

from joinedup.core.tenancy import PartnerScopedManager

__all__ = ["ExitExport", "ExitExportStatus"]


class ExitExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExitExport(models.Model):
    """One exit export asked for in the background (privacy/exit_tasks.py), with its progress for a
    page to show: tables written of the tables to write, the table being written, rows so far.
    The partner's own, so it is in its export (as it stood when that table was read) and erased."""

    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    directory = models.CharField(max_length=500)
    status = models.CharField(
        max_length=10, choices=ExitExportStatus.choices, default=ExitExportStatus.QUEUED
    )
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    tables_done = models.PositiveIntegerField(default=0)
    tables_total = models.PositiveIntegerField(default=0)
    current_table = models.CharField(max_length=100, blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    objects = PartnerScopedManager["ExitExport"]()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"exit export {self.pk} of partner {self.partner_id}: {self.status}"
