"""Retention schedules, legal holds and the retention run (issue 17), for the record types of
rules/retention.toml other than occupational health, whose own run (wellbeing/retention_runs.py,
with its case holds) this run calls and reports.

- **Schedules** (``set_retention_schedule``): a partner may lengthen a type's period; below the
  statutory minimum is refused, naming the minimum and its source.
- **Legal holds** (``place_retention_hold``, ``lift_retention_hold``, ``set_retention_hold_end``):
  on a type for the whole partner, or for one person, until lifted or to an end date (inclusive)
  the DPO may set and change. A hold keeps the records on the days it is in force (not lifted,
  and on or before its end date: the run's ``as_of`` decides); a lifted or ended hold stays. The audit
  events carry ids, the type and the reference, never the reason's words.
- **The run** (``retention_run``): per partner and type, the records whose period (the partner's
  schedule or the default, never below the minimum) ended on or before ``as_of``, less those
  under hold, are removed in batches: ranges of ``BATCH`` primary keys, walked from the first
  expired id to the last, each one transaction of set-based statements (no list of the records'
  ids goes through Python or into the SQL; the ids of the partner's expired pay runs do, a dozen
  a year) and one audit event (counts and the first and last id) per batch. What was removed
  is marked in the row itself, so a second run finds nothing and writes nothing, and a run
  killed between batches is finished by the next. The system's run on
  PostgreSQL works ``PRIVACY_RETENTION_WORKERS`` ranges at once, each on its own connection
  (``_each_range``). ``--dry-run`` counts and changes nothing.

**Payslips are anonymised, not deleted.** A payslip's pence figures are what the run's approved
totals, its payroll journal in the ledger, the FPS already sent to HMRC and the year's P60 and
P45 (``P45Issue`` holds its payslip, PROTECT) add up to; deleting the rows would leave those
unreconcilable and the run's page summing to something else. What describes the person beyond
their pay goes: the tax code (a K code tells of benefits or debts), the NI category letter (age,
a married woman's reduced rate), the pension scheme (an opt-out), and every ``PayslipLine``
(whose descriptions name attachment-of-earnings orders and union subscriptions — special
category). The figures stay tied to the employment; when the HR record itself is anonymised
they stop being anyone's. A blank tax code marks an anonymised payslip.

**Tickets are anonymised**: after the period from closing, the requester's words go — the
subject becomes ``REDACTED_SUBJECT``, the description (and its raising event) and the
requester's own replies are blanked — and the ticket's skeleton (number, dates, statuses, SLA
clock events) stays for the service-level reports. Agents' replies stay: they are the service's
record of what it did.
Their documents go too: the attachment records in the run, their files once it commits unless
another record of any partner names the same file (the store keeps one file per content), and
not a file stored within a day, which may belong to an upload not yet committed.

**Audit events about a removed record are redacted** (audit/redaction.py): each batch redacts the
content of the events about its payslips and tickets (a reopened ticket's reason, an attachment's
file name), after an ``audit.events_redacted`` event listing them; the events keep their place
and hashes, so ``joinedup audit verify`` still passes. Events written before redaction existed
(hash version 1) cannot lose their content without breaking the chain and are kept, listed in
the redaction event. Occupational health's events hold ids, dates and statuses, never clinical
words (wellbeing/retention_runs.py), so its run redacts nothing.

**Recruitment**: joinedup holds no recruitment records yet; the type is reported as not held."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from joinedup.audit.redaction import redact_events
from joinedup.audit.services import record_event
from joinedup.change.models import ConsultationDocument
from joinedup.core import attachments, rls
from joinedup.core.actors import actor_name, is_system, user_of
from joinedup.core.dates import people_date
from joinedup.partnership.cli import operator
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.payroll.models import PayRun, Payslip, PayslipLine
from joinedup.people.models import Employment, Person
from joinedup.privacy.models import RetentionHold, RetentionRecordType, RetentionSchedule
from joinedup.privacy.retention_rules import (
    RetentionType,
    effective_months,
    last_expired_day,
    last_expired_tax_year,
    rule_on,
)
from joinedup.servicedesk.models import Asset, EventKind, Ticket, TicketAttachment, TicketEvent, TicketStatus
from joinedup.wellbeing import retention_runs

PERMISSION = "privacy.retention"
# Primary keys per batch: a range, not a count, so a batch is found by the primary key's index
# and never by a list of ids; its transaction stays short (a few seconds at most).
BATCH = 50_000
REDACTED_SUBJECT = "[removed under the retention schedule]"
REFERENCE_LIMIT = 100
REASON_LIMIT = 2000

__all__ = [
    "BATCH",
    "PERMISSION",
    "REDACTED_SUBJECT",
    "RunReport",
    "TypeReport",
    "hold_for",
    "lift_retention_hold",
    "place_retention_hold",
    "retention_preview",
    "retention_run",
    "scheduled_run",
    "set_retention_hold_end",
    "set_retention_schedule",
]


def _text(value: str, name: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({name: f"Enter {what}."})
    if len(text) > limit:
        raise ValidationError({name: f"Keep {what} to {limit} characters."})
    return text


def _record_type(value: str) -> str:
    if value not in RetentionRecordType.values:
        known = ", ".join(RetentionRecordType.values)
        raise ValidationError({"record_type": f"{value!r} is not a record type here ({known})."})
    return value


# --- schedules ----------------------------------------------------------------------------------


@transaction.atomic
def set_retention_schedule(
    *, actor: Any, partner: Partner | int, record_type: str, months: int, reason: str
) -> RetentionSchedule:
    """Set the partner's period for ``record_type``. Longer than the default is the point; below
    the statutory minimum is refused."""
    partner_id = partner if isinstance(partner, int) else partner.pk
    authorise(actor, PERMISSION, partner_id)
    record_type = _record_type(record_type)
    reason = _text(reason, "reason", "why the period is set", 500)
    rule = rule_on(record_type, timezone.localdate())
    if months < rule.minimum_months:
        raise ValidationError(
            {
                "months": f"{months} months is below the statutory minimum for {rule.title.lower()}: "
                f"{rule.minimum_months} months ({rule.source})."
            }
        )
    found = (
        RetentionSchedule.objects.for_partner(partner_id).select_for_update().filter(record_type=record_type)
    )
    schedule = found.first()
    before = {"months": schedule.months} if schedule is not None else {}
    if schedule is None:
        schedule = RetentionSchedule(partner_id=partner_id, record_type=record_type)
    schedule.months = months
    schedule.reason = reason
    schedule.set_by = user_of(actor)
    schedule.set_by_label = actor_name(actor)
    schedule.set_at = timezone.now()
    schedule.save()
    record_event(
        actor=actor,
        partner=partner_id,
        action="privacy.retention_schedule_set",
        target=schedule,
        before=before,
        after={
            "record_type": record_type,
            "months": months,
            "minimum_months": rule.minimum_months,
            "default_months": rule.default_months,
        },
    )
    return schedule


# --- legal holds --------------------------------------------------------------------------------


def hold_for(user: Any, *, hold_id: int) -> RetentionHold:
    """A hold ``user`` may lift; 404 for another partner's, or without the permission."""
    found = RetentionHold.objects.for_partners(partner_ids_with(user, PERMISSION)).filter(pk=hold_id).first()
    if found is None:
        raise Http404("No such legal hold.")
    return found


def _end(ends_on: date | None, today: date) -> date | None:
    # A hold placed today starts today: an end before it would hold nothing, and is a mistake.
    if ends_on is not None and ends_on < today:
        raise ValidationError(
            {
                "ends_on": f"The end date {people_date(ends_on)} is before today ({people_date(today)}): "
                "a hold ends today or later, or leave it empty to hold until lifted."
            }
        )
    return ends_on


@transaction.atomic
def place_retention_hold(
    *,
    actor: Any,
    partner: Partner | int,
    record_type: str,
    reference: str,
    reason: str,
    person: Person | None = None,
    ends_on: date | None = None,
) -> RetentionHold:
    """Keep the partner's ``record_type`` records (one ``person``'s, or all) until lifted, or to
    the end of ``ends_on`` if given."""
    partner_id = partner if isinstance(partner, int) else partner.pk
    authorise(actor, PERMISSION, partner_id)
    record_type = _record_type(record_type)
    reference = _text(reference, "reference", "the hold's reference", REFERENCE_LIMIT)
    reason = _text(reason, "reason", "why the records are held", REASON_LIMIT)
    today = timezone.localdate()
    ends_on = _end(ends_on, today)
    in_force = RetentionHold.objects.for_partner(partner_id).filter(
        RetentionHold.in_force_q(today), record_type=record_type, reference=reference, person=person
    )
    if in_force.exists():
        raise ValidationError({"reference": f"These records are already held under {reference}."})
    hold = RetentionHold.objects.create(
        partner_id=partner_id,
        record_type=record_type,
        person=person,
        reference=reference,
        reason=reason,
        placed_by=user_of(actor),
        placed_by_label=actor_name(actor),
        ends_on=ends_on,
    )
    record_event(
        actor=actor,
        partner=partner_id,
        action="privacy.retention_hold_placed",
        target=hold,
        after={
            "record_type": record_type,
            "person": person.pk if person is not None else None,
            "reference": reference,
            "placed_at": hold.placed_at.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return hold


@transaction.atomic
def set_retention_hold_end(*, actor: Any, hold: RetentionHold, ends_on: date | None) -> RetentionHold:
    """Change a hold's end date (``None``: until lifted). Only a hold in force today; not before
    today, so a hold cannot be ended in the past to release what a run already kept."""
    authorise(actor, PERMISSION, hold.partner_id)
    locked = RetentionHold.objects.for_partner(hold.partner_id).select_for_update().get(pk=hold.pk)
    today = timezone.localdate()
    if locked.lifted_at is not None:
        raise ValidationError(
            {"hold": f"The hold {locked.reference} was lifted on {people_date(locked.lifted_at)}."}
        )
    if not locked.in_force_on(today):
        raise ValidationError(
            {"hold": f"The hold {locked.reference} ended on {people_date(locked.ends_on)}: place a new one."}
        )
    ends_on = _end(ends_on, today)
    before = locked.ends_on
    if before == ends_on:
        return locked
    locked.ends_on = ends_on
    locked.save(update_fields=["ends_on"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="privacy.retention_hold_end_set",
        target=locked,
        before={"ends_on": before.isoformat() if before else None},
        after={
            "record_type": locked.record_type,
            "person": locked.person_id,
            "reference": locked.reference,
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return locked


@transaction.atomic
def lift_retention_hold(*, actor: Any, hold: RetentionHold, reason: str) -> RetentionHold:
    """Lift a hold in force, keeping it with who lifted it, when and why."""
    authorise(actor, PERMISSION, hold.partner_id)
    reason = _text(reason, "reason", "why the hold is lifted", REASON_LIMIT)
    locked = RetentionHold.objects.for_partner(hold.partner_id).select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ValidationError(
            {"hold": f"The hold {locked.reference} was lifted on {people_date(locked.lifted_at)} already."}
        )
    locked.lifted_at = timezone.now()
    locked.lifted_by = user_of(actor)
    locked.lifted_by_label = actor_name(actor)
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label", "lift_reason"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="privacy.retention_hold_lifted",
        target=locked,
        after={
            "record_type": locked.record_type,
            "person": locked.person_id,
            "reference": locked.reference,
            "lifted_at": locked.lifted_at.isoformat(),
        },
    )
    return locked


# --- what has expired ---------------------------------------------------------------------------


@dataclass
class TypeReport:
    partner: str
    record_type: str
    months: int
    source: str
    expired: int = 0  # past their period and not yet removed, held ones included
    held: int = 0
    removed: int = 0
    note: str = ""


@dataclass
class RunReport:
    as_of: date
    dry_run: bool
    types: list[TypeReport] = field(default_factory=list)
    occupational_health: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "types": [asdict(t) for t in self.types],
            "occupational_health": self.occupational_health,
        }


@dataclass(frozen=True)
class _Holds:
    whole: tuple[str, ...]  # references of holds on every record of the type
    people: frozenset[int]


def _holds(partner_id: int, record_type: str, as_of: date) -> _Holds:
    found = RetentionHold.objects.for_partner(partner_id).filter(
        RetentionHold.in_force_q(as_of), record_type=record_type
    )
    whole: list[str] = []
    people: set[int] = set()
    for reference, person_id in found.order_by("placed_at", "pk").values_list("reference", "person_id"):
        if person_id is None:
            whole.append(reference)
        else:
            people.add(person_id)
    return _Holds(tuple(whole), frozenset(people))


def _expired_payslips(partner_id: int, rule: RetentionType, months: int, as_of: date) -> QuerySet[Payslip]:
    last_year = last_expired_tax_year(rule, months, as_of)
    # The partner's runs of those years as a list of ids (twelve or so a year): PostgreSQL tests
    # each payslip against it as a hashed array, where a join to the runs built a hash table in
    # every statement; judging a batch of 50,000 went from 76 ms to 29 ms.
    runs = PayRun.objects.for_partner(partner_id).filter(tax_year__lte=last_year)
    return (
        Payslip.objects.for_partner(partner_id)
        .filter(run_id__in=list(runs.values_list("pk", flat=True)))
        .exclude(tax_code="")
    )


def _held_payslips(people: frozenset[int]) -> Q:
    # The held people's employments as a subquery, which PostgreSQL hashes once, rather than a
    # join from every payslip to its employment. Any partner's: a hold names the person.
    employments = Employment.objects.unscoped(reason="a legal hold names a person, not an employment")
    return Q(employment_id__in=employments.filter(person_id__in=list(people)).values("pk"))


def _anonymise_payslips(partner_id: int, chosen: QuerySet[Payslip], low: int, high: int) -> int:
    # The id range again on the lines lets the planner walk the lines' payslip index for the
    # range alone; a raw delete, as the pay run's writer does, as lines have nothing below them.
    lines = PayslipLine.objects.for_partner(partner_id).filter(
        payslip_id__gte=low, payslip_id__lte=high, payslip_id__in=chosen.values("pk")
    )
    lines._raw_delete(connection.alias)
    return (
        Payslip.objects.for_partner(partner_id)
        .filter(pk__gte=low, pk__lte=high, pk__in=chosen.values("pk"))
        .update(tax_code="", ni_category="", pension_scheme="")
    )


def _expired_tickets(partner_id: int, rule: RetentionType, months: int, as_of: date) -> QuerySet[Ticket]:
    last_day = last_expired_day(rule, months, as_of)
    return (
        Ticket.objects.for_partner(partner_id)
        .filter(status=TicketStatus.CLOSED, closed_at__date__lte=last_day)
        .exclude(subject=REDACTED_SUBJECT)
    )


def _held_tickets(people: frozenset[int]) -> Q:
    return Q(requester_employment__person_id__in=list(people)) | Q(about_person_id__in=list(people))


def _anonymise_tickets(partner_id: int, chosen: QuerySet[Ticket], low: int, high: int) -> int:
    # The raising event's body is the description, whoever raised it (an agent on the
    # requester's behalf too); the requester's later replies are their words, and an
    # attachment's event holds the document's file name.
    theirs = Q(kind=EventKind.CREATED) | Q(actor_id=F("ticket__requester_id")) | Q(kind=EventKind.ATTACHMENT)
    in_batch = {"ticket_id__gte": low, "ticket_id__lte": high, "ticket_id__in": chosen.values("pk")}
    TicketEvent.objects.for_partner(partner_id).filter(theirs, **in_batch).exclude(body="").update(body="")
    # The documents go with the words: their records now, their files once committed.
    attached = TicketAttachment.objects.for_partner(partner_id).filter(**in_batch)
    files = set(attached.values_list("sha256", flat=True))
    attached._raw_delete(connection.alias)
    if files:
        transaction.on_commit(lambda: sweep_attachments(files))
    return (
        Ticket.objects.for_partner(partner_id)
        .filter(pk__gte=low, pk__lte=high, pk__in=chosen.values("pk"))
        .update(subject=REDACTED_SUBJECT, description="")
    )


# A document stored within this long may belong to an upload not yet committed (core.attachments).
ATTACHMENT_GRACE = timedelta(days=1)


# Every column that names a file of the attachment store (core.attachments), of any app: a
# file goes only when none of them names it (a test holds this list to the models).
STORED_DOCUMENTS: tuple[tuple[type[models.Model], str], ...] = (
    (TicketAttachment, "sha256"),
    (ConsultationDocument, "sha256"),
    (Asset, "certificate_sha256"),
)


def sweep_attachments(files: set[str]) -> list[str]:
    """The stored files of removed attachments that no record of any partner still names (the
    same document attached to two tickets, or to a consultation, is one file)."""
    named: set[str] = set()
    with rls.system_context("retention: which stored documents are still named"):
        for model, column in STORED_DOCUMENTS:
            rows = model.objects.unscoped(reason="retention: documents still named")  # type: ignore[attr-defined]
            named.update(rows.filter(**{f"{column}__in": files}).values_list(column, flat=True))
    return attachments.remove_unnamed(files, named=named, stored_before=timezone.now() - ATTACHMENT_GRACE)


@dataclass(frozen=True)
class _Kind:
    expired: Callable[[int, RetentionType, int, date], QuerySet[Any]]
    held: Callable[[frozenset[int]], Q]
    remove: Callable[[int, QuerySet[Any], int, int], int]  # partner, the batch's records, id range
    audited_as: str  # the object_type of the audit events about one such record


KINDS: dict[str, _Kind] = {
    RetentionRecordType.PAYSLIPS: _Kind(
        _expired_payslips, _held_payslips, _anonymise_payslips, Payslip._meta.label_lower
    ),
    RetentionRecordType.TICKETS: _Kind(
        _expired_tickets, _held_tickets, _anonymise_tickets, Ticket._meta.label_lower
    ),
}


# --- the run ------------------------------------------------------------------------------------


def _check_day(as_of: date) -> None:
    if as_of > timezone.localdate():
        raise ValidationError(
            {"as_of": f"{people_date(as_of)} is in the future: records go on or after their day."}
        )


def _lock_range(partner_id: int, record_type: str, low: int) -> None:
    """One run at a time in a range of a partner's records of a type: a second run waits, then
    finds the range done. Ranges start at multiples of ``BATCH``, so every run's ranges coincide
    and ranges worked at once never overlap."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"privacy.retention:{partner_id}:{record_type}:{low}"],
            )


_BATCH_TABLE = "privacy_retention_batch"


def _judged_once(
    still: QuerySet[Any], partner_id: int, low: int, high: int
) -> tuple[QuerySet[Any], int | None, int | None]:
    """PostgreSQL: the batch's records judged once, their ids kept in a temporary table for the
    transaction, and ``still`` read from there. Judging reads the whole range and tests each
    record (for payslips, its run and held people); the count, the audit redaction, the removal
    and the lines' deletion each judged it again, and on 10,000,000 payslips that was a third of the run. The
    ids stay in the database (no list passes through Python) and the batch's statements act on
    exactly the records judged, under the type's advisory lock. SQLite judges in each statement.
    Also the first and last id judged (None, None when none is), read from the ids alone."""
    if connection.vendor != "postgresql":
        found = still.aggregate(first=Min("pk"), last=Max("pk"))
        return still, found["first"], found["last"]
    ids, params = still.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Inside a caller's transaction (a test's) the table from the batch before is still there.
        cursor.execute(f"DROP TABLE IF EXISTS {_BATCH_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_BATCH_TABLE} ON COMMIT DROP AS "  # noqa: S608 — the ORM's SQL, values bound
            f"SELECT judged.id FROM ({ids}) AS judged (id)",
            params,
        )
        # Its row count, so that the statements below join it by hash rather than loop over it.
        cursor.execute(f"ANALYZE {_BATCH_TABLE}")
        cursor.execute(f"SELECT min(id), max(id) FROM {_BATCH_TABLE}")  # noqa: S608 — a constant name
        first, last = cursor.fetchone()
    judged: QuerySet[Any] = still.model.objects.for_partner(partner_id).filter(
        pk__gte=low,
        pk__lte=high,
        pk__in=RawSQL(f"SELECT id FROM {_BATCH_TABLE}", ()),  # noqa: S608, S611 — a constant name
    )
    return judged, first, last


@transaction.atomic
def _remove_batch(
    *,
    actor: Any,
    partner_id: int,
    record_type: str,
    rule: RetentionType,
    months: int,
    as_of: date,
    low: int,
    high: int,
) -> int:
    """One batch, the ids ``low`` to ``high``: the records there removed and one audit event
    naming the rule, counts and the first and last id removed. The batch is judged in its own
    transaction, so a hold placed (or another run's removal) since the run began is honoured."""
    authorise(actor, PERMISSION, partner_id)
    _lock_range(partner_id, record_type, low)
    kind = KINDS[record_type]
    holds = _holds(partner_id, record_type, as_of)
    if holds.whole:
        return 0
    still = kind.expired(partner_id, rule, months, as_of).filter(pk__gte=low, pk__lte=high)
    if holds.people:
        still = still.exclude(kind.held(holds.people))
    still, first, last = _judged_once(still, partner_id, low, high)
    if first is None:
        return 0
    # PostgreSQL judged the records once (``_judged_once``): ``still`` names the same ones after
    # the removal, so the removal goes first and the two audit writes, which lock the partner's
    # chain until the commit, come last — ranges worked at once queue only for those. SQLite
    # judges in each statement, and the removal takes the records out of ``still``.
    removed = kind.remove(partner_id, still, low, high) if connection.vendor == "postgresql" else None
    # What the audit events about these records said of them (a reopened ticket's reason, an
    # attachment's file name) goes too; the events stay, their chain verifying (audit/redaction.py).
    redaction = redact_events(
        actor=actor,
        partner_id=partner_id,
        object_type=kind.audited_as,
        object_ids=still.annotate(key=Cast("pk", CharField())).values("key"),
        reason=f"retention: {record_type} {rule.action}d",
    )
    if removed is None:
        removed = kind.remove(partner_id, still, low, high)
    record_event(
        actor=actor,
        partner=partner_id,
        action=f"privacy.retention_{rule.action}d",
        object_type=record_type,
        object_id=f"{first}-{last}",
        after={
            "as_of": as_of.isoformat(),
            "record_type": record_type,
            "rule_effective_from": rule.effective_from.isoformat(),
            "months": months,
            "source": rule.source,
            "count": removed,
            "first_id": first,
            "last_id": last,
            "audit_events_redacted": len(redaction.seqs),
        },
    )
    return removed


def _run_type(*, actor: Any, partner: Partner, record_type: str, as_of: date, dry_run: bool) -> TypeReport:
    rule = rule_on(record_type, as_of)
    scheduled = (
        RetentionSchedule.objects.for_partner(partner.pk)
        .filter(record_type=record_type)
        .values_list("months", flat=True)
        .first()
    )
    months = effective_months(rule, scheduled)
    report = TypeReport(partner=partner.code, record_type=record_type, months=months, source=rule.source)
    kind = KINDS.get(record_type)
    if kind is None or not rule.held:
        report.note = "joinedup holds no such records"
        return report
    expired = kind.expired(partner.pk, rule, months, as_of)
    holds = _holds(partner.pk, record_type, as_of)
    # One pass over the expired records counts them and finds the span of those not held.
    free = ~kind.held(holds.people) if holds.people else Q()
    span = expired.aggregate(
        expired=Count("pk"),
        count=Count("pk", filter=free),
        first=Min("pk", filter=free),
        last=Max("pk", filter=free),
    )
    report.expired = span["expired"]
    if holds.whole:
        report.held = report.expired
        report.note = f"held under {', '.join(holds.whole)}"
        return report
    report.held = report.expired - span["count"]
    if dry_run or span["first"] is None:
        return report
    # The span is fixed when the run begins: a record expiring during the run waits for the next.
    start = span["first"] - span["first"] % BATCH
    ranges = [(low, min(low + BATCH - 1, span["last"])) for low in range(start, span["last"] + 1, BATCH)]

    def remove(low: int, high: int) -> int:
        return _remove_batch(
            actor=actor,
            partner_id=partner.pk,
            record_type=record_type,
            rule=rule,
            months=months,
            as_of=as_of,
            low=low,
            high=high,
        )

    report.removed += _each_range(remove, ranges, system=is_system(actor))
    return report


def workers_for(*, system: bool) -> int:
    """How many ranges a run works at once: ``PRIVACY_RETENTION_WORKERS`` for the system's run on
    PostgreSQL outside a transaction (each worker commits on its own connection), else one. A
    DPO's run works in their request's partner context, which other connections do not share."""
    if not system or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return int(settings.PRIVACY_RETENTION_WORKERS)


def _each_range(remove: Callable[[int, int], int], ranges: list[tuple[int, int]], *, system: bool) -> int:
    """The ranges removed one after another, or, for the system's run on PostgreSQL outside a
    transaction, ``WORKERS`` at a time, each on its own connection: a range's statements keep one
    of the database's cores busy, and the run is bound by them. Each range is its own
    transaction either way, so a run stopped part-way leaves whole ranges done for the next."""
    workers = min(workers_for(system=system), len(ranges))
    if workers < 2:
        return sum(remove(low, high) for low, high in ranges)

    def on_own_connection(low: int, high: int) -> int:
        try:
            with rls.session_context("privacy retention run: a range"):
                return remove(low, high)
        finally:
            connection.close()  # this thread's own

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="retention") as pool:
        futures = [pool.submit(on_own_connection, low, high) for low, high in ranges]
        try:
            return sum(future.result() for future in futures)
        finally:
            # A range that failed stops the ranges not begun; those begun finish or roll back.
            for future in futures:
                future.cancel()


def retention_run(*, actor: Any, as_of: date, dry_run: bool = False) -> RunReport:
    """Remove or anonymise what has expired on ``as_of`` in every partner the actor holds
    ``privacy.retention`` on (every partner for the system), then run occupational health's own
    retention. Idempotent: what was removed is never expired again."""
    partner_ids = partner_ids_with(actor, PERMISSION)
    if not partner_ids:
        raise PermissionDenied("The retention run is for the partners' data-protection officers.")
    _check_day(as_of)
    report = RunReport(as_of=as_of, dry_run=dry_run)
    scope = rls.session_context("privacy retention run") if is_system(actor) else nullcontext()
    with scope:
        for partner in Partner.objects.filter(pk__in=partner_ids).order_by("code"):
            for record_type in RetentionRecordType.values:
                report.types.append(
                    _run_type(
                        actor=actor, partner=partner, record_type=record_type, as_of=as_of, dry_run=dry_run
                    )
                )
    report.occupational_health = _occupational_health(actor, as_of, dry_run)
    return report


def _occupational_health(actor: Any, as_of: date, dry_run: bool) -> dict[str, Any]:
    """Occupational health's own run (its rule, its case holds), when the actor may run it."""
    try:
        return retention_runs.retention_run(actor=actor, today=as_of, dry_run=dry_run).as_json()
    except PermissionDenied:
        return {"note": "not run: the actor holds wellbeing.retention on no partner"}


def scheduled_run() -> RunReport:
    """The run ``joinedup worker`` makes once a day (settings.WORKER_PERIODIC)."""
    return retention_run(actor=operator("worker: privacy retention-run"), as_of=timezone.localdate())


def retention_preview(*, actor: Any, partner: Partner, as_of: date) -> list[TypeReport]:
    """What a run on ``as_of`` would remove from one partner, per type, changing nothing (the
    DPO's page: the run itself covers every partner and occupational health)."""
    authorise(actor, PERMISSION, partner.pk)
    _check_day(as_of)
    return [
        _run_type(actor=actor, partner=partner, record_type=record_type, as_of=as_of, dry_run=True)
        for record_type in RetentionRecordType.values
    ]
