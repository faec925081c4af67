"""The retention benchmark runs end to end on a few thousand payslips: it anonymises exactly the
expired payslips of the people not under a hold, deletes their lines, finds nothing the second
time and leaves every audit chain intact. Speed itself is measured by running it
(`joinedup bench retention --payslips 10000000`), never asserted."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from joinedup.bench.retention import AS_OF, LINES_PER_PAYSLIP, run_retention_benchmark, tax_years
from joinedup.partnership.models import Partner
from joinedup.payroll.models import Payslip, PayslipLine
from joinedup.privacy.models import RetentionHold


class TestRetentionBenchmark(TestCase):
    def test_it_anonymises_the_expired_payslips_of_people_not_held_and_the_second_run_nothing(self) -> None:
        result = run_retention_benchmark(2_880)
        council = Partner.objects.get(code="RET2880")
        # 2,880 payslips: 20 employees paid in each month of 12 tax years, 2014/15 to 2025/26; the
        # first six ended six years before 1 December 2026. Employees 1 and 101… are held: one here.
        assert (result.employees, result.payslips, result.tax_years) == (20, 2_880, "2014/15 to 2025/26")
        assert list(tax_years(0.5)) == list(range(2014, 2026))
        assert RetentionHold.objects.for_partner(council).count() == 1
        assert (result.expired, result.anonymised, result.held) == (1_440, 1_368, 72)
        lines = LINES_PER_PAYSLIP
        assert (result.lines_before, result.lines_after) == (2_880 * lines, (2_880 - 1_368) * lines)
        slips = Payslip.objects.for_partner(council)
        assert slips.filter(tax_code="").count() == 1_368
        assert slips.filter(tax_code="", run__tax_year__gt=2019).count() == 0
        assert PayslipLine.objects.for_partner(council).filter(payslip__tax_code="").count() == 0
        # Inside the test's transaction the ranges are worked one after another.
        assert (result.second_anonymised, result.broken, result.batches, result.workers) == (0, [], 1, 1)
        assert result.chains > 0
        assert AS_OF.isoformat() == result.as_dict()["as_of"]

    def test_the_command_prints_one_json_object_and_reuses_the_seed(self) -> None:
        run_retention_benchmark(1_440, expired_share=0.25)
        out = StringIO()
        call_command(
            "bench", "retention", "--payslips", "1440", "--expired-share", "0.25", "--json", stdout=out
        )
        figures = json.loads(out.getvalue())
        # Three of the twelve years expired, anonymised by the first run: what is still past its
        # period is the held employee's (one of ten), 36 payslips, and the second run finds none.
        assert (figures["partner"], figures["seeded_now"], figures["tax_years"]) == (
            "RET1440S25",
            False,
            "2017/18 to 2028/29",
        )
        assert (figures["expired"], figures["held"], figures["anonymised"]) == (36, 36, 0)
        assert figures["second_run_anonymised"] == 0
        assert figures["chains_broken"] == []
