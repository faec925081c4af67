"""Duplicate-invoice detection (purchasing/duplicates.py): the three rules, what "near-identical"
means exactly, and a batch checked against itself as well as against what is held."""

from __future__ import annotations

import random
from collections.abc import Hashable
from datetime import date, timedelta

import pytest

from joinedup.purchasing.duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    InvoiceKey,
    find_duplicates,
    normalise_number,
    one_edit_apart,
)

DAY = date(2026, 5, 1)
HELD = InvoiceKey(
    ref=1, supplier="acme", number="INV-00123", gross_pence=120_00, invoice_date=DAY, label="INV-00123"
)


def key(ref: Hashable = 2, **changes: object) -> InvoiceKey:
    values: dict[str, object] = {
        "supplier": "acme",
        "number": "INV-99999",
        "gross_pence": 555_55,
        "invoice_date": date(2026, 6, 1),
    }
    values.update(changes)
    return InvoiceKey(ref=ref, **values)  # type: ignore[arg-type]


def check(invoice: InvoiceKey) -> list[DuplicateMatch]:
    return DuplicateIndex([HELD]).check(invoice)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("inv-0012", "INV12"),
        ("INV 12", "INV12"),
        ("INV/00/12", "INV12"),  # punctuation goes first, so "00" and "12" are one run of digits
        ("000", "0"),
        ("0012A007", "12A7"),
        ("  a.b_c  ", "ABC"),
    ],
)
def test_numbers_are_normalised_by_case_punctuation_spaces_and_leading_zeros(
    typed: str, normalised: str
) -> None:
    assert normalise_number(typed) == normalised


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("INV123", "INV124", True),  # replaced
        ("INV123", "INV1234", True),  # inserted
        ("INV123", "INV12", True),  # deleted
        ("INV123", "INV132", True),  # adjacent swap
        ("INV123", "INV123", False),  # equal is not one edit
        ("INV123", "INV321", False),  # two replacements
        ("INV123", "INV12345", False),  # two insertions
        ("INV123", "NIV213", False),  # two swaps
    ],
)
def test_one_edit_apart_is_one_insertion_deletion_replacement_or_adjacent_swap(
    a: str, b: str, apart: bool
) -> None:
    assert one_edit_apart(a, b) is apart
    assert one_edit_apart(b, a) is apart


def test_the_same_supplier_and_number_is_a_duplicate_whatever_the_amount_and_date() -> None:
    assert check(key(number="inv 123")) == [
        DuplicateMatch("same_number", 2, 1, "same supplier and invoice number as INV-00123")
    ]


def test_the_same_number_from_another_supplier_is_not_a_duplicate_on_its_own() -> None:
    assert check(key(supplier="other", number="INV-00123")) == []


def test_the_same_supplier_amount_and_date_is_a_duplicate_whatever_the_number() -> None:
    assert check(key(number="CR-1", gross_pence=120_00, invoice_date=DAY)) == [
        DuplicateMatch("same_amount_and_date", 2, 1, "same supplier, amount and date as INV-00123")
    ]


def test_the_same_supplier_and_amount_on_another_day_is_not_a_duplicate() -> None:
    assert check(key(number="CR-1", gross_pence=120_00, invoice_date=DAY + timedelta(days=1))) == []


def test_the_same_amount_with_a_number_one_edit_away_is_a_duplicate_from_any_supplier() -> None:
    assert check(key(supplier="acme-trading", number="INV-0132", gross_pence=120_00)) == [
        DuplicateMatch("near_number", 2, 1, "same amount and a near-identical number to INV-00123")
    ]


def test_the_same_amount_with_an_equal_normalised_number_from_another_supplier_is_a_duplicate() -> None:
    assert [m.rule for m in check(key(supplier="other", number="inv123", gross_pence=120_00))] == [
        "near_number"
    ]


def test_a_near_number_with_a_different_amount_is_not_a_duplicate() -> None:
    assert check(key(supplier="other", number="INV124", gross_pence=120_01)) == []


def test_a_number_two_edits_away_is_not_near_identical() -> None:
    assert check(key(supplier="other", number="INV321", gross_pence=120_00)) == []


def test_short_numbers_one_edit_apart_are_not_near_identical() -> None:
    # Three characters after normalising: "7" and "8" style numbers mean nothing one edit apart.
    index = DuplicateIndex([key(ref=1, number="A-17", gross_pence=100)])
    assert index.check(key(ref=2, supplier="other", number="A18", gross_pence=100)) == []
    assert [m.rule for m in index.check(key(ref=3, supplier="other", number="a/17", gross_pence=100))] == [
        "near_number"
    ]


def test_a_pair_is_reported_once_under_the_first_rule_that_names_it() -> None:
    assert [m.rule for m in check(key(number="INV-123", gross_pence=120_00, invoice_date=DAY))] == [
        "same_number"
    ]


def test_an_invoice_is_not_its_own_duplicate() -> None:
    assert check(HELD) == []


def test_a_batch_is_checked_against_itself_as_well_as_what_is_held() -> None:
    batch = [
        key(ref="row 2", number="A-5001", gross_pence=10_00),
        key(ref="row 3", number="INV-123", gross_pence=10_00, invoice_date=DAY),
        key(ref="row 4", number="A5001", gross_pence=99_00),
    ]
    assert find_duplicates([HELD], batch) == [
        DuplicateMatch("same_number", "row 3", 1, "same supplier and invoice number as INV-00123"),
        DuplicateMatch("same_number", "row 4", "row 2", "same supplier and invoice number as row 2"),
    ]


def test_detection_agrees_with_comparing_every_pair() -> None:
    # The indexes must find exactly what an all-pairs comparison finds.
    rng = random.Random(14)
    invoices = [
        InvoiceKey(
            ref=i,
            supplier=rng.choice("ABC"),
            number=f"{rng.choice(['INV', 'inv-', ''])}{rng.randint(0, 120):0{rng.randint(1, 5)}d}",
            gross_pence=rng.choice([100, 200, 300]),
            invoice_date=DAY + timedelta(days=rng.randint(0, 3)),
        )
        for i in range(400)
    ]

    def rule(a: InvoiceKey, b: InvoiceKey) -> str | None:
        na, nb = normalise_number(a.number), normalise_number(b.number)
        if a.supplier == b.supplier and na == nb:
            return "same_number"
        if (a.supplier, a.gross_pence, a.invoice_date) == (b.supplier, b.gross_pence, b.invoice_date):
            return "same_amount_and_date"
        if a.gross_pence == b.gross_pence and (
            na == nb or (min(len(na), len(nb)) >= 4 and one_edit_apart(na, nb))
        ):
            return "near_number"
        return None

    expected = sorted(
        (b.ref, a.ref, found)
        for j, b in enumerate(invoices)
        for a in invoices[:j]
        if (found := rule(b, a)) is not None
    )
    actual = sorted((m.invoice, m.other, m.rule) for m in find_duplicates([], invoices))
    assert len(expected) > 100
    assert actual == expected
