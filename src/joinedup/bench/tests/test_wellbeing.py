"""The occupational-health benchmark runs end to end on a few hundred cases, seeds once for each
N, and what it times is what was seeded: the clinician's list holds every case of the three
partners, their own cases are theirs, and the case page's notes decrypt under the OH key and
leave one access event each run. Speed itself is measured by running it (`joinedup bench
wellbeing --cases 100000`), never asserted."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from joinedup.bench.wellbeing import PAGE, run_wellbeing_benchmark
from joinedup.core import rls
from joinedup.wellbeing.models import Case, CaseAccessEvent


class TestWellbeingBenchmark(TestCase):
    def test_it_times_what_it_seeded_and_each_page_read_is_logged(self) -> None:
        result = run_wellbeing_benchmark(400, runs=3)
        assert (result.cases, result.seeded, len(result.list_seconds), len(result.page_seconds)) == (
            400,
            True,
            3,
            3,
        )
        assert result.rows["cases"] == result.checks["cases listed"] == 400
        assert result.checks["first page rows"] == PAGE
        with rls.system_context("test: the benchmark's cases"):
            every = Case.objects.unscoped(reason="test").filter(partner__code__startswith="OHB400")
            assert every.count() == 400
            clinician = every.filter(clinician__username="bench.oh.400.c0")
            assert result.checks["the clinician's own"] == clinician.count() > 0
            events = CaseAccessEvent.objects.unscoped(reason="test").filter(case__in=every)
            # One seeded for each assessed case, and one more for each timed read of the page.
            assert events.count() == result.rows["access events"] + 3
        assert (result.checks["notes read on the page"], result.checks["appointments on the page"]) == (2, 1)

    def test_a_second_run_reuses_the_seed_and_prints_the_figures_as_json(self) -> None:
        out = StringIO()
        call_command("bench", "wellbeing", "--cases", "300", "--json", stdout=out)
        first = json.loads(out.getvalue())
        assert (first["seeded"], first["runs"], first["cases"]) == (True, 7, 300)
        assert set(first) >= {"case_list_ms", "case_page_ms", "database", "load_average"}
        assert first["case_list_ms"]["best"] <= first["case_list_ms"]["median"]
        second = run_wellbeing_benchmark(300, runs=1)
        assert second.seeded is False
        assert second.checks["cases listed"] == first["checks"]["cases listed"] == 300
