"""The files a pay run produces for others — the payroll journal, the BACS payment file and the
RTI Full Payment Submission — and who may take them. Web, API and CLI all fetch them here, so
the same users are refused everywhere.

The journal (cost-centre totals, no personal data) goes to anyone who may view the run; the
BACS file (bank details and net pay of every employee) and the FPS (the return to HMRC) only
to payroll officers, who hold the permission that calculates the payroll. Fetching one reads
and writes nothing else."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.partnership.permissions import authorise
from joinedup.payroll.documents import bacs_file, fps_for_run
from joinedup.payroll.journal import build_journal, write_journal_csv
from joinedup.payroll.models import PayRun

JOURNAL, BACS, FPS = "journal", "bacs", "fps"

# kind: (the permission it needs, what the refusal says)
_WHO = {
    JOURNAL: ("payroll.view", "Only those who may view the pay run download its journal."),
    BACS: ("payroll.calculate", "Only payroll officers download payment files."),
    FPS: ("payroll.calculate", "Only payroll officers download the submission."),
}


@dataclass(frozen=True)
class RunFile:
    content: bytes
    content_type: str
    filename: str
    left_out: list[str] = field(default_factory=list)  # BACS: payroll numbers not paid by it


def may_download(user: Any, run: PayRun, kind: str) -> bool:
    try:
        authorise_download(user, run, kind)
    except PermissionDenied:
        return False
    return True


def authorise_download(user: Any, run: PayRun, kind: str) -> None:
    """Raise PermissionDenied, saying who may, unless ``user`` may take this file of the run."""
    permission, refusal = _WHO[kind]
    try:
        authorise(user, permission, run.partner_id)
    except PermissionDenied as exc:
        raise PermissionDenied(refusal) from exc


def run_file(user: Any, *, run: PayRun, kind: str, processing_date: date | None = None) -> RunFile:
    """One of the run's files for ``user``: PermissionDenied without the right, ValidationError
    when the run cannot produce it (not approved yet, no employer bank details, a BACS processing
    day already gone, an FPS that HMRC would reject). ``processing_date`` is the BACS file's
    processing day (default: the pay date; required once the pay date has passed)."""
    authorise_download(user, run, kind)
    if kind == JOURNAL:
        out = io.StringIO()
        write_journal_csv(build_journal(run), out)
        return RunFile(out.getvalue().encode(), "text/csv; charset=utf-8", f"payroll-journal-{run.pk}.csv")
    if kind == BACS:
        text, left_out = bacs_file(run, processing_date=processing_date)
        return RunFile(text.encode("ascii"), "text/plain; charset=us-ascii", f"bacs-{run.pk}.txt", left_out)
    try:
        xml = fps_for_run(run)
    except ValueError as exc:
        raise ValidationError({"fps": str(exc)}) from exc
    return RunFile(xml, "application/xml", f"fps-{run.pk}.xml")
