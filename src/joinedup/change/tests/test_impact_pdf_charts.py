"""The workforce-impact PDF's charts (issue 12: "Page with charts, CSV/XLSX, PDF"; "small-number
suppression (no cell under 5 shown, and no cell that can be computed from totals)"): the PDF
draws the people tables as bars, and a hidden count draws no bar, only [c], with a note, and does
not move the scale; posts and FTE before and after are drawn by partner, grade and scheme."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.platypus import Paragraph

from joinedup.change.impact import PEOPLE_COLUMNS, ImpactReport, PostTable
from joinedup.change.impact_outputs import impact_pdf, people_charts, post_charts
from joinedup.core.pdf import ACCENT, BAR, LABEL_SHARE, PAGE_WIDTH, VALUE_ROOM, Series, bar_charts
from joinedup.core.suppression import Table

D = Decimal
BAR_ROOM = PAGE_WIDTH - PAGE_WIDTH * LABEL_SHARE - VALUE_ROOM

# Sex: women 6 leaving, 34 staying (40 before); men 3 leaving, 7 staying (10 before); 49 in all.
# The men's 3 is hidden (under 5), and with it, so that no total gives it away, the women's
# leaving and both staying counts; the "before" counts and the totals stay shown.
SEX = Table(
    rows=("Female", "Male"),
    columns=PEOPLE_COLUMNS,
    values=((6, 34, 40), (3, 7, 10), (9, 41, 50)),
    hidden=frozenset({(0, 0), (1, 0), (0, 1), (1, 1)}),
)


def bars(drawing: Drawing) -> list[float]:
    """The widths of the bars drawn (the legend's squares are BAR x BAR + 2 and are left out)."""
    return [round(s.width, 3) for s in drawing.contents if isinstance(s, Rect) and s.height == BAR - 0.6]


def texts(drawing: Drawing) -> list[str]:
    return [s.text for s in drawing.contents if isinstance(s, String)]


class TestThePeopleCharts:
    def test_a_hidden_count_draws_no_bar_only_c_and_the_note_says_why(self) -> None:
        chart, note = people_charts(SEX, minimum=5)
        assert isinstance(chart, Drawing) and isinstance(note, Paragraph)
        # Before: women 40, men 10; leaving: both hidden. Two bars, two [c].
        assert bars(chart) == [round(BAR_ROOM, 3), round(BAR_ROOM * 10 / 40, 3)]
        assert texts(chart).count("[c]") == 2
        assert [t for t in texts(chart) if t.isdigit()] == ["40", "10"]
        assert "fewer than 5 people or a count that could be worked out from the totals" in note.text

    def test_a_hidden_count_does_not_set_the_scale(self) -> None:
        # Were the hidden 40 on the scale, the shown 10 would be a quarter of the room.
        hidden_large = Table(
            rows=("Female", "Male"),
            columns=PEOPLE_COLUMNS,
            values=((6, 34, 40), (5, 5, 10), (11, 39, 50)),
            hidden=frozenset({(0, 0), (0, 1), (0, 2), (2, 0)}),
        )
        chart = people_charts(hidden_large, minimum=5)[0]
        assert isinstance(chart, Drawing)
        assert bars(chart) == [round(BAR_ROOM, 3), round(BAR_ROOM / 2, 3)]  # the men: 10 before, 5 leaving
        assert "40" not in texts(chart)

    def test_a_table_with_nothing_hidden_has_no_note(self) -> None:
        shown = Table(
            rows=("Female",), columns=PEOPLE_COLUMNS, values=((6, 34, 40), (6, 34, 40)), hidden=frozenset()
        )
        charts = people_charts(shown, minimum=5)
        assert len(charts) == 1 and isinstance(charts[0], Drawing)
        assert bars(charts[0]) == [round(BAR_ROOM, 3), round(BAR_ROOM * 6 / 40, 3)]


class TestThePostCharts:
    def test_posts_and_fte_before_and_after_are_drawn_for_every_group(self) -> None:
        table = PostTable(
            "Posts by partner",
            [("WCC", 3, D("4"), 1, D("2.5")), ("WPOL", 1, D("1"), 0, D("0"))],
        )
        posts, _, fte = post_charts(table)
        assert isinstance(posts, Drawing) and isinstance(fte, Drawing)
        assert bars(posts) == [round(BAR_ROOM, 3), round(BAR_ROOM / 3, 3), round(BAR_ROOM / 3, 3)]
        assert [t for t in texts(posts) if t[0].isdigit()] == ["3", "1", "1", "0"]
        assert [t for t in texts(fte) if t[0].isdigit()] == ["4", "2.5", "1", "0"]
        assert {"Posts before", "Posts after"} <= set(texts(posts))

    def test_a_long_table_is_split_into_drawings_that_fit_a_page(self) -> None:
        groups = [f"SCP{n}" for n in range(45)]
        drawings = bar_charts(groups, [Series("Posts before", list(range(45)), ACCENT)])
        assert len(drawings) == 2 and all(d.height < 700 for d in drawings)
        assert bars(drawings[1])[-1] == round(BAR_ROOM, 3)  # the same scale in both


def test_the_pdf_draws_the_charts_with_the_tables() -> None:
    report = ImpactReport(
        programme="One HR service",
        partner="Wessex County Council",
        partner_code="WCC",
        on=date(2026, 4, 15),
        structure="Shared HR team",
        people=[("Sex", SEX)],
        posts=[PostTable("Posts by grade", [("SCP12", 3, D("3"), 0, D("0"))])],
    )
    content = impact_pdf(report, compress=False)
    assert content.startswith(b"%PDF")
    drawn = re.findall(rb"\(([^()]*)\) Tj", content)
    assert drawn.count(b"[c]") >= 4 + 2  # four in the table, two in the chart
    for label in (
        b"Before",
        b"Leaving or at risk",
        b"Posts before",
        b"Posts after",
        b"FTE before",
        b"FTE after",
    ):
        assert label in drawn
