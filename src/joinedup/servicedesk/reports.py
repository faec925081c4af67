"""The monthly service-level report: the selector between tickets' stored histories and the pure
arithmetic (``service_levels.report``, whose docstring gives the rules).

``service_levels(actor=, partner=, year=, month=)`` reads, for one partner (``servicedesk.reports``
on it) or, with ``partner=None``, every partner the reader holds ``servicedesk.reports`` on (the
shared-services body's view, summed per service and priority):

1. the tickets that may count: raised before the month's end and not resolved before its start
   (``resolved_at`` is cleared on reopening and stamped again on resolving, so a ticket open at
   any moment of the month, or since, is among them) — ids and services only;
2. their events before the month's end, clock notices left out, in one ``values_list`` query
   ordered by ticket and time;
3. the partners' agreements with their targets (two queries), the one in force when each ticket
   was raised choosing its terms.

Everything else is arithmetic on those values, one vectorised clock call per calendar.

Satisfaction (``satisfaction_figures``, one more query): the requesters' answers about
resolutions made in the month (``SatisfactionResponse.resolved_at`` in it, whenever answered),
per partner and service, through ``service_levels.satisfaction``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.servicedesk import levels, service_levels
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.clocks import Terms
from joinedup.servicedesk.models import SatisfactionResponse, SatisfactionScore, Ticket, TicketEvent
from joinedup.servicedesk.models.levels import ServiceLevelAgreement, ServiceLevelTarget
from joinedup.servicedesk.ticket_clocks import CLOCK_NOTICES

PERMISSION = "servicedesk.reports"


@dataclass(frozen=True)
class ServiceLevelReport:
    partner_ids: list[int]
    year: int
    month: int
    start: datetime
    end: datetime
    tickets_read: int
    rows: list[service_levels.Row]
    # Per partner and service: the requesters' answers about the month's resolutions.
    satisfaction: list[service_levels.SatisfactionRow] = field(default_factory=list)


def report_partner_ids(actor: Any, partner: Partner | None) -> list[int]:
    """The partners the report covers: ``partner`` (authorised), or every one ``actor`` holds
    ``servicedesk.reports`` on."""
    if partner is not None:
        authorise(actor, PERMISSION, partner)
        return [partner.pk]
    return sorted(partner_ids_with(actor, PERMISSION))


def _fetched(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """A ``values_list`` query's rows, read through one cursor. On PostgreSQL its timestamps are
    parsed by psycopg's own (C) loader: Django's (a Python subclass that puts the connection's
    time zone on each value) took 0.6-1 s for the 160,000 event times of a month of a million
    tickets. Django sets the session's time zone to UTC, so the instants are the same."""
    if connection.vendor != "postgresql":
        return list(rows)  # SQLite's times are text: Django's converters make them aware
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        timestamptz = psycopg.postgres.types["timestamptz"].oid
        loader = psycopg.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT)
        if loader is not None:
            cursor.cursor.adapters.register_loader(timestamptz, loader)
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def service_level_figures(partner_ids: list[int], *, year: int, month: int) -> ServiceLevelReport:
    """The report for partners already authorised (``service_levels`` and the benchmark call it)."""
    start, end = service_levels.month_bounds(year, month)
    tickets = Ticket.objects.for_partners(partner_ids).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=start), raised_at__lt=end
    )
    about = {
        pk: (partner_id, service)
        for pk, partner_id, service in tickets.values_list("pk", "partner_id", "service")
    }
    events: dict[int, list[service_levels.Event]] = defaultdict(list)
    rows = (
        TicketEvent.objects.for_partners(partner_ids)
        .filter(ticket__in=tickets.values("pk"), at__lt=end)
        .exclude(kind__in=CLOCK_NOTICES)
        .order_by("ticket_id", "at", "pk")
        .values_list("ticket_id", "at", "status", "priority", "responds")
    )
    for ticket_id, at, status, priority, responds in _fetched(rows):
        events[ticket_id].append((at, status, priority, responds))

    agreements: dict[int, list[ServiceLevelAgreement]] = defaultdict(list)
    for agreement in (
        ServiceLevelAgreement.objects.for_partners(partner_ids)
        .order_by("partner_id", "-effective_from")
        .prefetch_related(Prefetch("targets", queryset=ServiceLevelTarget.objects.for_partners(partner_ids)))
    ):
        agreements[agreement.partner_id].append(agreement)
    terms: dict[tuple[int, str], Terms] = {}

    def terms_of(partner_id: int, service: str, raised: datetime) -> Terms | None:
        day = raised.astimezone(LONDON).date()
        agreement = next((a for a in agreements.get(partner_id, []) if a.effective_from <= day), None)
        if agreement is None:
            return None
        key = (agreement.pk, service)
        if key not in terms:
            terms[key] = levels.terms_from(agreement, agreement.targets.all(), service)
        return terms[key]

    histories = [
        service_levels.History(
            ticket=ticket_id,
            service=about[ticket_id][1],
            events=history,
            terms=terms_of(about[ticket_id][0], about[ticket_id][1], history[0][0]),
        )
        for ticket_id, history in events.items()
        if ticket_id in about
    ]
    return ServiceLevelReport(
        partner_ids=partner_ids,
        year=year,
        month=month,
        start=start,
        end=end,
        tickets_read=len(histories),
        rows=service_levels.report(histories, start, end),
        satisfaction=satisfaction_figures(partner_ids, start=start, end=end),
    )


def _answers_about(partner_ids: list[int], start: datetime, end: datetime) -> Any:
    # Answers about resolutions made in the month, whenever they were given: an answer given on
    # the 2nd about a resolution on the 31st counts in the earlier month.
    return SatisfactionResponse.objects.for_partners(partner_ids).filter(
        resolved_at__gte=start, resolved_at__lt=end
    )


def satisfaction_figures(
    partner_ids: list[int], *, start: datetime, end: datetime
) -> list[service_levels.SatisfactionRow]:
    """Satisfaction per partner and service (``service_levels.satisfaction``), one query."""
    found = _answers_about(partner_ids, start, end).values_list("partner_id", "ticket__service", "score")
    return service_levels.satisfaction([(p, s, int(score)) for p, s, score in found])


@dataclass(frozen=True)
class SatisfactionComment:
    partner_id: int
    reference: str
    service: str
    resolved_at: datetime
    answer: str
    comment: str


def satisfaction_comments(
    *, actor: Any, partner: Partner | None, year: int, month: int
) -> list[SatisfactionComment]:
    """The comments requesters left with their answers about the month's resolutions, for readers
    of the report (``servicedesk.reports``): what the figures do not say."""
    if not 1 <= month <= 12:
        raise ValueError("month is 1 to 12")
    start, end = service_levels.month_bounds(year, month)
    found = (
        _answers_about(report_partner_ids(actor, partner), start, end)
        .exclude(comment="")
        .select_related("ticket")
        .order_by("partner_id", "ticket__service", "resolved_at", "pk")
    )
    return [
        SatisfactionComment(
            partner_id=a.partner_id,
            reference=a.ticket.reference,
            service=a.ticket.service,
            resolved_at=a.resolved_at,
            answer=str(SatisfactionScore(a.score).label),
            comment=a.comment,
        )
        for a in found
    ]


def service_level_report(*, actor: Any, partner: Partner | None, year: int, month: int) -> ServiceLevelReport:
    """The month's service-level report for ``partner``, or for every partner ``actor`` reports on."""
    if not 1 <= month <= 12:
        raise ValueError("month is 1 to 12")
    return service_level_figures(report_partner_ids(actor, partner), year=year, month=month)
