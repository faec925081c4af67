"""The establishment: organisation units, posts with their grade range, budgeted FTE and cost
centre, and who holds each post."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
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
) -> Post:
    authorise(actor, "people.change", partner)
    errors = Errors()
    if org_unit.partner_id != partner.pk:
        errors.add("org_unit", "The unit belongs to another partner.")
    for name, point in (("grade_min", grade_min), ("grade_max", grade_max)):
        if point.scheme_id != scheme.pk:
            errors.add(name, f"Point {point.code} is not on the {scheme.name} scale.")
    if grade_min.sort > grade_max.sort:
        errors.add("grade_max", "The top of the grade is below its bottom.")
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
