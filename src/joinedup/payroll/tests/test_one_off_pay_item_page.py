"""The one-off payment form (/employments/<id>/pay-items/new): payroll or HR of the employer adds a
payment, saying whether it is part of the regular pattern of pay, which decides a leaver's NI
earnings period after their P45 (SSCR 2001 regs. 3(5) and 4(b)(ii); NIM08400, NIM08410)."""

from __future__ import annotations

from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.payroll.models import PayItem, PayItemTreatment
from joinedup.payroll.tests.test_pay_runs import NOVEMBER
from joinedup.payroll.tests.test_payments_after_leaving import PaymentAfterLeavingCase


def form(**changes: str) -> dict[str, str]:
    data = {
        "code": "overtime",
        "description": "Overtime for November",
        "amount": "500.00",
        "paid_on": "2026-12-10",
        "treatment": PayItemTreatment.EARNINGS,
        "regular": "yes",
        "reason": "Claimed late",
    }
    return {**data, **changes}


class TestTheOneOffPaymentForm(PaymentAfterLeavingCase):
    def url(self) -> str:
        return f"/employments/{self.council_emp.pk}/pay-items/new"

    def items(self) -> Any:
        return PayItem.objects.for_partner(self.council).filter(employment=self.council_emp)

    def added_events(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="payroll.pay_item_added").count()

    def test_it_explains_what_regular_means_for_a_leaver(self) -> None:
        page = self.signed_in(self.payroll_officer).get(self.url())
        assert page.status_code == 200
        text = page.content.decode()
        assert "Part of the regular pattern of pay?" in text
        assert (
            "on a regular payment uses their usual pay period, and on an irregular one a single week" in text
        )
        assert 'type="radio" value="no" checked' in text  # irregular unless said otherwise

    def test_a_regular_payment_after_leaving_keeps_the_monthly_earnings_period(self) -> None:
        self.leave()
        response = self.signed_in(self.payroll_officer).post(self.url(), form())
        assert response.status_code == 302
        item = self.items().get(start_date__gt=NOVEMBER)
        assert (item.code, item.amount, item.regular, item.treatment) == (
            "overtime",
            500,
            True,
            PayItemTreatment.EARNINGS,
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="payroll.pay_item_added")
        assert (event.after["regular"], event.after["reason"]) == (True, "Claimed late")
        _, slip = self.december()
        # Monthly NI, as in test_payments_after_leaving: below the PT, employer 15% x (500 - 417).
        assert (slip.tax_code, slip.ni_frequency, slip.ni_employer) == ("0T", "", 1_245)

    def test_an_irregular_payment_is_recorded_as_not_regular(self) -> None:
        self.leave()
        self.signed_in(self.payroll_officer).post(self.url(), form(code="bonus", regular="no"))
        assert self.items().get(code="bonus").regular is False
        _, slip = self.december()
        assert slip.ni_frequency == "weekly"

    def test_form_errors_and_service_refusals_write_nothing(self) -> None:
        self.leave()
        client = self.signed_in(self.payroll_officer)
        before = self.items().count()
        page = client.post(self.url(), form(amount="", regular="maybe"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Enter the amount." in text
        assert "Say whether it is part of the regular pattern of pay." in text
        # November's run is approved: the service refuses the date, beside the field.
        page = client.post(self.url(), form(paid_on="2026-11-20"))
        assert page.status_code == 200
        assert (
            "The pay run for 1 November 2026 to 30 November 2026 is already approved" in page.content.decode()
        )
        assert self.items().count() == before
        assert self.added_events() == 0

    def test_someone_who_may_not_add_payments_is_refused_and_nothing_changes(self) -> None:
        self.link(self.council_emp, self.council_employee)  # their own employment: seen, not changed
        client = self.signed_in(self.council_employee)
        assert client.get(self.url()).status_code == 403
        assert client.post(self.url(), form()).status_code == 403
        assert not self.items().exists()
        assert self.added_events() == 0

    def test_another_partners_employment_is_not_found(self) -> None:
        client = self.signed_in(self.police_hr)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), form()).status_code == 404
        assert not self.items().exists()
        assert self.added_events() == 0
