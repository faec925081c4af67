"""The home-page benchmark signs in a user of each role and gets their home page; the queries each
page asks are the same at 50 employees as at 500 (issue 19: no query count that grows with the
number of employees). Speed itself is measured by running it (`joinedup bench home --employees
100000`), never asserted."""

from __future__ import annotations

from datetime import date
from unittest import skipUnless

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import TestCase

from joinedup.bench.home import HISTORY_MONTHS, ROLES, find_seed, run_home_benchmark, seed_home
from joinedup.payroll.models import PayRun, Payslip, RunStatus

TODAY = date(2026, 11, 20)


# On PostgreSQL with row-level security the WSGI application's own request handling (its
# transaction and partner context on the test's connection) is not yet undone between requests
# inside a test case: the figures there come from running the benchmark itself.
@skipUnless(connection.vendor == "sqlite", "the WSGI requests share the test's transaction on SQLite only")
class TestHomeBenchmark(TestCase):
    def setUp(self) -> None:
        # The benchmark asks the WSGI application itself, whose end of request closes the
        # connection (as a server's does); the test's transaction lives on it, so it stays open,
        # as django.test.Client keeps it.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_every_roles_home_page_asks_as_many_queries_at_500_employees_as_at_50(self) -> None:
        # Both seeded first: the shared-services finance officer's page reads a statement per
        # partner charged, and each seed adds a partner.
        seed_home(50, today=TODAY)
        seed_home(500, today=TODAY)
        small = run_home_benchmark(50, runs=1, today=TODAY)
        large = run_home_benchmark(500, runs=1, today=TODAY)
        assert [p.role for p in small.pages] == [name for name, *_ in ROLES]
        assert {status for p in small.pages + large.pages for status in p.statuses} == {200}
        assert large.queries() == small.queries()

    def test_the_seed_pays_everyone_for_13_months_waits_for_this_months_approval_and_is_reused(
        self,
    ) -> None:
        first = run_home_benchmark(50, runs=1, today=TODAY)
        found = find_seed(50)
        assert found is not None
        council, _shared = found
        runs = PayRun.objects.for_partner(council)
        assert runs.filter(status=RunStatus.APPROVED).count() == HISTORY_MONTHS
        assert list(runs.filter(status=RunStatus.CALCULATED).values_list("pay_date", flat=True)) == [
            date(2026, 11, 25)
        ]
        assert Payslip.objects.for_partner(council).count() == 50 * (HISTORY_MONTHS + 1)
        again = run_home_benchmark(50, runs=1, today=TODAY)
        assert (first.seeded_now, again.seeded_now) == (True, False)
