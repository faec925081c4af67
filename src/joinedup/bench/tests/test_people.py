"""The people benchmarks run end to end on tiny sizes and return sensible figures. Speed itself
is measured by running them (`joinedup bench people-import|people-search`), never asserted."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from joinedup.bench import people as bench
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, Person


class TestImportBenchmark(TestCase):
    def test_it_imports_the_rows_and_reports_each_stage(self) -> None:
        result = bench.run_import_benchmark(50)
        assert (result.rows, result.fmt, result.created) == (50, "csv", {"people": 50, "employments": 50})
        partner = Partner.objects.get(code=result.partner_code)
        assert Employment.objects.for_partner(partner).count() == 50
        stages = result.stage_seconds()
        assert list(stages) == ["parse", "checks", "writes"]
        assert all(seconds >= 0 for seconds in stages.values())
        assert abs(sum(stages.values()) - result.seconds) < 0.05
        assert [s.stage for s in result.steps] == sorted(
            (s.stage for s in result.steps), key=["parse", "checks", "writes"].index
        )
        assert result.rows_per_second > 0 and result.partner_code.startswith("BENCH")
        report = result.report()
        assert "| parse |" in report and "| writes |" in report and "rows/s" in report

    def test_a_second_run_gets_its_own_partner_and_xlsx_works(self) -> None:
        first = bench.run_import_benchmark(20)
        second = bench.run_import_benchmark(20, fmt="xlsx")
        assert first.partner_code != second.partner_code
        assert second.created == {"people": 20, "employments": 20}


class TestSearchBenchmark(TestCase):
    def test_it_seeds_people_across_partners_and_times_every_kind_of_query(self) -> None:
        calls: list[tuple[str, int, int]] = []
        seed = bench.seed_search_population(
            60, partners=3, shared=0.2, chunk=15, progress=lambda *call: calls.append(call)
        )
        assert seed.people == 60 and 60 < seed.employments <= 120
        assert len(seed.partners) == 3 and seed.analyzed.startswith("ANALYZE")
        ids = [p.pk for p in seed.partners]
        assert Person.objects.for_partners(ids).count() == 60
        assert Employment.objects.for_partners(ids).count() == seed.employments
        assert calls[-1][1] == calls[-1][2] == seed.employments

        result = bench.run_search_benchmark(seed, 60, warmup=5)
        assert len(result.timings) == 60
        assert {t.kind for t in result.timings} <= set(bench.QUERY_MIX.values)
        exact = [t for t in result.timings if t.kind in ("NI number", "payroll number")]
        assert exact and all(t.hits >= 1 for t in exact)
        p50, p95, p99, top = result.percentiles()
        assert 0 < p50 <= p95 <= p99 <= top
        report = result.report()
        assert "p95 ms" in report and "| **all** |" in report and "ANALYZE" in report

        again = bench.reuse_search_population(seed.stamp)
        assert (again.people, again.employments) == (60, seed.employments)


class TestCommand(TestCase):
    def test_people_import_and_people_search_print_figures(self) -> None:
        out = StringIO()
        call_command("bench", "people-import", "--rows", "20", stdout=out)
        assert "rows/s" in out.getvalue()
        out = StringIO()
        call_command("bench", "people-search", "--people", "30", "--queries", "10", stdout=out)
        assert "p95 ms" in out.getvalue() and "ANALYZE" in out.getvalue()
