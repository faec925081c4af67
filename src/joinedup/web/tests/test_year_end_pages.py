from __future__ import annotations

from datetime import date

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.payroll.models import P45Issue
from joinedup.payroll.tests.test_year_end import YearEndTestCase
from joinedup.people.services import employment_end


class TestYearEndPages(YearEndTestCase):
    def setUp(self) -> None:
        employment_end(
            actor=self.shared_hr,
            employment=self.shared_person_council,
            end_date=date(2027, 3, 20),
            reason="Retired",
        )
        self.final_run = self.approved(date(2027, 3, 24))  # month 12: the year's final run

    def officer(self) -> Client:
        client = self.signed_in(self.payroll_officer)
        client.post("/partner", {"partner": self.council.pk})
        return client

    def test_the_year_end_page_lists_p60s_with_a_download_for_each(self) -> None:
        page = self.officer().get("/payroll/year-end?tax_year=2026").content.decode()
        assert "Year end 2026/27: P60s" in page
        assert "Ada Lovelace" in page and "£2,244.95" in page
        assert f'href="/payroll/year-end/2026/p60s/{self.council_emp.pk}.pdf"' in page
        assert "Mary Seacole" not in page  # left in March: a P45, not a P60

    def test_the_summary_downloads_as_csv(self) -> None:
        response = self.officer().get("/payroll/year-end?tax_year=2026&format=csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("payroll_number,name,ni_number,final_tax_code")
        assert lines[1].startswith("WCC000001,Ada Lovelace,AB123456C,1257L,0.00,0.00,2244.95")

    def test_the_summary_downloads_show_a_formula_like_name_as_text(self) -> None:
        import io

        from openpyxl import load_workbook

        person = self.council_emp.person
        person.given_name = '=HYPERLINK("http://x","y")'
        person.save()
        response = self.officer().get("/payroll/year-end?tax_year=2026&format=csv")
        line = response.content.decode("utf-8-sig").splitlines()[1]
        assert line.startswith(
            'WCC000001,"\'=HYPERLINK(""http://x"",""y"") Lovelace",AB123456C,1257L,0.00,0.00,'
        )
        response = self.officer().get("/payroll/year-end?tax_year=2026&format=xlsx")
        name = load_workbook(io.BytesIO(response.content)).worksheets[0]["B2"]
        assert (name.value, name.data_type) == ('=HYPERLINK("http://x","y") Lovelace', "s")

    def issue_url(self, employment_id: int) -> str:
        return f"/payroll/runs/{self.final_run.pk}/p45s/{employment_id}"

    def issued(self) -> int:
        return P45Issue.objects.for_partner(self.council).count()

    def events(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="payroll.p45_issued").count()

    def test_the_run_page_offers_to_issue_the_leavers_p45_and_links_it_once_issued(self) -> None:
        client = self.officer()
        page = client.get(f"/payroll/runs/{self.final_run.pk}").content.decode()
        issue = self.issue_url(self.shared_person_council.pk)
        assert f'<form class="govuk-!-display-inline" method="post" action="{issue}">' in page
        assert 'Issue P45<span class="govuk-visually-hidden"> of Mary Seacole</span></button>' in page
        assert "/p45.pdf" not in page
        assert self.issue_url(self.council_emp.pk) not in page  # Ada has not left
        response = client.post(issue, follow=True)
        assert response.redirect_chain == [(f"/payroll/runs/{self.final_run.pk}", 302)]
        page = response.content.decode()
        assert "P45 of WCC000002 Mary Seacole issued, leaving date 20 March 2027." in page
        assert f'href="/employments/{self.shared_person_council.pk}/p45.pdf"' in page
        assert "P45 (PDF)" in page
        assert issue not in page
        assert (self.issued(), self.events()) == (1, 1)

    def test_issuing_again_changes_nothing_and_says_so(self) -> None:
        client = self.officer()
        client.post(self.issue_url(self.shared_person_council.pk))
        page = client.post(self.issue_url(self.shared_person_council.pk), follow=True).content.decode()
        assert "P45 of WCC000002 Mary Seacole was already issued, leaving date 20 March 2027." in page
        assert (self.issued(), self.events()) == (1, 1)

    def test_the_issued_p45_downloads_the_same_pdf_every_time_and_records_nothing(self) -> None:
        client = self.officer()
        client.post(self.issue_url(self.shared_person_council.pk))
        url = f"/employments/{self.shared_person_council.pk}/p45.pdf"
        first = client.get(url)
        assert first["Content-Type"] == "application/pdf"
        assert first["Content-Disposition"] == 'attachment; filename="p45-WCC000002-2027-03-20.pdf"'
        assert first.content.startswith(b"%PDF")
        assert client.get(url).content == first.content
        assert (self.issued(), self.events()) == (1, 1)

    def test_downloading_before_the_p45_is_issued_says_so_and_issues_nothing(self) -> None:
        response = self.officer().get(f"/employments/{self.shared_person_council.pk}/p45.pdf")
        assert response.status_code == 409
        page = response.content.decode()
        assert "P45 not issued yet" in page
        assert (
            "The P45 of WCC000002 has not been issued yet: issue it first "
            "(&quot;Issue P45&quot; on the page of the pay run that made their final pay)." in page
        )
        assert (self.issued(), self.events()) == (0, 0)

    def test_issuing_needs_a_post_with_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.payroll_officer)
        url = self.issue_url(self.shared_person_council.pk)
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 403
        assert (self.issued(), self.events()) == (0, 0)

    def test_someone_who_only_views_the_payroll_is_not_offered_the_button_and_may_not_issue(self) -> None:
        client = self.signed_in(self.payroll_approver)
        client.post("/partner", {"partner": self.council.pk})
        page = client.get(f"/payroll/runs/{self.final_run.pk}").content.decode()
        assert "P45 not issued yet" in page
        assert "Issue P45" not in page
        page = client.post(self.issue_url(self.shared_person_council.pk), follow=True).content.decode()
        assert "You do not have permission to payroll.calculate for this partner." in page
        assert (self.issued(), self.events()) == (0, 0)

    def test_a_p45_for_someone_still_employed_shows_the_reason(self) -> None:
        page = self.officer().post(self.issue_url(self.council_emp.pk), follow=True).content.decode()
        assert "WCC000001 has not left: a P45 is only for a leaver." in page
        assert (self.issued(), self.events()) == (0, 0)

    def test_an_employee_sees_their_own_p60_and_p45_under_my_payslips(self) -> None:
        self.link(self.council_emp, self.council_employee)
        client = self.signed_in(self.council_employee)
        page = client.get("/me/payslips").content.decode()
        assert "P60 for 2026/27, Wessex County Council" in page
        own = client.get(f"/payroll/year-end/2026/p60s/{self.council_emp.pk}.pdf")
        assert own.status_code == 200 and own.content.startswith(b"%PDF")
        colleague = client.get(f"/payroll/year-end/2026/p60s/{self.shared_person_council.pk}.pdf")
        assert colleague.status_code == 404
        assert client.get("/payroll/year-end?tax_year=2026").status_code == 403

    def test_the_leaver_finds_their_p45_once_issued_and_cannot_issue_it(self) -> None:
        self.link(self.shared_person_council, self.council_employee)
        client = self.signed_in(self.council_employee)
        url = f"/employments/{self.shared_person_council.pk}/p45.pdf"
        assert "Leaving (P45)" not in client.get("/me/payslips").content.decode()
        assert client.get(url).status_code == 404
        assert client.post(self.issue_url(self.shared_person_council.pk)).status_code == 404
        assert self.issued() == 0
        self.officer().post(self.issue_url(self.shared_person_council.pk))
        assert "left 20 March 2027" in client.get("/me/payslips").content.decode()
        assert client.get(url).status_code == 200

    def test_another_partners_officer_gets_404_and_nothing_is_recorded(self) -> None:
        police_officer = self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)])
        client = self.signed_in(police_officer)
        events = AuditEvent.objects.for_partner(self.council).count()
        assert client.get(f"/employments/{self.shared_person_council.pk}/p45.pdf").status_code == 404
        assert client.post(self.issue_url(self.shared_person_council.pk)).status_code == 404
        assert client.get(f"/payroll/year-end/2026/p60s/{self.council_emp.pk}.pdf").status_code == 404
        assert self.issued() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_an_employment_of_another_partner_cannot_be_issued_from_this_partners_run(self) -> None:
        # The shared payroll officer sees both payrolls; the police employment is not on the council's run.
        response = self.officer().post(self.issue_url(self.police_emp.pk))
        assert response.status_code == 404
        assert P45Issue.objects.for_partner(self.police).count() == 0
        assert self.issued() == 0


class TestYearEndPreviewPage(YearEndTestCase):
    """2025/26 still open, with no 2026/27 run approved (a run cannot be dated before one)."""

    def test_before_the_final_run_the_page_says_why_and_offers_a_preview(self) -> None:
        self.approved(date(2025, 11, 25))
        client = self.signed_in(self.payroll_officer)
        client.post("/partner", {"partner": self.council.pk})
        page = client.get("/payroll/year-end?tax_year=2025").content.decode()
        assert "The final monthly run of 2025/26 is not approved yet" in page
        preview = client.get("/payroll/year-end?tax_year=2025&preview=1").content.decode()
        assert "Preview" in preview and "Ada Lovelace" in preview
