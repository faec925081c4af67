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
