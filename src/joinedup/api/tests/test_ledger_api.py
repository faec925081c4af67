"""The ledger API over the hand-worked ledger of :mod:`joinedup.ledger.tests.fixtures`: each
route's answer, 401 without a token, 404 for another partner's ledger (with nothing changed),
and 422 naming the field at fault."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from joinedup.api.main import api
from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import Account, Journal, JournalSource
from joinedup.ledger.tests.fixtures import LedgerReportsTestCase

ROUTES = [
    ("GET", "/api/v1/partners/{partner}/accounts"),
    ("GET", "/api/v1/partners/{partner}/cost-centres"),
    ("GET", "/api/v1/partners/{partner}/periods"),
    ("GET", "/api/v1/partners/{partner}/trial-balance?period=2026-05"),
    ("GET", "/api/v1/partners/{partner}/budget-vs-actual?from=2026-05&to=2026-05"),
    ("GET", "/api/v1/partners/{partner}/journals"),
    ("POST", "/api/v1/partners/{partner}/journals"),
    ("GET", "/api/v1/journals/{journal}"),
    ("POST", "/api/v1/journals/{journal}/reverse"),
]

DATE_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

STATIONERY = {
    "date": "2026-07-01",
    "description": "Envelopes",
    "lines": [
        {"account": "4200", "debit": 1_999, "cost_centre": "HR", "description": "Envelopes"},
        {"account": "B100", "credit": 1_999},
    ],
}


class LedgerApiTestCase(LedgerReportsTestCase):
    def url(self, template: str) -> str:
        return template.format(partner=self.council.pk, journal=self.may_stationery.pk)

    def send(self, client: Client, method: str, template: str, body: dict[str, Any] | None = None) -> Any:
        if method == "GET":
            return client.get(self.url(template))
        return client.post(self.url(template), body or {}, content_type="application/json")

    def state(self) -> tuple[Any, ...]:
        """Everything a refused call must leave as it was."""
        return (*self.written(self.council), AuditEvent.objects.for_partner(self.council).count())


class TestLedgerReads(LedgerApiTestCase):
    def test_the_chart_cost_centres_and_periods_are_listed(self) -> None:
        client = self.api(self.council_finance)
        accounts = client.get(self.url("/api/v1/partners/{partner}/accounts")).json()
        assert accounts["count"] == Account.objects.for_partner(self.council).count() > 40
        assert accounts["items"][0] == {
            "id": accounts["items"][0]["id"],
            "code": "1000",
            "name": "Salaries and wages",
            "type": "expense",
            "group": "Employees",
            "inter_partner": False,
            "active": True,
        }
        centres = client.get(self.url("/api/v1/partners/{partner}/cost-centres")).json()
        assert [(c["code"], c["parent_code"]) for c in centres["items"]] == [
            ("CC-C-HR-01", "HR"),
            ("HR", None),
            ("SHARED-POSTS", None),
            ("UNALLOCATED", None),
        ]
        periods = client.get(self.url("/api/v1/partners/{partner}/periods")).json()
        assert periods["count"] == 12
        assert {k: periods["items"][1][k] for k in ("month", "year", "number", "status", "closed_at")} == {
            "month": "2026-05",
            "year": "2026/27",
            "number": 2,
            "status": "open",
            "closed_at": None,
        }

    def test_the_trial_balance_of_a_month(self) -> None:
        body = self.api(self.council_viewer).get(self.url(ROUTES[3][1])).json()
        assert body["period"]["month"] == "2026-05"
        assert [(r["account"], r["debits"], r["credits"], r["balance"]) for r in body["rows"]] == [
            ("4200", 15_346, 0, 15_346),
            ("9000", 0, 2_550, -2_550),
            ("B100", 2_550, 15_346, -12_796),
        ]
        assert (body["total_debits"], body["total_credits"]) == (17_896, 17_896)

    def test_budget_against_actual_with_the_tree_rolled_up(self) -> None:
        body = self.api(self.council_finance).get(self.url(ROUTES[4][1])).json()
        assert (body["period_from"], body["period_to"]) == ("2026-05", "2026-05")
        hr, team = body["sections"]
        assert (hr["cost_centre"], hr["parent"], hr["depth"]) == ("HR", None, 0)
        assert (team["cost_centre"], team["parent"], team["depth"]) == ("CC-C-HR-01", "HR", 1)
        assert hr["lines"] == [
            {
                "account": "4200",
                "account_name": "Printing, stationery and postage",
                "account_type": "expense",
                "figures": {
                    "budget": 10_000,
                    "actual": 12_345,
                    "variance": 2_345,
                    "variance_percent": "23.5",
                },
            }
        ]
        assert hr["total"] == {
            "budget": 13_000,
            "actual": 12_796,
            "variance": -204,
            "variance_percent": "-1.6",
        }
        assert body["total"] == hr["total"]

    def test_budget_against_actual_over_a_range_and_a_range_that_runs_backwards(self) -> None:
        client = self.api(self.council_finance)
        body = client.get(
            self.url("/api/v1/partners/{partner}/budget-vs-actual?from=2026-04&to=2026-06")
        ).json()
        assert body["total"] == {
            "budget": 13_000,
            "actual": -86_427,
            "variance": -99_427,
            "variance_percent": "-764.8",
        }
        backwards = client.get(
            self.url("/api/v1/partners/{partner}/budget-vs-actual?from=2026-06&to=2026-05")
        )
        assert backwards.status_code == 422
        assert backwards.json()["errors"] == {"to": ["The range ends before it starts."]}

    def test_journals_are_listed_newest_first_and_narrowed_by_period_and_source(self) -> None:
        client = self.api(self.council_finance)
        every = client.get(self.url("/api/v1/partners/{partner}/journals")).json()
        assert [j["description"] for j in every["items"]] == [
            "Late stationery",
            "Training income",
            "Stationery",
            "Fees received",
        ]
        may = client.get(self.url("/api/v1/partners/{partner}/journals?period=2026-05")).json()
        assert [j["id"] for j in may["items"]] == [self.training.pk, self.may_stationery.pk]
        assert (
            client.get(self.url("/api/v1/partners/{partner}/journals?source=reversal")).json()["count"] == 0
        )

    def test_a_journal_with_its_lines(self) -> None:
        body = self.api(self.council_finance).get(self.url("/api/v1/journals/{journal}")).json()
        assert {
            k: body[k] for k in ("period", "date", "source", "description", "posted_by", "reversed_by_id")
        } == {
            "period": "2026-05",
            "date": "2026-05-15",
            "source": "manual",
            "description": "Stationery",
            "posted_by": "council.finance",
            "reversed_by_id": None,
        }
        assert [(ln["account"], ln["cost_centre"], ln["debit"], ln["credit"]) for ln in body["lines"]] == [
            ("4200", "HR", 12_345, 0),
            ("4200", "CC-C-HR-01", 3_001, 0),
            ("B100", None, 0, 15_346),
        ]

    def test_a_month_with_no_period_names_the_period(self) -> None:
        response = self.api(self.council_finance).get(
            self.url("/api/v1/partners/{partner}/trial-balance?period=2031-01")
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "period": ["Wessex County Council has no financial period for January 2031."]
        }


class TestLedgerWrites(LedgerApiTestCase):
    def test_a_finance_officer_posts_a_journal(self) -> None:
        response = self.api(self.council_finance).post(
            self.url("/api/v1/partners/{partner}/journals"), STATIONERY, content_type="application/json"
        )
        assert response.status_code == 201
        body = response.json()
        journal = Journal.objects.for_partner(self.council).get(pk=body["id"])
        assert (journal.description, journal.source, body["period"]) == (
            "Envelopes",
            JournalSource.MANUAL,
            "2026-07",
        )
        assert [(ln["account"], ln["debit"], ln["credit"]) for ln in body["lines"]] == [
            ("4200", 1_999, 0),
            ("B100", 0, 1_999),
        ]

    def test_posting_with_the_same_key_twice_returns_the_first_journal(self) -> None:
        client = self.api(self.council_finance)
        body = {**STATIONERY, "idempotency_key": "invoice:88"}
        first = client.post(self.url(ROUTES[6][1]), body, content_type="application/json").json()
        state = self.state()
        second = client.post(self.url(ROUTES[6][1]), body, content_type="application/json").json()
        assert second["id"] == first["id"]
        assert self.state() == state

    def test_a_key_the_system_posts_under_is_refused_and_nothing_is_written(self) -> None:
        # Issue 20: a manual journal keyed payroll-run:6 would stand in for run 6's journal.
        state = self.state()
        body = {**STATIONERY, "idempotency_key": "payroll-run:6"}
        response = self.api(self.council_finance).post(
            self.url(ROUTES[6][1]), body, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "idempotency_key": [
                "Keys starting payroll-run:, recharge:, secondment:, reversal:, import:, manual: are "
                "kept for the journals the system posts itself: choose another key."
            ]
        }
        assert self.state() == state

    def test_an_unbalanced_journal_names_the_lines_and_writes_nothing(self) -> None:
        state = self.state()
        body = {
            **STATIONERY,
            "lines": [
                {"account": "4200", "debit": 100, "cost_centre": "HR"},
                {"account": "B100", "credit": 99},
            ],
        }
        response = self.api(self.council_finance).post(
            self.url(ROUTES[6][1]), body, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "lines": ["Debits £1.00 and credits £0.99 differ by £0.01: a journal must balance to the penny."]
        }
        assert self.state() == state

    def test_a_bad_line_and_a_malformed_body_name_their_fields(self) -> None:
        client = self.api(self.council_finance)
        state = self.state()
        body = {
            **STATIONERY,
            "lines": [{"account": "7777", "debit": 5, "cost_centre": "HR"}, {"account": "B100", "credit": 5}],
        }
        response = client.post(self.url(ROUTES[6][1]), body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "lines[0].account": ["Wessex County Council has no account '7777'."]
        }
        malformed = client.post(
            self.url(ROUTES[6][1]), {**STATIONERY, "date": "someday"}, content_type="application/json"
        )
        assert malformed.status_code == 422
        assert list(malformed.json()["errors"]) == ["body.date"]
        assert self.state() == state

    def test_a_viewer_cannot_post_or_reverse(self) -> None:
        client = self.api(self.council_viewer)
        state = self.state()
        for method, template, body in (
            ("POST", ROUTES[6][1], STATIONERY),
            ("POST", ROUTES[8][1], {}),
        ):
            response = self.send(client, method, template, body)
            assert response.status_code == 403
            assert "ledger.post" in response.json()["detail"]
        assert self.state() == state

    def test_a_journal_is_reversed_once(self) -> None:
        client = self.api(self.council_finance)
        response = client.post(
            self.url(ROUTES[8][1]), {"date": "2026-07-01"}, content_type="application/json"
        )
        assert response.status_code == 201
        reversal = response.json()
        assert (reversal["reverses_id"], reversal["date"], reversal["source"]) == (
            self.may_stationery.pk,
            "2026-07-01",
            "reversal",
        )
        assert [(ln["account"], ln["debit"], ln["credit"]) for ln in reversal["lines"]] == [
            ("4200", 0, 12_345),
            ("4200", 0, 3_001),
            ("B100", 15_346, 0),
        ]
        state = self.state()
        again = client.post(self.url(ROUTES[8][1]), {}, content_type="application/json").json()
        assert again["id"] == reversal["id"]
        assert self.state() == state
        original = client.get(self.url("/api/v1/journals/{journal}")).json()
        assert original["reversed_by_id"] == reversal["id"]

    def test_a_reversal_into_a_closed_period_is_refused_with_nothing_written(self) -> None:
        from joinedup.ledger.services import period_close

        period_close(actor=self.council_finance, period=self.may)
        state = self.state()
        response = self.api(self.council_finance).post(
            self.url(ROUTES[8][1]), {}, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "date": ["2026/27 period 2 (May 2026) is closed: post into an open period."]
        }
        assert self.state() == state


class TestLedgerAccess(LedgerApiTestCase):
    def test_every_route_needs_a_token(self) -> None:
        state = self.state()
        for method, template in ROUTES:
            with self.subTest(f"{method} {template}"):
                response = self.send(Client(), method, template, STATIONERY)
                assert response.status_code == 401
        assert self.state() == state

    def test_every_route_answers_404_to_another_partners_finance_officer_and_changes_nothing(self) -> None:
        client = self.api(self.police_finance)
        state = self.state()
        for method, template in ROUTES:
            with self.subTest(f"{method} {template}"):
                response = self.send(client, method, template, STATIONERY if "partners" in template else {})
                assert response.status_code == 404
                assert response.json() == {"detail": "Not found."}
        assert self.state() == state
        assert Journal.objects.for_partner(self.council).filter(reverses=self.may_stationery).count() == 0


class TestNulCharacters(LedgerApiTestCase):
    """PostgreSQL can neither store nor compare text with a NUL character: every API request
    holding one is refused as invalid input, naming the field, before it reaches the database."""

    def test_a_nul_in_a_journal_line_is_refused_naming_the_field_and_nothing_is_posted(self) -> None:
        before = self.state()
        body = {
            **STATIONERY,
            "lines": [
                {"account": "42\x0000", "debit": 1_999, "cost_centre": "HR"},
                {"account": "B100", "credit": 1_999},
            ],
        }
        response = self.send(
            self.api(self.council_finance), "POST", "/api/v1/partners/{partner}/journals", body
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"lines.0.account": ["Text may not contain a NUL character."]}
        assert self.state() == before

    def test_a_nul_in_a_key_is_refused_naming_the_key_with_the_nul_escaped(self) -> None:
        # The fuzzing found an unknown key "\x00" answered with a NUL in the error's field name.
        before = self.state()
        body = {**STATIONERY, "note\x00": None}
        response = self.send(
            self.api(self.council_finance), "POST", "/api/v1/partners/{partner}/journals", body
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"note\\u0000": ["Text may not contain a NUL character."]}
        assert self.state() == before

    def test_a_nul_in_a_body_not_labelled_json_is_refused_too(self) -> None:
        # django-ninja reads every body as JSON whatever its Content-Type says, so a text/plain
        # label must not carry a NUL past the check (it reached the database before).
        before = self.state()
        body = json.dumps({**STATIONERY, "description": "Envelopes\x00"})
        for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
            response = self.api(self.council_finance).post(
                self.url("/api/v1/partners/{partner}/journals"), body, content_type=content_type
            )
            assert response.status_code == 422, content_type
            assert response.json()["errors"] == {"description": ["Text may not contain a NUL character."]}
        assert self.state() == before

    def test_a_nul_in_a_utf_16_body_is_refused_too(self) -> None:
        # JSON may be sent in UTF-16 or UTF-32 (RFC 8259 readers detect it; Python's does), where
        # the escape is not the bytes \u0000 of UTF-8.
        before = self.state()
        body = json.dumps({**STATIONERY, "description": "Envelopes\x00"})
        for encoding in ("utf-16", "utf-16-le", "utf-32"):
            response = self.api(self.council_finance).post(
                self.url("/api/v1/partners/{partner}/journals"),
                body.encode(encoding),
                content_type="application/json",
            )
            assert response.status_code == 422, encoding
            assert response.json()["errors"] == {"description": ["Text may not contain a NUL character."]}
        assert self.state() == before

    def test_a_body_too_deep_to_read_is_not_json_to_the_check_either(self) -> None:
        before = self.state()
        body = "[" * 100_000 + '"\\u0000"' + "]" * 100_000
        response = self.api(self.council_finance).post(
            self.url("/api/v1/partners/{partner}/journals"), body, content_type="application/json"
        )
        assert response.status_code == 400
        assert self.state() == before

    def test_the_document_says_a_journal_body_string_may_not_hold_a_nul(self) -> None:
        components = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
        assert components["JournalIn"]["properties"]["description"]["pattern"] == "^[^\\u0000]*$"
        assert components["JournalIn"]["propertyNames"] == {"pattern": "^[^\\u0000]*$"}
        assert components["LineIn"]["properties"]["account"]["pattern"] == "^[^\\u0000]*$"
        # A date keeps its own pattern, which no NUL can match either.
        assert components["JournalIn"]["properties"]["date"]["pattern"] == DATE_PATTERN

    def test_the_document_says_a_query_string_may_not_hold_a_nul(self) -> None:
        document = api.get_openapi_schema(path_prefix="/api/v1/")
        parameters = document["paths"]["/api/v1/partners/{partner_id}/trial-balance"]["get"]["parameters"]
        period = next(p for p in parameters if p["name"] == "period")
        assert period["schema"]["anyOf"] == [{"type": "string", "pattern": "^[^\\u0000]*$"}, {"type": "null"}]

    def test_a_nul_in_a_query_string_is_refused_naming_the_parameter(self) -> None:
        response = self.api(self.council_finance).get(
            self.url("/api/v1/partners/{partner}/trial-balance?period=2026-0%005")
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"period": ["Text may not contain a NUL character."]}
