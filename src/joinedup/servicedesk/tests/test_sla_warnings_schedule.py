"""``joinedup worker`` runs the service-level warnings every JOINEDUP_SLA_WARNINGS_EVERY_MINUTES
(core/worker.py's Schedule; default 5, 0 turns them off): at the first tick, then once an interval
has passed, never twice within one; and a run repeated notices nothing twice. The clock is
injected: nothing sleeps."""

from __future__ import annotations

import logging

from django.test import SimpleTestCase, override_settings

from joinedup.audit.models import AuditEvent
from joinedup.core.worker import Periodic, Schedule, periodic_jobs
from joinedup.servicedesk import services
from joinedup.servicedesk.models import EventKind, TicketEvent
from joinedup.servicedesk.sla_warnings import scheduled_run
from joinedup.servicedesk.tests.clockbase import ClockTestCase, at, frozen


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScheduleTests(SimpleTestCase):
    def test_a_job_runs_at_the_first_tick_then_once_per_interval_and_never_twice_within_one(self) -> None:
        clock, runs = Clock(), []
        schedule = Schedule([Periodic("count", lambda: runs.append(clock.now), 300.0)], clock=clock)
        for offset in (0, 1, 299.9, 300, 301, 599.9, 600):
            clock.now = 1000.0 + offset
            schedule.tick()
        assert runs == [1000.0, 1300.0, 1600.0]

    def test_a_failing_job_is_logged_and_waits_its_interval(self) -> None:
        clock, calls = Clock(), []

        def fails() -> None:
            calls.append(clock.now)
            raise RuntimeError("database gone")

        schedule = Schedule([Periodic("fails", fails, 300.0)], clock=clock)
        with self.assertLogs("joinedup.core.worker", level=logging.ERROR) as logged:
            assert schedule.tick() == ["fails"]
        clock.now += 10
        assert schedule.tick() == []
        assert calls == [1000.0]
        assert "Periodic job fails failed; it runs again in 300.0 seconds." in logged.output[0]

    def test_the_warnings_run_every_five_minutes_by_default_and_zero_turns_them_off(self) -> None:
        jobs = periodic_jobs()
        assert [(j.name, j.run, j.every) for j in jobs][:1] == [
            ("servicedesk sla-warnings", scheduled_run, 300.0)
        ]
        with override_settings(
            WORKER_PERIODIC=[
                ("servicedesk sla-warnings", "joinedup.servicedesk.sla_warnings.scheduled_run", 0)
            ]
        ):
            assert periodic_jobs() == []


class ScheduledWarningsTests(ClockTestCase):
    def test_a_scheduled_run_past_the_interval_notices_nothing_twice(self) -> None:
        # A P3 raised Monday 30 November 09:00 and assigned: by Tuesday 09:45 its response
        # (240 minutes) has run 555 and breached (test_sla_warnings.py).
        ticket = self.raised(at(11, 30, 9))
        with frozen(at(11, 30, 9, 5)):
            services.assign(actor=self.agent, ticket=ticket, team=self.ict, assignee=self.agent)
        clock = Clock()
        # The service desk's job alone (the worker runs others too, e.g. privacy sar-expiry).
        jobs = [j for j in periodic_jobs() if j.name == "servicedesk sla-warnings"]
        schedule = Schedule(jobs, clock=clock)
        with frozen(at(12, 1, 9, 45)):
            assert schedule.tick() == ["servicedesk sla-warnings"]
        clock.now += 300
        with frozen(at(12, 1, 9, 50)):
            assert schedule.tick() == ["servicedesk sla-warnings"]
        notices = TicketEvent.objects.for_partner(self.council).filter(
            kind__in=[EventKind.WARNING, EventKind.BREACH]
        )
        assert [(n.kind, n.body.split(" ", 1)[0]) for n in notices] == [("breach", "Response")]
        runs = AuditEvent.objects.unscoped(reason="the test reads the system's runs").filter(
            action="servicedesk.sla_warnings_run"
        )
        # Two runs, each recorded, named for the worker (and the OS user it runs as).
        labels = [r.actor_label.rsplit("): ", 1)[-1] for r in runs]
        assert labels == ["joinedup worker: servicedesk sla-warnings"] * 2
