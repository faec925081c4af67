"""The subject-access benchmark runs end to end on a few hundred employees, seeds once for each N,
and times an export holding exactly the subject's seeded records at the council and none of the
fire service's. Speed itself is measured by running it (`joinedup bench sar --employees 100000`),
never asserted."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import TestCase

from joinedup.bench import BENCH
from joinedup.bench.sar import find_subject, run_sar_benchmark
from joinedup.partnership.models import Partner
from joinedup.payroll.models import Payslip
from joinedup.people.models import Absence, Employment
from joinedup.privacy import sar
from joinedup.servicedesk.models import Ticket


def ids(export: dict[str, Any], section: str) -> set[int]:
    return {row["id"] for row in export[section]}


def held(model: Any, partner: Partner, **lookup: Any) -> set[int]:
    return set(model.objects.for_partner(partner).filter(**lookup).values_list("pk", flat=True))


class TestSarBenchmark(TestCase):
    def test_the_export_holds_exactly_the_subjects_council_records_and_a_second_run_reuses_the_seed(
        self,
    ) -> None:
        first = run_sar_benchmark(300, runs=2)
        assert (first.partner, first.seeded_now, len(first.export_ms)) == ("SAR300", True, 2)
        found = find_subject(300)
        assert found is not None
        council, subject = found
        fire = Partner.objects.get(code="SAR300F")
        export = sar.export_person(actor=BENCH, partner=council, person_id=subject.pk)
        mine = {"employment__person": subject}
        assert ids(export, "payslips") == held(Payslip, council, **mine)
        assert ids(export, "absences") == held(Absence, council, **mine)
        assert ids(export, "tickets") == held(Ticket, council, requester=subject.user)
        assert (len(export["payslips"]), len(export["absences"]), len(export["tickets"])) == (36, 9, 3)
        assert (len(export["ticket_events"]), len(export["oh_cases"]), len(export["oh_notes"])) == (9, 1, 1)
        # The fire service's payslips, leave and ticket of the subject are its own export's.
        theirs = (held(Payslip, fire, **mine), held(Absence, fire, **mine), held(Ticket, fire))
        assert tuple(len(rows) for rows in theirs) == (12, 1, 1)
        assert not theirs[0] & ids(export, "payslips")
        assert not theirs[1] & ids(export, "absences")
        assert not theirs[2] & ids(export, "tickets")
        # Others' rows fill the table: a payslip in each of the 36 runs for everyone else who
        # started by April 2023 (up to 2,000 of them).
        early = Employment.objects.for_partner(council).filter(start_date__lte=date(2023, 4, 1)).count()
        assert Payslip.objects.for_partner(council).exclude(**mine).count() == 36 * (early - 1)
        again = run_sar_benchmark(300, runs=1)
        assert (again.seeded_now, again.person, again.counts["payslips"]) == (False, first.person, 36)
        assert again.queries == first.queries

    def test_the_command_prints_one_json_object(self) -> None:
        out = StringIO()
        call_command("bench", "sar", "--employees", "200", "--json", stdout=out)
        figures = json.loads(out.getvalue())
        assert (figures["employees"], figures["seeded_now"], figures["target_ms_at_1000000"]) == (
            200,
            True,
            1000,
        )
        assert (figures["counts"]["payslips"], len(figures["export_runs_ms"])) == (36, 5)
