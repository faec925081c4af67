"""Importing invoices from CSV or XLSX (issue 14): all or nothing, every bad row reported by row,
column and reason; duplicates and match failures go to the exceptions queue as on the form."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from joinedup.audit.models import AuditEvent
from joinedup.core.tabular import RowError
from joinedup.purchasing.invoices import invoices_import
from joinedup.purchasing.models import Invoice, InvoiceStatus
from joinedup.purchasing.tests.invoicing import InvoicingTestCase

HEADER = "supplier,number,invoice_date,order,order_line,description," + (
    "quantity,unit_price,vat_rate,cost_centre,account"
)
GOOD = [
    "ACME01,INV-500,2026-05-11,,,Toner,2,50.00,20,HR,4200",
    "ACME01,INV-500,2026-05-11,,,Staples,10,1.25,20,HR,4200",
    "ACME01,INV-501,2026-05-12,WCC-PO-000001,1,A4 paper,8,20.00,20,,",
    "BETA01,B-9,2026-05-12,,,Advice,1,300,20,HR,4300",
]


def csv_file(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


class TestInvoiceImport(InvoicingTestCase):
    def load(self, data: bytes, name: str = "invoices.csv", actor: object = None):  # type: ignore[no-untyped-def]
        return invoices_import(
            actor=actor or self.council_buyer, partner=self.council, source=data, filename=name
        )

    def test_a_good_file_makes_one_invoice_per_supplier_and_number(self) -> None:
        result = self.load(csv_file(*GOOD))
        assert result.errors == []
        found = {
            i.number: (i.status, i.gross, i.lines.count()) for i in Invoice.objects.for_partner(self.council)
        }
        assert found == {
            "INV-500": (InvoiceStatus.AWAITING_APPROVAL, D("135.00"), 2),
            "INV-501": (InvoiceStatus.APPROVED, D("192.00"), 1),
            "B-9": (InvoiceStatus.AWAITING_APPROVAL, D("360.00"), 1),
        }
        event = AuditEvent.objects.for_partner(self.council).get(action="invoice.imported")
        assert event.after == {"file": "invoices.csv", "rows": 4, "invoices": 3, "exceptions": 0}

    def test_every_bad_row_is_reported_and_nothing_is_saved(self) -> None:
        result = self.load(
            csv_file(
                "ACME01,INV-500,2026-05-11,,,Toner,2,50.00,20,HR,4200",
                "NOBODY,X-1,2026-05-11,,,Toner,2,50.00,20,HR,4200",
                "ACME01,INV-502,2026-02-30,,,Toner,2,50.00,20,HR,4200",
                "ACME01,INV-503,2026-05-11,WCC-PO-999,,Toner,2,50.00,20,HR,4200",
                "ACME01,INV-504,2026-05-11,,,Toner,2,50.00001,20,NOPE,9999",
                "ACME01,INV-500,2026-05-12,,,Toner,2,50.00,20,HR,4200",
            )
        )
        assert [(e.row, e.column, e.reason) for e in result.errors] == [
            (3, "supplier", "WCC has no supplier with this reference"),
            (4, "invoice_date", "The month has no day 30"),
            (5, "order", "WCC has no order with this number"),
            (6, "unit_price", result.errors[3].reason),
            (7, "invoice_date", "Differs from row 2, the same invoice's first row"),
        ]
        assert result.errors[3].reason.startswith("Has 5 decimal places")
        assert Invoice.objects.for_partner(self.council).count() == 0
        assert not AuditEvent.objects.for_partner(self.council).filter(action="invoice.imported").exists()

    def test_codes_the_ledger_lacks_are_reported_by_row_and_column(self) -> None:
        result = self.load(csv_file("ACME01,INV-504,2026-05-11,,,Toner,2,50.00,20,NOPE,9999"))
        assert result.errors == [
            RowError(2, "cost_centre", "WCC has no cost centre 'NOPE'", "NOPE"),
            RowError(2, "account", "WCC has no expense account '9999'", "9999"),
        ]

    def test_duplicates_against_held_invoices_and_within_the_file_go_to_the_exceptions_queue(self) -> None:
        self.enter(number="INV-500", lines=None)
        result = self.load(
            csv_file(
                "ACME01,inv 500,2026-05-11,,,Toner,2,50.00,20,HR,4200",
                "ACME01,INV-777,2026-06-01,,,Toner,1,10.00,20,HR,4200",
                "ACME01,INV-0777,2026-06-02,,,Toner,1,10.00,20,HR,4200",
            )
        )
        assert result.errors == []
        assert result.exceptions == 2
        reasons = {i.number: [e["kind"] for e in i.exceptions] for i in result.invoices}
        assert reasons == {
            "inv 500": ["duplicate_same_number"],
            "INV-777": [],
            "INV-0777": ["duplicate_same_number"],
        }
        second = next(i for i in result.invoices if i.number == "INV-0777")
        assert second.exceptions[0]["reason"] == (
            "Possible duplicate: same supplier and invoice number as INV-777 (row 3 of the file)."
        )

    def test_an_xlsx_file_imports_like_csv(self) -> None:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(HEADER.split(","))
        sheet.append(GOOD[0].split(","))
        buffer = io.BytesIO()
        book.save(buffer)
        result = self.load(buffer.getvalue(), "invoices.xlsx")
        assert result.errors == []
        assert [i.gross for i in result.invoices] == [D("120.00")]

    def test_only_purchasing_staff_of_the_partner_import_and_nothing_changes(self) -> None:
        for actor in (self.police_buyer, self.council_viewer):
            with pytest.raises(PermissionDenied):
                self.load(csv_file(*GOOD), actor=actor)
        assert Invoice.objects.for_partner(self.council).count() == 0
