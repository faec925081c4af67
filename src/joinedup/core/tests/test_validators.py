"""UK identifiers and payroll codes: each table cites the rule its rows check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core import validators
from joinedup.payroll.engine.codes import parse_tax_code

# --- National Insurance number (HMRC NIM39110) -----------------------------------------------

# NIM39110: D, F, I, Q, U and V are never the first or second letter; O is never the second;
# BG, GB, KN, NK, NT, TN and ZZ are not allocated; the suffix is A, B, C or D.
FIRST_LETTERS = "ABCEGHJKLMNOPRSTWXYZ"
SECOND_LETTERS = "ABCEGHJKLMNPRSTWXYZ"
UNALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        (" ce123456d ", "CE123456D"),
        ("OA 00 00 00 A", "OA000000A"),  # O may come first
        ("ZY999999B", "ZY999999B"),
    ],
)
def test_ni_number_normalises_spacing_and_case(entered: str, stored: str) -> None:
    assert validators.ni_number(entered) == stored


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("QQ123456C", "starts with Q"),  # NIM39110's own example is deliberately invalid
        ("DA123456A", "No National Insurance number starts with D"),  # first letter not D
        ("FA123456A", "starts with F"),
        ("IA123456A", "starts with I"),
        ("QA123456A", "starts with Q"),
        ("UA123456A", "starts with U"),
        ("VA123456A", "starts with V"),
        ("AD123456A", "has D as its second letter"),  # second letter not D
        ("AF123456A", "has F as its second letter"),
        ("AI123456A", "has I as its second letter"),
        ("AO123456A", "has O as its second letter"),  # O never second
        ("AQ123456A", "has Q as its second letter"),
        ("AU123456A", "has U as its second letter"),
        ("AV123456A", "has V as its second letter"),
        ("BG123456A", "does not allocate National Insurance numbers starting BG"),
        ("GB123456A", "starting GB"),
        ("KN123456A", "starting KN"),
        ("NK123456A", "starting NK"),
        ("NT123456A", "starting NT"),
        ("ZZ123456A", "starting ZZ"),
        ("TN010283M", "temporary references"),  # TN + date of birth + M/F
        ("TN123456A", "temporary references"),
        ("AB123456E", "always A, B, C or D"),
        ("AB12345C", "2 letters, 6 numbers"),
        ("AB1234567C", "2 letters, 6 numbers"),
        ("AB12345GC", "2 letters, 6 numbers"),
        ("AB\u0661\u0662\u0663\u0664\u0665\u0666C", "2 letters, 6 numbers"),  # Arabic-Indic digits
        ("", "2 letters, 6 numbers"),
    ],
)
def test_ni_number_applies_the_nim39110_rules(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validators.ni_number(entered)


valid_ninos = st.builds(
    lambda first, second, digits, suffix: f"{first}{second}{digits}{suffix}",
    st.sampled_from(FIRST_LETTERS),
    st.sampled_from(SECOND_LETTERS),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.sampled_from("ABCD"),
).filter(lambda nino: nino[:2] not in UNALLOCATED)


@given(valid_ninos, st.booleans(), st.sampled_from(["", " ", "  "]))
def test_every_valid_ni_number_round_trips_normalisation(nino: str, lower: bool, gap: str) -> None:
    written = gap.join([nino[:2], nino[2:4], nino[4:6], nino[6:8], nino[8]])
    entered = written.lower() if lower else written
    assert validators.ni_number(entered) == nino
    assert validators.ni_number(nino) == nino  # normal form is a fixed point


@given(st.text(max_size=12))
def test_ni_number_accepts_only_what_the_rules_allow(text: str) -> None:
    try:
        nino = validators.ni_number(text)
    except ValueError:
        return
    assert len(nino) == 9
    assert nino[0] in FIRST_LETTERS and nino[1] in SECOND_LETTERS and nino[:2] not in UNALLOCATED
    assert nino[2:8].isascii() and nino[2:8].isdigit() and nino[8] in "ABCD"


# --- bank details ------------------------------------------------------------------------------


@pytest.mark.parametrize("entered", ["12-34-56", "123456", "12 34 56", " 12-34-56 ", "12\u201334\u201356"])
def test_sort_code_takes_the_usual_spellings(entered: str) -> None:
    assert validators.sort_code(entered) == "123456"


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("12345", "may have dropped the 0"),  # a spreadsheet ate the leading zero
        ("1234567", "6 digits"),
        ("12-34-5a", "6 digits"),
        ("", "6 digits"),
    ],
)
def test_sort_code_refuses_anything_but_six_digits(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validators.sort_code(entered)


@given(st.from_regex(r"[0-9]{6}", fullmatch=True), st.sampled_from(["", "-", " ", " - "]))
def test_formatted_sort_codes_normalise_identically(digits: str, sep: str) -> None:
    formatted = sep.join([digits[:2], digits[2:4], digits[4:]])
    assert validators.sort_code(formatted) == validators.sort_code(digits) == digits


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        ("1234567", "01234567"),  # 7-digit legacy account: zeros in front (BACS convention)
        ("123456", "00123456"),  # 6-digit legacy account
    ],
)
def test_account_number_is_eight_digits_padding_legacy_ones(entered: str, stored: str) -> None:
    assert validators.account_number(entered) == stored


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("12345", "8 digits"),
        ("123456789", "ask the bank"),  # 9/10 digits: conversion is bank-specific
        ("1234567890", "ask the bank"),
        ("1234567a", "8 digits"),
    ],
)
def test_account_number_refuses_other_lengths(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validators.account_number(entered)


# --- postcode (BS 7666 shapes and letter rules) --------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("SW1A 1AA", "SW1A 1AA"),  # AA9A 9AA
        ("sw1a1aa", "SW1A 1AA"),
        ("  ec1a   1bb ", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),  # A9A 9AA
        ("M1 1AE", "M1 1AE"),  # A9 9AA
        ("B33 8TH", "B33 8TH"),  # A99 9AA
        ("CR2 6XH", "CR2 6XH"),  # AA9 9AA
        ("DN55 1PT", "DN55 1PT"),  # AA99 9AA
        ("GIR 0AA", "GIR 0AA"),  # the Girobank exception
    ],
)
def test_postcode_is_normalised_with_one_space(entered: str, stored: str) -> None:
    assert validators.postcode(entered) == stored


@pytest.mark.parametrize(
    "entered",
    [
        "Q1 1AA",  # Q, V, X never first
        "V1 1AA",
        "X1 1AA",
        "AI1 1AA",  # I, J, Z never second
        "AZ1 1AA",
        "W1I 1AA",  # A9A: the letter is one of ABCDEFGHJKPSTUW
        "EC1C 1AA",  # AA9A: the letter is one of ABEHMNPRVWXY
        "SW1A 1AC",  # inward letters never C, I, K, M, O, V
        "SW1A 1IA",
        "SW1A",
        "SW1A 1A",
        "12345",
        "",
    ],
)
def test_postcode_refuses_impossible_ones(entered: str) -> None:
    with pytest.raises(ValueError, match="full UK postcode"):
        validators.postcode(entered)


# --- PAYE tax code ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "code", "week1_month1"),
    [
        ("1257L", "1257L", False),  # number + suffix L/M/N/T
        ("1257l", "1257L", False),
        ("S1257L", "S1257L", False),  # Scotland
        ("C1257L", "C1257L", False),  # Wales
        ("1383M", "1383M", False),  # marriage allowance
        ("1131N", "1131N", False),
        ("0T", "0T", False),
        ("K585", "K585", False),  # K codes
        ("SK585", "SK585", False),
        ("BR", "BR", False),  # flat rates
        ("SBR", "SBR", False),
        ("CBR", "CBR", False),
        ("D0", "D0", False),
        ("D1", "D1", False),
        ("CD1", "CD1", False),
        ("SD0", "SD0", False),
        ("SD3", "SD3", False),
        ("NT", "NT", False),
        ("1257L W1", "1257L", True),  # emergency basis markers
        ("1257LM1", "1257L", True),
        ("0T X", "0T", True),
        ("k585 w1", "K585", True),
    ],
)
def test_tax_code_shapes(entered: str, code: str, week1_month1: bool) -> None:
    assert validators.tax_code(entered) == (code, week1_month1)


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("D2", "not a tax code for the rest of the UK"),  # D2 exists only in Scotland
        ("CD2", "not a tax code for Wales"),
        ("SD4", "not a tax code for Scotland"),
        ("K0", "number of 1 or more"),
        ("SNT", "NT takes no S or C"),
        ("01257L", "never starts with 0"),
        ("1257", "Enter a tax code"),
        ("1257X", "Enter a tax code"),
        ("123456L", "Enter a tax code"),
        ("1257L W2", "Enter a tax code"),
        ("W1", "Enter a tax code"),
        ("", "Enter a tax code"),
    ],
)
def test_tax_code_refusals(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validators.tax_code(entered)


tax_codes = st.from_regex(r"[SC]?([0-9]{1,5}[LMNT]|K[0-9]{1,5}|BR|D[0-9]|NT)( ?(W1|M1|X))?", fullmatch=True)


@given(tax_codes)
def test_every_accepted_tax_code_is_one_the_payroll_engine_reads(text: str) -> None:
    try:
        code, week1_month1 = validators.tax_code(text)
    except ValueError:
        return
    parsed = parse_tax_code(code)
    assert not parsed.week1_month1  # the marker came off into the flag
    assert week1_month1 == parse_tax_code(text).week1_month1


# --- NI category and student loans ---------------------------------------------------------------


@pytest.mark.parametrize("letter", list("ABCDEFHIJKLMNSVXZ"))
def test_ni_category_accepts_hmrcs_letters(letter: str) -> None:
    assert validators.ni_category(letter.lower()) == letter


@pytest.mark.parametrize("entered", ["G", "O", "AA", "", "1"])
def test_ni_category_refuses_others(entered: str) -> None:
    with pytest.raises(ValueError, match="category letter"):
        validators.ni_category(entered)


@pytest.mark.parametrize(
    ("entered", "plans"),
    [
        ("1;2;PG", ("1", "2", "PG")),
        ("pg;2", ("2", "PG")),  # a fixed order, whatever the order written
        ("Plan 2, Plan 5", ("2", "5")),
        ("4", ("4",)),
        ("PGL", ("PG",)),
        ("", ()),
    ],
)
def test_student_loan_plans(entered: str, plans: tuple[str, ...]) -> None:
    assert validators.student_loan_plans(entered) == plans


@pytest.mark.parametrize(
    ("entered", "reason"),
    [("3", "3 is not a student loan plan"), ("2;2", "Plan 2 is listed twice"), ("PG;pg", "postgraduate")],
)
def test_student_loan_plan_refusals(entered: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validators.student_loan_plans(entered)
