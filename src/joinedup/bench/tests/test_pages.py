"""Issue 18, the load targets: what each page of the load scenario asks of the database, held
at what `joinedup bench pages` measured once the per-request repeats were gone (one membership
query for roles, partners and the second-factor rule; the search page's ways through their
indexes). A page that starts asking more fails here before it shows in the load test."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from joinedup.bench.load.plan import prepare_plan
from joinedup.bench.pages import MIX, _choose_partner, _paths

LOCUSTFILE = Path(__file__).resolve().parents[1] / "load" / "locustfile.py"

# Queries of one request to each page, after one request to it (as a worker's later requests):
# the session, the user, the second-factor device, the memberships (with their partners), the
# user's own person record for the menu, the header's unread notifications (a bounded read of at
# most 100 ids, not a COUNT), and what the page itself reads.
QUERIES = {
    "employee: my payslips": 12,
    "employee: payslip": 12,
    "HR: people search": 15,
    "HR: person record": 23,
    "payroll: pay runs": 8,
    "payroll: pay run": 11,  # an approved run's totals are kept on it, not summed from its payslips
    # The partner's periods read once, for the picker, the current period and the range.
    "finance: trial balance (month)": 9,
    "finance: trial balance (year)": 9,
}

# A search asks one query per way it reads the text (an NI number, a lower-case payroll number
# and a name of two words add one each): the figure is the most (13-15 seen); a person's
# record asks one more for a person holding a post (16-17).
VARIES = {"HR: people search", "HR: person record"}


def _app_queries(captured: list[dict[str, Any]]) -> list[str]:
    """The statements the page asked for. With row-level security on (the PostgreSQL suite) the
    middleware also runs the request in a transaction (a savepoint inside the test's) and sets
    the user's partners as its context (set_config): those are left out here. The partners come
    from the memberships the permissions read anyway, so they cost no query of their own."""
    return [
        q["sql"]
        for q in captured
        if "set_config(" not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


class TestPageQueries(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", "--no-serve", "--employees", "60", stdout=StringIO())

    def test_each_page_of_the_load_scenario_asks_no_more_queries_than_measured(self) -> None:
        plan = prepare_plan(employee_accounts=1, searches=8)
        for name, (identity, paths) in _paths(plan).items():
            _choose_partner(identity)
            client = Client()
            client.cookies[plan["cookie_name"]] = identity["session"]
            assert client.get(next(paths)).status_code == 200
            path = next(paths)
            with self.subTest(page=name, path=path), CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
                asked = _app_queries(captured.captured_queries)
                if name in VARIES:
                    assert len(asked) <= QUERIES[name], "\n".join(asked)
                else:
                    assert len(asked) == QUERIES[name], "\n".join(asked)

    def test_a_search_that_finds_one_person_counts_without_reading_everyone(self) -> None:
        plan = prepare_plan(employee_accounts=1, searches=8)
        hr = plan["roles"]["hr"][0]
        client = Client()
        client.cookies[plan["cookie_name"]] = hr["session"]
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/people", {"q": "WCC000001"}).content.decode()
        assert "1 person found" in page
        asked = _app_queries(captured.captured_queries)
        assert not [sql for sql in asked if "COUNT(" in sql.upper()], "\n".join(asked)


def test_the_pages_are_the_locustfiles_tasks_in_its_weights() -> None:
    # bench pages weighs its pages as the locustfile's users do: user weight x task weight.
    text = LOCUSTFILE.read_text()
    names = set(re.findall(r'"((?:employee|HR|payroll|finance): [^"]+)"', text))
    assert names == set(MIX)
    assert sum(MIX.values()) == 4 * 3 + 3 * 5 + 1 * 3 + 2 * 4
