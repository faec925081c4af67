"""Workforce-change pages: the programmes a user may see, a programme (partners, milestones,
scope, structures), a structure with its comparison of current and proposed posts, applying it
after a confirmation, and the people it puts at risk (each employer's own staff only).

Every page finds its object through a selector first, so another partner's programme answers
404 before any form is read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.change import selectors, services
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.people.models import Post
from joinedup.web.change.forms import ApplyForm, DeletePostForm, MilestoneForm, ProgrammeForm, StructureForm
from joinedup.web.current import partner_page
from joinedup.web.forms import attempt, bound, submit


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "change.view")
    found = list(selectors.programmes_visible_to(request.user))
    managed = partner_ids_with(request.user, "change.manage")
    form = bound(ProgrammeForm, request)
    others = Partner.objects.filter(pk__in=managed, active=True).exclude(pk=partner.pk).order_by("name")
    if request.method == "POST" and form.is_valid():
        chosen = {int(v) for v in request.POST.getlist("partners") if v.isdigit()}
        data = form.cleaned_data
        programme = submit(
            form,
            lambda: services.programme_create(
                actor=request.user,
                partner=partner,
                name=data["name"],
                owner=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
                partners=[p for p in others if p.pk in chosen],
            ),
        )
        if programme is not None:
            messages.success(request, f"Programme {programme.name} started.")
            return redirect("web:change_programme", programme_id=programme.pk)
    return render(
        request,
        "web/change/programmes.html",
        {
            "programmes": found,
            "form": form,
            "may_start": partner.pk in managed,
            "others": others,
        },
    )


@login_required
def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    found = selectors.programme_for(request.user, programme_id=programme_id)
    milestone_form = MilestoneForm(request.POST if request.POST.get("form") == "milestone" else None)
    structure_form = StructureForm(request.POST if request.POST.get("form") == "structure" else None)
    if request.method == "POST" and milestone_form.is_bound and milestone_form.is_valid():
        data = milestone_form.cleaned_data
        if submit(
            milestone_form,
            lambda: services.milestone_add(
                actor=request.user, programme=found, name=data["name"], due=data["due"]
            ),
        ):
            messages.success(request, f"Milestone {data['name']} added.")
            return redirect("web:change_programme", programme_id=found.pk)
    if request.method == "POST" and structure_form.is_bound and structure_form.is_valid():
        data = structure_form.cleaned_data
        structure = submit(
            structure_form,
            lambda: services.structure_create(
                actor=request.user, programme=found, name=data["name"], effective_date=data["effective_date"]
            ),
        )
        if structure is not None:
            return redirect("web:change_structure", structure_id=structure.pk)
    return render(
        request,
        "web/change/programme.html",
        {
            "programme": found,
            "involved": selectors.involved_of(found),
            "milestones": list(selectors.milestones_of(found)),
            "structures": list(selectors.structures_of(found)),
            "scope": selectors.scope_posts_of(found),
            "milestone_form": milestone_form,
            "structure_form": structure_form,
            "may_manage": found.partner_id in partner_ids_with(request.user, "change.manage"),
        },
    )


def _structure_page(request: HttpRequest, structure_id: int) -> dict[str, Any]:
    structure = selectors.structure_for(request.user, structure_id=structure_id)
    comparison, refused = None, ""
    try:
        comparison = selectors.structure_comparison(request.user, structure=structure)
    except ValidationError as exc:
        refused = " ".join(exc.messages)
    return {
        "structure": structure,
        "programme": structure.programme,
        "changes": selectors.changes_of(structure),
        "comparison": comparison,
        "refused": refused,
    }


@login_required
def structure(request: HttpRequest, structure_id: int) -> HttpResponse:
    context = _structure_page(request, structure_id)
    found = context["structure"]
    # The posts the user may propose to delete: in scope, not yet changed, at a partner where
    # they manage change.
    managed = selectors.may(request.user, "change.manage", selectors.involved_partner_ids(found.programme))
    posts = (
        Post.objects.for_partners(managed)
        .filter(
            pk__in=list(found.programme.scope_posts.values_list("post_id", flat=True)), end_date__isnull=True
        )
        .exclude(pk__in=[c.post_id for c in context["changes"] if c.post_id])
        .select_related("partner")
        .order_by("partner__name", "code")
    )
    delete_form = DeletePostForm(request.POST if request.POST.get("form") == "delete" else None, posts=posts)
    if request.method == "POST" and request.POST.get("form") == "identify":
        made = attempt(request, lambda: services.at_risk_identify(actor=request.user, structure=found))
        if made is not None:
            messages.success(request, f"{len(made)} people newly recorded at risk.")
        return redirect("web:change_at_risk", structure_id=found.pk)
    if request.method == "POST" and delete_form.is_bound and delete_form.is_valid():
        data = delete_form.cleaned_data
        if submit(
            delete_form,
            lambda: services.structure_delete_post(
                actor=request.user, structure=found, post=data["post"], note=data["note"]
            ),
        ):
            messages.success(request, f"Deleting post {data['post'].code} proposed.")
            return redirect("web:change_structure", structure_id=found.pk)
    return render(
        request,
        "web/change/structure.html",
        {
            **context,
            "delete_form": delete_form,
            "may_manage": bool(managed),
            "may_apply": found.applied_at is None
            and bool(selectors.may(request.user, "change.apply", [found.partner_id])),
        },
    )


@login_required
def apply(request: HttpRequest, structure_id: int) -> HttpResponse:
    context = _structure_page(request, structure_id)
    found = context["structure"]
    form = bound(ApplyForm, request)
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            lambda: services.structure_apply(actor=request.user, structure=found),
            place=lambda exc: form.add_error(None, exc.messages),
        )
        if done is not None:
            (messages.info if done.already else messages.success)(request, done.message)
            return redirect("web:change_structure", structure_id=found.pk)
    return render(request, "web/change/apply.html", {**context, "form": form})


@login_required
def at_risk(request: HttpRequest, structure_id: int) -> HttpResponse:
    found = selectors.structure_for(request.user, structure_id=structure_id)
    return render(
        request,
        "web/change/at_risk.html",
        {
            "structure": found,
            "programme": found.programme,
            "people": list(selectors.at_risk_of(request.user, structure=found)),
        },
    )
