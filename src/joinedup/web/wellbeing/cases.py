"""Occupational-health case pages.

For occupational health (``wellbeing.view_cases``: administrators and clinicians): the case list
(by partner, status, clinician) and a case's page: its referral, triage, appointments (book, and
record attended, did not attend or cancelled), adjustment records and closing. For clinicians of
the case's partner (``wellbeing.clinical``) only, on the case page: the clinical notes (read
through ``selectors.case_notes``, which writes one access event per view, so notes are rendered
on this page's clinical section and nowhere else), adding a note, the sickness absence; and the
outcome report's own page (``clinician_report``, one access event), where it is written and
issued. A clinician who is the employee a case is about sees no clinical section on it.

For the employee: "My occupational health" (their cases, appointments, their report and their
answer to it when they asked to see it first, and who has read their case). For the partner's
data-protection officer: the access log, without content.

Every rule is a service's; a case is found through ``selectors.case_for`` (or ``my_cases``)
before any form is read, so another partner's answers 404. Every page here is served with
``Cache-Control: no-store`` by core.middleware.SecurityHeadersMiddleware (every signed-in page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.partnership.models import Membership, Partner, Role
from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.web import listing
from joinedup.web.current import current_partner
from joinedup.web.forms import attempt, submit
from joinedup.web.wellbeing import list_filters
from joinedup.web.wellbeing.case_forms import (
    AdjustmentForm,
    AppointmentForm,
    AppointmentRecordForm,
    NoteForm,
    ReportForm,
    TriageForm,
)
from joinedup.wellbeing import cases, notes, questionnaires, reports, retention_runs, selectors
from joinedup.wellbeing.models import (
    AccessPart,
    Appointment,
    Case,
    CaseAccessEvent,
    CaseStatus,
    EmployeeResponse,
    OutcomeReport,
    ReportStatus,
)


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _clinicians(partner_ids: list[int]) -> list[Any]:
    ids = Membership.objects.filter(partner_id__in=partner_ids, role=Role.OH_CLINICIAN).values_list(
        "user_id", flat=True
    )
    return list(
        get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")
    )


def _staff_case(request: HttpRequest, oh_case_id: int) -> Case:
    """The case, for occupational health of its partner; 404 for anyone else (the employee reads
    their own under "My occupational health")."""
    found = selectors.case_for(request.user, case_id=oh_case_id)
    if not has_permission(request.user, "wellbeing.view_cases", found.partner_id):
        raise Http404("No such case.")
    return found


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    views_cases = bool(partner_ids_with(user, "wellbeing.view_cases"))
    return render(
        request,
        "web/wellbeing/home.html",
        {
            "refers": bool(partner_ids_with(user, "wellbeing.refer")),
            "self_refers": bool(partner_ids_with(user, "wellbeing.self_refer")),
            "views_cases": views_cases,
            "reads_log": bool(partner_ids_with(user, "wellbeing.access_log")),
            "retains": bool(partner_ids_with(user, "wellbeing.retention")),
            "surveys": bool(partner_ids_with(user, "wellbeing.surveillance")),
            "surveys_team": bool(partner_ids_with(user, "wellbeing.surveillance_team")),
            "adjusts": bool(partner_ids_with(user, "wellbeing.adjustments")) or views_cases,
            "adjusts_team": bool(partner_ids_with(user, "wellbeing.adjustments_team")),
            "runs_programmes": bool(partner_ids_with(user, "wellbeing.programmes")),
            # Programme usage is aggregate and suppressed: OH and service admins, and union reps.
            "reads_usage": bool(
                partner_ids_with(user, "wellbeing.usage_reports")
                or partner_ids_with(user, "reports.view_aggregate")
            ),
        },
    )


class CaseFilters(Form):
    def __init__(self, data: Any, *, partners: list[Partner], clinicians: list[Any]) -> None:
        super().__init__(data)
        self.fields["partner"] = list_filters.organisation(partners)
        self.fields["status"] = listing.filter_choice("Status", CaseStatus.choices, every="Every status")
        self.fields["clinician"] = listing.filter_choice(
            "Clinician",
            [(str(c.pk), c.get_full_name() or c.username) for c in clinicians],
            every="Every clinician",
        )
        self.fields["employee"] = list_filters.employee()


CASE_SORTS = {
    "opened": ("opened_at", "pk"),
    "case": ("pk",),
    "employee": ("employment__person__family_name", "employment__person__given_name", "pk"),
    "status": ("status", "-opened_at", "-pk"),
    "priority": ("priority", "-opened_at", "-pk"),
}
# Who the case is about and where it stands; never the referral's reasons or anything clinical.
CASE_HEADER = ["Case", "Employee", "Payroll number", "Organisation", "Status", "Priority", "Clinician",
               "Opened", "Triaged", "Closed"]  # fmt: skip


def _case_row(c: Case) -> list[Any]:
    clinician = (c.clinician.get_full_name() or c.clinician.username) if c.clinician else ""
    return [
        c.pk, c.employment.person.full_name, c.employment.payroll_number, c.partner.name,
        c.get_status_display(), c.get_priority_display(), clinician, c.opened_at, c.triaged_at, c.closed_at,
    ]  # fmt: skip


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    partner_ids = partner_ids_with(request.user, "wellbeing.view_cases")
    if not partner_ids:
        raise PermissionDenied("Your roles do not include occupational health's cases.")
    partners = list(Partner.objects.filter(pk__in=partner_ids).order_by("name"))
    clinicians = _clinicians(partner_ids)
    filters = CaseFilters(request.GET, partners=partners, clinicians=clinicians)
    given = listing.chosen(filters)
    found = selectors.cases_for(
        request.user,
        partner=list_filters.chosen_partner(partners, given),
        clinician=next((c for c in clinicians if str(c.pk) == given.get("clinician")), None),
        status=given.get("status", ""),
    )
    listed = listing.list_page(
        request,
        found,
        sorts=CASE_SORTS,
        default="opened",
        descending=True,
        form=filters,
        narrow=lambda rows, given: list_filters.by_employee(rows, given.get("employee", "")),
        download=listing.Download(CASE_HEADER, _case_row, "occupational-health-cases"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(request, "web/wellbeing/cases.html", listed.context())


def _case_action(
    request: HttpRequest, case: Case, clinicians: list[Any]
) -> tuple[HttpResponse | None, dict[str, Any]]:
    user = request.user
    forms: dict[str, Any] = {
        "triage_form": TriageForm(_posted(request, "triage"), prefix="triage", clinicians=clinicians),
        "book_form": AppointmentForm(_posted(request, "book"), prefix="book"),
        "record_form": AppointmentRecordForm(_posted(request, "record"), prefix="record"),
        "adjustment_form": AdjustmentForm(_posted(request, "adjustment"), prefix="adjustment"),
        "note_form": NoteForm(_posted(request, "note"), prefix="note"),
    }
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    here = redirect("web:wellbeing_case", oh_case_id=case.pk)
    if sent == "close":
        if attempt(request, lambda: cases.case_close(actor=user, case=case)) is not None:
            messages.success(request, "Case closed.")
        return here, forms

    def clinician(d: dict[str, Any]) -> Any:
        return next((c for c in clinicians if str(c.pk) == str(d["clinician"])), None)

    def appointment(d: dict[str, Any]) -> Appointment:
        found = (
            Appointment.objects.for_partner(case.partner_id).filter(case=case, pk=d["appointment"]).first()
        )
        if found is None:
            raise Http404("No such appointment.")
        return found

    calls: dict[str, Callable[[dict[str, Any]], object]] = {
        "triage": lambda d: cases.case_triage(
            actor=user, case=case, priority=d["priority"], clinician=clinician(d)
        ),
        "book": lambda d: cases.appointment_book(
            actor=user, case=case, starts_at=forms["book_form"].starts_at(), mode=d["mode"]
        ),
        "record": lambda d: cases.appointment_record(
            actor=user, appointment=appointment(d), status=d["status"]
        ),
        "adjustment": lambda d: cases.adjustment_record_create(
            actor=user, case=case, what=d["what"], starts_on=d["starts_on"], review_on=d["review_on"]
        ),
        "note": lambda d: notes.note_add(actor=user, case=case, text=d["text"]),
    }
    form = forms.get(f"{sent}_form")
    done = (
        sent in calls
        and form is not None
        and form.is_valid()
        and submit(form, lambda: calls[sent](dict(form.cleaned_data))) is not None
    )
    if done:
        messages.success(request, "Note added." if sent == "note" else "Saved.")
        return here, forms
    return None, forms


@login_required
def case_page(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    user = request.user
    found = _staff_case(request, oh_case_id)
    clinicians = _clinicians([found.partner_id])
    done, forms = _case_action(request, found, clinicians)
    if done is not None:
        return done
    found = _staff_case(request, oh_case_id)
    clinical = has_permission(user, "wellbeing.clinical", found.partner_id) and not cases.is_subject(
        user, found
    )
    progress = selectors.report_progress(user, case_id=found.pk)
    return render(
        request,
        "web/wellbeing/case.html",
        {
            "case": found,
            "referral": found.referral,
            "appointments": list(selectors.appointments_of(user, case_id=found.pk)),
            "progress": progress,
            "progress_label": dict(ReportStatus.choices).get(progress.status, "") if progress else "",
            "adjustments": list(
                selectors.adjustment_records_for(user, partner=found.partner_id).filter(case=found)
            ),
            "manages": has_permission(user, "wellbeing.manage_cases", found.partner_id),
            "open": found.status != CaseStatus.CLOSED,
            "clinical": clinical,
            # The clinical section: each view of it is one access event (case_notes writes it).
            "notes": selectors.case_notes(user, case_id=found.pk) if clinical else [],
            "absences": list(selectors.case_sickness_absence(user, case_id=found.pk)) if clinical else [],
            # "Under legal hold" / "Content erased on …" (wellbeing/retention_runs.py).
            "retention": retention_runs.case_retention(found),
            **forms,
        },
    )


@login_required
def report_page(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    """The clinician's outcome report: written, rewritten while a draft, and issued."""
    user = request.user
    found = _staff_case(request, oh_case_id)
    authorise(user, "wellbeing.clinical", found.partner_id)
    cases.refuse_own_case(user, found)
    form = ReportForm(_posted(request, "write"))
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    here = redirect("web:wellbeing_report", oh_case_id=found.pk)
    if sent == "issue":
        draft = OutcomeReport.objects.for_partner(found.partner_id).filter(case=found).first()
        if draft is None:
            raise Http404("No report to issue.")
        issued = attempt(request, lambda: reports.report_issue(actor=user, report=draft))
        if issued is not None:
            messages.success(
                request,
                "Report issued to the employee to see first."
                if issued.status == ReportStatus.WITH_EMPLOYEE
                else "Report issued and released to the referrer.",
            )
        return here
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        written = submit(
            form,
            lambda: reports.report_write(
                actor=user,
                case=found,
                outcome=d["outcome"],
                adjustments=d["adjustments"],
                expected_return=d["expected_return"],
                review_date=d["review_date"],
            ),
        )
        if written is not None:
            messages.success(request, "Report saved as a draft.")
            return here
    report = selectors.clinician_report(user, case_id=found.pk)
    if not form.is_bound and report is not None:
        form = ReportForm(
            initial={
                "outcome": report.outcome,
                "adjustments": report.adjustments,
                "expected_return": report.expected_return,
                "review_date": report.review_date,
            }
        )
    return render(
        request,
        "web/wellbeing/report.html",
        {
            "case": found,
            "report": report,
            "form": form,
            "may_write": report is None or report.status == ReportStatus.DRAFT,
        },
    )


# --- the employee ------------------------------------------------------------------------------


@login_required
def my_oh(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/wellbeing/my.html",
        {
            "cases": list(selectors.my_cases(user)),
            "referrals": [r for r in selectors.my_referrals(user) if r.source == "self"],
            "self_refers": bool(partner_ids_with(user, "wellbeing.self_refer")),
        },
    )


RESPONSES: dict[str, str] = {
    EmployeeResponse.AGREED: "You agreed: the report is released to the person who referred you.",
    EmployeeResponse.CORRECTION: "You asked for a correction: the clinician will be in touch.",
    EmployeeResponse.WITHHELD: "You withheld the report: it will not be released.",
}


@login_required
def my_case(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    user = request.user
    found = selectors.my_cases(user).filter(pk=oh_case_id).first()
    if found is None:
        raise Http404("No such case.")
    if request.method == "POST" and request.POST.get("form") == "respond":
        response = request.POST.get("response", "")
        answering = selectors.my_report(user, case_id=found.pk)
        if answering is None:
            raise Http404("No report.")
        if attempt(request, lambda: reports.report_respond(actor=user, report=answering, response=response)):
            messages.success(request, RESPONSES.get(response, "Saved."))
        return redirect("web:wellbeing_my_case", oh_case_id=found.pk)
    report = selectors.my_report(user, case_id=found.pk)
    reads = selectors.my_case_access(user, case_id=found.pk)
    return render(
        request,
        "web/wellbeing/my_case.html",
        {
            "case": found,
            "appointments": list(
                Appointment.objects.for_partner(found.partner_id)
                .filter(case=found)
                .select_related("clinician")
                .order_by("starts_at", "pk")
            ),
            "report": report,
            "may_respond": report is not None and report.status == ReportStatus.WITH_EMPLOYEE,
            "responses": EmployeeResponse.choices,
            "reads": selectors.reader_roles(reads[:RECENT_READS]),
            "reads_count": reads.count(),
            "questionnaires": questionnaires.my_questionnaires(user, case_id=found.pk),
        },
    )


RECENT_READS = 20  # on the case page; every read is on its own page, 100 a page


@login_required
def my_case_reads(request: HttpRequest, oh_case_id: int) -> HttpResponse:
    """Every read of the signed-in employee's own case, newest first: who, in what capacity, when,
    which part (issue 16: "the employee sees who has read their case"). 404 for anyone else's."""
    found = selectors.my_case_access(request.user, case_id=oh_case_id)
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/wellbeing/my_case_reads.html",
        {
            "case_id": oh_case_id,
            "page": page,
            "reads": selectors.reader_roles(page),
        },
    )


# --- the data-protection officer ---------------------------------------------------------------


class AccessLogFilters(Form):
    def __init__(self, data: Any, *, partners: list[Partner]) -> None:
        super().__init__(data)
        # Without a choice, the log is of the organisation the user is working in.
        self.fields["partner"] = listing.filter_choice(
            "Organisation", [(str(p.pk), p.name) for p in partners], every="The one you are working in"
        )
        self.fields["part"] = listing.filter_choice("What was read", AccessPart.choices, every="Every part")
        self.fields["who"] = listing.filter_text("Who read it")
        self.fields["case"] = forms.IntegerField(
            label="Case number", required=False, min_value=1, max_value=2**31
        )


ACCESS_SORTS = {
    "when": ("at", "pk"),
    "who": ("actor_label", "-at", "-pk"),
    "case": ("case_id", "-at", "-pk"),
}


def _narrow_reads(found: QuerySet[CaseAccessEvent], given: dict[str, Any]) -> QuerySet[CaseAccessEvent]:
    if given.get("part"):
        found = found.filter(part=given["part"])
    if given.get("who"):
        found = found.filter(actor_label__icontains=given["who"])
    if given.get("case"):
        found = found.filter(case_id=given["case"])
    return found


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    partner_ids = partner_ids_with(request.user, "wellbeing.access_log")
    if not partner_ids:
        raise PermissionDenied("Your roles do not include occupational health's access log.")
    partners = list(Partner.objects.filter(pk__in=partner_ids).order_by("name"))
    current = current_partner(request)
    filters = AccessLogFilters(request.GET, partners=partners)
    chosen = list_filters.chosen_partner(partners, listing.chosen(filters))
    chosen = chosen or next((p for p in partners if current and p.pk == current.pk), partners[0])
    listed = listing.list_page(
        request,
        selectors.access_events_for(request.user, partner=chosen),
        sorts=ACCESS_SORTS,
        default="when",
        descending=True,
        form=filters,
        narrow=_narrow_reads,
        # Who read which part of which case, when: the page's own columns, never content.
        download=listing.Download(
            ["When", "Who", "Case", "What"],
            lambda e: [e.at, e.actor_label, e.case_id, e.get_part_display()],
            f"occupational-health-reads-{chosen.code.lower()}",
        ),
        per_page=100,
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(request, "web/wellbeing/access_log.html", {**listed.context(), "chosen": chosen})
