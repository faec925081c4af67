"""The platform's BACS Standard 18 writer pays from any originator, not only an employer. Payroll's
own tests (payroll/outputs/tests/test_bacs.py) hold the format byte for byte."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.core.bacs import Bacs18Error, BacsCredit, Originator, bacs18, parse_bacs18
from joinedup.payroll.outputs import bacs as payroll_bacs
from joinedup.payroll.outputs import records as payroll_records

PAYABLES = Originator(
    name="Northshire CC Payables",
    bank_sort_code="20-00-00",
    bank_account_number="87654321",
    bank_account_name="Northshire CC Creditors",
    bacs_user_number="654321",
)


def test_it_writes_a_supplier_payment_file_that_reads_back() -> None:
    text = bacs18(
        employer=PAYABLES,
        processing_date=date(2026, 5, 5),
        payments=[BacsCredit("401162", "11112222", "Acme Stationery Ltd", 12_345, "REMIT PR000001")],
        file_serial="PR1",
        contra_reference="SUPPLIERS PR1",
    )
    parsed = parse_bacs18(text)
    assert parsed.credit_total == 12_345
    assert parsed.credits[0].dest_name == "ACME STATIONERY LT"
    assert parsed.credits[0].reference == "REMIT PR000001"
    assert parsed.contras[0].originator_name == "SUPPLIERS PR1"
    assert parsed.contras[0].dest_sort_code == "200000"


def test_it_names_the_payer_by_its_kind_in_a_refusal() -> None:
    with pytest.raises(Bacs18Error, match=r"^payer 'Northshire CC Payables': account number must be 8"):
        bacs18(
            employer=Originator(
                name="Northshire CC Payables",
                bank_sort_code="200000",
                bank_account_number="123",
                bank_account_name="x",
                bacs_user_number="654321",
            ),
            processing_date=date(2026, 5, 5),
            payments=[BacsCredit("401162", "11112222", "Acme", 1, "REF")],
            file_serial="1",
            payer_kind="payer",
        )


def test_payroll_keeps_its_names_for_the_same_writer() -> None:
    assert payroll_bacs.bacs18 is bacs18
    assert payroll_records.BacsCredit is BacsCredit
