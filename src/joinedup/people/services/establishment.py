"""The establishment: organisation units, posts with their grade range, budgeted FTE and cost
centre, and who holds each post."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from joinedup.audit.services import record_event
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import Employment, OrgUnit, PayPoint, Post, PostHolding, TermsScheme
from joinedup.people.services.errors import Errors


@transaction.atomic
def org_unit_create(
    *, actor: Any, partner: Partner, code: str, name: str, parent: OrgUnit | None = None
) -> OrgUnit:
    authorise(actor, "people.change", partner)
    if parent is not None and parent.partner_id != partner.pk:
        raise ValidationError({"parent": "The parent unit belongs to another partner."})
    if OrgUnit.objects.for_partner(partner).filter(code=code.strip()).exists():
        raise ValidationError({"code": f"{partner.name} already has a unit {code.strip()}."})
    unit = OrgUnit.objects.create(partner=partner, code=code.strip(), name=name.strip(), parent=parent)
    record_event(
        actor=actor,
        partner=partner,
        action="org_unit.created",
        target=unit,
        after={"code": unit.code, "name": unit.name, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def post_create(
    *,
    actor: Any,
    partner: Partner,
    code: str,
    title: str,
    org_unit: OrgUnit,
    scheme: TermsScheme,
    grade_min: PayPoint,
    grade_max: PayPoint,
    budgeted_fte: Decimal,
    cost_centre: str,
    start_date: date,
    funded: bool = True,
    location: str = "",
    reports_to: Post | None = None,
) -> Post:
    authorise(actor, "people.change", partner)
    errors = Errors()
    if org_unit.partner_id != partner.pk:
        errors.add("org_unit", "The unit belongs to another partner.")
    _check_grade(errors, scheme, grade_min, grade_max)
    if budgeted_fte < 0:
        errors.add("budgeted_fte", "Budgeted FTE cannot be negative.")
    if Post.objects.for_partner(partner).filter(code=code.strip()).exists():
        errors.add("code", f"{partner.name} already has a post {code.strip()}.")
    if not cost_centre.strip():
        errors.add("cost_centre", "Enter the cost centre.")
    errors.raise_if_any()
    post = Post.objects.create(
        partner=partner,
        code=code.strip(),
        title=title.strip(),
        org_unit=org_unit,
        scheme=scheme,
        grade_min=grade_min,
        grade_max=grade_max,
        budgeted_fte=budgeted_fte,
        cost_centre=cost_centre.strip(),
        start_date=start_date,
        funded=funded,
        location=location.strip(),
        reports_to=reports_to,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="post.created",
        target=post,
        after={
            "code": post.code,
            "title": post.title,
            "budgeted_fte": budgeted_fte,
            "cost_centre": post.cost_centre,
            "funded": funded,
            "location": post.location,
            "reports_to": reports_to.code if reports_to else None,
        },
    )
    return post


def _check_grade(errors: Errors, scheme: TermsScheme, grade_min: PayPoint, grade_max: PayPoint) -> None:
    for name, point in (("grade_min", grade_min), ("grade_max", grade_max)):
        if point.scheme_id != scheme.pk:
            errors.add(name, f"Point {point.code} is not on the {scheme.name} scale.")
    if grade_min.sort > grade_max.sort:
        errors.add("grade_max", "The top of the grade is below its bottom.")


# What a restructure may change about a post, and how the audit trail shows each value.
POST_FIELDS = (
    "title",
    "org_unit",
    "scheme",
    "grade_min",
    "grade_max",
    "budgeted_fte",
    "cost_centre",
    "location",
    "reports_to",
)


def _shown(value: Any) -> Any:
    if isinstance(value, Post | OrgUnit | TermsScheme | PayPoint):
        return value.code
    return value


@transaction.atomic
def post_change(*, actor: Any, post: Post, effective: date, reason: str, changes: dict[str, Any]) -> Post:
    """Change a post in place from ``effective`` (the grade, scheme, FTE, location, reporting
    line...); the audit trail keeps what it was. A change to the values it has already is no
    change: nothing is written and no event recorded."""
    authorise(actor, "people.change", post.partner_id)
    unknown = sorted(set(changes) - set(POST_FIELDS))
    if unknown:
        raise ValueError(f"Not a post field a change may set: {', '.join(unknown)}.")
    differing = {name: value for name, value in changes.items() if getattr(post, name) != value}
    if not differing:
        return post
    new = {name: differing.get(name, getattr(post, name)) for name in POST_FIELDS}
    errors = Errors()
    if new["org_unit"].partner_id != post.partner_id:
        errors.add("org_unit", "The unit belongs to another partner.")
    _check_grade(errors, new["scheme"], new["grade_min"], new["grade_max"])
    if new["budgeted_fte"] < 0:
        errors.add("budgeted_fte", "Budgeted FTE cannot be negative.")
    if not str(new["cost_centre"]).strip():
        errors.add("cost_centre", "Enter the cost centre.")
    if new["reports_to"] is not None and new["reports_to"].pk == post.pk:
        errors.add("reports_to", "A post cannot report to itself.")
    if not reason.strip():
        errors.add("reason", "Say why the post changes.")
    errors.raise_if_any()
    before = {name: _shown(getattr(post, name)) for name in differing}
    for name, value in differing.items():
        setattr(post, name, value)
    post.save(update_fields=list(differing))
    record_event(
        actor=actor,
        partner=post.partner_id,
        action="post.changed",
        target=post,
        before=before,
        after={
            **{name: _shown(value) for name, value in differing.items()},
            "effective": effective,
            "reason": reason.strip(),
        },
    )
    return post


@transaction.atomic
def post_end(*, actor: Any, post: Post, end_date: date, reason: str) -> Post:
    """Delete a post from the establishment after ``end_date`` (its last day). Anyone still
    holding it stops holding it that day; their employment goes on (redeployment or notice is
    for workforce change to decide). Ending a post already ended on that day changes nothing."""
    authorise(actor, "people.change", post.partner_id)
    if post.end_date == end_date:
        return post
    errors = Errors()
    if post.end_date is not None:
        errors.add("end_date", f"The post already ended on {people_date(post.end_date)}.")
    if end_date < post.start_date:
        errors.add("end_date", f"The post starts on {people_date(post.start_date)}, after that date.")
    holdings = PostHolding.objects.for_partner(post.partner_id).filter(post=post)
    if holdings.filter(start_date__gt=end_date).exists():
        errors.add("end_date", "Someone starts in the post after that date.")
    if not reason.strip():
        errors.add("reason", "Say why the post ends.")
    errors.raise_if_any()
    released = list(
        holdings.filter(Q(end_date__isnull=True) | Q(end_date__gt=end_date)).select_related("employment")
    )
    for holding in released:
        holding.end_date = end_date
        holding.save(update_fields=["end_date"])
    post.end_date = end_date
    post.save(update_fields=["end_date"])
    record_event(
        actor=actor,
        partner=post.partner_id,
        action="post.ended",
        target=post,
        before={"end_date": None},
        after={
            "end_date": end_date,
            "reason": reason.strip(),
            "holders_released": [h.employment.payroll_number for h in released],
        },
    )
    return post


@transaction.atomic
def post_fill(
    *, actor: Any, post: Post, employment: Employment, fte: Decimal, start_date: date
) -> PostHolding:
    authorise(actor, "people.change", post.partner_id)
    errors = Errors()
    if employment.partner_id != post.partner_id:
        errors.add("employment", "Only the post's own partner's staff can fill it; use a secondment.")
    if not (Decimal(0) < fte <= Decimal(1)):
        errors.add("fte", "FTE must be more than 0 and at most 1.")
    if not employment.is_active_on(start_date):
        errors.add("start_date", "The employment is not active on that date.")
    errors.raise_if_any()
    holding = PostHolding.objects.create(
        partner_id=post.partner_id, post=post, employment=employment, fte=fte, start_date=start_date
    )
    record_event(
        actor=actor,
        partner=post.partner_id,
        action="post.filled",
        target=post,
        after={"employment": employment.payroll_number, "fte": fte, "start_date": start_date},
    )
    return holding
