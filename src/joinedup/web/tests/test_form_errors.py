"""Issue 20: every form page, sent empty or with a bad value, titles itself "Error: …", and its
error summary links each error to the field it names, in words that name it (GOV.UK: "Error
summary", "Error message"). Django's own nameless messages ("This field is required.") fail."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from joinedup.ledger.tests.fixtures import LedgerReportsTestCase
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.recharges.tests.base import RechargeTestCase

NAMELESS = {
    "This field is required.",
    "Enter a valid date.",
    "Select a valid choice. That choice is not one of the available choices.",
    "Enter a number.",
    "Enter a valid value.",
}


def assert_errors_named_and_linked(response: Any, where: str) -> list[str]:
    html = response.content.decode()
    assert response.status_code == 200, where
    assert re.search(r"<title>Error: ", html), f"{where}: title does not start 'Error:'"
    assert "govuk-error-summary" in html, f"{where}: no error summary"
    summary = html[html.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links, f"{where}: the summary links to nothing"
    for anchor, message in links:
        assert anchor != "main-content", f"{where}: {message!r} links to no field"
        assert f'id="{anchor}"' in html, f"{where}: {message!r} links to #{anchor}, which is not on the page"
        assert message.strip() not in NAMELESS, f"{where}: {message!r} does not name its field"
    return [message for _, message in links]


class TestPeopleAndPayrollFormPages(PayrollTestCase):
    def client_for(self, user: Any, partner: Any = None) -> Client:
        client = self.signed_in(user)
        if partner is not None:
            client.post("/partner", {"partner": partner.pk})
        return client

    def test_every_people_and_payroll_form_sent_empty_says_what_is_wrong_with_which_field(self) -> None:
        person = self.council_emp.person
        person.user = self.council_employee
        person.save(update_fields=["user"])
        emp = self.council_emp.pk
        hr = self.client_for(self.council_hr)
        run = self.calculated()
        pages: list[tuple[Client, str, str]] = [
            (hr, "post", "/people/new"),
            (hr, "post", "/people/import"),
            (hr, "post", "/transfers/new"),
            (hr, "post", f"/employments/{emp}/terms/new"),
            (hr, "post", f"/employments/{emp}/end"),
            (hr, "post", f"/employments/{emp}/sickness"),
            (hr, "post", f"/employments/{emp}/cost-split"),
            (hr, "post", f"/employments/{emp}/secondment"),
            (self.client_for(self.council_employee), "post", "/me"),
            (self.client_for(self.payroll_officer, self.council), "post", "/payroll"),
            (self.client_for(self.payroll_approver), "post", f"/payroll/runs/{run.pk}/send-back"),
        ]
        for client, method, url in pages:
            assert_errors_named_and_linked(getattr(client, method)(url, {}), url)

    def test_a_bad_date_is_named_too(self) -> None:
        client = self.client_for(self.payroll_officer, self.council)
        messages = assert_errors_named_and_linked(
            client.post("/payroll", {"frequency": "monthly", "pay_date": "25/11/2026"}), "/payroll"
        )
        assert messages == ["Enter the pay date as a date, year first, like 2026-04-01."]

    def test_a_one_letter_search_is_an_error_of_the_search_box(self) -> None:
        assert_errors_named_and_linked(self.signed_in(self.council_hr).get("/people", {"q": "x"}), "/people")


class TestLedgerFormPages(LedgerReportsTestCase):
    def test_the_journal_form_sent_empty_names_its_fields(self) -> None:
        data = {
            "form-TOTAL_FORMS": "6",
            "form-INITIAL_FORMS": "0",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "200",
        }
        client = self.signed_in(self.council_finance)
        assert_errors_named_and_linked(client.post("/ledger/journals/new", data), "/ledger/journals/new")

    def test_a_trial_balance_range_that_ends_before_it_starts_is_refused_with_a_message(self) -> None:
        response = self.signed_in(self.council_finance).get(
            "/ledger/trial-balance", {"from": "2026-06", "to": "2026-04"}
        )
        messages = assert_errors_named_and_linked(response, "/ledger/trial-balance")
        assert messages == ["The range ends before it starts: choose a last month on or after the first."]

    def test_a_spend_range_that_ends_before_it_starts_is_refused_with_a_message(self) -> None:
        response = self.signed_in(self.council_finance).get(
            "/recharges/spend-over-500/", {"date_from": "2026-06-30", "date_to": "2026-04-01"}
        )
        messages = assert_errors_named_and_linked(response, "/recharges/spend-over-500/")
        assert messages == ["The last day must be the same as or after the first day."]

    def test_the_spend_form_sent_empty_names_its_fields(self) -> None:
        response = self.signed_in(self.council_finance).get(
            "/recharges/spend-over-500/", {"date_from": "", "date_to": ""}
        )
        assert_errors_named_and_linked(response, "/recharges/spend-over-500/")


class TestRechargeFormPages(RechargeTestCase):
    def test_the_recharge_run_form_sent_empty_names_its_field(self) -> None:
        response = self.signed_in(self.shared_finance).post("/recharges/", {})
        assert assert_errors_named_and_linked(response, "/recharges/") == ["Enter the month."]
