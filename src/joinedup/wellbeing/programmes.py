"""Writes to wellbeing programmes (issue 16): the programmes a partner offers and their monthly
usage counts, entered by OH administrators (``wellbeing.programmes``) from the providers' returns,
one month and measure at a time or from a file (all or nothing, every problem by row). One atomic
function per change, keyword-only, the actor explicit, one audit event. Counts only, never people.
Reads, and the suppressed report, are in ``programme_selectors``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.core import tabular
from joinedup.core.actors import actor_label, is_system
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.wellbeing.models import (
    ProgrammeService,
    ProgrammeUsage,
    UsageMeasure,
    UsageReason,
    WellbeingProgramme,
)

PERMISSION = "wellbeing.programmes"
MAX_COUNT = 1_000_000
MAX_ROWS = 20_000


def month_start(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def programme_create(
    *, actor: Any, partner: Partner, name: str, service: str, provider: str = ""
) -> WellbeingProgramme:
    """A wellbeing programme the partner offers (its EAP, counselling, physiotherapy...)."""
    authorise(actor, PERMISSION, partner)
    errors: dict[str, str] = {}
    clean = name.strip()
    if not clean or len(clean) > 200:
        errors["name"] = "Enter the programme's name, up to 200 characters."
    if service not in ProgrammeService.values:
        errors["service"] = "Choose the service from the list."
    if clean and WellbeingProgramme.objects.for_partner(partner).filter(name__iexact=clean).exists():
        errors["name"] = f"{partner.code} already has a programme called {clean}."
    if errors:
        raise ValidationError(errors)
    programme = WellbeingProgramme.objects.create(
        partner=partner, name=clean, service=service, provider=provider.strip()[:200]
    )
    record_event(
        actor=actor,
        partner=partner,
        action="wellbeing.programme_created",
        target=programme,
        after={"name": programme.name, "service": programme.service, "provider": programme.provider},
    )
    return programme


@transaction.atomic
def programme_set_active(*, actor: Any, programme: WellbeingProgramme, active: bool) -> WellbeingProgramme:
    """Close a programme (its counts stay in the reports) or reopen it."""
    authorise(actor, PERMISSION, programme.partner_id)
    before = programme.active
    programme.active = active
    programme.save(update_fields=["active"])
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="wellbeing.programme_changed",
        target=programme,
        before={"active": before},
        after={"active": active},
    )
    return programme


def _check_counts(month: date, measure: str, counts: Mapping[str, int]) -> None:
    errors: dict[str, str] = {}
    if month.day != 1:
        errors["month"] = "Give the month as its first day."
    if measure not in UsageMeasure.values:
        errors["measure"] = "Choose what is counted from the list."
    for reason, count in counts.items():
        if reason not in UsageReason.values:
            errors[reason] = "Choose the reason from the list."
        elif not 0 <= count <= MAX_COUNT:
            errors[reason] = f"Enter a count from 0 to {MAX_COUNT:,}."
    if errors:
        raise ValidationError(errors)


def _store(
    actor: Any, programme: WellbeingProgramme, month: date, measure: str, counts: Mapping[str, int]
) -> dict[str, tuple[int | None, int]]:
    """Set the counts; (before, after) for each reason given."""
    # Lock the programme: two entries of the same month at once take turns, so the second finds
    # the first's rows instead of both inserting one (a row that does not exist cannot be locked).
    WellbeingProgramme.objects.for_partner(programme.partner_id).select_for_update().get(pk=programme.pk)
    existing = {
        u.reason: u
        for u in ProgrammeUsage.objects.for_partner(programme.partner_id)
        .select_for_update()
        .filter(programme=programme, month=month, measure=measure)
    }
    changed: dict[str, tuple[int | None, int]] = {}
    for reason, count in counts.items():
        row = existing.get(reason)
        if row is None:
            ProgrammeUsage.objects.create(
                partner_id=programme.partner_id,
                programme=programme,
                month=month,
                measure=measure,
                reason=reason,
                count=count,
                entered_by=None if is_system(actor) else actor,
                entered_by_label=actor_label(actor),
            )
            changed[reason] = (None, count)
        elif row.count != count:
            changed[reason] = (row.count, count)
            ProgrammeUsage.objects.for_partner(programme.partner_id).filter(pk=row.pk).update(
                count=count,
                entered_by=None if is_system(actor) else actor,
                entered_by_label=actor_label(actor),
            )
    return changed


@transaction.atomic
def usage_record(
    *, actor: Any, programme: WellbeingProgramme, month: date, measure: str, counts: Mapping[str, int]
) -> dict[str, tuple[int | None, int]]:
    """Set a programme's counts of ``measure`` for the month, by reason (a reason not given keeps
    its count). Returns what changed, (before, after) by reason; nothing changed, no audit event."""
    authorise(actor, PERMISSION, programme.partner_id)
    _check_counts(month, measure, counts)
    changed = _store(actor, programme, month, measure, counts)
    if changed:
        record_event(
            actor=actor,
            partner=programme.partner_id,
            action="wellbeing.usage_recorded",
            target=programme,
            before={"month": month, "measure": measure, "counts": {r: b for r, (b, _) in changed.items()}},
            after={"month": month, "measure": measure, "counts": {r: a for r, (_, a) in changed.items()}},
        )
    return changed


# --- import -------------------------------------------------------------------------------------

USAGE_COLUMNS = RowSpec(
    [
        Column("programme", tabular.text(max_length=200), example="Employee assistance programme"),
        Column("month", tabular.iso_date(), example="2026-10-01", help="Any day of the month counted."),
        Column("measure", tabular.choice(UsageMeasure.values), example="sessions"),
        Column("reason", tabular.choice(UsageReason.values), example="stress"),
        Column("count", tabular.integer(min=0, max=MAX_COUNT), example="12"),
    ]
)


@dataclass
class UsageImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def _usage_import(
    *, actor: Any, partner: Partner, rows: Sequence[tuple[WellbeingProgramme, date, str, str, int]]
) -> None:
    grouped: dict[tuple[int, date, str], dict[str, int]] = {}
    programmes: dict[int, WellbeingProgramme] = {}
    for programme, month, measure, reason, count in rows:
        programmes[programme.pk] = programme
        grouped.setdefault((programme.pk, month, measure), {})[reason] = count
    changed = 0
    for (programme_id, month, measure), counts in grouped.items():
        changed += len(_store(actor, programmes[programme_id], month, measure, counts))
    record_event(
        actor=actor,
        partner=partner,
        action="wellbeing.usage_imported",
        object_type="wellbeing.programmeusage",
        after={"rows": len(rows), "counts_changed": changed},
    )


def usage_import_file(*, actor: Any, partner: Partner, source: Any, filename: str = "") -> UsageImportResult:
    """Every count of the file, or none, with every problem by row, column and reason."""
    authorise(actor, PERMISSION, partner)
    parsed = tabular.read_rows(source, USAGE_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    by_name = {p.name.casefold(): p for p in WellbeingProgramme.objects.for_partner(partner)}
    seen: dict[tuple[int, date, str, str], int] = {}
    rows: list[tuple[WellbeingProgramme, date, str, str, int]] = []
    for number, row in parsed.numbered():
        programme = by_name.get(str(row.get("programme", "")).strip().casefold())
        if "programme" in row and programme is None:
            parsed.add_error(
                number, "programme", f"{partner.code} has no programme of this name", row["programme"]
            )
        if programme is None or not {"month", "measure", "reason", "count"} <= row.keys():
            continue
        month = month_start(row["month"])
        key = (programme.pk, month, row["measure"], row["reason"])
        if key in seen:
            parsed.add_error(number, "reason", f"Also on row {seen[key]}", row["reason"])
            continue
        seen[key] = number
        rows.append((programme, month, row["measure"], row["reason"], row["count"]))
    if not parsed.ok or not parsed.rows:
        return UsageImportResult(errors=parsed.errors or [RowError(0, "", "The file has no rows of counts.")])
    _usage_import(actor=actor, partner=partner, rows=rows)
    return UsageImportResult(rows=len(rows))
