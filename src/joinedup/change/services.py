"""Every change to workforce-change programmes, their structures and the people at risk.

Each function is one transaction: it checks the caller's permission on the partner concerned
(``change.manage``; ``change.apply`` to apply a structure), validates what the database cannot,
writes, and records its audit event. Who decides what:

- the programme's own rows (its details, milestones, structures, pools) are the lead partner's;
- a post enters the scope, or a structure proposes a change to it, by its own partner's
  decision (change.manage there), and only if that partner is involved in the programme;
- a partner agrees for itself to take other partners' staff at risk into its vacancies;
- a person at risk, and their redeployment, are their employer's (the host of a redeployment
  records the trial's outcome too).

Applying a structure changes the establishment through the people module's services
(``post_create``, ``post_change``, ``post_end``), each audited on its partner's chain, and once:
applying it again changes nothing and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.change import letters, selectors
from joinedup.change.models import (
    VR_LIVE,
    VR_UNDECIDED,
    AtRisk,
    AtRiskStatus,
    ChangeKind,
    ChangeProgramme,
    Milestone,
    ProgrammePartner,
    ProgrammeStatus,
    ProposedStructure,
    Redeployment,
    RedeploymentStatus,
    ScopePost,
    ScopeUnit,
    SelectionPool,
    StructureChange,
    TrialOutcome,
    VrDelegation,
    VrEligibility,
    VrInterest,
    VrStatus,
    VrWindow,
)
from joinedup.change.redundancy import UnknownScheme, scheme_named
from joinedup.change.restructure import changed_shape, material_reasons, shape_of
from joinedup.core import rls
from joinedup.core.actors import is_system, user_of
from joinedup.core.dates import people_date
from joinedup.core.money import PENNY, ZERO
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.payroll.models import PayItemTreatment
from joinedup.payroll.selectors import approved_pay_end, first_open_pay_day
from joinedup.payroll.services import pay_item_add_one_off
from joinedup.people.models import Employment, OrgUnit, PayPoint, Post, PostHolding, TermsScheme
from joinedup.people.services import Errors, employment_end, post_change, post_create, post_end

ONE_DAY = timedelta(days=1)


def _involved(programme: ChangeProgramme) -> list[int]:
    return selectors.involved_partner_ids(programme)


def _require_involved(programme: ChangeProgramme, partner_id: int, errors: Errors, name: str) -> None:
    if partner_id not in _involved(programme):
        errors.add(name, "That partner is not involved in the programme.")


def _open(programme: ChangeProgramme) -> None:
    if programme.status == ProgrammeStatus.CLOSED:
        raise ValidationError("The programme is closed.")


# --- Programmes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    partner: Partner,
    name: str,
    owner: Any,
    start_date: date,
    end_date: date | None = None,
    description: str = "",
    partners: list[Partner] | tuple[Partner, ...] = (),
) -> ChangeProgramme:
    """A programme led by ``partner``, involving it and ``partners``. Each partner involved agrees
    to be: the caller manages change at every one of them."""
    others = list({p.pk: p for p in partners if p.pk != partner.pk}.values())
    for each in (partner, *others):
        authorise(actor, "change.manage", each)
    errors = Errors()
    if not name.strip():
        errors.add("name", "Enter the programme's name.")
    elif ChangeProgramme.objects.for_partner(partner).filter(partner=partner, name=name.strip()).exists():
        errors.add("name", f"{partner.name} already has a programme called {name.strip()}.")
    if end_date is not None and end_date < start_date:
        errors.add("end_date", "The end date must be the same as or after the start date.")
    if not getattr(owner, "is_active", False):
        errors.add("owner", "Choose an active user as the owner.")
    errors.raise_if_any()
    programme = ChangeProgramme.objects.create(
        partner=partner,
        name=name.strip(),
        owner=owner,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
    )
    ProgrammePartner.objects.bulk_create(
        [ProgrammePartner(partner=p, programme=programme) for p in (partner, *others)]
    )
    record_event(
        actor=actor,
        partner=partner,
        action="change.programme_created",
        target=programme,
        after={
            "name": programme.name,
            "owner": owner.get_username(),
            "start_date": start_date,
            "end_date": end_date,
            "partners": [p.code for p in (partner, *others)],
        },
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: Any,
    programme: ChangeProgramme,
    status: str | None = None,
    end_date: date | None = None,
    description: str | None = None,
) -> ChangeProgramme:
    """Move the programme on (draft → consultation → approved → implementing → closed; it may go
    back a step, as a decision is revisited), set its end date or its description."""
    authorise(actor, "change.manage", programme.partner_id)
    errors = Errors()
    if status is not None and status not in ProgrammeStatus.values:
        errors.add("status", "Choose the status from the list.")
    if end_date is not None and end_date < programme.start_date:
        errors.add("end_date", "The end date must be the same as or after the start date.")
    errors.raise_if_any()  # before anything changes, so the caller's programme is as it was
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if status is not None and status != programme.status:
        before["status"], after["status"] = programme.status, status
        programme.status = status
    if end_date is not None and end_date != programme.end_date:
        before["end_date"], after["end_date"] = programme.end_date, end_date
        programme.end_date = end_date
    if description is not None and description.strip() != programme.description:
        before["description"], after["description"] = programme.description, description.strip()
        programme.description = description.strip()
    if not after:
        return programme
    programme.save(update_fields=list(after))
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="change.programme_updated",
        target=programme,
        before=before,
        after=after,
    )
    return programme


@transaction.atomic
def programme_involve(*, actor: Any, programme: ChangeProgramme, partner: Partner) -> ProgrammePartner:
    """Bring another partner into the programme: the lead and that partner both agree."""
    authorise(actor, "change.manage", programme.partner_id)
    authorise(actor, "change.manage", partner)
    _open(programme)
    if partner.pk in _involved(programme):
        raise ValidationError({"partner": f"{partner.name} is already involved."})
    row = ProgrammePartner.objects.create(partner=partner, programme=programme)
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="change.partner_involved",
        target=programme,
        after={"partner": partner.code},
    )
    return row


@transaction.atomic
def redeployment_agree(
    *, actor: Any, programme: ChangeProgramme, partner: Partner, agrees: bool
) -> ProgrammePartner:
    """Whether ``partner`` offers its vacancies to people the programme puts at risk at the other
    partners. Each partner decides this for itself."""
    authorise(actor, "change.manage", partner)
    row = ProgrammePartner.objects.for_partner(partner).filter(programme=programme, partner=partner).first()
    if row is None:
        raise ValidationError({"partner": f"{partner.name} is not involved in the programme."})
    if row.accepts_redeployment == agrees:
        return row
    row.accepts_redeployment = agrees
    row.save(update_fields=["accepts_redeployment"])
    record_event(
        actor=actor,
        partner=partner,
        action="change.redeployment_agreed" if agrees else "change.redeployment_withdrawn",
        target=programme,
        after={"accepts_redeployment": agrees},
    )
    return row


@transaction.atomic
def milestone_add(*, actor: Any, programme: ChangeProgramme, name: str, due: date) -> Milestone:
    authorise(actor, "change.manage", programme.partner_id)
    _open(programme)
    if not name.strip():
        raise ValidationError({"name": "Enter the milestone's name."})
    if programme.milestones.filter(name=name.strip()).exists():
        raise ValidationError({"name": f"The programme already has a milestone called {name.strip()}."})
    milestone = Milestone.objects.create(
        partner_id=programme.partner_id, programme=programme, name=name.strip(), due=due
    )
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="change.milestone_added",
        target=milestone,
        after={"programme": programme.name, "name": milestone.name, "due": due},
    )
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone, done_on: date) -> Milestone:
    authorise(actor, "change.manage", milestone.partner_id)
    if milestone.done_on == done_on:
        return milestone
    before = milestone.done_on
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_event(
        actor=actor,
        partner=milestone.partner_id,
        action="change.milestone_done",
        target=milestone,
        before={"done_on": before},
        after={"done_on": done_on},
    )
    return milestone


@transaction.atomic
def scope_add(
    *,
    actor: Any,
    programme: ChangeProgramme,
    org_units: list[OrgUnit] | tuple[OrgUnit, ...] = (),
    posts: list[Post] | tuple[Post, ...] = (),
) -> list[ScopePost]:
    """Put units (with every post in them and in the units beneath, as the establishment holds
    them today) and single posts in the programme's scope. Each post's own partner decides: the
    caller manages change there, and that partner is involved. Posts already in scope are kept."""
    _open(programme)
    involved = _involved(programme)
    partner_ids = sorted({u.partner_id for u in org_units} | {p.partner_id for p in posts})
    if not partner_ids:
        raise ValidationError("Choose a unit or a post to add to the scope.")
    for partner_id in partner_ids:
        authorise(actor, "change.manage", partner_id)
    strangers = [pid for pid in partner_ids if pid not in involved]
    if strangers:
        raise ValidationError("A post or unit belongs to a partner not involved in the programme.")
    today = timezone.localdate()
    units = selectors.org_units_in([u.pk for u in org_units], partner_ids)
    wanted = {p.pk for p in posts} | set(
        selectors.live_on(Post.objects.for_partners(partner_ids), today)
        .filter(org_unit__in=units)
        .values_list("pk", flat=True)
    )
    have_units = set(programme.scope_units.values_list("org_unit_id", flat=True))
    have_posts = set(programme.scope_posts.values_list("post_id", flat=True))
    ScopeUnit.objects.bulk_create(
        [
            ScopeUnit(partner_id=programme.partner_id, programme=programme, org_unit=u)
            for u in org_units
            if u.pk not in have_units
        ]
    )
    new_posts = [
        ScopePost(partner_id=programme.partner_id, programme=programme, post_id=pk)
        for pk in sorted(wanted - have_posts)
    ]
    ScopePost.objects.bulk_create(new_posts)
    if new_posts or any(u.pk not in have_units for u in org_units):
        with rls.system_context(selectors.SCOPE_READ):
            codes = list(
                Post.objects.for_partners(partner_ids)
                .filter(pk__in=[s.post_id for s in new_posts])
                .order_by("partner_id", "code")
                .values_list("code", flat=True)
            )
        record_event(
            actor=actor,
            partner=programme.partner_id,
            action="change.scope_added",
            target=programme,
            after={"units": [u.code for u in org_units], "posts": codes},
        )
    return new_posts


# --- Proposed structures ---------------------------------------------------------------------------


@transaction.atomic
def structure_create(
    *, actor: Any, programme: ChangeProgramme, name: str, effective_date: date
) -> ProposedStructure:
    """An empty proposed structure, drawn from the establishment as it stands: changes are added
    post by post."""
    authorise(actor, "change.manage", programme.partner_id)
    _open(programme)
    if not name.strip():
        raise ValidationError({"name": "Enter the structure's name."})
    if programme.structures.filter(name=name.strip()).exists():
        raise ValidationError({"name": f"The programme already has a structure called {name.strip()}."})
    structure = ProposedStructure.objects.create(
        partner_id=programme.partner_id, programme=programme, name=name.strip(), effective_date=effective_date
    )
    record_event(
        actor=actor,
        partner=programme.partner_id,
        action="change.structure_created",
        target=structure,
        after={"programme": programme.name, "name": structure.name, "effective_date": effective_date},
    )
    return structure


@dataclass(frozen=True)
class PostProposal:
    """A post as proposed. For a change to an existing post an empty value (``""``, None) means
    "as now"; ``location=""`` there means "no location". A new post needs code, title, unit,
    scheme, grade, FTE and cost centre; it may report to an existing post or to another new one
    (``reports_to_new``)."""

    code: str = ""
    title: str = ""
    org_unit: OrgUnit | None = None
    scheme: TermsScheme | None = None
    grade_min: PayPoint | None = None
    grade_max: PayPoint | None = None
    budgeted_fte: Decimal | None = None
    cost_centre: str = ""
    location: str | None = None
    reports_to: Post | None = None
    reports_to_new: StructureChange | None = None


def _proposal_values(proposal: PostProposal) -> dict[str, Any]:
    values = {f.name: getattr(proposal, f.name) for f in fields(proposal)}
    for name in ("code", "title", "cost_centre"):
        values[name] = values[name].strip()
    if values["location"] is not None:
        values["location"] = values["location"].strip()
    return values


FTE_PLACES = 4  # as the post's budgeted FTE is held
FTE_LIMIT = Decimal(999)


def _check_fte(errors: Errors, value: Decimal | None) -> None:
    if value is None:
        return
    exponent = value.as_tuple().exponent
    if not value.is_finite() or value < 0 or value > FTE_LIMIT:
        errors.add("budgeted_fte", f"Budgeted FTE must be between 0 and {FTE_LIMIT}.")
    elif isinstance(exponent, int) and exponent < -FTE_PLACES:
        errors.add("budgeted_fte", f"Budgeted FTE can have at most {FTE_PLACES} decimal places.")


def _editable(structure: ProposedStructure) -> None:
    # Asked of the database, not of the caller's copy, which may predate the structure's applying.
    applied = ProposedStructure.objects.for_partner(structure.partner_id).filter(
        pk=structure.pk, applied_at__isnull=False
    )
    if structure.applied_at is not None or applied.exists():
        raise ValidationError("The structure has been applied; propose further changes in a new one.")
    _open(structure.programme)


def _check_grade(
    errors: Errors, scheme: TermsScheme | None, low: PayPoint | None, high: PayPoint | None
) -> None:
    if scheme is None or low is None or high is None:
        return
    for name, point in (("grade_min", low), ("grade_max", high)):
        if point.scheme_id != scheme.pk:
            errors.add(name, f"Point {point.code} is not on the {scheme.name} scale.")
    if low.sort > high.sort:
        errors.add("grade_max", "The top of the grade is below its bottom.")


def _check_post(structure: ProposedStructure, post: Post, errors: Errors) -> None:
    programme = structure.programme
    if not programme.scope_posts.filter(post=post).exists():
        errors.add("post", f"Post {post.code} is not in the programme's scope; add it first.")
    if post.end_date is not None and post.end_date < structure.effective_date:
        errors.add(
            "post", f"Post {post.code} ends on {people_date(post.end_date)}, before the structure starts."
        )
    if structure.changes.filter(post=post).exclude(kind=ChangeKind.CREATE).exists():
        errors.add("post", f"The structure already changes post {post.code}.")


def _record_change(actor: Any, change: StructureChange, summary: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        partner=change.partner_id,
        action=f"change.structure_{change.kind}",
        target=change.structure,
        after={"change": change.pk, "partner": change.target_partner_id, **summary},
    )


@transaction.atomic
def structure_delete_post(
    *, actor: Any, structure: ProposedStructure, post: Post, note: str = ""
) -> StructureChange:
    authorise(actor, "change.manage", post.partner_id)
    _editable(structure)
    errors = Errors()
    _check_post(structure, post, errors)
    errors.raise_if_any()
    change = StructureChange.objects.create(
        partner_id=structure.partner_id,
        structure=structure,
        kind=ChangeKind.DELETE,
        target_partner_id=post.partner_id,
        post=post,
        note=note.strip(),
    )
    _record_change(actor, change, {"post": post.code})
    return change


@transaction.atomic
def structure_change_post(
    *, actor: Any, structure: ProposedStructure, post: Post, proposal: PostProposal, note: str = ""
) -> StructureChange:
    """Propose new values for an existing post (grade, scheme, FTE, location, reporting line…)."""
    authorise(actor, "change.manage", post.partner_id)
    _editable(structure)
    values = _proposal_values(proposal)
    errors = Errors()
    _check_post(structure, post, errors)
    if values["code"] and values["code"] != post.code:
        errors.add("code", "A post keeps its code; delete it and create a new one instead.")
    if values["org_unit"] is not None and values["org_unit"].partner_id != post.partner_id:
        errors.add("org_unit", "The unit belongs to another partner.")
    scheme = values["scheme"] or post.scheme
    if (
        values["scheme"] is not None
        and values["scheme"].pk != post.scheme_id
        and (values["grade_min"] is None or values["grade_max"] is None)
    ):
        errors.add("grade_max", "A post moving to another scheme needs its grade on the new scale.")
    _check_grade(errors, scheme, values["grade_min"] or post.grade_min, values["grade_max"] or post.grade_max)
    _check_fte(errors, values["budgeted_fte"])
    _check_reporting(structure, post.pk, values, errors)
    errors.raise_if_any()
    change = StructureChange(
        partner_id=structure.partner_id,
        structure=structure,
        kind=ChangeKind.CHANGE,
        target_partner_id=post.partner_id,
        post=post,
        note=note.strip(),
        **{k: v for k, v in values.items() if k != "code"},
    )
    if replace(changed_shape(shape_of(post), change), change_id=None) == shape_of(post):
        raise ValidationError("The proposal leaves the post as it is.")
    change.save()
    _record_change(actor, change, {"post": post.code, **_shown(values)})
    return change


def _check_reporting(
    structure: ProposedStructure, post_id: int | None, values: dict[str, Any], errors: Errors
) -> None:
    if values["reports_to"] is not None and values["reports_to_new"] is not None:
        errors.add("reports_to", "Choose one post to report to.")
    if values["reports_to"] is not None and values["reports_to"].pk == post_id:
        errors.add("reports_to", "A post cannot report to itself.")
    new = values["reports_to_new"]
    if new is not None and (new.structure_id != structure.pk or new.kind != ChangeKind.CREATE):
        errors.add("reports_to", "A new post to report to must be one this structure creates.")


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        shown[name] = getattr(value, "code", None) or (value.pk if hasattr(value, "pk") else value)
    return shown


@transaction.atomic
def structure_create_post(
    *,
    actor: Any,
    structure: ProposedStructure,
    partner: Partner,
    proposal: PostProposal,
    pool: SelectionPool | None = None,
    note: str = "",
) -> StructureChange:
    """Propose a new post at ``partner`` (an involved partner), ring-fenced to ``pool`` if given."""
    authorise(actor, "change.manage", partner)
    _editable(structure)
    values = _proposal_values(proposal)
    errors = Errors()
    _require_involved(structure.programme, partner.pk, errors, "partner")
    for name, label in (
        ("code", "Enter the post's code."),
        ("title", "Enter the post's title."),
        ("org_unit", "Choose the post's unit."),
        ("scheme", "Choose the post's terms scheme."),
        ("grade_min", "Choose the bottom of the grade."),
        ("grade_max", "Choose the top of the grade."),
        ("budgeted_fte", "Enter the budgeted FTE."),
        ("cost_centre", "Enter the cost centre."),
    ):
        if values[name] in (None, ""):
            errors.add(name, label)
    if values["org_unit"] is not None and values["org_unit"].partner_id != partner.pk:
        errors.add("org_unit", "The unit belongs to another partner.")
    _check_grade(errors, values["scheme"], values["grade_min"], values["grade_max"])
    _check_fte(errors, values["budgeted_fte"])
    if values["budgeted_fte"] is not None and values["budgeted_fte"] == 0:
        errors.add("budgeted_fte", "A new post needs a budgeted FTE above 0.")
    code = values["code"]
    if code and Post.objects.for_partner(partner).filter(code=code).exists():
        errors.add("code", f"{partner.name} already has a post {code}.")
    if code and structure.changes.filter(kind=ChangeKind.CREATE, target_partner=partner, code=code).exists():
        errors.add("code", f"The structure already creates a post {code} at {partner.name}.")
    if pool is not None and pool.structure_id != structure.pk:
        errors.add("pool", "The pool belongs to another structure.")
    _check_reporting(structure, None, values, errors)
    errors.raise_if_any()
    change = StructureChange.objects.create(
        partner_id=structure.partner_id,
        structure=structure,
        kind=ChangeKind.CREATE,
        target_partner=partner,
        pool=pool,
        note=note.strip(),
        **values,
    )
    _record_change(actor, change, _shown(values) | ({"pool": pool.name} if pool else {}))
    return change


@transaction.atomic
def structure_change_withdraw(*, actor: Any, change: StructureChange) -> None:
    """Take a proposed change out of a structure not yet applied."""
    authorise(actor, "change.manage", change.target_partner_id)
    _editable(change.structure)
    if StructureChange.objects.for_partner(change.partner_id).filter(reports_to_new=change).exists():
        raise ValidationError("Another proposed post reports to this one; change that first.")
    with rls.system_context("change: is anyone, at any employer, at risk from this change"):
        at_risk = AtRisk.objects.unscoped(reason="at-risk rows of every employer").filter(change=change)
        if at_risk.exists():
            raise ValidationError("People are recorded at risk from this change.")
    summary = {"post": change.post.code if change.post else change.code}
    record_event(
        actor=actor,
        partner=change.partner_id,
        action="change.structure_change_withdrawn",
        target=change.structure,
        before={"change": change.pk, "kind": change.kind, **summary},
    )
    change.delete()


# --- People at risk ----------------------------------------------------------------------------------


def _identify(structure: ProposedStructure) -> dict[int, list[AtRisk]]:
    """New at-risk rows (unsaved) for the structure's pending deletes and material changes, by
    employer: the holders of each post on the day before the structure takes effect."""
    pending = [
        c
        for c in structure.changes.filter(applied_at__isnull=True)
        .exclude(kind=ChangeKind.CREATE)
        .select_related("post")
    ]
    if not pending:
        return {}
    on = structure.effective_date - ONE_DAY
    ranks = {pk: sort for pk, sort in PayPoint.objects.values_list("pk", "sort")}
    reasons = {}
    for change in pending:
        current = shape_of(change.post)
        proposed = None if change.kind == ChangeKind.DELETE else changed_shape(current, change)
        found = material_reasons(current, proposed, ranks)
        if found:
            reasons[change.post_id] = (change, found)
    partners = sorted({c.target_partner_id for c, _ in reasons.values()})
    already = set(
        AtRisk.objects.for_partners(partners)
        .filter(structure=structure)
        .values_list("employment_id", flat=True)
    )
    rows: dict[int, list[AtRisk]] = {}
    holdings = (
        PostHolding.objects.for_partners(partners)
        .filter(post__in=list(reasons), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("post_id", "employment_id")
    )
    for holding in holdings:
        if holding.employment_id in already:
            continue
        change, found = reasons[holding.post_id]
        already.add(holding.employment_id)
        rows.setdefault(holding.partner_id, []).append(
            AtRisk(
                partner_id=holding.partner_id,
                structure=structure,
                employment_id=holding.employment_id,
                post_id=holding.post_id,
                change=change,
                reasons=found,
                fte=holding.fte,
            )
        )
    return rows


@transaction.atomic
def at_risk_identify(*, actor: Any, structure: ProposedStructure) -> list[AtRisk]:
    """Record the people the structure puts at risk: those holding a post it deletes or changes
    materially (change.restructure). Their employers' HR decide: the caller manages change at
    each. Running it again adds only people not yet recorded."""
    with rls.system_context("change: which employments hold the posts a structure changes"):
        found = _identify(structure)
    for partner_id in sorted(found):
        authorise(actor, "change.manage", partner_id)
    made: list[AtRisk] = []
    for partner_id, rows in sorted(found.items()):
        made.extend(AtRisk.objects.bulk_create(rows))
        record_event(
            actor=actor,
            partner=partner_id,
            action="change.at_risk_identified",
            target=structure,
            after={"employments": [r.employment_id for r in rows], "programme": structure.programme.name},
        )
    return made


@transaction.atomic
def pool_create(*, actor: Any, structure: ProposedStructure, name: str, criteria: str = "") -> SelectionPool:
    authorise(actor, "change.manage", structure.partner_id)
    _open(structure.programme)
    if not name.strip():
        raise ValidationError({"name": "Enter the pool's name."})
    if structure.pools.filter(name=name.strip()).exists():
        raise ValidationError({"name": f"The structure already has a pool called {name.strip()}."})
    pool = SelectionPool.objects.create(
        partner_id=structure.partner_id, structure=structure, name=name.strip(), criteria=criteria.strip()
    )
    record_event(
        actor=actor,
        partner=structure.partner_id,
        action="change.pool_created",
        target=pool,
        after={"structure": structure.name, "name": pool.name},
    )
    return pool


@transaction.atomic
def pool_assign(*, actor: Any, pool: SelectionPool, at_risk: AtRisk) -> AtRisk:
    """Put a person at risk in a selection pool (their employer decides)."""
    authorise(actor, "change.manage", at_risk.partner_id)
    if at_risk.structure_id != pool.structure_id:
        raise ValidationError({"pool": "The pool belongs to another structure."})
    if at_risk.pool_id == pool.pk:
        return at_risk
    before = at_risk.pool.name if at_risk.pool else None
    at_risk.pool = pool
    at_risk.save(update_fields=["pool"])
    record_event(
        actor=actor,
        partner=at_risk.partner_id,
        action="change.pool_assigned",
        target=at_risk,
        before={"pool": before},
        after={"pool": pool.name},
    )
    return at_risk


# --- Redeployment --------------------------------------------------------------------------------------


@transaction.atomic
def redeployment_propose(*, actor: Any, at_risk: AtRisk, vacancy: Post, note: str = "") -> Redeployment:
    """Offer a person at risk a vacancy that suits them (change.restructure.is_match) at their
    employer or at a programme partner that accepts redeployment."""
    authorise(actor, "change.manage", at_risk.partner_id)
    if at_risk.status != AtRiskStatus.AT_RISK:
        raise ValidationError(f"{at_risk.employment.person.full_name} is no longer at risk.")
    errors = Errors()
    if vacancy.partner_id not in selectors.redeployment_partner_ids(at_risk):
        errors.add("vacancy", "That partner does not take redeployment from this programme.")
    else:
        matches = selectors.redeployment_matches(actor, at_risk=at_risk)
        if vacancy.pk not in {m.post.pk for m in matches}:
            errors.add("vacancy", f"Post {vacancy.code} is not a suitable vacancy for this person.")
    if at_risk.redeployments.filter(vacancy=vacancy).exists():
        errors.add("vacancy", f"Post {vacancy.code} has been offered to this person already.")
    errors.raise_if_any()
    redeployment = Redeployment.objects.create(
        partner_id=at_risk.partner_id,
        at_risk=at_risk,
        vacancy=vacancy,
        host_partner_id=vacancy.partner_id,
        note=note.strip(),
    )
    record_event(
        actor=actor,
        partner=at_risk.partner_id,
        action="change.redeployment_proposed",
        target=redeployment,
        after={"employment": at_risk.employment_id, "vacancy": vacancy.code, "host": vacancy.partner_id},
    )
    return redeployment


@transaction.atomic
def redeployment_trial(*, actor: Any, redeployment: Redeployment, start: date, end: date) -> Redeployment:
    """Start the trial period in the new post (ERA 1996 s.138(3): four weeks, or longer when
    agreed in writing for retraining; the dates are recorded as agreed)."""
    authorise(actor, "change.manage", redeployment.partner_id)
    if redeployment.status != RedeploymentStatus.PROPOSED:
        raise ValidationError(
            f"The redeployment is {redeployment.get_status_display().lower()}, not proposed."
        )
    if end < start:
        raise ValidationError({"end": "The trial must end on or after its start."})
    redeployment.trial_start, redeployment.trial_end = start, end
    redeployment.status = RedeploymentStatus.TRIAL
    redeployment.save(update_fields=["trial_start", "trial_end", "status"])
    record_event(
        actor=actor,
        partner=redeployment.partner_id,
        action="change.trial_started",
        target=redeployment,
        after={"trial_start": start, "trial_end": end},
    )
    return redeployment


@transaction.atomic
def redeployment_outcome(
    *, actor: Any, redeployment: Redeployment, successful: bool, note: str = ""
) -> Redeployment:
    """Record how the trial went. Successful: the person is redeployed and no longer at risk.
    The employer or the host records it."""
    if not has_permission(actor, "change.manage", redeployment.host_partner_id):
        authorise(actor, "change.manage", redeployment.partner_id)
    if redeployment.status != RedeploymentStatus.TRIAL:
        raise ValidationError("Only a redeployment in its trial period has an outcome to record.")
    redeployment.trial_outcome = TrialOutcome.SUCCESSFUL if successful else TrialOutcome.UNSUCCESSFUL
    redeployment.status = RedeploymentStatus.CONFIRMED if successful else RedeploymentStatus.UNSUCCESSFUL
    redeployment.note = note.strip() or redeployment.note
    redeployment.save(update_fields=["trial_outcome", "status", "note"])
    if successful:
        at_risk = redeployment.at_risk
        at_risk.status = AtRiskStatus.REDEPLOYED
        at_risk.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=redeployment.partner_id,
        action="change.trial_outcome",
        target=redeployment,
        after={"outcome": redeployment.trial_outcome, "note": redeployment.note},
    )
    return redeployment


# --- Applying a structure ------------------------------------------------------------------------------


@dataclass
class Applied:
    """What applying a structure did: the posts created, changed and ended, or nothing at all
    (``already``) with the reason in ``message``."""

    structure: ProposedStructure
    created: list[Post] = field(default_factory=list)
    changed: list[Post] = field(default_factory=list)
    ended: list[Post] = field(default_factory=list)
    already: bool = False
    message: str = ""


def _existing(change: StructureChange) -> Post:
    """The post a delete or a change names (the constraint change_names_its_post holds it)."""
    if change.post is None:
        raise ValidationError(f"Change {change.pk} names no post.")
    return change.post


def _in_reporting_order(creates: list[StructureChange]) -> list[StructureChange]:
    """New posts, each after the new post it reports to."""
    ordered: list[StructureChange] = []
    placed: set[int] = set()
    waiting = list(creates)
    while waiting:
        ready = [c for c in waiting if c.reports_to_new_id is None or c.reports_to_new_id in placed]
        if not ready:
            raise ValidationError("New posts report to each other in a circle; change one of them.")
        for change in ready:
            ordered.append(change)
            placed.add(change.pk)
        waiting = [c for c in waiting if c.pk not in placed]
    return ordered


@transaction.atomic
def structure_apply(*, actor: Any, structure: ProposedStructure) -> Applied:
    """Make the structure's changes to the establishment, on or after its effective date: new
    posts from that date, changed posts changed, deleted posts ended the day before (their
    holders recorded at risk first, if not already). All of it or none of it; the caller may
    apply change (``change.apply``) at every partner whose posts change. Applying a structure
    already applied changes nothing and says when it was."""
    locked = (
        ProposedStructure.objects.for_partner(structure.partner_id)
        .select_for_update()
        .select_related("programme")
        .get(pk=structure.pk)
    )
    # The partners first, from the change rows alone: a post the caller's partners cannot see
    # must refuse the whole structure, not drop out of a join.
    targets = set(locked.changes.filter(applied_at__isnull=True).values_list("target_partner_id", flat=True))
    for partner_id in sorted(targets | {locked.partner_id}):
        authorise(actor, "change.apply", partner_id)
    pending = list(
        locked.changes.filter(applied_at__isnull=True).select_related(
            "target_partner", "post", "org_unit", "scheme", "grade_min", "grade_max", "reports_to"
        )
    )
    if locked.applied_at is not None:
        when = timezone.localtime(locked.applied_at)
        return Applied(
            locked,
            already=True,
            message=f"{locked.name} was applied on {people_date(when)} by {locked.applied_by}; "
            "the establishment already matches it, so nothing was changed.",
        )
    _open(locked.programme)
    today = timezone.localdate()
    if today < locked.effective_date:
        raise ValidationError(
            f"{locked.name} takes effect on {people_date(locked.effective_date)}; "
            "apply it on or after that day."
        )
    found = _identify(locked)
    for partner_id in sorted(found):
        authorise(actor, "change.manage", partner_id)
        AtRisk.objects.bulk_create(found[partner_id])
    reason = f"{locked.programme.name}: {locked.name}"
    now = timezone.now()
    result = Applied(locked)
    created: dict[int, Post] = {}
    for change in _in_reporting_order([c for c in pending if c.kind == ChangeKind.CREATE]):
        if (
            change.org_unit is None
            or change.scheme is None
            or change.grade_min is None
            or change.grade_max is None
            or change.budgeted_fte is None
        ):  # structure_create_post requires each
            raise ValidationError(f"The new post {change.code} is not fully described.")
        post = post_create(
            actor=actor,
            partner=change.target_partner,
            code=change.code,
            title=change.title,
            org_unit=change.org_unit,
            scheme=change.scheme,
            grade_min=change.grade_min,
            grade_max=change.grade_max,
            budgeted_fte=change.budgeted_fte,
            cost_centre=change.cost_centre,
            start_date=locked.effective_date,
            location=change.location or "",
            reports_to=change.reports_to
            or (created[change.reports_to_new_id] if change.reports_to_new_id else None),
        )
        created[change.pk] = post
        change.post, change.applied_at = post, now
        change.save(update_fields=["post", "applied_at"])
        ScopePost.objects.create(partner_id=locked.partner_id, programme=locked.programme, post=post)
        result.created.append(post)
    for change in (c for c in pending if c.kind == ChangeKind.CHANGE):
        post = _existing(change)
        proposed = changed_shape(shape_of(post), change)
        values = {
            "title": proposed.title,
            "org_unit": change.org_unit or post.org_unit,
            "scheme": change.scheme or post.scheme,
            "grade_min": change.grade_min or post.grade_min,
            "grade_max": change.grade_max or post.grade_max,
            "budgeted_fte": proposed.budgeted_fte,
            "cost_centre": proposed.cost_centre,
            "location": proposed.location,
            "reports_to": change.reports_to
            or (created[change.reports_to_new_id] if change.reports_to_new_id else post.reports_to),
        }
        result.changed.append(
            post_change(
                actor=actor, post=post, effective=locked.effective_date, reason=reason, changes=values
            )
        )
        change.applied_at = now
        change.save(update_fields=["applied_at"])
    for change in (c for c in pending if c.kind == ChangeKind.DELETE):
        result.ended.append(
            post_end(
                actor=actor, post=_existing(change), end_date=locked.effective_date - ONE_DAY, reason=reason
            )
        )
        change.applied_at = now
        change.save(update_fields=["applied_at"])
    locked.applied_at = now
    locked.applied_by = str(getattr(actor, "username", "") or actor)
    locked.save(update_fields=["applied_at", "applied_by"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="change.structure_applied",
        target=locked,
        after={
            "effective_date": locked.effective_date,
            "created": sorted(p.code for p in result.created),
            "changed": sorted(p.code for p in result.changed),
            "ended": sorted(p.code for p in result.ended),
            "at_risk": sum(len(rows) for rows in found.values()),
        },
    )
    result.message = (
        f"{locked.name} applied: {len(result.created)} posts created, {len(result.changed)} changed, "
        f"{len(result.ended)} ended on {people_date(locked.effective_date - ONE_DAY)}."
    )
    return result


# --- Voluntary redundancy ------------------------------------------------------------------------------


def _is_self(actor: Any, employment: Employment) -> bool:
    user_id = employment.person.user_id
    return user_id is not None and user_id == getattr(actor, "pk", None)


@transaction.atomic
def vr_window_open(
    *,
    actor: Any,
    programme: ChangeProgramme,
    partner: Partner,
    opens: date,
    closes: date,
    eligibility: str,
    scheme: str = "",
) -> VrWindow:
    """Open a window in which ``partner``'s staff (all of them, or those in posts in the
    programme's scope) may express interest in voluntary redundancy, quoted on ``scheme`` (an
    enhanced scheme's key or name; blank: statutory only). The partner decides for its staff."""
    authorise(actor, "change.manage", partner)
    _open(programme)
    errors = Errors()
    _require_involved(programme, partner.pk, errors, "partner")
    if closes < opens:
        errors.add("closes", "The window must close on or after the day it opens.")
    if eligibility not in VrEligibility.values:
        errors.add("eligibility", "Choose who may express interest from the list.")
    key = ""
    if scheme.strip():
        try:
            key = scheme_named(scheme).key
        except UnknownScheme as exc:
            errors.add("scheme", str(exc))
    errors.raise_if_any()
    window = VrWindow.objects.create(
        partner=partner,
        programme=programme,
        opens=opens,
        closes=closes,
        eligibility=eligibility,
        scheme=key,
        opened_by=actor,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="change.vr_window_opened",
        target=window,
        after={
            "programme": programme.name,
            "opens": opens,
            "closes": closes,
            "eligibility": eligibility,
            "scheme": key,
        },
    )
    return window


@transaction.atomic
def vr_interest_submit(
    *, actor: Any, window: VrWindow, employment: Employment, leaving_date: date, today: date | None = None
) -> VrInterest:
    """An employee expresses interest in voluntary redundancy, for themselves, while the window
    is open and if it includes them; one live expression of interest a window. The system may
    record one made on paper (the demo seeds them so); no user may for someone else."""
    if not (is_system(actor) or _is_self(actor, employment)):
        raise PermissionDenied("Only the employee may express interest in voluntary redundancy.")
    today = timezone.localdate() if today is None else today
    if not window.opens <= today <= window.closes:
        raise ValidationError(
            f"The window is open from {people_date(window.opens)} to {people_date(window.closes)}; "
            "interest cannot be expressed today."
        )
    if not selectors.vr_eligible(window, employment, today):
        raise ValidationError("This window does not include your employment.")
    if leaving_date <= today:
        raise ValidationError({"leaving_date": "The leaving date must be after today."})
    live = VrInterest.objects.for_partner(window.partner_id).filter(
        window=window, employment=employment, status__in=VR_LIVE
    )
    if live.exists():
        raise ValidationError("You have already expressed interest in this window.")
    interest = VrInterest.objects.create(
        partner_id=window.partner_id, window=window, employment=employment, leaving_date=leaving_date
    )
    record_event(
        actor=actor,
        partner=window.partner_id,
        action="change.vr_interest_submitted",
        target=interest,
        after={"employment": employment.pk, "window": window.pk, "leaving_date": leaving_date},
    )
    return interest


@transaction.atomic
def vr_interest_withdraw(*, actor: Any, interest: VrInterest) -> VrInterest:
    """The employee withdraws their expression of interest before it is accepted or declined."""
    if not _is_self(actor, interest.employment):
        raise PermissionDenied("Only the employee may withdraw their expression of interest.")
    if interest.status not in VR_UNDECIDED:
        raise ValidationError(
            f"The expression of interest is {interest.get_status_display().lower()}; it cannot be withdrawn."
        )
    before = interest.status
    interest.status = VrStatus.WITHDRAWN
    interest.save(update_fields=["status"])
    record_event(
        actor=actor,
        partner=interest.partner_id,
        action="change.vr_interest_withdrawn",
        target=interest,
        before={"status": before},
        after={"status": VrStatus.WITHDRAWN},
    )
    return interest


VR_DECISIONS = (VrStatus.ACCEPTED, VrStatus.DECLINED, VrStatus.DEFERRED)
NOTICE_WEEKS_LIMIT = Decimal(104)  # a sanity bound on a typed figure, not a rule
PENSION_LIMIT = Decimal(100_000_000)  # VrInterest.annual_pension: max_digits=10, decimal_places=2


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def vr_approver(actor: Any, partner_id: int, cost: Decimal) -> VrDelegation | None:
    """The actor's delegation to accept an exit costing the employer ``cost`` at the partner, or
    PermissionDenied naming the limit and who may accept it instead. The system (seeding, a
    command run without a user) is allowed by name, as ``authorise`` allows it."""
    if is_system(actor):
        return None
    rows = VrDelegation.objects.for_partner(partner_id).select_related("partner")
    mine = rows.filter(user_id=int(actor.pk or 0)).first()
    if mine is None:
        raise PermissionDenied(
            "Your scheme of delegation does not let you accept voluntary redundancy here: "
            "it names who may, and up to what cost."
        )
    if mine.up_to is not None and cost > mine.up_to:
        higher = (
            rows.filter(Q(up_to__isnull=True) | Q(up_to__gte=cost))
            .order_by(F("up_to").asc(nulls_last=True), "title")
            .first()
        )
        who = f"it needs the {higher.title}" if higher else "no one the partner has named may accept it"
        raise PermissionDenied(
            f"The exit costs the employer {_pounds(cost)}, over your limit as {mine.title} "
            f"({_pounds(mine.up_to)}): {who}."
        )
    return mine


@transaction.atomic
def vr_interest_decide(
    *, actor: Any, interest: VrInterest, decision: str, reason: str, today: date | None = None
) -> VrInterest:
    """The employer accepts, declines or defers an expression of interest, with its reason. Four
    eyes: nobody decides their own. Accepting needs the partner's scheme of delegation to let the
    actor accept an exit of its cost to the employer (the whole quote: redundancy pay, notice,
    holiday pay and pension strain). The quote decided on is kept with the decision: the letter
    and the final pay use its figures."""
    authorise(actor, "change.manage", interest.partner_id)
    if _is_self(actor, interest.employment):
        raise PermissionDenied("You cannot decide your own expression of interest.")
    errors = Errors()
    if decision not in VR_DECISIONS:
        errors.add("decision", "Accept, decline or defer.")
    if not reason.strip():
        errors.add("reason", "Give the reason for the decision.")
    if interest.status not in VR_UNDECIDED:
        shown = interest.get_status_display().lower()
        errors.add("decision", f"The expression of interest is {shown} already.")
    errors.raise_if_any()
    today = timezone.localdate() if today is None else today
    approver = None
    try:
        quote: selectors.VrQuote | None = selectors.vr_quote_whole(interest, today=today)
    except (ValueError, ValidationError) as problem:
        if decision == VrStatus.ACCEPTED:
            raise ValidationError(
                f"The quote cannot be worked out, so it cannot be accepted: {problem}"
            ) from None
        quote = None  # a decline or a deferral needs no figures
    if decision == VrStatus.ACCEPTED and quote is not None:
        approver = vr_approver(actor, interest.partner_id, quote.quote.employer_cost)
    before = interest.status
    interest.status = decision
    interest.reason = reason.strip()
    interest.decided_by = user_of(actor)
    interest.decided_at = timezone.now()
    interest.decided_quote = None if quote is None else quote.as_dict()
    interest.save(update_fields=["status", "reason", "decided_by", "decided_at", "decided_quote"])
    record_event(
        actor=actor,
        partner=interest.partner_id,
        action="change.vr_interest_decided",
        target=interest,
        before={"status": before},
        after={
            "status": decision,
            "reason": interest.reason,
            "employer_cost": None if quote is None else quote.quote.employer_cost,
            "approver": "" if approver is None else approver.title,
        },
    )
    return interest


@transaction.atomic
def vr_interest_record_facts(
    *,
    actor: Any,
    interest: VrInterest,
    contractual_notice_weeks: Decimal | None,
    pension_fund: str = "",
    annual_pension: Decimal | None = None,
    pension_source: str = "",
) -> VrInterest:
    """What the quote needs that the people records do not hold, from the contract and the
    pension fund's estimate: contractual notice in weeks, and for a scheme member the fund and
    the pension a year that would come into payment. Empty is "not recorded"; the quote says so.
    The employer's HR records them while the interest is undecided."""
    authorise(actor, "change.manage", interest.partner_id)
    errors = Errors()
    if interest.status not in VR_UNDECIDED:
        errors.add("status", f"The expression of interest is {interest.get_status_display().lower()}.")
    if contractual_notice_weeks is not None and (
        not ZERO <= contractual_notice_weeks <= NOTICE_WEEKS_LIMIT
        or contractual_notice_weeks != contractual_notice_weeks.quantize(PENNY)
    ):
        errors.add(
            "contractual_notice_weeks",
            f"Notice is between 0 and {NOTICE_WEEKS_LIMIT} weeks, to two decimal places.",
        )
    # The column holds up to £99,999,999.99 (SQLite would store more and fail to read it back).
    if annual_pension is not None and (
        not ZERO <= annual_pension < PENSION_LIMIT or annual_pension != annual_pension.quantize(PENNY)
    ):
        errors.add(
            "annual_pension", "The pension a year is £0 or more, below £100,000,000, in pounds and pence."
        )
    fund = " ".join(pension_fund.split())
    if (annual_pension is None) != (not fund):
        errors.add("pension_fund", "Give the fund and the pension a year together, or neither.")
    errors.raise_if_any()
    before = {
        "contractual_notice_weeks": interest.contractual_notice_weeks,
        "pension_fund": interest.pension_fund,
        "annual_pension": interest.annual_pension,
        "pension_source": interest.pension_source,
    }
    interest.contractual_notice_weeks = contractual_notice_weeks
    interest.pension_fund = fund[:100]
    interest.annual_pension = annual_pension
    interest.pension_source = pension_source.strip()[:200]
    after = {name: getattr(interest, name) for name in before}
    if after == before:
        return interest
    interest.save(update_fields=list(before))
    record_event(
        actor=actor,
        partner=interest.partner_id,
        action="change.vr_facts_recorded",
        target=interest,
        before=before,
        after=after,
    )
    return interest


@transaction.atomic
def vr_delegation_set(
    *, actor: Any, partner: Partner, user: Any, title: str, up_to: Decimal | None, source: str
) -> VrDelegation:
    """Record (or change) who may accept voluntary redundancy at ``partner`` and up to what cost
    to the employer (None: no limit), from the partner's scheme of delegation. Set by those who
    administer the partner's members: a delegation is a grant, not something HR gives itself."""
    authorise(actor, "partnership.manage_members", partner)
    errors = Errors()
    if not has_permission(user, "change.manage", partner):
        errors.add("user", "Choose someone who manages workforce change at the partner.")
    if not title.strip():
        errors.add("title", "Give the post the delegation is to (e.g. Head of HR).")
    if not source.strip():
        errors.add("source", "Say where in the scheme of delegation it is.")
    if up_to is not None and (up_to < 0 or up_to != up_to.quantize(PENNY)):
        errors.add("up_to", "The limit is £0 or more, in pounds and pence.")
    errors.raise_if_any()
    up_to = None if up_to is None else up_to.quantize(PENNY)  # the audit says what is stored
    row = VrDelegation.objects.for_partner(partner).filter(user=user).first()
    before = None if row is None else {"title": row.title, "up_to": row.up_to, "source": row.source}
    if row is None:
        row = VrDelegation(partner=partner, user=user)
    row.title, row.up_to, row.source = title.strip()[:100], up_to, source.strip()[:200]
    row.set_by = user_of(actor) or user
    row.save()
    record_event(
        actor=actor,
        partner=partner,
        action="change.vr_delegation_set",
        target=row,
        before=before,
        after={"user": user.get_username(), "title": row.title, "up_to": up_to, "source": row.source},
    )
    return row


@transaction.atomic
def vr_delegation_end(*, actor: Any, delegation: VrDelegation) -> None:
    """End a delegation (the partner's scheme of delegation no longer names the user): from now
    on they may not accept voluntary redundancy there. Decisions already taken keep the approver
    recorded with them; the delegation's terms stay on the audit trail."""
    authorise(actor, "partnership.manage_members", delegation.partner_id)
    row = (
        VrDelegation.objects.for_partner(delegation.partner_id)
        .select_related("user")
        .filter(pk=delegation.pk)
    )
    found = row.first()
    if found is None:
        raise ValidationError("The delegation has been ended already.")
    before = {
        "user": found.user.get_username(),
        "title": found.title,
        "up_to": found.up_to,
        "source": found.source,
    }
    row.delete()
    record_event(
        actor=actor,
        partner=delegation.partner_id,
        action="change.vr_delegation_ended",
        object_type="change.vrdelegation",
        object_id=delegation.pk,
        before=before,
    )


def _figure(figures: dict[str, Any], *path: str) -> Decimal:
    value: Any = figures
    for key in path:
        value = value[key]
    return Decimal(value)


@transaction.atomic
def vr_leaving_confirm(*, actor: Any, interest: VrInterest) -> VrInterest:
    """An accepted voluntary redundancy goes ahead: the employment ends on the leaving date
    (through the people module), and the final pay gets the redundancy payment as a termination
    award (the first £30,000 free of tax, not NI-able: payroll.termination) and pay in lieu of
    notice and accrued holiday pay as earnings, on the figures decided on. Once."""
    authorise(actor, "change.manage", interest.partner_id)
    locked = VrInterest.objects.for_partner(interest.partner_id).select_for_update().get(pk=interest.pk)
    if locked.status != VrStatus.ACCEPTED or not locked.decided_quote:
        raise ValidationError("Only an accepted expression of interest, with its figures, leads to leaving.")
    if locked.leaving_confirmed_at is not None:
        raise ValidationError(
            f"The leaving was confirmed on {people_date(timezone.localtime(locked.leaving_confirmed_at))}."
        )
    figures = locked.decided_quote
    employment = locked.employment
    why = f"Voluntary redundancy: {locked.window.programme.name}"
    employment_end(
        actor=actor,
        employment=employment,
        end_date=locked.leaving_date,
        reason=why,
        paid_to=approved_pay_end(employment),
    )
    payments = [
        (
            "redundancy",
            "Redundancy payment",
            _figure(figures, "redundancy_payment"),
            PayItemTreatment.TERMINATION_AWARD,
        ),
        ("pilon", "Pay in lieu of notice", _figure(figures, "notice", "pay"), PayItemTreatment.EARNINGS),
        ("holiday_pay", "Accrued holiday pay", _figure(figures, "holiday", "pay"), PayItemTreatment.EARNINGS),
    ]
    # Paid on the leaving date, or in the next open period when that period's run is already
    # approved (a leaver there is paid after leaving: payroll.calculation.after_leaving).
    paid_on = first_open_pay_day(employment, locked.leaving_date)
    added = {}
    for code, description, amount, treatment in payments:
        if amount > 0:
            pay_item_add_one_off(
                actor=actor,
                employment=employment,
                code=code,
                description=description,
                amount=amount,
                paid_on=paid_on,
                treatment=treatment,
                reason=why,
            )
            added[code] = amount
    locked.leaving_confirmed_at = timezone.now()
    locked.save(update_fields=["leaving_confirmed_at"])
    record_event(
        actor=actor,
        partner=locked.partner_id,
        action="change.vr_leaving_confirmed",
        target=locked,
        after={"leaving_date": locked.leaving_date, "paid_on": paid_on, "pay_items": added},
    )
    return locked


@transaction.atomic
def vr_letter(*, actor: Any, interest: VrInterest) -> tuple[str, bytes]:
    """The decision letter as a PDF (acceptance, or decline or deferral), with its file name, for
    the employee or the employer's HR; each copy issued is audited."""
    if not _is_self(actor, interest.employment):
        authorise(actor, "change.view", interest.partner_id)
    if interest.status not in VR_DECISIONS:
        raise ValidationError("There is no letter until the expression of interest is decided.")
    with rls.system_context("change: the decision letter of an interest its reader may see"):
        content = letters.vr_decision_letter(interest)
    record_event(
        actor=actor,
        partner=interest.partner_id,
        action="change.vr_letter_issued",
        target=interest,
        after={"letter": interest.status},
    )
    return f"vr-{interest.status}-{interest.employment.payroll_number}.pdf", content
