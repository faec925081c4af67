"""Tiles of the roles that look after the partnership rather than run its pay: the service
administrator, the data-protection officer, the union representative, the service-desk agent
and occupational health."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from joinedup.audit.models import AuditChainHead
from joinedup.change.consultation_selectors import consultations_visible_to
from joinedup.partnership.audit_trail import audit_events_for
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.payroll.models import PayRun, RunStatus
from joinedup.privacy.access_review_selectors import reviews_for
from joinedup.privacy.breach_selectors import breach_log_for
from joinedup.privacy.models.access_review import LineDecision, ReviewStatus
from joinedup.privacy.sar_selectors import SarFilters, sar_log_for
from joinedup.servicedesk.models.tickets import TicketStatus
from joinedup.servicedesk.selectors import queue
from joinedup.wellbeing.selectors import referrals_for
from joinedup.workspaces.tiles import Tile, link


def service_admin_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "partnership.manage_members", partner)
    administered = partner_ids_with(user, "partnership.manage_members")
    members = Membership.objects.filter(partner_id=partner.pk).aggregate(
        users=Count("user_id", distinct=True), roles=Count("pk")
    )
    events = audit_events_for(user, partner=partner).order_by().aggregate(n=Count("pk"), last=Max("seq"))
    head = AuditChainHead.objects.filter(partner_id=partner.pk).values_list("seq", flat=True).first()
    # The head names the newest link: an event deleted from the end of the chain leaves it ahead
    # of the last event (audit.verification checks every link; this is the cheap check).
    intact = (head or 0) == (events["last"] or 0) == events["n"]
    return [
        Tile(
            "partners",
            "Partners you administer",
            len(administered),
            link("admin_partner"),
            "The partners on which you hold the service administrator role appear here.",
        ),
        Tile(
            "users",
            "People with a role here",
            members["users"],
            link("admin_users"),
            f"Everyone who holds a role on {partner.name} appears here.",
            detail=f"{members['roles']} role{'s' if members['roles'] != 1 else ''} held",
        ),
        Tile(
            "audit_chain",
            "Audit events in the chain",
            events["n"],
            link("audit_events"),
            f"Every change made to {partner.name}'s records is added to its audit chain.",
            detail="Chain head matches the last event"
            if intact
            else "Chain head does not match the last event: run the audit check",
        ),
        *jobs_tiles(administered),
    ]


# Failed background jobs are counted for this many days after they failed.
FAILED_WITHIN_DAYS = 7


def jobs_tiles(administered: list[int]) -> list[Tile]:
    """The background queue (pay runs, imports, exports) for whoever administers every partner:
    the queue is the service's, not a partner's, so a service administrator of some partners
    sees nothing of it. Counts only: a job's arguments name another partner's records and are
    never shown; progress is that of the pay runs being calculated."""
    if not administered or Partner.objects.exclude(pk__in=administered).exists():
        return []
    since = timezone.now() - timedelta(days=FAILED_WITHIN_DAYS)
    jobs = DBTaskResult.objects.aggregate(
        queued=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=since)),
    )
    progress = (
        PayRun.objects.for_partners(administered)
        .filter(status=RunStatus.CALCULATING)
        .aggregate(runs=Count("pk"), done=Sum("progress_done"), total=Sum("progress_total"))
    )
    detail = (
        f"{jobs['queued']} queued, {jobs['running']} running, "
        f"{jobs['failed']} failed in the last {FAILED_WITHIN_DAYS} days"
    )
    if progress["runs"]:
        detail += (
            f"; {progress['runs']} pay run{'s' if progress['runs'] != 1 else ''} calculating, "
            f"{progress['done'] or 0:,} of {progress['total'] or 0:,} payslips written"
        )
    return [
        Tile(
            "background_jobs",
            "Background jobs queued or running",
            jobs["queued"] + jobs["running"],
            link("admin_partner"),
            "Pay runs, imports and exports waiting for a worker or being worked on appear here.",
            detail=detail,
        )
    ]


def dpo_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    open_sars = sar_log_for(user, partner=partner, filters=SarFilters(open_only=True), today=today)
    sars = open_sars.order_by().aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    breaches = breach_log_for(user, partner=partner, open_only=True).order_by().count()
    reviews = (
        reviews_for(user, partner=partner)
        .order_by()
        .aggregate(
            open=Count("pk", filter=Q(status=ReviewStatus.OPEN)),
            pending=Count("lines", filter=Q(status=ReviewStatus.OPEN, lines__decision=LineDecision.PENDING)),
        )
    )
    return [
        Tile(
            "sars_open",
            "Subject-access requests open",
            sars["open"],
            link("privacy_sars", open=1),
            "Subject-access requests not yet released, refused or withdrawn appear here.",
        ),
        Tile(
            "sars_overdue",
            "Subject-access requests overdue",
            sars["overdue"],
            link("privacy_sars", overdue=1),
            "Open requests past their statutory due date appear here.",
        ),
        Tile(
            "breaches_open",
            "Breaches open",
            breaches,
            link("privacy_breaches", open=1),
            "Personal data breaches not yet closed appear here, with their 72-hour clock.",
        ),
        Tile(
            "access_reviews_open",
            "Access reviews open",
            reviews["open"],
            link("privacy_access_review"),
            "An access review appears here while its manager re-certifies who holds which role.",
            detail=f"{reviews['pending']} role{'s' if reviews['pending'] != 1 else ''} waiting for a decision"
            if reviews["open"]
            else "",
        ),
    ]


def union_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "change.union", partner)
    live = (
        consultations_visible_to(user)
        .filter(partner_id=partner.pk, completed_on__isnull=True)
        .order_by()
        .count()
    )
    return [
        Tile(
            "consultations_open",
            "Consultations under way",
            live,
            link("change_consultations"),
            f"Collective consultations on proposals at {partner.name} appear here from their first day.",
        )
    ]


def service_desk_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "servicedesk.work", partner)
    found = (
        queue(user, partner=partner)
        .order_by()
        .aggregate(
            open=Count("pk"),
            new=Count("pk", filter=Q(status=TicketStatus.NEW)),
            mine=Count("pk", filter=Q(assignee_id=user.pk)),
        )
    )
    return [
        Tile(
            "queue_open",
            "Open tickets",
            found["open"],
            link("servicedesk_queue", partner=partner.pk),
            f"{partner.name}'s tickets not yet resolved appear here.",
        ),
        Tile(
            "queue_new",
            "New tickets nobody has picked up",
            found["new"],
            link("servicedesk_queue", partner=partner.pk, status=TicketStatus.NEW),
            "Tickets just raised appear here until an agent takes them.",
        ),
        Tile(
            "queue_mine",
            "Tickets assigned to you",
            found["mine"],
            link("servicedesk_queue", partner=partner.pk, mine=1),
            "Open tickets assigned to you appear here.",
        ),
    ]


def occupational_health_tiles(user: Any, *, partner: Any, today: date) -> list[Tile]:
    authorise(user, "wellbeing.view_cases", partner)
    waiting = referrals_for(user, partner=partner).filter(case__isnull=True).order_by().count()
    return [
        Tile(
            "referrals_waiting",
            "Referrals waiting for a case",
            waiting,
            link("wellbeing_waiting", partner=partner.pk),
            "Referrals sent to occupational health appear here until a case is opened.",
        )
    ]
