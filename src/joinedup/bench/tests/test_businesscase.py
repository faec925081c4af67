"""``joinedup bench businesscase``: the figures it prints are the appraisal's own."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from joinedup.bench.businesscase import PARTNERS, generate_lines
from joinedup.businesscase.appraisal import appraise, green_book


def test_it_prints_the_timing_and_the_appraisals_own_npv_as_json() -> None:
    out = StringIO()
    call_command("bench", "businesscase", "--lines", "20", "--years", "12", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    expected = appraise(generate_lines(20, 12), years=12, schedule=green_book(), allocation=PARTNERS)
    assert printed["npv"] == str(expected.net_present_value)
    assert (printed["lines"], printed["years"], printed["runs"]) == (20, 12, 7)
    assert printed["best_ms"] <= printed["median_ms"]


def test_the_generated_case_holds_every_kind_of_line() -> None:
    lines = generate_lines(10, 5)
    assert [line.kind for line in lines[:5]] == ["cost", "cost", "cost", "saving", "saving"]
    assert lines[0].one_off
    assert all(len(line.amounts) <= 5 for line in lines)
