"""The workforce-impact report as a download: the long table for CSV and XLSX (one row per
published figure) and a PDF in the house style (core/pdf.py), with each people table's suppressed
cells shown as [c], as on the page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.change.impact import ALL_ROW, PEOPLE_TOTAL, POST_COLUMNS, ImpactReport
from joinedup.change.redundancy import number_text
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

IMPACT_HEADER = ["table", "group", "measure", "value"]


def _table(rows: list[list[str]], widths: list[float]) -> Table:
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
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def impact_pdf(report: ImpactReport, *, compress: bool = True) -> bytes:
    title = f"Workforce impact: {report.programme}"
    heading = Table([[Paragraph(printable(title), TITLE)]], colWidths=[PAGE_WIDTH])
    heading.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, ACCENT), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    flowables: list[Flowable] = [
        heading,
        Spacer(1, 4 * mm),
        Paragraph(printable(f"{report.partner}, as at {report.on:%-d %B %Y}"), BASE),
        Spacer(1, 3 * mm),
    ]
    flowables += [Paragraph(printable(note), SMALL) for note in report.notes]
    for name, table in report.people:
        rows = [[printable(name), *table.columns, PEOPLE_TOTAL]]
        for r, group in enumerate((*table.rows, ALL_ROW)):
            rows.append([printable(group), *(table.text(r, c) for c in range(len(table.columns) + 1))])
        flowables += [Spacer(1, 5 * mm), Paragraph(printable(f"People by {name.lower()}"), HEADING)]
        flowables.append(_table(rows, [PAGE_WIDTH * w for w in (0.4, 0.2, 0.2, 0.2)]))
    for post_table in report.posts:
        rows = [["", *POST_COLUMNS]]
        for group, before, fte_before, after, fte_after in post_table.rows:
            rows.append(
                [printable(group), str(before), number_text(fte_before), str(after), number_text(fte_after)]
            )
        if len(rows) == 1:
            rows.append(["None", "0", "0", "0", "0"])
        flowables += [Spacer(1, 5 * mm), Paragraph(printable(post_table.title), HEADING)]
        flowables.append(_table(rows, [PAGE_WIDTH * w for w in (0.32, 0.17, 0.17, 0.17, 0.17)]))
    return render_pdf(flowables, title=title, author="joinedup", compress=compress)
