"""Requisition, approval under the scheme of delegation, the budget check, the purchase order
and its receipts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import FinancialYear
from joinedup.ledger.services import budget_set_year
from joinedup.purchasing import delegation, documents, order_services, selectors, services
from joinedup.purchasing.models import (
    DelegationLimit,
    PurchaseOrder,
    Requisition,
    RequisitionLine,
    RequisitionStatus,
)
from joinedup.purchasing.tests.base import TODAY, PurchasingTestCase, on_day


class TestRaisingARequisition(PurchasingTestCase):
    def test_it_prices_each_line_and_numbers_it_in_the_partners_series(self) -> None:
        requisition = self.requisition(
            self.line("3", "0.3333"), self.line("2", "10.00", vat_rate="5.00"), submit=False
        )
        lines = list(selectors.requisition_lines(requisition))
        # 3 x £0.3333 = £0.9999, half a penny rounding up: £1.00, VAT £0.20.
        assert [(x.net, x.vat) for x in lines] == [
            (Decimal("1.00"), Decimal("0.20")),
            (Decimal("20.00"), Decimal("1.00")),
        ]
        assert requisition.number == "WCC-REQ-000001"
        assert self.requisition(submit=False).number == "WCC-REQ-000002"

    def test_it_refuses_another_partners_cost_centre_and_account_and_writes_nothing(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.requisition(
                self.line(
                    cost_centre=self.cost_centre("FIN", self.police),
                    account=self.account("4200", self.police),
                )
            )
        assert caught.value.message_dict == {
            "lines.1": [
                "Line 1: the cost centre is another partner's; charge one of WCC's.",
                "Line 1: the account is another partner's; charge one of WCC's.",
            ]
        }
        assert not Requisition.objects.for_partner(self.council).exists()

    def test_someone_without_the_permission_cannot_raise_one_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            self.requisition(by=self.council_viewer)
        assert not Requisition.objects.for_partners([self.council, self.police]).exists()
        assert not AuditEvent.objects.for_partner(self.council).filter(action="requisition.created").exists()


class TestTheSchemeOfDelegation(PurchasingTestCase):
    def test_a_manager_approves_within_their_limit(self) -> None:
        requisition = self.requisition()  # 10 x £12.50 = £125.00 net
        order_services.requisition_approve(actor=self.council_manager2, requisition=requisition)
        requisition.refresh_from_db()
        assert (requisition.status, requisition.decided_by) == ("approved", self.council_manager2)
        event = AuditEvent.objects.for_partner(self.council).get(action="requisition.approved")
        assert event.after == {
            "status": "approved",
            "net": "125.00",
            "authority": "Budget holder",
            "limit": "5000.00",
            "source": "Financial regulations, para. 4.2",
        }

    def test_a_requisition_above_a_persons_limit_cannot_be_approved_by_them(self) -> None:
        requisition = self.requisition(self.line("1", "6000.00"))
        with pytest.raises(PermissionDenied) as caught:
            order_services.requisition_approve(actor=self.council_manager2, requisition=requisition)
        assert str(caught.value) == (
            "This requisition is £6,000.00 net, above your limit of £5,000.00 as Budget holder. "
            "It needs Finance officer (Financial regulations, para. 4.2)."
        )
        requisition.refresh_from_db()
        assert requisition.status == RequisitionStatus.SUBMITTED
        assert not AuditEvent.objects.for_partner(self.council).filter(action="requisition.approved").exists()

    def test_approval_escalates_with_value(self) -> None:
        middling = self.requisition(self.line("1", "6000.00"))
        order_services.requisition_approve(actor=self.council_finance, requisition=middling)
        large = self.requisition(self.line("1", "250000.00"))
        with pytest.raises(PermissionDenied, match="It needs Director of Resources"):
            order_services.requisition_approve(actor=self.council_finance, requisition=large)
        order_services.requisition_approve(actor=self.council_director, requisition=large)
        assert [r.status for r in (middling, large)] == ["submitted", "submitted"]  # the objects given
        assert set(Requisition.objects.for_partner(self.council).values_list("status", flat=True)) == {
            "approved"
        }

    def test_a_person_named_in_the_scheme_is_held_to_their_own_line(self) -> None:
        services.delegation_set(
            actor=self.council_finance,
            partner=self.council,
            user=self.council_manager2,
            title="Trainee budget holder",
            up_to=Decimal("100.00"),
            source="Delegation letter of 1 April 2026",
        )
        authority = delegation.authority_of(self.council_manager2, self.council)
        assert authority is not None and (authority.title, authority.up_to) == (
            "Trainee budget holder",
            Decimal("100.00"),
        )
        with pytest.raises(PermissionDenied, match=r"above your limit of £100\.00 as Trainee budget holder"):
            order_services.requisition_approve(actor=self.council_manager2, requisition=self.requisition())

    def test_no_one_approves_their_own_requisition_whatever_their_limit(self) -> None:
        requisition = self.requisition(by=self.council_director)
        with pytest.raises(PermissionDenied, match=r"Nobody can approve or reject their own requisition\."):
            order_services.requisition_approve(actor=self.council_director, requisition=requisition)
        requisition.refresh_from_db()
        assert requisition.status == "submitted" and requisition.decided_by is None

    def test_someone_the_scheme_does_not_name_cannot_approve(self) -> None:
        line = DelegationLimit.objects.for_partner(self.council).get(role="manager")
        services.delegation_remove(actor=self.council_finance, partner=self.council, line=line)
        with pytest.raises(PermissionDenied, match="gives you no authority"):
            order_services.requisition_approve(actor=self.council_manager2, requisition=self.requisition())

    def test_a_purchasing_officer_cannot_approve_and_nothing_changes(self) -> None:
        requisition = self.requisition()
        with pytest.raises(PermissionDenied, match=r"purchasing\.approve"):
            order_services.requisition_approve(actor=self.council_buyer, requisition=requisition)
        requisition.refresh_from_db()
        assert requisition.status == "submitted"

    def test_a_rejection_says_why(self) -> None:
        requisition = self.requisition()
        with pytest.raises(ValidationError, match="Say why"):
            order_services.requisition_reject(actor=self.council_manager2, requisition=requisition, note=" ")
        order_services.requisition_reject(
            actor=self.council_manager2, requisition=requisition, note="Use stock"
        )
        requisition.refresh_from_db()
        assert (requisition.status, requisition.decision_note) == ("rejected", "Use stock")


class TestTheBudgetCheck(PurchasingTestCase):
    def budget(self, pence: int) -> None:
        year = FinancialYear.objects.for_partner(self.council).get(start_year=2026)
        budget_set_year(
            actor=self.council_finance,
            cost_centre=self.cost_centre(),
            year=year,
            account=self.account(),
            annual=pence,
        )

    def test_within_budget_it_goes_for_approval_without_a_warning(self) -> None:
        self.budget(100_000)
        assert self.requisition().budget_warning == ""

    def test_over_budget_it_warns_the_approver_counting_spend_and_commitments(self) -> None:
        self.budget(100_000)  # £1,000 for the year
        self.post(self.stationery(50_000), on=date(2026, 5, 10))  # £500 spent
        self.requisition(self.line("1", "300.00"))  # £300 committed, waiting for approval
        requisition = self.requisition(self.line("1", "250.00"))
        assert requisition.status == "submitted"
        assert requisition.budget_warning == (
            "HR / 4200: £250.00 asked for, £200.00 left of the year's budget of £1,000.00 "
            "(£500.00 spent, £300.00 committed)."
        )

    def test_a_partner_that_blocks_refuses_an_overspend_and_it_stays_a_draft(self) -> None:
        self.budget(10_000)
        services.settings_set(actor=self.council_finance, partner=self.council, budget_check="block")
        requisition = self.requisition(submit=False)
        with on_day(), pytest.raises(ValidationError) as caught:
            order_services.requisition_submit(actor=self.council_manager, requisition=requisition)
        assert caught.value.message_dict == {
            "budget": [
                "Over budget, so the requisition cannot go for approval.",
                "HR / 4200: £125.00 asked for, £100.00 left of the year's budget of £100.00 "
                "(£0.00 spent, £0.00 committed).",
            ]
        }
        requisition.refresh_from_db()
        assert requisition.status == "draft"

    def test_without_a_budget_it_says_so(self) -> None:
        assert self.requisition().budget_warning == (
            "HR / 4200: no budget is set for this cost centre and account this year."
        )


class TestOrdersAndReceipts(PurchasingTestCase):
    def approved(self, *lines: order_services.LineIn) -> Requisition:
        requisition = self.requisition(*lines)
        return order_services.requisition_approve(actor=self.council_manager2, requisition=requisition)

    def issue(self, requisition: Requisition) -> PurchaseOrder:
        with on_day():
            return order_services.order_issue(actor=self.council_buyer, requisition=requisition)

    def test_orders_are_numbered_in_each_partners_own_series(self) -> None:
        first, second = self.issue(self.approved()), self.issue(self.approved())
        assert (first.number, second.number) == ("WCC-PO-000001", "WCC-PO-000002")
        assert first.order_date == TODAY
        assert [(x.description, x.net, x.vat) for x in selectors.order_lines(first)] == [
            ("A4 paper, box of 5 reams", Decimal("125.00"), Decimal("25.00"))
        ]
        assert Requisition.objects.for_partner(self.council).get(order=first).status == "ordered"
        assert (
            AuditEvent.objects.for_partner(self.council)
            .get(action="order.issued", object_id=str(first.pk))
            .after["number"]
            == "WCC-PO-000001"
        )

    def test_an_order_cannot_charge_another_partners_cost_centre(self) -> None:
        requisition = self.approved()
        # However a line came to name one (an import, an edit in the database), the order refuses it.
        RequisitionLine.objects.for_partner(self.council).filter(requisition=requisition).update(
            cost_centre=self.cost_centre("FIN", self.police)
        )
        with pytest.raises(ValidationError) as caught:
            self.issue(requisition)
        assert caught.value.message_dict == {
            "lines.1": ["Line 1: the cost centre is another partner's; charge one of WCC's."]
        }
        assert not PurchaseOrder.objects.for_partners([self.council, self.police]).exists()

    def test_an_order_goes_only_to_a_supplier_the_partner_has_approved(self) -> None:
        services.supplier_status_set(
            actor=self.council_buyer, partner=self.council, supplier=self.supplier, status="on_hold"
        )
        with pytest.raises(ValidationError, match="WCC has this supplier on hold"):
            self.issue(self.approved())

    def test_receipts_may_be_partial_and_returns_take_them_back(self) -> None:
        order = self.issue(self.approved())
        (line,) = selectors.order_lines(order)
        receive = order_services.receipt_record

        receive(actor=self.council_manager, order=order, lines=[(line, Decimal(4))], received_on=TODAY)
        order.refresh_from_db()
        assert order.status == "part_received"
        with pytest.raises(ValidationError) as caught:
            receive(actor=self.council_manager, order=order, lines=[(line, Decimal(7))], received_on=TODAY)
        assert caught.value.message_dict == {
            "lines.1": ["Line 1: 10 ordered and 4 received already; 7 more is too many."]
        }
        receive(actor=self.council_manager, order=order, lines=[(line, Decimal(6))], received_on=TODAY)
        order.refresh_from_db()
        assert order.status == "received"
        receive(
            actor=self.council_manager,
            order=order,
            lines=[(line, Decimal(2))],
            received_on=TODAY,
            kind="return",
        )
        order.refresh_from_db()
        assert order.status == "part_received"
        assert order_services.received_quantities(order) == {line.pk: Decimal("8.000")}
        with pytest.raises(ValidationError, match="only 8 received, so no more than that goes back"):
            receive(
                actor=self.council_manager,
                order=order,
                lines=[(line, Decimal(9))],
                received_on=TODAY,
                kind="return",
            )
        assert [
            e.action
            for e in AuditEvent.objects.for_partner(self.council)
            .filter(action__startswith="order.re")
            .order_by("seq")
        ] == [
            "order.received",
            "order.received",
            "order.returned",
        ]

    def test_the_order_pdf_names_the_order_supplier_and_totals(self) -> None:
        order = self.issue(self.approved())
        pdf = documents.order_pdf(order, list(selectors.order_lines(order)), compress=False)
        assert pdf.startswith(b"%PDF")
        for text in (b"Purchase order WCC-PO-000001", b"Wessex Office Supplies Ltd", b"\\243150.00"):
            assert text in pdf, text


class TestAnotherPartnersRecords(PurchasingTestCase):
    def test_another_partners_requisitions_and_orders_are_not_found(self) -> None:
        requisition = self.requisition()
        order_services.requisition_approve(actor=self.council_manager2, requisition=requisition)
        with on_day():
            order = order_services.order_issue(actor=self.council_buyer, requisition=requisition)
        with pytest.raises(Http404):
            selectors.requisition_for(self.police_buyer, requisition_id=requisition.pk)
        with pytest.raises(Http404):
            selectors.order_for(self.police_buyer, order_id=order.pk)
        assert selectors.order_for(self.council_buyer, order_id=order.pk) == order
