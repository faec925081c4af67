"""The "invoices" and "spend" drivers: counted from purchasing for a partner whose purchasing
agreement says it is live in joinedup, from readings for a partner not yet live; the statement
names where each figure came from, and a second run of the month changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from joinedup.core import rls
from joinedup.ledger.models import CostCentre, Journal
from joinedup.ledger.services import LineInput, journal_post
from joinedup.purchasing.invoices import LineEntry, invoice_approve, invoice_cancel
from joinedup.purchasing.models import Invoice, SupplierPartner
from joinedup.purchasing.payments import payment_run_approve, payment_run_create, payment_run_mark_paid
from joinedup.purchasing.tests.invoicing import InvoicingTestCase
from joinedup.recharges.drivers import measure
from joinedup.recharges.models import RechargeLine
from joinedup.recharges.selectors import statement_for
from joinedup.recharges.services import agreement_add, pool_set, reading_set, recharge_run
from joinedup.recharges.tests.base import OCTOBER, RechargeTestCase

RECEIVED = date(2026, 10, 5)
PAID_ON = date(2026, 10, 9)  # a Friday
PURCHASING_COST = 90_000  # £900.00


class TestPurchasingDrivers(RechargeTestCase, InvoicingTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        CostCentre.objects.create(partner=cls.shared, code="SS-PRC", name="Shared purchasing")
        journal_post(
            actor=cls.shared_finance,
            partner=cls.shared,
            date=date(2026, 10, 12),
            description="October purchasing team",
            lines=[
                LineInput(account="1000", debit=PURCHASING_COST, cost_centre="SS-PRC"),
                LineInput(account="B100", credit=PURCHASING_COST),
            ],
        )
        pool_set(actor=cls.shared_finance, provider=cls.shared, service="purchasing", cost_centres=["SS-PRC"])
        for partner, live in ((cls.council, True), (cls.police, False)):
            agreement_add(
                actor=cls.shared_finance,
                provider=cls.shared,
                partner=partner,
                service="purchasing",
                driver="invoices",
                effective_from=date(2026, 4, 1),
                live=live,
            )
        # The council's readings are ignored once it is live; the police's are what it has.
        for partner, driver, quantity in (
            (cls.council, "invoices", D(50)),
            (cls.council, "spend", D(999)),
            (cls.police, "invoices", D(3)),
            (cls.police, "spend", D("1234.56")),
        ):
            reading_set(
                actor=cls.shared_finance,
                provider=cls.shared,
                partner=partner,
                driver=driver,
                month=OCTOBER,
                quantity=quantity,
            )
        SupplierPartner.objects.create(partner=cls.police, supplier=cls.beta, reference="BETA-P")

    def receive(self, number: str, units: str, *, on: date = RECEIVED, partner: object = None) -> Invoice:
        police = partner is self.police
        return self.enter(
            number=number,
            supplier=self.beta if police else self.acme,
            partner=self.police if police else self.council,
            actor=self.police_buyer if police else self.council_buyer,
            invoice_date=on,
            received_date=on,
            due_date=PAID_ON if on <= PAID_ON else on,
            lines=[
                LineEntry(
                    "Toner",
                    D(units),
                    D("50.00"),
                    D("20"),
                    "HR" if not police else self.police_centre(),
                    "4200",
                )
            ],
        )

    def police_centre(self) -> str:
        return str(
            CostCentre.objects.for_partner(self.police).order_by("code").values_list("code", flat=True)[0]
        )

    def october_invoices(self) -> None:
        """The council receives three invoices in October (one cancelled) and one on 30 September;
        the police one in October, which is not counted: the police is not live."""
        self.paid = [self.receive("INV-3001", "2"), self.receive("INV-3002", "3")]
        invoice_cancel(
            actor=self.council_buyer, invoice=self.receive("INV-3003", "4"), reason="Sent to the wrong body"
        )
        self.receive("INV-2999", "5", on=date(2026, 9, 30))
        self.receive("POL-1", "1", partner=self.police)

    def pay_october(self) -> None:
        for invoice in self.paid:
            invoice_approve(actor=self.council_finance, invoice=invoice)
        run = payment_run_create(
            actor=self.council_finance, partner=self.council, due_by=PAID_ON, payment_date=PAID_ON
        )
        payment_run_approve(actor=self.council_payer, run=run)
        payment_run_mark_paid(actor=self.council_payer, run=run)

    def test_a_live_partner_is_measured_from_purchasing_and_another_from_readings(self) -> None:
        self.october_invoices()
        self.pay_october()
        with rls.system_context("the test measures the drivers as the recharge run does"):
            found = measure(provider=self.shared, month=OCTOBER, partners=[self.council, self.police])
        # Invoices received in October and not cancelled: INV-3001 and INV-3002.
        assert found["invoices"] == {"WCC": D(2), "WPOL": D(3)}
        # Paid in October: £120.00 + £180.00 gross, by the run of 9 October.
        assert found["spend"] == {"WCC": D("300.00"), "WPOL": D("1234.56")}

    def test_the_recharge_shares_the_purchasing_pool_by_those_counts_and_says_where_they_came_from(
        self,
    ) -> None:
        self.october_invoices()
        run = recharge_run(actor=self.shared_finance, month="2026-10")
        purchasing = [
            (line.charged_partner.code, line.driver, line.driver_source, line.quantity, line.amount)
            for line in RechargeLine.objects.for_partner(self.shared)
            .filter(run=run, service="purchasing")
            .order_by("charged_partner__code")
        ]
        # £900.00 by invoices 2:3.
        assert purchasing == [
            ("WCC", "invoices", "purchasing", D(2), 36_000),
            ("WPOL", "invoices", "readings", D(3), 54_000),
        ]
        statement = statement_for(self.council_finance, partner=self.council, month="2026-10")
        assert [(line.service, line.driver, line.source, line.amount) for line in statement.lines] == [
            ("HR", "Headcount", "joinedup's people and payroll records", 45_000),
            ("ICT", "ICT tickets", "Driver readings", 22_223),
            ("Purchasing", "Invoices processed", "joinedup purchasing", 36_000),
        ]

    def test_running_the_month_again_posts_and_changes_nothing(self) -> None:
        self.october_invoices()
        first = recharge_run(actor=self.shared_finance, month="2026-10")
        journals = Journal.objects.for_partner(self.shared).filter(source="recharge_run").count()
        self.receive("INV-3004", "6")  # arrives after the run: the posted month stays as it was
        again = recharge_run(actor=self.shared_finance, month="2026-10")
        assert again.pk == first.pk and again.total == first.total
        assert Journal.objects.for_partner(self.shared).filter(source="recharge_run").count() == journals
        assert (
            RechargeLine.objects.for_partner(self.shared)
            .filter(run=first, service="purchasing")
            .get(charged_partner=self.council)
            .amount
            == 36_000
        )
