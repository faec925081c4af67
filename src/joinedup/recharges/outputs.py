"""A statement of charges as CSV and as an A4 PDF in the platform's house style
(:mod:`joinedup.core.pdf`: GOV.UK colours, Helvetica, invariant ReportLab output so the same
statement gives the same bytes), the one the payroll PDFs share."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from joinedup.core import tabular
from joinedup.core.dates import people_month
from joinedup.core.money import gbp
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
from joinedup.recharges.selectors import STATEMENT_HEADER, Statement, statement_rows


def format_quantity(quantity: Decimal) -> str:
    """Up to four decimal places, no trailing zeros: 12, 2.5, 0.3333."""
    text = f"{quantity.quantize(Decimal('0.0001')).normalize():f}"
    return text


def format_rate(rate: Decimal | None) -> str:
    return "" if rate is None else f"£{rate.quantize(Decimal('0.0001')):,}"


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    tabular.write_csv(statement_rows(statement), STATEMENT_HEADER, out)
    return out.getvalue()


def _table(rows: list[list[str]], widths: list[float], right_from: int) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, RULE),
                ("ALIGN", (right_from, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def statement_pdf(statement: Statement, *, compress: bool = True) -> bytes:
    partner = statement.partner
    title = f"Statement of charges: {partner.name}, {people_month(statement.month)}"
    rows = [["Service", "Driver", "Quantity", "Rate", "Amount"]]
    for line in statement.lines:
        rows.append(
            [
                printable(line.service),
                # Where the quantity came from, on a line of its own under the driver.
                printable(f"{line.driver}\n{line.source}" if line.source else line.driver),
                format_quantity(line.quantity),
                format_rate(line.rate),
                gbp(line.amount),
            ]
        )
    rows.append(["Total", "", "", "", gbp(statement.total)])
    # "September 2026" in bold is wider than a sixth of what is left of the page after the
    # service's column, so each month's heading breaks before its year rather than short to "Sep".
    trend = [["Service", *(people_month(m).replace(" ", "\n") for m in statement.trend_months)]]
    trend += [[printable(label), *(gbp(a) for a in amounts)] for label, amounts in statement.trend]
    trend.append(
        [
            "Total",
            *(
                gbp(sum(amounts[i] for _, amounts in statement.trend))
                for i in range(len(statement.trend_months))
            ),
        ]
    )
    heading = Table([[Paragraph(printable(title), TITLE)]], colWidths=[PAGE_WIDTH])
    heading.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, ACCENT), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    issuers = sorted({line.issuer for line in statement.lines})
    flowables = [
        heading,
        Spacer(1, 4 * mm),
        Paragraph(printable(f"Charged by: {', '.join(issuers) or 'nobody this month'}"), BASE),
        Spacer(1, 4 * mm),
        Paragraph("Charges", HEADING),
        _table(rows, [PAGE_WIDTH * w for w in (0.26, 0.24, 0.14, 0.16, 0.20)], 2),
        Spacer(1, 6 * mm),
        Paragraph("Last six months", HEADING),
        _table(trend, [PAGE_WIDTH * 0.22] + [PAGE_WIDTH * 0.13] * len(statement.trend_months), 1),
        Spacer(1, 4 * mm),
        Paragraph(
            "Rate: the pool shared by the driver divided by the driver's total quantity across the partners "
            "sharing it (pounds per unit; per percentage point for a fixed percentage).",
            SMALL,
        ),
    ]
    return render_pdf(flowables, title=title, author="joinedup", compress=compress)
