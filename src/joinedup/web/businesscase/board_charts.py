"""The board pack's charts, drawn on the server as inline SVG as web/businesscase/chart.py draws the
appraisal's: no script for the Content-Security-Policy to allow, whole pixels computed in Decimal
from the pounds, every label escaped, and the same figures in the tables beside each chart for
those who cannot see it (the SVG carries a title and a description too)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from joinedup.web.businesscase.chart import COLOURS, _pounds

WIDTH = 640
LABEL_W, RIGHT, TOP = 170, 70, 30
BAR_H, GAP = 12, 10


def _px(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _legend(names: Sequence[str], y: int, x: int = LABEL_W) -> list[str]:
    out: list[str] = []
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y}" font-size="12">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def bar_chart(
    title: str, series: Sequence[str], groups: Sequence[tuple[str, Sequence[Decimal]]]
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series in each group; negative values
    go left of the zero line. Empty when there is nothing to draw."""
    values = [v for _, vs in groups for v in vs]
    if not groups or not values:
        return mark_safe("")
    low, high = min([*values, Decimal(0)]), max([*values, Decimal(0)])
    if low == high:
        high = low + 1
    plot_w = Decimal(WIDTH - LABEL_W - RIGHT)
    group_h = len(series) * BAR_H + GAP
    height = TOP + len(groups) * group_h + 30

    def x(value: Decimal) -> int:
        return _px(LABEL_W + (value - low) / (high - low) * plot_w)

    zero = x(Decimal(0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" class="app-chart" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(title)}: the figures are in the table below.</desc>',
        *_legend(series, 16),
    ]
    for g, (label, vs) in enumerate(groups):
        top = TOP + g * group_h
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{top + len(series) * BAR_H // 2 + 4}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for s, value in enumerate(vs):
            a, b = sorted((zero, x(value)))
            y = top + s * BAR_H
            parts.append(
                f'<rect x="{a}" y="{y}" width="{max(b - a, 1)}" height="{BAR_H - 2}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(series[s])}: {escape(_pounds(value))}'
                "</title></rect>"
            )
            parts.append(
                f'<text x="{b + 4}" y="{y + BAR_H - 3}" font-size="10">{escape(_pounds(value))}</text>'
            )
    parts.append(f'<line x1="{zero}" y1="{TOP - 4}" x2="{zero}" y2="{height - 26}" stroke="#0b0c0c"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — built here with every text escaped


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal]]]
) -> SafeString:
    """One line per series over the labels (months); empty when there is nothing to draw."""
    values = [v for _, vs in series for v in vs]
    if not labels or not values:
        return mark_safe("")
    low, high = min([*values, Decimal(0)]), max([*values, Decimal(0)])
    if low == high:
        high = low + 1
    left, bottom, height = 80, 40, 300
    plot_w, plot_h = Decimal(WIDTH - left - 20), Decimal(height - TOP - bottom)
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> int:
        return _px(left + step * i)

    def y(v: Decimal) -> int:
        return _px(TOP + (high - v) / (high - low) * plot_h)

    dashes = ("", "6 3", "2 3")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" class="app-chart" aria-labelledby="lt ld">',
        f'<title id="lt">{escape(title)}</title>',
        f'<desc id="ld">{escape(title)}: the figures are in the table below.</desc>',
        *_legend([name for name, _ in series], 16, left),
        f'<line x1="{left}" y1="{y(Decimal(0))}" x2="{WIDTH - 20}" y2="{y(Decimal(0))}" stroke="#b1b4b6"/>',
    ]
    for v in (low, high):
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4}" font-size="11" text-anchor="end">'
            f"{escape(_pounds(v))}</text>"
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i)}" y="{height - bottom + 16}" font-size="10" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for s, (name, vs) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(vs))
        dash = f' stroke-dasharray="{dashes[s % len(dashes)]}"' if dashes[s % len(dashes)] else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in enumerate(vs):
            parts.append(
                f'<circle cx="{x(i)}" cy="{y(v)}" r="3" fill="{colour}"><title>{escape(name)}, '
                f"{escape(labels[i])}: {escape(_pounds(v))}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — built here with every text escaped
