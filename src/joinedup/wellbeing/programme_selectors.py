"""Reads of wellbeing programmes (issue 16). OH administrators (``wellbeing.programmes``) read
their partners' programmes and the counts they entered. The usage report is aggregate only, with
small-number suppression (``core.suppression``: no cell from 1 to 4 shown, and secondary
suppression so no hidden cell can be worked out from the totals), and is read by those with
``wellbeing.usage_reports`` (OH clinicians and administrators, service administrators) or
``reports.view_aggregate`` (union representatives) on the partner. Even a count of 3 sessions for
bereavement at a small fire service can point at a person, so nobody reads the report unsuppressed;
the administrators who enter the returns see the raw counts only on the entry pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import Http404

from joinedup.core.suppression import Table, suppress
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.wellbeing.models import ProgrammeUsage, UsageMeasure, UsageReason, WellbeingProgramme

MANAGE = "wellbeing.programmes"
READ_PERMISSIONS = ("wellbeing.usage_reports", "reports.view_aggregate")


def report_partners(user: Any) -> list[int]:
    return sorted({p for perm in READ_PERMISSIONS for p in partner_ids_with(user, perm)})


def programmes_for(user: Any, *, partner: Partner | int) -> QuerySet[WellbeingProgramme]:
    authorise(user, MANAGE, partner)
    return WellbeingProgramme.objects.for_partner(partner).order_by("name", "pk")


def programme_for(user: Any, *, programme_id: int) -> WellbeingProgramme:
    """The programme, if the user enters counts for its partner; 404 otherwise."""
    found = (
        WellbeingProgramme.objects.for_partners(partner_ids_with(user, MANAGE))
        .select_related("partner")
        .filter(pk=programme_id)
        .first()
    )
    if found is None:
        raise Http404("No such programme.")
    return found


def usage_entries(
    user: Any, *, programme_id: int, first_month: date, last_month: date
) -> list[ProgrammeUsage]:
    """The counts entered for the programme in the months from ``first_month`` to ``last_month``
    (for the entry pages: unsuppressed, so OH administrators only)."""
    programme = programme_for(user, programme_id=programme_id)
    return list(
        ProgrammeUsage.objects.for_partner(programme.partner_id)
        .filter(
            programme=programme, month__gte=first_month.replace(day=1), month__lte=last_month.replace(day=1)
        )
        .order_by("month", "measure", "reason")
    )


@dataclass(frozen=True)
class UsageReport:
    """The partner's ``measure`` over the months, reasons by programme, suppressed."""

    partner: Partner
    first_month: date
    last_month: date
    measure: str
    table: Table


def usage_report(
    user: Any, *, partner: Partner, first_month: date, last_month: date, measure: str = UsageMeasure.REFERRALS
) -> UsageReport:
    """The table of ``measure`` from ``first_month`` to ``last_month`` (whole months): a row per
    reason category (every one, zeros shown), a column per programme active or used in the
    period, with totals, and every cell under 5 hidden with those that would give it away."""
    if partner.pk not in report_partners(user):
        raise PermissionDenied("You may not read this partner's wellbeing reports.")
    if measure not in UsageMeasure.values:
        raise ValueError(f"Unknown measure {measure!r}.")
    start, end = first_month.replace(day=1), last_month.replace(day=1)
    if end < start:
        raise ValueError("The period ends before it starts.")
    sums = (
        ProgrammeUsage.objects.for_partner(partner)
        .filter(month__gte=start, month__lte=end, measure=measure)
        .values("programme_id", "reason")
        .annotate(total=Sum("count"))
    )
    counted = {(row["programme_id"], row["reason"]): int(row["total"]) for row in sums}
    used = {programme_id for programme_id, _ in counted}
    programmes = [
        p
        for p in WellbeingProgramme.objects.for_partner(partner).order_by("name", "pk")
        if p.active or p.pk in used
    ]
    reasons = list(UsageReason)
    counts = [[counted.get((p.pk, reason.value), 0) for p in programmes] for reason in reasons]
    table = suppress([str(r.label) for r in reasons], [p.name for p in programmes], counts)
    return UsageReport(partner=partner, first_month=start, last_month=end, measure=measure, table=table)
