"""A partner's records of processing (UK GDPR Article 30(1)): generated from the declarations of
the apps the partner uses, edited by its DPO, exported in the ICO's template columns.

A partner *uses* a declaration when the declaration's ``evidence`` model holds at least one row
of the partner's (an employment, a payslip, a referral, a supplier it buys from…), or always when
the declaration names no evidence (users and the audit log: every partner has both). So the
records follow what the partner actually does on the platform, not a setting that can drift.

Regeneration (``records_generate``) adds a record for each newly used declaration, refreshes a
record the DPO has not edited, flags ``declaration_changed`` on an edited record whose
declaration has changed (never overwriting the edit), and marks ``withdrawn`` a record whose
declaration the partner no longer uses (kept for the DPO; never deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import SystemActor
from joinedup.core.dates import people_date
from joinedup.core.personal_data import Declaration
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.privacy.declarations import all_declarations, declaration_fields
from joinedup.privacy.models import EngagementStatus, ProcessingRecord, ProcessorEngagement, RecordStatus

PERMISSION = "privacy.records"

EDITABLE = (
    "record_type",
    "purpose",
    "data_categories",
    "data_subjects",
    "special_categories",
    "lawful_basis",
    "article_9_condition",
    "schedule_1_condition",
    "recipients",
    "retention",
    "security_measures",
)


def declarations_used_by(partner: Partner) -> list[Declaration]:
    used = []
    for declaration in all_declarations():
        if not declaration.evidence:
            used.append(declaration)
            continue
        model: Any = apps.get_model(declaration.evidence)
        if model.objects.for_partner(partner).exists():
            used.append(declaration)
    return used


@dataclass(frozen=True)
class Regenerated:
    added: tuple[str, ...]
    refreshed: tuple[str, ...]
    changed_under_edit: tuple[str, ...]
    withdrawn: tuple[str, ...]


@transaction.atomic
def records_generate(*, actor: Any, partner: Partner) -> Regenerated:
    authorise(actor, PERMISSION, partner)
    used = {d.key: d for d in declarations_used_by(partner)}
    existing = {r.key: r for r in ProcessingRecord.objects.for_partner(partner).select_for_update()}
    added, refreshed, changed, withdrawn = [], [], [], []
    now = timezone.now()
    for key, declaration in used.items():
        values = declaration_fields(declaration)
        record = existing.get(key)
        if record is None:
            ProcessingRecord.objects.create(
                partner=partner, key=key, declaration=values, updated_at=now, **values
            )
            added.append(key)
            continue
        was_withdrawn = record.status == RecordStatus.WITHDRAWN
        record.status = RecordStatus.ACTIVE
        if not record.edited:
            if was_withdrawn or any(getattr(record, f) != v for f, v in values.items()):
                refreshed.append(key)
            for name, value in values.items():
                setattr(record, name, value)
            record.declaration = values
        elif record.declaration != values and not record.declaration_changed:
            record.declaration_changed = True
            changed.append(key)
        record.save()
    for key, record in existing.items():
        if key not in used and record.status == RecordStatus.ACTIVE:
            record.status = RecordStatus.WITHDRAWN
            record.save(update_fields=["status"])
            withdrawn.append(key)
    result = Regenerated(tuple(added), tuple(refreshed), tuple(changed), tuple(withdrawn))
    record_event(
        actor=actor,
        partner=partner,
        action="privacy.records_generated",
        object_type="privacy.processingrecord",
        after={f.name: list(getattr(result, f.name)) for f in fields(result)},
    )
    return result


@transaction.atomic
def record_edit(*, actor: Any, record: ProcessingRecord, changes: dict[str, str]) -> ProcessingRecord:
    """The DPO's edit of a record. Editing also acknowledges a changed declaration: the record
    keeps the DPO's text, and the declaration it was reviewed against becomes the current one."""
    authorise(actor, PERMISSION, record.partner)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: "Not a field of a record of processing." for name in unknown})
    changes = {name: value.strip() for name, value in changes.items()}
    required = ("record_type", "purpose", "data_categories", "data_subjects", "lawful_basis", "retention")
    errors = {name: "Required." for name in required if name in changes and not changes[name].strip()}
    if errors:
        raise ValidationError(errors)
    record = ProcessingRecord.objects.for_partner(record.partner_id).select_for_update().get(pk=record.pk)
    before: dict[str, Any] = {
        name: getattr(record, name) for name in changes if getattr(record, name) != changes[name]
    }
    after: dict[str, Any] = {name: changes[name] for name in before}
    for name, value in changes.items():
        setattr(record, name, value)
    if record.declaration_changed:
        current = {d.key: d for d in all_declarations()}.get(record.key)
        if current is not None:
            record.declaration = declaration_fields(current)
        before["declaration_changed"] = True
        after["declaration_changed"] = False
        record.declaration_changed = False
    record.edited = True
    record.updated_at = timezone.now()
    record.updated_by = None if isinstance(actor, SystemActor) else actor
    record.save()
    record_event(
        actor=actor,
        partner=record.partner_id,
        action="privacy.record_edited",
        target=record,
        before=before,
        after=after,
    )
    return record


def records_for(user: Any, *, partner: Partner) -> QuerySet[ProcessingRecord]:
    authorise(user, PERMISSION, partner)
    return ProcessingRecord.objects.for_partner(partner).order_by("status", "key")


def record_for(user: Any, *, partner: Partner, record_id: int) -> ProcessingRecord:
    authorise(user, PERMISSION, partner)
    return get_object_or_404(ProcessingRecord.objects.for_partner(partner), pk=record_id)


# The ICO's "Documentation template for controllers" (the record-of-processing-activities
# spreadsheet linked from the ICO's guide "Documentation", accountability and governance:
# https://ico.org.uk/media2/migrated/2172937/gdpr-documentation-controller-template.xlsx), sheet
# "Template", row 9, columns A to AD: every heading, verbatim and in its order, so the rows paste
# into the ICO's own sheet. Checked on 7 December 2026 against a verbatim transcription of that
# row (made from the file on 28 August 2026) and, for the columns it covers, the same headings in
# ethyca/fides's ICO-shaped data map; the .xlsx itself could not be opened from here. The columns
# that link to documents joinedup does not hold (consent, DPIAs, legitimate-interests
# assessments, breach records, the retention policy document) are left empty for the DPO.
ICO_TEMPLATE_COLUMNS = (
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred to "
    "(if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international "
    "organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
)
# joinedup's own column, after the ICO's (column AE), so theirs keep their places: whether the
# DPO has approved the record yet.
ICO_CONTROLLER_COLUMNS = (*ICO_TEMPLATE_COLUMNS, "Record status")


def _lines(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def export_rows(user: Any, *, partner: Partner) -> list[list[str]]:
    """One row per record, in the ICO's columns. Processors and their countries come from the
    partner's approved engagements that cover the record."""
    records = list(records_for(user, partner=partner))
    engagements = list(
        ProcessorEngagement.objects.for_partner(partner)
        .filter(status=EngagementStatus.APPROVED)
        .select_related("processor")
        .order_by("processor__name")
    )
    rows = []
    for record in records:
        covering = [e for e in engagements if record.key in e.approved_keys]
        abroad = [e for e in covering if e.processor.country != "GB"]
        rows.append(
            [
                record.key.split(".", 1)[0],
                record.purpose,
                "",
                _lines(record.data_subjects),
                _lines(record.data_categories),
                _lines(record.recipients),
                "; ".join(f"{e.processor.name} ({e.processor.get_kind_display()})" for e in covering),
                "; ".join(f"{e.processor.name}: {e.processor.country}" for e in abroad),
                "; ".join(
                    f"{e.processor.name}: {e.get_transfer_mechanism_display()}"
                    + (
                        f", transfer risk assessment {people_date(e.transfer_risk_assessed_on)}"
                        if e.transfer_risk_assessed_on
                        else ""
                    )
                    for e in abroad
                ),
                record.retention,
                _lines(record.security_measures),
                record.lawful_basis,
                record.article_9_condition,
                *[""] * 6,  # legitimate interests to the record of consent: not held here
                "joinedup",  # where the record's personal data are held
                *[""] * 5,  # DPIA and breach links: not held
                record.schedule_1_condition,
                # The template's Schedule 1 section asks the Article 6 basis of that processing.
                record.lawful_basis if record.schedule_1_condition else "",
                *[""] * 3,  # the retention policy document and adherence: the DPO's
                record.get_status_display(),
            ]
        )
    return rows
