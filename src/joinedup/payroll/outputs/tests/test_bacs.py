"""BACS Standard 18: fixed widths, field positions, totals, character set, and refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from joinedup.payroll.outputs.bacs import Bacs18Error, bacs18, bacs_text, julian, parse_bacs18
from joinedup.payroll.outputs.records import BacsCredit, credits_from_payments
from joinedup.payroll.outputs.tests import factories

PROCESSING_DAY = date(2026, 4, 27)  # a Monday; day 117 of 2026

CREDITS = [
    BacsCredit("401162", "87654321", "J Example", 234719, "NCC SALARY"),
    BacsCredit("20-00-00", "11223344", "Seán Ó Briain", 198050, "NCC SALARY"),
    BacsCredit("309634", "55667788", "Mary-Jane O'Neil & Co", 1, "NCC SALARY"),
]


def write(credits: list[BacsCredit] | None = None, **kwargs: Any) -> str:
    arguments: dict[str, Any] = {
        "employer": factories.employer(),
        "processing_date": PROCESSING_DAY,
        "payments": CREDITS if credits is None else credits,
        "file_serial": "42",
    }
    arguments.update(kwargs)
    return bacs18(**arguments)


def lines_of(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def test_every_line_ends_with_crlf_and_nothing_else_breaks_a_line() -> None:
    text = write()
    assert text.count("\r\n") == text.count("\n") == len(CREDITS) + 8
    assert "\r\r" not in text


def test_the_labels_are_80_characters_and_the_data_records_100() -> None:
    lines = lines_of(write())
    assert [line[:4] for line in lines[:4]] == ["VOL1", "HDR1", "HDR2", "UHL1"]
    assert [line[:4] for line in lines[-3:]] == ["EOF1", "EOF2", "UTL1"]
    assert [len(line) for line in lines[:4] + lines[-3:]] == [80] * 7
    assert [len(line) for line in lines[4:-3]] == [100] * (len(CREDITS) + 1)


def test_a_credit_record_has_each_field_at_its_position() -> None:
    record = lines_of(write())[4]
    assert record[0:6] == "401162"  # 1-6 destination sort code
    assert record[6:14] == "87654321"  # 7-14 destination account
    assert record[14] == "0"  # 15 account type
    assert record[15:17] == "99"  # 16-17 transaction code: credit
    assert record[17:23] == "200000"  # 18-23 originating sort code
    assert record[23:31] == "12345678"  # 24-31 originating account
    assert record[31:35] == "    "  # 32-35 free
    assert record[35:46] == "00000234719"  # 36-46 amount in pence, 11 digits
    assert record[46:64] == "NORTHSHIRE COUNTY "  # 47-64 originator's name, cut to 18
    assert record[64:82] == "NCC SALARY".ljust(18)  # 65-82 reference
    assert record[82:100] == "J EXAMPLE".ljust(18)  # 83-100 destination name


def test_the_contra_debits_the_employers_account_for_the_total() -> None:
    contra = lines_of(write())[-4]
    assert contra[0:6] == "200000"
    assert contra[6:14] == "12345678"
    assert contra[15:17] == "17"
    assert contra[17:31] == "20000012345678"
    assert int(contra[35:46]) == 234719 + 198050 + 1
    assert contra[46:64] == "PAYROLL 000042".ljust(18)
    assert contra[64:82] == "CONTRA".ljust(18)
    assert contra[82:100] == "NORTHSHIRE CC PAYR"


def test_the_contra_narrative_can_be_given() -> None:
    contra = lines_of(write(contra_reference="April pay 2026"))[-4]
    assert contra[46:64] == "APRIL PAY 2026".ljust(18)


def test_the_trailer_totals_the_credits_and_counts_the_records() -> None:
    utl1 = lines_of(write())[-1]
    total = 234719 + 198050 + 1
    assert utl1[4:17] == f"{total:013d}"  # debit total: the contra
    assert utl1[17:30] == f"{total:013d}"  # credit total
    assert utl1[30:37] == "0000001"  # one debit: the contra
    assert utl1[37:44] == "0000003"  # three credits
    assert utl1[44:] == " " * 36


def test_the_volume_and_file_headers_carry_the_serial_and_service_user_number() -> None:
    vol1, hdr1, hdr2, uhl1 = lines_of(write())[:4]
    assert vol1[4:10] == "000042"  # serial, right-justified and zero-filled
    assert vol1[41:47] == "123456"  # owner: the SUN
    assert vol1[79] == "1"
    assert hdr1[4:21] == "A123456S  1123456"  # file identifier
    assert hdr1[21:27] == "000042"  # set identification: the serial
    assert hdr1[27:35] == "00010001"  # file section and sequence numbers
    assert hdr1[41:47] == hdr1[47:53] == " 26117"  # creation and expiry dates
    assert hdr2[4:15] == "F0200000100"  # fixed records, block 2000, record 100
    assert uhl1[4:10] == " 26117"  # processing day, Julian
    assert uhl1[10:16] == "999999"
    assert uhl1[20:22] == "00"  # currency: sterling
    assert uhl1[28:37] == "1 DAILY  "
    lines = lines_of(write())
    assert lines[-3][4:] == hdr1[4:]
    assert lines[-2][4:] == hdr2[4:]


def test_the_creation_date_can_differ_from_the_processing_day() -> None:
    hdr1 = lines_of(write(creation_date=date(2026, 4, 23)))[1]
    assert hdr1[41:47] == " 26113"


def test_julian_dates_count_the_day_of_the_year() -> None:
    assert julian(date(2026, 1, 1)) == " 26001"
    assert julian(date(2028, 12, 31)) == " 28366"  # a leap year


def test_a_name_with_characters_bacs_does_not_allow_is_cleaned() -> None:
    credits = parse_bacs18(write()).credits
    assert credits[1].dest_name == "SEAN O BRIAIN"  # accents folded: Á to A, Ó to O
    assert credits[2].dest_name == "MARY-JANE ONEIL &"  # apostrophe dropped, cut to 18


def test_bacs_text_keeps_only_the_bacs_character_set() -> None:
    assert bacs_text("Łódź Straße №5 (flat 2)", 30) == "LODZ STRASSE NO5 FLAT 2".ljust(30)
    assert bacs_text("a_b,c;d@e", 10) == "A B C D E "
    assert bacs_text("Ref. 1/2-3 & 4", 18) == "REF. 1/2-3 & 4    "
    assert bacs_text("   ", 5) == "     "


def test_the_file_reads_back_to_the_records_written() -> None:
    parsed = parse_bacs18(write())
    assert parsed.serial == "000042"
    assert parsed.service_user_number == "123456"
    assert parsed.processing_date == PROCESSING_DAY
    assert [c.amount for c in parsed.credits] == [234719, 198050, 1]
    assert [c.dest_sort_code for c in parsed.credits] == ["401162", "200000", "309634"]
    assert [c.dest_account for c in parsed.credits] == ["87654321", "11223344", "55667788"]
    assert len(parsed.contras) == 1
    assert parsed.contras[0].amount == parsed.credit_total == parsed.debit_total == 432770
    assert (parsed.debit_count, parsed.credit_count) == (1, 3)


def test_reading_back_rejects_a_trailer_that_does_not_match_the_credits() -> None:
    lines = lines_of(write())
    utl1 = lines[-1]
    lines[-1] = utl1[:17] + f"{432771:013d}" + utl1[30:]
    with pytest.raises(Bacs18Error, match="UTL1 credit total 432771 is not the credits' sum 432770"):
        parse_bacs18("\r\n".join(lines) + "\r\n")


def test_reading_back_rejects_a_contra_that_does_not_equal_the_credits() -> None:
    lines = lines_of(write())
    contra = lines[-4]
    lines[-4] = contra[:35] + f"{1:011d}" + contra[46:]
    with pytest.raises(Bacs18Error, match="the contras total 1 pence but the credits 432770"):
        parse_bacs18("\r\n".join(lines) + "\r\n")


def test_reading_back_rejects_a_short_record_and_a_missing_crlf() -> None:
    lines = lines_of(write())
    lines[4] = lines[4][:99]
    with pytest.raises(Bacs18Error, match="data record 1 has 99 characters, not 100"):
        parse_bacs18("\r\n".join(lines) + "\r\n")
    with pytest.raises(Bacs18Error, match=r"^line 1 does not end with CRLF$"):
        parse_bacs18(write().replace("\r\n", "\n"))


@pytest.mark.parametrize(
    ("credit", "message"),
    [
        (
            BacsCredit("401162", "87654321", "Zero Pay", 0, "REF"),
            "BACS credit 1 to 'Zero Pay': amount must be more than zero, got 0 pence",
        ),
        (
            BacsCredit("401162", "87654321", "Negative Pay", -500, "REF"),
            "BACS credit 1 to 'Negative Pay': amount must be more than zero, got -500 pence",
        ),
        (
            BacsCredit("401162", "87654321", "Too Much", 100_000_000_000, "REF"),
            "BACS credit 1 to 'Too Much': amount 100000000000 pence does not fit the 11-digit",
        ),
        (
            BacsCredit("40116", "87654321", "Short Sort", 100, "REF"),
            "BACS credit 1 to 'Short Sort': sort code must be 6 digits, got '40116'",
        ),
        (
            BacsCredit("40116A", "87654321", "Letter Sort", 100, "REF"),
            "BACS credit 1 to 'Letter Sort': sort code must be 6 digits, got '40116A'",
        ),
        (
            BacsCredit("401162", "1234567", "Short Account", 100, "REF"),
            "BACS credit 1 to 'Short Account': account number must be 8 digits, got '1234567'",
        ),
        (
            BacsCredit("401162", "123456789", "Long Account", 100, "REF"),
            "BACS credit 1 to 'Long Account': account number must be 8 digits, got '123456789'",
        ),
        (
            BacsCredit("401162", "87654321", "Float Pay", 12.5, "REF"),  # type: ignore[arg-type]
            "BACS credit 1 to 'Float Pay': amount must be integer pence, got 12.5",
        ),
        (
            BacsCredit("401162", "87654321", "???", 100, "REF"),
            "BACS credit 1 to '\\?\\?\\?': the account name has no characters BACS accepts",
        ),
    ],
)
def test_a_credit_bacs_would_reject_is_refused_naming_the_payee(credit: BacsCredit, message: str) -> None:
    with pytest.raises(Bacs18Error, match=message):
        write([credit])


def test_an_employer_account_that_is_not_8_digits_is_refused() -> None:
    with pytest.raises(
        Bacs18Error, match="employer 'Northshire County Council': account number must be 8 digits"
    ):
        write(employer=factories.employer(bank_account_number="1234"))


def test_a_weekend_processing_day_and_an_empty_file_are_refused() -> None:
    with pytest.raises(Bacs18Error, match="Saturday 25 April 2026 is not a BACS processing day"):
        write(processing_date=date(2026, 4, 25))
    with pytest.raises(Bacs18Error, match="at least one credit"):
        write([])


def test_a_serial_must_be_short_and_not_all_zeros() -> None:
    with pytest.raises(Bacs18Error, match="1 to 6 letters or digits"):
        write(file_serial="1234567")
    with pytest.raises(Bacs18Error, match="all zeros"):
        write(file_serial="0")


def test_credits_beyond_one_contras_field_get_a_contra_for_each_group_that_fits() -> None:
    # The contra's amount is 11 digits (£999,999,999.99): three credits of £600m need three.
    big = [BacsCredit("401162", "87654321", "Big", 60_000_000_000, "REF")] * 3
    parsed = parse_bacs18(write(big))
    assert [c.amount for c in parsed.contras] == [60_000_000_000] * 3
    assert (parsed.debit_count, parsed.credit_count) == (3, 3)
    assert parsed.debit_total == parsed.credit_total == 180_000_000_000


def test_a_contra_covers_the_credits_before_it_up_to_the_field() -> None:
    credits = [BacsCredit("401162", "87654321", "Big", amount, "REF") for amount in (99_999_999_998, 1, 5)]
    parsed = parse_bacs18(write(credits))
    assert [c.amount for c in parsed.contras] == [99_999_999_999, 5]
    text = write(credits)
    codes = [line[15:17] for line in text.split("\r\n")[4:-4]]
    assert codes == ["99", "99", "17", "99", "17"]


def test_a_total_beyond_utl1s_field_is_refused() -> None:
    big = [BacsCredit("401162", "87654321", "Big", 99_999_999_999, "REF")] * 101
    with pytest.raises(Bacs18Error, match="split the payments into more than one file"):
        write(big)


def test_credits_from_payments_pays_net_pay_and_skips_nothing_to_pay() -> None:
    paid = factories.employee()
    unpaid = factories.employee(payroll_id="NCC-0002", net_pay=0, lines=(), gross_pay=0)
    credits = credits_from_payments([paid, unpaid], reference="NCC Salary")
    assert credits == [BacsCredit("401162", "87654321", "J Example", 234719, "NCC Salary")]
    with pytest.raises(ValueError, match="employee NCC-0003 \\(Jane Example\\): net pay is negative"):
        credits_from_payments([factories.employee(payroll_id="NCC-0003", net_pay=-1)], reference="X")
