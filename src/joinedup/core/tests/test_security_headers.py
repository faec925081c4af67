"""Security headers on every response, and no caching of anything that holds personal data."""

from __future__ import annotations

import re
from datetime import date

from django.test import Client
from django.utils import timezone

from joinedup.core.middleware import PERMISSIONS_POLICY
from joinedup.payroll.models import PayrollSettings, PayRun
from joinedup.payroll.services import payrun_approve, payrun_calculate, payrun_create
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase

INLINE = re.compile(r"\sstyle=|\son[a-z]+=|<style(?![^>]*nonce)|<script(?![^>]*(nonce|src)=)")
NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{24})'")


def _csp_nonce(response: object) -> str:
    match = NONCE.search(response["Content-Security-Policy"])  # type: ignore[index]
    assert match is not None, response["Content-Security-Policy"]  # type: ignore[index]
    return match.group(1)


class TestSecurityHeaders(PayrollTestCase):
    def approved(self) -> PayRun:
        PayrollSettings.objects.create(
            partner=self.council,
            bank_sort_code="309634",
            bank_account_number="12345678",
            bank_account_name="WESSEX CC SALARIES",
            bacs_user_number="123456",
        )
        run = payrun_create(
            actor=self.payroll_officer, partner=self.council, frequency="monthly", pay_date=date(2026, 11, 25)
        )
        payrun_calculate(actor=self.payroll_officer, run=run)
        return payrun_approve(actor=self.payroll_approver, run=run)

    def test_the_sign_in_page_has_the_policy_headers_and_nonces_its_inline_scripts(self) -> None:
        response = Client().get("/sign-in")
        nonce = _csp_nonce(response)
        assert response["Content-Security-Policy"] == (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
        page = response.content.decode()
        # Every inline script carries this response's nonce; none is left without one.
        # Two inline (the js-enabled class; the GOV.UK and MOJ Frontend start-up), four files
        # (GOV.UK Frontend, MOJ Frontend, htmx, the scrollable-table helper).
        assert page.count("<script") == 6
        assert page.count(f'nonce="{nonce}"') == 2
        assert page.count("<script src=") + page.count('<script type="module" src=') == 4

    def test_each_response_gets_a_fresh_nonce(self) -> None:
        assert _csp_nonce(Client().get("/sign-in")) != _csp_nonce(Client().get("/sign-in"))

    def test_no_template_has_an_inline_style_attribute_or_event_handler(self) -> None:
        from pathlib import Path

        import joinedup

        offenders = [
            str(path)
            for path in Path(joinedup.__file__).parent.rglob("*.html")
            if INLINE.search(path.read_text())
        ]
        assert offenders == []

    def test_signed_in_pages_are_not_stored(self) -> None:
        client = self.signed_in(self.payroll_officer)
        for url in ("/", "/payroll"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "no-store", url
            assert "Content-Security-Policy" in response

    def test_a_payslip_pdf_and_a_bacs_file_are_not_stored(self) -> None:
        run = self.approved()
        slip = run.payslips.get(employment=self.council_emp)
        client = self.signed_in(self.payroll_officer)
        pdf = client.get(f"/payslips/{slip.pk}.pdf")
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf["Cache-Control"] == "no-store"
        processing = timezone.localdate()
        while processing.weekday() >= 5 or processing < run.pay_date:
            processing = date.fromordinal(processing.toordinal() + 1)
        bacs = client.get(f"/payroll/runs/{run.pk}/bacs.txt?processing_date={processing}")
        assert bacs.status_code == 200
        assert bacs["Content-Disposition"].startswith("attachment")
        assert bacs["Cache-Control"] == "no-store"

    def test_api_responses_are_not_stored_even_when_refused(self) -> None:
        assert self.api(self.payroll_officer).get("/api/v1/partners")["Cache-Control"] == "no-store"
        refused = Client().get("/api/v1/partners")
        assert refused.status_code == 401
        assert refused["Cache-Control"] == "no-store"
