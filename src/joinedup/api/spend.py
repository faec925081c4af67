"""Purchasing's spend analysis over JSON: the paid spend cube (partner x category x supplier x
month, net of VAT, credit notes taken off) and the consolidation candidates, for one partner
(``/partners/{id}/purchasing/spend``: its own spend only; 404 to a non-member, 403 without
``purchasing.view_spend``) or across every partner the caller holds ``purchasing.view_spend`` on
(``/purchasing/spend``: the shared-services body's view), in whole months of the invoices' dates
(``from_month`` and ``to_month`` as YYYY-MM, both optional). Money is Decimal pounds written as
strings ("120.00"); unit prices have four places, quantities three.

How spend, unit prices and savings are defined: :mod:`joinedup.purchasing.spend`."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from joinedup.partnership.selectors import partner_for
from joinedup.purchasing import selectors, spend

router = Router(tags=["spend"])


class PartnerRef(Schema):
    id: int
    code: str
    name: str


class CellOut(Schema):
    partner: str
    category: str | None
    supplier_id: int
    supplier: str
    month: str
    net: Decimal
    quantity: Decimal
    lines: int


class PricePaidOut(Schema):
    partner: str
    supplier_id: int
    supplier: str
    net: Decimal
    quantity: Decimal
    unit_price: Decimal | None
    saving: Decimal


class CandidateOut(Schema):
    category: str
    category_name: str
    partners: int
    suppliers: int
    net: Decimal
    best_unit_price: Decimal
    highest_unit_price: Decimal
    saving: Decimal
    prices: list[PricePaidOut]


class SpendOut(Schema):
    partners: list[PartnerRef]
    from_month: str | None
    to_month: str | None
    total: Decimal
    cells: list[CellOut]
    candidates: list[CandidateOut]
    saving: Decimal
    # Paid spend in a category a live contract of the partner covered, not bought through it.
    off_contract: Decimal


def _month(key: int) -> str:
    year, month = spend.month_of(key)
    return f"{year:04d}-{month:02d}"


def month_in(name: str, value: str | None) -> int | None:
    """A YYYY-MM month as ``spend.month_key``; None when not given."""
    if not value:
        return None
    year, dash, month = value.partition("-")
    if dash != "-" or not (year.isdigit() and month.isdigit()) or len(year) != 4 or not 1 <= int(month) <= 12:
        raise ValidationError({name: "Give a month as YYYY-MM, e.g. 2026-04."})
    return spend.month_key(int(year), int(month))


def spend_payload(view: selectors.SpendView) -> dict[str, Any]:
    codes = {pk: p.code for pk, p in view.partners.items()}
    rows = view.rows
    category_code = {pk: c.code for pk, c in view.categories.items()}
    cells = [
        {
            "partner": codes[int(rows.partner[i])],
            "category": category_code.get(int(rows.category[i])),
            "supplier_id": int(rows.supplier[i]),
            "supplier": view.suppliers.get(int(rows.supplier[i]), ""),
            "month": _month(int(rows.month[i])),
            "net": spend.pounds(int(rows.net[i])),
            "quantity": spend.units(int(rows.quantity[i])),
            "lines": int(rows.lines[i]),
        }
        for i in range(len(rows))
    ]
    candidates = [
        {
            "category": category_code.get(c.category, ""),
            "category_name": view.categories[c.category].name if c.category in view.categories else "",
            "partners": c.partners,
            "suppliers": c.suppliers,
            "net": spend.pounds(c.net),
            "best_unit_price": spend.price_pounds(c.best_price),
            "highest_unit_price": spend.price_pounds(c.highest_price),
            "saving": spend.pounds(c.saving),
            "prices": [
                {
                    "partner": codes[p.partner],
                    "supplier_id": p.supplier,
                    "supplier": view.suppliers.get(p.supplier, ""),
                    "net": spend.pounds(p.net),
                    "quantity": spend.units(p.quantity),
                    "unit_price": spend.price_pounds(p.unit_price) if p.unit_price >= 0 else None,
                    "saving": spend.pounds(p.saving),
                }
                for p in c.prices
            ],
        }
        for c in view.candidates
    ]
    return {
        "partners": [{"id": p.pk, "code": p.code, "name": p.name} for p in view.partners.values()],
        "from_month": None if view.month_from is None else _month(view.month_from),
        "to_month": None if view.month_to is None else _month(view.month_to),
        "total": spend.pounds(view.total),
        "cells": cells,
        "candidates": candidates,
        "saving": spend.pounds(sum(c.saving for c in view.candidates)),
        "off_contract": spend.pounds(selectors.off_contract_pence(view)),
    }


@router.get("/purchasing/spend", response=SpendOut)
def partnership_spend(
    request: HttpRequest, from_month: str | None = None, to_month: str | None = None
) -> dict[str, Any]:
    """The paid spend of every partner the caller holds purchasing.view_spend on, and the
    consolidation candidates across them (categories two or more partners buy from two or more
    suppliers), with the estimated saving at the best unit price paid."""
    view = selectors.spend_view(
        request.user,
        partner=None,
        month_from=month_in("from_month", from_month),
        month_to=month_in("to_month", to_month),
    )
    return spend_payload(view)


@router.get("/partners/{partner_id}/purchasing/spend", response=SpendOut)
def partner_spend(
    request: HttpRequest, partner_id: int, from_month: str | None = None, to_month: str | None = None
) -> dict[str, Any]:
    """One partner's own paid spend, and the categories it buys from two or more suppliers."""
    partner = partner_for(request.user, partner_id=partner_id)
    view = selectors.spend_view(
        request.user,
        partner=partner,
        month_from=month_in("from_month", from_month),
        month_to=month_in("to_month", to_month),
    )
    return spend_payload(view)
