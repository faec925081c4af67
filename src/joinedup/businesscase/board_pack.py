"""The board pack of a case's benefits realisation: its tables (the same rows on the page, in the
CSV/XLSX downloads and in the PDF) and the PDF report for the partnership board, laid out in
joinedup's house style (core/pdf.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.businesscase.models import BusinessCase, Function
from joinedup.businesscase.realisation import Realisation
from joinedup.core.dates import people_date, people_month
from joinedup.core.money import gbp, pounds_to_pence
from joinedup.core.pdf import (
    BAND,
    BASE,
    HEADING,
    PAGE_WIDTH,
    RULE,
    SMALL,
    TITLE,
    escape,
    printable,
    render_pdf,
)

TOTAL = "Partnership total"


@dataclass(frozen=True)
class BoardTable:
    name: str  # in the download's file name and route
    title: str
    header: list[str]
    rows: Callable[[Realisation], list[list[Any]]]
    money_from: int  # the first column of money (right-aligned in the PDF)


def _functions(r: Realisation) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in r.rows:
        out.append(
            [
                row.partner.name,
                row.label,
                row.months,
                row.baseline,
                row.plan,
                row.own_cost,
                row.recharges,
                row.actual,
                row.saving,
                row.planned_saving,
                row.baseline_fte,
                row.fte,
                row.drawn_baseline,
            ]
        )
    for row in r.function_totals:
        out.append(
            [
                TOTAL,
                row.label,
                row.months,
                row.baseline,
                row.plan,
                row.own_cost,
                row.recharges,
                row.actual,
                row.saving,
                row.planned_saving,
                row.baseline_fte,
                row.fte,
                row.drawn_baseline,
            ]
        )
    return out


def _months(r: Realisation) -> list[list[Any]]:
    return [
        [
            people_month(m.month),
            m.partners,
            m.baseline,
            m.actual,
            m.saving,
            m.planned_saving,
            m.cumulative_saving,
            m.cumulative_plan,
        ]
        for m in r.by_month
    ]


def _partners(r: Realisation) -> list[list[Any]]:
    rows = [(p.partner.name, p) for p in r.positions]
    if r.total is not None:
        rows.append((TOTAL, r.total))
    return [
        [
            name,
            p.months,
            p.baseline,
            p.own_cost,
            p.recharges,
            p.actual,
            p.saving,
            p.planned_saving,
            p.one_off_estimate,
            p.one_off_actual,
        ]
        for name, p in rows
    ]


def _one_offs(r: Realisation) -> list[list[Any]]:
    return [[people_month(o.month), o.actual, o.cumulative] for o in r.one_offs]


TABLES: dict[str, BoardTable] = {
    t.name: t
    for t in (
        BoardTable(
            "functions",
            "Baseline, plan and actual by function",
            [
                "Partner",
                "Function",
                "Months reported",
                "Baseline",
                "Plan",
                "Own cost",
                "Recharges",
                "Actual",
                "Saving",
                "Planned saving",
                "Baseline FTE",
                "FTE now",
                "Ledger baseline (12 months before go-live)",
            ],
            _functions,
            3,
        ),
        BoardTable(
            "months",
            "Savings by month, cumulative against plan",
            [
                "Month",
                "Partners reporting",
                "Baseline",
                "Actual",
                "Saving",
                "Planned saving",
                "Cumulative saving",
                "Cumulative plan",
            ],
            _months,
            2,
        ),
        BoardTable(
            "partners",
            "Each partner's position: what it spent before and what it pays now",
            [
                "Partner",
                "Months reported",
                "Spent before (baseline)",
                "Own cost now",
                "Recharges now",
                "Now in all",
                "Saving",
                "Planned saving",
                "One-off estimate",
                "One-off costs paid",
            ],
            _partners,
            2,
        ),
        BoardTable(
            "one-offs",
            "One-off costs paid: termination awards in approved pay runs",
            ["Month", "Paid", "Cumulative"],
            _one_offs,
            1,
        ),
    )
}


def _cell(value: Any, money: bool) -> str:
    if value is None:
        return "-"
    if money and isinstance(value, Decimal):
        return gbp(pounds_to_pence(value))
    return printable(str(value))


def formatted(table: BoardTable, rows: list[list[Any]]) -> list[list[str]]:
    """The rows as people read them: money as £1,234.56, FTE and counts as numbers, "-" for none."""
    return [[_cell(v, "FTE" not in table.header[i]) for i, v in enumerate(row)] for row in rows]


def _table(table: BoardTable, rows: list[list[Any]]) -> Table:
    data: list[list[Any]] = [[Paragraph(escape(h), SMALL) for h in table.header], *formatted(table, rows)]
    widths = [PAGE_WIDTH / len(table.header)] * len(table.header)
    out = Table(data, colWidths=widths, repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
                ("FONTSIZE", (0, 1), (-1, -1), 7),
                ("ALIGN", (table.money_from, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return out


def board_pack_pdf(case: BusinessCase, r: Realisation, *, compress: bool = True) -> bytes:
    """The partnership board's report of the case's realisation, as the reader may see it."""
    labels = dict(Function.choices)
    story: list[Flowable] = [
        Paragraph(escape(f"{case.name}: benefits realisation"), TITLE),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"Against version {r.version.number}, approved by the partnership; live from "
                f"{people_date(r.live_from)}. Plan: {r.option.name if r.option else 'no option'}."
            ),
            BASE,
        ),
        Spacer(1, 2 * mm),
    ]
    if r.total is not None:
        t = r.total

        def money(value: Decimal) -> str:
            return gbp(pounds_to_pence(value))

        story.append(
            Paragraph(
                escape(
                    f"The partnership spent {money(t.actual)} on the shared functions in the months "
                    f"reported, against a baseline of {money(t.baseline)}: a saving of {money(t.saving)} "
                    f"against {money(t.planned_saving)} planned. One-off costs paid so far: "
                    f"{money(t.one_off_actual)} against an estimate of {money(r.one_off_estimate)} "
                    "(with optimism bias)."
                ),
                BASE,
            )
        )
    for table in TABLES.values():
        story += [Spacer(1, 5 * mm), Paragraph(escape(table.title), HEADING), Spacer(1, 2 * mm)]
        rows = table.rows(r)
        story.append(_table(table, rows) if rows else Paragraph("No figures yet.", BASE))
    story += [Spacer(1, 5 * mm), Paragraph("What was summed", HEADING)]
    story += [Paragraph(escape(text), SMALL) for text in r.description]
    if r.mapped:
        story.append(
            Paragraph(
                escape(
                    "Cost centres mapped: "
                    + "; ".join(f"{m.code} {m.name} ({labels.get(m.function, m.function)})" for m in r.mapped)
                ),
                SMALL,
            )
        )
    if r.hidden_partners:
        story.append(
            Paragraph(
                escape(
                    "In the totals only (their detail is not shared): " + ", ".join(r.hidden_partners) + "."
                ),
                SMALL,
            )
        )
    return render_pdf(
        story, title=f"{case.name}: benefits realisation", author=case.partner.name, compress=compress
    )
