"""A purchase order as an A4 PDF in the platform's house style (:mod:`joinedup.core.pdf`):
the partner's order number and date, the supplier and its address, the lines with quantity,
unit price, net, VAT rate and VAT, the totals, and where to send the invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from joinedup.core.dates import people_date
from joinedup.core.pdf import (
    ACCENT,
    BAND,
    BASE,
    HEADING,
    INK,
    PAGE_WIDTH,
    RULE,
    SMALL,
    TITLE,
    printable,
    render_pdf,
)
from joinedup.purchasing.models import PurchaseOrder, PurchaseOrderLine


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _quantity(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _unit_price(price: Decimal) -> str:
    # Pence fractions shown only where the price has them, as suppliers quote them.
    if price == price.quantize(Decimal("0.01")):
        return f"£{price:,.2f}"
    return f"£{price.normalize():,f}"


def order_pdf(order: PurchaseOrder, lines: list[PurchaseOrderLine], *, compress: bool = True) -> bytes:
    partner = order.partner
    supplier = order.supplier
    title = f"Purchase order {order.number}"
    address = supplier.addresses.order_by("kind").first()
    rows: list[list[Any]] = [["Line", "Description", "Quantity", "Unit price", "Net", "VAT rate", "VAT"]]
    for line in lines:
        rows.append(
            [
                str(line.line_number),
                Paragraph(printable(line.description), BASE),
                _quantity(line.quantity),
                _unit_price(line.unit_price),
                _pounds(line.net),
                f"{line.vat_rate.normalize():f}%",
                _pounds(line.vat),
            ]
        )
    net = sum((x.net for x in lines), Decimal("0.00"))
    vat = sum((x.vat for x in lines), Decimal("0.00"))
    rows.append(["", "Total", "", "", _pounds(net), "", _pounds(vat)])
    rows.append(["", "Total including VAT", "", "", "", "", _pounds(net + vat)])
    table = Table(
        rows, colWidths=[PAGE_WIDTH * w for w in (0.06, 0.38, 0.1, 0.12, 0.12, 0.1, 0.12)], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, -2), (-1, -1), "Helvetica-Bold", 8.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
                ("LINEABOVE", (0, -2), (-1, -2), 0.75, RULE),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    heading = Table([[Paragraph(printable(title), TITLE)]], colWidths=[PAGE_WIDTH])
    heading.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, ACCENT), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    supplier_lines = [supplier.name]
    if address is not None:
        supplier_lines += [x for x in (address.line1, address.line2, address.town, address.postcode) if x]
    flowables = [
        heading,
        Spacer(1, 4 * mm),
        Paragraph(printable(f"From: {partner.name}"), BASE),
        Paragraph(printable(f"Order date: {people_date(order.order_date)}"), BASE),
        Spacer(1, 3 * mm),
        Paragraph("To", HEADING),
        *(Paragraph(printable(text), BASE) for text in supplier_lines),
    ]
    if order.delivery_address:
        flowables += [Spacer(1, 3 * mm), Paragraph("Deliver to", HEADING)]
        flowables += [
            Paragraph(printable(text), BASE) for text in order.delivery_address.splitlines() if text.strip()
        ]
    flowables += [
        Spacer(1, 4 * mm),
        Paragraph("Lines", HEADING),
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            printable(
                f"Quote order number {order.number} on your invoice, and send it to {partner.name}'s "
                "accounts payable. An invoice without the order number may be returned unpaid."
            ),
            SMALL,
        ),
    ]
    return render_pdf(flowables, title=title, author=partner.name, compress=compress)
