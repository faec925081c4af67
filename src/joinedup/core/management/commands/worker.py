from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from joinedup.core.worker import Schedule, periodic_jobs, requeue_orphans, start_periodic, worker_id


class Command(BaseCommand):
    help = (
        "Run a background worker: it takes queued jobs (pay runs, imports, exports) from the "
        "database. Start as many as you like, on any machine that reaches the database. On "
        "starting it queues again the jobs that a dead worker of this machine left running. "
        "Unless --batch, it also runs the service desk's service-level warnings every "
        "JOINEDUP_SLA_WARNINGS_EVERY_MINUTES (default 5; 0 turns them off), on a thread of their "
        "own, safe to run from several workers. Without a worker (or with 0), run them from cron, "
        "e.g. '*/5 * * * * joinedup servicedesk sla-warnings', or a systemd timer "
        "(OnCalendar=*:0/5) starting a oneshot service whose ExecStart is "
        "'joinedup servicedesk sla-warnings'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="default", help="Queue to take jobs from.")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, queue: str, batch: bool, interval: float, **options: Any) -> None:
        for recovered in requeue_orphans():
            self.stdout.write(f"Recovered {recovered}.")
        jobs = [] if batch else periodic_jobs()
        if jobs:
            start_periodic(Schedule(jobs))
            for job in jobs:
                self.stdout.write(f"Running {job.name} every {job.every / 60:g} minutes.")
        # Named after this machine and process, so that a worker starting after this one dies
        # knows its jobs are orphans (core/worker.py). No reloader: a code change must not kill
        # a job half way, and a killed reloader would leave its child working unseen.
        call_command(
            "db_worker",
            queue_name=queue,
            batch=batch,
            interval=interval,
            worker_id=worker_id(),
            reload=False,
            # A poller's random start-up delay spreads a restarted fleet; a batch drains now.
            startup_delay=not batch,
            verbosity=options.get("verbosity", 1),
        )
