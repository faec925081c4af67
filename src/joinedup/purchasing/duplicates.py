"""Duplicate-invoice detection. Pure: plain values in, matches out; no Django.

An invoice is a possible duplicate of another (already held, or earlier in the same batch) under
any of three rules, each reported with its own reason:

``same_number``
    the same supplier and the same invoice number once **normalised**: upper-cased, every
    character that is not a letter or a digit removed, and leading zeros dropped from each run of
    digits ("inv-0012" and "INV 12" are both "INV12"; "000" is "0").
``same_amount_and_date``
    the same supplier, the same gross amount (to the penny) and the same invoice date.
``near_number``
    the same gross amount, any supplier, and **near-identical** numbers: the normalised numbers are
    equal, or, when both have at least :data:`NEAR_MIN_LENGTH` characters, they are one edit
    apart: one character inserted, deleted or replaced, or two adjacent characters swapped
    (optimal string alignment distance 1). Short numbers are left out of the one-edit test
    because "7" and "8" are one edit apart and mean nothing. Reported only when neither rule above
    already names the pair.

Detection is linear in the number of invoices, not pairwise: each rule is a hash index on its key,
and the one-edit rule indexes each number under every form with one character deleted, so two
numbers one edit apart always share a key (a replaced or swapped character deleted from both, or
the inserted character deleted from the longer). Candidates sharing a key are then checked
exactly. A batch of thousands (an import) is checked against the partner's invoices in one pass.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "NEAR_MIN_LENGTH",
    "DuplicateIndex",
    "DuplicateMatch",
    "InvoiceKey",
    "Rule",
    "find_duplicates",
    "normalise_number",
    "one_edit_apart",
]

Rule = Literal["same_number", "same_amount_and_date", "near_number"]
NEAR_MIN_LENGTH = 4

_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")

REASONS: dict[Rule, str] = {
    "same_number": "same supplier and invoice number as {other}",
    "same_amount_and_date": "same supplier, amount and date as {other}",
    "near_number": "same amount and a near-identical number to {other}",
}


@dataclass(frozen=True, slots=True)
class InvoiceKey:
    """What duplicate detection reads of an invoice. ``ref`` is the caller's handle (a primary key,
    or a row number in a file) and ``label`` how a person would name it."""

    ref: Hashable
    supplier: Hashable
    number: str
    gross_pence: int
    invoice_date: date
    label: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    rule: Rule
    invoice: Hashable  # the ref of the invoice checked
    other: Hashable  # the ref of the one it duplicates
    reason: str


def normalise_number(number: str) -> str:
    """Upper case, letters and digits only, no leading zeros in any run of digits."""
    return _LEADING_ZEROS.sub("", _NOT_ALPHANUMERIC.sub("", number.upper()))


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one insertion, deletion, replacement or swap of two adjacent
    characters; False when they are equal or further apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True  # one replaced
    return (
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


def _deletions(number: str) -> set[str]:
    return {number[:i] + number[i + 1 :] for i in range(len(number))}


class DuplicateIndex:
    """The invoices already held, indexed for the three rules. :meth:`check` answers for one
    invoice; :meth:`add` then makes it part of the index, so a batch is checked against itself too."""

    def __init__(self, invoices: Iterable[InvoiceKey] = ()) -> None:
        self._by_number: dict[tuple[Hashable, str], list[InvoiceKey]] = defaultdict(list)
        self._by_amount_date: dict[tuple[Hashable, int, date], list[InvoiceKey]] = defaultdict(list)
        self._by_amount_near: dict[tuple[int, str], list[tuple[str, InvoiceKey]]] = defaultdict(list)
        for invoice in invoices:
            self.add(invoice)

    def add(self, invoice: InvoiceKey) -> None:
        number = normalise_number(invoice.number)
        self._by_number[(invoice.supplier, number)].append(invoice)
        self._by_amount_date[(invoice.supplier, invoice.gross_pence, invoice.invoice_date)].append(invoice)
        for key in self._near_keys(number):
            self._by_amount_near[(invoice.gross_pence, key)].append((number, invoice))

    @staticmethod
    def _near_keys(number: str) -> set[str]:
        keys = {number}
        if len(number) >= NEAR_MIN_LENGTH:  # shorter numbers match only when equal
            keys |= _deletions(number)
        return keys

    def check(self, invoice: InvoiceKey) -> list[DuplicateMatch]:
        """Each held invoice this one may duplicate, once, under the first rule that names it."""
        number = normalise_number(invoice.number)
        found: dict[Hashable, DuplicateMatch] = {}

        def note(rule: Rule, other: InvoiceKey) -> None:
            if other.ref != invoice.ref and other.ref not in found:
                label = other.label or str(other.ref)
                found[other.ref] = DuplicateMatch(
                    rule, invoice.ref, other.ref, REASONS[rule].format(other=label)
                )

        for other in self._by_number.get((invoice.supplier, number), ()):
            note("same_number", other)
        for other in self._by_amount_date.get(
            (invoice.supplier, invoice.gross_pence, invoice.invoice_date), ()
        ):
            note("same_amount_and_date", other)
        for key in self._near_keys(number):
            for other_number, other in self._by_amount_near.get((invoice.gross_pence, key), ()):
                if other_number == number or (
                    min(len(number), len(other_number)) >= NEAR_MIN_LENGTH
                    and one_edit_apart(number, other_number)
                ):
                    note("near_number", other)
        return list(found.values())


def find_duplicates(held: Iterable[InvoiceKey], batch: Sequence[InvoiceKey]) -> list[DuplicateMatch]:
    """Every possible duplicate among ``batch``, against the invoices ``held`` and against earlier
    invoices of the batch, in batch order."""
    index = DuplicateIndex(held)
    matches: list[DuplicateMatch] = []
    for invoice in batch:
        matches.extend(index.check(invoice))
        index.add(invoice)
    return matches
