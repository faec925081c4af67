"""The business case worked from the web: starting a case, its options and lines, allocation keys,
baseline rows by hand, a partner's sharing and decisions; the exports of its tables; who may do
and see what (issue 13's visibility rules); and what the case page asks of the database."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import (
    AllocationKey,
    Baseline,
    BusinessCase,
    CaseVersion,
    Decision,
    Option,
    OptionLine,
)
from joinedup.businesscase.services import LineInput
from joinedup.businesscase.tests.base import BusinessCaseTestCase, pounds
from joinedup.partnership.models import Role

LINE = {
    "name": "Systems",
    "kind": "cost",
    "timing": "one_off",
    "amounts": "500, 250.50",
    "optimism_bias": "20",
    "delay_years": "",
    "risk": "Data migration",
}


def table(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


class PagesTestCase(BusinessCaseTestCase):
    union_rep: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.union_rep = cls.make_user("council.unison", [(cls.council, Role.UNION_REP)])

    def url(self, tail: str = "") -> str:
        return f"/businesscase/{self.case.pk}/{tail}"

    def line(self, index: int) -> OptionLine:
        return self.option.lines.order_by("pk")[index]

    def state(self) -> tuple[int, ...]:
        shared = self.shared
        return (
            BusinessCase.objects.for_partner(shared).count(),
            CaseVersion.objects.for_partner(shared).count(),
            Option.objects.for_partner(shared).count(),
            OptionLine.objects.for_partner(shared).count(),
            AllocationKey.objects.for_partner(shared).count(),
            Baseline.objects.for_partners([self.shared, self.council, self.police])
            .filter(shared=True)
            .count(),
            Baseline.objects.for_partner(shared).count(),
            Decision.objects.for_partners([self.council, self.police, self.fire]).count(),
            AuditEvent.objects.for_partners([self.shared, self.council, self.police]).count(),
        )

    def approve(self, user: Any, partner: Any) -> Decision:
        return services.decision_record(
            actor=user,
            version=services.latest_version(self.case),
            partner=partner,
            outcome="approved",
            decided_on=date(2026, 11, 3),
            body="cabinet",
        )

    def messages(self, response: Any) -> list[str]:
        return [str(m) for m in response.context["messages"]]


class TestStartingACase(PagesTestCase):
    def test_the_owners_finance_officer_starts_a_case_for_the_partners_it_names(self) -> None:
        client = self.signed_in(self.shared_finance)
        assert "Start a business case" in client.get("/businesscase/").content.decode()
        answer = client.post(
            "/businesscase/new",
            {
                "owner": self.shared.pk,
                "name": "Joint ICT",
                "years": "15",
                "description": "",
                "partners": [self.council.pk, self.fire.pk],
                "must_approve": [self.fire.pk],
            },
        )
        case = BusinessCase.objects.for_partner(self.shared).get(name="Joint ICT")
        assert answer.status_code == 302 and answer["Location"] == f"/businesscase/{case.pk}/"
        assert case.years == 15
        assert [(r.partner.code, r.must_approve) for r in selectors.involved_of(case)] == [
            ("WSS", False),
            ("WCC", False),
            ("WFRS", True),
        ]

    def test_it_shows_every_problem_and_makes_nothing(self) -> None:
        before = self.state()
        page = self.signed_in(self.shared_finance).post(
            "/businesscase/new", {"owner": self.shared.pk, "name": "One back office", "years": "101"}
        )
        assert page.status_code == 200
        assert page.context["form"].errors == {"years": ["The horizon must be 100 or less."]}
        page = self.signed_in(self.shared_finance).post(
            "/businesscase/new", {"owner": self.shared.pk, "name": "One back office", "years": "10"}
        )
        text = page.content.decode()
        assert "There is a problem" in text
        assert page.context["form"].errors == {
            "name": ["Wessex Shared Services already has a business case called One back office."],
            "partners": ["Name at least one partner the case is for."],
            "must_approve": ["Name at least one partner that must approve the case."],
        }
        assert self.state() == before

    def test_a_partners_finance_officer_may_not_start_one(self) -> None:
        client = self.signed_in(self.council_finance)
        assert "Start a business case" not in client.get("/businesscase/").content.decode()
        before = self.state()
        assert client.get("/businesscase/new").status_code == 403
        answer = client.post(
            "/businesscase/new",
            {"owner": self.shared.pk, "name": "Ours", "years": "10", "partners": [self.council.pk]},
        )
        assert answer.status_code == 403
        assert self.state() == before


class TestOptionsAndLines(PagesTestCase):
    def test_the_owner_adds_an_option_and_a_line_and_the_appraisal_shows_them(self) -> None:
        client = self.signed_in(self.shared_finance)
        answer = client.post(self.url("options/new"), {"kind": "outsourcing", "name": "Outsourcing"})
        option = Option.objects.for_partner(self.shared).get(case=self.case, name="Outsourcing")
        assert answer["Location"] == self.url(f"options/{option.pk}/")
        answer = client.post(self.url(f"options/{option.pk}/lines/new"), LINE)
        assert answer.status_code == 302, answer.context["form"].errors
        (line,) = option.lines.all()
        assert (line.amounts, line.optimism_bias, line.one_off, line.risk) == (
            ["500", "250.50"],
            Decimal("20.00"),
            True,
            "Data migration",
        )
        page = client.get(self.url()).content.decode()
        # 500 x 1.2 + 250.50 x 1.2 / 1.035 = 600 + 290.43 (The Green Book, Annex 6: 3.5% in year 1)
        assert "-£890.43" in page
        assert 'Change<span class="govuk-visually-hidden"> Outsourcing</span> its lines' in page

    def test_bad_amounts_are_named_by_year_and_nothing_changes(self) -> None:
        before = self.state()
        page = self.signed_in(self.shared_finance).post(
            self.url(f"options/{self.option.pk}/lines/new"), {**LINE, "amounts": "500, lots"}
        )
        assert page.status_code == 200
        assert page.context["form"].errors == {
            "amounts": ["Year 1: 'lots' is not an amount; give pounds, like 250000 or 1200.50."]
        }
        assert "There is a problem" in page.content.decode()
        assert self.state() == before

    def test_the_services_refusal_shows_beside_the_field_and_nothing_changes(self) -> None:
        before = self.state()
        page = self.signed_in(self.shared_finance).post(
            self.url(f"options/{self.option.pk}/lines/new"), {**LINE, "amounts": "1, 1, 1, 1, 1, 1"}
        )
        assert page.context["form"].errors == {
            "amounts": ["Line 'Systems': 6 years of amounts, past the 5-year horizon."]
        }
        assert self.state() == before

    def test_changing_a_line_after_an_approval_makes_version_2_and_says_so(self) -> None:
        self.approve(self.council_finance, self.council)
        client = self.signed_in(self.shared_finance)
        page = client.get(self.url(f"lines/{self.line(1).pk}/"))
        assert "Wessex County Council has decided on version 1. A change makes version 2" in " ".join(
            page.content.decode().split()
        )
        answer = client.post(
            self.url(f"lines/{self.line(1).pk}/"),
            {
                **LINE,
                "name": "Fewer staff",
                "kind": "saving",
                "timing": "recurring",
                "amounts": "0,250,250,250,250",
                "optimism_bias": "",
            },
            follow=True,
        )
        assert self.messages(answer) == [
            "Line Fewer staff saved. Version 2 was made for it: the decisions of Wessex County Council"
            " stay on version 1."
        ]
        v1, v2 = selectors.versions_of_case(self.case)
        assert [d.version_id for d in Decision.objects.for_partner(self.council)] == [v1.pk]
        amounts = OptionLine.objects.for_partner(self.shared).filter(option__version=v2).order_by("pk")
        assert [line.amounts for line in amounts] == [["1000.00"], ["0", "250", "250", "250", "250"]]
        # The page shows the approval where it was given, and no partnership approval.
        text = client.get(self.url()).content.decode()
        assert "Not yet approved by the partnership" in text
        version_2, version_1 = text.split('data-testid="versions"')[1].split("</tr>")[1:3]
        assert "Version 2</a> (latest)" in version_2 and "No decision yet." in version_2
        assert "Wessex County Council: <strong>Approved</strong>" in version_1

    def test_the_lines_of_an_older_version_are_not_edited_and_answer_404(self) -> None:
        self.approve(self.council_finance, self.council)
        old_line, old_option = self.line(0), self.option
        services.option_change(actor=self.shared_finance, option=self.option, kind="other", name="Renamed")
        client = self.signed_in(self.shared_finance)
        before = self.state()
        for url in (
            f"lines/{old_line.pk}/",
            f"lines/{old_line.pk}/remove",
            f"options/{old_option.pk}/",
            f"options/{old_option.pk}/remove",
            f"options/{old_option.pk}/lines/new",
        ):
            assert client.get(self.url(url)).status_code == 404, url
            assert client.post(self.url(url), LINE).status_code == 404, url
        assert self.state() == before

    def test_removing_a_line_and_an_option(self) -> None:
        client = self.signed_in(self.shared_finance)
        assert (
            "Remove the line Set-up?"
            in client.get(self.url(f"lines/{self.line(0).pk}/remove")).content.decode()
        )
        answer = client.post(self.url(f"lines/{self.line(0).pk}/remove"), follow=True)
        assert self.messages(answer) == ["Line Set-up removed from Shared service."]
        answer = client.post(self.url(f"options/{self.option.pk}/remove"), follow=True)
        assert self.messages(answer) == ["Option Shared service removed."]
        assert Option.objects.for_partner(self.shared).filter(case=self.case).count() == 0


class TestKeysBaselinesAndSharing(PagesTestCase):
    def test_the_owner_sets_the_allocation_keys(self) -> None:
        client = self.signed_in(self.shared_finance)
        page = client.get(self.url("allocation"))
        assert page.context["form"].initial == {
            f"key_{self.council.pk}": Decimal(60),
            f"key_{self.police.pk}": Decimal(40),
        }
        answer = client.post(
            self.url("allocation"),
            {f"key_{self.council.pk}": "3", f"key_{self.police.pk}": "1", f"key_{self.shared.pk}": ""},
        )
        assert answer.status_code == 302
        version = services.latest_version(self.case)
        assert selectors.allocation_of(version) == {"WCC": Decimal("3.0000"), "WPOL": Decimal("1.0000")}

    def test_a_key_of_nought_is_refused_beside_its_field(self) -> None:
        before = self.state()
        page = self.signed_in(self.shared_finance).post(
            self.url("allocation"), {f"key_{self.council.pk}": "0", f"key_{self.police.pk}": "1"}
        )
        assert page.context["form"].non_field_errors() == [
            "Wessex County Council: a key must be more than 0."
        ]
        assert self.state() == before

    def test_the_owner_adds_changes_and_removes_a_baseline_row_by_hand(self) -> None:
        client = self.signed_in(self.shared_finance)
        figures = {
            "staff_cost": "300000.00",
            "fte": "9.5",
            "non_staff_cost": "20000",
            "payslips": "",
            "invoices": "4000",
            "tickets": "0",
            "source": "",
        }
        answer = client.post(
            self.url("baselines/new"), {"partner": self.police.pk, "function": "finance", **figures}
        )
        assert answer.status_code == 302
        row = Baseline.objects.for_partner(self.police).get(partner=self.police, function="finance")
        assert (row.staff_cost, row.fte, row.invoices, row.source, row.shared) == (
            Decimal("300000.00"),
            Decimal("9.50"),
            4000,
            "Entered by hand",
            True,  # the constabulary shares its baseline detail: its new row is shared too
        )
        answer = client.post(self.url(f"baselines/{row.pk}/"), {**figures, "staff_cost": "310000"})
        row.refresh_from_db()
        assert row.staff_cost == Decimal("310000.00")
        answer = client.post(self.url(f"baselines/{row.pk}/remove"), follow=True)
        assert self.messages(answer)[-1] == "Wessex Constabulary's Finance baseline removed."
        assert not Baseline.objects.for_partner(self.police).filter(function="finance").exists()

    def test_a_negative_cost_is_refused_with_nothing_changed(self) -> None:
        row = Baseline.objects.for_partner(self.council).get(partner=self.council)
        before = self.state()
        page = self.signed_in(self.shared_finance).post(
            self.url(f"baselines/{row.pk}/"),
            {
                "staff_cost": "-1",
                "fte": "1",
                "non_staff_cost": "0",
                "payslips": "0",
                "invoices": "0",
                "tickets": "0",
            },
        )
        assert page.context["form"].errors == {"staff_cost": ["The staff cost must be 0 or more."]}
        assert self.state() == before

    def test_a_partner_shares_its_own_baseline_detail_and_no_other_partners(self) -> None:
        client = self.signed_in(self.council_finance)
        page = client.get(self.url()).content.decode()
        assert "Share Wessex County Council's baseline detail" in page
        assert "Wessex Constabulary's baseline detail" not in page
        answer = client.post(self.url("sharing"), {"partner": self.council.pk, "shared": "1"})
        assert answer.status_code == 302
        assert Baseline.objects.for_partner(self.council).get(partner=self.council).shared
        before = self.state()
        assert client.post(self.url("sharing"), {"partner": self.police.pk, "shared": "0"}).status_code == 403
        assert self.state() == before


class TestWhoMayDoWhat(PagesTestCase):
    def edit_urls(self) -> list[str]:
        baseline = Baseline.objects.for_partner(self.council).get(partner=self.council)
        return [
            "options/new",
            f"options/{self.option.pk}/",
            f"options/{self.option.pk}/remove",
            f"options/{self.option.pk}/lines/new",
            f"lines/{self.line(0).pk}/",
            f"lines/{self.line(0).pk}/remove",
            "allocation",
            "baselines/new",
            f"baselines/{baseline.pk}/",
            f"baselines/{baseline.pk}/remove",
        ]

    def test_an_involved_partners_finance_officer_is_refused_every_edit_and_nothing_changes(self) -> None:
        client = self.signed_in(self.council_finance)
        before = self.state()
        for url in self.edit_urls():
            assert client.get(self.url(url)).status_code == 403, url
            assert client.post(self.url(url), {**LINE, "kind": "other"}).status_code == 403, url
        assert self.state() == before
        assert 'data-testid="edit-links"' not in client.get(self.url()).content.decode()

    def test_a_partner_not_in_the_case_gets_404_everywhere_and_nothing_changes(self) -> None:
        client = self.signed_in(self.fire_finance)
        before = self.state()
        for url in [*self.edit_urls(), "sharing", "options.csv", "shares.xlsx", "decisions.csv"]:
            assert client.post(self.url(url), {**LINE, "partner": self.fire.pk}).status_code == 404, url
        for url in ["options.csv", "shares.xlsx", "decisions.csv"]:
            assert client.get(self.url(url)).status_code == 404, url
        assert self.state() == before

    def test_another_cases_objects_answer_404_within_this_case(self) -> None:
        other = services.case_create(
            actor=self.shared_finance, owner=self.shared, name="Other", partners=[self.council], years=3
        )
        option = services.option_add(actor=self.shared_finance, case=other, kind="other", name="Elsewhere")
        line = services.line_add(
            actor=self.shared_finance,
            option=option,
            line=LineInput(name="x", kind="cost", amounts=pounds("1")),
        )
        client = self.signed_in(self.shared_finance)
        before = self.state()
        for url in (f"options/{option.pk}/", f"options/{option.pk}/remove", f"lines/{line.pk}/remove"):
            assert client.post(self.url(url), {"kind": "other", "name": "Moved"}).status_code == 404, url
        assert self.state() == before

    def test_a_partner_sees_its_own_share_and_the_owner_every_share_in_the_export(self) -> None:
        council = table(self.signed_in(self.council_finance).get(self.url("shares.csv")))
        assert council == [
            ["Option", "Partner", "Costs", "Savings", "Net present value"],
            ["Shared service", "WCC", "660.00", "720.00", "1.15"],
        ]
        owner = table(self.signed_in(self.shared_finance).get(self.url("shares.csv")))
        assert owner[1:] == [
            ["Shared service", "WCC", "660.00", "720.00", "1.15"],
            ["Shared service", "WPOL", "440.00", "480.00", "0.77"],
        ]

    def test_a_union_rep_reads_only_the_published_case(self) -> None:
        client = self.signed_in(self.union_rep)
        for url in ("", "options.csv", "shares.csv", "decisions.csv", "appraisal.csv"):
            assert client.get(self.url(url)).status_code == 404, url
        self.approve(self.council_finance, self.council)
        services.version_publish(actor=self.shared_finance, version=services.latest_version(self.case))
        services.line_remove(actor=self.shared_finance, line=self.line(0))  # version 2, not published
        self.approve(self.police_finance, self.police)
        assert table(client.get(self.url("shares.csv"))) == [
            ["Option", "Partner", "Costs", "Savings", "Net present value"]
        ]
        decisions = table(client.get(self.url("decisions.csv")))
        assert [row[:3] for row in decisions] == [
            ["Version", "Partner", "Decision"],
            ["1", "Wessex County Council", "Approved"],
        ]
        options = table(client.get(self.url("options.csv")))
        assert [row[2] for row in options[1:]] == ["Set-up", "Fewer staff"]  # version 1's lines
        assert client.get(self.url("options.csv") + "?version=2").status_code == 404
        page = client.get(self.url()).content.decode()
        assert (
            "Share " not in page
            and "Record a decision" not in page
            and 'data-testid="baseline-rows"' not in page
        )
        assert (
            client.post(self.url("sharing"), {"partner": self.council.pk, "shared": "1"}).status_code == 403
        )

    def test_a_union_rep_hears_through_the_api_of_no_approval_of_a_version_not_published(self) -> None:
        services.version_publish(actor=self.shared_finance, version=services.latest_version(self.case))
        self.approve(self.council_finance, self.council)
        services.line_remove(actor=self.shared_finance, line=self.line(0))  # version 2, not published
        self.approve(self.council_finance, self.council)
        self.approve(self.police_finance, self.police)
        assert selectors.partnership_approval(self.case).number == 2  # type: ignore[union-attr]
        body = self.api(self.union_rep).get(f"/api/v1/businesscases/{self.case.pk}").json()
        assert (body["version"], body["approved_version"]) == (1, None)
        assert [v["number"] for v in body["versions"]] == [1]
        assert body["baselines"] == [] and body["options"][0]["shares"] == []
        assert (
            self.api(self.union_rep).get(f"/api/v1/businesscases/{self.case.pk}?version=2").status_code == 404
        )
        owner = self.api(self.shared_finance).get(f"/api/v1/businesscases/{self.case.pk}").json()
        assert (owner["version"], owner["approved_version"]) == (2, 2)

    def test_another_partners_unshared_baseline_row_is_not_reachable_by_a_partner(self) -> None:
        # The council's row is not shared: the constabulary reads it in the totals only.
        row = Baseline.objects.for_partner(self.council).get(partner=self.council)
        client = self.signed_in(self.police_finance)
        assert client.get(self.url(f"baselines/{row.pk}/")).status_code == 403
        rows = table(client.get(self.url("baseline.csv")))
        assert [r[0] for r in rows[1:]] == ["Wessex Constabulary", "Partnership total", "Partnership total"]


class TestExports(PagesTestCase):
    def test_the_options_export_lists_every_line_with_its_amounts_by_year(self) -> None:
        rows = table(
            self.signed_in(self.council_finance).get(self.url("options.xlsx").replace("xlsx", "csv"))
        )
        assert rows == [
            [
                "Option",
                "Kind of option",
                "Line",
                "Cost or saving",
                "One-off",
                "Optimism bias (%)",
                "Delay (years)",
                "Risks",
                "Year 0",
                "Year 1",
                "Year 2",
                "Year 3",
                "Year 4",
            ],
            [
                "Shared service",
                "Shared service",
                "Set-up",
                "Cost",
                "Yes",
                "10.00",
                "0",
                "",
                "1000.00",
                "",
                "",
                "",
                "",
            ],
            [
                "Shared service",
                "Shared service",
                "Fewer staff",
                "Saving",
                "No",
                "0.00",
                "0",
                "",
                "0",
                "300",
                "300",
                "300",
                "300",
            ],
        ]

    def test_the_decisions_export_lists_every_decision_on_every_version(self) -> None:
        services.decision_record(
            actor=self.police_finance,
            version=services.latest_version(self.case),
            partner=self.police,
            outcome="deferred",
            decided_on=date(2026, 9, 24),
            body="police_authority",
            minutes_url="https://example.org/minutes",
        )
        rows = table(self.signed_in(self.council_finance).get(self.url("decisions.csv")))
        assert rows == [
            ["Version", "Partner", "Decision", "Date", "Decided by", "Minutes", "Conditions"],
            [
                "1",
                "Wessex Constabulary",
                "Deferred for more information",
                "2026-09-24",
                "Police authority",
                "https://example.org/minutes",
                "",
            ],
        ]

    def test_an_unknown_format_is_404(self) -> None:
        client = self.signed_in(self.council_finance)
        for table_name in ("options", "shares", "decisions"):
            assert client.get(self.url(f"{table_name}.pdf")).status_code == 404


class TestQueries(PagesTestCase):
    def queries(self, user: Any) -> int:
        client = self.signed_in(user)
        client.get(self.url())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(self.url()).status_code == 200
        return len(captured.captured_queries)

    def test_the_case_page_asks_as_many_queries_however_many_options_lines_and_decisions(self) -> None:
        owner, partner = self.queries(self.shared_finance), self.queries(self.council_finance)
        self.approve(self.council_finance, self.council)
        for number in range(3):
            option = services.option_add(
                actor=self.shared_finance, case=self.case, kind="other", name=f"O{number}"
            )
            for _ in range(3):
                services.line_add(
                    actor=self.shared_finance,
                    option=option,
                    line=LineInput(name="c", kind="cost", amounts=pounds("5")),
                )
        self.approve(self.police_finance, self.police)
        self.approve(self.council_finance, self.council)
        assert [v.number for v in selectors.versions_of_case(self.case)] == [1, 2]
        assert (self.queries(self.shared_finance), self.queries(self.council_finance)) == (owner, partner)
