"""What a proposed change does to a post, as plain values: the post as proposed, whether the
change is material to the people in it, and which vacancies an at-risk person may be
redeployed to. Pure: no database, so the rules read in one place and test in milliseconds.

**Material** (the people in the post are at risk): the post is deleted, its grade goes down
(the top of the grade drops on the same scale), its FTE goes down, its terms scheme changes,
or its location changes. A new title, unit, cost centre or reporting line is not material.

**A redeployment match**: a vacancy on the same terms scheme, its grade within one place on
the scale of the at-risk post's grade (one point up or down, by the top of each grade), and
at the same location when both have one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

# How far a suitable alternative post's grade may be from the person's own, in places on the
# scale: the programme's redeployment policy, not a statutory figure.
GRADE_BAND = 1


@dataclass(frozen=True)
class PostShape:
    """A post as the establishment holds it, or as a structure proposes it (``post_id`` None for
    a post not created yet, ``change_id`` the change that proposes it)."""

    partner_id: int
    code: str
    title: str
    org_unit_id: int
    scheme_id: int
    grade_min_id: int
    grade_max_id: int
    budgeted_fte: Decimal
    cost_centre: str
    location: str
    reports_to_id: int | None
    post_id: int | None = None
    change_id: int | None = None


def shape_of(post: Any) -> PostShape:
    return PostShape(
        partner_id=post.partner_id,
        code=post.code,
        title=post.title,
        org_unit_id=post.org_unit_id,
        scheme_id=post.scheme_id,
        grade_min_id=post.grade_min_id,
        grade_max_id=post.grade_max_id,
        budgeted_fte=post.budgeted_fte,
        cost_centre=post.cost_centre,
        location=post.location,
        reports_to_id=post.reports_to_id,
        post_id=post.pk,
    )


def changed_shape(current: PostShape, change: Any) -> PostShape:
    """``current`` with a change's proposed values; an empty proposed value means "as now"."""
    return replace(
        current,
        title=change.title or current.title,
        org_unit_id=change.org_unit_id or current.org_unit_id,
        scheme_id=change.scheme_id or current.scheme_id,
        grade_min_id=change.grade_min_id or current.grade_min_id,
        grade_max_id=change.grade_max_id or current.grade_max_id,
        budgeted_fte=current.budgeted_fte if change.budgeted_fte is None else change.budgeted_fte,
        cost_centre=change.cost_centre or current.cost_centre,
        location=current.location if change.location is None else change.location,
        reports_to_id=change.reports_to_id or current.reports_to_id,
        change_id=change.pk,
    )


def new_shape(change: Any) -> PostShape:
    return PostShape(
        partner_id=change.target_partner_id,
        code=change.code,
        title=change.title,
        org_unit_id=change.org_unit_id,
        scheme_id=change.scheme_id,
        grade_min_id=change.grade_min_id,
        grade_max_id=change.grade_max_id,
        budgeted_fte=change.budgeted_fte,
        cost_centre=change.cost_centre,
        location=change.location or "",
        reports_to_id=change.reports_to_id,
        change_id=change.pk,
    )


def _same_place(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def material_reasons(current: PostShape, proposed: PostShape | None, sort_of: dict[int, int]) -> list[str]:
    """Why the people in ``current`` are at risk if it becomes ``proposed`` (None: deleted), as
    ``AtRiskReason`` values; empty when the change is not material. ``sort_of`` gives each pay
    point's place on its scale."""
    if proposed is None:
        return ["deleted"]
    reasons = []
    if proposed.scheme_id != current.scheme_id:
        reasons.append("scheme")
    elif sort_of[proposed.grade_max_id] < sort_of[current.grade_max_id]:
        reasons.append("grade_down")
    if proposed.budgeted_fte < current.budgeted_fte:
        reasons.append("fte_down")
    if not _same_place(proposed.location, current.location):
        reasons.append("location")
    return reasons


def is_match(own: PostShape, vacancy: PostShape, rank_of: dict[int, int]) -> bool:
    """Whether ``vacancy`` suits a person at risk in ``own`` (see the module's rule). ``rank_of``
    gives each pay point's index on its scale (0, 1, 2…), so that "one place" is one point."""
    if vacancy.scheme_id != own.scheme_id:
        return False
    if abs(rank_of[vacancy.grade_max_id] - rank_of[own.grade_max_id]) > GRADE_BAND:
        return False
    return not (own.location and vacancy.location and not _same_place(own.location, vacancy.location))
