"""The load test's figures from what the Locust run recorded: per page, how many requests, how
many failed, p50/p95/p99 and the slowest, and requests a second; then the run as a whole.

Pure: the samples come in as the JSON the locustfile writes, the report goes out as text or as
one JSON object. No Django, so the locustfile's side and the tests can use it alike."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ALL_PAGES = "all pages"


def percentiles(values: Sequence[float]) -> tuple[float, float, float, float] | None:
    """p50, p95, p99 and the maximum (inclusive quantiles, as the other benchmarks report
    them), or None when nothing was measured."""
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], max(values)


@dataclass(frozen=True)
class PageFigures:
    name: str
    requests: int
    errors: int
    per_second: float
    p50: float | None
    p95: float | None
    p99: float | None
    slowest: float | None

    @classmethod
    def of(cls, name: str, timings: Sequence[float], errors: int, seconds: float) -> PageFigures:
        cuts = percentiles(timings)
        p50, p95, p99, top = cuts if cuts is not None else (None, None, None, None)
        requests = len(timings)
        return cls(name, requests, errors, requests / seconds if seconds > 0 else 0.0, p50, p95, p99, top)

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": _rounded(self.p50),
            "p95_ms": _rounded(self.p95),
            "p99_ms": _rounded(self.p99),
            "max_ms": _rounded(self.slowest),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


@dataclass
class LoadReport:
    """A load run's figures. ``setting`` describes the run (population, users, workers, the
    database, the machine and its load average) in the order the report prints it."""

    pages: list[PageFigures]
    total: PageFigures
    seconds: float
    setting: dict[str, Any] = field(default_factory=dict)
    error_messages: dict[str, int] = field(default_factory=dict)
    warmup_errors: int = 0

    @property
    def errors(self) -> int:
        """Every failed request, the warm-up's and the users' set-up included."""
        return self.total.errors + self.warmup_errors

    def report(self) -> str:
        lines = [f"Load test: {self.setting.get('title', 'joinedup under load')}"]
        lines += [f"  {key}: {value}" for key, value in self.setting.items() if key != "title"]
        lines += [
            f"  measured over {self.seconds:.1f} s",
            "",
            "| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for page in [*self.pages, self.total]:
            bold = "**" if page is self.total else ""
            lines.append(
                f"| {bold}{page.name}{bold} | {page.requests:,} | {page.errors:,} | {page.per_second:,.1f} "
                f"| {_ms(page.p50)} | {bold}{_ms(page.p95)}{bold} | {_ms(page.p99)} | {_ms(page.slowest)} |"
            )
        if self.error_messages:
            worst = sorted(self.error_messages.items(), key=lambda item: (-item[1], item[0]))[:5]
            lines += ["", "Errors: " + "; ".join(f"{message} ({count:,})" for message, count in worst)]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "setting": self.setting,
            "seconds": round(self.seconds, 2),
            "pages": {page.name: page.as_json() for page in self.pages},
            "total": self.total.as_json(),
            "errors": self.errors,
            "warmup_errors": self.warmup_errors,
            "error_messages": self.error_messages,
        }


def summarise(samples: Mapping[str, Any], *, setting: dict[str, Any] | None = None) -> LoadReport:
    """The report of the samples the locustfile wrote: ``{"seconds": S, "pages": {name:
    {"ms": [...], "errors": n}}, "error_messages": {...}, "warmup_errors": n}``. A failed request counts as an
    error of its page and its time counts too (a timeout is slow, not absent). Pages in the
    order of their names, so two runs' tables line up."""
    seconds = float(samples["seconds"])
    pages = []
    everything: list[float] = []
    errors = 0
    for name in sorted(samples["pages"]):
        page = samples["pages"][name]
        timings = [float(ms) for ms in page["ms"]]
        pages.append(PageFigures.of(name, timings, int(page["errors"]), seconds))
        everything += timings
        errors += int(page["errors"])
    return LoadReport(
        pages=pages,
        total=PageFigures.of(ALL_PAGES, everything, errors, seconds),
        seconds=seconds,
        setting=dict(setting or {}),
        error_messages=dict(samples.get("error_messages", {})),
        warmup_errors=int(samples.get("warmup_errors", 0)),
    )
