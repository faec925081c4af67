"""Benefits realisation from the ledger, the people module, recharges and pay runs (the figures are
worked in realisation_base.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import board_pack, realisation, selectors, services
from joinedup.businesscase.models import CostCentreFunction
from joinedup.businesscase.tests.realisation_base import LIVE, RealisationTestCase
from joinedup.ledger.models import CostCentre


class TestActuals(RealisationTestCase):
    def test_it_sums_expense_lines_on_mapped_cost_centres_by_month(self) -> None:
        figures = realisation.actuals([self.council.pk, self.police.pk], start=LIVE, months=12)
        # £30,000 of salaries on the mapped cost centre; the £1,000 of fees (income) and the
        # £2,000 on the unmapped cost centre are not the function's cost.
        assert figures.cost == {(self.council.pk, "payroll", LIVE): 3_000_000}
        assert figures.reported == {self.council.pk: {LIVE}, self.police.pk: set()}

    def test_it_counts_the_fte_of_posts_on_mapped_cost_centres_at_each_month_end(self) -> None:
        figures = realisation.actuals([self.council.pk], start=LIVE, months=2)
        assert figures.fte == {
            (self.council.pk, "payroll", LIVE): Decimal("1.0000"),
            (self.council.pk, "payroll", date(2026, 5, 1)): Decimal("1.0000"),
        }

    def test_it_reads_a_fixed_number_of_queries_whatever_the_months(self) -> None:
        with CaptureQueriesContext(connection) as one:
            realisation.actuals([self.council.pk, self.police.pk], start=LIVE, months=1)
        with CaptureQueriesContext(connection) as twelve:
            realisation.actuals([self.council.pk, self.police.pk], start=LIVE, months=12)
        assert len(one) == len(twelve) == 5

    def test_it_says_what_it_summed(self) -> None:
        figures = realisation.actuals([self.council.pk], start=LIVE, months=12)
        assert figures.description[0].startswith(
            "Cost: the debits less the credits of every journal line dated 1 April 2026 to 31 March 2027"
            " on an expense account that is not an inter-partner account, on the 1 cost centres mapped"
            " to 1 functions"
        )


class TestRealisation(RealisationTestCase):
    def council_view(self) -> realisation.Realisation:
        found = realisation.realisation(selectors.case_for(self.council_finance, case_id=self.case.pk))
        assert found is not None
        return found

    def test_it_measures_the_councils_month_against_the_baseline_and_plan(self) -> None:
        found = self.council_view()
        [row] = [r for r in found.rows if r.partner == self.council]
        assert (row.months, row.baseline, row.own_cost, row.recharges) == (
            1,
            Decimal("37500.00"),
            Decimal("30000.00"),
            Decimal("5000.00"),
        )
        assert (row.actual, row.saving, row.planned_saving, row.plan) == (
            Decimal("35000.00"),
            Decimal("2500.00"),
            Decimal("15.00"),
            Decimal("37485.00"),
        )
        assert (row.fte, row.baseline_fte) == (Decimal("1.00"), Decimal("12.50"))

    def test_it_draws_the_baseline_from_the_ledgers_twelve_months_before_go_live(self) -> None:
        found = self.council_view()
        [row] = [r for r in found.rows if r.partner == self.council]
        assert (row.drawn_baseline, row.drawn_fte) == (Decimal("432000.00"), Decimal("1.00"))
        assert found.baseline_window == (date(2025, 4, 1), date(2026, 3, 31))

    def test_cumulative_savings_count_only_reported_months(self) -> None:
        found = self.council_view()
        assert [(m.month, m.partners, m.saving, m.cumulative_plan) for m in found.by_month] == [
            (LIVE, 1, Decimal("2500.00"), Decimal("15.00"))
        ]

    def test_one_off_costs_are_the_termination_awards_of_approved_pay_runs(self) -> None:
        found = self.council_view()
        # £12,000 in the approved run; the £7,000 in the draft run is not paid yet.
        assert [(o.month, o.actual) for o in found.one_offs] == [(date(2026, 4, 1), Decimal("12000.00"))]
        # The set-up line's £1,000 with its 10% optimism-bias uplift (Green Book supplementary
        # guidance), against £1,000 as written.
        assert (found.one_off_estimate, found.one_off_estimate_unbiased) == (
            Decimal("1100.00"),
            Decimal("1000.00"),
        )
        position = {p.partner.code: p for p in found.positions}["WCC"]
        assert (position.one_off_actual, position.one_off_estimate) == (
            Decimal("12000.00"),
            Decimal("660.00"),
        )

    def test_a_partner_sees_its_own_and_shared_detail_and_the_totals(self) -> None:
        # The constabulary shared its baseline; the council did not.
        as_police = realisation.realisation(selectors.case_for(self.police_finance, case_id=self.case.pk))
        assert as_police is not None
        assert {r.partner.code for r in as_police.rows} == {"WPOL"}
        assert as_police.hidden_partners == ["Wessex County Council"]
        assert as_police.total is not None and as_police.total.own_cost == Decimal("30000.00")
        assert self.council_view().hidden_partners == []
        assert {r.partner.code for r in self.council_view().rows} == {"WCC", "WPOL"}

    def test_the_owner_sees_every_partner(self) -> None:
        found = realisation.realisation(selectors.case_for(self.shared_finance, case_id=self.case.pk))
        assert found is not None
        assert [p.partner.code for p in found.positions] == ["WPOL", "WCC"]  # by name

    def test_a_union_rep_sees_only_the_published_totals(self) -> None:
        services.version_publish(actor=self.shared_finance, version=services.latest_version(self.case))
        found = realisation.realisation(selectors.case_for(self.union_rep, case_id=self.case.pk))
        assert found is not None
        assert (found.rows, found.positions, found.mapped, found.hidden_partners) == ([], [], [], [])
        assert found.total is not None and found.total.saving == Decimal("2500.00")

    def test_a_union_rep_sees_no_realisation_of_an_unpublished_approved_version(self) -> None:
        version = services.latest_version(self.case)
        services.version_publish(actor=self.shared_finance, version=version)
        # A later version published, the approved one not: the realisation stays hidden.
        services.version_publish(actor=self.shared_finance, version=version, published=False)
        services.case_go_live(actor=self.shared_finance, case=self.case, live_from=LIVE)
        with pytest.raises(Http404):
            selectors.case_for(self.union_rep, case_id=self.case.pk)

    def test_there_is_nothing_to_realise_before_go_live(self) -> None:
        services.case_go_live(actor=self.shared_finance, case=self.case, live_from=None)
        assert realisation.realisation(selectors.case_for(self.council_finance, case_id=self.case.pk)) is None


class TestMapping(RealisationTestCase):
    def test_it_maps_changes_and_unmaps_with_one_audit_event_each(self) -> None:
        other = CostCentre.objects.for_partner(self.council).get(code="CC-OTHER")
        before = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="businesscase.cost_centres_mapped")
            .count()
        )
        counts = services.cost_centre_functions_set(
            actor=self.council_finance,
            partner=self.council,
            mapping={other.pk: "finance", self.mapped.pk: "hr"},
        )
        assert counts == {"mapped": 1, "changed": 1, "unmapped": 0}
        counts = services.cost_centre_functions_set(
            actor=self.council_finance, partner=self.council, mapping={other.pk: ""}
        )
        assert counts == {"mapped": 0, "changed": 0, "unmapped": 1}
        assert list(
            CostCentreFunction.objects.for_partner(self.council).values_list("cost_centre__code", "function")
        ) == [("CC-C-HR-01", "hr")]
        assert (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="businesscase.cost_centres_mapped")
            .count()
            == before + 2
        )

    def test_it_refuses_another_partners_cost_centre_and_saves_nothing(self) -> None:
        theirs = CostCentre.objects.for_partner(self.police).get(code="CC-OTHER")
        with pytest.raises(ValidationError, match=f"Cost centre {theirs.pk} is not one of Wessex County"):
            services.cost_centre_functions_set(
                actor=self.council_finance,
                partner=self.council,
                mapping={theirs.pk: "hr", self.mapped.pk: "finance"},
            )
        assert CostCentreFunction.objects.for_partner(self.council).get().function == "payroll"

    def test_it_refuses_a_user_without_the_permission_and_changes_nothing(self) -> None:
        with pytest.raises(PermissionDenied):
            services.cost_centre_functions_set(
                actor=self.police_finance, partner=self.council, mapping={self.mapped.pk: "hr"}
            )
        assert CostCentreFunction.objects.for_partner(self.council).get().function == "payroll"

    def test_go_live_is_the_first_of_a_month(self) -> None:
        with pytest.raises(ValidationError, match=r"Go-live is the first day of a month\."):
            services.case_go_live(actor=self.shared_finance, case=self.case, live_from=date(2026, 4, 2))
        self.case.refresh_from_db()
        assert self.case.live_from == LIVE


class TestBoardPackPdf(RealisationTestCase):
    def test_the_pdf_carries_the_summary_and_every_table(self) -> None:
        found = realisation.realisation(selectors.case_for(self.council_finance, case_id=self.case.pk))
        assert found is not None
        pdf = board_pack.board_pack_pdf(self.case, found, compress=False)
        assert pdf.startswith(b"%PDF")
        for text in (
            b"One back office: benefits realisation",
            b"The partnership spent \\24335,000.00 on the shared functions in the months reported, against"
            b" a baseline of \\24337,500.00",
            b"Baseline, plan and actual by function",
            b"Savings by month, cumulative against plan",
            b"One-off costs paid: termination awards in approved pay runs",
            b"Cost centres mapped: CC-C-HR-01 Council HR \\(Payroll\\)",
        ):
            assert text in pdf, text
