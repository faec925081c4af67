"""The chart of cumulative discounted cash flow per option, drawn on the server as SVG: no script,
so nothing for the Content-Security-Policy to allow, and the same figures are in the table beside
it for those who cannot see it. Coordinates are whole pixels computed in Decimal from the pounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 20, 40
# GOV.UK Design System colours, distinguishable for the common colour-vision deficiencies.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    points: str  # "x,y x,y ..." for <polyline points>
    dash: str  # a dash pattern, so the lines differ in more than colour


@dataclass(frozen=True)
class Tick:
    at: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    zero_y: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _pixel(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pounds(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        return f"{sign}£{(value / 1_000_000).quantize(Decimal('0.1'))}m"
    if value >= 1_000:
        return f"{sign}£{(value / 1_000).quantize(Decimal('1'))}k"
    return f"{sign}£{value.quantize(Decimal('1'))}"


def cumulative_chart(series: Sequence[tuple[str, Sequence[Decimal]]]) -> Chart | None:
    """One line per option of its cumulative discounted cash flow by year; None with nothing to draw."""
    values = [v for _, flows in series for v in flows]
    years = max((len(flows) for _, flows in series), default=0)
    if not values or years < 1:
        return None
    low, high = min([*values, Decimal(0)]), max([*values, Decimal(0)])
    if low == high:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = Decimal(plot_w) / max(years - 1, 1)

    def x(year: int) -> int:
        return _pixel(LEFT + step * year)

    def y(value: Decimal) -> int:
        return _pixel(TOP + (high - value) / (high - low) * plot_h)

    dashes = ("", "6 3", "2 3", "8 3 2 3")
    lines = [
        Line(
            name=name,
            colour=COLOURS[index % len(COLOURS)],
            points=" ".join(f"{x(year)},{y(v)}" for year, v in enumerate(flows)),
            dash=dashes[index % len(dashes)],
        )
        for index, (name, flows) in enumerate(series)
    ]
    every = max(1, years // 10)
    x_ticks = [Tick(at=x(year), label=str(year)) for year in range(0, years, every)]
    y_ticks = [Tick(at=y(v), label=_pounds(v)) for v in (low, (low + high) / 2, high)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        zero_y=y(Decimal(0)),
        lines=lines,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
    )
