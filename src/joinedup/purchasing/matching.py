"""Three-way match: an invoice line against its purchase-order line and what was received. Pure:
plain values in (``Decimal`` pounds and quantities), a list of discrepancies out; no Django.

What is checked, and how a tolerance is read:

* **Price**: the invoice's unit price against the order's. The variance is
  ``invoice price - order price``; only a price *above* the order's is a discrepancy (a lower
  price pays less than was agreed). It is within tolerance when **both** limits hold: the
  variance as a percentage of the order price is at most ``price_percent``, and the variance on
  the line (variance x invoiced quantity) is at most ``price_absolute`` pounds. Exactly at a
  limit is within it.
* **Quantity received**: the quantity invoiced on this order line so far (earlier invoices plus
  this one) against the quantity received less returns. Over by at most ``quantity_percent`` of
  the received quantity **and** at most ``quantity_absolute`` units is within tolerance. Nothing
  received at all is always a discrepancy: a percentage of nothing allows nothing.
* **Quantity ordered**: the same total against the quantity ordered, with the same limits.
* **VAT rate**: the invoice's rate must equal the order's; there is no tolerance on a rate.

A partner with no tolerances set matches exactly (:data:`EXACT`). Both limits must hold, so a
partner that wants only a percentage sets the absolute limit high, and the other way round.
A credit note is not matched (it reduces what is owed); callers match invoices only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = [
    "EXACT",
    "Discrepancy",
    "DiscrepancyKind",
    "InvoiceLineFacts",
    "OrderLineFacts",
    "Tolerance",
    "match_line",
]

DiscrepancyKind = Literal["price", "quantity_received", "quantity_ordered", "vat_rate", "not_on_order"]

HUNDRED = Decimal(100)
PENNY = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """A partner's matching tolerances; every limit is zero or more."""

    price_percent: Decimal = ZERO  # percent of the order's unit price
    price_absolute: Decimal = ZERO  # pounds over on the whole line
    quantity_percent: Decimal = ZERO  # percent of the quantity received (or ordered)
    quantity_absolute: Decimal = ZERO  # units

    def __post_init__(self) -> None:
        for name in ("price_percent", "price_absolute", "quantity_percent", "quantity_absolute"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"tolerance {name} must be a Decimal of zero or more, got {value!r}")

    def describe_price(self) -> str:
        return f"{_number(self.price_percent)}% and £{_pounds(self.price_absolute)}"

    def describe_quantity(self) -> str:
        return f"{_number(self.quantity_percent)}% and {_number(self.quantity_absolute)}"


EXACT = Tolerance()


@dataclass(frozen=True, slots=True)
class OrderLineFacts:
    """An order line as matching needs it: what was ordered, at what price and VAT rate, how much
    was received (less returns) and how much earlier invoices already charged."""

    quantity_ordered: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent, e.g. Decimal("20")
    quantity_received: Decimal
    quantity_invoiced_before: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class InvoiceLineFacts:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One reason the line does not match, in words a payables clerk reads in the exceptions queue."""

    kind: DiscrepancyKind
    reason: str


def match_line(
    invoice: InvoiceLineFacts, order: OrderLineFacts | None, tolerance: Tolerance = EXACT
) -> list[Discrepancy]:
    """Every discrepancy between the invoice line, its order line and the receipts; empty when it
    matches within the partner's tolerance."""
    if order is None:
        return [Discrepancy("not_on_order", "The line names no line of the purchase order.")]
    found: list[Discrepancy] = []

    over = invoice.unit_price - order.unit_price
    if over > 0:
        line_over = over * invoice.quantity
        percent = over / order.unit_price * HUNDRED if order.unit_price else None
        if percent is None or percent > tolerance.price_percent or line_over > tolerance.price_absolute:
            share = "" if percent is None else f" ({_percent(percent)})"
            found.append(
                Discrepancy(
                    "price",
                    f"Unit price £{_pounds(invoice.unit_price)} is £{_pounds(over)}{share} above the "
                    f"order's £{_pounds(order.unit_price)}, £{_pounds(line_over)} over on the line; "
                    f"the tolerance is {tolerance.describe_price()}.",
                )
            )

    invoiced = order.quantity_invoiced_before + invoice.quantity
    checks: tuple[tuple[DiscrepancyKind, Decimal, str], ...] = (
        ("quantity_received", order.quantity_received, "received"),
        ("quantity_ordered", order.quantity_ordered, "ordered"),
    )
    for kind, against, words in checks:
        excess = invoiced - against
        if excess <= 0:
            continue
        allowed_by_percent = against * tolerance.quantity_percent / HUNDRED
        if excess > allowed_by_percent or excess > tolerance.quantity_absolute:
            before = (
                f" ({_number(order.quantity_invoiced_before)} on earlier invoices)"
                if order.quantity_invoiced_before
                else ""
            )
            found.append(
                Discrepancy(
                    kind,
                    f"Quantity invoiced {_number(invoiced)}{before} is {_number(excess)} more than "
                    f"the {_number(against)} {words}; the tolerance is {tolerance.describe_quantity()}.",
                )
            )

    if invoice.vat_rate != order.vat_rate:
        found.append(
            Discrepancy(
                "vat_rate",
                f"VAT rate {_number(invoice.vat_rate)}% is not the order's {_number(order.vat_rate)}%.",
            )
        )
    return found


def _number(value: Decimal) -> str:
    """A quantity or percentage as typed: 2 -> '2', 1.50 -> '1.5', 0.125 -> '0.125'."""
    return f"{value.normalize():f}" if value else "0"


def _pounds(value: Decimal) -> str:
    """A price in pounds with at least two decimals (unit prices may carry more): 100 -> '100.00',
    0.0125 -> '0.0125'."""
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{value.normalize():f}"
    return f"{value.quantize(PENNY):f}"


def _percent(value: Decimal) -> str:
    return f"{_number(value.quantize(PENNY))}%"
