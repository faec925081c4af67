"""``joinedup change redundancy-quote`` and ``joinedup change schemes``: the calculator for people
and for checking (ERA 1996 s.162). It reads no database."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ISSUE = [
    "redundancy-quote",
    "--date-of-birth",
    "1969-05-01",
    "--start",
    "2004-09-01",
    "--leaving",
    "2026-09-30",
    "--weekly-pay",
    "812.50",
]


def _call(*args: str) -> str:
    out = StringIO()
    call_command("change", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        _call(*args)
    return caught.value


class TestRedundancyQuoteCommand:
    def test_the_issues_example_prints_the_working(self) -> None:
        # 16 years at 1.5 + 4 at 1 = 28 weeks x £751 (the cap from 6 April 2026) = £21,028.00.
        out = _call(*ISSUE)
        assert "  Years counted back from the leaving date: 20 (s.162(3): the last 20)." in out
        assert "  22 to 40           4             1       4" in out
        assert "  41 and over       16           1.5      24" in out
        assert (
            "  Week's pay £812.50, capped at £751.00, the limit in force on 30 September 2026 (s.227)."
        ) in out
        assert "  Statutory redundancy pay: 28 weeks x £751.00 = £21,028.00" in out

    def test_json_gives_weeks_pay_and_years_as_the_issue_asks(self) -> None:
        data = json.loads(_call(*ISSUE, "--json"))
        assert (data["statutory_weeks"], data["statutory_pay"]) == ("28", "21028.00")
        assert data["years_counted"] == 20
        assert data["years_by_band"][2] == {
            "band": "41 and over",
            "from_age": 41,
            "years": 16,
            "weeks_per_year": "1.5",
            "weeks": "24",
        }
        assert (data["cap_applied"], data["weekly_pay_cap"]) == (True, "751.00")
        assert data["scheme"] is None

    def test_a_scheme_by_name_adds_its_figure(self) -> None:
        # 28 weeks x 1.5 = 42 x £812.50 actual = £34,125.00; £30,000 of it free of tax.
        out = _call(*ISSUE, "--scheme", "Wessex County Council 2026 scheme")
        assert "  28 weeks x 1.5 = 42 weeks, at the actual week's pay £812.50 = £34,125.00" in out
        assert "  Lump-sum cap £60,000.00: not reached." in out
        assert (
            "Redundancy payment £34,125.00: £30,000.00 free of tax (ITEPA 2003 s.403), £4,125.00 taxable; "
            "no National Insurance."
        ) in out
        data = json.loads(_call(*ISSUE, "--scheme", "wcc-2026", "--json"))
        assert (data["scheme"]["pay"], data["redundancy_payment"], data["taxable"]) == (
            "34125.00",
            "34125.00",
            "4125.00",
        )

    def test_notice_holiday_and_strain_from_a_factor_file(self, tmp_path: Path) -> None:
        # Notice 12 weeks x £812.50 = £9,750.00; holiday 7.5 x £162.50 = £1,218.75; strain for a
        # woman of 57 (57y 4m, a table by whole years): 3.456 x £9,876.54 = £34,133.32.
        factors = tmp_path / "wessex.csv"
        factors.write_text("sex,age_years,factor\nF,57,3.456\nM,57,3.201\n", encoding="utf-8")
        data = json.loads(
            _call(
                *ISSUE,
                "--contractual-notice-weeks",
                "12",
                "--holiday-days",
                "7.5",
                "--strain-factors",
                str(factors),
                "--sex",
                "F",
                "--annual-pension",
                "9876.54",
                "--json",
            )
        )
        assert (data["notice"]["pay"], data["holiday"]["pay"]) == ("9750.00", "1218.75")
        assert (data["strain"]["factor"], data["strain"]["cost"]) == ("3.456", "34133.32")
        assert data["employer_cost"] == "66130.07"  # 21,028.00 + 9,750.00 + 1,218.75 + 34,133.32

    def test_under_two_years_prints_why_nothing_is_due(self) -> None:
        out = _call(
            "redundancy-quote",
            "--date-of-birth",
            "1990-01-01",
            "--start",
            "2024-09-01",
            "--leaving",
            "2026-08-30",
            "--weekly-pay",
            "600",
        )
        assert (
            "  Fewer than 2 years' continuous service at the leaving date (1 whole years): "
            "no statutory redundancy payment (ERA 1996 s.155)."
        ) in out

    def test_a_leaving_date_before_the_start_exits_2_with_the_reason(self) -> None:
        error = _refused(*ISSUE[:5], "--leaving", "2003-09-30", "--weekly-pay", "812.50")
        assert error.returncode == 2
        assert str(error) == (
            "The leaving date (30 September 2003) is before the start of continuous service "
            "(1 September 2004)"
        )

    def test_an_unknown_scheme_exits_2_naming_the_known_ones(self) -> None:
        error = _refused(*ISSUE, "--scheme", "Nope")
        assert error.returncode == 2
        assert str(error).startswith("No enhanced scheme is called 'Nope'. Known schemes: wcc-2026 (")

    def test_a_bad_date_or_amount_exits_2(self) -> None:
        bad_date = _refused(*ISSUE[:3], "--start", "2004-02-30", *ISSUE[5:])
        assert (bad_date.returncode, str(bad_date)) == (
            2,
            "--start: '2004-02-30' is not a date; write it as YYYY-MM-DD",
        )
        bad_pay = _refused(*ISSUE[:7], "--weekly-pay", "812.505")
        assert bad_pay.returncode == 2
        assert str(bad_pay) == "--weekly-pay: '812.505' has more than 2 decimal places"

    def test_schemes_lists_the_enhanced_schemes(self) -> None:
        assert _call("schemes").splitlines()[0] == (
            "wcc-2026: Wessex County Council 2026 scheme — actual week's pay, x1.5, cap £60,000.00"
        )
