"""The occupational-health retention page (/wellbeing/retention/), for the partner's
occupational-health administrators and its data-protection officer (``wellbeing.retention``).

It lists, for one partner, the closed cases whose retention has ended today and that the daily run
will erase, those a legal hold keeps, and every hold (in force, then lifted with who, when and
why): case ids, the person's name, the day the case closed, the day its retention ended and the
hold's reference, never a referral's reason, a note or an adjustment. Placing a hold takes the
case's number, a reference and why; lifting one takes why. Bad input is shown beside the field
with an error summary, and nothing changes. Every rule is retention_runs' (wellbeing/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission, partner_ids_with
from joinedup.web.current import current_partner
from joinedup.web.forms import submit, text_field
from joinedup.wellbeing import retention_runs
from joinedup.wellbeing.models import Case
from joinedup.wellbeing.retention_runs import PERMISSION, REASON_LIMIT, REFERENCE_LIMIT


class HoldForm(forms.Form):
    case = forms.IntegerField(
        label="Case number",
        min_value=1,
        max_value=2**63 - 1,
        help_text="As shown on the case's page, for example 1024.",
        error_messages={
            "required": "Enter the case number.",
            "invalid": "Enter the case number as a whole number, like 1024.",
            "min_value": "Enter the case number as a whole number, like 1024.",
            "max_value": "Enter the case number as a whole number, like 1024.",
        },
    )
    reference = text_field(
        "Reference",
        max_length=REFERENCE_LIMIT,
        what="hold's reference",
        hint="The claim, tribunal or request it is for, for example ET/1234/26.",
    )
    reason = text_field(
        "Why the case is held", max_length=REASON_LIMIT, what="reason for the hold", widget=forms.Textarea
    )


class LiftForm(forms.Form):
    hold = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    reason = text_field(
        "Why the hold is lifted", max_length=REASON_LIMIT, what="reason for lifting it", widget=forms.Textarea
    )


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _place(request: HttpRequest, partner: Partner, form: HoldForm) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    case = Case.objects.for_partner(partner).filter(pk=d["case"]).first()
    if case is None:
        form.add_error("case", f"There is no case {d['case']} at {partner.name}.")
        return False
    hold = submit(
        form,
        lambda: retention_runs.place_legal_hold(
            actor=request.user, case=case, reason=d["reason"], reference=d["reference"]
        ),
    )
    if hold is None:
        return False
    messages.success(request, f"Case {case.pk} is under legal hold {hold.reference}.")
    return True


def _lift(request: HttpRequest, partner: Partner, form: LiftForm) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    hold = retention_runs.holds_for(request.user, partner=partner).filter(pk=d["hold"]).first()
    if hold is None:
        raise Http404("No such legal hold.")
    lifted = submit(
        form, lambda: retention_runs.lift_legal_hold(actor=request.user, hold=hold, reason=d["reason"])
    )
    if lifted is None:
        return False
    messages.success(request, f"Legal hold {lifted.reference} on case {lifted.case_id} lifted.")
    return True


@login_required
def retention_page(request: HttpRequest) -> HttpResponse:
    partner_ids = partner_ids_with(request.user, PERMISSION)
    if not partner_ids:
        raise PermissionDenied("Your roles do not include occupational health's retention.")
    partners = list(Partner.objects.filter(pk__in=partner_ids).order_by("name"))
    current = current_partner(request)
    wanted = request.POST.get("partner") if request.method == "POST" else request.GET.get("partner")
    chosen = next((p for p in partners if str(p.pk) == wanted), None)
    chosen = chosen or next((p for p in partners if current and p.pk == current.pk), partners[0])
    hold_form = HoldForm(_posted(request, "place"), prefix="place")
    lift_form = LiftForm(_posted(request, "lift"), prefix="lift")
    if hold_form.is_bound and _place(request, chosen, hold_form):
        return redirect(f"{request.path}?partner={chosen.pk}")
    if lift_form.is_bound and _lift(request, chosen, lift_form):
        return redirect(f"{request.path}?partner={chosen.pk}")
    found = retention_runs.retention_overview(request.user, partner=chosen, as_of=timezone.localdate())
    return render(
        request,
        "web/wellbeing/retention.html",
        {
            "partners": partners,
            "chosen": chosen,
            "overview": found,
            "hold_form": hold_form,
            "lift_form": lift_form,
            # A DPO places holds but does not open cases (no wellbeing.view_cases): no dead links.
            "sees_cases": has_permission(request.user, "wellbeing.view_cases", chosen),
            "lifting": lift_form.data.get("lift-hold", "") if lift_form.is_bound else "",
        },
    )
