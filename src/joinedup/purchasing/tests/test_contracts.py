"""The contracts register: who sees a contract, renewal alerts (once per threshold, moved by an
extension), spend against a contract from paid invoices, and off-contract spend."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import Account, CostCentre
from joinedup.partnership.models import Partner, Role
from joinedup.purchasing import contracts, payments, renewal
from joinedup.purchasing.contracts import ExtensionIn
from joinedup.purchasing.invoices import LineEntry, invoice_approve
from joinedup.purchasing.models import (
    Category,
    Contract,
    ContractAlert,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentRun,
    PaymentRunStatus,
    PurchaseOrder,
    Supplier,
    SupplierBankDetails,
)
from joinedup.purchasing.tests.invoicing import DUE_DAY, PAY_DAY, InvoicingTestCase


class ContractsTestCase(InvoicingTestCase):
    shared_buyer: Any
    stationery_category: Category
    a4_paper: Category
    fuel: Category
    contract: Contract

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The shared service's purchasing team lets the contracts and buys for the council too.
        cls.shared_buyer = cls.make_user(
            "shared.buyer", [(cls.shared, Role.PURCHASING_OFFICER), (cls.council, Role.PURCHASING_OFFICER)]
        )
        cls.shared_buyer.email = "shared.buyer@wss.example"
        cls.shared_buyer.save()
        cls.stationery_category = Category.objects.create(code="ST", name="Stationery")
        cls.a4_paper = Category.objects.create(code="ST01", name="Paper", parent=cls.stationery_category)
        cls.fuel = Category.objects.create(code="FL", name="Fleet fuel")
        cls.contract = cls.let(reference="WSS-C-001", call_off=[cls.council])

    @classmethod
    def let(
        cls,
        *,
        reference: str,
        call_off: list[Partner],
        end: date = date(2026, 12, 31),
        extensions: tuple[ExtensionIn, ...] = (ExtensionIn(12),),
        supplier: Supplier | None = None,
        start: date = date(2025, 1, 1),
        category: Category | None = None,
    ) -> Contract:
        return contracts.contract_create(
            actor=cls.shared_buyer,
            partner=cls.shared,
            reference=reference,
            title="Office stationery",
            supplier=supplier or cls.acme,
            category=category or cls.stationery_category,
            cpv_code="30192000-1",
            value=D("50000.00"),
            start_date=start,
            end_date=end,
            owner=cls.shared_buyer,
            extensions=extensions,
            call_off_partners=call_off,
        )

    def events(self, action: str) -> int:
        return AuditEvent.objects.for_partner(self.shared).filter(action=action).count()


class TestWhoSeesAContract(ContractsTestCase):
    def test_a_partner_that_may_call_off_sees_the_contract(self) -> None:
        found = contracts.contract_for(self.council_buyer, contract_id=self.contract.pk)
        assert found.reference == "WSS-C-001"
        assert [p.code for p in contracts.call_off_partners(found)] == ["WCC"]

    def test_a_partner_that_does_not_call_off_gets_404(self) -> None:
        with pytest.raises(Http404):
            contracts.contract_for(self.police_buyer, contract_id=self.contract.pk)
        assert list(contracts.contracts_visible_to(self.police_buyer)) == []

    def test_the_shared_services_officer_sees_every_contract_it_let(self) -> None:
        self.let(reference="WSS-C-002", call_off=[self.police])
        refs = [c.reference for c in contracts.contracts_visible_to(self.shared_buyer)]
        assert refs == ["WSS-C-001", "WSS-C-002"]
        police_only = contracts.contracts_visible_to(self.shared_buyer, partner=self.police)
        assert [c.reference for c in police_only] == ["WSS-C-002"]

    def test_adding_and_removing_a_call_off_partner_opens_and_closes_the_contract(self) -> None:
        contracts.contract_add_call_off(actor=self.shared_buyer, contract=self.contract, partner=self.police)
        assert contracts.contract_for(self.police_buyer, contract_id=self.contract.pk) == self.contract
        contracts.contract_remove_call_off(
            actor=self.shared_buyer, contract=self.contract, partner=self.police
        )
        with pytest.raises(Http404):
            contracts.contract_for(self.police_buyer, contract_id=self.contract.pk)
        assert self.events("contract.call_off_added") == 1
        assert self.events("contract.call_off_removed") == 1

    def test_a_partner_that_calls_off_may_not_change_the_contract_and_nothing_changes(self) -> None:
        # The council's buyer reads the contract but holds no role on the partner that let it.
        before = self.events("contract.extension_taken")
        with pytest.raises(PermissionDenied):
            contracts.contract_take_extension(actor=self.council_buyer, contract=self.contract)
        with pytest.raises(PermissionDenied):
            contracts.contract_edit(actor=self.council_buyer, contract=self.contract, value=D("1.00"))
        self.contract.refresh_from_db()
        assert self.contract.end_date == date(2026, 12, 31)
        assert self.contract.value == D("50000.00")
        assert self.events("contract.extension_taken") == before
        assert self.events("contract.edited") == 0


class TestContractWrites(ContractsTestCase):
    def test_it_records_the_contract_and_one_audit_event(self) -> None:
        assert self.contract.end_date == date(2026, 12, 31)
        assert [(o.sequence, o.months, o.taken) for o in contracts.extensions_of(self.contract)] == [
            (1, 12, False)
        ]
        event = AuditEvent.objects.for_partner(self.shared).get(action="contract.created")
        assert event.after["value"] == "50000.00"
        assert event.after["call_off_partners"] == [self.council.pk]

    def test_it_refuses_a_cpv_code_that_is_not_8_digits_and_a_check_digit(self) -> None:
        with pytest.raises(ValidationError) as caught:
            contracts.contract_edit(actor=self.shared_buyer, contract=self.contract, cpv_code="3019200-1")
        assert caught.value.message_dict == {
            "cpv_code": ["Enter the CPV code as 8 digits, a hyphen and the check digit, like 30192000-1"]
        }
        self.contract.refresh_from_db()
        assert self.contract.cpv_code == "30192000-1"

    def test_a_contract_entered_with_an_extension_taken_ends_later(self) -> None:
        contract = self.let(
            reference="WSS-C-003", call_off=[], extensions=(ExtensionIn(12, taken=True), ExtensionIn(6))
        )
        assert (contract.original_end_date, contract.end_date) == (date(2026, 12, 31), date(2027, 12, 31))

    def test_editing_the_end_keeps_the_extensions_taken(self) -> None:
        contracts.contract_take_extension(actor=self.shared_buyer, contract=self.contract)
        edited = contracts.contract_edit(
            actor=self.shared_buyer, contract=self.contract, end_date=date(2026, 9, 30)
        )
        assert (edited.original_end_date, edited.end_date) == (date(2026, 9, 30), date(2027, 9, 30))

    def test_there_is_no_second_extension_to_take(self) -> None:
        contracts.contract_take_extension(actor=self.shared_buyer, contract=self.contract)
        with pytest.raises(ValidationError) as caught:
            contracts.contract_take_extension(actor=self.shared_buyer, contract=self.contract)
        assert caught.value.messages == ["This contract has no extension option left to take."]

    def test_an_ended_contract_sends_no_alert_and_cannot_be_extended(self) -> None:
        contracts.contract_end(
            actor=self.shared_buyer, contract=self.contract, ended_on=date(2026, 8, 1), reason="Re-procured"
        )
        assert contracts.send_renewal_alerts(actor=self.shared_buyer, today=date(2026, 12, 1)) == []
        with pytest.raises(ValidationError):
            contracts.contract_take_extension(actor=self.shared_buyer, contract=self.contract)


class TestRenewalAlerts(ContractsTestCase):
    def run_alerts(self, today: date) -> list[contracts.AlertSent]:
        with self.captureOnCommitCallbacks(execute=True):
            return contracts.send_renewal_alerts(actor=self.shared_buyer, today=today)

    def test_alerts_are_sent_once_per_threshold(self) -> None:
        # Ends 31 December 2026: 6 months before is 30 June, 3 months 30 September, 1 month 30 November.
        assert self.run_alerts(date(2026, 6, 29)) == []
        first = self.run_alerts(date(2026, 6, 30))
        again = self.run_alerts(date(2026, 7, 1))
        assert [(a.reference, a.threshold_months, a.end_date) for a in first] == [
            ("WSS-C-001", 6, date(2026, 12, 31))
        ]
        assert again == []
        assert [a.threshold_months for a in self.run_alerts(date(2026, 10, 1))] == [3]
        assert [a.threshold_months for a in self.run_alerts(date(2026, 12, 1))] == [1]
        assert self.run_alerts(date(2026, 12, 2)) == []
        assert len(mail.outbox) == 3
        assert mail.outbox[0].to == ["shared.buyer@wss.example"]
        assert mail.outbox[0].subject == "Contract WSS-C-001 ends on 31 December 2026"
        assert "Extension options not yet taken: 12 months." in mail.outbox[0].body
        assert self.events("contract.renewal_alert_sent") == 3
        history = contracts.alerts_of(self.contract)
        assert [(a.threshold_months, a.sent_on) for a in history] == [
            (1, date(2026, 12, 1)),
            (3, date(2026, 10, 1)),
            (6, date(2026, 6, 30)),
        ]

    def test_only_the_nearest_threshold_is_sent_when_alerts_were_missed(self) -> None:
        assert [a.threshold_months for a in self.run_alerts(date(2026, 11, 15))] == [3]
        assert ContractAlert.objects.for_partner(self.shared).count() == 1

    def test_taking_an_extension_moves_the_alert(self) -> None:
        today = date(2026, 10, 15)
        due = contracts.contracts_visible_to(self.council_buyer, due_on=today)
        assert [(c.reference, contracts.due_threshold(c, today)) for c in due] == [("WSS-C-001", 3)]
        contracts.contract_take_extension(actor=self.shared_buyer, contract=self.contract)
        self.contract.refresh_from_db()
        assert self.contract.end_date == date(2027, 12, 31)
        assert list(contracts.contracts_visible_to(self.council_buyer, due_on=today)) == []
        assert self.run_alerts(today) == []
        # The new end's alerts start again, six months before 31 December 2027.
        moved = self.run_alerts(date(2027, 6, 30))
        assert [(a.threshold_months, a.end_date) for a in moved] == [(6, date(2027, 12, 31))]
        assert "No extension options remain" in mail.outbox[0].body


class TestRenewalDates:
    def test_a_month_before_the_31st_of_march_is_the_last_day_of_february(self) -> None:
        assert renewal.months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
        assert renewal.months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)

    def test_the_nearest_threshold_reached_counts(self) -> None:
        end = date(2026, 12, 31)
        assert renewal.threshold_reached(end, date(2026, 6, 29)) is None
        assert renewal.threshold_reached(end, date(2026, 6, 30)) == 6
        assert renewal.threshold_reached(end, date(2026, 9, 30)) == 3
        assert renewal.threshold_reached(end, date(2027, 1, 5)) == 1

    def test_the_latest_end_due_is_the_inverse_of_the_alert_day(self) -> None:
        assert renewal.latest_end_due(date(2026, 6, 30)) == date(2026, 12, 31)
        assert renewal.latest_end_due(date(2026, 6, 29)) == date(2026, 12, 29)
        assert renewal.latest_end_due(date(2027, 2, 28)) == date(2027, 8, 31)

    def test_a_cpv_code_may_be_written_without_its_hyphen(self) -> None:
        assert renewal.check_cpv("301920001") == "30192000-1"
        with pytest.raises(ValueError, match="8 digits"):
            renewal.check_cpv("30192000-")


class SpendTestCase(ContractsTestCase):
    paid_run: PaymentRun
    numbers: int = 0

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.paid_run = PaymentRun.objects.create(
            partner=cls.council,
            reference="PR-1",
            due_by=date(2026, 6, 30),
            payment_date=date(2026, 6, 30),
            status=PaymentRunStatus.PAID,
            created_by=cls.council_payer,
        )

    def invoice(
        self,
        net: str,
        *,
        supplier: Supplier | None = None,
        category: Category | None = None,
        contract: Contract | None = None,
        order: PurchaseOrder | None = None,
        paid: bool = True,
        credit: bool = False,
        day: date = date(2026, 5, 11),
    ) -> Invoice:
        supplier = supplier or self.acme
        type(self).numbers += 1
        amount = D(net)
        payment = None
        if paid:
            payment = (
                Payment.objects.for_partner(self.council).filter(run=self.paid_run, supplier=supplier).first()
            )
            if payment is None:
                payment = Payment.objects.create(
                    partner=self.council,
                    run=self.paid_run,
                    supplier=supplier,
                    bank_details=SupplierBankDetails.objects.filter(supplier=self.acme).get(),
                    amount=D("1.00"),
                    reference="REMIT",
                )
        invoice = Invoice.objects.create(
            partner=self.council,
            supplier=supplier,
            kind=InvoiceKind.CREDIT_NOTE if credit else InvoiceKind.INVOICE,
            number=f"N{self.numbers}",
            number_key=f"N{self.numbers}",
            invoice_date=day,
            received_date=day,
            due_date=day,
            order=order,
            contract=contract,
            net=amount,
            vat=D("0.00"),
            gross=amount,
            status=InvoiceStatus.PAID if paid else InvoiceStatus.APPROVED,
            payment=payment,
            entered_by=self.council_buyer,
        )
        InvoiceLine.objects.create(
            partner=self.council,
            invoice=invoice,
            line_number=1,
            description="Paper",
            category=category or self.a4_paper,
            quantity=D("1"),
            unit_price=amount,
            vat_rate=D("0"),
            net=amount,
            vat=D("0.00"),
            cost_centre=CostCentre.objects.for_partner(self.council).get(code="HR"),
            account=Account.objects.for_partner(self.council).get(code="4200"),
        )
        return invoice


class TestSpend(SpendTestCase):
    def test_spend_against_a_contract_is_its_paid_invoices_net_less_credit_notes(self) -> None:
        self.invoice("1234.56", contract=self.contract)
        self.invoice("100.01", contract=self.contract)
        self.invoice("34.57", contract=self.contract, credit=True)
        self.invoice("999.99", contract=self.contract, paid=False)  # approved, not yet paid
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=self.contract)
        self.invoice("10.00", order=self.order)  # through its order
        self.invoice("500.00")  # not linked
        spend = contracts.contract_spend(self.contract)
        # 1234.56 + 100.01 - 34.57 + 10.00
        assert spend.total == D("1310.00")
        assert spend.by_partner == {self.council.pk: D("1310.00")}
        assert spend.remaining == D("48690.00")

    def test_an_invoice_cannot_be_linked_to_a_contract_with_another_supplier(self) -> None:
        invoice = self.invoice("10.00", supplier=self.beta, paid=False)
        with pytest.raises(ValidationError) as caught:
            contracts.invoice_set_contract(actor=self.council_buyer, invoice=invoice, contract=self.contract)
        assert caught.value.message_dict == {"contract": ["The contract is with another supplier."]}
        invoice.refresh_from_db()
        assert invoice.contract_id is None

    def test_off_contract_spend_is_paid_spend_in_a_covered_category_not_linked_to_a_contract(self) -> None:
        self.invoice("200.00", supplier=self.beta)  # another supplier: off-contract
        self.invoice("50.25", supplier=self.beta, credit=True)
        self.invoice("75.00")  # the contract's supplier, not linked: off-contract
        self.invoice("300.00", contract=self.contract)  # on contract
        self.invoice("400.00", supplier=self.beta, category=self.fuel)  # no contract for fuel
        self.invoice("600.00", supplier=self.beta, paid=False)  # not paid
        self.invoice("700.00", supplier=self.beta, day=date(2024, 12, 31))  # before the contract
        rows = contracts.off_contract_spend(
            partner_ids=[self.council.pk], date_from=date(2024, 4, 1), date_to=date(2027, 3, 31)
        )
        assert [(r.partner_id, r.category_id, r.supplier_id, r.net, r.pence, r.lines) for r in rows] == [
            (self.council.pk, self.a4_paper.pk, self.beta.pk, D("149.75"), 14975, 2),
            (self.council.pk, self.a4_paper.pk, self.acme.pk, D("75.00"), 7500, 1),
        ]

    def test_a_partner_that_may_not_call_off_has_no_off_contract_spend(self) -> None:
        contracts.contract_remove_call_off(
            actor=self.shared_buyer, contract=self.contract, partner=self.council
        )
        self.invoice("200.00", supplier=self.beta)
        rows = contracts.off_contract_spend(
            partner_ids=[self.council.pk], date_from=date(2026, 4, 1), date_to=date(2027, 3, 31)
        )
        assert rows == []


class TestOffContractThroughAPaymentRun(ContractsTestCase):
    """Off-contract spend on the spend analysis (selectors.off_contract_pence), from invoices
    entered, approved and paid by a payment run as in production. The council calls off contract
    WSS-C-001 (Acme, Stationery, which covers its sub-category Paper) and pays, net: £100.00 to
    Acme under the contract; £250.00 to Acme and £40.50 to Cleanco for paper not under it
    (off-contract, £290.50); £60.00 to Cleanco for fuel, which no contract covers."""

    def paid(self) -> list[Invoice]:
        cleanco = self.supplier("Cleanco Ltd", "CLEAN01", verified=True)
        entered = []
        for number, supplier, category, price in (
            ("A-1", self.acme, "ST01", "100.00"),
            ("A-2", self.acme, "ST01", "250.00"),
            ("C-1", cleanco, "ST01", "40.50"),
            ("C-2", cleanco, "FL", "60.00"),
        ):
            invoice = self.enter(
                number=number,
                supplier=supplier,
                lines=[
                    LineEntry(
                        "Goods",
                        D("1"),
                        D(price),
                        D("20"),
                        cost_centre="HR",
                        account="4200",
                        category=category,
                    )
                ],
            )
            entered.append(invoice_approve(actor=self.council_finance, invoice=invoice, note="checked"))
        contracts.invoice_set_contract(actor=self.council_buyer, invoice=entered[0], contract=self.contract)
        run = payments.payment_run_create(
            actor=self.council_finance, partner=self.council, due_by=DUE_DAY, payment_date=PAY_DAY
        )
        run = payments.payment_run_approve(actor=self.council_payer, run=run)
        payments.payment_run_mark_paid(actor=self.council_finance, run=run)
        return [Invoice.objects.for_partner(self.council).get(pk=i.pk) for i in entered]

    def test_the_api_and_the_page_show_the_off_contract_pounds_exactly(self) -> None:
        self.paid()
        body = self.api(self.shared_buyer).get("/api/v1/purchasing/spend").json()
        assert (body["total"], body["off_contract"]) == ("450.50", "290.50")
        council = self.api(self.council_buyer).get(f"/api/v1/partners/{self.council.pk}/purchasing/spend")
        assert council.json()["off_contract"] == "290.50"
        html = self.signed_in(self.shared_buyer).get("/purchasing/spend/?partner=all").content.decode()
        off = html.split('data-testid="off-contract"', 1)[1].split("</dd>", 1)[0]
        assert "£290.50" in off

    def test_a_run_marked_paid_makes_the_invoices_paid_and_their_run_paid_alike(self) -> None:
        # The roll-up counts invoices whose status is paid; off_contract_spend counts invoices in
        # a paid run. payment_run_mark_paid sets both in one transaction, so the two agree.
        invoices = self.paid()
        assert [(i.status, i.payment and i.payment.run.status) for i in invoices] == [
            (InvoiceStatus.PAID, PaymentRunStatus.PAID)
        ] * 4
        rows = contracts.off_contract_spend(
            partner_ids=[self.council.pk], date_from=date(2026, 4, 1), date_to=date(2027, 3, 31)
        )
        assert sorted((r.supplier_id, r.net) for r in rows) == sorted(
            [(self.acme.pk, D("250.00")), (invoices[2].supplier_id, D("40.50"))]
        )

    def test_linking_the_other_paper_to_the_contract_takes_it_off_the_figure(self) -> None:
        invoices = self.paid()
        contracts.invoice_set_contract(actor=self.council_buyer, invoice=invoices[1], contract=self.contract)
        body = self.api(self.shared_buyer).get("/api/v1/purchasing/spend").json()
        assert (body["total"], body["off_contract"]) == ("450.50", "40.50")
        assert contracts.contract_spend(self.contract).total == D("350.00")

    def test_the_spend_page_lists_the_off_contract_rows_and_downloads_them_as_text(self) -> None:
        invoices = self.paid()
        # A supplier named like a formula (OWASP, "CSV Injection"): a text cell in both downloads.
        Supplier.objects.filter(pk=invoices[2].supplier_id).update(name='=HYPERLINK("http://x","y")')
        client = self.signed_in(self.shared_buyer)
        html = client.get("/purchasing/spend/?partner=all").content.decode()
        table = html.split('data-testid="off_contract"', 1)[1].split("</table>", 1)[0]
        assert table.count('<tr class="govuk-table__row">') == 3  # the header and two rows
        assert '>Acme Stationery Ltd</td><td class="govuk-table__cell">250.00<' in table
        response = client.get("/purchasing/spend/?partner=all&table=off_contract&format=csv")
        assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
            ["Partner", "Category", "Supplier", "Net spend (£)", "Lines"],
            ["WCC", "ST01 Paper", "Acme Stationery Ltd", "250.00", "1"],
            ["WCC", "ST01 Paper", '\'=HYPERLINK("http://x","y")', "40.50", "1"],
        ]
        response = client.get("/purchasing/spend/?partner=all&table=off_contract&format=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2))
        assert [c.value for c in rows[1]] == ["WCC", "ST01 Paper", '=HYPERLINK("http://x","y")', 40.5, 1]
        assert rows[1][2].data_type == "s"
