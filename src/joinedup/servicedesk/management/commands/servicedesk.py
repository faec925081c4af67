"""``joinedup servicedesk …``: the service desk's clock, for people and for checking, and the
poller of its mailbox (``poll-mailbox [--maildir PATH] [--json]``, which appends each reply to
its ticket as servicedesk/inbound.py says, and prints a line per message and the counts, or with
``--json`` one object ``{"read": n, "appended": n, "skipped": n, "refused": n}``),
and the service-level warnings (``sla-warnings [--as-of TIME] [--json]``: see
servicedesk/sla_warnings.py).

    joinedup servicedesk business-time --from 2026-12-24T16:00 --to 2027-01-04T10:00 \\
        --hours 08:30-17:00 --calendar england-and-wales [--pause FROM/TO …] [--json]

Times are Europe/London unless they carry an offset; ``--hours`` is ``24x7`` or windows such as
``08:30-17:00`` (Monday to Friday) or ``mon-fri 08:00-18:00, sat 09:00-12:30``. It reads no
database and uses the same function as the service-level clocks. Bad input exits 2 with the
reason."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.core.bank_holidays import HOLIDAYS_VERSION, NATIONS
from joinedup.partnership.cli import operator
from joinedup.servicedesk import business_time as bt
from joinedup.servicedesk import email_in, inbound, mailbox, sla_warnings

BAD_INPUT = 2  # as argparse uses for a bad argument


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _pause(text: str, index: int) -> tuple[datetime, datetime]:
    start, slash, end = text.partition("/")
    if not slash:
        raise bt.BusinessTimeError(
            f"--pause {text!r}: expected FROM/TO, e.g. 2026-12-29T09:00/2026-12-29T12:00"
        )
    return bt.parse_local(start, f"pause {index} start"), bt.parse_local(end, f"pause {index} end")


def _duration(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


class Command(BaseCommand):
    help = "The service desk's clock: business minutes between two times on a calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        clock = sub.add_parser(
            "business-time", help="Business minutes between two Europe/London times on a calendar."
        )
        clock.add_argument("--from", dest="start", required=True, help="e.g. 2026-12-24T16:00")
        clock.add_argument("--to", dest="end", required=True, help="e.g. 2027-01-04T10:00")
        clock.add_argument(
            "--hours", default="08:30-17:00", help="24x7, or e.g. 08:30-17:00 (Monday to Friday)"
        )
        clock.add_argument("--calendar", default="england-and-wales", help=" | ".join(NATIONS))
        clock.add_argument(
            "--pause", action="append", default=[], help="FROM/TO: the clock stops (may be repeated)"
        )
        clock.add_argument("--json", action="store_true", help="Print one JSON object.")
        poll = sub.add_parser(
            "poll-mailbox", help="Read replies to ticket notifications from the service desk's mailbox."
        )
        poll.add_argument("--maildir", default="", help="A local Maildir (default: the settings' mailbox).")
        poll.add_argument("--json", action="store_true", help="Print one JSON object of the counts.")
        warn = sub.add_parser(
            "sla-warnings",
            help=(
                "Warn the assignee (or team) of open tickets nearing or past a service-level target, "
                "once. `joinedup worker` runs it every JOINEDUP_SLA_WARNINGS_EVERY_MINUTES (default 5); "
                "without a worker, run it from cron ('*/5 * * * * joinedup servicedesk sla-warnings') "
                "or a systemd timer (OnCalendar=*:0/5) starting a oneshot service that runs it."
            ),
        )
        warn.add_argument(
            "--as-of", default="", help="Measure at this time (default now), e.g. 2026-12-01T10:00"
        )
        warn.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "poll-mailbox":
            self.poll_mailbox(options["maildir"], as_json=options["json"])
            return
        if options["action"] == "sla-warnings":
            self.sla_warnings(options["as_of"], as_json=options["json"])
            return
        try:
            start = bt.parse_local(options["start"], "--from")
            end = bt.parse_local(options["end"], "--to")
            calendar = bt.Calendar(hours=bt.parse_hours(options["hours"]), nation=options["calendar"])
            pauses = [_pause(text, index) for index, text in enumerate(options["pause"], start=1)]
            exact = bt.business_microseconds(calendar, start, end, pauses)
            unpaused = bt.business_microseconds(calendar, start, end)
            closed = [] if calendar.hours.always else bt.holidays_between(calendar, start, end)
        except bt.BusinessTimeError as error:
            raise _bad(str(error)) from None
        minutes = exact // bt.MINUTE
        paused = unpaused // bt.MINUTE - minutes
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "business_minutes": minutes,
                        "paused_business_minutes": paused,
                        "from": start.isoformat(),
                        "to": end.isoformat(),
                        "hours": str(calendar.hours),
                        "calendar": calendar.nation,
                        "bank_holidays": [{"date": day.isoformat(), "name": name} for day, name in closed],
                        "holidays_package": HOLIDAYS_VERSION,
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(f"From {start.isoformat()} to {end.isoformat()} (Europe/London)")
        self.stdout.write(f"Hours: {calendar.hours}; calendar: {calendar.nation}")
        for day, name in closed:
            self.stdout.write(f"  bank holiday {day.isoformat()} {day:%a}: {name}")
        if pauses:
            self.stdout.write(f"Paused: {paused} business minutes")
        self.stdout.write(f"Business minutes: {minutes:,} ({_duration(minutes)})")

    def sla_warnings(self, as_of_text: str, *, as_json: bool) -> None:
        try:
            as_of = bt.parse_local(as_of_text, "--as-of") if as_of_text else None
            run = sla_warnings.sla_warnings(actor=operator("servicedesk sla-warnings"), as_of=as_of)
        except bt.BusinessTimeError as error:
            raise _bad(str(error)) from None
        except ValidationError as error:
            raise _bad(" ".join(error.messages)) from None
        if as_json:
            self.stdout.write(json.dumps(run.as_json(), indent=2))
            return
        self.stdout.write(
            f"Checked {run.checked} open tickets at {run.as_of.isoformat()}: "
            f"{run.warned} warned, {run.breached} breached."
        )
        for notice in run.tickets:
            told = ", ".join(notice["notified"]) or "nobody (no assignee or team)"
            self.stdout.write(f"  {notice['reference']} {notice['clock']} {notice['stage']}: told {told}")

    def poll_mailbox(self, maildir: str, *, as_json: bool) -> None:
        """Append each waiting reply to its ticket (inbound.append) and confirm it in the mailbox
        once its transaction has committed; a crash leaves the rest to be read again."""
        try:
            source = mailbox.from_settings(settings, maildir=maildir)
        except mailbox.MailboxError as error:
            raise _bad(str(error)) from None
        counts = {inbound.APPENDED: 0, inbound.SKIPPED: 0, inbound.REFUSED: 0}

        def handle(message: email_in.Inbound) -> bool:
            outcome = inbound.append(message)
            counts[outcome.kind] += 1
            if not as_json:
                self.stdout.write(
                    f"{outcome.kind}: {message.reference or '(no reference)'} from "
                    f"{message.sender or '(no sender)'}: {outcome.why}"
                )
            return True

        try:
            read, _ = mailbox.poll(source, handle)
        except mailbox.MailboxError as error:
            raise CommandError(str(error)) from None
        finally:
            source.close()
        if as_json:
            self.stdout.write(json.dumps({"read": read, **counts}))
            return
        self.stdout.write(
            f"{read} message(s) read: {counts[inbound.APPENDED]} appended, "
            f"{counts[inbound.SKIPPED]} skipped, {counts[inbound.REFUSED]} refused."
        )
