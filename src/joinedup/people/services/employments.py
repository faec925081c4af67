"""Employments and their dated terms: hiring (linking a person already known to another
partner), changing terms from a date (TUPE-protected terms cannot be worsened without a
stated reason), and ending an employment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.core import rls, validators
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people import plausibility
from joinedup.people.models import (
    ContractType,
    Employment,
    EmploymentTerms,
    OrgUnit,
    PayFrequency,
    PayPoint,
    PensionScheme,
    Person,
    Post,
    PostHolding,
    TaxBasis,
    TermsScheme,
)
from joinedup.people.ni_categories import age_problem
from joinedup.people.rules import pay_rate_on
from joinedup.people.services.errors import Errors
from joinedup.people.services.persons import PersonDetails, clean_person


@dataclass(frozen=True)
class Terms:
    contract_type: str
    fte: Decimal
    weekly_hours: Decimal
    scheme: TermsScheme
    pay_point: PayPoint
    tax_code: str = "1257L"
    tax_basis: str = TaxBasis.CUMULATIVE
    ni_category: str = "A"
    student_loan_plans: str = ""
    pension_scheme: str = PensionScheme.NONE
    starter_declaration: str = ""
    line_manager: Employment | None = None
    protected: bool = False

    @classmethod
    def of(cls, row: EmploymentTerms) -> Terms:
        return cls(**{name: getattr(row, name) for name in TERMS_FIELDS})


TERMS_FIELDS = [
    "contract_type",
    "fte",
    "weekly_hours",
    "scheme",
    "pay_point",
    "tax_code",
    "tax_basis",
    "ni_category",
    "student_loan_plans",
    "pension_scheme",
    "starter_declaration",
    "line_manager",
    "protected",
]


def _terms_summary(terms: Terms | EmploymentTerms) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in TERMS_FIELDS:
        value = getattr(terms, name)
        out[name] = value.pk if hasattr(value, "pk") else value
    out["scheme"] = terms.scheme.code
    out["pay_point"] = terms.pay_point.code
    return out


def _check_ni_category_age(terms: Terms, born: date | None, on: date, errors: Errors) -> None:
    """M and Z are for under-21s, H for apprentices under 25 (people/ni_categories/rules/): a
    letter the person's age rules out on the date the terms take effect is refused."""
    if "ni_category" in errors.fields:
        return
    problem = age_problem(terms.ni_category, born, on)
    if problem is not None:
        errors.add("ni_category", problem)


def clean_terms(terms: Terms, partner: Partner, errors: Errors) -> Terms:
    if terms.contract_type not in ContractType.values:
        errors.add("contract_type", f"Choose one of: {', '.join(ContractType.values)}.")
    if not (Decimal(0) < terms.fte <= Decimal(1)):
        errors.add("fte", "FTE must be more than 0 and at most 1.")
    if terms.weekly_hours <= 0:
        errors.add("weekly_hours", "Weekly hours must be more than 0.")
    if terms.pay_point.scheme_id != terms.scheme.pk:
        errors.add("pay_point", f"Point {terms.pay_point.code} is not on the {terms.scheme.name} scale.")
    tax_code = terms.tax_code
    basis = terms.tax_basis
    try:
        tax_code, emergency = validators.tax_code(terms.tax_code)
        if emergency:
            basis = TaxBasis.WEEK1_MONTH1
    except ValueError as exc:
        errors.add("tax_code", str(exc))
    if basis not in TaxBasis.values:
        errors.add("tax_basis", f"Choose one of: {', '.join(TaxBasis.values)}.")
    category = errors.check("ni_category", validators.ni_category, terms.ni_category)
    plans = terms.student_loan_plans
    if plans.strip():
        parsed = errors.check("student_loan_plans", validators.student_loan_plans, plans)
        plans = ";".join(parsed) if isinstance(parsed, tuple) else plans
    if terms.pension_scheme not in PensionScheme.values:
        errors.add("pension_scheme", f"Choose one of: {', '.join(PensionScheme.values)}.")
    if terms.line_manager is not None and terms.line_manager.partner_id != partner.pk:
        errors.add("line_manager", "The line manager must be employed by the same partner.")
    return replace(terms, tax_code=tax_code, tax_basis=basis, ni_category=category, student_loan_plans=plans)


def _new_terms_row(
    employment: Employment, terms: Terms, effective_from: date, reason: str
) -> EmploymentTerms:
    return EmploymentTerms(
        partner_id=employment.partner_id,
        employment=employment,
        effective_from=effective_from,
        reason=reason,
        **{name: getattr(terms, name) for name in TERMS_FIELDS},
    )


@transaction.atomic
def employment_start(
    *,
    actor: Any,
    partner: Partner,
    person: PersonDetails,
    payroll_number: str,
    start_date: date,
    terms: Terms,
    continuous_service_date: date | None = None,
    pay_frequency: str = PayFrequency.MONTHLY,
    post: Post | None = None,
) -> Employment:
    """Hire someone. A person already known by their NI number (employed by another
    partner, say) is linked, not duplicated — provided the date of birth matches."""
    authorise(actor, "people.change", partner)
    errors = Errors()
    person = clean_person(person, errors)
    terms = clean_terms(terms, partner, errors)
    payroll_number = payroll_number.strip()
    if not payroll_number:
        errors.add("payroll_number", "Enter a payroll number.")
    elif Employment.objects.for_partner(partner).filter(payroll_number=payroll_number).exists():
        errors.add("payroll_number", f"Payroll number {payroll_number} is already used by {partner.name}.")
    if "date_of_birth" not in errors.fields:
        problem = plausibility.start_problem(person.date_of_birth, start_date)
        if problem:
            errors.add("start_date", problem)
    service_date = continuous_service_date or start_date
    if service_date > start_date:
        errors.add("continuous_service_date", "Continuous service cannot start after the employment.")
    if pay_frequency not in PayFrequency.values:
        errors.add("pay_frequency", f"Choose one of: {', '.join(PayFrequency.values)}.")
    _check_ni_category_age(terms, person.date_of_birth, start_date, errors)
    if post is not None and post.partner_id != partner.pk:
        errors.add("post", "The post belongs to another partner.")
    # A new hire may be known to another partner already, and has no employment with this one
    # until the person row exists: both steps look past the caller's partners, by name.
    hiring = "hire: match a new hire by NI number and create their person"
    existing = Person.objects.unscoped(reason="match a new hire by NI number").filter(
        ni_number=person.ni_number
    )
    with rls.system_context(hiring):
        known = existing.first() if "ni_number" not in errors.fields else None
    if known is not None and known.date_of_birth != person.date_of_birth:
        # Say no more than that: the other partner's record is not ours to reveal.
        errors.add("ni_number", "This National Insurance number is held by someone else. Check it.")
    errors.raise_if_any()

    created_person = known is None
    if known is None:
        with rls.system_context(hiring):
            known = Person.objects.create(**person.__dict__)
    record = known
    employment = Employment.objects.create(
        partner=partner,
        person=record,
        payroll_number=payroll_number,
        start_date=start_date,
        continuous_service_date=service_date,
        pay_frequency=pay_frequency,
        # Hired into a post, they start with its title and unit; HR changes them later.
        job_title=post.title if post is not None else "",
        org_unit_id=post.org_unit_id if post is not None else None,
    )
    row = _new_terms_row(employment, terms, start_date, "Appointment")
    row.save()
    if post is not None:
        PostHolding.objects.create(
            partner=partner, post=post, employment=employment, fte=terms.fte, start_date=start_date
        )
    record_event(
        actor=actor,
        partner=partner,
        action="employment.started",
        target=employment,
        after={
            "person": record.pk,
            "person_created": created_person,
            "payroll_number": payroll_number,
            "start_date": start_date,
            "continuous_service_date": service_date,
            "terms": _terms_summary(row),
            "post": post.code if post else None,
        },
    )
    return employment


def terms_on(employment: Employment, on: date) -> EmploymentTerms | None:
    return (
        EmploymentTerms.objects.for_partner(employment.partner_id)
        .filter(employment=employment, effective_from__lte=on)
        .select_related("scheme", "pay_point", "line_manager")
        .order_by("-effective_from")
        .first()
    )


def _worsening(old: EmploymentTerms, new: Terms, on: date) -> list[str]:
    """What in ``new`` is worse for the employee than ``old`` — the changes TUPE protects."""
    worse = []
    if new.scheme.pk != old.scheme_id:
        worse.append("terms-and-conditions scheme")
    elif pay_rate_on(new.pay_point, on) < pay_rate_on(old.pay_point, on):
        worse.append("pay point")
    if new.pension_scheme != old.pension_scheme:
        worse.append("pension scheme")
    if new.weekly_hours > old.weekly_hours and new.fte <= old.fte:
        worse.append("hours without more pay")
    if old.contract_type == ContractType.PERMANENT and new.contract_type != ContractType.PERMANENT:
        worse.append("contract type")
    return worse


@transaction.atomic
def employment_change_terms(
    *,
    actor: Any,
    employment: Employment,
    effective_from: date,
    reason: str,
    changes: dict[str, Any],
    override_reason: str = "",
) -> EmploymentTerms:
    """Record a dated change (a new pay point from 1 April, say). The terms before the date
    stay as they were; the record as at any date can be read back.

    Terms protected by a TUPE transfer cannot be made worse without ``override_reason``."""
    authorise(actor, "people.change", employment.partner_id)
    unknown = set(changes) - set(TERMS_FIELDS) - {"protected"}
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    errors = Errors()
    if not reason.strip():
        errors.add("reason", "Say why the terms change.")
    if effective_from < employment.start_date:
        errors.add("effective_from", "The change cannot take effect before the employment started.")
    if employment.end_date is not None and effective_from > employment.end_date:
        errors.add("effective_from", "The employment has ended by then.")
    current = terms_on(employment, effective_from)
    if current is None:
        errors.raise_if_any()
        raise ValidationError({"effective_from": "No terms are in force on that date."})
    if current.effective_from == effective_from:
        errors.add(
            "effective_from", f"There is already a change on {people_date(effective_from)}; amend that one."
        )
    new = clean_terms(replace(Terms.of(current), **changes), employment.partner, errors)
    _check_ni_category_age(new, employment.person.date_of_birth, effective_from, errors)
    errors.raise_if_any()
    worse = _worsening(current, new, effective_from) if current.protected else []
    if worse and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": "These terms are protected by a TUPE transfer; this worsens the "
                f"{', '.join(worse)}. Give the reason for the override "
                "(for example, an ETO reason agreed in consultation)."
            }
        )
    row = _new_terms_row(employment, new, effective_from, reason.strip())
    row.save()
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="employment.terms_changed",
        target=employment,
        before=_terms_summary(current),
        after={
            **_terms_summary(row),
            "effective_from": effective_from,
            "reason": reason.strip(),
            **({"protected_override": override_reason.strip(), "worsens": worse} if worse else {}),
        },
    )
    return row


@transaction.atomic
def employment_end(
    *, actor: Any, employment: Employment, end_date: date, reason: str, paid_to: date | None
) -> Employment:
    """End an employment on ``end_date``. ``paid_to`` is the last day of pay already approved
    for it (``joinedup.payroll.selectors.approved_pay_end``: people knows nothing of payroll,
    so the caller asks): an end before it would leave approved pay for days not worked."""
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if employment.end_date is not None:
        errors.add("end_date", f"This employment already ended on {people_date(employment.end_date)}.")
    problem = plausibility.end_problem(employment.start_date, end_date)
    if problem:
        errors.add("end_date", problem)
    elif paid_to is not None and end_date < paid_to:
        errors.add(
            "end_date",
            f"Pay up to {people_date(paid_to)} is already approved for this employment, so it cannot end "
            "before then. Correct the pay first, or end it on or after that date.",
        )
    if not reason.strip():
        errors.add("reason", "Give the reason for leaving.")
    errors.raise_if_any()
    employment.end_date = end_date
    employment.end_reason = reason.strip()
    employment.save(update_fields=["end_date", "end_reason"])
    PostHolding.objects.for_partner(employment.partner_id).filter(
        employment=employment, end_date__isnull=True
    ).update(end_date=end_date)
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="employment.ended",
        target=employment,
        after={"end_date": end_date, "reason": employment.end_reason},
    )
    return employment


@transaction.atomic
def employment_change_job(
    *,
    actor: Any,
    employment: Employment,
    job_title: str,
    org_unit: OrgUnit | None,
    line_manager: Employment | None,
    effective_from: date,
    reason: str,
) -> Employment:
    """Change what HR records about the job: its title and unit (as they stand now) and the
    line manager, which is part of the dated terms and so changes from ``effective_from``."""
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    title = job_title.strip()
    if len(title) > 200:
        errors.add("job_title", "The job title must be 200 characters or fewer.")
    if org_unit is not None and org_unit.partner_id != employment.partner_id:
        errors.add("org_unit", "Choose a unit of the same partner.")
    if line_manager is not None:
        if line_manager.partner_id != employment.partner_id:
            errors.add("line_manager", "The line manager must be employed by the same partner.")
        elif line_manager.pk == employment.pk or line_manager.person_id == employment.person_id:
            errors.add("line_manager", "Nobody can be their own line manager.")
    if not reason.strip():
        errors.add("reason", "Say why the job changes.")
    current = terms_on(employment, effective_from)
    manager_changes = current is not None and current.line_manager_id != getattr(line_manager, "pk", None)
    if manager_changes:
        if effective_from < employment.start_date:
            errors.add("effective_from", "The change cannot take effect before the employment started.")
        elif current is not None and current.effective_from == effective_from:
            errors.add(
                "effective_from",
                f"There is already a change on {people_date(effective_from)}; amend that one.",
            )
    elif current is None and line_manager is not None:
        errors.add("effective_from", "No terms are in force on that date.")
    errors.raise_if_any()

    def summary(manager: Employment | None) -> dict[str, Any]:
        return {
            "job_title": employment.job_title,
            "org_unit": employment.org_unit.code if employment.org_unit else "",
            "line_manager": manager.payroll_number if manager else "",
        }

    old_manager = current.line_manager if current is not None else None
    before = summary(old_manager)
    employment.job_title = title
    employment.org_unit = org_unit
    employment.save(update_fields=["job_title", "org_unit"])
    if manager_changes and current is not None:
        new_terms = replace(Terms.of(current), line_manager=line_manager)
        _new_terms_row(employment, new_terms, effective_from, reason.strip()).save()
    after = summary(line_manager if manager_changes else old_manager)
    changed = [k for k in before if before[k] != after[k]]
    if not changed:
        raise ValidationError({"job_title": "Nothing has changed."})
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="employment.job_changed",
        target=employment,
        before={k: before[k] for k in changed},
        after={
            **{k: after[k] for k in changed},
            **({"effective_from": effective_from} if "line_manager" in changed else {}),
            "reason": reason.strip(),
        },
    )
    return employment
