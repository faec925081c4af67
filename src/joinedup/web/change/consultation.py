"""Consultation pages: the consultations a user may read, a programme's consultations (and
opening one), a consultation with its statutory figures, draft HR1 and the forms for each side,
its timeline, and its documents.

HR (change.consult) and union reps (change.union) of the programme's partners read these; each
page finds its object through a selector first, so anyone else gets 404 before a form is read.
No page here shows a person at risk: the figures are counts."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.change import consultation_selectors as cs
from joinedup.change import consultation_services as services
from joinedup.change import selectors
from joinedup.change.models import Consultation, ConsultationEntry, EntryKind, Side
from joinedup.core import attachments
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import has_permission
from joinedup.web import listing
from joinedup.web.change.consultation_forms import (
    CompleteForm,
    ConsultationForm,
    DocumentForm,
    EntryForm,
    Hr1SentForm,
)
from joinedup.web.forms import add_errors, submit


def _form(form_class: Any, request: HttpRequest, name: str, **kwargs: Any) -> Any:
    """The form bound to the POST when it is the one sent (several share a page)."""
    sent = request.method == "POST" and request.POST.get("form") == name
    return form_class(request.POST if sent else None, request.FILES if sent else None, **kwargs)


def _placer(form: Any) -> Any:
    """Where a service's refusal goes: beside the fields it names, else in the summary."""

    def place(exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            add_errors(form, exc)
        else:
            form.add_error(None, exc.messages)

    return place


class ConsultationFilters(forms.Form):
    status = listing.filter_choice(
        "Status", [("open", "Open"), ("complete", "Complete")], every="Open or complete"
    )
    programme = listing.filter_choice("Programme", [], every="Every programme")
    employer = listing.filter_choice("Employer", [], every="Every employer")

    def __init__(self, data: Any, *, visible: Any) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["programme"]).choices = [
            ("", "Every programme"),
            *sorted(set(visible.values_list("programme_id", "programme__name")), key=lambda p: (p[1], p[0])),
        ]
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            ("", "Every employer"),
            *sorted(set(visible.values_list("partner_id", "partner__name")), key=lambda p: (p[1], p[0])),
        ]


CONSULTATION_SORTS = {
    "start_date": ("start_date", "pk"),
    "programme": ("programme__name", "-start_date", "-pk"),
    "employer": ("partner__name", "establishment", "pk"),
}


def _narrow_consultations(rows: Any, given: dict[str, Any]) -> Any:
    if "status" in given:
        rows = rows.filter(completed_on__isnull=given["status"] == "open")
    if "programme" in given:
        rows = rows.filter(programme_id=int(given["programme"]))
    if "employer" in given:
        rows = rows.filter(partner_id=int(given["employer"]))
    return rows


def _consultation_cells(c: Consultation) -> list[object]:
    found = cs.figures(c)
    return [
        c.programme.name,
        c.partner.name,
        c.establishment,
        found.number,
        found.duty.period_days if found.duty.collective else "",
        c.start_date,
        c.completed_on,
    ]


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    visible = cs.consultations_visible_to(request.user)
    listed = listing.list_page(
        request,
        visible,
        sorts=CONSULTATION_SORTS,
        default="start_date",
        descending=True,
        form=ConsultationFilters(request.GET, visible=visible),
        narrow=_narrow_consultations,
        download=listing.Download(
            [
                "Programme",
                "Employer",
                "Establishment",
                "Proposed redundant",
                "Minimum period (days)",
                "Begins",
                "Completed",
            ],
            _consultation_cells,
            "consultations",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/change/consultations.html",
        {
            **listed.context(),
            "rows": [(c, cs.figures(c)) for c in listed.page],
            "today": timezone.localdate(),
        },
    )


@login_required
def programme_consultations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = cs.programme_for(request.user, programme_id=programme_id)
    consulting = selectors.may(request.user, "change.consult", selectors.involved_partner_ids(programme))
    partners = Partner.objects.filter(pk__in=consulting).order_by("name")
    form = _form(ConsultationForm, request, "open", partners=partners)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        made = submit(
            form,
            lambda: services.consultation_open(
                actor=request.user,
                programme=programme,
                partner=data["partner"],
                establishment=data["establishment"],
                start_date=data["start_date"],
                reasons=data["reasons"],
                declared_number=data["declared_number"] or 0,
                selection_method=data["selection_method"],
                dismissal_method=data["dismissal_method"],
                proposed_first_dismissal=data["proposed_first_dismissal"],
                proposed_last_dismissal=data["proposed_last_dismissal"],
            ),
            place=_placer(form),
        )
        if made is not None:
            messages.success(request, "Consultation opened.")
            return redirect("web:change_consultation", consultation_id=made.pk)
    found = list(cs.consultations_of(request.user, programme=programme))
    names = dict(partners.values_list("pk", "name"))
    return render(
        request,
        "web/change/programme_consultations.html",
        {
            "programme": programme,
            "rows": [(c, cs.figures(c)) for c in found],
            "today": timezone.localdate(),
            "form": form,
            "may_open": bool(consulting),
            "establishments": [
                (names[p], location, n) for p, location, n in cs.establishments(programme, consulting)
            ],
        },
    )


def _page(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    consultation = cs.consultation_for(request.user, consultation_id=consultation_id)
    found = cs.figures(consultation)
    return {
        "consultation": consultation,
        "programme": consultation.programme,
        "figures": found,
        "hr1": cs.hr1_draft(found),
        "status": found.status(timezone.localdate()),
    }


@login_required
def consultation(request: HttpRequest, consultation_id: int) -> HttpResponse:
    context = _page(request, consultation_id)
    found = context["consultation"]
    may_consult = has_permission(request.user, "change.consult", found.partner_id)
    union = (
        cs.union_of(request.user, found.partner_id)
        if has_permission(request.user, "change.union", found.partner_id)
        else None
    )
    side = Side.MANAGEMENT if may_consult else Side.UNION if union else ""
    entries = ConsultationEntry.objects.for_partner(found.partner_id).filter(consultation=found)
    kinds = services.MANAGEMENT_KINDS if side == Side.MANAGEMENT else services.UNION_KINDS
    order = list(EntryKind.values)
    entry_form = _form(
        EntryForm,
        request,
        "entry",
        kinds=sorted(kinds, key=order.index),
        replies=entries.filter(kind__in=[EntryKind.QUESTION, EntryKind.PROPOSAL]).order_by(
            "occurred_on", "id"
        ),
    )
    own = (
        entries.filter(side=side)
        if side == Side.MANAGEMENT
        else entries.filter(side=Side.UNION, union=union or "-")
    )
    document_form = _form(DocumentForm, request, "document", entries=own.order_by("occurred_on", "id"))
    hr1_form = _form(Hr1SentForm, request, "hr1")
    complete_form = _form(CompleteForm, request, "complete")
    if request.method == "POST" and not side:
        raise PermissionDenied("You may read this consultation, not add to it.")
    if entry_form.is_bound and entry_form.is_valid():
        data = entry_form.cleaned_data
        if submit(
            entry_form,
            lambda: services.entry_add(
                actor=request.user,
                consultation=found,
                side=side,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                title=data["title"],
                body=data["body"],
                attendees=data["attendees"],
                union=data["union"],
                reply_to=data["reply_to"],
            ),
            place=_placer(entry_form),
        ):
            messages.success(request, f"{EntryKind(data['kind']).label} added to the log.")
            return redirect("web:change_consultation", consultation_id=found.pk)
    if document_form.is_bound and document_form.is_valid():
        upload = document_form.cleaned_data["file"]
        if upload.size > attachments.MAX_BYTES:
            document_form.add_error(
                "file", f"{upload.name} is larger than {attachments.MAX_BYTES // 1048576} MB."
            )
        elif submit(
            document_form,
            lambda: services.document_attach(
                actor=request.user,
                entry=document_form.cleaned_data["entry"],
                filename=upload.name or "document",
                content=upload.read(),
            ),
            place=_placer(document_form),
        ):
            messages.success(request, "Document attached.")
            return redirect("web:change_consultation", consultation_id=found.pk)
    if hr1_form.is_bound and hr1_form.is_valid():
        sent_on = hr1_form.cleaned_data["sent_on"]
        if submit(
            hr1_form,
            lambda: services.consultation_hr1_sent(actor=request.user, consultation=found, sent_on=sent_on),
            place=_placer(hr1_form),
        ):
            messages.success(request, "The date HR1 was sent is recorded.")
            return redirect("web:change_consultation", consultation_id=found.pk)
    if complete_form.is_bound and complete_form.is_valid():
        outcome = complete_form.cleaned_data["outcome"]
        if submit(
            complete_form,
            lambda: services.consultation_complete(actor=request.user, consultation=found, outcome=outcome),
            place=_placer(complete_form),
        ):
            messages.success(request, "The consultation is marked complete.")
            return redirect("web:change_consultation", consultation_id=found.pk)
    return render(
        request,
        "web/change/consultation.html",
        {
            **context,
            "side": side,
            "union": union,
            "entry_form": entry_form,
            "document_form": document_form,
            "hr1_form": hr1_form,
            "complete_form": complete_form,
        },
    )


@login_required
def timeline(request: HttpRequest, consultation_id: int) -> HttpResponse:
    context = _page(request, consultation_id)
    return render(
        request,
        "web/change/consultation_timeline.html",
        {**context, "moments": cs.timeline(context["consultation"], context["figures"])},
    )


@login_required
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    found = cs.document_for(request.user, document_id=document_id)
    response = HttpResponse(attachments.read(found.sha256), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
