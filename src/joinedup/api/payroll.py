"""Pay runs and payslips over JSON. Money is integer pence, as stored."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from joinedup.partnership.selectors import partner_for
from joinedup.payroll import selectors, services
from joinedup.payroll.models import PayRun, Payslip

router = Router(tags=["payroll"])


class PayRunOut(Schema):
    id: int
    partner_id: int
    frequency: str
    tax_year: int
    period: int
    pay_date: date
    period_start: date
    period_end: date
    kind: str
    status: str
    progress_done: int
    progress_total: int
    calculated_at: datetime | None
    approved_at: datetime | None


class PayRunIn(Schema):
    frequency: str = "monthly"
    pay_date: date
    kind: str = "regular"


class PayslipOut(Schema):
    id: int
    run_id: int
    employment_id: int
    payroll_number: str
    tax_code: str
    week1_month1: bool
    ni_category: str
    basic_pay: int
    additions: int
    gross_pay: int
    pension_employee: int
    pension_employer: int
    taxable_pay: int
    taxable_pay_to_date: int
    tax: int
    tax_paid_to_date: int
    ni_employee: int
    ni_employer: int
    student_loan: int
    postgraduate_loan: int
    deductions_after_tax: int
    net_pay: int

    @staticmethod
    def resolve_payroll_number(obj: Any) -> str:
        return str(obj.employment.payroll_number)


class FlagOut(Schema):
    id: int
    employment_id: int
    kind: str
    detail: str
    status: str
    note: str


class AcceptIn(Schema):
    note: str


@router.get("/partners/{partner_id}/pay-runs", response=list[PayRunOut])
@paginate(PageNumberPagination, page_size=50)
def list_runs(request: HttpRequest, partner_id: int) -> Any:
    return selectors.runs_for(request.user, partner=partner_for(request.user, partner_id=partner_id))


@router.post("/partners/{partner_id}/pay-runs", response={201: PayRunOut})
def create_run(request: HttpRequest, partner_id: int, body: PayRunIn) -> Status[PayRun]:
    partner = partner_for(request.user, partner_id=partner_id)
    run = services.payrun_create(
        actor=request.user, partner=partner, frequency=body.frequency, pay_date=body.pay_date, kind=body.kind
    )
    return Status(201, run)


@router.get("/pay-runs/{run_id}", response=PayRunOut)
def get_run(request: HttpRequest, run_id: int) -> PayRun:
    return selectors.run_for(request.user, run_id=run_id)


@router.post("/pay-runs/{run_id}/calculate", response={202: PayRunOut})
def calculate_run(request: HttpRequest, run_id: int) -> Status[PayRun]:
    """Queue the calculation; poll the run for progress."""
    run = selectors.run_for(request.user, run_id=run_id)
    return Status(202, services.payrun_request_calculation(actor=request.user, run=run))


@router.post("/pay-runs/{run_id}/approve", response=PayRunOut)
def approve_run(request: HttpRequest, run_id: int) -> PayRun:
    return services.payrun_approve(actor=request.user, run=selectors.run_for(request.user, run_id=run_id))


@router.post("/pay-runs/{run_id}/close", response=PayRunOut)
def close_run(request: HttpRequest, run_id: int) -> PayRun:
    return services.payrun_mark_paid(actor=request.user, run=selectors.run_for(request.user, run_id=run_id))


@router.get("/pay-runs/{run_id}/payslips", response=list[PayslipOut])
@paginate(PageNumberPagination, page_size=100)
def run_payslips(request: HttpRequest, run_id: int) -> Any:
    return selectors.payslips_of(selectors.run_for(request.user, run_id=run_id))


@router.get("/pay-runs/{run_id}/flags", response=list[FlagOut])
def run_flags(request: HttpRequest, run_id: int) -> list[Any]:
    return list(selectors.flags_of(selectors.run_for(request.user, run_id=run_id)))


@router.post("/flags/{flag_id}/accept", response=FlagOut)
def accept_flag(request: HttpRequest, flag_id: int, body: AcceptIn) -> Any:
    flag = selectors.flag_for(request.user, flag_id=flag_id)
    return services.flag_accept(actor=request.user, flag=flag, note=body.note)


@router.get("/payslips/{payslip_id}", response=PayslipOut)
def get_payslip(request: HttpRequest, payslip_id: int) -> Payslip:
    return selectors.payslip_for(request.user, payslip_id=payslip_id)


@router.get("/me/payslips", response=list[PayslipOut])
def my_payslips(request: HttpRequest) -> list[Any]:
    return list(selectors.my_payslips(request.user).select_related("employment"))
