"""The load test's figures (percentiles, the per-page table, the JSON object) and its options
(the durations it takes, the runs it refuses before seeding anything). No server, no database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.bench.load.driver import parse_seconds
from joinedup.bench.load.report import ALL_PAGES, percentiles, summarise

SAMPLES = {
    "seconds": 10.0,
    "pages": {
        "HR: people search": {"ms": [float(ms) for ms in range(1, 101)], "errors": 0},
        "employee: payslip": {"ms": [4.0, 6.0], "errors": 1},
    },
    "error_messages": {"employee: payslip: HTTP 500": 1, "set-up: switch partner: HTTP 404": 2},
    "warmup_errors": 2,
}


def test_percentiles_are_inclusive_quantiles_and_the_maximum() -> None:
    # statistics.quantiles(method="inclusive") of 1..100: the p-th cut is 1 + 0.99 p.
    assert percentiles([float(ms) for ms in range(1, 101)]) == pytest.approx((50.5, 95.05, 99.01, 100.0))


def test_one_timing_is_every_percentile_and_none_is_nothing() -> None:
    assert percentiles([7.5]) == (7.5, 7.5, 7.5, 7.5)
    assert percentiles([]) is None


def test_it_counts_requests_errors_and_rates_per_page_and_in_all() -> None:
    report = summarise(SAMPLES, setting={"title": "a test", "users": "2 users"})
    assert [page.name for page in report.pages] == ["HR: people search", "employee: payslip"]
    search, payslip = report.pages
    assert (search.requests, search.errors, search.per_second) == (100, 0, 10.0)
    assert (payslip.requests, payslip.errors, payslip.per_second) == (2, 1, 0.2)
    assert (payslip.p50, payslip.slowest) == (5.0, 6.0)
    assert report.total.name == ALL_PAGES
    # The warm-up's errors are errors too, though its timings are left out.
    assert (report.total.requests, report.total.errors, report.errors) == (102, 1, 3)
    assert report.total.per_second == pytest.approx(10.2)


def test_the_table_has_a_row_per_page_then_all_pages_in_bold() -> None:
    text = summarise(SAMPLES, setting={"title": "a test", "users": "2 users"}).report()
    lines = text.splitlines()
    assert lines[:4] == [
        "Load test: a test",
        "  users: 2 users",
        "  measured over 10.0 s",
        "",
    ]
    assert lines[4] == "| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |"
    assert lines[6] == "| HR: people search | 100 | 0 | 10.0 | 50.5 | 95.0 | 99.0 | 100.0 |"
    assert lines[7] == "| employee: payslip | 2 | 1 | 0.2 | 5.0 | 5.9 | 6.0 | 6.0 |"
    assert lines[8] == "| **all pages** | 102 | 1 | 10.2 | 49.5 | **95.0** | 99.0 | 100.0 |"
    assert lines[-1] == "Errors: set-up: switch partner: HTTP 404 (2); employee: payslip: HTTP 500 (1)"


def test_a_page_with_no_requests_shows_dashes() -> None:
    samples = {"seconds": 5.0, "pages": {"payroll: pay run": {"ms": [], "errors": 0}}}
    line = summarise(samples).report().splitlines()[5]
    assert line == "| payroll: pay run | 0 | 0 | 0.0 | - | - | - | - |"


def test_the_json_object_holds_the_same_figures_rounded() -> None:
    data = summarise(SAMPLES, setting={"title": "a test"}).as_json()
    assert data["pages"]["employee: payslip"] == {
        "requests": 2,
        "errors": 1,
        "requests_per_second": 0.2,
        "p50_ms": 5.0,
        "p95_ms": 5.9,
        "p99_ms": 6.0,
        "max_ms": 6.0,
    }
    assert (data["total"]["requests"], data["errors"], data["warmup_errors"]) == (102, 3, 2)
    assert (data["seconds"], data["setting"]) == (10.0, {"title": "a test"})


@pytest.mark.parametrize(
    ("text", "seconds"), [("60s", 60.0), ("2m", 120.0), ("1m30s", 90.0), ("45", 45.0), ("0.5s", 0.5)]
)
def test_it_reads_durations_as_locust_writes_them(text: str, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "-3s"])
def test_it_refuses_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration: write it like 60s, 2m or 1m30s"):
        parse_seconds(text)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--duration", "0s"], "--duration must be more than 0; --warmup and --think 0 or more."),
        (["--users", "0"], "--employees, --users, --workers and --employee-accounts must be at least 1."),
        (["--duration", "a while"], "'a while' is not a duration: write it like 60s, 2m or 1m30s."),
    ],
)
def test_the_command_refuses_a_run_it_cannot_make_before_seeding_anything(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("bench", "load", "--dir", str(tmp_path), *arguments)
    assert list(tmp_path.iterdir()) == []
