"""HR's chart of FTE in post against budgeted establishment: the figures of /establishment summed
by unit, drawn by the same chart component from the table beside it, the police's never."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from joinedup.people.models import PostHolding
from joinedup.people.services import org_unit_create
from joinedup.workspaces.charts import fte_by_unit
from joinedup.workspaces.tests.base import TODAY, WorkWaitingTestCase
from joinedup.workspaces.tests.test_pages import on_today


class EstablishmentSet(WorkWaitingTestCase):
    def setUp(self) -> None:
        # A second council unit: a payroll post of 1.5 FTE held at 0.6 by the council's employee.
        unit = org_unit_create(actor=self.shared_hr, partner=self.council, code="PAY", name="Council Payroll")
        post = self.make_post(self.council, unit, "C-PAY-01", "Payroll officer", Decimal("1.5"))
        PostHolding.objects.create(
            partner=self.council,
            post=post,
            employment=self.council_emp,
            fte=Decimal("0.6"),
            start_date=date(2026, 1, 1),
        )
        # The police: a unit of 40 budgeted FTE that no council figure may include.
        police = org_unit_create(
            actor=self.shared_hr, partner=self.police, code="OPS", name="Police Operations"
        )
        self.make_post(self.police, police, "P-OPS-01", "Constable", Decimal(40))


class TestFteByUnit(EstablishmentSet):
    def test_it_sums_the_establishment_by_unit_in_name_order(self) -> None:
        units = fte_by_unit(self.council_hr, partner=self.council, today=TODAY)
        assert [(u.unit, u.budgeted, u.in_post) for u in units] == [
            ("Council HR", Decimal(3), Decimal(1)),
            ("Council Payroll", Decimal("1.5"), Decimal("0.6")),
        ]

    def test_the_police_hr_officer_sees_the_polices_units_alone(self) -> None:
        units = fte_by_unit(self.police_hr, partner=self.police, today=TODAY)
        assert [(u.unit, u.budgeted, u.in_post) for u in units] == [
            ("Police Finance", Decimal(2), Decimal(1)),
            ("Police Operations", Decimal(40), Decimal(0)),
        ]

    def test_a_holding_ended_leaves_the_fte_out_of_post(self) -> None:
        PostHolding.objects.for_partner(self.council).filter(post__code="C-PAY-01").update(
            end_date=date(2026, 11, 1)
        )
        units = fte_by_unit(self.council_hr, partner=self.council, today=TODAY)
        assert [(u.unit, u.in_post) for u in units] == [
            ("Council HR", Decimal(1)),
            ("Council Payroll", Decimal(0)),
        ]


class TestFteChartOnTheHomePage(EstablishmentSet):
    def test_an_hr_officer_sees_the_chart_beside_a_table_of_the_same_figures(self) -> None:
        with on_today():
            html = self.signed_in(self.council_hr).get("/").content.decode()
        assert '<canvas data-chart-for="fte-by-unit-table" data-chart-kind="bars"' in html
        table = html[html.index('data-testid="fte-by-unit-table"') :]
        table = table[: table.index("</table>")]
        rows = re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*data-value="([^"]+)">[^<]+</td>\s*'
            r'<td[^>]*data-value="([^"]+)">',
            table,
        )
        assert rows == [("Council HR", "3", "1"), ("Council Payroll", "1.5", "0.6")]
        assert "Police Operations" not in html
        assert '<script src="/static/js/chart-table.js" defer></script>' in html

    def test_a_payroll_officer_sees_no_establishment_chart(self) -> None:
        with on_today():
            html = self.signed_in(self.council_payroll).get("/").content.decode()
        assert "fte-by-unit" not in html
        assert "pay-by-month-table" in html

    def test_the_api_gives_the_charts_figures_by_unit(self) -> None:
        with on_today():
            body = self.api(self.council_hr).get("/api/v1/me/worklist").json()
        assert body["fte_by_unit"] == [
            {"unit": "Council HR", "budgeted_fte": "3.0000", "in_post_fte": "1.0000"},
            {"unit": "Council Payroll", "budgeted_fte": "1.5000", "in_post_fte": "0.6000"},
        ]
        assert (body["pay_by_month"], body["budget_year_so_far"]) == ([], None)

    def test_the_police_hr_officer_cannot_read_the_councils_worklist_and_nothing_changes(self) -> None:
        holdings = list(PostHolding.objects.for_partner(self.council).values_list("pk", "fte", "end_date"))
        with on_today():
            response = self.api(self.police_hr).get(f"/api/v1/me/worklist?partner_id={self.council.pk}")
        assert response.status_code == 404
        assert (
            list(PostHolding.objects.for_partner(self.council).values_list("pk", "fte", "end_date"))
            == holdings
        )
