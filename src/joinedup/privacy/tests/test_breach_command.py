"""``joinedup privacy breaches``: the partner's breach log with each breach's 72-hour clock."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from joinedup.privacy.tests.breachbase import NOW, BreachTestCase, at


class TestTheBreachesCommand(BreachTestCase):
    def test_it_lists_the_partners_breaches_with_their_clock_and_no_other_partners(self) -> None:
        row = self.record(people=212)
        self.record(partner=self.police, people=9)
        out = StringIO()
        with at(NOW):
            call_command("privacy", "breaches", "--partner", "wcc", stdout=out)
        assert out.getvalue().splitlines() == [
            "Breach log of WCC: 1",
            f"  {row.breach_id}: Due, 62 hours left (ICO deadline 9 December 2026 at 02:00); 212 people: "
            "Payslips for October e-mailed to the wrong distribution list.",
        ]

    def test_it_prints_json_and_leaves_closed_breaches_out_when_asked(self) -> None:
        row = self.record()
        out = StringIO()
        with at(NOW):
            call_command("privacy", "breaches", "--partner", "WCC", "--json", "--open", stdout=out)
        found = json.loads(out.getvalue())
        assert found["partner"] == "WCC"
        [breach] = found["breaches"]
        assert (breach["breach"], breach["clock"], breach["hours_left"], breach["people_affected"]) == (
            row.breach_id,
            "due",
            62,
            212,
        )
        assert breach["ico_deadline"] == "2026-12-09T02:00:00Z"

    def test_an_unknown_partner_is_refused_with_the_reason(self) -> None:
        with pytest.raises(CommandError) as refused:
            call_command("privacy", "breaches", "--partner", "NOPE")
        assert str(refused.value) == "--partner 'NOPE': no partner has that code."
        assert refused.value.returncode == 2
