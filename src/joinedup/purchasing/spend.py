"""Spend analysis: the partners' paid spend rolled up, and where buying together would save.

Pure computation (contract "purchasing-pure"): NumPy arrays of integers in, integers out, never
a float. The paid lines are grouped in the database by partner, category, supplier, month,
whether bought under a contract, and invoice kind (``purchasing.spend_rollup``, which folds the
groups here with :meth:`SpendRows.from_groups` and keeps them as the monthly roll-up
``SpendMonth``); the selector (``purchasing.selectors.spend_rows``) reads the roll-up in one
query into these arrays.

Spend is what was **paid**: the net (VAT excluded) of the lines of paid invoices, less the net
of paid credit notes, in the month of the invoice's date. Money is integer pence; quantities are
integer thousandths of a unit (an invoice line's quantity has three decimal places).

**Unit price.** A partner's price for a category from a supplier is what it paid for it divided
by how much it bought: the pair's net pence over its quantity, in hundredths of a penny per unit
(the precision of an invoice line's unit price), half rounding up. It is the quantity-weighted
average of the lines' unit prices, so one discounted line does not set the benchmark. The
**best price** of a category is the lowest such price any partner paid any supplier.

**Consolidation candidates** are categories where two or more partners buy (one, when the view
is one partner's) from two or more suppliers. The **estimated saving** is what the category
would have cost had every purchase in it been at the best price: for each partner and supplier,
its net less its quantity at the best price (never below nothing), added up. It assumes a
category's lines are bought in comparable units, which is why categories are narrow
(ProClass subcategories).

Bounds: int64 holds the products here while a pair's quantity times a price stays under
9.2 x 10^18 (ten million units at £10,000 each is 10^18); :func:`consolidation` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]

# Hundredths of a penny per unit from pence and thousandths of a unit: pence x 100 x 1000 / qty.
_PRICE_SCALE = 100_000
_INT64_MAX = int(np.iinfo(np.int64).max)
NO_CATEGORY = 0  # lines with no category are grouped under 0

KEYS = ("partner", "category", "supplier", "month", "on_contract")


def month_key(year: int, month: int) -> int:
    """Months as one integer (months since year 0), so they sort and group as numbers."""
    return year * 12 + month - 1


def month_of(key: int) -> tuple[int, int]:
    return key // 12, key % 12 + 1


@dataclass(frozen=True)
class SpendRows:
    """Groups of paid lines, one row per (partner, category, supplier, month, on contract);
    ``net`` in pence and ``quantity`` in thousandths, credit notes already taken off; ``lines``
    counted. ``on_contract`` is 1 for lines bought under a contract (their invoice, or its order,
    is linked to one: ``spend_rollup.on_contract``), else 0."""

    partner: Ints
    category: Ints
    supplier: Ints
    month: Ints
    on_contract: Ints
    net: Ints
    quantity: Ints
    lines: Ints

    @classmethod
    def empty(cls) -> SpendRows:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z, z, z)

    @classmethod
    def from_groups(
        cls,
        groups: list[tuple[int, int | None, int, int, bool, bool, int, int, int]],
    ) -> SpendRows:
        """From the selector's groups: (partner, category or None, supplier, month, on contract,
        is credit note, net pence, quantity thousandths, lines). A credit note's net and quantity
        are taken off; the invoice/credit split is then folded away."""
        if not groups:
            return cls.empty()
        table = np.array(
            [
                (p, c or NO_CATEGORY, s, m, 1 if on else 0, 1 if cr else 0, n, q, k)
                for p, c, s, m, on, cr, n, q, k in groups
            ],
            dtype=np.int64,
        )
        sign = 1 - 2 * table[:, 5]
        rows = cls(
            partner=table[:, 0].copy(),
            category=table[:, 1].copy(),
            supplier=table[:, 2].copy(),
            month=table[:, 3].copy(),
            on_contract=table[:, 4].copy(),
            net=table[:, 6] * sign,
            quantity=table[:, 7] * sign,
            lines=table[:, 8].copy(),
        )
        return rollup(rows, KEYS).as_rows()

    def __len__(self) -> int:
        return int(self.net.size)

    def column(self, name: str) -> Ints:
        found: Ints = getattr(self, name)
        return found


@dataclass(frozen=True)
class Rollup:
    """Totals by the named keys: ``keys[name]`` the key values of each total, in key order."""

    names: tuple[str, ...]
    keys: dict[str, Ints]
    net: Ints
    quantity: Ints
    lines: Ints

    def __len__(self) -> int:
        return int(self.net.size)

    def as_rows(self) -> SpendRows:
        return SpendRows(
            partner=self.keys["partner"],
            category=self.keys["category"],
            supplier=self.keys["supplier"],
            month=self.keys["month"],
            on_contract=self.keys["on_contract"],
            net=self.net,
            quantity=self.quantity,
            lines=self.lines,
        )

    def total(self) -> int:
        return int(self.net.sum())

    def as_dict(self) -> dict[tuple[int, ...], int]:
        """Net pence by key tuple, for tests and small tables."""
        columns = [self.keys[n] for n in self.names]
        return {tuple(int(c[i]) for c in columns): int(self.net[i]) for i in range(len(self))}


def rollup(rows: SpendRows, names: tuple[str, ...]) -> Rollup:
    """Add the rows up by ``names`` (any of partner, category, supplier, month, on_contract), exactly: a sort
    by the keys and ``np.add.reduceat`` over the runs, integers throughout."""
    if len(rows) == 0:
        z = np.zeros(0, dtype=np.int64)
        return Rollup(names, {n: z for n in names}, z, z, z)
    columns = [rows.column(n) for n in names]
    order = np.lexsort(columns[::-1]) if columns else np.arange(len(rows))
    if not columns:
        starts = np.array([0], dtype=np.int64)
    else:
        sorted_keys = np.stack([c[order] for c in columns])
        change = np.any(sorted_keys[:, 1:] != sorted_keys[:, :-1], axis=0)
        starts = np.concatenate(([0], np.flatnonzero(change) + 1)).astype(np.int64)
    keys = {n: c[order][starts] for n, c in zip(names, columns, strict=True)}
    return Rollup(
        names=names,
        keys=keys,
        net=np.add.reduceat(rows.net[order], starts).astype(np.int64),
        quantity=np.add.reduceat(rows.quantity[order], starts).astype(np.int64),
        lines=np.add.reduceat(rows.lines[order], starts).astype(np.int64),
    )


def unit_prices(net: Ints, quantity: Ints) -> Ints:
    """Hundredths of a penny per unit, half rounding up; -1 where nothing (net) was bought."""
    bought = quantity > 0
    safe = np.where(bought, quantity, 1)
    if np.any(np.abs(net) > _INT64_MAX // _PRICE_SCALE):
        raise OverflowError("A pair's spend is too large to price in int64.")
    price = (net * _PRICE_SCALE * 2 + safe) // (2 * safe)
    return np.where(bought, price, -1).astype(np.int64)


def at_price(quantity: Ints, price: Ints) -> Ints:
    """What ``quantity`` thousandths cost at ``price`` hundredths of a penny, in pence (half up)."""
    limit = np.where(price > 0, _INT64_MAX // np.maximum(price, 1), _INT64_MAX)
    if np.any(np.abs(quantity) > limit):
        raise OverflowError("A pair's quantity at the best price is too large for int64.")
    return ((quantity * price * 2 + _PRICE_SCALE) // (2 * _PRICE_SCALE)).astype(np.int64)


@dataclass(frozen=True)
class PricePaid:
    """One partner's purchases in a category from one supplier, and what it would have cost at
    the category's best price."""

    category: int
    partner: int
    supplier: int
    net: int  # pence
    quantity: int  # thousandths of a unit
    unit_price: int  # hundredths of a penny per unit; -1 when only credits
    saving: int  # pence: net less the quantity at the best price, never below 0


@dataclass(frozen=True)
class Candidate:
    category: int
    partners: int
    suppliers: int
    net: int  # pence
    best_price: int  # hundredths of a penny per unit
    highest_price: int
    saving: int  # pence
    prices: tuple[PricePaid, ...]


def consolidation(rows: SpendRows, *, min_partners: int = 2, min_suppliers: int = 2) -> list[Candidate]:
    """Categories bought by at least ``min_partners`` partners from at least ``min_suppliers``
    suppliers, largest estimated saving first (then category). Uncategorised lines are left
    out: there is no price to compare them with."""
    pairs = rollup(rows, ("category", "partner", "supplier"))
    keep = pairs.keys["category"] != NO_CATEGORY
    category = pairs.keys["category"][keep]
    partner = pairs.keys["partner"][keep]
    supplier = pairs.keys["supplier"][keep]
    net, quantity = pairs.net[keep], pairs.quantity[keep]
    if category.size == 0:
        return []
    price = unit_prices(net, quantity)
    starts = np.concatenate(([0], np.flatnonzero(category[1:] != category[:-1]) + 1))
    ends = np.concatenate((starts[1:], [category.size]))
    out: list[Candidate] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        span = slice(start, end)
        partners = int(np.unique(partner[span]).size)
        suppliers = int(np.unique(supplier[span]).size)
        priced = price[span] >= 0
        if partners < min_partners or suppliers < min_suppliers or not priced.any():
            continue
        best = int(price[span][priced].min())
        highest = int(price[span][priced].max())
        at_best = at_price(quantity[span], np.full(end - start, best, dtype=np.int64))
        saving = np.where(priced, np.maximum(net[span] - at_best, 0), 0)
        prices = tuple(
            PricePaid(
                category=int(category[i]),
                partner=int(partner[i]),
                supplier=int(supplier[i]),
                net=int(net[i]),
                quantity=int(quantity[i]),
                unit_price=int(price[i]),
                saving=int(saving[i - start]),
            )
            for i in range(start, end)
        )
        out.append(
            Candidate(
                category=int(category[start]),
                partners=partners,
                suppliers=suppliers,
                net=int(net[span].sum()),
                best_price=best,
                highest_price=highest,
                saving=int(saving.sum()),
                prices=tuple(sorted(prices, key=lambda p: (p.unit_price, p.partner, p.supplier))),
            )
        )
    out.sort(key=lambda c: (-c.saving, c.category))
    return out


def pounds(pence: int) -> Decimal:
    """Pence as Decimal pounds to the penny, for pages, exports and the API."""
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def price_pounds(hundredths_of_a_penny: int) -> Decimal:
    """A unit price in hundredths of a penny as Decimal pounds to four places (as a line's)."""
    return (Decimal(hundredths_of_a_penny) / 10_000).quantize(Decimal("0.0001"))


def units(thousandths: int) -> Decimal:
    return (Decimal(thousandths) / 1000).quantize(Decimal("0.001"))
