"""Pension funds' strain factor tables: uploaded per partner and fund, all or nothing with every
bad row reported, replaced whole by a table of the same date, refused to another partner's HR,
and read back as the table in force on a leaving date."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from joinedup.audit.models import AuditEvent
from joinedup.change.models import StrainFactor, StrainFactorTable
from joinedup.change.strain import StrainImportResult, strain_factors_import, strain_factors_on
from joinedup.core.tabular import RowError
from joinedup.testing.base import PartnerTestCase

FUND = "Wessex Pension Fund"
GOOD = b"sex,age_years,age_months,factor\nF,55,0,4.12\nF,55,6,3.95\nM,55,0,4.01\nM,55,6,3.88\n"
SOURCE = "Wessex Pension Fund actuary, strain factors letter of 12 March 2026"


class TestStrainFactorUpload(PartnerTestCase):
    def _upload(
        self, data: bytes = GOOD, *, actor: object = None, on: date = date(2026, 4, 1)
    ) -> StrainImportResult:
        return strain_factors_import(
            actor=actor or self.council_hr,
            partner=self.council,
            fund=FUND,
            effective_from=on,
            source=SOURCE,
            data=data,
            filename="factors.csv",
        )

    def _tables(self) -> int:
        return StrainFactorTable.objects.for_partner(self.council).count()

    def test_it_saves_a_table_by_months_with_one_audit_event(self) -> None:
        result = strain_factors_import(
            actor=self.council_hr,
            partner=self.council,
            fund="  Wessex   Pension Fund ",
            effective_from=date(2026, 4, 1),
            source=SOURCE,
            data=GOOD,
            filename="factors.csv",
        )
        assert (result.ok, result.saved, result.replaced) == (True, 4, False)
        table = StrainFactorTable.objects.for_partner(self.council).get()
        assert (table.fund, table.by_month, table.uploaded_by) == (FUND, True, self.council_hr)
        assert StrainFactor.objects.for_partner(self.council).filter(table=table).count() == 4
        event = AuditEvent.objects.for_partner(self.council).get(action="change.strain_factors_imported")
        assert event.after["rows"] == 4

    def test_every_bad_row_is_reported_and_nothing_is_saved(self) -> None:
        bad = (
            b"sex,age_years,age_months,factor\nF,55,0,4.12\nX,55,0,4.0\nF,55,12,3.9\nM,55,0,-1\nF,55,0,4.2\n"
        )
        result = self._upload(bad)
        assert result.errors == [
            RowError(3, "sex", "Choose one of: F, female, woman, M, male, man", "X"),
            RowError(4, "age_months", "Must be 11 or less", "12"),
            RowError(5, "factor", "Must be 0 or more", "-1"),
            RowError(6, "age_years", "The same sex and age is also on row 2", "55y 0m"),
        ]
        assert self._tables() == 0
        assert not StrainFactor.objects.for_partner(self.council).exists()

    def test_a_table_of_the_same_date_replaces_the_old_one_whole(self) -> None:
        self._upload()
        result = self._upload(b"sex,age_years,factor\nF,56,3.7\n")
        assert (result.replaced, result.saved) == (True, 1)
        table = StrainFactorTable.objects.for_partner(self.council).get()
        assert table.by_month is False
        assert list(table.factors.values_list("sex", "age_years", "age_months", "factor")) == [
            ("F", 56, 0, Decimal("3.700000"))
        ]

    def test_another_partners_hr_cannot_upload_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            self._upload(actor=self.police_hr)
        assert self._tables() == 0

    def test_it_needs_a_fund_and_a_source(self) -> None:
        with pytest.raises(ValidationError) as caught:
            strain_factors_import(
                actor=self.council_hr,
                partner=self.council,
                fund=" ",
                effective_from=date(2026, 4, 1),
                source="",
                data=GOOD,
            )
        assert caught.value.message_dict == {
            "fund": ["Name the fund, in 100 characters or fewer."],
            "source": [
                "Say where the factors come from (the actuary's document), in 300 characters or fewer."
            ],
        }

    def test_the_table_in_force_on_the_leaving_date_is_read_back(self) -> None:
        self._upload(on=date(2025, 4, 1))
        self._upload(b"sex,age_years,factor\nF,55,4.5\n", on=date(2026, 4, 1))
        assert strain_factors_on(partner=self.council, fund=FUND, on=date(2025, 3, 31)) is None
        older = strain_factors_on(partner=self.council, fund=FUND, on=date(2026, 3, 31))
        newer = strain_factors_on(partner=self.council, fund=FUND, on=date(2026, 9, 30))
        assert older is not None and newer is not None
        assert (older.by_month, older.factor("F", 55, 6)) == (True, Decimal("3.950000"))
        assert (newer.by_month, newer.factor("F", 55, 6)) == (False, Decimal("4.500000"))
        # Another partner sees none of the council's tables.
        assert strain_factors_on(partner=self.police, fund=FUND, on=date(2026, 9, 30)) is None

    def test_the_command_imports_a_file_or_reports_every_problem(self) -> None:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            good, bad, report = folder / "good.csv", folder / "bad.csv", folder / "problems.csv"
            good.write_bytes(GOOD)
            bad.write_bytes(b"sex,age_years,factor\nQ,55,1\n")
            common = ["--partner", "WCC", "--fund", FUND, "--from", "2026-04-01", "--source", SOURCE]
            out = StringIO()
            call_command(
                "change", "strain-factors", "import", str(good), *common, "--as", "council.hr", stdout=out
            )
            assert out.getvalue().strip() == f"Saved 4 factor(s) for {FUND} from 2026-04-01."
            with pytest.raises(CommandError, match=r"^1 problem\(s\) in bad.csv; nothing was saved"):
                call_command("change", "strain-factors", "import", str(bad), *common, "--report", str(report))
            assert "Choose one of" in report.read_text(encoding="utf-8-sig")
        assert StrainFactor.objects.for_partner(self.council).count() == 4
