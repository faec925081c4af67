from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from joinedup.audit.checkpoints import CheckpointError, latest_checkpoint, write_checkpoint
from joinedup.audit.verification import ChainReport, verify_all
from joinedup.core.dates import people_utc_moment


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` walks every partner's hash chain and checks it against "
        "the latest signed checkpoint; `audit checkpoint` signs the chain heads as they are now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every audit chain and report the first broken link in each.")
        sub.add_parser(
            "checkpoint",
            help="Verify the trail, then append a signed checkpoint of every chain head to "
            "AUDIT_CHECKPOINT_FILE (schedule it: truncation is seen back to the latest checkpoint).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        try:
            checkpoint = latest_checkpoint()
        except CheckpointError as exc:
            raise CommandError(f"The checkpoint file cannot be trusted: {exc}") from exc
        if checkpoint is None:
            console.print(
                f"No signed checkpoint in {settings.AUDIT_CHECKPOINT_FILE}: the newest events could be "
                "removed unseen. Take one with `joinedup audit checkpoint`."
            )
        else:
            console.print(
                f"Checking against signed checkpoint {checkpoint.number} of "
                f"{people_utc_moment(checkpoint.taken_at)}."
            )

        def show(report: ChainReport) -> None:
            mark = "[green]ok[/green]" if report.broken is None else "[red]BROKEN[/red]"
            console.print(f"{mark} {report.chain}: {report.events} events")

        reports = verify_all(progress=show, checkpoint=checkpoint)
        broken = [r.broken for r in reports if r.broken is not None]
        if broken:
            for link in broken:
                self.stderr.write(f"Broken link — {link}")
            if action == "checkpoint":
                raise CommandError(f"{len(broken)} audit chain(s) broken: no checkpoint written.")
            raise CommandError(f"{len(broken)} audit chain(s) broken.")
        total = sum(r.events for r in reports)
        console.print(f"All {len(reports)} chains intact ({total} events).")
        if action == "checkpoint":
            written = write_checkpoint()
            console.print(
                f"Signed checkpoint {written.number} of {len(written.heads)} chain heads appended to "
                f"{settings.AUDIT_CHECKPOINT_FILE}."
            )
