"""Service levels: each partner's dated agreements — the one write (a new version) and the reads.

Writes: ``agreement_add`` sets up a partner's first agreement or changes it, always as a new
dated version (``servicedesk.setup`` on the partner, one audit event). A change takes effect
today or later, after the latest version: tickets already raised keep the version they were
raised under, so a past month's report is reproducible. Only the first version may be dated in
the past (taking on an agreement that already governs tickets).

Reads: ``agreements`` (the partner's history, newest first; ``servicedesk.view``);
``agreement_in_force(partner, at)``, ``target_for(agreement, service, priority)``,
``terms_for(agreement, service)`` and ``clocks_for(...)`` are the plain lookups the ticket
selectors and reports call once they hold the partner (they authorise; these do not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.servicedesk import clocks
from joinedup.servicedesk.business_time import LONDON, BusinessTimeError, parse_hours
from joinedup.servicedesk.models.levels import (
    ALL_SERVICES,
    PRIORITY_CHOICES,
    SERVICE_CHOICES,
    ServiceLevelAgreement,
    ServiceLevelTarget,
    SlaClock,
    SlaNation,
)

PRIORITIES = [value for value, _ in PRIORITY_CHOICES]
SERVICES = [value for value, _ in SERVICE_CHOICES]
PRIORITY_LABELS = dict(PRIORITY_CHOICES)
SERVICE_LABELS = dict(SERVICE_CHOICES)
# A year of minutes: no target in any agreement comes near it, and it keeps typing slips out.
MAX_MINUTES = 525_600


@dataclass(frozen=True)
class TargetEntry:
    priority: str
    response_minutes: int
    resolution_minutes: int
    service: str = ALL_SERVICES
    clock: str = SlaClock.BUSINESS


def _label(entry: TargetEntry) -> str:
    service = SERVICE_LABELS.get(entry.service, entry.service) if entry.service else "all services"
    return f"{entry.priority.upper()} ({service})"


def _check_targets(targets: Sequence[TargetEntry]) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for entry in targets:
        label = _label(entry)
        if entry.priority not in PRIORITIES:
            problems.append(f"{entry.priority!r} is not a priority: choose one of {', '.join(PRIORITIES)}.")
            continue
        if entry.service and entry.service not in SERVICES:
            problems.append(f"{entry.service!r} is not a service: choose one of {', '.join(SERVICES)}.")
            continue
        if entry.clock not in SlaClock.values:
            problems.append(f"{label}: the clock is business hours (business) or 24x7.")
        if (entry.service, entry.priority) in seen:
            problems.append(f"{label} has two targets: give one.")
        seen.add((entry.service, entry.priority))
        if not 1 <= entry.response_minutes <= MAX_MINUTES or not 1 <= entry.resolution_minutes <= MAX_MINUTES:
            problems.append(f"{label}: targets are whole minutes from 1 to {MAX_MINUTES:,}.")
        elif entry.resolution_minutes < entry.response_minutes:
            problems.append(
                f"{label}: the resolution target ({entry.resolution_minutes} minutes) is shorter than "
                f"the response target ({entry.response_minutes} minutes)."
            )
    missing = [p.upper() for p in PRIORITIES if (ALL_SERVICES, p) not in seen]
    if missing:
        problems.append(f"Give an all-services target for every priority: {', '.join(missing)} missing.")
    return problems


@transaction.atomic
def agreement_add(
    *,
    actor: Any,
    partner: Partner,
    effective_from: date,
    nation: str,
    business_hours: str,
    targets: Sequence[TargetEntry],
    note: str,
    third_party_pauses: bool = False,
    warning_percent: int = 75,
    today: date | None = None,
) -> ServiceLevelAgreement:
    """Set up ``partner``'s service-level agreement, or change it, as a new version taking effect
    on ``effective_from`` (see the module docstring for which dates are allowed)."""
    authorise(actor, "servicedesk.setup", partner)
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()
    latest = ServiceLevelAgreement.objects.for_partner(partner).order_by("-effective_from").first()
    if latest is not None and effective_from <= latest.effective_from:
        errors.setdefault("effective_from", []).append(
            f"A new version must take effect after the latest one, which took effect on "
            f"{people_date(latest.effective_from)}."
        )
    elif latest is not None and effective_from < today:
        errors.setdefault("effective_from", []).append(
            f"A change cannot take effect in the past (today is {people_date(today)}): tickets already "
            "raised keep the agreement they were raised under."
        )
    if nation not in SlaNation.values:
        errors.setdefault("nation", []).append(f"Choose one of: {', '.join(SlaNation.values)}.")
    try:
        hours = str(parse_hours(business_hours))
    except BusinessTimeError as exc:
        errors.setdefault("business_hours", []).append(f"Business {exc}.")
        hours = ""
    if hours == "never":
        errors.setdefault("business_hours", []).append("Business hours: give at least one window.")
    if not 1 <= warning_percent <= 100:
        errors.setdefault("warning_percent", []).append("The warning threshold is a per cent from 1 to 100.")
    note = note.strip()
    if not note or len(note) > 200:
        errors.setdefault("note", []).append("Say what this version is (up to 200 characters).")
    problems = _check_targets(targets)
    if problems:
        errors["targets"] = problems
    if errors:
        raise ValidationError(errors)

    agreement = ServiceLevelAgreement.objects.for_partner(partner).create(
        partner=partner,
        effective_from=effective_from,
        nation=nation,
        business_hours=hours,
        third_party_pauses=third_party_pauses,
        warning_percent=warning_percent,
        note=note,
        created_by=user_of(actor),
    )
    rows = [
        ServiceLevelTarget(
            partner=partner,
            agreement=agreement,
            service=t.service,
            priority=t.priority,
            response_minutes=t.response_minutes,
            resolution_minutes=t.resolution_minutes,
            clock=t.clock,
        )
        for t in targets
    ]
    ServiceLevelTarget.objects.for_partner(partner).bulk_create(rows)
    record_event(
        actor=actor,
        partner=partner,
        action="servicedesk.agreement_added",
        target=agreement,
        before={"effective_from": latest.effective_from} if latest else {},
        after={
            "effective_from": effective_from,
            "nation": nation,
            "business_hours": hours,
            "third_party_pauses": third_party_pauses,
            "warning_percent": warning_percent,
            "note": note,
            "targets": [
                [t.service, t.priority, t.response_minutes, t.resolution_minutes, t.clock] for t in targets
            ],
        },
    )
    return agreement


# --- reads ------------------------------------------------------------------------------------


def agreements(*, actor: Any, partner: Partner) -> QuerySet[ServiceLevelAgreement]:
    """The partner's agreements, newest first, each with its targets."""
    authorise(actor, "servicedesk.view", partner)
    return (
        ServiceLevelAgreement.objects.for_partner(partner)
        .order_by("-effective_from")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=ServiceLevelTarget.objects.for_partner(partner).order_by("service", "priority"),
            )
        )
    )


def agreement_get(*, actor: Any, partner: Partner, agreement_id: int) -> ServiceLevelAgreement:
    """One of the partner's agreements (DoesNotExist for another partner's: a 404)."""
    return agreements(actor=actor, partner=partner).get(pk=agreement_id)


def agreement_in_force(partner: Partner, at: datetime) -> ServiceLevelAgreement | None:
    """The version governing a ticket raised at ``at``: the latest taking effect on or before
    its local (Europe/London) date; None before the partner's first."""
    day = at.astimezone(LONDON).date()
    return (
        ServiceLevelAgreement.objects.for_partner(partner)
        .filter(effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def target_for(agreement: ServiceLevelAgreement, service: str, priority: str) -> ServiceLevelTarget:
    """The service's own target for the priority, else the all-services one (always present)."""
    rows = ServiceLevelTarget.objects.for_partner(agreement.partner_id).filter(
        agreement=agreement, priority=priority, service__in=[service, ALL_SERVICES]
    )
    found = {row.service: row for row in rows}
    return found.get(service) or found[ALL_SERVICES]


def terms_for(agreement: ServiceLevelAgreement, service: str) -> clocks.Terms:
    """The agreement's terms for one service's tickets, as the pure clocks take them. A report
    builds these once per (agreement, service) and calls ``clocks.ticket_clocks`` per ticket."""
    rows = ServiceLevelTarget.objects.for_partner(agreement.partner_id).filter(
        agreement=agreement, service__in=[service, ALL_SERVICES]
    )
    return terms_from(agreement, rows, service)


def terms_from(
    agreement: ServiceLevelAgreement, rows: Iterable[ServiceLevelTarget], service: str
) -> clocks.Terms:
    """``terms_for`` from target rows already read (any of the agreement's: the other services'
    are passed over), for callers that read many tickets' agreements at once."""
    chosen: dict[str, ServiceLevelTarget] = {}
    for row in rows:
        if row.service not in (service, ALL_SERVICES):
            continue
        if row.priority not in chosen or row.service == service:
            chosen[row.priority] = row
    return clocks.Terms(
        hours=parse_hours(agreement.business_hours),
        nation=agreement.nation,
        targets={
            p: clocks.Target(p, row.response_minutes, row.resolution_minutes, row.clock)
            for p, row in chosen.items()
        },
        third_party_pauses=agreement.third_party_pauses,
        warning_percent=agreement.warning_percent,
    )


def clocks_for(
    *,
    partner: Partner,
    service: str,
    events: Sequence[clocks.ClockEvent],
    as_of: datetime,
    priority: str | None = None,
) -> clocks.Clocks | None:
    """A ticket's clocks under the agreement in force when it was raised (its first event);
    None when the partner had no agreement then. ``priority``: see ``clocks.ticket_clocks``."""
    if not events:
        raise ValidationError("A ticket's history needs at least its created event.")
    created = min(events, key=lambda e: e.at.timestamp()).at
    agreement = agreement_in_force(partner, created)
    if agreement is None:
        return None
    return clocks.ticket_clocks(events, terms_for(agreement, service), as_of, priority=priority)
