"""A purchasing officer's tiles: the partner's invoices waiting at each step of accounts payable,
each linking to the invoice list filtered to that step."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from joinedup.partnership.permissions import authorise
from joinedup.purchasing.models import Invoice, InvoiceStatus
from joinedup.workspaces.tiles import Tile, link

# The steps where an invoice waits for someone, in the order it passes them: each tile's label and
# what it says while empty.
WAITING_STEPS = {
    InvoiceStatus.RECEIVED: (
        "Invoices not yet matched",
        "Invoices entered but not yet matched to an order appear here.",
    ),
    InvoiceStatus.EXCEPTION: (
        "Invoices in the exceptions queue",
        "Invoices that do not match their order or receipt appear here to resolve.",
    ),
    InvoiceStatus.AWAITING_APPROVAL: (
        "Invoices waiting for approval",
        "Invoices waiting for a budget holder's approval appear here.",
    ),
    InvoiceStatus.APPROVED: (
        "Invoices approved, not yet paid",
        "Invoices approved for payment and not yet in a payment run appear here.",
    ),
}


def purchasing_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "purchasing.view", partner)
    counts = Invoice.objects.for_partner(partner).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in WAITING_STEPS}
    )
    return [
        Tile(
            f"invoices_{status.value}",
            label,
            counts[status.value],
            link("purchasing_invoices", status=status.value),
            empty,
        )
        for status, (label, empty) in WAITING_STEPS.items()
    ]
