"""Figures the home page draws as charts, each also shown as a table of the same figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from joinedup.core.dates import people_month
from joinedup.core.money import gbp, plain_pounds
from joinedup.payroll.models import PayRun, Payslip
from joinedup.payroll.selectors import VISIBLE_TO_EMPLOYEES, runs_for
from joinedup.people.selectors import establishment_by_unit


@dataclass(frozen=True)
class ChartRow:
    label: str
    # Each numeric column's (figure the chart reads, figure as people read it).
    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chart:
    """A chart and the table it is drawn from (web/_chart_table.html; static/js/chart-table.js)."""

    id: str  # the section's; its table's is ``<id>-table``
    kind: str  # chart-table.js's data-chart-kind: "bar-line" or "bars"
    heading: str
    label: str  # what the canvas says to a screen reader
    caption: str
    columns: tuple[str, ...]  # the label column's heading first
    rows: list[ChartRow]
    axis: str = ""
    link_text: str = ""
    link_href: str = ""


def pay_chart(months: list[PayMonth], partner_name: str) -> Chart:
    return Chart(
        id="pay-by-month",
        kind="bar-line",
        heading="Gross pay and headcount by month",
        label="Chart of gross pay and payslips by month: the same figures as the table beside it.",
        caption=f"Approved and paid runs of {partner_name}, by month of pay date",
        columns=("Month", "Gross pay (£)", "Payslips"),
        rows=[
            ChartRow(people_month(m.month), ((m.gross, m.gross_shown), (str(m.headcount), str(m.headcount))))
            for m in months
        ],
    )


def fte_chart(units: list[UnitFte], partner_name: str, establishment_href: str) -> Chart:
    return Chart(
        id="fte-by-unit",
        kind="bars",
        axis="FTE",
        heading="FTE in post against budgeted establishment",
        label="Chart of budgeted FTE and FTE in post by unit: the same figures as the table beside it.",
        caption=f"Posts of {partner_name} in the establishment today, by unit",
        columns=("Unit", "Budgeted FTE", "FTE in post"),
        rows=[
            ChartRow(u.unit, ((u.budgeted_shown, u.budgeted_shown), (u.in_post_shown, u.in_post_shown)))
            for u in units
        ],
        link_text="the establishment",
        link_href=establishment_href,
    )


# A year and the same month of the year before: the trend and its comparison.
MONTHS = 13


@dataclass(frozen=True)
class PayMonth:
    month: date
    gross_pence: int
    # Payslips of the month's runs: the people paid, each once a run (a supplementary run's
    # people are counted again).
    headcount: int

    @property
    def gross(self) -> str:
        """For the chart to read: "2500.00"."""
        return plain_pounds(self.gross_pence)

    @property
    def gross_shown(self) -> str:
        return gbp(self.gross_pence)


def _months_back(today: date, n: int) -> date:
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def pay_by_month(user: Any, *, partner: Any, today: date) -> list[PayMonth]:
    """Gross pay and payslips of approved and paid runs, by month of pay date, for the ``MONTHS``
    months to ``today``'s, oldest first; a month with no run shows zero.

    Read from the runs, not their payslips: a run approved since totals were kept holds its gross
    pay (``approved_totals``) and its payslips (``progress_total``, the employments calculated),
    neither of which can change after approval, so the chart costs one query however many people
    are paid. A run without them (approved before totals were kept) is summed from its payslips,
    in one more query for all such runs."""
    runs_for(user, partner=partner)  # authorises payroll.view
    first = _months_back(today, MONTHS - 1)
    runs = (
        PayRun.objects.for_partner(partner.pk)
        .filter(status__in=VISIBLE_TO_EMPLOYEES, pay_date__gte=first, pay_date__lte=today)
        .values_list("pk", "pay_date", "approved_totals", "progress_total")
    )
    month_of: dict[int, date] = {}
    figures: dict[int, tuple[int, int]] = {}
    for pk, pay_date, kept, payslips in runs:
        month_of[pk] = pay_date.replace(day=1)
        if isinstance(kept, dict) and "gross_pay" in kept and payslips:
            figures[pk] = (int(kept["gross_pay"]), payslips)
    unkept = [pk for pk in month_of if pk not in figures]
    if unkept:
        summed = (
            Payslip.objects.for_partner(partner.pk)
            .filter(run_id__in=unkept)
            .values("run_id")
            .annotate(gross=Sum("gross_pay"), n=Count("pk"))
            .order_by()
        )
        figures.update({r["run_id"]: (int(r["gross"] or 0), r["n"]) for r in summed})
    found: dict[date, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for pk, (gross, payslips) in figures.items():
        before = found[month_of[pk]]
        found[month_of[pk]] = (before[0] + gross, before[1] + payslips)
    months = [_months_back(today, n) for n in range(MONTHS - 1, -1, -1)]
    return [PayMonth(m, *found.get(m, (0, 0))) for m in months]


@dataclass(frozen=True)
class UnitFte:
    """One organisation unit's establishment on a day: the FTE its posts are budgeted for and
    the FTE of the people holding them."""

    unit: str
    budgeted: Decimal
    in_post: Decimal

    @property
    def budgeted_shown(self) -> str:
        return _fte(self.budgeted)

    @property
    def in_post_shown(self) -> str:
        return _fte(self.in_post)


def _fte(value: Decimal) -> str:
    # As the establishment page writes FTE: 2.5, 1, 0.6 (no trailing zeros).
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def fte_by_unit(user: Any, *, partner: Any, today: date) -> list[UnitFte]:
    """FTE in post against budgeted establishment on ``today``, unit by unit in name order: what
    ``/establishment`` lists, added up by ``people.selectors.establishment_by_unit`` (two grouped
    queries, a row a unit, whatever the number of posts)."""
    units = establishment_by_unit(user, partner=partner, on=today)
    return [UnitFte(unit, *units[unit]) for unit in sorted(units)]
