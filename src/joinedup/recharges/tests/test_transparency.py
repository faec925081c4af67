"""The spend-over-£500 export (Local Government Transparency Code 2015, Part 2, "Expenditure
exceeding £500") from paid purchasing invoices: one row per line of each invoice whose expense
(net plus VAT that cannot be recovered) exceeds £500, with the supplier, the irrecoverable VAT and
the procurement category filled in, a sole trader's name withheld, and the journal the payment run
posted not published a second time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from joinedup.purchasing.invoices import LineEntry, invoice_approve
from joinedup.purchasing.models import Category, Invoice, Supplier, SupplierKind
from joinedup.purchasing.payments import payment_run_approve, payment_run_create, payment_run_mark_paid
from joinedup.purchasing.tests.invoicing import DUE_DAY, PAY_DAY, InvoicingTestCase
from joinedup.recharges.transparency import load_rule, spend_csv, spend_over_threshold

HEADER = (
    "Body name,Date,Department,Beneficiary,Purpose of expenditure,Amount,Irrecoverable VAT,Merchant category"
)


class SpendCase(InvoicingTestCase):
    def setUp(self) -> None:
        Category.objects.create(code="OFF10", name="Paper and stationery")
        Category.objects.create(code="LEG10", name="External legal advice")
        self.porter = self.supplier("Jane Porter", "PORTER01", verified=True)
        self.porter.kind = SupplierKind.SOLE_TRADER
        self.porter.save(update_fields=["kind"])

    def invoice(self, number: str, supplier: Supplier, *lines: LineEntry) -> Invoice:
        invoice = self.enter(number=number, supplier=supplier, lines=list(lines))
        return invoice_approve(actor=self.council_finance, invoice=invoice)

    def pay_all(self) -> None:
        run = payment_run_create(
            actor=self.council_finance, partner=self.council, due_by=DUE_DAY, payment_date=PAY_DAY
        )
        payment_run_approve(actor=self.council_payer, run=run)
        payment_run_mark_paid(actor=self.council_payer, run=run)


class TestSpendFromPaidInvoices(SpendCase):
    def export(self) -> list[str]:
        rows = spend_over_threshold(
            self.council_finance, partner=self.council, date_from=date(2026, 4, 1), date_to=date(2026, 6, 30)
        )
        return spend_csv(rows).lstrip("\ufeff").splitlines()

    def test_it_publishes_each_line_of_a_paid_invoice_over_500_pounds_with_every_column(self) -> None:
        self.invoice(
            "INV-2001",
            self.acme,
            LineEntry("Paper", D("40"), D("12.50"), D("20"), "HR", "4200", category="OFF10"),
            # VAT the council cannot recover: £30.00 goes into the expense and its own column.
            LineEntry("Toner", D("1"), D("150.00"), D("20"), "HR", "4200", vat_recoverable=False),
        )
        self.pay_all()
        assert self.export() == [
            HEADER,
            "Wessex County Council,2026-06-05,Council HR,Acme Stationery Ltd,"
            '"Printing, stationery and postage",500.00,0.00,Paper and stationery',
            "Wessex County Council,2026-06-05,Council HR,Acme Stationery Ltd,"
            '"Printing, stationery and postage",150.00,30.00,',
        ]

    def test_it_leaves_out_an_invoice_of_exactly_500_pounds(self) -> None:
        # "Expenditure exceeding £500": £500.00 net with its VAT recovered does not exceed it.
        self.invoice("INV-2002", self.acme, LineEntry("Paper", D("40"), D("12.50"), D("20"), "HR", "4200"))
        self.pay_all()
        assert load_rule().threshold_pence == 50_000
        assert self.export() == [HEADER]

    def test_it_withholds_a_sole_traders_name_and_keeps_the_row(self) -> None:
        self.invoice(
            "JP-17",
            self.porter,
            LineEntry(
                "Employment tribunal advice", D("4"), D("150.00"), D("0"), "HR", "4300", category="LEG10"
            ),
        )
        self.pay_all()
        assert self.export() == [
            HEADER,
            "Wessex County Council,2026-06-05,Council HR,Redacted: sole trader (personal data),"
            "Professional and consultancy services,600.00,0.00,External legal advice",
        ]

    def test_it_publishes_nothing_until_the_invoice_is_paid(self) -> None:
        self.invoice(
            "INV-2003",
            self.acme,
            LineEntry("Paper", D("80"), D("12.50"), D("20"), "HR", "4200", category="OFF10"),
        )
        assert self.export() == [HEADER]


class TestTheSpendPageAsAList(SpendCase):
    """Issue 19: the page lists the rows, narrowed and sorted; the download keeps the Code's columns."""

    RANGE = {"date_from": "2026-04-01", "date_to": "2026-06-30"}
    ACME = [
        "Wessex County Council,2026-06-05,Council HR,Acme Stationery Ltd,"
        '"Printing, stationery and postage",500.00,0.00,Paper and stationery',
        "Wessex County Council,2026-06-05,Council HR,Acme Stationery Ltd,"
        '"Printing, stationery and postage",150.00,30.00,',
    ]

    def setUp(self) -> None:
        super().setUp()
        self.invoice(
            "INV-2001",
            self.acme,
            LineEntry("Paper", D("40"), D("12.50"), D("20"), "HR", "4200", category="OFF10"),
            LineEntry("Toner", D("1"), D("150.00"), D("20"), "HR", "4200", vat_recoverable=False),
        )
        self.invoice("INV-2003", self.porter, LineEntry("Advice", D("1"), D("600.00"), D("20"), "HR", "4200"))
        self.pay_all()

    def download(self, **query: str) -> list[str]:
        client = self.signed_in(self.council_finance)
        response = client.get("/recharges/spend-over-500/", {**self.RANGE, **query, "format": "csv"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return response.content.decode("utf-8-sig").splitlines()

    def test_a_beneficiary_filter_narrows_the_list_and_the_download_to_its_rows(self) -> None:
        assert len(self.download()) == 1 + 3
        assert self.download(beneficiary="acme") == [HEADER, *self.ACME]
        assert self.download(source="journal") == [HEADER]
        page = self.signed_in(self.council_finance).get(
            "/recharges/spend-over-500/", {**self.RANGE, "beneficiary": "acme"}
        )
        assert page.context["page"].paginator.count == 2
        assert "£500.00" in page.content.decode() and "£150.00" in page.content.decode()

    def test_sorting_by_amount_orders_the_rows(self) -> None:
        def amounts(**query: str) -> list[str]:
            return [line.rsplit(",", 3)[1] for line in self.download(beneficiary="acme", **query)[1:]]

        assert amounts() == ["500.00", "150.00"]
        assert amounts(sort="amount") == ["150.00", "500.00"]
        assert amounts(sort="amount", order="desc") == ["500.00", "150.00"]
