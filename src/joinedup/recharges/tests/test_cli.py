"""``joinedup recharges``: run, statement (table, CSV, PDF), reconcile, readings import,
transparency."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.ledger.models import Journal
from joinedup.recharges.models import DriverReading
from joinedup.recharges.tests.base import OCTOBER, RechargeTestCase


def _call(*args: str) -> str:
    out = StringIO()
    call_command("recharges", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


class TestRechargesCommand(RechargeTestCase):
    def test_run_then_statement_then_reconcile(self) -> None:
        out = _call("run", "--month", "2026-10", "--as", "shared.finance")
        assert "£1,333.34" in out
        _call("run", "--month", "2026-10", "--as", "shared.finance")
        assert Journal.objects.for_partner(self.shared).filter(source="recharge_run").count() == 3
        statement = _call("statement", "--partner", "WCC", "--month", "2026-10", "--as", "council.finance")
        assert "£672.23" in statement
        with tempfile.TemporaryDirectory() as folder:
            csv_path, pdf_path = Path(folder, "wcc.csv"), Path(folder, "wcc.pdf")
            _call("statement", "--partner", "WCC", "--month", "2026-10", "-o", str(csv_path))
            _call("statement", "--partner", "WCC", "--month", "2026-10", "-o", str(pdf_path))
            assert (
                csv_path.read_text(encoding="utf-8-sig")
                .splitlines()[1]
                .endswith(",450.00,joinedup's people and payroll records")
            )
            assert pdf_path.read_bytes().startswith(b"%PDF")
        assert "Every balance agrees." in _call("reconcile", "--month", "2026-10")

    def test_another_partners_officer_cannot_read_a_statement(self) -> None:
        with pytest.raises(CommandError, match="No such partner"):
            _call("statement", "--partner", "WCC", "--month", "2026-10", "--as", "police.finance")

    def test_readings_import_is_all_or_nothing_with_a_report(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            bad = Path(folder, "readings.csv")
            bad.write_text(
                "partner,driver,month,quantity\n"
                "WFRS,tickets,2026-10,7\nNOPE,tickets,2026-10,3\nWCC,headcount,2026-10,1\n",
                encoding="utf-8",
            )
            report = Path(folder, "problems.csv")
            with pytest.raises(CommandError, match=r"2 problem\(s\) in readings.csv; nothing was saved"):
                _call("readings", "import", str(bad), "--report", str(report), "--as", "shared.finance")
            problems = report.read_text(encoding="utf-8-sig")
            assert "NOPE" in problems and "headcount" in problems
            assert (
                not DriverReading.objects.for_partner(self.shared).filter(charged_partner=self.fire).exists()
            )
            good = Path(folder, "good.csv")
            good.write_text("partner,driver,month,quantity\nWFRS,tickets,2026-10,7\n", encoding="utf-8")
            assert "Saved 1 reading(s)" in _call("readings", "import", str(good), "--as", "shared.finance")
        reading = DriverReading.objects.for_partner(self.shared).get(charged_partner=self.fire, month=OCTOBER)
        assert reading.quantity == Decimal(7)

    def test_transparency_writes_the_csv(self) -> None:
        out = _call(
            "transparency", "--partner", "WCC", "--from", "2026-04-01", "--to", "2026-10-31", "-o", "-"
        )
        assert out.lstrip("\ufeff").splitlines() == [
            "Body name,Date,Department,Beneficiary,Purpose of expenditure,Amount,"
            "Irrecoverable VAT,Merchant category"
        ]
