"""The spend analysis page: paid spend (net of VAT, credit notes taken off) by partner, category,
supplier and month; the same category bought from different suppliers at different prices; the
consolidation candidates with their estimated saving; off-contract spend (paid in a category a
live contract of the partner's covered, not bought through it) by partner, category and supplier;
CSV/XLSX downloads of each table.

Whose spend: ``?partner=<id>`` one partner's own (404 to a non-member, 403 without
``purchasing.view_spend``); ``?partner=all`` every partner the reader holds
``purchasing.view_spend`` on (the shared-services body's view). Without it: all when the reader
holds it on more than one partner, else the current partner. Charts are inline SVG drawn on the
server, as the business case's are: no script for the Content-Security-Policy to allow, and the
same figures are in the tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.core.dates import people_month
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.purchasing import selectors, spend
from joinedup.purchasing.models import Category, Supplier
from joinedup.web.businesscase.board_charts import bar_chart, line_chart
from joinedup.web.current import current_partner
from joinedup.web.exports import export_response

TOP_CATEGORIES = 10
TABLES = ("cube", "categories", "suppliers", "prices", "candidates", "off_contract")


def _month(value: str) -> int | None:
    """A YYYY-MM month (an ``<input type=month>``) as ``spend.month_key``; None when empty or not one."""
    year, dash, month = value.partition("-")
    if dash != "-" or not (year.isdigit() and month.isdigit()) or len(year) != 4 or not 1 <= int(month) <= 12:
        return None
    return spend.month_key(int(year), int(month))


def _month_value(key: int | None) -> str:
    if key is None:
        return ""
    year, month = spend.month_of(key)
    return f"{year:04d}-{month:02d}"


def _scope(request: HttpRequest) -> Partner | None:
    """The partner whose own spend is shown, or None for every partner the reader may see."""
    chosen = request.GET.get("partner", "")
    if chosen == "all":
        return None
    if chosen:
        if not chosen.isdigit():
            raise Http404("No such partner.")
        found = Partner.objects.filter(pk=int(chosen), active=True).first()
        if found is None:
            raise Http404("No such partner.")
        return found
    if len(partner_ids_with(request.user, "purchasing.view_spend")) > 1:
        return None
    return current_partner(request)


def _month_label(key: int) -> str:
    year, month = spend.month_of(key)
    return people_month(date(year, month, 1))


def _axis_label(key: int) -> str:
    # Under the monthly chart twelve labels share 540 pixels at 10px type, so "September 2026"
    # would run into its neighbours: the axis keeps "Sep 2026" (and so does each point's
    # tooltip), because the table of the same figures on the page (spend by partner, category
    # and month, and its downloads) names each month in full, as people read it.
    year, month = spend.month_of(key)
    return date(year, month, 1).strftime("%b %Y")


def _off_contract(
    view: selectors.SpendView, rows: list[Any], codes: dict[int, str]
) -> tuple[list[str], list[list[Any]]]:
    # The view names the categories and suppliers of its roll-up; these lines are paid lines of
    # the same partners and months, but a name missing from it is read rather than left blank.
    categories = dict(view.categories)
    missing = {r.category_id for r in rows} - set(categories)
    categories.update(Category.objects.in_bulk(list(missing)))
    suppliers = dict(view.suppliers)
    unnamed = {r.supplier_id for r in rows} - set(suppliers)
    suppliers.update(Supplier.objects.filter(pk__in=unnamed).values_list("pk", "name"))
    return (
        ["Partner", "Category", "Supplier", "Net spend (£)", "Lines"],
        [
            [codes[r.partner_id], str(categories[r.category_id]), suppliers[r.supplier_id], r.net, r.lines]
            for r in rows
        ],
    )


def _tables(
    view: selectors.SpendView, off_contract: list[Any]
) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each table of the page as a header and rows of plain values (Decimal pounds), the same
    for the page and its downloads."""
    codes = {pk: p.code for pk, p in view.partners.items()}
    cube = view.by("partner", "category", "month")
    by_category = view.by("category")
    by_supplier = view.by("supplier")
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "cube": (
            ["Partner", "Category", "Month", "Net spend (£)", "Lines"],
            [
                [
                    codes[int(cube.keys["partner"][i])],
                    view.category_label(int(cube.keys["category"][i])),
                    _month_label(int(cube.keys["month"][i])),
                    spend.pounds(int(cube.net[i])),
                    int(cube.lines[i]),
                ]
                for i in range(len(cube))
            ],
        ),
        "categories": (
            ["Category", "Net spend (£)", "Lines"],
            sorted(
                (
                    [
                        view.category_label(int(by_category.keys["category"][i])),
                        spend.pounds(int(by_category.net[i])),
                        int(by_category.lines[i]),
                    ]
                    for i in range(len(by_category))
                ),
                key=lambda row: (-row[1], row[0]),
            ),
        ),
        "suppliers": (
            ["Supplier", "Net spend (£)", "Lines"],
            sorted(
                (
                    [
                        view.suppliers.get(int(by_supplier.keys["supplier"][i]), ""),
                        spend.pounds(int(by_supplier.net[i])),
                        int(by_supplier.lines[i]),
                    ]
                    for i in range(len(by_supplier))
                ),
                key=lambda row: (-row[1], row[0]),
            ),
        ),
        "prices": (
            [
                "Category",
                "Partner",
                "Supplier",
                "Net spend (£)",
                "Quantity",
                "Unit price (£)",
                "Saving at best (£)",
            ],
            [
                [
                    view.category_label(p.category),
                    codes[p.partner],
                    view.suppliers.get(p.supplier, ""),
                    spend.pounds(p.net),
                    spend.units(p.quantity),
                    spend.price_pounds(p.unit_price) if p.unit_price >= 0 else None,
                    spend.pounds(p.saving),
                ]
                for c in view.candidates
                for p in c.prices
            ],
        ),
        "candidates": (
            [
                "Category",
                "Partners",
                "Suppliers",
                "Net spend (£)",
                "Best unit price (£)",
                "Highest unit price (£)",
                "Estimated saving (£)",
            ],
            [
                [
                    view.category_label(c.category),
                    c.partners,
                    c.suppliers,
                    spend.pounds(c.net),
                    spend.price_pounds(c.best_price),
                    spend.price_pounds(c.highest_price),
                    spend.pounds(c.saving),
                ]
                for c in view.candidates
            ],
        ),
        "off_contract": _off_contract(view, off_contract, codes),
    }
    return tables


def _charts(view: selectors.SpendView) -> dict[str, Any]:
    by_month = view.by("partner", "month")
    months = sorted(set(by_month.keys["month"].tolist()))
    cells = by_month.as_dict()
    partners = list(view.partners.values())
    monthly = line_chart(
        "Paid spend by month and partner",
        [_axis_label(m) for m in months],
        [(p.code, [spend.pounds(cells.get((p.pk, m), 0)) for m in months]) for p in partners],
    )
    by_category = view.by("category", "partner")
    totals = view.by("category")
    top = sorted(range(len(totals)), key=lambda i: -int(totals.net[i]))[:TOP_CATEGORIES]
    split = by_category.as_dict()
    categories = bar_chart(
        f"Paid spend of the top {TOP_CATEGORIES} categories by partner",
        [p.code for p in partners],
        [
            (
                view.category_label(int(totals.keys["category"][i])),
                [spend.pounds(split.get((int(totals.keys["category"][i]), p.pk), 0)) for p in partners],
            )
            for i in top
        ],
    )
    savings = bar_chart(
        "Estimated saving at the best unit price paid",
        ["Saving"],
        [
            (view.category_label(c.category), [spend.pounds(c.saving)])
            for c in view.candidates[:TOP_CATEGORIES]
        ],
    )
    return {"monthly": monthly, "categories": categories, "savings": savings}


@login_required
def spend_analysis(request: HttpRequest) -> HttpResponse:
    partner = _scope(request)
    month_from, month_to = _month(request.GET.get("from_month", "")), _month(request.GET.get("to_month", ""))
    view = selectors.spend_view(request.user, partner=partner, month_from=month_from, month_to=month_to)
    off_contract = selectors.off_contract_rows(view)
    tables = _tables(view, off_contract)
    fmt, table = request.GET.get("format", ""), request.GET.get("table", "cube")
    if fmt in ("csv", "xlsx") and table in TABLES:
        header, rows = tables[table]
        scope = partner.code if partner is not None else "partnership"
        return export_response(fmt, header, rows, f"spend-{table}-{scope}")
    readable = Partner.objects.filter(
        pk__in=partner_ids_with(request.user, "purchasing.view_spend")
    ).order_by("name")
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return render(
        request,
        "web/purchasing/spend.html",
        {
            "partner": partner,
            "view": view,
            "total": spend.pounds(view.total),
            "saving": spend.pounds(sum(c.saving for c in view.candidates)),
            "tables": tables,
            "charts": _charts(view),
            "readable": readable,
            "chosen": str(partner.pk) if partner is not None else "all",
            "from_month": _month_value(month_from),
            "to_month": _month_value(month_to),
            "query": query.urlencode(),
            "off_contract": spend.pounds(sum(row.pence for row in off_contract)),
            "zero": Decimal("0.00"),
        },
    )
