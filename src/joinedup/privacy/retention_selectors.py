"""What the retention pages and API read (issue 17), for the partner's data-protection officer
(``privacy.retention``): each record type's schedule on a day, the partner's legal holds, the
audit events the retention run wrote (the run keeps no report of its own: each batch it removes
is one event on the partner's chain) and a preview of what a run would remove.

Every reader authorises first; another partner's hold is not among the holds looked in, so it
answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Person
from joinedup.privacy import retention
from joinedup.privacy.models import RetentionHold, RetentionRecordType, RetentionSchedule
from joinedup.privacy.retention_rules import effective_months, rule_on

PERMISSION = retention.PERMISSION
RUN_ACTIONS = ("privacy.retention_anonymised", "privacy.retention_deleted")
RUN_EVENT_LIMIT = 200

__all__ = [
    "EXPORT_COLUMNS",
    "ScheduleRow",
    "export_rows",
    "holds_for",
    "person_of",
    "preview",
    "run_events_for",
    "schedule_rows",
]


@dataclass(frozen=True)
class ScheduleRow:
    record_type: str
    title: str
    runs_from: str
    minimum_months: int
    default_months: int
    # The partner's own period, if it set one; ``months`` is what the run uses.
    scheduled_months: int | None
    months: int
    action: str
    source: str
    held: bool
    delegated: str
    schedule: RetentionSchedule | None


RUNS_FROM = {
    "tax_year_end": "the end of the tax year",
    "closed": "closing",
    "employment_end": "the end of employment",
}


def schedule_rows(user: Any, *, partner: Partner, today: date) -> list[ScheduleRow]:
    """Every record type of rules/retention.toml in force ``today``, with the partner's period."""
    authorise(user, PERMISSION, partner)
    set_by_type = {s.record_type: s for s in RetentionSchedule.objects.for_partner(partner)}
    keys = [*RetentionRecordType.values, "occupational_health"]
    rows = []
    for key in keys:
        rule = rule_on(key, today)
        schedule = set_by_type.get(key)
        scheduled = schedule.months if schedule is not None else None
        rows.append(
            ScheduleRow(
                record_type=key,
                title=rule.title,
                runs_from=RUNS_FROM.get(rule.runs_from, rule.runs_from),
                minimum_months=rule.minimum_months,
                default_months=rule.default_months,
                scheduled_months=scheduled,
                months=effective_months(rule, scheduled),
                action=rule.action,
                source=rule.source,
                held=rule.held,
                delegated=rule.delegated,
                schedule=schedule,
            )
        )
    return rows


def holds_for(user: Any, *, partner: Partner) -> QuerySet[RetentionHold]:
    """The partner's legal holds, in force first, then lifted ones, newest first."""
    authorise(user, PERMISSION, partner)
    return (
        RetentionHold.objects.for_partner(partner)
        .select_related("person")
        .order_by(F("lifted_at").desc(nulls_first=True), "-placed_at", "-pk")
    )


def person_of(user: Any, *, partner: Partner, person_id: int) -> Person:
    """A person the partner employs or employed: a hold on one person's records names them; any
    other answers 404, never saying whether they exist."""
    authorise(user, PERMISSION, partner)
    found = Person.objects.for_partner(partner).filter(pk=person_id).first()
    if found is None:
        raise Http404("No such person at this partner.")
    return found


def run_events_for(user: Any, *, partner: Partner) -> QuerySet[AuditEvent]:
    """The audit events of the retention runs on the partner, newest first: one a batch."""
    authorise(user, PERMISSION, partner)
    return (
        AuditEvent.objects.for_partner(partner)
        .filter(action__in=RUN_ACTIONS)
        .order_by("-seq")[:RUN_EVENT_LIMIT]
    )


def preview(user: Any, *, partner: Partner, as_of: date) -> list[retention.TypeReport]:
    """What a run on ``as_of`` would remove from the partner (its types, occupational health's
    apart), changing nothing."""
    authorise(user, PERMISSION, partner)
    return retention.retention_preview(actor=user, partner=partner, as_of=as_of)


EXPORT_COLUMNS = (
    "Record type",
    "Title",
    "Runs from",
    "Statutory minimum (months)",
    "Default (months)",
    "Partner's period (months)",
    "Period in use (months)",
    "Then",
    "Source",
    "Set by",
    "Set on",
    "Why",
)


def export_rows(user: Any, *, partner: Partner, today: date) -> list[list[Any]]:
    rows = []
    for r in schedule_rows(user, partner=partner, today=today):
        s = r.schedule
        rows.append(
            [
                r.record_type,
                r.title,
                r.runs_from,
                r.minimum_months,
                r.default_months,
                "" if r.scheduled_months is None else r.scheduled_months,
                r.months,
                r.action,
                r.source,
                s.set_by_label if s else "",
                s.set_at.date().isoformat() if s else "",
                s.reason if s else "",
            ]
        )
    return rows
