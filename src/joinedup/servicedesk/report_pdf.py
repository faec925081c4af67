"""The monthly service-level report as a PDF for the partnership board, in the house style
(core/pdf.py): a title, the partner(s), the month and the instant the figures stand at, then a
table per partner of the rows ``reports.service_level_report`` gives (a row per service and priority: tickets,
met and breached, median and 90th percentile response and resolution in business minutes shown as
h:mm, backlog ages in business days), a bar chart of each table's resolutions met and breached,
and the partner's satisfaction answers per service.

It lays out figures it is given and computes none: the page, its downloads, the API and this PDF
read the one selector. The columns are one table (:data:`COLUMNS`), so a column added to the
report's rows is one line here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.core.dates import people_datetime
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
    Series,
    bar_charts,
    escape,
    printable,
    render_pdf,
)
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.levels import SERVICE_LABELS
from joinedup.servicedesk.reports import ServiceLevelReport
from joinedup.servicedesk.service_levels import BUCKETS, SATISFACTION_MIN_ANSWERS, Row, SatisfactionRow

MET = colors.HexColor("#00703c")  # GOV.UK green, as on the page's chart
BREACHED = colors.HexColor("#d4351c")  # GOV.UK red
NONE = "-"


def hours_minutes(minutes: int | None) -> str:
    """Business minutes as h:mm (1,560 as 26:00); "-" where there is no figure."""
    if minutes is None:
        return NONE
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Row], str]
    share: float  # of the page width
    numeric: bool = True


def _pair(first: int | None, second: int | None, shown: Callable[[int | None], str] = str) -> str:
    return f"{shown(first)} / {shown(second)}"


def _backlog(bucket: str) -> Callable[[Row], str]:
    return lambda r: str(r.backlog[bucket])


COLUMNS: tuple[Column, ...] = (
    Column("Service", lambda r: printable(SERVICE_LABELS.get(r.service, r.service)), 0.095, numeric=False),
    Column("Priority", lambda r: r.priority.upper(), 0.06, numeric=False),
    Column("Raised", lambda r: str(r.raised), 0.055),
    Column("Resolved", lambda r: str(r.resolved), 0.065),
    Column("Open at end", lambda r: str(r.open_at_end), 0.05),
    Column("Response met / breached", lambda r: _pair(r.response_met, r.response_breached), 0.085),
    Column("Resolution met / breached", lambda r: _pair(r.resolution_met, r.resolution_breached), 0.085),
    Column(
        "Response median / 90th (h:mm)",
        lambda r: _pair(r.response_median, r.response_p90, hours_minutes),
        0.125,
    ),
    Column(
        "Resolution median / 90th (h:mm)",
        lambda r: _pair(r.resolution_median, r.resolution_p90, hours_minutes),
        0.125,
    ),
    *(Column(f"Open {b} days", _backlog(b), 0.26 / len(BUCKETS)) for b in BUCKETS),
)
HEADER = ParagraphStyle("report-header", parent=SMALL, fontSize=6.5, leading=8, textColor=INK)


@dataclass(frozen=True)
class Section:
    """One table of the PDF: a partner's report, or the sum over every partner."""

    heading: str
    report: ServiceLevelReport


def _table(rows: Sequence[Row]) -> Table:
    data: list[list[Any]] = [[Paragraph(escape(c.header), HEADER) for c in COLUMNS]]
    data += [[c.cell(r) for c in COLUMNS] for r in rows]
    table = Table(data, colWidths=[PAGE_WIDTH * c.share for c in COLUMNS], repeatRows=1)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("ALIGN", (n, 1), (n, -1), "RIGHT") for n, c in enumerate(COLUMNS) if c.numeric]
    table.setStyle(TableStyle(style))
    return table


def _chart(rows: Sequence[Row]) -> list[Flowable]:
    groups = [f"{SERVICE_LABELS.get(r.service, r.service)} {r.priority.upper()}" for r in rows]
    return list(
        bar_charts(
            groups,
            [
                Series("Resolution met", [r.resolution_met for r in rows], MET),
                Series("Resolution breached", [r.resolution_breached for r in rows], BREACHED),
            ],
        )
    )


SATISFACTION_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Service", 0.2),
    ("Answers", 0.12),
    ("Satisfied or very satisfied", 0.2),
    ("Mean score (5 best)", 0.16),
)


def _satisfaction(rows: Sequence[SatisfactionRow]) -> list[Flowable]:
    """The requesters' answers about the month's resolutions: one line per service, the share and
    mean left blank under the report's minimum (it gives the count alone there)."""
    data: list[list[Any]] = [[Paragraph(escape(h), HEADER) for h, _ in SATISFACTION_COLUMNS]]
    for r in rows:
        data.append(
            [
                printable(SERVICE_LABELS.get(r.service, r.service)),
                str(r.answers),
                NONE if r.share_satisfied is None else f"{r.share_satisfied}%",
                NONE if r.mean_score is None else str(r.mean_score),
            ]
        )
    table = Table(data, colWidths=[PAGE_WIDTH * share for _, share in SATISFACTION_COLUMNS], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    note = (
        f"Satisfaction: the requesters' one-click answers about the month's resolutions. With fewer "
        f"than {SATISFACTION_MIN_ANSWERS} answers only the count is shown."
    )
    return [Spacer(1, 3 * mm), Paragraph(escape(note), SMALL), Spacer(1, 1 * mm), table]


def as_at(report: ServiceLevelReport, now: datetime) -> datetime:
    """The instant the figures stand at: the month's end, or ``now`` in a month not yet over."""
    return min(report.end, now).astimezone(LONDON)


def service_level_pdf(
    *, partners: str, month_label: str, sections: Sequence[Section], now: datetime, compress: bool = True
) -> bytes:
    """The board's PDF of ``sections`` (each with the figures the report gave it)."""
    title = f"Service levels, {month_label}"
    heading = Table([[Paragraph(escape(title), TITLE)]], colWidths=[PAGE_WIDTH])
    heading.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, ACCENT), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    stands = as_at(sections[0].report, now) if sections else now.astimezone(LONDON)
    story: list[Flowable] = [
        heading,
        Spacer(1, 4 * mm),
        Paragraph(escape(f"Service desk: {partners}"), BASE),
        Paragraph(escape(f"As at {people_datetime(stands)} (UK time)"), BASE),
        Spacer(1, 2 * mm),
        Paragraph(
            escape(
                "Figures as at the end of the month, from the tickets' histories: running this again "
                "later gives the same figures. Times are business minutes under the agreement each "
                "ticket was raised under, shown as hours and minutes; medians and 90th percentiles by "
                "nearest rank. Backlog ages are business days."
            ),
            SMALL,
        ),
    ]
    for section in sections:
        rows = section.report.rows
        story += [Spacer(1, 5 * mm), Paragraph(escape(section.heading), HEADING), Spacer(1, 2 * mm)]
        if not rows:
            story.append(Paragraph(escape(f"No tickets in {month_label}."), BASE))
            continue
        story += [_table(rows), Spacer(1, 3 * mm), *_chart(rows)]
        # Satisfaction is per partner and service: a section of one partner shows its lines; the
        # sum over every partner is not a partner's figure, so its lines are in the sections above.
        answered = section.report.satisfaction
        if answered and len({r.partner for r in answered}) == 1:
            story += _satisfaction(answered)
    return render_pdf(story, title=title, author="joinedup", compress=compress)
