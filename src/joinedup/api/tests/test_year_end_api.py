from __future__ import annotations

from datetime import date, datetime

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.payroll.models import P45Issue, Payslip
from joinedup.payroll.tests.test_year_end import YearEndTestCase
from joinedup.people.services import employment_end


class TestP45Api(YearEndTestCase):
    def setUp(self) -> None:
        employment_end(
            actor=self.shared_hr, employment=self.council_emp, end_date=date(2026, 5, 20), reason="Resigned"
        )
        self.approved(date(2026, 4, 24))
        self.may = self.approved(date(2026, 5, 22))
        self.issue_url = f"/api/v1/employments/{self.council_emp.pk}/p45"
        self.url = f"/api/v1/employments/{self.council_emp.pk}/p45.pdf"

    def issued(self) -> int:
        return P45Issue.objects.for_partner(self.council).count()

    def events(self) -> int:
        return AuditEvent.objects.for_partner(self.council).filter(action="payroll.p45_issued").count()

    def test_a_payroll_officer_issues_the_p45_once_and_gets_its_figures(self) -> None:
        client = self.api(self.payroll_officer)
        first = client.post(self.issue_url)
        assert first.status_code == 201
        body = dict(first.json())  # a copy: json() is cached on the response
        issue = P45Issue.objects.for_partner(self.council).get()
        # JSON carries the time to the millisecond.
        issued_at = issue.issued_at.replace(microsecond=issue.issued_at.microsecond // 1000 * 1000)
        assert datetime.fromisoformat(body.pop("issued_at")) == issued_at
        may_slip = Payslip.objects.for_partner(self.council).get(run=self.may, employment=self.council_emp)
        assert body.pop("payslip_id") == may_slip.pk
        assert body == {
            "employment_id": self.council_emp.pk,
            "payroll_number": "WCC000001",
            "name": "Ada Lovelace",
            "tax_year": 2026,
            "leaving_date": "2026-05-20",
            "tax_code": "1257L",
            "week1_month1": False,
            "previous_pay": 0,
            "previous_tax": 0,
            "pay": 369330,
            "tax": 31920,
            "total_pay": 369330,
            "total_tax": 31920,
            "student_loan": 0,
            "postgraduate_loan": 0,
        }
        again = client.post(self.issue_url)
        assert again.status_code == 200
        assert again.json() == first.json()
        assert (self.issued(), self.events()) == (1, 1)

    def test_downloading_before_the_p45_is_issued_answers_409_and_issues_nothing(self) -> None:
        response = self.api(self.payroll_officer).get(self.url)
        assert response.status_code == 409
        assert response.json() == {
            "detail": "The P45 of WCC000001 has not been issued yet: issue it first "
            '("Issue P45" on the page of the pay run that made their final pay).'
        }
        assert (self.issued(), self.events()) == (0, 0)

    def test_the_issued_p45_downloads_the_same_bytes_every_time_and_records_nothing(self) -> None:
        client = self.api(self.payroll_officer)
        client.post(self.issue_url)
        first = client.get(self.url)
        assert first.status_code == 200
        assert first["Content-Type"] == "application/pdf"
        assert first["Content-Disposition"] == 'attachment; filename="p45-WCC000001-2026-05-20.pdf"'
        assert first.content.startswith(b"%PDF")
        assert self.api(self.payroll_approver).get(self.url).content == first.content
        assert (self.issued(), self.events()) == (1, 1)

    def test_someone_who_only_views_the_payroll_may_not_issue_and_nothing_is_recorded(self) -> None:
        for user in (self.payroll_approver, self.ops_admin):
            response = self.api(user).post(self.issue_url)
            assert response.status_code == 403
            assert response.json() == {
                "detail": "You do not have permission to payroll.calculate for this partner."
            }
        assert (self.issued(), self.events()) == (0, 0)

    def test_a_colleague_employee_and_another_partners_officer_get_404_and_nothing_is_recorded(self) -> None:
        police_officer = self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)])
        events = AuditEvent.objects.for_partner(self.council).count()
        for user in (police_officer, self.council_employee, self.council_hr):
            for response in (self.api(user).post(self.issue_url), self.api(user).get(self.url)):
                assert response.status_code == 404
                assert response.json() == {"detail": "Not found."}
        assert self.issued() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_the_leaver_downloads_their_own_once_issued_and_cannot_issue_it(self) -> None:
        self.link(self.council_emp, self.council_employee)
        client = self.api(self.council_employee)
        assert client.get(self.url).status_code == 404
        assert client.post(self.issue_url).status_code == 404
        assert self.issued() == 0
        self.api(self.payroll_officer).post(self.issue_url)
        assert client.get(self.url).status_code == 200
        assert (self.issued(), self.events()) == (1, 1)

    def test_a_p45_for_someone_still_employed_is_refused_with_the_reason(self) -> None:
        response = self.api(self.payroll_officer).post(
            f"/api/v1/employments/{self.shared_person_council.pk}/p45"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "employment": ["WCC000002 has not left: a P45 is only for a leaver."]
        }
        assert (self.issued(), self.events()) == (0, 0)


class TestP60Api(YearEndTestCase):
    def setUp(self) -> None:
        self.approved(date(2027, 3, 24))  # month 12: the year's final run
        self.list_url = f"/api/v1/partners/{self.council.pk}/p60s?tax_year=2026"

    def test_a_payroll_officer_lists_the_p60s_with_their_figures(self) -> None:
        body = self.api(self.payroll_officer).get(self.list_url).json()
        assert [(p["payroll_number"], p["final"], p["tax_code"]) for p in body] == [
            ("WCC000001", True, "1257L"),
            ("WCC000002", True, "1257L"),
        ]
        ada = body[0]
        # One month's pay in month 12: £2,383.17 less £138.22 LGPS; NI bands at the monthly thresholds.
        assert (ada["pay"], ada["total_pay"], ada["previous_pay"]) == (224495, 224495, 0)
        assert [
            (n["letter"], n["earnings_at_lel"], n["earnings_lel_to_pt"], n["earnings_pt_to_uel"])
            for n in ada["ni"]
        ] == [("A", 55900, 48900, 133517)]

    def test_the_pdf_of_one_p60(self) -> None:
        response = self.api(self.payroll_officer).get(
            f"/api/v1/partners/{self.council.pk}/p60s/{self.council_emp.pk}.pdf?tax_year=2026"
        )
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="p60-2026-WCC000001.pdf"'
        assert response.content.startswith(b"%PDF")

    def test_the_employee_gets_their_own_and_404_for_a_colleagues(self) -> None:
        self.link(self.council_emp, self.council_employee)
        client = self.api(self.council_employee)
        own = client.get(f"/api/v1/partners/{self.council.pk}/p60s/{self.council_emp.pk}.pdf?tax_year=2026")
        assert own.status_code == 200
        other = client.get(
            f"/api/v1/partners/{self.council.pk}/p60s/{self.shared_person_council.pk}.pdf?tax_year=2026"
        )
        assert other.status_code == 404
        assert client.get(self.list_url).status_code == 404

    def test_another_partners_officer_gets_404(self) -> None:
        police_officer = self.api(self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)]))
        assert police_officer.get(self.list_url).status_code == 404
        pdf = f"/api/v1/partners/{self.council.pk}/p60s/{self.council_emp.pk}.pdf?tax_year=2026"
        assert police_officer.get(pdf).status_code == 404


class TestP60PreviewApi(YearEndTestCase):
    """A 2025/26 year still open: no run of 2026/27 is approved (a run cannot be dated before
    an approved one)."""

    def test_an_employee_cannot_preview_their_p60_before_the_final_run(self) -> None:
        self.approved(date(2025, 11, 25))
        self.link(self.council_emp, self.council_employee)
        url = f"/api/v1/partners/{self.council.pk}/p60s/{self.council_emp.pk}.pdf?tax_year=2025&preview=true"
        response = self.api(self.council_employee).get(url)
        assert response.status_code == 422
        assert (
            "The final monthly run of 2025/26 is not approved yet" in response.json()["errors"]["tax_year"][0]
        )

    def test_before_the_final_run_it_refuses_unless_a_preview_is_asked_for(self) -> None:
        client = self.api(self.payroll_officer)
        refused = client.get(f"/api/v1/partners/{self.council.pk}/p60s?tax_year=2025")
        assert refused.status_code == 200 and refused.json() == []  # nothing paid in 2025/26
        self.approved(date(2025, 11, 25))
        refused = client.get(f"/api/v1/partners/{self.council.pk}/p60s?tax_year=2025")
        assert refused.status_code == 422
        assert refused.json()["errors"]["tax_year"] == [
            "The final monthly run of 2025/26 is not approved yet: P60s are produced after it. "
            "A preview can be produced meanwhile."
        ]
        preview = client.get(f"/api/v1/partners/{self.council.pk}/p60s?tax_year=2025&preview=true").json()
        assert [p["final"] for p in preview] == [False, False]
        pdf = client.get(
            f"/api/v1/partners/{self.council.pk}/p60s/{self.council_emp.pk}.pdf?tax_year=2025&preview=true"
        )
        assert pdf["Content-Disposition"] == 'attachment; filename="p60-2025-WCC000001-preview.pdf"'
