"""An option's one-off costs drawn from a workforce-change programme's costing
(businesscase/drawing.py): one line per partner and kind of cost, by the case's years, marked with
where they came from; drawing again is idempotent; after a partner's decision a changed draw makes
a new version; only the case's owner draws, and nothing changes on a refusal.

The programme is change's test programme "One HR service" (change/tests/base.py), led by the
council from 5 January 2026 (financial year 2025/26) with the constabulary: Ada and Bob (council)
and Dan (constabulary), NJC SCP12 at £28,598 a year, leave the day before 1 May 2026 (2026/27).
Their pay is £549.96 a week (28,598 / 52, half up); each has 3 whole years at 22-40, so 3 weeks'
statutory redundancy pay (ERA 1996 s.162) = £1,649.88, and 3 weeks' statutory notice (s.86) paid
in lieu = £1,649.88: the council's two £3,299.76 of each, the constabulary's one £1,649.88.
They are not LGPS members of 55 or over with a strain factor, so there is no strain line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import drawing, services
from joinedup.businesscase.models import BusinessCase, CaseVersion, Decision, Option, OptionLine
from joinedup.businesscase.services import LineInput
from joinedup.change import services as change_services
from joinedup.change.costing import ProgrammeCosting, YearLine
from joinedup.change.tests.base import ChangeTestCase
from joinedup.partnership.models import Role

COUNCIL_EACH = ["0.00", "3299.76"]
POLICE_EACH = ["0.00", "1649.88"]


class TestTheCostingAsLines:
    def test_financial_years_fall_on_the_case_years_from_year_0(self) -> None:
        costing = ProgrammeCosting(
            lines=[
                YearLine("WCC", 2026, redundancy=Decimal("1000.00"), strain=Decimal("250.50")),
                YearLine("WCC", 2028, strain=Decimal("99.99")),
            ]
        )
        lines, errors = drawing.one_off_lines(
            costing, programme="P", year0=2025, years=5, names={"WCC": "Council"}
        )
        assert errors == []
        assert [(ln.key, ln.name, [str(a) for a in ln.amounts]) for ln in lines] == [
            ("WCC:redundancy", "Redundancy pay: Council (P)", ["0.00", "1000.00"]),
            ("WCC:strain", "Pension strain: Council (P)", ["0.00", "250.50", "0.00", "99.99"]),
        ]

    def test_a_cost_outside_the_case_years_is_named_not_dropped(self) -> None:
        costing = ProgrammeCosting(lines=[YearLine("WCC", 2024, redundancy=Decimal("10.00"))])
        lines, errors = drawing.one_off_lines(costing, programme="P", year0=2025, years=3, names={})
        assert lines == []
        assert errors == [
            "WCC's redundancy pay falls in 2024/25, outside the case's years (2025/26 to 2027/28)."
        ]


class DrawingTestCase(ChangeTestCase):
    shared_finance: Any
    council_finance: Any
    case: BusinessCase
    option: Option

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        change_services.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)
        cls.shared_finance = cls.make_user("shared.finance", [(cls.shared, Role.FINANCE_OFFICER)])
        cls.council_finance = cls.make_user("council.finance", [(cls.council, Role.FINANCE_OFFICER)])
        cls.case = services.case_create(
            actor=cls.shared_finance,
            owner=cls.shared,
            name="One HR",
            partners=[cls.council, cls.police],
            years=5,
        )
        cls.option = services.option_add(
            actor=cls.shared_finance, case=cls.case, kind="shared_service", name="Shared service"
        )
        services.line_add(
            actor=cls.shared_finance,
            option=cls.option,
            line=LineInput(name="Systems", kind="cost", amounts=(Decimal("500.00"),), one_off=True),
        )

    def draw(self, **kw: Any) -> drawing.OneOffDraw:
        return drawing.option_draw_one_offs(actor=self.shared_finance, option=self.option, **kw)

    def lines(self, option: Option | None = None) -> list[tuple[str, list[str], str]]:
        return [
            (ln.name, ln.amounts, ln.drawn_key)
            for ln in OptionLine.objects.for_partner(self.shared)
            .filter(option=option or self.option)
            .order_by("pk")
        ]


class TestDrawingOneOffs(DrawingTestCase):
    def test_it_writes_each_partners_redundancy_and_notice_by_year_marked_with_the_programme(self) -> None:
        drawn = self.draw(programme_id=self.programme.pk)
        assert drawn.changed and drawn.year0 == 2025
        assert self.lines() == [
            ("Systems", ["500.00"], ""),
            ("Redundancy pay: Wessex County Council (One HR service)", COUNCIL_EACH, "WCC:redundancy"),
            ("Pay in lieu of notice: Wessex County Council (One HR service)", COUNCIL_EACH, "WCC:notice"),
            ("Redundancy pay: Wessex Constabulary (One HR service)", POLICE_EACH, "WPOL:redundancy"),
            ("Pay in lieu of notice: Wessex Constabulary (One HR service)", POLICE_EACH, "WPOL:notice"),
        ]
        drawn_line = OptionLine.objects.for_partner(self.shared).get(
            option=self.option, drawn_key="WCC:notice"
        )
        assert drawn_line.one_off and drawn_line.kind == "cost"
        assert drawn_line.drawn_from_id == self.programme.pk
        assert drawn_line.source == f"Drawn from One HR service's costing of {timezone.localdate():%-d %B %Y}"
        self.option.refresh_from_db()
        assert (self.option.programme_id, self.option.programme_year0) == (self.programme.pk, 2025)
        event = AuditEvent.objects.for_partner(self.shared).filter(action="businesscase.one_offs_drawn").get()
        assert event.after["lines"]["WPOL:redundancy"] == POLICE_EACH

    def test_drawing_again_with_the_costing_unchanged_writes_nothing(self) -> None:
        self.draw(programme_id=self.programme.pk)
        pks = list(
            OptionLine.objects.for_partner(self.shared)
            .filter(option=self.option)
            .values_list("pk", flat=True)
        )
        events = AuditEvent.objects.for_partner(self.shared).count()
        again = self.draw()
        assert not again.changed
        assert (
            list(
                OptionLine.objects.for_partner(self.shared)
                .filter(option=self.option)
                .values_list("pk", flat=True)
            )
            == pks
        )
        assert AuditEvent.objects.for_partner(self.shared).count() == events

    def test_a_later_year_0_moves_the_costs_and_keeps_the_bias_given_to_a_drawn_line(self) -> None:
        self.draw(programme_id=self.programme.pk)
        line = OptionLine.objects.for_partner(self.shared).get(option=self.option, drawn_key="WCC:redundancy")
        services.line_change(
            actor=self.shared_finance,
            line=line,
            to=LineInput(
                line.name, "cost", (Decimal(0), Decimal("3299.76")), optimism_bias=Decimal(10), one_off=True
            ),
        )
        self.draw(year0=2026)
        line.refresh_from_db()
        assert (line.amounts, line.optimism_bias) == (["3299.76"], Decimal("10.00"))

    def test_it_refuses_a_hand_edit_of_a_drawn_lines_amounts_with_nothing_changed(self) -> None:
        self.draw(programme_id=self.programme.pk)
        line = OptionLine.objects.for_partner(self.shared).get(option=self.option, drawn_key="WCC:redundancy")
        with pytest.raises(ValidationError) as refused:
            services.line_change(
                actor=self.shared_finance,
                line=line,
                to=LineInput(line.name, "cost", (Decimal(0), Decimal("9999.00")), one_off=True),
            )
        assert refused.value.message_dict["amounts"] == [
            "This line's amounts are drawn from a workforce-change programme's costing: draw them again "
            "from the programme, or remove the line."
        ]
        line.refresh_from_db()
        assert line.amounts == COUNCIL_EACH

    def test_after_an_approval_a_changed_draw_makes_version_2_and_leaves_version_1_as_approved(self) -> None:
        self.draw(programme_id=self.programme.pk)
        services.decision_record(
            actor=self.council_finance,
            version=services.latest_version(self.case),
            partner=self.council,
            outcome="approved",
            decided_on=date(2026, 6, 1),
            body="cabinet",
        )
        # The costing has not changed: no version for nothing.
        assert not self.draw().changed
        assert CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count() == 1
        moved = self.draw(year0=2026)
        assert moved.changed and moved.option.version.number == 2
        assert self.lines(moved.option)[1] == (
            "Redundancy pay: Wessex County Council (One HR service)",
            ["3299.76"],
            "WCC:redundancy",
        )
        assert self.lines()[1][1] == COUNCIL_EACH  # version 1 keeps what was approved
        decision = Decision.objects.for_partner(self.council).get()
        assert decision.version.number == 1
        self.option.refresh_from_db()
        assert (moved.option.programme_year0, self.option.programme_year0) == (2026, 2025)

    def test_a_partners_finance_officer_may_not_draw_and_nothing_changes(self) -> None:
        before = self.lines()
        with pytest.raises(PermissionDenied):
            drawing.option_draw_one_offs(
                actor=self.council_finance, option=self.option, programme_id=self.programme.pk
            )
        assert self.lines() == before
        self.option.refresh_from_db()
        assert self.option.programme_id is None

    def test_a_programme_none_of_the_cases_partners_is_in_is_refused(self) -> None:
        fire_case = services.case_create(
            actor=self.shared_finance, owner=self.shared, name="Fire only", partners=[self.fire], years=5
        )
        option = services.option_add(actor=self.shared_finance, case=fire_case, kind="other", name="Fire")
        with pytest.raises(ValidationError) as refused:
            drawing.option_draw_one_offs(
                actor=self.shared_finance, option=option, programme_id=self.programme.pk
            )
        assert refused.value.message_dict["programme"] == [
            "No workforce-change programme of this case's partners has that id."
        ]
        assert OptionLine.objects.for_partner(self.shared).filter(option=option).count() == 0

    def test_a_year_0_that_leaves_costs_outside_the_horizon_is_refused_with_nothing_changed(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.draw(programme_id=self.programme.pk, year0=2027)
        assert refused.value.message_dict["year0"][0] == (
            "Wessex County Council's redundancy pay falls in 2026/27, outside the case's years "
            "(2027/28 to 2031/32)."
        )
        assert self.lines() == [("Systems", ["500.00"], "")]


class TestDrawingOneOffsOverTheWebAndApi(DrawingTestCase):
    def test_the_api_draws_and_says_where_the_lines_came_from(self) -> None:
        url = f"/api/v1/businesscases/{self.case.pk}/options/{self.option.pk}/draw-one-offs"
        response = self.api(self.shared_finance).post(
            url, {"programme_id": self.programme.pk}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["version"], body["programme"], body["year0"], body["changed"]) == (
            1,
            "One HR service",
            "2025/26",
            True,
        )
        assert (body["lines"][0]["name"], body["lines"][0]["amounts"]) == (
            "Redundancy pay: Wessex County Council (One HR service)",
            COUNCIL_EACH,
        )
        again = self.api(self.shared_finance).post(url, {}, content_type="application/json")
        assert again.json()["changed"] is False

    def test_the_api_answers_404_to_another_partner_and_403_to_a_partner_reader(self) -> None:
        url = f"/api/v1/businesscases/{self.case.pk}/options/{self.option.pk}/draw-one-offs"
        body = {"programme_id": self.programme.pk}
        assert self.api(self.fire_hr).post(url, body, content_type="application/json").status_code == 404
        assert self.api(self.union_rep).post(url, body, content_type="application/json").status_code == 404
        assert (
            self.api(self.council_finance).post(url, body, content_type="application/json").status_code == 403
        )
        assert OptionLine.objects.for_partner(self.shared).filter(option=self.option).count() == 1

    def test_the_option_page_draws_and_shows_each_lines_source(self) -> None:
        client = self.signed_in(self.shared_finance)
        url = f"/businesscase/{self.case.pk}/options/{self.option.pk}/draw"
        page = client.get(url)
        assert page.status_code == 200
        assert "One HR service (Wessex County Council)" in page.content.decode()
        response = client.post(url, {"programme": str(self.programme.pk), "year0": ""}, follow=True)
        text = response.content.decode()
        assert "4 one-off cost lines drawn from One HR service&#x27;s costing, year 0 being 2025/26." in text
        assert (
            text.count(f"Drawn from One HR service&#x27;s costing of {timezone.localdate():%-d %B %Y}") == 4
        )
