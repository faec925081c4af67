"""The breach log: the writes (record a breach, add an affected partner, record a partner's
decisions, record its notification to the ICO, close the breach) and the clock of each partner.

Each write is one transaction, authorised by ``privacy.breach`` (the data-protection officer's)
on every partner it touches, with one audit event per partner's chain that holds ids, counts,
decisions and times, never the incident's words or a reason's. Each validates all of its input
before it writes anything, so a refused call changes nothing.

Who may act on a breach: a user holding ``privacy.breach`` on one of its affected partners sees
it; recording a partner's decision or notification needs the permission on that partner; adding
a partner needs it on the partner added *and* on one already affected (nobody attaches their
partner to an incident they cannot see, which would show them its facts); closing needs it on
every affected partner, since closing ends the record for each controller.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.privacy import breach_clock
from joinedup.privacy.models import AffectedPartner, Breach, BreachDecision
from joinedup.privacy.models.breach import REASON_LIMIT, TEXT_LIMIT

PERMISSION = "privacy.breach"
RULES = Path(__file__).parent / "rules" / "breach_notification.toml"
REFERENCE_LIMIT = 50
DECIDED = (BreachDecision.NOTIFY, BreachDecision.NOT_REQUIRED)


@cache
def clock_rules() -> breach_clock.ClockRules:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    return breach_clock.ClockRules(
        notify_within=timedelta(hours=data["ico_notification_hours"]),
        warn_within=timedelta(hours=data["warning_hours"]),
    )


def clock_of(row: AffectedPartner, *, now: datetime | None = None) -> breach_clock.Clock:
    """Where the row's partner stands on the 72-hour clock (now, unless ``now`` says)."""
    return breach_clock.clock(
        aware_at=row.breach.aware_at,
        now=now or timezone.now(),
        decision=row.ico_decision,
        notified_at=row.ico_notified_at,
        rules=clock_rules(),
    )


@dataclass(frozen=True)
class BreachFacts:
    summary: str
    occurred_at: datetime
    aware_at: datetime
    data_categories: str
    cause: str
    containment: str = ""


@dataclass(frozen=True)
class Impact:
    people_affected: int
    people_categories: str


# --- validation: every check before any write --------------------------------------------------


def _text(value: str, field: str, what: str, *, limit: int, required: bool = True) -> str:
    body = value.strip()
    if required and not body:
        raise ValidationError({field: f"Say {what}."})
    if len(body) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters."})
    return body


def _moment(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise ValidationError({field: "Give the time with its timezone."})
    if value > timezone.now():
        raise ValidationError({field: "This time is in the future."})
    return value


def _facts(facts: BreachFacts) -> BreachFacts:
    occurred = _moment(facts.occurred_at, "occurred_at")
    aware = _moment(facts.aware_at, "aware_at")
    if occurred > aware:
        raise ValidationError({"aware_at": "Awareness comes on or after the breach itself."})
    return BreachFacts(
        summary=_text(facts.summary, "summary", "what happened", limit=TEXT_LIMIT),
        occurred_at=occurred,
        aware_at=aware,
        data_categories=_text(facts.data_categories, "data_categories", "which data", limit=REASON_LIMIT),
        cause=_text(facts.cause, "cause", "the cause", limit=REASON_LIMIT),
        containment=_text(
            facts.containment, "containment", "the containment", limit=TEXT_LIMIT, required=False
        ),
    )


def _impact(impact: Impact) -> Impact:
    if isinstance(impact.people_affected, bool) or not isinstance(impact.people_affected, int):
        raise ValidationError({"people_affected": "Give the number of people affected, a whole number."})
    if not 0 <= impact.people_affected <= 2_147_483_647:
        raise ValidationError({"people_affected": "Give a number of people from 0 upwards."})
    return Impact(
        people_affected=impact.people_affected,
        people_categories=_text(
            impact.people_categories, "people_categories", "which people", limit=REASON_LIMIT
        ),
    )


def _open(breach: Breach) -> None:
    if not breach.is_open:
        raise ValidationError({"breach": "This breach is closed: it cannot be changed."})


def _locked_breach(breach: Breach) -> Breach:
    return Breach.objects.select_for_update().get(pk=breach.pk)


def _rows(breach: Breach) -> list[AffectedPartner]:
    """Every partner's row of the breach, including those of partners the actor is no member of
    (row-level security would hide them, and closing must not overlook a partner): the services
    authorise on each row they change and show none of them."""
    reason = "the breach log's services check every affected partner of a breach"
    with rls.system_context(reason, savepoint=False):
        return list(
            AffectedPartner.objects.unscoped(reason=reason)
            .filter(breach=breach)
            .select_related("partner")
            .order_by("partner_id")
        )


def _sees(actor: Any, breach: Breach) -> None:
    if not any(has_permission(actor, PERMISSION, row.partner_id) for row in _rows(breach)):
        raise PermissionDenied("You hold privacy.breach on none of this breach's partners.")


def _event(actor: Any, row: AffectedPartner, action: str, **after: Any) -> None:
    record_event(
        actor=actor,
        partner=row.partner_id,
        action=f"privacy.breach_{action}",
        target=row.breach,
        after={
            "breach": row.breach_id,
            "people_affected": row.people_affected,
            "ico_decision": row.ico_decision,
            "people_decision": row.people_decision,
            **after,
        },
    )


# --- the writes --------------------------------------------------------------------------------


@transaction.atomic
def breach_record(*, actor: Any, partner: Partner, facts: BreachFacts, impact: Impact) -> AffectedPartner:
    """Record a breach and the recording partner's part in it; the 72 hours run from ``aware_at``."""
    authorise(actor, PERMISSION, partner)
    facts, impact = _facts(facts), _impact(impact)
    breach = Breach.objects.create(
        summary=facts.summary,
        occurred_at=facts.occurred_at,
        aware_at=facts.aware_at,
        data_categories=facts.data_categories,
        cause=facts.cause,
        containment=facts.containment,
        recorded_by=user_of(actor),
    )
    row = AffectedPartner.objects.create(
        partner=partner,
        breach=breach,
        people_affected=impact.people_affected,
        people_categories=impact.people_categories,
        added_by=user_of(actor),
    )
    _event(actor, row, "recorded", aware_at=breach.aware_at, deadline=clock_of(row).deadline)
    return row


@transaction.atomic
def breach_add_partner(*, actor: Any, breach: Breach, partner: Partner, impact: Impact) -> AffectedPartner:
    """Another partner's people are affected by the same incident: its own row, its own decision."""
    authorise(actor, PERMISSION, partner)
    breach = _locked_breach(breach)
    _sees(actor, breach)
    _open(breach)
    impact = _impact(impact)
    if any(row.partner_id == partner.pk for row in _rows(breach)):
        raise ValidationError({"partner": f"{partner.code} is already recorded as affected by this breach."})
    row = AffectedPartner.objects.create(
        partner=partner,
        breach=breach,
        people_affected=impact.people_affected,
        people_categories=impact.people_categories,
        added_by=user_of(actor),
    )
    _event(actor, row, "partner_added")
    return row


def _locked_row(row: AffectedPartner) -> AffectedPartner:
    return (
        AffectedPartner.objects.for_partner(row.partner_id)
        .select_for_update()
        .select_related("breach")
        .get(pk=row.pk)
    )


def _decision(value: str, field: str) -> str:
    if value not in DECIDED:
        raise ValidationError({field: "Choose notify or not required."})
    return value


def _people_decision(value: str) -> str:
    if value not in BreachDecision.values:
        raise ValidationError({"people_decision": "Choose notify, not required or not yet decided."})
    return value


@transaction.atomic
def breach_decide(
    *,
    actor: Any,
    row: AffectedPartner,
    ico_decision: str,
    ico_reason: str,
    people_decision: str = BreachDecision.UNDECIDED,
    people_reason: str = "",
    people_affected: int | None = None,
) -> AffectedPartner:
    """The partner's decisions: tell the ICO or not (Article 33(1), the reason documented either
    way, Article 33(5)), and tell the people affected or not (Article 34), each with its reason. A
    decision may be revised while the breach is open, until the ICO has been told."""
    authorise(actor, PERMISSION, row.partner_id)
    row = _locked_row(row)
    _open(row.breach)
    ico = _decision(ico_decision, "ico_decision")
    why = _text(ico_reason, "ico_reason", "why", limit=REASON_LIMIT)
    people = _people_decision(people_decision)
    people_why = _text(
        people_reason, "people_reason", "why", limit=REASON_LIMIT, required=people != BreachDecision.UNDECIDED
    )
    if people == BreachDecision.UNDECIDED:
        people_why = ""
    count = row.people_affected
    if people_affected is not None:
        count = _impact(Impact(people_affected, row.people_categories)).people_affected
    if row.ico_notified_at is not None and ico != BreachDecision.NOTIFY:
        raise ValidationError({"ico_decision": "The ICO has been notified already: that decision stands."})
    before = {"ico_decision": row.ico_decision, "people_decision": row.people_decision}
    row.ico_decision, row.ico_reason = ico, why
    row.people_decision, row.people_reason = people, people_why
    row.people_affected = count
    row.decided_at, row.decided_by = timezone.now(), user_of(actor)
    row.save(
        update_fields=[
            "ico_decision", "ico_reason", "people_decision", "people_reason", "people_affected",
            "decided_at", "decided_by",
        ]
    )  # fmt: skip
    _event(actor, row, "decided", before=before)
    return row


@transaction.atomic
def breach_notify_ico(
    *, actor: Any, row: AffectedPartner, notified_at: datetime, reference: str, delay_reason: str = ""
) -> AffectedPartner:
    """The partner told the ICO at ``notified_at`` (the ICO's case reference kept); after the 72
    hours, the reasons for the delay are recorded with it (Article 33(1))."""
    authorise(actor, PERMISSION, row.partner_id)
    row = _locked_row(row)
    _open(row.breach)
    if row.ico_decision != BreachDecision.NOTIFY:
        raise ValidationError(
            {"ico_decision": "Record the decision to notify the ICO first, with its reason."}
        )
    if row.ico_notified_at is not None:
        raise ValidationError({"notified_at": "The ICO notification is recorded already."})
    when = _moment(notified_at, "notified_at")
    if when < row.breach.aware_at:
        raise ValidationError({"notified_at": "The ICO is notified on or after awareness of the breach."})
    ref = _text(reference, "reference", "the ICO's reference", limit=REFERENCE_LIMIT)
    late = when > breach_clock.ico_deadline(row.breach.aware_at, clock_rules())
    delay = _text(
        delay_reason,
        "delay_reason",
        "the reasons for the delay (Article 33(1))",
        limit=REASON_LIMIT,
        required=late,
    )
    row.ico_notified_at, row.ico_reference, row.delay_reason = when, ref, delay if late else ""
    row.save(update_fields=["ico_notified_at", "ico_reference", "delay_reason"])
    _event(actor, row, "ico_notified", notified_at=when, late=late)
    return row


@transaction.atomic
def breach_close(*, actor: Any, breach: Breach, remedial_action: str) -> Breach:
    """Close the breach once every affected partner has decided both questions and, where it
    decided to, told the ICO; the remedial action taken is documented (Article 33(5))."""
    breach = _locked_breach(breach)
    rows = _rows(breach)
    for row in rows:
        authorise(actor, PERMISSION, row.partner_id)
    _open(breach)
    remedy = _text(remedial_action, "remedial_action", "the remedial action taken", limit=TEXT_LIMIT)
    for row in rows:
        if row.ico_decision not in DECIDED or row.people_decision not in DECIDED:
            raise ValidationError({"breach": f"{row.partner.code} has not decided both questions yet."})
        if row.ico_decision == BreachDecision.NOTIFY and row.ico_notified_at is None:
            raise ValidationError(
                {"breach": f"{row.partner.code} decided to notify the ICO and has not yet."}
            )
    breach.closed_at, breach.closed_by, breach.remedial_action = timezone.now(), user_of(actor), remedy
    breach.save(update_fields=["closed_at", "closed_by", "remedial_action"])
    for row in rows:
        row.breach = breach
        _event(actor, row, "closed", closed_at=breach.closed_at)
    return breach
