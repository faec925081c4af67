from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from joinedup.bench.demo.seed import (
    DEMO_PASSWORD,
    DEMO_TOTP_KEY_BASE32,
    USERS,
    needs_second_factor,
    seed_demo,
)
from joinedup.bench.people import analyze
from joinedup.core import rls


class Command(BaseCommand):
    help = "Set up the demo partnership (idempotent) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--employees", type=int, default=3000, help="Employee accounts to seed (default 3000)."
        )
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then exit.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Serve without a background worker (pay runs started from the web then wait for one).",
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(
        self, *args: Any, employees: int, no_serve: bool, no_worker: bool, addrport: str, **options: Any
    ) -> None:
        if employees < 0:
            self.stderr.write("--employees must be zero or more.")
            raise SystemExit(2)
        call_command("migrate", interactive=False, verbosity=0)
        with rls.session_context("demo: seed the demonstration partnership"):
            seed_demo(employees=employees, say=self.stdout.write)
        # The planner's statistics, as a database that has been running a while has them (on
        # PostgreSQL autovacuum would get there; SQLite never does by itself): without them
        # SQLite reads every employment of a partner to find a name (bench pages).
        analyze()
        db = settings.DATABASES["default"]
        self.stdout.write(f"\nDatabase: {str(db['ENGINE']).rsplit('.', 1)[-1]} {db['NAME']}")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, grants in USERS:
            roles = ", ".join(f"{role} at {code}" for code, role in grants)
            mark = "*" if needs_second_factor(grants) else " "
            self.stdout.write(f" {mark}{username:18} {full_name:14} {roles}")
        self.stdout.write(
            "* signs in with a second step too: add the demo key "
            f"{DEMO_TOTP_KEY_BASE32} to an authenticator app (time-based, 6 digits, 30 seconds),\n"
            f"  or run `joinedup otp code --key {DEMO_TOTP_KEY_BASE32}` for the code it shows now."
        )
        if no_serve:
            return
        # Pay runs and imports started from the web are background tasks: the demo runs one
        # worker beside the web server, and stops it with the server.
        worker = None
        if not no_worker and not str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend"):
            worker = subprocess.Popen([sys.executable, "-m", "joinedup.cli", "worker"])  # noqa: S603
            self.stdout.write(f"Background worker started (process {worker.pid}).")
        self.stdout.write(f"\nServing on http://{addrport}/ — Ctrl-C to stop.")
        try:
            call_command("serve", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
