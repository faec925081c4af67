"""A partner's baseline drawn from joinedup's own ledger and people data (businesscase/drawing.py):
figures per mapped function over twelve stated months, written as rows marked drawn with the query
in words; idempotent; a new version after a decision; only the case's owner draws; refused with
nothing changed when a month is missing or nothing is mapped.

On top of the realisation fixture (tests/realisation_base.py: the case live from 1 April 2026, so
the default twelve months are April 2025 to March 2026; the council's CC-C-HR-01 mapped to payroll
with £36,000 of salaries (account 1000, "Employees") in each of those months), this adds, in those
months, on CC-C-HR-01: £500 of employer's NI (1100, "Employees") in February 2026 and £1,200 of
ICT licences (4100, "Supplies and services") in January 2026; a £2,000 payroll recharge from the
shared service for March 2026; a second council employee in Ada's post at 0.5 FTE from 1 October
2025; and an approved pay run paid on 25 March 2026 with one payslip (and a draft one, not counted).

Worked: staff cost 12 x £36,000 + £500 = £432,500.00; non-staff £1,200 + £2,000 = £3,200.00; FTE
at the twelve month-ends: 1 at each, plus 0.5 at the six from 31 October 2025 to 31 March 2026,
(12 + 3) / 12 = 1.25; payslips 1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import drawing, services
from joinedup.businesscase.models import Baseline, CaseVersion
from joinedup.businesscase.services import BaselineFigures
from joinedup.businesscase.tests.realisation_base import RealisationTestCase, _payslip
from joinedup.ledger.services import LineInput, journal_post
from joinedup.payroll.models import PayRun, RunStatus
from joinedup.recharges.models import CostPool, RechargeLine, RechargeRun
from joinedup.testing.base import FIXTURES

QUERY_START = (
    "Payroll of Wessex County Council, 1 April 2025 to 31 March 2026, from joinedup's ledger and people "
    "data. Cost centres mapped to payroll: CC-C-HR-01. Staff cost: the debits less the credits"
)


class DrawnBaselineTestCase(RealisationTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for on, account, pence in ((date(2026, 2, 10), "1100", 50_000), (date(2026, 1, 12), "4100", 120_000)):
            journal_post(
                actor=FIXTURES,
                partner=cls.council,
                date=on,
                lines=[
                    LineInput(account, debit=pence, cost_centre="CC-C-HR-01"),
                    LineInput("B100", credit=pence),
                ],
                description="test",
            )
        pool = CostPool.objects.for_partner(cls.shared).get(service="payroll")
        run = RechargeRun.objects.create(partner=cls.shared, month=date(2026, 3, 1), total=200_000)
        RechargeLine.objects.create(
            partner=cls.shared,
            run=run,
            month=date(2026, 3, 1),
            charged_partner=cls.council,
            pool=pool,
            service="payroll",
            description="Payroll",
            quantity=Decimal(1),
            amount=200_000,
        )
        cls.hire(
            cls.council,
            "Ida",
            "Wells",
            "AB123499C",
            "WCC000099",
            start=date(2025, 10, 1),
            post=cls.council_post,
            fte=Decimal("0.5"),
        )
        for status, period in ((RunStatus.APPROVED, 12), (RunStatus.DRAFT, 11)):
            pay_run = PayRun.objects.create(
                partner=cls.council,
                frequency="monthly",
                tax_year=2025,
                period=period,
                pay_date=date(2026, period - 9, 25),
                period_start=date(2026, period - 9, 1),
                period_end=date(2026, period - 9, 28),
                status=status,
            )
            _payslip(pay_run, cls.council_emp)

    def council_rows(self, number: int) -> list[Baseline]:
        return list(
            Baseline.objects.for_partner(self.council).filter(
                partner=self.council, version__case=self.case, version__number=number
            )
        )


class TestDrawingABaseline(DrawnBaselineTestCase):
    def test_it_writes_the_councils_payroll_row_from_its_ledger_and_people_data(self) -> None:
        drawn = drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.council)
        assert (drawn.start, drawn.end, drawn.changed) == (date(2025, 4, 1), date(2026, 3, 31), True)
        [row] = drawn.rows
        assert (row.function, row.staff_cost, row.non_staff_cost, row.fte, row.payslips, row.invoices) == (
            "payroll",
            Decimal("432500.00"),
            Decimal("3200.00"),
            Decimal("1.25"),
            1,
            0,
        )
        assert (row.drawn, row.drawn_start, row.drawn_end) == (True, date(2025, 4, 1), date(2026, 3, 31))
        assert row.drawn_query.startswith(QUERY_START)
        assert "pool recharges" in row.drawn_query

    def test_after_the_partners_approvals_it_writes_version_2_and_version_1_keeps_its_figures(self) -> None:
        drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.council)
        [old] = self.council_rows(1)
        assert (old.staff_cost, old.drawn) == (Decimal("400000.00"), False)
        [new] = self.council_rows(2)
        assert (new.staff_cost, new.drawn) == (Decimal("432500.00"), True)

    def test_drawing_again_from_the_same_ledger_writes_nothing(self) -> None:
        drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.council)
        events = AuditEvent.objects.for_partner(self.shared).count()
        again = drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.council)
        assert not again.changed
        assert AuditEvent.objects.for_partner(self.shared).count() == events
        assert CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count() == 2
        assert (
            AuditEvent.objects.for_partner(self.shared).filter(action="businesscase.baseline_drawn").count()
            == 1
        )

    def test_a_row_set_by_hand_afterwards_is_no_longer_marked_drawn(self) -> None:
        drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.council)
        services.baseline_set(
            actor=self.shared_finance,
            case=self.case,
            partner=self.council,
            figures=BaselineFigures("payroll", Decimal("1.00"), Decimal("1.00"), Decimal("1.00")),
        )
        [row] = self.council_rows(2)
        assert (row.drawn, row.drawn_query) == (False, "")

    def test_it_refuses_twelve_months_the_ledger_does_not_all_have_with_nothing_changed(self) -> None:
        with pytest.raises(ValidationError) as refused:
            drawing.baselines_draw(
                actor=self.shared_finance, case=self.case, partner=self.council, start=date(2025, 2, 1)
            )
        assert refused.value.message_dict["start"] == [
            "Wessex County Council's ledger has no lines in February 2025, March 2025: a baseline needs "
            "all twelve months."
        ]
        assert CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count() == 1

    def test_it_refuses_a_partner_that_has_mapped_nothing(self) -> None:
        with pytest.raises(ValidationError) as refused:
            drawing.baselines_draw(actor=self.shared_finance, case=self.case, partner=self.police)
        assert refused.value.message_dict["partner"] == [
            "Wessex Constabulary has mapped no cost centre to a function: map them first."
        ]

    def test_a_partners_finance_officer_may_not_draw_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            drawing.baselines_draw(actor=self.council_finance, case=self.case, partner=self.council)
        assert CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count() == 1
        assert [r.drawn for r in self.council_rows(1)] == [False]


class TestDrawingABaselineOverTheWebAndApi(DrawnBaselineTestCase):
    def test_the_api_draws_and_returns_the_query(self) -> None:
        response = self.api(self.shared_finance).post(
            f"/api/v1/businesscases/{self.case.pk}/baselines/draw",
            {"partner_id": self.council.pk},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["partner"], body["version"], body["start"], body["end"], body["changed"]) == (
            "WCC",
            2,
            "2025-04-01",
            "2026-03-31",
            True,
        )
        assert body["rows"][0]["staff_cost"] == "432500.00"
        assert body["rows"][0]["query"].startswith(QUERY_START)

    def test_the_api_answers_404_to_another_partner_and_a_union_rep_and_403_to_a_partner(self) -> None:
        url = f"/api/v1/businesscases/{self.case.pk}/baselines/draw"
        body = {"partner_id": self.council.pk}
        for user, status in ((self.fire_finance, 404), (self.union_rep, 404), (self.council_finance, 403)):
            with self.subTest(user.username):
                assert self.api(user).post(url, body, content_type="application/json").status_code == status
        assert CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count() == 1

    def test_the_case_page_shows_the_drawn_row_with_its_query_and_period(self) -> None:
        client = self.signed_in(self.shared_finance)
        response = client.post(
            f"/businesscase/{self.case.pk}/baselines/draw",
            {"partner": str(self.council.pk), "start": ""},
            follow=True,
        )
        text = response.content.decode()
        assert (
            "Wessex County Council&#x27;s baseline drawn from its ledger and people data, April 2025 to "
            "March 2026: 1 function."
        ) in text
        assert (
            "How Wessex County Council's Payroll baseline was drawn (1 April 2025 to 31 March 2026)"
        ) in text
        assert "Cost centres mapped to payroll: CC-C-HR-01." in text
