"""The access review (issue 17): the writes — open a re-certification, certify or revoke a line,
and lapse what was not re-certified by the due date.

The data-protection officer (``privacy.access_review``) opens a review of one partner with a due
date and a nominated manager, a member of that partner. The review snapshots every membership
(user, role) of the partner as a pending line. Only the nominee decides its lines — checked
against the review's nominee, not a role, so a DPO or an administrator cannot certify for them —
and only until the due date. Revoking a line removes the role through the partnership app's own
``membership_revoke`` (its ``membership.revoked`` event, and a user left with no role loses their
sessions and tokens). The day after the due date every pending line lapses the same way: run by the
worker hourly and by ``joinedup access-review lapse``, idempotent (a closed review is never
touched again).

Each change is one transaction with its audit event: ids, roles, decisions and dates only.

The partnership's removal is made as a ``SystemActor`` naming the review: ``membership_revoke``
asks for ``partnership.manage_members``, which a nominated manager does not hold, and the access
review is the authority for the removal. The privacy event beside it names the manager.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import SystemActor, is_system, user_of
from joinedup.core.dates import people_date
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import authorise, is_member, partner_ids_with
from joinedup.partnership.services import membership_revoke
from joinedup.privacy.models import AccessReview, AccessReviewLine, LineDecision, ReviewStatus

PERMISSION = "privacy.access_review"
LAPSE_REASON = "lapse access-review roles not re-certified by the due date"


def _event(actor: Any, review: AccessReview, action: str, **after: Any) -> None:
    record_event(
        actor=actor,
        partner=review.partner_id,
        action=f"privacy.access_review_{action}",
        target=review,
        after={"nominee": review.nominee_id, "due_on": review.due_on, "status": review.status, **after},
    )


@transaction.atomic
def review_open(*, actor: Any, partner: Partner, nominee_id: int, due_on: date) -> AccessReview:
    """Open a re-certification of every role held on ``partner``, due by ``due_on``, decided by
    the nominated manager ``nominee_id`` (who must hold a role on the partner)."""
    authorise(actor, PERMISSION, partner)
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": "The due date is after today: give the manager time to review."})
    if not Membership.objects.filter(partner=partner, user_id=nominee_id, user__is_active=True).exists():
        raise ValidationError({"nominee": f"The nominated manager must hold a role on {partner.code}."})
    if AccessReview.objects.for_partner(partner).filter(status=ReviewStatus.OPEN).exists():
        raise ValidationError({"due_on": f"{partner.code} has an open access review: close it first."})
    review = AccessReview.objects.create(
        partner=partner, nominee_id=nominee_id, due_on=due_on, opened_by=user_of(actor)
    )
    held = (
        Membership.objects.filter(partner=partner).order_by("user_id", "role").values_list("user_id", "role")
    )
    AccessReviewLine.objects.bulk_create(
        AccessReviewLine(partner=partner, review=review, user_id=user_id, role=role) for user_id, role in held
    )
    _event(actor, review, "opened", lines=len(held))
    return review


def _may_decide(actor: Any, review: AccessReview) -> None:
    """The review's own nominee, still a member of its partner — nobody else, not even the system."""
    if is_system(actor) or actor.pk != review.nominee_id or not is_member(actor, review.partner_id):
        raise PermissionDenied("Only the manager nominated on this review certifies its roles.")


def _locked_line(line: AccessReviewLine) -> tuple[AccessReview, AccessReviewLine]:
    review = AccessReview.objects.for_partner(line.partner_id).select_for_update().get(pk=line.review_id)
    locked = AccessReviewLine.objects.for_partner(line.partner_id).select_for_update().get(pk=line.pk)
    return review, locked


def _decidable(review: AccessReview, line: AccessReviewLine) -> None:
    if review.status != ReviewStatus.OPEN:
        raise ValidationError({"decision": "This review is closed."})
    if timezone.localdate() > review.due_on:
        raise ValidationError(
            {
                "decision": f"The review was due by {people_date(review.due_on)}: "
                "what was not certified lapses."
            }
        )
    if line.decision != LineDecision.PENDING:
        raise ValidationError(
            {"decision": f"This role is {LineDecision(line.decision).label.lower()} already."}
        )


def _membership(line: AccessReviewLine) -> Membership | None:
    return Membership.objects.filter(partner_id=line.partner_id, user_id=line.user_id, role=line.role).first()


def _decide(line: AccessReviewLine, decision: str, by: Any) -> None:
    line.decision = decision
    line.decided_by = user_of(by)
    line.decided_at = timezone.now()
    line.save(update_fields=["decision", "decided_by", "decided_at"])


def _line_after(line: AccessReviewLine, **more: Any) -> dict[str, Any]:
    return {"line": line.pk, "user": line.user_id, "role": line.role, "decision": line.decision, **more}


@transaction.atomic
def line_certify(*, actor: Any, line: AccessReviewLine) -> AccessReviewLine:
    """The nominated manager confirms the user still needs the role."""
    review, line = _locked_line(line)
    _may_decide(actor, review)
    _decidable(review, line)
    if _membership(line) is None:
        raise ValidationError({"decision": "This role has been removed since the review opened."})
    # Nobody vouches for their own access: the nominee's own roles are for the DPO to judge
    # (revoke, or leave to lapse and grant again); revoking one's own role is allowed.
    if line.user_id == getattr(user_of(actor), "pk", None):
        raise ValidationError({"decision": "You cannot certify your own role: the DPO decides it."})
    _decide(line, LineDecision.CERTIFIED, actor)
    _event(actor, review, "certified", **_line_after(line))
    return line


def _remove(review: AccessReview, line: AccessReviewLine, why: str) -> bool:
    membership = _membership(line)
    if membership is None:
        return False
    membership_revoke(actor=SystemActor(reason=f"access review {review.pk}: {why}"), membership=membership)
    return True


@transaction.atomic
def line_revoke(*, actor: Any, line: AccessReviewLine) -> AccessReviewLine:
    """The nominated manager says the user no longer needs the role: it is removed now."""
    review, line = _locked_line(line)
    _may_decide(actor, review)
    _decidable(review, line)
    removed = _remove(review, line, "revoked by its nominated manager")
    _decide(line, LineDecision.REVOKED, actor)
    _event(actor, review, "revoked", **_line_after(line, role_removed=removed))
    return line


@dataclass
class LapseResult:
    """What one lapse run did: the reviews it closed and the roles it removed."""

    reviews: list[int] = field(default_factory=list)
    lapsed: int = 0
    removed: int = 0


def lapse_due(*, actor: Any, as_of: date) -> LapseResult:
    """Close every open review due before ``as_of`` on the partners where the actor holds
    ``privacy.access_review`` (every partner for the system): each pending line lapses and its role
    is removed. One transaction; a second run finds nothing open and changes nothing."""
    result = LapseResult()
    partners = partner_ids_with(actor, PERMISSION)
    with transaction.atomic(), rls.system_context(LAPSE_REASON) if is_system(actor) else nullcontext():
        due = (
            AccessReview.objects.for_partners(partners)
            .select_for_update()
            .filter(status=ReviewStatus.OPEN, due_on__lt=as_of)
            .order_by("partner_id", "pk")
        )
        for review in due:
            pending = review.lines.filter(decision=LineDecision.PENDING).order_by("pk").select_for_update()
            for line in pending:
                removed = _remove(review, line, "not re-certified by its due date")
                _decide(line, LineDecision.LAPSED, actor)
                _event(actor, review, "line_lapsed", **_line_after(line, role_removed=removed))
                result.lapsed += 1
                result.removed += int(removed)
            review.status = ReviewStatus.CLOSED
            review.closed_at = timezone.now()
            review.save(update_fields=["status", "closed_at"])
            _event(actor, review, "closed", as_of=as_of)
            result.reviews.append(review.pk)
    return result


def scheduled_lapse() -> int:
    """The worker's hourly job (settings.WORKER_PERIODIC): the number of roles that lapsed."""
    return lapse_due(actor=SystemActor(reason=LAPSE_REASON), as_of=timezone.localdate()).lapsed
