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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.change import selectors, services
from joinedup.change.models import AtRiskStatus, ProgrammeStatus, RedeploymentStatus
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.people.models import OrgUnit, Post
from joinedup.web.change.forms import (
    ApplyForm,
    ChangePostForm,
    DeletePostForm,
    HostOutcomeForm,
    InvolveForm,
    MilestoneDoneForm,
    MilestoneForm,
    PoolAssignForm,
    PoolForm,
    ProgrammeForm,
    ProgrammeStatusForm,
    RedeploymentProposeForm,
    RingFencedPostForm,
    ScopeForm,
    StructureForm,
    TrialForm,
    TrialOutcomeForm,
    VrWindowForm,
)
from joinedup.web.current import current_partner, partner_page
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
    vr_form = VrWindowForm(request.POST if request.POST.get("form") == "vr" else None)
    status_form = ProgrammeStatusForm(
        request.POST if request.POST.get("form") == "status" else None,
        initial={"status": found.status, "end_date": found.end_date},
    )
    done_form = MilestoneDoneForm(
        request.POST if request.POST.get("form") == "milestone_done" else None,
        milestones=selectors.milestones_of(found).filter(done_on__isnull=True),
    )
    managed_involved = selectors.may(request.user, "change.manage", selectors.involved_partner_ids(found))
    scope_form = ScopeForm(
        request.POST if request.POST.get("form") == "scope" else None,
        units=OrgUnit.objects.for_partners(managed_involved)
        .select_related("partner")
        .order_by("partner__name", "code"),
        posts=selectors.live_on(Post.objects.for_partners(managed_involved), timezone.localdate()),
    )
    involve_form = InvolveForm(
        request.POST if request.POST.get("form") == "involve" else None,
        partners=Partner.objects.filter(pk__in=partner_ids_with(request.user, "change.manage"), active=True)
        .exclude(pk__in=selectors.involved_partner_ids(found))
        .order_by("name"),
    )
    if request.method == "POST" and scope_form.is_bound and scope_form.is_valid():
        data = scope_form.cleaned_data
        added = submit(
            scope_form,
            lambda: services.scope_add(
                actor=request.user,
                programme=found,
                org_units=[data["org_unit"]] if data["org_unit"] else [],
                posts=[data["post"]] if data["post"] else [],
            ),
        )
        if added is not None:
            messages.success(request, f"{len(added)} posts brought into the scope.")
            return redirect("web:change_programme", programme_id=found.pk)
    if request.method == "POST" and involve_form.is_bound and involve_form.is_valid():
        partner = involve_form.cleaned_data["partner"]
        if submit(
            involve_form,
            lambda: services.programme_involve(actor=request.user, programme=found, partner=partner),
        ):
            messages.success(request, f"{partner.name} is involved in the programme.")
            return redirect("web:change_programme", programme_id=found.pk)
    if request.method == "POST" and status_form.is_bound and status_form.is_valid():
        data = status_form.cleaned_data
        if submit(
            status_form,
            lambda: services.programme_update(
                actor=request.user, programme=found, status=data["status"], end_date=data["end_date"]
            ),
        ):
            messages.success(request, f"The programme is {found.get_status_display().lower()}.")
            return redirect("web:change_programme", programme_id=found.pk)
    if request.method == "POST" and done_form.is_bound and done_form.is_valid():
        data = done_form.cleaned_data
        if submit(
            done_form,
            lambda: services.milestone_done(
                actor=request.user, milestone=data["milestone"], done_on=data["done_on"]
            ),
        ):
            messages.success(request, f"Milestone {data['milestone'].name} done.")
            return redirect("web:change_programme", programme_id=found.pk)
    here = current_partner(request)
    if request.method == "POST" and vr_form.is_bound and here is not None and vr_form.is_valid():
        data = vr_form.cleaned_data
        window = submit(
            vr_form,
            lambda: services.vr_window_open(
                actor=request.user,
                programme=found,
                partner=here,
                opens=data["opens"],
                closes=data["closes"],
                eligibility=data["eligibility"],
                scheme=data["scheme"],
            ),
        )
        if window is not None:
            messages.success(request, f"Voluntary redundancy window opened at {here.name}.")
            return redirect("web:change_vr_window", window_id=window.pk)
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
            "vr_form": vr_form,
            "status_form": status_form,
            "scope_form": scope_form,
            "involve_form": involve_form,
            "may_scope": bool(managed_involved),
            "done_form": done_form,
            "vr_windows": list(selectors.vr_windows_of(request.user, programme=found)),
            "here": here,
            "may_open_vr": here is not None
            and here.pk in selectors.involved_partner_ids(found)
            and here.pk in partner_ids_with(request.user, "change.manage"),
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
    units = OrgUnit.objects.for_partners(managed).select_related("partner").order_by("partner__name", "code")
    change_form = ChangePostForm(
        request.POST if request.POST.get("form") == "change" else None, posts=posts, units=units
    )
    if request.method == "POST" and request.POST.get("form") == "withdraw":
        chosen = next((c for c in context["changes"] if str(c.pk) == request.POST.get("change")), None)
        if chosen is None:
            raise Http404("No such change in this structure.")
        if attempt(
            request, lambda: services.structure_change_withdraw(actor=request.user, change=chosen) or True
        ):
            messages.success(request, "The change is taken out of the structure.")
        return redirect("web:change_structure", structure_id=found.pk)
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
    if request.method == "POST" and change_form.is_bound and change_form.is_valid():
        data = change_form.cleaned_data
        post = data["post"]
        proposal = services.PostProposal(
            title=data["title"],
            org_unit=data["org_unit"],
            scheme=data["scheme"],
            grade_min=data["grade_min"],
            grade_max=data["grade_max"],
            budgeted_fte=data["budgeted_fte"],
            cost_centre=data["cost_centre"],
            location=data["location"] or None,  # left empty: where it is now
        )
        if submit(
            change_form,
            lambda: services.structure_change_post(
                actor=request.user, structure=found, post=post, proposal=proposal, note=data["note"]
            ),
        ):
            messages.success(request, f"Changes to post {post.code} proposed.")
            return redirect("web:change_structure", structure_id=found.pk)
    return render(
        request,
        "web/change/structure.html",
        {
            **context,
            "delete_form": delete_form,
            "change_form": change_form,
            "may_manage": bool(managed),
            "managed": managed,
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
    """The people the structure puts at risk, and its selection pools: the lead partner's HR
    makes a pool, and each employer's HR puts its own people at risk in one."""
    found = selectors.structure_for(request.user, structure_id=structure_id)
    people = list(selectors.at_risk_of(request.user, structure=found))
    managed = selectors.may(request.user, "change.manage", sorted({r.partner_id for r in people}))
    pools = found.pools.order_by("name")
    pool_form = PoolForm(request.POST if request.POST.get("form") == "pool" else None)
    assign_form = PoolAssignForm(
        request.POST if request.POST.get("form") == "assign" else None,
        people=selectors.at_risk_of(request.user, structure=found).filter(partner__in=managed),
        pools=pools,
    )
    units = OrgUnit.objects.for_partners(
        selectors.may(request.user, "change.manage", selectors.involved_partner_ids(found.programme))
    ).select_related("partner")
    post_form = RingFencedPostForm(
        request.POST if request.POST.get("form") == "ring_fence" else None,
        units=units.order_by("partner__name", "code"),
        pools=pools,
    )
    if request.method == "POST" and post_form.is_bound and post_form.is_valid():
        data = post_form.cleaned_data
        unit = data["org_unit"]
        change = submit(
            post_form,
            lambda: services.structure_create_post(
                actor=request.user,
                structure=found,
                partner=unit.partner,
                proposal=services.PostProposal(
                    code=data["code"],
                    title=data["title"],
                    org_unit=unit,
                    scheme=data["scheme"],
                    grade_min=data["grade_min"],
                    grade_max=data["grade_max"],
                    budgeted_fte=data["budgeted_fte"],
                    cost_centre=data["cost_centre"],
                    location=data["location"],
                ),
                pool=data["pool"],
            ),
        )
        if change is not None:
            messages.success(request, f"New post {change.code} proposed, ring-fenced to {data['pool'].name}.")
            return redirect("web:change_at_risk", structure_id=found.pk)
    ring_fenced: dict[int, list[str]] = {}
    for c in selectors.changes_of(found):
        if c.pool_id is not None:
            ring_fenced.setdefault(c.pool_id, []).append(f"{c.target_partner.code} {c.code} {c.title}")
    here = current_partner(request)
    involved = selectors.involved_of(found.programme)
    mine = next((row for row in involved if here is not None and row.partner_id == here.pk), None)
    if request.method == "POST" and request.POST.get("form") == "agree":
        if here is None or mine is None:
            raise Http404("Your partner is not involved in the programme.")
        agrees = request.POST.get("agrees") == "yes"
        if attempt(
            request,
            lambda: services.redeployment_agree(
                actor=request.user, programme=found.programme, partner=here, agrees=agrees
            ),
        ):
            messages.success(
                request,
                f"{here.name} {'takes' if agrees else 'no longer takes'} redeployment from the programme.",
            )
        return redirect("web:change_at_risk", structure_id=found.pk)
    if request.method == "POST" and pool_form.is_bound and pool_form.is_valid():
        data = pool_form.cleaned_data
        pool = submit(
            pool_form,
            lambda: services.pool_create(
                actor=request.user, structure=found, name=data["name"], criteria=data["criteria"]
            ),
        )
        if pool is not None:
            messages.success(request, f"Selection pool {pool.name} made.")
            return redirect("web:change_at_risk", structure_id=found.pk)
    if request.method == "POST" and assign_form.is_bound and assign_form.is_valid():
        data = assign_form.cleaned_data
        row = submit(
            assign_form,
            lambda: services.pool_assign(actor=request.user, pool=data["pool"], at_risk=data["at_risk"]),
        )
        if row is not None:
            messages.success(
                request, f"{row.employment.person.full_name} is in the selection pool {data['pool'].name}."
            )
            return redirect("web:change_at_risk", structure_id=found.pk)
    return render(
        request,
        "web/change/at_risk.html",
        {
            "structure": found,
            "programme": found.programme,
            "people": people,
            "pools": [(p, ring_fenced.get(p.pk, [])) for p in pools],
            "post_form": post_form,
            "may_ring_fence": found.applied_at is None and units.exists(),
            "pool_form": pool_form,
            "assign_form": assign_form,
            "may_make_pool": found.programme.status != ProgrammeStatus.CLOSED
            and bool(selectors.may(request.user, "change.manage", [found.partner_id])),
            "may_assign": bool(managed),
            "involved": involved,
            "here": here,
            "may_agree": mine is not None
            and bool(selectors.may(request.user, "change.manage", [mine.partner_id])),
            "agrees": mine is not None and mine.accepts_redeployment,
            "hosted": selectors.hosted_trials(request.user, structure=found),
        },
    )


@login_required
def at_risk_person(request: HttpRequest, at_risk_id: int) -> HttpResponse:
    """A person at risk (their employer's to see): the vacancies that suit them at their
    employer and at the partners that accept redeployment, the offers made to them, and the
    trial period of each (ERA 1996 s.138(3))."""
    found = selectors.at_risk_for(request.user, at_risk_id=at_risk_id)
    # The offers name vacancies at other partners (those that agreed to take redeployment): rows
    # the database's row-level security hides from the employer's HR. Access to the person is
    # settled above; each write below still goes through its service's authorisation.
    with rls.system_context("change: a person at risk's offers of vacancies at other partners"):
        return _at_risk_person(request, found)


def _at_risk_person(request: HttpRequest, found: Any) -> HttpResponse:
    may_manage = bool(selectors.may(request.user, "change.manage", [found.partner_id]))
    vacancies = selectors.redeployment_matches(request.user, at_risk=found)
    offers = selectors.redeployments_of(found)
    propose_form = RedeploymentProposeForm(
        request.POST if request.POST.get("form") == "propose" else None, vacancies=vacancies
    )
    trial_form = TrialForm(
        request.POST if request.POST.get("form") == "trial" else None,
        offers=offers.filter(status=RedeploymentStatus.PROPOSED),
    )
    outcome_form = TrialOutcomeForm(
        request.POST if request.POST.get("form") == "outcome" else None,
        trials=offers.filter(status=RedeploymentStatus.TRIAL),
    )
    if request.method == "POST" and propose_form.is_bound and propose_form.is_valid():
        data = propose_form.cleaned_data
        offer = submit(
            propose_form,
            lambda: services.redeployment_propose(
                actor=request.user, at_risk=found, vacancy=data["vacancy"], note=data["note"]
            ),
        )
        if offer is not None:
            messages.success(request, f"Post {data['vacancy'].code} offered.")
            return redirect("web:change_at_risk_person", at_risk_id=found.pk)
    if request.method == "POST" and trial_form.is_bound and trial_form.is_valid():
        data = trial_form.cleaned_data
        if submit(
            trial_form,
            lambda: services.redeployment_trial(
                actor=request.user, redeployment=data["redeployment"], start=data["start"], end=data["end"]
            ),
        ):
            messages.success(request, f"Trial period in post {data['redeployment'].vacancy.code} recorded.")
            return redirect("web:change_at_risk_person", at_risk_id=found.pk)
    if request.method == "POST" and outcome_form.is_bound and outcome_form.is_valid():
        data = outcome_form.cleaned_data
        if submit(
            outcome_form,
            lambda: services.redeployment_outcome(
                actor=request.user,
                redeployment=data["redeployment"],
                successful=data["outcome"] == "successful",
                note=data["note"],
            ),
        ):
            messages.success(request, "The trial's outcome is recorded.")
            return redirect("web:change_at_risk_person", at_risk_id=found.pk)
    return render(
        request,
        "web/change/at_risk_person.html",
        {
            "at_risk": found,
            "structure": found.structure,
            "vacancies": vacancies,
            "offers": list(selectors.redeployments_of(found)),
            "propose_form": propose_form,
            "trial_form": trial_form,
            "outcome_form": outcome_form,
            "may_manage": may_manage,
            # Shown again when refused, so that the refusal is seen beside the field.
            "may_offer": may_manage
            and found.status == AtRiskStatus.AT_RISK
            and (bool(vacancies) or propose_form.is_bound),
        },
    )


@login_required
def redeployment(request: HttpRequest, redeployment_id: int) -> HttpResponse:
    """A redeployment into a post, for its host partner as well as the employer: the person, the
    post, the trial period (ERA 1996 s.138(3)) and its outcome, which the host's manager of
    change records once the trial has run."""
    found = selectors.redeployment_for(request.user, redeployment_id=redeployment_id)
    # An outcome may redeploy the person (the employer's at-risk row): read and written in the
    # stated context once access is settled above; the service authorises the write.
    with rls.system_context("change: the host or employer records a trial's outcome"):
        form = bound(HostOutcomeForm, request)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = submit(
                form,
                lambda: services.redeployment_outcome(
                    actor=request.user,
                    redeployment=found,
                    successful=data["outcome"] == "successful",
                    note=data["note"],
                ),
            )
            if done is not None:
                outcome = done.get_trial_outcome_display().lower()
                messages.success(request, f"The trial in post {found.vacancy.code} is recorded as {outcome}.")
                return redirect("web:change_redeployment", redeployment_id=found.pk)
        may_record = found.status == RedeploymentStatus.TRIAL and bool(
            selectors.may(request.user, "change.manage", [found.host_partner_id, found.partner_id])
        )
        return render(
            request,
            "web/change/redeployment.html",
            {
                "redeployment": found,
                "at_risk": found.at_risk,
                "structure": found.at_risk.structure,
                "form": form,
                # Shown again after a refusal, so that its reason is seen.
                "may_record": may_record or form.is_bound,
                "is_employer": bool(selectors.may(request.user, "change.view", [found.partner_id])),
            },
        )
