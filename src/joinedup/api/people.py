"""People, employments, establishment, secondments, transfers and absence over JSON.

Endpoints parse, find the object through a selector (404 outside the caller's partners),
call one service, and render. Decimals (FTE, percentages) are accepted as strings to stay
exact."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn, DecimalIn, IdIn
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.partnership.selectors import partner_for
from joinedup.people import selectors, services
from joinedup.people.models import Absence, Employment, PayPoint, Post, TermsScheme

router = Router(tags=["people"])


# --- schemas ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date
    ni_number: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    bank_sort_code: str
    bank_account_number: str

    @staticmethod
    def resolve_bank_sort_code(obj: Any) -> str:
        return str(obj.masked_sort_code)

    @staticmethod
    def resolve_bank_account_number(obj: Any) -> str:
        return str(obj.masked_account)


class EmploymentOut(Schema):
    id: int
    partner_id: int
    person_id: int
    payroll_number: str
    start_date: date
    continuous_service_date: date
    end_date: date | None
    end_reason: str
    pay_frequency: str
    transferred_from_id: int | None


class TermsOut(Schema):
    id: int
    effective_from: date
    contract_type: str
    fte: Decimal
    weekly_hours: Decimal
    scheme: str
    pay_point: str
    line_manager_id: int | None
    tax_code: str
    tax_basis: str
    ni_category: str
    student_loan_plans: str
    pension_scheme: str
    starter_declaration: str
    protected: bool
    reason: str

    @staticmethod
    def resolve_scheme(obj: Any) -> str:
        return str(obj.scheme.code)

    @staticmethod
    def resolve_pay_point(obj: Any) -> str:
        return str(obj.pay_point.code)


class SearchHitOut(Schema):
    person_id: int
    name: str
    ni_number: str
    employments: list[EmploymentOut]


class PersonDetailOut(Schema):
    person: PersonOut
    employments: list[EmploymentOut]


class PersonIn(Schema):
    given_name: str
    family_name: str
    date_of_birth: DateIn
    ni_number: str
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


class TermsIn(Schema):
    contract_type: str = "permanent"
    fte: DecimalIn
    weekly_hours: DecimalIn
    scheme: str
    pay_point: str
    tax_code: str = "1257L"
    tax_basis: str = "cumulative"
    ni_category: str = "A"
    student_loan_plans: str = ""
    pension_scheme: str = "none"
    starter_declaration: str = ""
    line_manager_id: int | None = None


class HireIn(Schema):
    person: PersonIn
    payroll_number: str
    start_date: DateIn
    continuous_service_date: DateIn | None = None
    pay_frequency: str = "monthly"
    post_id: int | None = None
    terms: TermsIn


class TermsChangeIn(Schema):
    effective_from: DateIn
    reason: str
    override_reason: str = ""
    fte: DecimalIn | None = None
    weekly_hours: DecimalIn | None = None
    pay_point: str | None = None
    contract_type: str | None = None
    tax_code: str | None = None
    tax_basis: str | None = None
    ni_category: str | None = None
    student_loan_plans: str | None = None
    pension_scheme: str | None = None
    line_manager_id: int | None = None


class EndIn(Schema):
    end_date: DateIn
    reason: str


class ShareIn(Schema):
    partner_id: IdIn
    percent: DecimalIn


class CostSplitIn(Schema):
    effective_from: DateIn
    effective_to: DateIn | None = None
    reason: str
    shares: list[ShareIn]


class ShareOut(Schema):
    partner_id: int
    percent: Decimal

    @staticmethod
    def resolve_partner_id(obj: Any) -> int:
        return int(obj.charged_partner_id)


class CostSplitOut(Schema):
    id: int
    effective_from: date
    effective_to: date | None
    reason: str
    shares: list[ShareOut]

    @staticmethod
    def resolve_shares(obj: Any) -> list[Any]:
        return list(obj.shares.all())


class PostOut(Schema):
    id: int
    partner_id: int
    code: str
    title: str
    org_unit: str
    scheme: str
    grade_min: str
    grade_max: str
    budgeted_fte: Decimal
    cost_centre: str
    funded: bool
    start_date: date
    end_date: date | None

    @staticmethod
    def resolve_org_unit(obj: Any) -> str:
        return str(obj.org_unit.code)

    @staticmethod
    def resolve_scheme(obj: Any) -> str:
        return str(obj.scheme.code)

    @staticmethod
    def resolve_grade_min(obj: Any) -> str:
        return str(obj.grade_min.code)

    @staticmethod
    def resolve_grade_max(obj: Any) -> str:
        return str(obj.grade_max.code)


class EstablishmentOut(Schema):
    post: PostOut
    filled_fte: Decimal
    vacant_fte: Decimal
    status: str


class SecondmentIn(Schema):
    host_partner_id: int
    role_title: str
    start_date: DateIn
    end_date: DateIn
    recharge_percent: DecimalIn = Decimal(100)


class SecondmentOut(Schema):
    id: int
    partner_id: int
    host_partner_id: int
    employment_id: int
    person_name: str
    role_title: str
    start_date: date
    end_date: date
    recharge_percent: Decimal

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.employment.person.full_name)


class TransferIn(Schema):
    to_partner_id: int
    transfer_date: DateIn
    reference: str
    employment_ids: list[int]
    measures: str = ""


class TransferOut(Schema):
    id: int
    partner_id: int
    to_partner_id: int
    transfer_date: date
    reference: str
    measures: str
    items: list[dict[str, int]]

    @staticmethod
    def resolve_items(obj: Any) -> list[dict[str, int]]:
        return [
            {"old_employment_id": i.old_employment_id, "new_employment_id": i.new_employment_id}
            for i in obj.items.all()
        ]


class AbsenceIn(Schema):
    kind: str
    start_date: DateIn
    end_date: DateIn
    notes: str = ""


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class AbsenceOut(Schema):
    id: int
    partner_id: int
    employment_id: int
    kind: str
    start_date: date
    end_date: date
    working_days: Decimal
    status: str


class LeaveBalanceOut(Schema):
    year_start: date
    entitlement: Decimal
    taken_or_booked: Decimal
    remaining: Decimal


# --- helpers ---------------------------------------------------------------------------------


def _scheme(code: str) -> TermsScheme:
    scheme = TermsScheme.objects.filter(code=code).first()
    if scheme is None:
        raise ValidationError({"scheme": f"No terms-and-conditions scheme {code!r}."})
    return scheme


def _point(scheme: TermsScheme, code: str) -> PayPoint:
    point = PayPoint.objects.filter(scheme=scheme, code=code).first()
    if point is None:
        raise ValidationError({"pay_point": f"No point {code!r} on the {scheme.name} scale."})
    return point


def _manager(request: HttpRequest, partner_id: int, employment_id: int | None) -> Employment | None:
    if employment_id is None:
        return None
    manager = selectors.employment_for(request.user, employment_id=employment_id)
    if manager.partner_id != partner_id:
        raise ValidationError({"line_manager_id": "The line manager must be employed by the same partner."})
    return manager


def _partner(request: HttpRequest, partner_id: int) -> Partner:
    return partner_for(request.user, partner_id=partner_id)


# --- people and employments -----------------------------------------------------------------


@router.get("/people", response=list[SearchHitOut])
def search_people(request: HttpRequest, q: str, partner_id: int | None = None) -> list[dict[str, Any]]:
    """Search by name prefix, NI number, payroll number or post title."""
    hits = selectors.people_search(request.user, q=q, partner_ids=[partner_id] if partner_id else None)
    return [
        {
            "person_id": h.person.pk,
            "name": h.person.full_name,
            "ni_number": h.person.ni_number,
            "employments": h.employments,
        }
        for h in hits
    ]


@router.get("/people/{person_id}", response=PersonDetailOut)
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = selectors.person_for(request.user, person_id=person_id)
    return {"person": person, "employments": list(selectors.employments_of(request.user, person))}


@router.get("/partners/{partner_id}/employments", response=list[EmploymentOut])
@paginate(Pages, page_size=100)
def list_employments(request: HttpRequest, partner_id: int, active_on: DateIn | None = None) -> Any:
    partner = _partner(request, partner_id)
    authorise(request.user, "people.view", partner)
    employments = Employment.objects.for_partner(partner).order_by("payroll_number")
    if active_on is not None:
        employments = employments.filter(start_date__lte=active_on).exclude(end_date__lt=active_on)
    return employments


@router.post("/partners/{partner_id}/employments", response={201: EmploymentOut})
def hire(request: HttpRequest, partner_id: int, body: HireIn) -> Status[Employment]:
    partner = _partner(request, partner_id)
    scheme = _scheme(body.terms.scheme)
    terms = services.Terms(
        contract_type=body.terms.contract_type,
        fte=body.terms.fte,
        weekly_hours=body.terms.weekly_hours,
        scheme=scheme,
        pay_point=_point(scheme, body.terms.pay_point),
        tax_code=body.terms.tax_code,
        tax_basis=body.terms.tax_basis,
        ni_category=body.terms.ni_category,
        student_loan_plans=body.terms.student_loan_plans,
        pension_scheme=body.terms.pension_scheme,
        starter_declaration=body.terms.starter_declaration,
        line_manager=_manager(request, partner.pk, body.terms.line_manager_id),
    )
    post = selectors.post_for(request.user, post_id=body.post_id) if body.post_id else None
    employment = services.employment_start(
        actor=request.user,
        partner=partner,
        person=services.PersonDetails(**body.person.dict()),
        payroll_number=body.payroll_number,
        start_date=body.start_date,
        terms=terms,
        continuous_service_date=body.continuous_service_date,
        pay_frequency=body.pay_frequency,
        post=post,
    )
    return Status(201, employment)


@router.get("/employments/{employment_id}", response=EmploymentOut)
def get_employment(request: HttpRequest, employment_id: int) -> Employment:
    return selectors.employment_for(request.user, employment_id=employment_id)


@router.get("/employments/{employment_id}/terms", response=list[TermsOut])
def employment_terms(request: HttpRequest, employment_id: int, as_at: DateIn | None = None) -> list[Any]:
    """The terms history, or with ``as_at`` the terms in force on that date."""
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    if as_at is None:
        return list(selectors.terms_history(employment))
    terms = selectors.terms_as_at(employment, as_at)
    if terms is None:
        raise Http404("No terms in force on that date.")
    return [terms]


@router.post("/employments/{employment_id}/terms", response={201: TermsOut})
def change_terms(request: HttpRequest, employment_id: int, body: TermsChangeIn) -> Status[Any]:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    current = selectors.terms_as_at(employment, body.effective_from)
    changes: dict[str, Any] = {
        name: value
        for name, value in body.dict(exclude_unset=True).items()
        # null, like leaving a term out, keeps it as it is
        if value is not None
        and name not in ("effective_from", "reason", "override_reason", "pay_point", "line_manager_id")
    }
    if body.pay_point is not None and current is not None:
        changes["pay_point"] = _point(current.scheme, body.pay_point)
    if "line_manager_id" in body.dict(exclude_unset=True):
        changes["line_manager"] = _manager(request, employment.partner_id, body.line_manager_id)
    row = services.employment_change_terms(
        actor=request.user,
        employment=employment,
        effective_from=body.effective_from,
        reason=body.reason,
        changes=changes,
        override_reason=body.override_reason,
    )
    return Status(201, row)


@router.post("/employments/{employment_id}/end", response=EmploymentOut)
def end_employment(request: HttpRequest, employment_id: int, body: EndIn) -> Employment:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    return services.employment_end(
        actor=request.user, employment=employment, end_date=body.end_date, reason=body.reason
    )


@router.get("/employments/{employment_id}/cost-splits", response=list[CostSplitOut])
def cost_splits(request: HttpRequest, employment_id: int) -> list[Any]:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    return list(selectors.cost_splits_of(employment))


@router.post("/employments/{employment_id}/cost-splits", response={201: CostSplitOut})
def set_cost_split(request: HttpRequest, employment_id: int, body: CostSplitIn) -> Status[Any]:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    partners = {p.pk: p for p in Partner.objects.filter(pk__in=[s.partner_id for s in body.shares])}
    missing = [s.partner_id for s in body.shares if s.partner_id not in partners]
    if missing:
        raise ValidationError({"shares": [f"No partner with id {pid}." for pid in missing]})
    split = services.cost_split_set(
        actor=request.user,
        employment=employment,
        effective_from=body.effective_from,
        effective_to=body.effective_to,
        reason=body.reason,
        shares=[(partners[s.partner_id], s.percent) for s in body.shares],
    )
    return Status(201, split)


@router.get("/employments/{employment_id}/leave-balance", response=LeaveBalanceOut)
def leave_balance(request: HttpRequest, employment_id: int, on: DateIn | None = None) -> Any:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    return selectors.leave_balance(employment, on=on or timezone.localdate())


# --- establishment ----------------------------------------------------------------------------


@router.get("/partners/{partner_id}/posts", response=list[PostOut])
@paginate(Pages, page_size=100)
def list_posts(request: HttpRequest, partner_id: int) -> Any:
    return selectors.posts_for(request.user, partner=_partner(request, partner_id))


@router.get("/posts/{post_id}", response=PostOut)
def get_post(request: HttpRequest, post_id: int) -> Post:
    return selectors.post_for(request.user, post_id=post_id)


@router.get("/partners/{partner_id}/establishment", response=list[EstablishmentOut])
def get_establishment(request: HttpRequest, partner_id: int, on: DateIn | None = None) -> list[Any]:
    return selectors.establishment(request.user, partner=_partner(request, partner_id), on=on)


# --- secondments and transfers ---------------------------------------------------------------


@router.get("/partners/{partner_id}/secondments", response=list[SecondmentOut])
def list_secondments(request: HttpRequest, partner_id: int) -> list[Any]:
    return list(selectors.secondments_for(request.user, partner=_partner(request, partner_id)))


@router.get("/secondments/{secondment_id}", response=SecondmentOut)
def get_secondment(request: HttpRequest, secondment_id: int) -> Any:
    return selectors.secondment_for(request.user, secondment_id=secondment_id)


@router.post("/employments/{employment_id}/secondments", response={201: SecondmentOut})
def second(request: HttpRequest, employment_id: int, body: SecondmentIn) -> Status[Any]:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    host = Partner.objects.filter(pk=body.host_partner_id, active=True).first()
    if host is None:
        raise ValidationError({"host_partner_id": "No such partner."})
    secondment = services.secondment_create(
        actor=request.user,
        employment=employment,
        host_partner=host,
        role_title=body.role_title,
        start_date=body.start_date,
        end_date=body.end_date,
        recharge_percent=body.recharge_percent,
    )
    return Status(201, secondment)


@router.get("/partners/{partner_id}/transfers", response=list[TransferOut])
def list_transfers(request: HttpRequest, partner_id: int) -> list[Any]:
    return list(selectors.transfers_for(request.user, partner=_partner(request, partner_id)))


@router.get("/transfers/{transfer_id}", response=TransferOut)
def get_transfer(request: HttpRequest, transfer_id: int) -> Any:
    return selectors.transfer_for(request.user, transfer_id=transfer_id)


@router.post("/partners/{partner_id}/transfers", response={201: TransferOut})
def transfer(request: HttpRequest, partner_id: int, body: TransferIn) -> Status[Any]:
    from_partner = _partner(request, partner_id)
    to_partner = _partner(request, body.to_partner_id)
    employments = [selectors.employment_for(request.user, employment_id=eid) for eid in body.employment_ids]
    result = services.tupe_transfer(
        actor=request.user,
        from_partner=from_partner,
        to_partner=to_partner,
        transfer_date=body.transfer_date,
        reference=body.reference,
        employments=employments,
        measures=body.measures,
    )
    return Status(201, result.transfer)


# --- absence ---------------------------------------------------------------------------------


@router.get("/partners/{partner_id}/absences", response=list[AbsenceOut])
@paginate(Pages, page_size=100)
def list_absences(request: HttpRequest, partner_id: int) -> Any:
    return selectors.absences_for(request.user, partner=_partner(request, partner_id))


@router.get("/absences/{absence_id}", response=AbsenceOut)
def get_absence(request: HttpRequest, absence_id: int) -> Absence:
    return selectors.absence_for(request.user, absence_id=absence_id)


@router.post("/employments/{employment_id}/absences", response={201: AbsenceOut})
def request_absence(request: HttpRequest, employment_id: int, body: AbsenceIn) -> Status[Absence]:
    employment = selectors.employment_for(request.user, employment_id=employment_id)
    absence = services.absence_request(
        actor=request.user,
        employment=employment,
        kind=body.kind,
        start_date=body.start_date,
        end_date=body.end_date,
        notes=body.notes,
    )
    return Status(201, absence)


@router.post("/absences/{absence_id}/decision", response=AbsenceOut)
def decide_absence(request: HttpRequest, absence_id: int, body: DecisionIn) -> Absence:
    absence = selectors.absence_for(request.user, absence_id=absence_id)
    return services.absence_decide(actor=request.user, absence=absence, approve=body.approve, note=body.note)
