"""Three-way match (purchasing/matching.py): each tolerance at its boundary, a penny or a fraction of a
unit each side, and the reasons as the exceptions queue shows them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from joinedup.purchasing.matching import (
    EXACT,
    Discrepancy,
    InvoiceLineFacts,
    OrderLineFacts,
    Tolerance,
    match_line,
)

# 2% and £5 on price; 10% and 2 units on quantity.
TOLERANCE = Tolerance(
    price_percent=D("2"), price_absolute=D("5"), quantity_percent=D("10"), quantity_absolute=D("2")
)


def order(**changes: D) -> OrderLineFacts:
    values = {
        "quantity_ordered": D("100"),
        "unit_price": D("100.00"),
        "vat_rate": D("20"),
        "quantity_received": D("100"),
        "quantity_invoiced_before": D("0"),
    }
    values.update(changes)
    return OrderLineFacts(**values)


def line(quantity: str = "1", unit_price: str = "100.00", vat_rate: str = "20") -> InvoiceLineFacts:
    return InvoiceLineFacts(quantity=D(quantity), unit_price=D(unit_price), vat_rate=D(vat_rate))


def kinds(found: list[Discrepancy]) -> list[str]:
    return [d.kind for d in found]


def test_a_line_equal_to_its_order_and_receipt_matches_exactly() -> None:
    assert match_line(line(), order(), EXACT) == []


def test_a_price_exactly_at_the_percentage_limit_is_within_tolerance() -> None:
    assert match_line(line(unit_price="102.00"), order(), TOLERANCE) == []


def test_a_penny_over_the_percentage_limit_is_a_price_discrepancy() -> None:
    assert match_line(line(unit_price="102.01"), order(), TOLERANCE) == [
        Discrepancy(
            "price",
            "Unit price £102.01 is £2.01 (2.01%) above the order's £100.00, £2.01 over on the line; "
            "the tolerance is 2% and £5.00.",
        )
    ]


def test_a_line_exactly_at_the_absolute_limit_is_within_tolerance() -> None:
    # 1% over on each of 5 units: £5.00 on the line, the absolute limit.
    assert match_line(line(quantity="5", unit_price="101.00"), order(), TOLERANCE) == []


def test_a_line_over_the_absolute_limit_is_a_discrepancy_though_the_percentage_holds() -> None:
    found = match_line(line(quantity="5", unit_price="101.01"), order(), TOLERANCE)
    assert found == [
        Discrepancy(
            "price",
            "Unit price £101.01 is £1.01 (1.01%) above the order's £100.00, £5.05 over on the line; "
            "the tolerance is 2% and £5.00.",
        )
    ]


def test_a_price_below_the_order_is_not_a_discrepancy() -> None:
    assert match_line(line(unit_price="60.00"), order(), EXACT) == []


def test_a_unit_price_finer_than_a_penny_is_shown_as_written() -> None:
    found = match_line(line(quantity="1000", unit_price="0.0130"), order(unit_price=D("0.0125")), EXACT)
    assert found[0].reason == (
        "Unit price £0.013 is £0.0005 (4%) above the order's £0.0125, £0.50 over on the line; "
        "the tolerance is 0% and £0.00."
    )


def test_invoicing_exactly_the_absolute_quantity_limit_over_receipt_is_within_tolerance() -> None:
    # Received 20: 10% is 2 units, the absolute limit is 2 units; 22 invoiced is at both.
    assert match_line(line(quantity="22"), order(quantity_received=D("20")), TOLERANCE) == []


def test_a_hundredth_of_a_unit_over_the_absolute_quantity_limit_is_a_discrepancy() -> None:
    found = match_line(line(quantity="22.01"), order(quantity_received=D("20")), TOLERANCE)
    assert found == [
        Discrepancy(
            "quantity_received",
            "Quantity invoiced 22.01 is 2.01 more than the 20 received; the tolerance is 10% and 2.",
        )
    ]


def test_the_percentage_quantity_limit_binds_when_it_is_the_smaller() -> None:
    # Received 10: 10% is 1 unit, below the absolute 2.
    assert match_line(line(quantity="11"), order(quantity_received=D("10")), TOLERANCE) == []
    found = match_line(line(quantity="11.5"), order(quantity_received=D("10")), TOLERANCE)
    assert kinds(found) == ["quantity_received"]


def test_nothing_received_allows_nothing_to_be_invoiced_whatever_the_tolerance() -> None:
    found = match_line(line(quantity="1"), order(quantity_received=D("0")), TOLERANCE)
    assert found == [
        Discrepancy(
            "quantity_received",
            "Quantity invoiced 1 is 1 more than the 0 received; the tolerance is 10% and 2.",
        )
    ]


def test_earlier_invoices_on_the_order_line_count_against_the_receipt() -> None:
    found = match_line(
        line(quantity="3"), order(quantity_received=D("10"), quantity_invoiced_before=D("8")), EXACT
    )
    assert found == [
        Discrepancy(
            "quantity_received",
            "Quantity invoiced 11 (8 on earlier invoices) is 1 more than the 10 received; "
            "the tolerance is 0% and 0.",
        )
    ]


def test_invoicing_more_than_was_ordered_is_its_own_discrepancy() -> None:
    found = match_line(line(quantity="12"), order(quantity_ordered=D("10"), quantity_received=D("12")), EXACT)
    assert found == [
        Discrepancy(
            "quantity_ordered",
            "Quantity invoiced 12 is 2 more than the 10 ordered; the tolerance is 0% and 0.",
        )
    ]


def test_a_different_vat_rate_is_a_discrepancy_with_no_tolerance() -> None:
    found = match_line(line(vat_rate="5"), order(), TOLERANCE)
    assert found == [Discrepancy("vat_rate", "VAT rate 5% is not the order's 20%.")]


def test_every_discrepancy_on_a_line_is_reported_at_once() -> None:
    found = match_line(
        line(quantity="3", unit_price="110", vat_rate="0"), order(quantity_received=D("1")), TOLERANCE
    )
    assert kinds(found) == ["price", "quantity_received", "vat_rate"]


def test_a_line_with_no_order_line_is_not_on_the_order() -> None:
    assert match_line(line(), None, TOLERANCE) == [
        Discrepancy("not_on_order", "The line names no line of the purchase order.")
    ]


def test_a_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance price_percent must be a Decimal of zero or more"):
        Tolerance(price_percent=D("-1"))
