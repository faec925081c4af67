"""The workforce-impact report as a download: the long table for CSV and XLSX (one row per
published figure) and a PDF in the house style (core/pdf.py), with each people table's suppressed
cells shown as [c], as on the page, and bar charts: people before and leaving or at risk by each
characteristic (a hidden count draws no bar, only [c], and moves no scale), and posts and FTE
before and after by partner, grade and terms scheme (the establishment, shown whole)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.change.impact import (
    ALL_ROW,
    PEOPLE_COLUMNS,
    PEOPLE_TOTAL,
    POST_COLUMNS,
    ImpactReport,
    PostTable,
)
from joinedup.change.redundancy import number_text
from joinedup.core.dates import people_date
from joinedup.core.pdf import (
    ACCENT,
    BAND,
    BASE,
    HEADING,
    INK,
    PAGE_WIDTH,
    RULE,
    SECOND,
    SMALL,
    TITLE,
    Series,
    bar_charts,
    printable,
    render_pdf,
)
from joinedup.core.suppression import HIDDEN
from joinedup.core.suppression import Table as PeopleTable

IMPACT_HEADER = ["table", "group", "measure", "value"]
HIDDEN_NOTE = (
    f"{HIDDEN}: not shown, fewer than {{minimum}} people or a count that could be worked out from the "
    "totals; the chart draws no bar for it, and its scale is set by the counts shown."
)


def people_charts(table: PeopleTable, *, minimum: int) -> list[Flowable]:
    """A people table as bars: each group's count before and leaving or at risk, as the table
    publishes them (the totals row left out, as on the page)."""
    before = len(table.columns)
    rows = list(table.body_rows)
    shown = [
        Series(PEOPLE_TOTAL, [table.shown(r, before) for r in rows], ACCENT),
        Series(PEOPLE_COLUMNS[0], [table.shown(r, 0) for r in rows], SECOND),
    ]
    charts: list[Flowable] = list(bar_charts([table.rows[r] for r in rows], shown, hidden_text=HIDDEN))
    if any(v is None for one in shown for v in one.values):
        charts.append(Paragraph(printable(HIDDEN_NOTE.format(minimum=minimum)), SMALL))
    return charts


def post_charts(post_table: PostTable) -> list[Flowable]:
    """Posts before and after, then FTE before and after, by the table's groups."""
    groups = [row[0] for row in post_table.rows]
    posts = bar_charts(
        groups,
        [
            Series(POST_COLUMNS[0], [row[1] for row in post_table.rows], ACCENT),
            Series(POST_COLUMNS[2], [row[3] for row in post_table.rows], SECOND),
        ],
    )
    fte = bar_charts(
        groups,
        [
            Series(POST_COLUMNS[1], [row[2] for row in post_table.rows], ACCENT),
            Series(POST_COLUMNS[3], [row[4] for row in post_table.rows], SECOND),
        ],
        figure=lambda v: number_text(Decimal(v)),
    )
    return [*posts, Spacer(1, 2 * mm), *fte]


def _table(rows: list[list[str]], widths: list[float], *, totals: bool = True) -> Table:
    """A table in the house style; with ``totals``, its last row is the totals row."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]
    if totals:
        style += [
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.75, RULE),
        ]
    table.setStyle(TableStyle(style))
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
        Paragraph(printable(f"{report.partner}, as at {people_date(report.on)}"), BASE),
        Spacer(1, 3 * mm),
    ]
    flowables += [Paragraph(printable(note), SMALL) for note in report.notes]
    for name, table in report.people:
        rows = [[printable(name), *table.columns, PEOPLE_TOTAL]]
        for r, group in enumerate((*table.rows, ALL_ROW)):
            rows.append([printable(group), *(table.text(r, c) for c in range(len(table.columns) + 1))])
        flowables += [Spacer(1, 5 * mm), Paragraph(printable(f"People by {name.lower()}"), HEADING)]
        flowables.append(_table(rows, [PAGE_WIDTH * w for w in (0.4, 0.2, 0.2, 0.2)]))
        flowables += [Spacer(1, 2 * mm), *people_charts(table, minimum=report.minimum)]
    for post_table in report.posts:
        rows = [["", *POST_COLUMNS]]
        for group, before, fte_before, after, fte_after in post_table.rows:
            rows.append(
                [printable(group), str(before), number_text(fte_before), str(after), number_text(fte_after)]
            )
        if len(rows) == 1:
            rows.append(["None", "0", "0", "0", "0"])
        flowables += [Spacer(1, 5 * mm), Paragraph(printable(post_table.title), HEADING)]
        flowables.append(_table(rows, [PAGE_WIDTH * w for w in (0.32, 0.17, 0.17, 0.17, 0.17)], totals=False))
        if post_table.rows:
            flowables += [Spacer(1, 2 * mm), *post_charts(post_table)]
    return render_pdf(flowables, title=title, author="joinedup", compress=compress)
