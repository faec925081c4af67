"""A finance officer's tiles: the ledger's periods, this month's journals by source, budget
against actual for the year so far, and (the shared-services body) recharges."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from joinedup.core.dates import people_month
from joinedup.ledger.models import Journal, JournalSource, Period, PeriodStatus
from joinedup.ledger.selectors import periods_of
from joinedup.workspaces import budget
from joinedup.workspaces.tiles import Tile, link


def finance_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    """The ledger's periods and this month's journals, then (the shared-services body only)
    recharges. Budget against actual is added by ``selectors.worklist``, which reads the year so
    far once for both its tiles and the home page's table of the largest variances."""
    return [
        *ledger_tiles(user, partner=partner, today=today),
        *budget.recharge_tiles(user, partner=partner, today=today),
    ]


def ledger_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    periods_of(user, partner=partner)  # authorises ledger.view
    pid = partner.pk
    periods = Period.objects.for_partner(pid).aggregate(
        open=Count("pk", filter=Q(status=PeriodStatus.OPEN)),
        due=Count("pk", filter=Q(status=PeriodStatus.OPEN, end_date__lt=today)),
    )
    # This month's journals are those of the period holding today, as the journal list filters
    # them (?period=YYYY-MM), source by source.
    month = f"{today:%Y-%m}"
    in_period = Journal.objects.for_partner(pid).filter(
        period__start_date__lte=today, period__end_date__gte=today
    )
    by_source = in_period.aggregate(
        **{source: Count("pk", filter=Q(source=source)) for source in JournalSource.values}
    )
    tiles = [
        Tile(
            "periods_open",
            "Open periods",
            periods["open"],
            link("ledger_home"),
            "Financial periods still open for posting appear here.",
        ),
        Tile(
            "periods_due_to_close",
            "Open periods that have ended",
            periods["due"],
            link("ledger_home"),
            "Periods whose last day has passed but which are still open appear here, to close.",
        ),
    ]
    tiles += [
        Tile(
            f"journals_{source}",
            f"{JournalSource(source).label} journals this month",
            by_source[source],
            link("ledger_journals", period=month, source=source),
            f"{JournalSource(source).label} journals posted to {people_month(today)} appear here.",
        )
        for source in JournalSource.values
    ]
    return tiles
