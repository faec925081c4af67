"""Every change to people, employments, posts, splits, secondments, transfers and absence.

Each function is one transaction that checks permission on the partner concerned, validates
what the database cannot, writes, and records its audit event. Bank details never enter an
audit event in full."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import validators
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    BankChangeStatus,
    BankDetailsChange,
    ContractType,
    CostSplit,
    CostSplitShare,
    Employment,
    EmploymentTerms,
    OrgUnit,
    PayFrequency,
    PayPoint,
    PensionScheme,
    Person,
    Post,
    PostHolding,
    Secondment,
    TaxBasis,
    TermsScheme,
    TupeTransfer,
    TupeTransferItem,
)
from joinedup.people.rules import pay_rate_on, working_days_between
from joinedup.people.selectors import leave_balance

ONE_DAY = timedelta(days=1)
BANK_FIELDS = frozenset({"bank_sort_code", "bank_account_number", "bank_account_name"})
HUNDRED = Decimal(100)

# --- value objects the services take ---------------------------------------------------------


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    ni_number: str
    gender: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    bank_sort_code: str = ""
    bank_account_number: str = ""
    bank_account_name: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""


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


def _person_summary(person: Person) -> dict[str, Any]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "ni_number": person.ni_number,
        "email": person.email,
        "phone": person.phone,
        "address_line1": person.address_line1,
        "address_line2": person.address_line2,
        "town": person.town,
        "postcode": person.postcode,
        "emergency_contact_name": person.emergency_contact_name,
        "emergency_contact_phone": person.emergency_contact_phone,
        "bank_account": person.masked_account,
    }


# --- validation shared by the services -------------------------------------------------------


class Errors:
    """Collects field errors so a caller hears about every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.fields.setdefault(field_name, []).append(message)

    def check(self, field_name: str, fn: Any, value: Any) -> Any:
        try:
            return fn(value)
        except ValueError as exc:
            self.add(field_name, str(exc))
            return value

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def clean_person(details: PersonDetails, errors: Errors) -> PersonDetails:
    given = details.given_name.strip()
    family = details.family_name.strip()
    if not given:
        errors.add("given_name", "Enter the given name.")
    if not family:
        errors.add("family_name", "Enter the family name.")
    today = timezone.localdate()
    if details.date_of_birth > today - timedelta(days=365 * 13):
        errors.add("date_of_birth", "The date of birth makes this person younger than 13.")
    ni = errors.check("ni_number", validators.ni_number, details.ni_number)
    if details.gender not in ("", "F", "M"):
        errors.add("gender", "Choose F or M, as HMRC records it.")
    postcode = (
        errors.check("postcode", validators.postcode, details.postcode) if details.postcode.strip() else ""
    )
    sort_code = details.bank_sort_code.strip()
    account = details.bank_account_number.strip()
    if sort_code or account:
        sort_code = errors.check("bank_sort_code", validators.sort_code, sort_code)
        account = errors.check("bank_account_number", validators.account_number, account)
    return replace(
        details,
        given_name=given,
        family_name=family,
        ni_number=ni,
        postcode=postcode,
        bank_sort_code=sort_code,
        bank_account_number=account,
    )


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


# --- people and employments ------------------------------------------------------------------


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
    service_date = continuous_service_date or start_date
    if service_date > start_date:
        errors.add("continuous_service_date", "Continuous service cannot start after the employment.")
    if pay_frequency not in PayFrequency.values:
        errors.add("pay_frequency", f"Choose one of: {', '.join(PayFrequency.values)}.")
    if post is not None and post.partner_id != partner.pk:
        errors.add("post", "The post belongs to another partner.")
    existing = Person.objects.unscoped(reason="match a new hire by NI number").filter(
        ni_number=person.ni_number
    )
    known = existing.first() if "ni_number" not in errors.fields else None
    if known is not None and known.date_of_birth != person.date_of_birth:
        # Say no more than that: the other partner's record is not ours to reveal.
        errors.add("ni_number", "This National Insurance number is held by someone else. Check it.")
    errors.raise_if_any()

    created_person = known is None
    record = known or Person.objects.create(**person.__dict__)
    employment = Employment.objects.create(
        partner=partner,
        person=record,
        payroll_number=payroll_number,
        start_date=start_date,
        continuous_service_date=service_date,
        pay_frequency=pay_frequency,
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
            "effective_from", f"There is already a change on {effective_from:%d %B %Y}; amend that one."
        )
    new = clean_terms(replace(Terms.of(current), **changes), employment.partner, errors)
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
def employment_end(*, actor: Any, employment: Employment, end_date: date, reason: str) -> Employment:
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if employment.end_date is not None:
        errors.add("end_date", f"This employment already ended on {employment.end_date:%d %B %Y}.")
    if end_date < employment.start_date:
        errors.add("end_date", "The end date is before the start date.")
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
def person_update(*, actor: Any, person: Person, changes: dict[str, str]) -> Person:
    """Change a person's contact or address details: their own, or as HR for a partner that
    employs them. Bank details change only through ``bank_change_request`` and a second
    person's ``bank_change_verify``."""
    if BANK_FIELDS & set(changes):
        raise ValidationError(
            {
                name: "Bank details change only when a second person verifies the change."
                for name in sorted(BANK_FIELDS & set(changes))
            }
        )
    allowed = {
        "email",
        "phone",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "bank_sort_code",
        "bank_account_number",
        "bank_account_name",
        "emergency_contact_name",
        "emergency_contact_phone",
    }
    employers = list(
        Employment.objects.unscoped(reason="which partners employ this person")
        .filter(person=person)
        .values_list("partner_id", flat=True)
    )
    is_self = person.user_id is not None and person.user_id == getattr(actor, "pk", None)
    if not is_self and not any(has_permission(actor, "people.change", pid) for pid in employers):
        raise PermissionDenied("You cannot change this person's details.")
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    if not changes:
        raise ValidationError("Nothing has changed.")
    errors = Errors()
    current = PersonDetails(**{f: getattr(person, f) for f in PersonDetails.__dataclass_fields__})
    cleaned = clean_person(replace(current, **changes), errors)  # type: ignore[arg-type]  # text fields only
    errors.raise_if_any()
    before = _person_summary(person)
    for name in changes:
        setattr(person, name, getattr(cleaned, name))
    person.save()
    after = _person_summary(person)
    for partner_id in sorted(set(employers)):
        record_event(
            actor=actor,
            partner=partner_id,
            action="person.updated",
            target=person,
            before={k: v for k, v in before.items() if before[k] != after[k]},
            after={k: v for k, v in after.items() if before[k] != after[k]},
        )
    return person


# --- establishment ----------------------------------------------------------------------------


@transaction.atomic
def org_unit_create(
    *, actor: Any, partner: Partner, code: str, name: str, parent: OrgUnit | None = None
) -> OrgUnit:
    authorise(actor, "people.change", partner)
    if parent is not None and parent.partner_id != partner.pk:
        raise ValidationError({"parent": "The parent unit belongs to another partner."})
    if OrgUnit.objects.for_partner(partner).filter(code=code.strip()).exists():
        raise ValidationError({"code": f"{partner.name} already has a unit {code.strip()}."})
    unit = OrgUnit.objects.create(partner=partner, code=code.strip(), name=name.strip(), parent=parent)
    record_event(
        actor=actor,
        partner=partner,
        action="org_unit.created",
        target=unit,
        after={"code": unit.code, "name": unit.name, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def post_create(
    *,
    actor: Any,
    partner: Partner,
    code: str,
    title: str,
    org_unit: OrgUnit,
    scheme: TermsScheme,
    grade_min: PayPoint,
    grade_max: PayPoint,
    budgeted_fte: Decimal,
    cost_centre: str,
    start_date: date,
    funded: bool = True,
) -> Post:
    authorise(actor, "people.change", partner)
    errors = Errors()
    if org_unit.partner_id != partner.pk:
        errors.add("org_unit", "The unit belongs to another partner.")
    for name, point in (("grade_min", grade_min), ("grade_max", grade_max)):
        if point.scheme_id != scheme.pk:
            errors.add(name, f"Point {point.code} is not on the {scheme.name} scale.")
    if grade_min.sort > grade_max.sort:
        errors.add("grade_max", "The top of the grade is below its bottom.")
    if budgeted_fte < 0:
        errors.add("budgeted_fte", "Budgeted FTE cannot be negative.")
    if Post.objects.for_partner(partner).filter(code=code.strip()).exists():
        errors.add("code", f"{partner.name} already has a post {code.strip()}.")
    if not cost_centre.strip():
        errors.add("cost_centre", "Enter the cost centre.")
    errors.raise_if_any()
    post = Post.objects.create(
        partner=partner,
        code=code.strip(),
        title=title.strip(),
        org_unit=org_unit,
        scheme=scheme,
        grade_min=grade_min,
        grade_max=grade_max,
        budgeted_fte=budgeted_fte,
        cost_centre=cost_centre.strip(),
        start_date=start_date,
        funded=funded,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="post.created",
        target=post,
        after={
            "code": post.code,
            "title": post.title,
            "budgeted_fte": budgeted_fte,
            "cost_centre": post.cost_centre,
            "funded": funded,
        },
    )
    return post


@transaction.atomic
def post_fill(
    *, actor: Any, post: Post, employment: Employment, fte: Decimal, start_date: date
) -> PostHolding:
    authorise(actor, "people.change", post.partner_id)
    errors = Errors()
    if employment.partner_id != post.partner_id:
        errors.add("employment", "Only the post's own partner's staff can fill it; use a secondment.")
    if not (Decimal(0) < fte <= Decimal(1)):
        errors.add("fte", "FTE must be more than 0 and at most 1.")
    if not employment.is_active_on(start_date):
        errors.add("start_date", "The employment is not active on that date.")
    errors.raise_if_any()
    holding = PostHolding.objects.create(
        partner_id=post.partner_id, post=post, employment=employment, fte=fte, start_date=start_date
    )
    record_event(
        actor=actor,
        partner=post.partner_id,
        action="post.filled",
        target=post,
        after={"employment": employment.payroll_number, "fte": fte, "start_date": start_date},
    )
    return holding


# --- shared posts, secondments, TUPE ---------------------------------------------------------


@transaction.atomic
def cost_split_set(
    *,
    actor: Any,
    employment: Employment,
    effective_from: date,
    effective_to: date | None,
    shares: list[tuple[Partner, Decimal]],
    reason: str,
) -> CostSplit:
    """Share an employment's cost between partners from ``effective_from`` (to
    ``effective_to``, or open-ended). The shares must add up to exactly 100%."""
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if effective_to is not None and effective_to < effective_from:
        errors.add("effective_to", "The split ends before it starts.")
    total = sum((percent for _, percent in shares), Decimal(0))
    if total != HUNDRED:
        errors.add("shares", f"The shares add up to {total}%, not 100%.")
    seen: set[int] = set()
    for partner, percent in shares:
        if percent <= 0:
            errors.add("shares", f"{partner.name}'s share must be more than 0%.")
        if partner.pk in seen:
            errors.add("shares", f"{partner.name} appears twice.")
        seen.add(partner.pk)
        if not partner.active:
            errors.add("shares", f"{partner.name} is not an active partner.")
    overlapping = CostSplit.objects.for_partner(employment.partner_id).filter(employment=employment)
    overlapping = overlapping.exclude(effective_to__lt=effective_from)
    if effective_to is not None:
        overlapping = overlapping.exclude(effective_from__gt=effective_to)
    if overlapping.exists():
        errors.add("effective_from", "Another cost split covers part of these dates; end it first.")
    if not reason.strip():
        errors.add("reason", "Say why the cost is shared.")
    errors.raise_if_any()
    split = CostSplit.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        effective_from=effective_from,
        effective_to=effective_to,
        reason=reason.strip(),
    )
    CostSplitShare.objects.bulk_create(
        [
            CostSplitShare(partner_id=employment.partner_id, split=split, charged_partner=p, percent=pc)
            for p, pc in shares
        ]
    )
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="cost_split.set",
        target=employment,
        after={
            "effective_from": effective_from,
            "effective_to": effective_to,
            "reason": split.reason,
            "shares": {p.code: pc for p, pc in shares},
        },
    )
    return split


@transaction.atomic
def secondment_create(
    *,
    actor: Any,
    employment: Employment,
    host_partner: Partner,
    role_title: str,
    start_date: date,
    end_date: date,
    recharge_percent: Decimal = HUNDRED,
) -> Secondment:
    authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if host_partner.pk == employment.partner_id:
        errors.add("host_partner", "A secondment is to another partner.")
    if not host_partner.active:
        errors.add("host_partner", f"{host_partner.name} is not an active partner.")
    if end_date < start_date:
        errors.add("end_date", "The secondment ends before it starts.")
    if not employment.is_active_on(start_date):
        errors.add("start_date", "The employment is not active on that date.")
    if not (0 <= recharge_percent <= HUNDRED):
        errors.add("recharge_percent", "The recharge is a percentage from 0 to 100.")
    clash = Secondment.objects.for_partner(employment.partner_id).filter(
        employment=employment, start_date__lte=end_date, end_date__gte=start_date
    )
    if clash.exists():
        errors.add("start_date", "The employee is already seconded for part of these dates.")
    errors.raise_if_any()
    secondment = Secondment.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        host_partner=host_partner,
        role_title=role_title.strip(),
        start_date=start_date,
        end_date=end_date,
        recharge_percent=recharge_percent,
    )
    details = {
        "employment": employment.payroll_number,
        "host": host_partner.code,
        "role_title": role_title,
        "start_date": start_date,
        "end_date": end_date,
        "recharge_percent": recharge_percent,
    }
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="secondment.created",
        target=secondment,
        after=details,
    )
    record_event(
        actor=actor, partner=host_partner, action="secondment.hosted", target=secondment, after=details
    )
    return secondment


@dataclass
class TransferResult:
    transfer: TupeTransfer
    new_employments: list[Employment] = field(default_factory=list)


@transaction.atomic
def tupe_transfer(
    *,
    actor: Any,
    from_partner: Partner,
    to_partner: Partner,
    transfer_date: date,
    reference: str,
    employments: list[Employment],
    measures: str = "",
) -> TransferResult:
    """Move employments to a new employer in one operation. Each person's continuous
    service, pay point, scheme, hours, pension and tax details carry over, and the new
    terms are flagged as protected. Payroll numbers are kept (they must be free at the new
    employer). Nothing changes unless every employment can move."""
    authorise(actor, "people.change", from_partner)
    authorise(actor, "people.change", to_partner)
    errors = Errors()
    if from_partner.pk == to_partner.pk:
        errors.add("to_partner", "The transferee must be another employer.")
    if not employments:
        errors.add("employments", "Choose the employments that transfer.")
    if not reference.strip():
        errors.add("reference", "Give the transfer a reference.")
    elif (
        TupeTransfer.objects.for_partner(from_partner)
        .filter(partner=from_partner, reference=reference.strip())
        .exists()
    ):
        errors.add("reference", f"{from_partner.name} already has a transfer {reference.strip()}.")
    day_before = transfer_date - ONE_DAY
    taken = set(
        Employment.objects.for_partner(to_partner)
        .filter(payroll_number__in=[e.payroll_number for e in employments])
        .values_list("payroll_number", flat=True)
    )
    carried: list[tuple[Employment, EmploymentTerms]] = []
    for employment in employments:
        label = f"employment {employment.payroll_number}"
        if employment.partner_id != from_partner.pk:
            errors.add("employments", f"{label} is not employed by {from_partner.name}.")
            continue
        if not employment.is_active_on(day_before) or employment.end_date is not None:
            errors.add("employments", f"{label} is not active the day before the transfer.")
            continue
        if employment.payroll_number in taken:
            errors.add("employments", f"{label}: {to_partner.name} already uses that payroll number.")
            continue
        current = terms_on(employment, day_before)
        if current is None:
            errors.add("employments", f"{label} has no terms in force the day before the transfer.")
            continue
        carried.append((employment, current))
    errors.raise_if_any()

    transfer = TupeTransfer.objects.create(
        partner=from_partner,
        to_partner=to_partner,
        transfer_date=transfer_date,
        reference=reference.strip(),
        measures=measures.strip(),
    )
    result = TransferResult(transfer)
    for old, current in carried:
        old.end_date = day_before
        old.end_reason = f"TUPE transfer to {to_partner.name} ({transfer.reference})"
        old.save(update_fields=["end_date", "end_reason"])
        PostHolding.objects.for_partner(from_partner).filter(employment=old, end_date__isnull=True).update(
            end_date=day_before
        )
        new = Employment.objects.create(
            partner=to_partner,
            person_id=old.person_id,
            payroll_number=old.payroll_number,
            start_date=transfer_date,
            continuous_service_date=old.continuous_service_date,
            pay_frequency=old.pay_frequency,
            transferred_from=old,
        )
        protected = replace(Terms.of(current), protected=True, line_manager=None)
        _new_terms_row(new, protected, transfer_date, f"TUPE transfer {transfer.reference}").save()
        TupeTransferItem.objects.create(
            partner=from_partner, transfer=transfer, old_employment=old, new_employment=new
        )
        result.new_employments.append(new)
    moved = [old.payroll_number for old, _ in carried]
    summary = {
        "reference": transfer.reference,
        "from": from_partner.code,
        "to": to_partner.code,
        "transfer_date": transfer_date,
        "employments": moved,
    }
    record_event(
        actor=actor, partner=from_partner, action="tupe.transferred_out", target=transfer, after=summary
    )
    record_event(
        actor=actor, partner=to_partner, action="tupe.transferred_in", target=transfer, after=summary
    )
    return result


def _days(value: Decimal) -> str:
    """12.5 → "12.5", 25.0 → "25": days as people write them."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


# --- absence ----------------------------------------------------------------------------------


def _is_self(actor: Any, employment: Employment) -> bool:
    return bool(actor is not None and employment.person.user_id == actor.pk)


def _manages(actor: Any, employment: Employment, on: date) -> bool:
    current = terms_on(employment, on)
    return bool(
        current is not None
        and current.line_manager is not None
        and current.line_manager.person.user_id is not None
        and current.line_manager.person.user_id == getattr(actor, "pk", None)
    )


@transaction.atomic
def absence_request(
    *, actor: Any, employment: Employment, kind: str, start_date: date, end_date: date, notes: str = ""
) -> Absence:
    """An employee asks for leave (or HR enters a request for them)."""
    if not _is_self(actor, employment):
        authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if kind not in AbsenceKind.values or kind == AbsenceKind.SICKNESS:
        errors.add("kind", "Choose a kind of leave; sickness is recorded, not requested.")
    if end_date < start_date:
        errors.add("end_date", "The leave ends before it starts.")
    elif not employment.is_active_on(start_date) or not employment.is_active_on(end_date):
        errors.add("start_date", "The dates fall outside the employment.")
    errors.raise_if_any()
    days = working_days_between(start_date, end_date)
    if days == 0:
        errors.add("end_date", "These dates cover no working days.")
    clash = Absence.objects.for_partner(employment.partner_id).filter(
        employment=employment,
        start_date__lte=end_date,
        end_date__gte=start_date,
        status__in=[AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED, AbsenceStatus.RECORDED],
    )
    if clash.exists():
        errors.add("start_date", "There is already an absence on some of these dates.")
    if kind == AbsenceKind.ANNUAL_LEAVE and not errors.fields:
        balance = leave_balance(employment, on=start_date)
        if days > balance.remaining:
            errors.add(
                "end_date",
                f"This needs {_days(days)} days; {_days(balance.remaining)} remain this leave year.",
            )
    errors.raise_if_any()
    absence = Absence.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        working_days=days,
        status=AbsenceStatus.REQUESTED,
        notes=notes.strip(),
    )
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="absence.requested",
        target=absence,
        after={"kind": kind, "start_date": start_date, "end_date": end_date, "working_days": days},
    )
    return absence


@transaction.atomic
def absence_request_own(
    *,
    actor: Any,
    employment_id: int | str | None,
    kind: str,
    start_date: date,
    end_date: date,
    notes: str = "",
) -> Absence:
    """An employee asks for leave from one of their own current employments: the one they
    chose (``employment_id``), or their only one when they chose none. An employment that is
    not theirs, or has ended, is refused — never swapped for another."""
    person = getattr(actor, "person", None) if actor is not None else None
    current = (
        list(
            Employment.objects.unscoped(reason="a person requests leave from their own employments")
            .filter(person=person, end_date__isnull=True)
            .select_related("person", "partner")
            .order_by("pk")
        )
        if person is not None
        else []
    )
    if not current:
        raise ValidationError({"employment": "You have no current employment to request leave from."})
    if employment_id in (None, ""):
        if len(current) > 1:
            raise ValidationError({"employment": "Choose which of your employments the leave is from."})
        chosen: Employment | None = current[0]
    else:
        chosen = next((e for e in current if str(e.pk) == str(employment_id)), None)
    if chosen is None:
        raise ValidationError({"employment": "Choose one of your current employments for the leave."})
    return absence_request(
        actor=actor, employment=chosen, kind=kind, start_date=start_date, end_date=end_date, notes=notes
    )


@transaction.atomic
def absence_decide(*, actor: Any, absence: Absence, approve: bool, note: str = "") -> Absence:
    """The line manager (or an HR officer of the partner) approves or rejects a request;
    nobody decides their own."""
    employment = absence.employment
    if _is_self(actor, employment):
        raise PermissionDenied("You cannot decide your own leave request.")
    if not _manages(actor, employment, absence.start_date):
        authorise(actor, "people.change", absence.partner_id)
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError({"status": f"This request is already {absence.get_status_display().lower()}."})
    absence.status = AbsenceStatus.APPROVED if approve else AbsenceStatus.REJECTED
    absence.decided_by = actor
    absence.decided_at = timezone.now()
    if note.strip():
        absence.notes = f"{absence.notes}\n{note.strip()}".strip()
    absence.save(update_fields=["status", "decided_by", "decided_at", "notes"])
    record_event(
        actor=actor,
        partner=absence.partner_id,
        action=f"absence.{absence.status}",
        target=absence,
        before={"status": AbsenceStatus.REQUESTED},
        after={"status": absence.status, "note": note.strip()},
    )
    return absence


@transaction.atomic
def sickness_record(
    *,
    actor: Any,
    employment: Employment,
    start_date: date,
    end_date: date,
    notes: str = "",
    fit_note_from: date | None = None,
    fit_note_to: date | None = None,
) -> Absence:
    if not _manages(actor, employment, start_date):
        authorise(actor, "people.change", employment.partner_id)
    errors = Errors()
    if end_date < start_date:
        errors.add("end_date", "The absence ends before it starts.")
    if (fit_note_from is None) != (fit_note_to is None):
        errors.add("fit_note_to", "Give both dates of the fit note.")
    elif fit_note_from and fit_note_to and fit_note_to < fit_note_from:
        errors.add("fit_note_to", "The fit note ends before it starts.")
    errors.raise_if_any()
    absence = Absence.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        kind=AbsenceKind.SICKNESS,
        start_date=start_date,
        end_date=end_date,
        working_days=working_days_between(start_date, end_date),
        status=AbsenceStatus.RECORDED,
        notes=notes.strip(),
        fit_note_from=fit_note_from,
        fit_note_to=fit_note_to,
    )
    # The notes may hold health details: special-category data stays out of the audit trail.
    record_event(
        actor=actor,
        partner=employment.partner_id,
        action="absence.sickness_recorded",
        target=absence,
        after={"start_date": start_date, "end_date": end_date, "fit_note": fit_note_from is not None},
    )
    return absence


# --- job title, unit and line manager -----------------------------------------------------------


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
                "effective_from", f"There is already a change on {effective_from:%d %B %Y}; amend that one."
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


# --- bank details: asked for by one person, verified by a second --------------------------------


def _bank_summary(sort_code: str, account: str, name: str) -> dict[str, str]:
    """Bank details as the audit trail keeps them: enough to recognise, not to use."""
    return {
        "sort_code": f"{sort_code[:2]}-**-**" if sort_code else "",
        "bank_account": f"****{account[-4:]}" if account else "",
        "account_name": name,
    }


def _employers_of(person: Person) -> list[int]:
    return sorted(
        set(
            Employment.objects.unscoped(reason="which partners employ this person")
            .filter(person=person)
            .values_list("partner_id", flat=True)
        )
    )


@transaction.atomic
def bank_change_request(
    *,
    actor: Any,
    person: Person,
    partner: Partner,
    sort_code: str,
    account_number: str,
    account_name: str = "",
) -> BankDetailsChange:
    """Ask for a person's pay to go to a new account: the person themselves, or an HR officer
    of ``partner`` (which must employ them). Nothing changes until a second person verifies it;
    payroll keeps paying the old account meanwhile."""
    employers = _employers_of(person)
    if partner.pk not in employers:
        raise PermissionDenied("This partner does not employ this person.")
    is_self = actor is not None and person.user_id is not None and person.user_id == actor.pk
    if not is_self:
        authorise(actor, "people.change", partner)
    errors = Errors()
    sort = errors.check("bank_sort_code", validators.sort_code, sort_code.strip())
    account = errors.check("bank_account_number", validators.account_number, account_number.strip())
    name = account_name.strip()
    if len(name) > 100:
        errors.add("bank_account_name", "The name on the account must be 100 characters or fewer.")
    errors.raise_if_any()
    if (sort, account) == (person.bank_sort_code, person.bank_account_number):
        raise ValidationError({"bank_account_number": "These are the bank details already held."})
    waiting = BankDetailsChange.objects.for_partners(employers).filter(
        person=person, status=BankChangeStatus.PENDING
    )
    if waiting.exists():
        raise ValidationError(
            {
                "bank_account_number": "A bank change is already waiting to be verified; it must be "
                "verified or rejected first."
            }
        )
    change = BankDetailsChange.objects.create(
        partner=partner,
        person=person,
        bank_sort_code=sort,
        bank_account_number=account,
        bank_account_name=name,
        requested_by=actor,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="person.bank_change_requested",
        target=person,
        before=_bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name),
        after={**_bank_summary(sort, account, name), "change": change.pk},
    )
    return change


def _authorise_bank_decision(actor: Any, change: BankDetailsChange) -> None:
    if actor is not None and change.person.user_id == actor.pk:
        raise PermissionDenied("Nobody can verify a change to their own bank details.")
    authorise(actor, "people.verify_bank_change", change.partner_id)
    if change.status != BankChangeStatus.PENDING:
        raise ValidationError({"status": f"This change is already {change.status}."})


@transaction.atomic
def bank_change_verify(*, actor: Any, change: BankDetailsChange) -> Person:
    """A second person — an HR or payroll officer of the partner, not the requester and not
    the person paid — confirms the change (having called the person on a number already held,
    say); the new account is paid from the next calculation."""
    if actor is not None and change.requested_by_id == actor.pk:
        raise PermissionDenied("A second person must verify this change, not the person who asked for it.")
    _authorise_bank_decision(actor, change)
    person = change.person
    before = _bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name)
    person.bank_sort_code = change.bank_sort_code
    person.bank_account_number = change.bank_account_number
    person.bank_account_name = change.bank_account_name
    person.save(update_fields=["bank_sort_code", "bank_account_number", "bank_account_name"])
    change.status = BankChangeStatus.VERIFIED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        partner=change.partner_id,
        action="person.bank_change_verified",
        target=person,
        before=before,
        after={
            **_bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name),
            "change": change.pk,
            "requested_by": change.requested_by.get_username(),
        },
    )
    return person


@transaction.atomic
def bank_change_reject(*, actor: Any, change: BankDetailsChange, note: str) -> BankDetailsChange:
    """An HR or payroll officer of the partner turns the change down (it could not be
    confirmed with the person, say); the account held stays as it is."""
    _authorise_bank_decision(actor, change)
    if not note.strip():
        raise ValidationError({"note": "Say why the change is rejected."})
    change.status = BankChangeStatus.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.note = note.strip()[:300]
    change.save(update_fields=["status", "decided_by", "decided_at", "note"])
    record_event(
        actor=actor,
        partner=change.partner_id,
        action="person.bank_change_rejected",
        target=change.person,
        before={"status": BankChangeStatus.PENDING, "change": change.pk},
        after={"status": change.status, "note": change.note},
    )
    return change


# --- an employee's own leave --------------------------------------------------------------------


@transaction.atomic
def absence_cancel_own(*, actor: Any, absence: Absence) -> Absence:
    """An employee withdraws their own leave request while it still waits for a decision."""
    if not _is_self(actor, absence.employment):
        raise PermissionDenied("You can only cancel your own leave requests.")
    if absence.status != AbsenceStatus.REQUESTED:
        raise ValidationError(
            {
                "status": f"Only a request waiting for a decision can be cancelled; this one is "
                f"{absence.get_status_display().lower()}."
            }
        )
    absence.status = AbsenceStatus.CANCELLED
    absence.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=absence.partner_id,
        action="absence.cancelled",
        target=absence,
        before={"status": AbsenceStatus.REQUESTED},
        after={"status": AbsenceStatus.CANCELLED},
    )
    return absence
