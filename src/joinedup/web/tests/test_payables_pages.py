"""The payables pages: invoices listed, entered, imported, approved, released, cancelled and
credited; the exceptions queue; payment runs made, approved, paid and downloaded. Each page opens
to the roles that hold the permission its service asks for, another partner's invoice or run
answers 404, a refusal changes nothing, and a download of payments or bank details is no-store."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.purchasing.invoices import LineEntry, invoice_approve
from joinedup.purchasing.models import Invoice, InvoiceStatus, PaymentRun, PaymentRunStatus
from joinedup.purchasing.payments import payment_run_approve, payment_run_create
from joinedup.purchasing.tests.invoicing import DUE_DAY, INVOICE_DAY, PAY_DAY, InvoicingTestCase

FORM_DEFAULTS = {
    "kind": "invoice",
    "invoice_date": "2026-05-11",
    "due_date": "",
    "order": "",
}


def line(slot: int, **fields: str) -> dict[str, str]:
    return {f"line{slot}_{name}": value for name, value in fields.items()}


class PayablesPages(InvoicingTestCase):
    def invoices(self) -> int:
        return Invoice.objects.for_partner(self.council).count()

    def approved(self, number: str, **kwargs: Any) -> Invoice:
        invoice = self.enter(number=number, **kwargs)
        return invoice_approve(actor=self.council_finance, invoice=invoice, note="checked")

    def queued(self) -> Invoice:
        """An invoice of 10 boxes of paper against the order, of which 8 were received."""
        invoice = self.enter(
            number="INV-PO-1",
            order=self.order,
            lines=[LineEntry("Paper", D("10"), D("20.00"), D("20"), order_line=1)],
        )
        assert invoice.status == InvoiceStatus.EXCEPTION
        return invoice

    def form(self, **extra: str) -> dict[str, str]:
        return {
            **FORM_DEFAULTS,
            "supplier": str(self.acme.pk),
            "number": "INV-7001",
            **line(1, description="Toner", quantity="2", unit_price="50.00", vat_rate="20.00")
            | line(1, cost_centre="HR", account="4200"),
            **extra,
        }


class TestTheInvoicePages(PayablesPages):
    def test_the_invoice_list_filters_by_status_and_finds_by_supplier_or_number(self) -> None:
        self.enter(number="INV-1001")
        self.approved("INV-2001", supplier=self.beta)
        client = self.signed_in(self.council_viewer)
        page = client.get("/purchasing/invoices/?q=beta").content.decode()
        assert "INV-2001" in page and "INV-1001" not in page
        page = client.get("/purchasing/invoices/?status=awaiting_approval").content.decode()
        assert "INV-1001" in page and "INV-2001" not in page
        page = client.get("/purchasing/invoices/?q=inv 1001").content.decode()  # the number's key
        assert "INV-1001" in page and "1 invoice ·" in page
        both = client.get("/purchasing/invoices/?status=awaiting_approval&q=inv").content.decode()
        # Each filter in force is a tag that removes it and keeps the other.
        assert re.findall(r'<a class="moj-filter__tag" href="([^"]+)">.*?</span> ([^<]+)</a>', both) == [
            ("/purchasing/invoices/?q=inv", "Waiting for approval"),
            ("/purchasing/invoices/?status=awaiting_approval", "inv"),
        ]

    def test_the_invoice_list_asks_the_same_number_of_queries_for_one_invoice_as_for_twelve(self) -> None:
        client = self.signed_in(self.council_viewer)
        self.enter(number="INV-1")
        client.get("/purchasing/invoices/")  # the session settles
        with CaptureQueriesContext(connection) as one:
            assert client.get("/purchasing/invoices/").status_code == 200
        for n in range(2, 13):
            self.enter(number=f"INV-{n}", invoice_date=INVOICE_DAY.replace(day=n))
        with CaptureQueriesContext(connection) as twelve:
            page = client.get("/purchasing/invoices/")
        assert page.content.decode().count('href="/purchasing/invoices/') >= 12
        assert len(twelve) == len(one)

    def test_a_clerk_enters_a_non_po_invoice_and_it_waits_for_approval(self) -> None:
        response = self.signed_in(self.council_buyer).post("/purchasing/invoices/new", self.form())
        invoice = Invoice.objects.for_partner(self.council).get(number="INV-7001")
        assert response.status_code == 302
        assert response["Location"] == f"/purchasing/invoices/{invoice.pk}/"
        assert (invoice.status, invoice.gross, invoice.due_date.isoformat()) == (
            "awaiting_approval",
            D("120.00"),
            "2026-06-10",  # 30 days' terms
        )

    def test_form_errors_stand_beside_their_fields_and_nothing_is_written(self) -> None:
        client = self.signed_in(self.council_buyer)
        response = client.post(
            "/purchasing/invoices/new",
            self.form(
                **line(1, account="") | line(2, description="Staples", unit_price="3.00", vat_rate="20.00")
            ),
        )
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert "Enter the quantity of line 2." in page
        assert self.invoices() == 0
        # A rule the service holds (no account named, no order line to take it from) goes beside
        # the account of the line it concerns.
        response = client.post("/purchasing/invoices/new", self.form(**line(1, account="")))
        page = response.content.decode()
        assert 'id="id_line1_account"' in page and "Name an expense account." in page
        assert self.invoices() == 0

    def test_an_order_the_partner_does_not_hold_is_refused_and_nothing_is_written(self) -> None:
        response = self.signed_in(self.council_buyer).post(
            "/purchasing/invoices/new", self.form(order="WCC-PO-999999")
        )
        assert "WCC has no purchase order WCC-PO-999999." in response.content.decode()
        assert self.invoices() == 0

    def test_a_po_invoice_over_what_was_received_is_queued_with_its_reason_and_tolerance(self) -> None:
        response = self.signed_in(self.council_buyer).post(
            "/purchasing/invoices/new",
            self.form(
                order="WCC-PO-000001",
                **line(1, description="Paper", quantity="10", unit_price="20.00", order_line="1")
                | line(1, cost_centre="", account=""),
            ),
        )
        invoice = Invoice.objects.for_partner(self.council).get(number="INV-7001")
        assert response.status_code == 302 and invoice.status == InvoiceStatus.EXCEPTION
        page = self.signed_in(self.council_viewer).get(f"/purchasing/invoices/{invoice.pk}/").content.decode()
        reason = "Line 1: Quantity invoiced 10 is 2 more than the 8 received; the tolerance is 0% and 0."
        assert reason in page
        assert "unit price up to 2% and £5.00 over the order's; quantity up to 0% and 0 over" in page
        assert '<strong data-testid="match-result">it does not match</strong>' in page
        queue = self.signed_in(self.council_viewer).get("/purchasing/exceptions/").content.decode()
        assert reason in queue and "1 invoice held" in queue

    def test_a_possible_duplicate_is_shown_as_a_warning_on_the_invoice(self) -> None:
        self.enter(number="INV-0042")
        second = self.enter(number="inv 42")
        page = self.signed_in(self.council_buyer).get(f"/purchasing/invoices/{second.pk}/").content.decode()
        assert 'data-testid="duplicates"' in page and second.exceptions[0]["reason"] in page

    def test_the_invoice_shows_its_history(self) -> None:
        invoice = self.enter()
        page = self.signed_in(self.council_viewer).get(f"/purchasing/invoices/{invoice.pk}/").content.decode()
        assert "invoice.entered" in page and "council.buyer" in page

    def test_a_manager_approves_a_non_po_invoice_within_their_limit(self) -> None:
        invoice = self.enter()
        response = self.signed_in(self.council_manager).post(
            f"/purchasing/invoices/{invoice.pk}/", {"form": "approve", "note": ""}
        )
        invoice.refresh_from_db()
        assert response.status_code == 302
        assert (invoice.status, invoice.approved_by) == ("approved", self.council_manager)

    def test_releasing_from_the_queue_needs_a_note_and_without_one_nothing_changes(self) -> None:
        invoice = self.queued()
        client = self.signed_in(self.council_finance)
        response = client.post(f"/purchasing/invoices/{invoice.pk}/", {"form": "approve", "note": ""})
        assert "Say why the exceptions are accepted." in response.content.decode()
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.EXCEPTION
        response = client.post(
            f"/purchasing/invoices/{invoice.pk}/",
            {"form": "approve", "note": "Two boxes delivered late", "next": "exceptions"},
        )
        invoice.refresh_from_db()
        assert response["Location"] == "/purchasing/exceptions/" and invoice.status == InvoiceStatus.APPROVED

    def test_a_clerk_cancels_with_a_reason(self) -> None:
        invoice = self.enter()
        client = self.signed_in(self.council_buyer)
        response = client.post(f"/purchasing/invoices/{invoice.pk}/", {"form": "cancel", "reason": ""})
        assert "Enter the reason." in response.content.decode()
        client.post(
            f"/purchasing/invoices/{invoice.pk}/", {"form": "cancel", "reason": "Sent to us in error"}
        )
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.CANCELLED
        event = AuditEvent.objects.for_partner(self.council).get(action="invoice.cancelled")
        assert event.after["reason"] == "Sent to us in error"

    def test_a_credit_note_is_entered_from_the_invoice_it_credits(self) -> None:
        invoice = self.approved("INV-1001")
        client = self.signed_in(self.council_buyer)
        page = client.get(f"/purchasing/invoices/new?credits={invoice.pk}").content.decode()
        assert "Enter a credit note for INV-1001" in page
        assert f'<option value="{self.acme.pk}" selected>' in page
        client.post(
            "/purchasing/invoices/new",
            self.form(
                credits=str(invoice.pk),
                kind="credit_note",
                number="CN-1",
                **line(1, quantity="1", unit_price="10.00"),
            ),
        )
        note = Invoice.objects.for_partner(self.council).get(number="CN-1")
        assert (note.kind, note.credits, note.gross, note.status) == (
            "credit_note",
            invoice,
            D("12.00"),
            "approved",
        )

    def test_a_role_without_the_permission_gets_403_and_nothing_changes(self) -> None:
        invoice = self.enter()
        viewer = self.signed_in(self.council_viewer)
        assert viewer.get("/purchasing/invoices/new").status_code == 403
        assert viewer.post("/purchasing/invoices/new", self.form(number="INV-9")).status_code == 403
        assert viewer.get("/purchasing/invoices/import").status_code == 403
        for reason in ("x", ""):  # refused for the permission before the reason is read
            response = viewer.post(
                f"/purchasing/invoices/{invoice.pk}/", {"form": "cancel", "reason": reason}
            )
            assert response.status_code == 403
        buyer = self.signed_in(self.council_buyer2)  # enters invoices, does not approve them
        response = buyer.post(f"/purchasing/invoices/{invoice.pk}/", {"form": "approve", "note": "ok"})
        assert response.status_code == 403
        invoice.refresh_from_db()
        assert (invoice.status, self.invoices()) == ("awaiting_approval", 1)

    def test_another_partners_invoice_answers_404_and_nothing_changes(self) -> None:
        invoice = self.enter()
        police = self.signed_in(self.police_buyer)
        assert police.get(f"/purchasing/invoices/{invoice.pk}/").status_code == 404
        response = police.post(f"/purchasing/invoices/{invoice.pk}/", {"form": "cancel", "reason": "x"})
        assert response.status_code == 404
        assert police.get(f"/purchasing/invoices/new?credits={invoice.pk}").status_code == 404
        invoice.refresh_from_db()
        assert invoice.status == "awaiting_approval"

    def test_the_exported_invoice_list_neutralises_formulas_and_is_not_stored(self) -> None:
        self.enter(number="=HYPERLINK(1)")
        client = self.signed_in(self.council_viewer)
        response = client.get("/purchasing/invoices/", {"format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Supplier", "Kind", "Number"]
        assert rows[1][:3] == ["Acme Stationery Ltd", "Invoice", "'=HYPERLINK(1)"]
        assert rows[1][6:9] == ["100.00", "20.00", "120.00"]
        assert "no-store" in response["Cache-Control"]
        xlsx = client.get("/purchasing/invoices/", {"format": "xlsx"})
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert "no-store" in xlsx["Cache-Control"]

    def test_the_download_holds_exactly_the_invoices_the_filters_leave(self) -> None:
        self.enter(number="INV-1001")
        self.enter(number="ZX-55", invoice_date=INVOICE_DAY.replace(day=12))
        self.enter(number="B-7", supplier=self.beta, invoice_date=INVOICE_DAY.replace(day=13))
        self.approved("Q-31", invoice_date=INVOICE_DAY.replace(day=14))
        client = self.signed_in(self.council_viewer)
        page = client.get("/purchasing/invoices/", {"status": "awaiting_approval", "q": "acme"})
        assert [i.number for i in page.context["page"]] == ["ZX-55", "INV-1001"]
        assert 'href="?status=awaiting_approval&amp;q=acme&amp;format=csv"' in page.content.decode()
        response = client.get(
            "/purchasing/invoices/", {"status": "awaiting_approval", "q": "acme", "format": "csv"}
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(r[0], r[2], r[3], r[8], r[9]) for r in rows[1:]] == [
            ("Acme Stationery Ltd", "ZX-55", "2026-05-12", "120.00", "Waiting for approval"),
            ("Acme Stationery Ltd", "INV-1001", "2026-05-11", "120.00", "Waiting for approval"),
        ]
        assert response["Content-Disposition"] == 'attachment; filename="invoices-wcc.csv"'

    def test_sorting_by_a_column_orders_the_invoices(self) -> None:
        self.enter(number="INV-B", invoice_date=INVOICE_DAY.replace(day=12))
        self.enter(number="INV-C", invoice_date=INVOICE_DAY.replace(day=13))
        self.enter(number="INV-A", invoice_date=INVOICE_DAY.replace(day=14))
        client = self.signed_in(self.council_viewer)

        def numbers(**query: str) -> list[str]:
            return [i.number for i in client.get("/purchasing/invoices/", query).context["page"]]

        assert numbers() == ["INV-A", "INV-C", "INV-B"]  # newest first
        assert numbers(sort="number") == ["INV-A", "INV-B", "INV-C"]
        assert numbers(sort="number", order="desc") == ["INV-C", "INV-B", "INV-A"]
        assert numbers(sort="invoice_date") == ["INV-B", "INV-C", "INV-A"]

    def test_another_partners_buyer_lists_and_downloads_none_of_the_councils_invoices(self) -> None:
        self.enter(number="INV-1001")
        Invoice.objects.create(
            partner=self.police,
            supplier=self.acme,
            number="P-1",
            number_key="P1",
            invoice_date=INVOICE_DAY,
            received_date=INVOICE_DAY,
            due_date=DUE_DAY,
            net=D("10.00"),
            vat=D("2.00"),
            gross=D("12.00"),
            entered_by=self.police_buyer,
        )
        before = list(Invoice.objects.for_partner(self.council).values_list("number", "status"))
        police = self.signed_in(self.police_buyer)
        assert [i.number for i in police.get("/purchasing/invoices/").context["page"]] == ["P-1"]
        download = police.get("/purchasing/invoices/", {"q": "INV", "format": "csv"})
        assert download.content.decode("utf-8-sig").splitlines()[1:] == []
        assert list(Invoice.objects.for_partner(self.council).values_list("number", "status")) == before

    def test_a_role_without_purchasing_gets_403_for_the_list_and_its_download(self) -> None:
        self.enter(number="INV-1001")
        hr = self.signed_in(self.council_hr)
        assert hr.get("/purchasing/invoices/").status_code == 403
        assert hr.get("/purchasing/invoices/", {"format": "csv"}).status_code == 403
        assert list(Invoice.objects.for_partner(self.council).values_list("number", "status")) == [
            ("INV-1001", "awaiting_approval")
        ]

    def test_each_page_opens_to_the_roles_that_use_it(self) -> None:
        invoice = self.enter()
        viewer = self.signed_in(self.council_viewer)
        for url in (
            "/purchasing/",
            "/purchasing/invoices/",
            f"/purchasing/invoices/{invoice.pk}/",
            "/purchasing/exceptions/",
            "/purchasing/payment-runs/",
        ):
            assert viewer.get(url).status_code == 200, url
        buyer = self.signed_in(self.council_buyer)
        for url in (
            "/purchasing/invoices/new",
            "/purchasing/invoices/import",
            "/purchasing/invoices/template.csv",
        ):
            assert buyer.get(url).status_code == 200, url
        home = buyer.get("/purchasing/").content.decode()
        assert 'href="/purchasing/invoices/new"' in home and 'href="/purchasing/payment-runs/"' in home


class TestTheInvoiceImport(PayablesPages):
    HEADER = "supplier,number,invoice_date,description,quantity,unit_price,vat_rate,cost_centre,account\n"

    def upload(self, body: str) -> Any:
        upload = SimpleUploadedFile("invoices.csv", (self.HEADER + body).encode(), content_type="text/csv")
        return self.signed_in(self.council_buyer).post("/purchasing/invoices/import", {"file": upload})

    def test_every_bad_row_is_reported_by_row_column_and_reason_and_nothing_is_written(self) -> None:
        response = self.upload(
            "ACME01,INV-5001,2026-05-11,Toner,2,50.00,20,HR,4200\n"
            "NOPE99,INV-5002,2026-05-11,Toner,1,10.00,20,HR,4200\n"
            "ACME01,INV-5003,2026-05-11,Toner,abc,10.00,20,HR,4200\n"
            "ACME01,INV-5004,2026-05-11,Toner,1,10.00,20,ZZ,4200\n"
        )
        page = response.content.decode()
        assert "Nothing was entered: the file has 3 problems" in page
        table = page.split('data-testid="import-errors"')[1]
        cells = [c.split("</td>")[0] for c in table.split('<td class="govuk-table__cell">')[1:]]
        rows = [tuple(cells[i : i + 4]) for i in range(0, len(cells), 4)]
        assert [(r[0], r[1], r[2]) for r in rows] == [
            ("3", "supplier", "NOPE99"),
            ("4", "quantity", "abc"),
            ("5", "cost_centre", "ZZ"),
        ]
        assert rows[0][3] == "WCC has no supplier with this reference"
        assert rows[2][3] == "WCC has no cost centre &#x27;ZZ&#x27;"
        assert self.invoices() == 0

    def test_a_good_file_enters_its_invoices(self) -> None:
        response = self.upload(
            "ACME01,INV-5001,2026-05-11,Toner,2,50.00,20,HR,4200\n"
            "ACME01,INV-5001,2026-05-11,Paper,1,10.00,20,HR,4200\n"
            "BETA01,B-1,2026-05-11,Advice,1,300.00,20,HR,4300\n"
        )
        assert response.status_code == 302 and response["Location"] == "/purchasing/invoices/"
        assert dict(Invoice.objects.for_partner(self.council).values_list("number", "gross")) == {
            "INV-5001": D("132.00"),
            "B-1": D("360.00"),
        }


class TestThePaymentRunPages(PayablesPages):
    def make_run(self) -> PaymentRun:
        self.approved("INV-1")
        self.approved("INV-2", supplier=self.beta)  # no verified bank details: held back
        return payment_run_create(
            actor=self.council_finance, partner=self.council, due_by=DUE_DAY, payment_date=PAY_DAY
        )

    def test_a_run_is_made_approved_by_another_paid_and_posted(self) -> None:
        self.approved("INV-1")
        self.approved("INV-2", supplier=self.beta)
        maker = self.signed_in(self.council_finance)
        response = maker.post(
            "/purchasing/payment-runs/", {"due_by": "2026-06-10", "payment_date": "2026-06-05"}
        )
        run = PaymentRun.objects.for_partner(self.council).get()
        assert response["Location"] == f"/purchasing/payment-runs/{run.pk}/"
        page = maker.get(f"/purchasing/payment-runs/{run.pk}/").content.decode()
        assert "£120.00 to 1 supplier, 1 invoice" in page
        assert "Beta Legal LLP has no verified bank details." in page
        assert "Approve the run</button>" not in page  # its maker may not
        checker = self.signed_in(self.council_payer)
        checker.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "approve"})
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.APPROVED
        bacs = checker.get(f"/purchasing/payment-runs/{run.pk}/bacs.txt")
        assert bacs.status_code == 200 and "no-store" in bacs["Cache-Control"]
        assert b"12345678" in bacs.content  # Acme's verified account
        checker.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "paid"})
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.PAID
        page = checker.get(f"/purchasing/payment-runs/{run.pk}/").content.decode()
        assert f"Supplier invoices paid by {run.reference}" in page
        assert f"Supplier payments: {run.reference}" in page

    def test_a_date_that_is_not_a_processing_day_is_shown_beside_the_field(self) -> None:
        self.approved("INV-1")
        response = self.signed_in(self.council_finance).post(
            "/purchasing/payment-runs/", {"due_by": "2026-06-10", "payment_date": "2026-06-06"}
        )
        assert "Saturday 6 June 2026 is not a BACS processing day." in response.content.decode()
        assert PaymentRun.objects.for_partner(self.council).count() == 0

    def test_a_role_without_pay_gets_403_and_nothing_is_written(self) -> None:
        self.approved("INV-1")
        buyer = self.signed_in(self.council_buyer)
        response = buyer.post(
            "/purchasing/payment-runs/", {"due_by": "2026-06-10", "payment_date": "2026-06-05"}
        )
        assert response.status_code == 403
        assert PaymentRun.objects.for_partner(self.council).count() == 0
        run = self.make_run()
        assert buyer.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "approve"}).status_code == 403
        response = buyer.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "cancel", "reason": ""})
        assert response.status_code == 403
        assert buyer.get(f"/purchasing/payment-runs/{run.pk}/bacs.txt").status_code == 403
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.DRAFT

    def test_cancelling_needs_a_reason_and_returns_the_invoices(self) -> None:
        run = self.make_run()
        client = self.signed_in(self.council_finance)
        response = client.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "cancel", "reason": ""})
        assert response.status_code == 200 and "Enter the reason." in response.content.decode()
        client.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "cancel", "reason": "Wrong date"})
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.CANCELLED
        assert Invoice.objects.for_partner(self.council).get(number="INV-1").status == InvoiceStatus.APPROVED

    def test_another_partners_run_and_payment_answer_404(self) -> None:
        run = self.make_run()
        payment = run.payments.get()
        police = self.signed_in(self.police_payer)
        for url in (
            f"/purchasing/payment-runs/{run.pk}/",
            f"/purchasing/payment-runs/{run.pk}/bacs.txt",
            f"/purchasing/payment-runs/{run.pk}/export.csv",
            f"/purchasing/payments/{payment.pk}/remittance.pdf",
            f"/purchasing/payments/{payment.pk}/remittance.csv",
        ):
            assert police.get(url).status_code == 404, url
        assert (
            police.post(f"/purchasing/payment-runs/{run.pk}/", {"form": "cancel", "reason": "x"}).status_code
            == 404
        )
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.DRAFT

    def test_the_bacs_file_waits_for_approval(self) -> None:
        run = self.make_run()
        response = self.signed_in(self.council_finance).get(f"/purchasing/payment-runs/{run.pk}/bacs.txt")
        assert response.status_code == 302 and response["Location"] == f"/purchasing/payment-runs/{run.pk}/"

    def test_downloads_of_the_run_are_not_stored(self) -> None:
        run = self.make_run()
        payment_run_approve(actor=self.council_payer, run=run)
        payment = run.payments.get()
        client = self.signed_in(self.council_finance)
        for url in (
            f"/purchasing/payment-runs/{run.pk}/bacs.txt",
            f"/purchasing/payment-runs/{run.pk}/export.csv",
            f"/purchasing/payment-runs/{run.pk}/export.xlsx",
            f"/purchasing/payments/{payment.pk}/remittance.pdf",
            f"/purchasing/payments/{payment.pk}/remittance.csv",
        ):
            response = client.get(url)
            assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
        rows = list(
            csv.reader(
                io.StringIO(
                    client.get(f"/purchasing/payment-runs/{run.pk}/export.csv").content.decode("utf-8-sig")
                )
            )
        )
        assert rows[1] == [
            "Acme Stationery Ltd",
            f"WCC {run.reference}",
            "Invoice",
            "INV-1",
            "2026-05-11",
            "2026-06-10",
            "120.00",
        ]
        remittance = client.get(f"/purchasing/payments/{payment.pk}/remittance.pdf")
        assert remittance.content[:5] == b"%PDF-"

    def test_the_run_list_asks_the_same_number_of_queries_for_one_run_as_for_three(self) -> None:
        client = self.signed_in(self.council_viewer)
        self.make_run()
        client.get("/purchasing/payment-runs/")
        with CaptureQueriesContext(connection) as one:
            client.get("/purchasing/payment-runs/")
        for n in (3, 4):
            self.approved(f"INV-{n}")
            payment_run_create(
                actor=self.council_finance, partner=self.council, due_by=DUE_DAY, payment_date=PAY_DAY
            )
        with CaptureQueriesContext(connection) as three:
            page = client.get("/purchasing/payment-runs/").content.decode()
        assert "3 runs" in page and len(three) == len(one)

    def test_the_exceptions_queue_asks_the_same_number_of_queries_for_one_as_for_three(self) -> None:
        client = self.signed_in(self.council_viewer)
        self.enter(number="INV-0042")
        self.enter(number="inv 42")
        client.get("/purchasing/exceptions/")
        with CaptureQueriesContext(connection) as one:
            client.get("/purchasing/exceptions/")
        self.enter(number="INV 042")
        self.enter(number="INV-00042")
        with CaptureQueriesContext(connection) as three:
            page = client.get("/purchasing/exceptions/").content.decode()
        assert "3 invoices held" in page and len(three) == len(one)


class TestThePaymentRunList(PayablesPages):
    def two_runs(self) -> tuple[PaymentRun, PaymentRun]:
        """A run of £120.00 paid on 5 June and approved, and a draft of £12.00 paid on 12 June."""
        self.approved("INV-1")
        first = payment_run_create(
            actor=self.council_finance, partner=self.council, due_by=DUE_DAY, payment_date=PAY_DAY
        )
        first = payment_run_approve(actor=self.council_payer, run=first)
        self.approved("Q-77", lines=[LineEntry("Pens", D("1"), D("10.00"), D("20"), "HR", "4200")])
        second = payment_run_create(
            actor=self.council_finance,
            partner=self.council,
            due_by=DUE_DAY,
            payment_date=PAY_DAY.replace(day=12),
        )
        return first, second

    def test_the_run_list_filters_by_status_and_date_and_downloads_exactly_those_runs(self) -> None:
        first, second = self.two_runs()
        client = self.signed_in(self.council_viewer)

        def references(**query: str) -> list[str]:
            return [r.reference for r in client.get("/purchasing/payment-runs/", query).context["page"]]

        assert references(status="approved") == [first.reference]
        assert references(paid_from="2026-06-10") == [second.reference]
        assert references(paid_to="2026-06-10") == [first.reference]
        response = client.get("/purchasing/payment-runs/", {"status": "draft", "format": "csv"})
        maker = self.council_finance.get_full_name() or self.council_finance.username
        assert response.content.decode("utf-8-sig").splitlines() == [
            "Reference,Invoices due by,Payment date,Total,Status,Made by",
            f"{second.reference},2026-06-10,2026-06-12,12.00,Draft,{maker}",
        ]
        assert "no-store" in response["Cache-Control"]

    def test_the_run_list_sorts_by_payment_date_and_total(self) -> None:
        first, second = self.two_runs()
        client = self.signed_in(self.council_viewer)

        def references(**query: str) -> list[str]:
            return [r.reference for r in client.get("/purchasing/payment-runs/", query).context["page"]]

        assert references() == [second.reference, first.reference]  # the latest payment first
        assert references(sort="payment_date") == [first.reference, second.reference]
        assert references(sort="total") == [second.reference, first.reference]
        assert references(sort="total", order="desc") == [first.reference, second.reference]

    def test_another_partner_lists_and_downloads_none_of_the_councils_runs(self) -> None:
        self.two_runs()
        police = self.signed_in(self.police_payer)
        assert list(police.get("/purchasing/payment-runs/").context["page"]) == []
        download = police.get("/purchasing/payment-runs/", {"format": "csv"})
        assert download.content.decode("utf-8-sig").splitlines()[1:] == []
        assert list(PaymentRun.objects.for_partner(self.council).order_by("pk").values_list("status")) == [
            ("approved",),
            ("draft",),
        ]

    def test_a_role_without_purchasing_gets_403_for_the_run_list_and_its_download(self) -> None:
        hr = self.signed_in(self.council_hr)
        assert hr.get("/purchasing/payment-runs/").status_code == 403
        assert hr.get("/purchasing/payment-runs/", {"format": "csv"}).status_code == 403
        assert PaymentRun.objects.for_partner(self.council).count() == 0


class TestTheExceptionsQueueList(PayablesPages):
    def held(self) -> tuple[Invoice, Invoice]:
        """A possible duplicate of £120.00 without an order, and an invoice of £240.00 over what
        was received on its order."""
        self.enter(number="INV-0042")
        duplicate = self.enter(number="inv 42")
        assert duplicate.status == InvoiceStatus.EXCEPTION
        return duplicate, self.queued()

    def test_the_queue_filters_by_order_and_search_and_downloads_exactly_those_invoices(self) -> None:
        _, over = self.held()
        client = self.signed_in(self.council_viewer)

        def numbers(**query: str) -> list[str]:
            return [i.number for i in client.get("/purchasing/exceptions/", query).context["page"]]

        assert numbers(order="without") == ["inv 42"]
        assert numbers(q="po-1") == ["INV-PO-1"]
        response = client.get("/purchasing/exceptions/", {"order": "with", "format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows == [
            ["Supplier", "Number", "Order", "Received", "Invoice date", "Due date", "Gross", "Reasons held"],
            [
                "Acme Stationery Ltd",
                "INV-PO-1",
                "WCC-PO-000001",
                over.received_date.isoformat(),
                "2026-05-11",
                over.due_date.isoformat(),
                "240.00",
                " ".join(e["reason"] for e in over.exceptions),
            ],
        ]
        assert "Quantity invoiced 10 is 2 more than the 8 received" in rows[1][7]
        assert "no-store" in response["Cache-Control"]

    def test_the_queue_sorts_oldest_first_and_by_amount(self) -> None:
        self.held()
        client = self.signed_in(self.council_viewer)

        def numbers(**query: str) -> list[str]:
            return [i.number for i in client.get("/purchasing/exceptions/", query).context["page"]]

        assert numbers() == ["inv 42", "INV-PO-1"]  # received the same day: in the order entered
        assert numbers(sort="gross", order="desc") == ["INV-PO-1", "inv 42"]
        assert numbers(sort="gross") == ["inv 42", "INV-PO-1"]

    def test_another_partner_lists_and_downloads_none_of_the_councils_held_invoices(self) -> None:
        self.held()
        police = self.signed_in(self.police_buyer)
        assert list(police.get("/purchasing/exceptions/").context["page"]) == []
        download = police.get("/purchasing/exceptions/", {"format": "csv"})
        assert download.content.decode("utf-8-sig").splitlines()[1:] == []
        held = Invoice.objects.for_partner(self.council).filter(status=InvoiceStatus.EXCEPTION)
        assert sorted(held.values_list("number", flat=True)) == ["INV-PO-1", "inv 42"]

    def test_a_role_without_purchasing_gets_403_for_the_queue_and_its_download(self) -> None:
        self.held()
        hr = self.signed_in(self.council_hr)
        assert hr.get("/purchasing/exceptions/").status_code == 403
        assert hr.get("/purchasing/exceptions/", {"format": "csv"}).status_code == 403
        assert Invoice.objects.for_partner(self.council).filter(status=InvoiceStatus.EXCEPTION).count() == 2
