"""Occupational-health referral pages.

For a line manager or an HR officer (``wellbeing.refer``): "Refer to occupational health" for an
employment they may refer (their team; any of the partner's staff for HR), their referrals with
each one's status, and on a referral's page, once its report is released, the outcome (fit,
adjustments, expected return, review): never clinical content, and each read of it is logged for
the employee to see. For the employee (``wellbeing.self_refer``): a self-referral. For
occupational health (``wellbeing.view_cases``): the referrals waiting for a case to be opened.

Every rule is a service's (wellbeing/cases.py): the pages parse, call and show what was refused.
A referral is found through ``selectors.referral_for`` before any form is read, so another
partner's, or a colleague's, answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.people.models import Employment
from joinedup.people.selectors import team_of
from joinedup.web import listing
from joinedup.web.forms import attempt, submit
from joinedup.web.wellbeing import list_filters
from joinedup.web.wellbeing.case_forms import ConsentForm, ReferralForm, SelfReferralForm
from joinedup.wellbeing import cases, selectors
from joinedup.wellbeing.models import Case, Referral, ReferralSource, ReferralStatus


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _hr_partners(user: Any) -> list[int]:
    return [p for p in partner_ids_with(user, "wellbeing.refer") if cases.is_hr_of(user, p)]


def _referable(user: Any, employment_id: int) -> Employment:
    """The employment, if ``user`` may refer its holder: a member of their team, or any of the
    staff of a partner they are an HR officer of; 403 without ``wellbeing.refer``, else 404."""
    if not partner_ids_with(user, "wellbeing.refer"):
        raise PermissionDenied("Your roles do not include referring people to occupational health.")
    found = Employment.objects.for_partners(_hr_partners(user)).filter(pk=employment_id).first()
    if found is None:
        found = next((e for e in team_of(user) if e.pk == employment_id), None)
    if found is None:
        raise Http404("No such employment.")
    return found


class MineFilters(forms.Form):
    status = listing.filter_choice("Status", ReferralStatus.choices, every="Every status")
    employee = list_filters.employee()


MINE_SORTS = {
    "made": ("created_at", "pk"),
    "employee": ("employment__person__family_name", "employment__person__given_name", "pk"),
    "status": ("status", "-created_at", "-pk"),
}
# Who was referred and where the referral stands: never its reason or questions, which only its
# own page shows.
MINE_HEADER = ["Referral", "Employee", "Payroll number", "Organisation", "Made", "Sent", "Status"]


def _mine_row(r: Referral) -> list[Any]:
    return [
        r.pk, r.employment.person.full_name, r.employment.payroll_number, r.partner.name, r.created_at,
        r.sent_at, r.get_status_display(),
    ]  # fmt: skip


def _narrow_mine(found: QuerySet[Referral], given: dict[str, Any]) -> QuerySet[Referral]:
    if given.get("status"):
        found = found.filter(status=given["status"])
    return list_filters.by_employee(found, given.get("employee", ""))


@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not partner_ids_with(user, "wellbeing.refer"):
        raise PermissionDenied("Your roles do not include referring people to occupational health.")
    hr = _hr_partners(user)
    payroll = request.GET.get("payroll", "").strip()
    not_found = False
    if hr and payroll:
        found = (
            Employment.objects.for_partners(hr).filter(payroll_number=payroll).order_by("-start_date").first()
        )
        if found is not None:
            return redirect("web:wellbeing_refer", employment_id=found.pk)
        not_found = True
    mine = selectors.my_referrals(user).exclude(source="self")
    filters = MineFilters(request.GET)
    listed = listing.list_page(
        request,
        mine,
        sorts=MINE_SORTS,
        default="made",
        descending=True,
        form=filters,
        narrow=_narrow_mine,
        download=listing.Download(MINE_HEADER, _mine_row, "referrals-made"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/wellbeing/referrals.html",
        {
            **listed.context(),
            "team": team_of(user),
            "hr": bool(hr),
            "payroll": payroll,
            "not_found": not_found,
        },
    )


@login_required
def refer(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = _referable(request.user, employment_id)
    form = ReferralForm(_posted(request, "refer"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data

        def create_and_send() -> Referral:
            with transaction.atomic():
                made = cases.referral_create(
                    actor=request.user,
                    employment=employment,
                    reason=data["reason"],
                    questions=data["questions"],
                    consent_date=data["consent_date"],
                    see_report_first=data["see_report_first"],
                )
                if made.consent_given:
                    made = cases.referral_send(actor=request.user, referral=made)
                return made

        made = submit(form, create_and_send)
        if made is not None:
            sent = made.status == ReferralStatus.SENT
            messages.success(
                request,
                "Referral sent to occupational health."
                if sent
                else "Referral saved as a draft: record the employee's consent to send it.",
            )
            return redirect("web:wellbeing_referral", referral_id=made.pk)
    return render(request, "web/wellbeing/refer.html", {"form": form, "employment": employment})


@login_required
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    found = selectors.referral_for(user, referral_id=referral_id)
    is_referrer = found.referred_by_id == user.pk
    is_employee = found.employment.person.user_id == user.pk
    consent_form = ConsentForm(_posted(request, "consent"))
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    if sent == "consent" and consent_form.is_valid():
        data = consent_form.cleaned_data
        done = submit(
            consent_form,
            lambda: cases.referral_record_consent(
                actor=user,
                referral=found,
                consent_date=data["consent_date"],
                see_report_first=data["see_report_first"],
            ),
        )
        if done is not None:
            messages.success(request, "Consent recorded.")
            return redirect("web:wellbeing_referral", referral_id=found.pk)
    elif sent in ("send", "withdraw", "open"):
        calls: dict[str, tuple[Callable[[], object], str]] = {
            "send": (lambda: cases.referral_send(actor=user, referral=found), "Referral sent."),
            "withdraw": (lambda: cases.referral_withdraw(actor=user, referral=found), "Referral withdrawn."),
            "open": (lambda: cases.case_open(actor=user, referral=found), "Case opened."),
        }
        call, said = calls[sent]
        acted = attempt(request, call)
        if acted is not None:
            messages.success(request, said)
            if isinstance(acted, Case):
                return redirect("web:wellbeing_case", oh_case_id=acted.pk)
        return redirect("web:wellbeing_referral", referral_id=found.pk)
    found = selectors.referral_for(user, referral_id=referral_id)
    opened = Case.objects.for_partner(found.partner_id).filter(referral=found).first()
    runs_cases = has_permission(user, "wellbeing.manage_cases", found.partner_id)
    draft = found.status == ReferralStatus.DRAFT
    # A self-referral's outcome is the employee's report, on their own page.
    shows_outcome = is_referrer and not is_employee
    return render(
        request,
        "web/wellbeing/referral.html",
        {
            "referral": found,
            "is_referrer": is_referrer,
            # Read (and logged) only by the referrer, and only once released.
            "outcome": selectors.referral_outcome(user, referral_id=found.pk) if shows_outcome else None,
            "shows_outcome": shows_outcome,
            "case_status": opened.get_status_display() if opened is not None else "",
            "consent_form": consent_form,
            "may_consent": is_referrer and draft,
            "may_send": is_referrer and draft and found.consent_given,
            "may_withdraw": (is_referrer or is_employee)
            and found.status != ReferralStatus.WITHDRAWN
            and opened is None,
            "may_open": runs_cases and found.status == ReferralStatus.SENT and opened is None,
            "opened": opened if has_permission(user, "wellbeing.view_cases", found.partner_id) else None,
        },
    )


@login_required
def self_referral(request: HttpRequest) -> HttpResponse:
    mine = partner_ids_with(request.user, "wellbeing.self_refer")
    if not mine:
        raise PermissionDenied("Your roles do not include referring yourself to occupational health.")
    partners = list(Partner.objects.filter(pk__in=mine).order_by("name"))
    form = SelfReferralForm(_posted(request, "self_refer"), partners=partners)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = next((p for p in partners if str(p.pk) == str(data.get("partner"))), None)
        made = submit(
            form,
            lambda: cases.self_refer(
                actor=request.user,
                reason=data["reason"],
                questions=data["questions"],
                see_report_first=data["see_report_first"],
                partner=chosen,
            ),
        )
        if made is not None:
            messages.success(request, "Your referral is with occupational health. They will contact you.")
            return redirect("web:wellbeing_my")
    return render(request, "web/wellbeing/self_refer.html", {"form": form})


class WaitingFilters(forms.Form):
    def __init__(self, data: Any, *, partners: list[Partner]) -> None:
        super().__init__(data)
        self.fields["partner"] = list_filters.organisation(partners)
        self.fields["source"] = listing.filter_choice("From", ReferralSource.choices, every="Every source")
        self.fields["employee"] = list_filters.employee()


WAITING_SORTS = {
    "sent": ("sent_at", "pk"),
    "employee": ("employment__person__family_name", "employment__person__given_name", "pk"),
    "partner": ("partner__name", "sent_at", "pk"),
}
# As the inbox shows them: never the referral's reason or questions.
WAITING_HEADER = ["Referral", "Employee", "Payroll number", "Organisation", "From", "Sent"]


def _waiting_row(r: Referral) -> list[Any]:
    return [
        r.pk, r.employment.person.full_name, r.employment.payroll_number, r.partner.name,
        r.get_source_display(), r.sent_at,
    ]  # fmt: skip


def _narrow_waiting(found: QuerySet[Referral], given: dict[str, Any]) -> QuerySet[Referral]:
    if given.get("source"):
        found = found.filter(source=given["source"])
    return list_filters.by_employee(found, given.get("employee", ""))


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    """Occupational health's inbox: sent referrals no case has been opened from, oldest first."""
    partner_ids = partner_ids_with(request.user, "wellbeing.view_cases")
    if not partner_ids:
        raise PermissionDenied("Your roles do not include occupational health's cases.")
    partners = list(Partner.objects.filter(pk__in=partner_ids).order_by("name"))
    filters = WaitingFilters(request.GET, partners=partners)
    given = listing.chosen(filters)
    # The home page's tile links here with ?partner= (workspaces.oversight).
    found = selectors.referrals_for(request.user, partner=list_filters.chosen_partner(partners, given))
    listed = listing.list_page(
        request,
        found.filter(case__isnull=True),
        sorts=WAITING_SORTS,
        default="sent",
        form=filters,
        narrow=_narrow_waiting,
        download=listing.Download(WAITING_HEADER, _waiting_row, "referrals-waiting"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(request, "web/wellbeing/waiting.html", listed.context())
