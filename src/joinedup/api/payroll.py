"""Pay runs and payslips over JSON. Money is integer pence, as stored."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from joinedup.api.openapi import Pages
from joinedup.api.schemas import DateIn
from joinedup.partnership.permissions import has_permission
from joinedup.partnership.selectors import partner_for
from joinedup.payroll import run_files, selectors, services, year_end
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
    pay_date: DateIn
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
    ni_class1a: int
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
@paginate(Pages, page_size=50)
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
@paginate(Pages, page_size=100)
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


# --- the run's files: journal, BACS, FPS ----------------------------------------------------------


@router.get("/pay-runs/{run_id}/journal.csv")
def run_journal(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's payroll journal (CSV), to anyone who may view the run."""
    return _run_file(request, run_id, run_files.JOURNAL)


@router.get("/pay-runs/{run_id}/bacs.txt")
def run_bacs(request: HttpRequest, run_id: int, processing_date: DateIn | None = None) -> HttpResponse:
    """The BACS Standard 18 payment file of an approved run, to payroll officers (403 to others);
    the header X-Left-Out counts the employees it does not pay. It is processed on the pay date
    unless ``processing_date`` (YYYY-MM-DD) says otherwise — required once the pay date has
    passed: a file for a day already gone is refused (422)."""
    return _run_file(request, run_id, run_files.BACS, processing_date=processing_date)


@router.get("/pay-runs/{run_id}/fps.xml")
def run_fps(request: HttpRequest, run_id: int) -> HttpResponse:
    """The RTI Full Payment Submission of an approved run, to payroll officers (403 to others)."""
    return _run_file(request, run_id, run_files.FPS)


def _run_file(
    request: HttpRequest, run_id: int, kind: str, processing_date: date | None = None
) -> HttpResponse:
    run = selectors.run_for(request.user, run_id=run_id)
    found = run_files.run_file(request.user, run=run, kind=kind, processing_date=processing_date)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    if kind == run_files.BACS:
        response["X-Left-Out"] = str(len(found.left_out))
    return response


# --- P45 and P60 ---------------------------------------------------------------------------------------


class NiLetterOut(Schema):
    letter: str
    earnings_at_lel: int
    earnings_lel_to_pt: int
    earnings_pt_to_uel: int
    employee: int
    employer: int


class YearFiguresOut(Schema):
    """An employment's figures for the tax year, as a P45 or P60 shows them. Pence."""

    employment_id: int
    payroll_number: str
    name: str
    tax_year: int
    tax_code: str
    week1_month1: bool
    previous_pay: int
    previous_tax: int
    pay: int
    tax: int
    total_pay: int
    total_tax: int
    student_loan: int
    postgraduate_loan: int


class P60Out(YearFiguresOut):
    final: bool
    ni: list[NiLetterOut]
    smp: int


class P45Out(YearFiguresOut):
    leaving_date: date
    issued_at: datetime
    payslip_id: int


class ConflictOut(Schema):
    detail: str


def _year_figures_out(employment: Any, tax_year: int, f: year_end.YearFigures) -> dict[str, Any]:
    return {
        "employment_id": employment.pk,
        "payroll_number": employment.payroll_number,
        "name": employment.person.full_name,
        "tax_year": tax_year,
        "tax_code": f.tax_code,
        "week1_month1": f.week1_month1,
        "previous_pay": f.previous_pay,
        "previous_tax": f.previous_tax,
        "pay": f.pay,
        "tax": f.tax,
        "total_pay": f.total_pay,
        "total_tax": f.total_tax,
        "student_loan": f.student_loan,
        "postgraduate_loan": f.postgraduate_loan,
    }


def _p60_out(p60: year_end.P60) -> dict[str, Any]:
    return {
        **_year_figures_out(p60.employment, p60.tax_year, p60.figures),
        "final": p60.final,
        "ni": [_ni_out(n) for n in p60.figures.ni],
        "smp": p60.figures.smp,
    }


def _p45_out(p45: year_end.P45) -> dict[str, Any]:
    return {
        **_year_figures_out(p45.payslip.employment, p45.issue.tax_year, p45.figures),
        "leaving_date": p45.issue.leaving_date,
        "issued_at": p45.issue.issued_at,
        "payslip_id": p45.payslip.pk,
    }


def _ni_out(totals: year_end.NiLetterTotals) -> dict[str, Any]:
    return {name: getattr(totals, name) for name in NiLetterOut.model_fields}


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _tax_year(tax_year: int | None) -> int:
    return tax_year if tax_year is not None else year_end.last_ended_tax_year(timezone.localdate())


@router.post("/employments/{employment_id}/p45", response={200: P45Out, 201: P45Out})
def issue_p45(request: HttpRequest, employment_id: int) -> Status[dict[str, Any]]:
    """Issue a leaver's P45 (payroll officers of the employer): 201 with its figures the first
    time, with one audit event; 200 with the same figures after, recording nothing."""
    employment = year_end.p45_employment(request.user, employment_id=employment_id)
    p45 = year_end.p45_issue(actor=request.user, employment=employment)
    return Status(201 if p45.issued_now else 200, _p45_out(p45))


@router.get("/employments/{employment_id}/p45.pdf", response={200: None, 409: ConflictOut})
def p45_pdf(request: HttpRequest, employment_id: int) -> HttpResponse | Status[dict[str, str]]:
    """An issued P45, re-rendered from its figures: to payroll staff of the employer (409 before it
    is issued) and to the leaver (404 before). Never issues it."""
    try:
        p45 = year_end.p45_for(request.user, employment_id=employment_id)
    except year_end.P45NotIssued as exc:
        return Status(409, {"detail": str(exc)})
    return _pdf(year_end.p45_pdf_bytes(p45), year_end.p45_filename(p45))


@router.get("/partners/{partner_id}/p60s", response=list[P60Out])
def list_p60s(
    request: HttpRequest, partner_id: int, tax_year: int | None = None, preview: bool = False
) -> list[dict[str, Any]]:
    """Every P60 of the employer for the tax year (default: the last one ended), money in pence."""
    if not has_permission(request.user, "payroll.view", partner_id):
        raise Http404("No such partner.")
    partner = partner_for(request.user, partner_id=partner_id)
    found = year_end.p60s_for(request.user, partner=partner, tax_year=_tax_year(tax_year), preview=preview)
    return [_p60_out(p60) for p60 in found]


@router.get("/partners/{partner_id}/p60s/{employment_id}.pdf")
def p60_pdf(
    request: HttpRequest,
    partner_id: int,
    employment_id: int,
    tax_year: int | None = None,
    preview: bool = False,
) -> HttpResponse:
    p60 = year_end.p60_for(
        request.user, employment_id=employment_id, tax_year=_tax_year(tax_year), preview=preview
    )
    if p60.employment.partner_id != partner_id:
        raise Http404("No such employment.")
    return _pdf(year_end.p60_pdf_bytes(p60), year_end.p60_filename(p60))
