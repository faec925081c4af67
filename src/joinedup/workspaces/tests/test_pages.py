"""The home page and ``GET /api/v1/me/worklist``: the tiles a user relies on, every count equal to
the list it links to, another partner's work never counted nor reachable, and a bounded number of
queries whatever the data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.core import rls
from joinedup.payroll.models import PayCalendar, PayRun
from joinedup.people.models import Employment
from joinedup.testing.required import missing
from joinedup.workspaces.tests.base import TODAY, WorkWaitingTestCase

# The home page of a user holding every role on the council, with every section's tiles: the
# figure is fixed, so a tile that starts reading row by row fails here. 4 to sign the request in
# (session, user, second factor, roles), 28 for the tiles (the purchasing officer's invoices by
# step, one grouped count; payroll's next pay dates at each
# employer served, two: the pay calendars, then the runs of employers with none; HR's changes,
# leave and secondments each counted from their own rows; the service administrator's look for
# partners they do not administer, which keeps the background queue from them), 6 for budget
# against actual for the year so far (the partner's periods, then ledger.reports.budget_vs_actual's
# five: the periods in range, the cost-centre tree, the accounts, the lines and the budgets, each
# grouped), 2 for the pay chart (the runs, then the payslips of those that kept no totals at
# approval: these fixtures' runs), 2 for HR's chart of FTE by unit (people.selectors.establishment:
# the posts, the holdings summed by post), 2 for the layout (the menu's "me" link, unread
# notifications).
HOME_QUERIES_EVERY_ROLE = 44
# Row-level security wraps the request in its transaction: a savepoint, the context set and
# cleared, the savepoint released (the caller's partners come from the memberships the
# permissions read anyway).
RLS_BOOKKEEPING = 4


@contextmanager
def on_today() -> Iterator[None]:
    with mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY):
        yield


def tiles(html: str) -> dict[str, int]:
    """Tile test id → the count it shows."""
    found = re.findall(
        r'data-testid="tile-([a-z_]+-[a-z0-9_]+)">\s*<a[^>]*>\s*'
        r'<span class="app-tile__count" data-testid="count">(\d+)</span>',
        html,
    )
    return {key: int(count) for key, count in found}


def hrefs(html: str) -> dict[str, str]:
    found = re.findall(r'data-testid="tile-([a-z_]+-[a-z0-9_]+)">\s*<a[^>]*href="([^"]+)"', html)
    return {key: href.replace("&amp;", "&") for key, href in found}


class TestHomePage(WorkWaitingTestCase):
    def home(self, user: Any) -> str:
        with on_today():
            response = self.signed_in(user).get("/")
        assert response.status_code == 200
        return response.content.decode()

    def test_a_payroll_officer_opens_on_the_councils_pay_runs_waiting(self) -> None:
        html = self.home(self.council_payroll)
        assert tiles(html) == {
            "payroll_officer-runs_draft": 1,
            "payroll_officer-runs_calculating": 0,
            "payroll_officer-runs_calculated": 1,
            "payroll_officer-runs_approved": 1,
            "payroll_officer-next_pay_dates": 1,
            "payroll_officer-runs_due": 1,
            "payroll_officer-flags_to_review": 1,
            "payroll_officer-journals_to_post": 1,
            "payroll_officer-p45s_to_issue": 1,
        }
        assert "Next pay date 25 November 2026" in html
        # The empty tile says what will appear there.
        assert "Calculating pay runs of Wessex County Council appear here." in html

    def test_every_payroll_tiles_count_equals_the_list_it_links_to(self) -> None:
        html = self.home(self.council_everything)
        shown, links = tiles(html), hrefs(html)
        client = self.signed_in(self.council_everything)
        checked = 0
        for key, href in links.items():
            if not href.startswith(("/payroll?", "/staff?")):
                continue
            with on_today():
                response = client.get(href)
            assert response.status_code == 200, href
            assert response.context["page"].paginator.count == shown[key], (key, href)
            checked += 1
        assert checked == 16

    def test_an_hr_officer_follows_a_tile_to_the_staff_it_counts(self) -> None:
        with on_today():
            response = self.signed_in(self.council_hr).get("/staff?worklist=starters")
        assert [e.payroll_number for e in response.context["page"]] == ["WCC-STARTER"]
        # The filter panel names the tile's filter, and its tag goes back to every member of staff.
        html = response.content.decode()
        assert (
            '<a class="moj-filter__tag" href="/staff"><span class="govuk-visually-hidden">Remove this filter'
            "</span> Starters this month</a>"
        ) in html

    def test_a_user_with_several_roles_sees_a_section_for_each(self) -> None:
        html = self.home(self.council_everything)
        sections = re.findall(r'data-testid="section-([a-z_]+)"', html)
        assert sections == [
            "payroll_officer",
            "payroll_approver",
            "hr_officer",
            "finance_officer",
            "manager",
            "employee",
            "service_admin",
            "data_protection_officer",
            "union_rep",
            "service_desk_agent",
            "oh_clinician",
            "oh_admin",
            "purchasing_officer",
            "viewer",
        ]
        assert 'data-testid="empty-viewer"' in html

    def test_the_police_payroll_officer_sees_none_of_the_councils_work(self) -> None:
        html = self.home(self.police_payroll)
        assert "Wessex Constabulary" in html
        assert "Wessex County Council" not in html
        assert tiles(html)["payroll_officer-runs_draft"] == 1
        assert tiles(html)["payroll_approver-runs_to_approve"] == 0

    def test_the_pay_run_list_filtered_for_another_user_shows_only_their_partners_runs(self) -> None:
        before = PayRun.objects.for_partner(self.council).count()
        with on_today():
            response = self.signed_in(self.police_payroll).get("/payroll?waiting=journal")
        assert [r.partner_id for r in response.context["page"]] == [self.police.pk]
        assert PayRun.objects.for_partner(self.council).count() == before

    def test_a_user_without_payroll_cannot_use_the_filtered_pay_run_list(self) -> None:
        with on_today():
            response = self.signed_in(self.council_hr).get("/payroll?waiting=flags")
        assert response.status_code == 403

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in")

    def test_the_home_page_of_a_user_with_every_role_takes_a_fixed_number_of_queries(self) -> None:
        client = self.signed_in(self.council_everything)
        client.get("/")  # the session's first request settles its own rows
        with on_today(), CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        expected = HOME_QUERIES_EVERY_ROLE + (
            RLS_BOOKKEEPING if rls.enforced() and connection.vendor == "postgresql" else 0
        )
        assert len(queries) == expected, "\n".join(q["sql"][:150] for q in queries)

    def test_more_work_waiting_costs_no_more_queries(self) -> None:
        client = self.signed_in(self.council_everything)
        client.get("/")
        with on_today(), CaptureQueriesContext(connection) as before:
            client.get("/")
        for n in range(5):
            self.hire(self.council, "New", f"Starter{n}", f"AC{n:06d}A", f"WCC-NEW-{n}", start=TODAY)
        with on_today(), CaptureQueriesContext(connection) as after:
            response = client.get("/")
        assert tiles(response.content.decode())["hr_officer-starters"] == 6
        assert len(after) == len(before)


class TestPayChart(WorkWaitingTestCase):
    def test_a_payroll_officer_sees_gross_pay_and_headcount_by_month_beside_its_table(self) -> None:
        with on_today():
            html = self.signed_in(self.council_payroll).get("/").content.decode()
        table = html[html.index('data-testid="pay-by-month-table"') :]
        table = table[: table.index("</table>")]
        rows = re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*data-value="([^"]+)">([^<]+)</td>\s*'
            r'<td[^>]*data-value="(\d+)">',
            table,
        )
        assert len(rows) == 13
        assert rows[0][0] == "November 2025"
        assert rows[-1][0] == "November 2026"
        assert ("September 2026", "2500.00", "£2,500.00", "1") in rows
        assert ("October 2026", "5000.00", "£5,000.00", "2") in rows
        assert [r for r in rows if r[1] != "0.00"] == [
            ("September 2026", "2500.00", "£2,500.00", "1"),
            ("October 2026", "5000.00", "£5,000.00", "2"),
        ]

    def test_the_api_gives_the_same_months_in_pence(self) -> None:
        with on_today():
            body = self.api(self.council_payroll).get("/api/v1/me/worklist").json()
        months = body["pay_by_month"]
        assert (len(months), months[0]["month"], months[-1]["month"]) == (13, "2025-11", "2026-11")
        assert [m for m in months if m["payslips"]] == [
            {"month": "2026-09", "gross_pay": 250_000, "payslips": 1},
            {"month": "2026-10", "gross_pay": 500_000, "payslips": 2},
        ]
        assert (body["fte_by_unit"], body["budget_year_so_far"]) == ([], None)

    def test_the_chart_is_drawn_by_the_services_own_scripts_with_no_inline_script(self) -> None:
        with on_today():
            response = self.signed_in(self.council_payroll).get("/")
        html = response.content.decode()
        assert '<script src="/static/js/chart.umd.min.js" defer></script>' in html
        assert '<script src="/static/js/chart-table.js" defer></script>' in html
        # Every inline script carries the response's nonce; the chart adds none.
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all("nonce=" in attributes for attributes in inline)
        assert len(inline) == 2
        assert "cdn" not in response["Content-Security-Policy"].lower()

    def test_chart_js_is_pinned_exactly_and_served_from_the_build(self) -> None:
        from django.contrib.staticfiles import finders

        root = Path(__file__).resolve().parents[4]
        package = json.loads((root / "package.json").read_text())
        assert package["dependencies"]["chart.js"] == "4.6.2"
        assert finders.find("js/chart-table.js") is not None
        built = root / "build" / "static" / "js" / "chart.umd.min.js"
        if not built.exists():
            missing(f"{built} (run make static)")
        assert finders.find("js/chart.umd.min.js") == str(built)

    def test_roles_outside_payroll_see_no_pay_chart(self) -> None:
        with on_today():
            html = self.signed_in(self.council_hr).get("/").content.decode()
        assert "pay-by-month" not in html

    def test_a_role_with_no_chart_loads_no_chart_script(self) -> None:
        with on_today():
            html = self.signed_in(self.council_finance).get("/").content.decode()
        assert "chart.umd.min.js" not in html
        assert "data-chart-for" not in html


class TestWorklistApi(WorkWaitingTestCase):
    def test_it_gives_the_same_counts_as_json_keyed_by_role_then_tile(self) -> None:
        with on_today():
            response = self.api(self.council_payroll).get("/api/v1/me/worklist")
        assert response.status_code == 200
        body = response.json()
        assert body["partner"] == {"id": self.council.pk, "code": "WCC", "name": "Wessex County Council"}
        assert list(body["roles"]) == ["payroll_officer"]
        assert body["roles"]["payroll_officer"]["flags_to_review"] == {
            "count": 1,
            "href": "/payroll?waiting=flags",
            "label": "Runs with flags to review",
            "detail": "",
        }
        assert {k: v["count"] for k, v in body["roles"]["payroll_officer"].items()} == {
            "runs_draft": 1,
            "runs_calculating": 0,
            "runs_calculated": 1,
            "runs_approved": 1,
            "next_pay_dates": 1,
            "runs_due": 1,
            "flags_to_review": 1,
            "journals_to_post": 1,
            "p45s_to_issue": 1,
        }

    def test_the_next_pay_date_carries_the_cut_off_of_the_employers_pay_calendar(self) -> None:
        """Monthly on the 25th, England, changes five working days before: Wednesday 25 November
        2026, cut-off Wednesday 18 November (24, 23, 20, 19, 18). Same keys as without one."""
        PayCalendar.objects.create(
            partner=self.council,
            frequency="monthly",
            nation="england-and-wales",
            day_of_month=25,
            cut_off_working_days=5,
        )
        with on_today():
            body = self.api(self.council_payroll).get("/api/v1/me/worklist").json()
        assert body["roles"]["payroll_officer"]["next_pay_dates"] == {
            "count": 1,
            "href": "/payroll?waiting=due",
            "label": "Employers you serve with a pay date ahead",
            "detail": "Wessex County Council: 25 November 2026. Cut-off 18 November 2026",
        }

    def test_it_answers_for_the_partner_named(self) -> None:
        with on_today():
            response = self.api(self.shared_hr).get(f"/api/v1/me/worklist?partner_id={self.police.pk}")
        assert response.json()["partner"]["code"] == "WPOL"
        assert response.json()["roles"]["hr_officer"]["starters"]["count"] == 1

    def test_another_partners_worklist_answers_404_and_nothing_changes(self) -> None:
        employments = Employment.objects.for_partner(self.council).count()
        with on_today():
            response = self.api(self.police_payroll).get(f"/api/v1/me/worklist?partner_id={self.council.pk}")
        assert response.status_code == 404
        assert "Wessex County Council" not in response.content.decode()
        assert Employment.objects.for_partner(self.council).count() == employments

    def test_without_a_token_it_answers_401(self) -> None:
        response = self.client.get("/api/v1/me/worklist")
        assert response.status_code == 401

    def test_the_api_document_declares_its_response(self) -> None:
        document = self.client.get("/api/openapi.json").json()
        operation = document["paths"]["/api/v1/me/worklist"]["get"]
        assert set(operation["responses"]) >= {"200", "401", "404"}
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/WorklistOut"}
        assert document["components"]["schemas"]["WorklistOut"]["required"] == [
            "partner",
            "roles",
            "pay_by_month",
            "fte_by_unit",
            "budget_year_so_far",
        ]
