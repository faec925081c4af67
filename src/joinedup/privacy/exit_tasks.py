"""A partner's exit export as background work, run by `joinedup worker` (Django Tasks), with its
progress on an :class:`ExitExport` row for a page to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import SystemActor, is_system
from joinedup.core.worker import queue_with_transaction
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.privacy import exit as partner_exit
from joinedup.privacy.exit_manifest import MANIFEST, sha256_of
from joinedup.privacy.models import ExitExport, ExitExportStatus

REASON = "worker: a partner's exit export"


@transaction.atomic
def exit_export_request(*, actor: Any, partner: Partner, directory: Path) -> ExitExport:
    """Queue the partner's exit export into ``directory``; the worker acts as whoever asked."""
    authorise(actor, partner_exit.PERMISSION, partner)
    label = actor.label if is_system(actor) else actor.get_username()
    export = ExitExport.objects.create(
        partner=partner, directory=str(directory), requested_by=label[:150], requested_at=timezone.now()
    )
    # In the global chain, as the export itself is: asking must not change what is exported.
    record_event(
        actor=actor,
        partner=None,
        action="privacy.partner_export_requested",
        target=export,
        after={"partner": partner.code, "directory": str(directory)},
    )
    requester = (
        {"actor_id": None, "system_reason": actor.reason, "operator": actor.operator}
        if is_system(actor)
        else {"actor_id": actor.pk}
    )
    queue_with_transaction(run_exit_export, export.pk, **requester)
    return export


@task()
def run_exit_export(
    export_id: int, actor_id: int | None, system_reason: str = "", operator: str | None = None
) -> int:
    """Write the export; the row's progress moves as each table is written. Rows written."""
    with rls.session_context(f"{REASON} {export_id}"):
        rows = ExitExport.objects.unscoped(reason="a worker acts on the export it was given").filter(
            pk=export_id
        )
        export = rows.select_related("partner").get()
        actor = (
            get_user_model().objects.get(pk=actor_id)
            if actor_id is not None
            else SystemActor(
                reason=f"{system_reason or 'partner exit export'} (in the background)", operator=operator
            )
        )
        rows.update(status=ExitExportStatus.RUNNING)

        def progress(step: partner_exit.Progress) -> None:
            rows.update(
                tables_done=step.tables_done,
                tables_total=step.tables_total,
                current_table=step.model,
            )

        try:
            manifest = partner_exit.export_partner(
                actor=actor, partner=export.partner, directory=Path(export.directory), progress=progress
            )
        except Exception as exc:
            rows.update(status=ExitExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
            raise
        total = sum(t.rows for t in manifest.tables)
        rows.update(
            status=ExitExportStatus.DONE,
            rows=total,
            current_table="",
            finished_at=timezone.now(),
            manifest_sha256=sha256_of(Path(export.directory) / MANIFEST),
        )
        return total
