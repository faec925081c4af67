"""The house style and renderer of every PDF joinedup draws (payslips, P45, P60, statements of
charges), with ReportLab's Platypus. Pure: no Django.

GOV.UK colours on A4 with 15 mm margins, in the standard Helvetica fonts. :func:`render_pdf` builds
in ReportLab's invariant mode, so the same content gives the same bytes (no timestamp or random
document id); ``compress=False`` leaves the page streams uncompressed, which lets tests find the
text in the bytes. Text passes through :func:`printable` (or :func:`escape`, inside a
``Paragraph``) so that a name the standard fonts cannot draw is folded, not drawn as a box.

The layouts of each document live with its domain (``payroll.outputs.pdf``,
``recharges.outputs``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate

from joinedup.core.text import fold_to_ascii

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
BAND = colors.HexColor("#f3f2f1")
ACCENT = colors.HexColor("#1d70b8")
SECOND = colors.HexColor("#f47738")  # GOV.UK orange: the second series of a chart

PAGE_WIDTH = A4[0] - 30 * mm  # 15 mm margins

BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11.5, textColor=INK)
TITLE = ParagraphStyle("title", parent=BASE, fontName="Helvetica-Bold", fontSize=18, leading=22)
HEADING = ParagraphStyle("heading", parent=BASE, fontName="Helvetica-Bold", fontSize=11, leading=14)
SMALL = ParagraphStyle("small", parent=BASE, fontSize=7.5, leading=9.5, textColor=MUTED)


def render_pdf(flowables: list[Flowable], *, title: str, author: str, compress: bool) -> bytes:
    """A4 in the house margins, invariant (the same content gives the same bytes)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=author,
        creator="joinedup",
        subject=title,
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    document.build(flowables)
    return buffer.getvalue()


def printable(text: str) -> str:
    """The text in what the PDF's standard fonts can draw (Windows-1252: £, é, ë, curly quotes and the
    like); any other letter is folded to its base letter ('Ł' to 'L', Welsh 'ŵ' to 'w'), not drawn
    as a box."""
    out: list[str] = []
    for ch in text:
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            folded = fold_to_ascii(ch)
            out.append(folded if folded and folded.isascii() else "?")
        else:
            out.append(ch)
    return "".join(out)


def escape(text: str) -> str:
    """:func:`printable` text with the characters a ``Paragraph``'s markup gives meaning to escaped."""
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Bar charts ---------------------------------------------------------------------------------

CHART_ROWS = 30  # groups in one drawing, so that a chart never outgrows a page
BAR = 7.5  # points: the height of one bar
GAP = 5.0  # between groups
LABEL_SHARE = 0.34  # of the page width, for the group labels
VALUE_ROOM = 46.0  # after the longest bar, for its figure


@dataclass(frozen=True)
class Series:
    """One measure of a bar chart: a figure per group, ``None`` where the figure is not shown
    (suppressed): no bar is drawn for it, only ``hidden_text`` where its figure would be."""

    label: str
    values: Sequence[int | Decimal | None]
    colour: colors.Color


def _box(x: float, y: float, width: float, height: float, colour: colors.Color) -> Rect:
    """A filled rectangle without an outline (set after: the type stubs mistype Rect's keywords)."""
    box = Rect(x, y, width, height)
    box.fillColor, box.strokeColor = colour, None
    return box


def bar_charts(
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    figure: Callable[[int | Decimal], str] = str,
    hidden_text: str = "[c]",
    width: float = PAGE_WIDTH,
) -> list[Drawing]:
    """Horizontal grouped bars, one bar per series in each group, with its figure after it and a
    legend above; split into drawings of :data:`CHART_ROWS` groups. Every drawing has the same
    scale, set by the largest figure SHOWN: a hidden figure neither draws a bar nor moves the
    scale, so the chart tells no more than the table beside it."""
    shown = [v for s in series for v in s.values if v is not None]
    largest = max((Decimal(v) for v in shown), default=Decimal(0)) or Decimal(1)
    label_width = width * LABEL_SHARE
    bar_room = width - label_width - VALUE_ROOM
    drawings = []
    for start in range(0, max(len(groups), 1), CHART_ROWS):
        chunk = range(start, min(start + CHART_ROWS, len(groups)))
        row_height = BAR * len(series) + GAP
        legend = 14.0
        height = legend + row_height * len(chunk) + 2
        drawing = Drawing(width, height)
        x = label_width
        for one in series:
            drawing.add(_box(x, height - 9, 8, 8, one.colour))
            drawing.add(String(x + 11, height - 8, printable(one.label), fontName="Helvetica", fontSize=7.5))
            x += 11 + 4.2 * len(one.label) + 14
        drawing.add(Line(label_width, 0, label_width, height - legend, strokeColor=RULE, strokeWidth=0.5))
        for row, index in enumerate(chunk):
            top = height - legend - row * row_height
            middle = top - row_height / 2
            label = printable(groups[index])
            drawing.add(
                String(
                    label_width - 4,
                    middle - 3,
                    label[:48],
                    fontName="Helvetica",
                    fontSize=7.5,
                    textAnchor="end",
                )
            )
            for n, one in enumerate(series):
                value = one.values[index]
                y = top - GAP / 2 - BAR * (n + 1)
                if value is None:
                    text, end = hidden_text, label_width
                else:
                    length = bar_room * float(Decimal(value) / largest)  # drawing units
                    if length > 0:
                        drawing.add(_box(label_width, y, length, BAR - 0.6, one.colour))
                    text, end = figure(value), label_width + length
                drawing.add(String(end + 2, y + 1.2, text, fontName="Helvetica", fontSize=6, fillColor=INK))
        drawings.append(drawing)
    return drawings
