"""HR's register of workplace adjustments (issue 16: "the case can open an adjustment record that HR
sees without clinical content"): the partner's HR officers and occupational health see the
partner's, a line manager their team's; each row the person, post, the adjustment's own words,
start, review and where the review stands; filters, pages, CSV/XLSX with formulas neutralised;
nothing of the case's notes or report; another partner's HR and roles without the permission 403."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from joinedup.wellbeing import cases, notes, selectors
from joinedup.wellbeing.models import AdjustmentRecord, Case
from joinedup.wellbeing.selectors import AdjustmentStatus, adjustment_status
from joinedup.wellbeing.tests.casebase import ADJUSTMENTS, NOTE, CaseTestCase

REGISTER = "/wellbeing/adjustments/"
TEAM = "/wellbeing/adjustments/team/"
V1 = "/api/v1/wellbeing"


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


class AdjustmentsTestCase(CaseTestCase):
    """Ada (Maggie's team, council) has a phased return whose review passed yesterday and a
    formula-shaped chair adjustment starting in a week; Mary (council, not Maggie's team) has
    one in place with no review. Ada's case also has a clinical note and the report's
    adjustments, which must never show."""

    ada_case: Case

    def setUp(self) -> None:
        super().setUp()
        self.today = timezone.localdate()
        report_case = self.written().case
        self.ada_case = self.fresh(report_case)
        notes.note_add(actor=self.oh_clinician, case=self.ada_case, text=NOTE)
        self.phased = self.adjust(
            self.ada_case,
            "Phased return: three days a week for four weeks.",
            starts=self.today - timedelta(days=20),
            review=self.today - timedelta(days=1),
        )
        self.chair = self.adjust(
            self.ada_case, '=HYPERLINK("http://x") supportive chair', starts=self.today + timedelta(days=7)
        )
        mary_case = cases.case_open(
            actor=self.oh_admin,
            referral=self.referral(by=self.council_hr, employment=self.shared_person_council),
        )
        self.desk = self.adjust(mary_case, "A desk near the exit.", starts=self.today - timedelta(days=3))

    def adjust(self, case: Case, what: str, *, starts: date, review: date | None = None) -> AdjustmentRecord:
        return cases.adjustment_record_create(
            actor=self.oh_admin, case=case, what=what, starts_on=starts, review_on=review
        )

    def stored(self) -> list[tuple[Any, ...]]:
        found = AdjustmentRecord.objects.for_partner(self.council).order_by("pk")
        return list(found.values_list("pk", "what", "starts_on", "review_on"))


class TestAdjustmentStatus(CaseTestCase):
    def test_it_says_where_an_adjustment_stands_on_a_day(self) -> None:
        day = date(2026, 6, 1)
        assert adjustment_status(date(2026, 6, 2), None, as_of=day) == AdjustmentStatus.UPCOMING
        assert adjustment_status(date(2026, 5, 1), None, as_of=day) == AdjustmentStatus.IN_PLACE
        assert adjustment_status(date(2026, 5, 1), date(2026, 7, 2), as_of=day) == AdjustmentStatus.IN_PLACE
        # Due: the review falls within the next 30 days, today and the 30th day included.
        assert adjustment_status(date(2026, 5, 1), date(2026, 7, 1), as_of=day) == AdjustmentStatus.REVIEW_DUE
        assert adjustment_status(date(2026, 5, 1), day, as_of=day) == AdjustmentStatus.REVIEW_DUE
        assert (
            adjustment_status(date(2026, 5, 1), date(2026, 5, 31), as_of=day)
            == AdjustmentStatus.REVIEW_OVERDUE
        )


class TestTheRegisterPage(AdjustmentsTestCase):
    def test_hr_sees_every_adjustment_of_the_partner_soonest_review_first_without_clinical_content(
        self,
    ) -> None:
        response = self.signed_in(self.council_hr).get(REGISTER)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('<tr class="govuk-table__row"><td') == 3
        assert ": 3 adjustments ·" in page
        assert page.index("Phased return") < page.index("A desk near the exit")
        assert "Review overdue" in page and "Not started yet" in page and "In place" in page
        assert NOTE not in page and ADJUSTMENTS not in page
        assert response["Cache-Control"] == "no-store"

    def test_it_filters_by_status_and_by_name_or_payroll_number(self) -> None:
        client = self.signed_in(self.council_hr)
        overdue = client.get(REGISTER, {"status": "review_overdue"}).content.decode()
        assert (
            "Phased return" in overdue
            and "A desk near the exit" not in overdue
            and "supportive chair" not in overdue
        )
        mary = client.get(REGISTER, {"q": "seacole"}).content.decode()
        assert "A desk near the exit" in mary and "Phased return" not in mary
        by_number = client.get(REGISTER, {"q": self.shared_person_council.payroll_number}).content.decode()
        assert ": 1 adjustment ·" in by_number and "A desk near the exit" in by_number

    def test_it_pages_fifty_at_a_time(self) -> None:
        for n in range(48):
            self.adjust(self.ada_case, f"Adjustment {n}", starts=self.today)
        client = self.signed_in(self.council_hr)
        first = client.get(REGISTER).content.decode()
        second = client.get(REGISTER, {"page": 2}).content.decode()
        assert ": 51 adjustments ·" in first and "Page 1 of 2" in first
        assert second.count('<tr class="govuk-table__row"><td') == 1

    def test_the_csv_has_every_filtered_row_with_formulas_neutralised(self) -> None:
        response = self.signed_in(self.council_hr).get(REGISTER, {"format": "csv"})
        assert response["Content-Disposition"] == (
            f'attachment; filename="workplace-adjustments-{self.council.code}-{self.today.isoformat()}.csv"'
        )
        rows = csv_rows(response.content)
        assert rows[0] == [
            "Name",
            "Payroll number",
            "Post",
            "Team",
            "Adjustment",
            "Starts",
            "Review",
            "Status",
        ]
        ada = self.council_emp
        assert rows[1] == [
            "Ada Lovelace",
            ada.payroll_number,
            ada.job_title,
            ada.org_unit.name if ada.org_unit else "",
            "Phased return: three days a week for four weeks.",
            (self.today - timedelta(days=20)).isoformat(),
            (self.today - timedelta(days=1)).isoformat(),
            "Review overdue",
        ]
        assert [r[4] for r in rows[2:]] == [
            '\'=HYPERLINK("http://x") supportive chair',
            "A desk near the exit.",
        ]
        assert NOTE not in response.content.decode("utf-8-sig")

    def test_the_xlsx_has_the_same_rows_with_a_formula_kept_as_text(self) -> None:
        response = self.signed_in(self.council_hr).get(REGISTER, {"format": "xlsx", "status": "upcoming"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows())
        assert len(rows) == 2
        # XLSX stores the cell as text (type s), which a spreadsheet never runs (OWASP CSV injection).
        assert (rows[1][4].value, rows[1][4].data_type) == ('=HYPERLINK("http://x") supportive chair', "s")
        assert rows[1][7].value == "Not started yet"

    def test_a_search_narrows_the_csv_to_exactly_the_rows_found(self) -> None:
        response = self.signed_in(self.council_hr).get(REGISTER, {"q": "lovelace", "format": "csv"})
        assert [(r[0], r[4]) for r in csv_rows(response.content)[1:]] == [
            ("Ada Lovelace", "Phased return: three days a week for four weeks."),
            ("Ada Lovelace", '\'=HYPERLINK("http://x") supportive chair'),
        ]

    def test_sorting_by_start_orders_the_register(self) -> None:
        client = self.signed_in(self.council_hr)
        ascending = client.get(REGISTER, {"sort": "starts"})
        assert [r.pk for r, _ in ascending.context["rows"]] == [self.phased.pk, self.desk.pk, self.chair.pk]
        by_name = client.get(REGISTER, {"sort": "name", "order": "desc"})
        assert [r.pk for r, _ in by_name.context["rows"]] == [self.desk.pk, self.chair.pk, self.phased.pk]

    def test_occupational_health_sees_the_register_too(self) -> None:
        assert self.signed_in(self.oh_admin).get(REGISTER).status_code == 200

    def test_roles_without_the_register_get_403_and_another_partners_hr_sees_nothing_of_it(self) -> None:
        before = self.stored()
        for user in (self.finance, self.union_rep, self.ada, self.ops_admin, self.manager):
            assert self.signed_in(user).get(REGISTER).status_code == 403, user
            assert self.signed_in(user).get(REGISTER, {"format": "csv"}).status_code == 403, user
        police = self.signed_in(self.police_hr).get(REGISTER)
        assert police.status_code == 200
        assert ": 0 adjustments ·" in police.content.decode()
        assert "Phased return" not in police.content.decode()
        assert self.stored() == before

    def test_staff_and_occupational_health_link_the_register_for_hr(self) -> None:
        client = self.signed_in(self.council_hr)
        assert f'href="{REGISTER}"' in client.get("/staff").content.decode()
        assert f'href="{REGISTER}"' in client.get("/wellbeing/").content.decode()


class TestTheTeamRegister(AdjustmentsTestCase):
    def test_a_manager_sees_only_their_teams_adjustments(self) -> None:
        page = self.signed_in(self.manager).get(TEAM).content.decode()
        assert ": 2 adjustments ·" in page
        assert "Phased return" in page and "supportive chair" in page
        assert "A desk near the exit" not in page
        assert NOTE not in page and ADJUSTMENTS not in page
        assert list(selectors.team_adjustments(self.manager, as_of=self.today)) == [self.phased, self.chair]

    def test_a_manager_with_no_team_sees_none_and_others_get_403(self) -> None:
        assert ": 0 adjustments ·" in self.signed_in(self.other_manager).get(TEAM).content.decode()
        for user in (self.council_hr, self.ada, self.finance):
            assert self.signed_in(user).get(TEAM).status_code == 403, user

    def test_the_teams_register_is_one_page_sorted_in_the_browser(self) -> None:
        page = self.signed_in(self.manager).get(TEAM).content.decode()
        assert 'data-module="moj-sortable-table"' in page
        assert f'data-sort-value="{(self.today + timedelta(days=7)).isoformat()}"' in page

    def test_my_team_links_the_teams_adjustments(self) -> None:
        assert f'href="{TEAM}"' in self.signed_in(self.manager).get("/team").content.decode()


class TestTheRegisterApi(AdjustmentsTestCase):
    def test_hr_reads_the_register_with_status_and_no_clinical_content(self) -> None:
        response = self.api(self.council_hr).get(f"{V1}/partners/{self.council.pk}/adjustments")
        assert response.status_code == 200
        found = response.json()
        assert found["count"] == 3
        first = found["items"][0]
        assert first == {
            "id": self.phased.pk,
            "partner_id": self.council.pk,
            "employment_id": self.council_emp.pk,
            "name": "Ada Lovelace",
            "payroll_number": self.council_emp.payroll_number,
            "post": self.council_emp.job_title,
            "team": self.council_emp.org_unit.name if self.council_emp.org_unit else "",
            "what": "Phased return: three days a week for four weeks.",
            "starts_on": (self.today - timedelta(days=20)).isoformat(),
            "review_on": (self.today - timedelta(days=1)).isoformat(),
            "status": "review_overdue",
        }
        assert [i["status"] for i in found["items"]] == ["review_overdue", "upcoming", "in_place"]
        assert NOTE not in response.content.decode() and ADJUSTMENTS not in response.content.decode()

    def test_it_narrows_by_status_and_name_and_refuses_an_unknown_status(self) -> None:
        client = self.api(self.council_hr)
        path = f"{V1}/partners/{self.council.pk}/adjustments"
        assert [i["id"] for i in client.get(path, {"status": "in_place"}).json()["items"]] == [self.desk.pk]
        assert [i["id"] for i in client.get(path, {"q": "Lovelace"}).json()["items"]] == [
            self.phased.pk,
            self.chair.pk,
        ]
        refused = client.get(path, {"status": "closed"})
        assert refused.status_code == 422
        assert "Choose a status: upcoming, in_place, review_due, review_overdue." in refused.content.decode()

    def test_another_partners_register_is_404_and_a_role_without_it_403(self) -> None:
        before = self.stored()
        assert self.api(self.police_hr).get(f"{V1}/partners/{self.council.pk}/adjustments").status_code == 404
        for user in (self.manager, self.finance, self.ops_admin, self.ada):
            assert self.api(user).get(f"{V1}/partners/{self.council.pk}/adjustments").status_code == 403, user
        assert self.stored() == before
