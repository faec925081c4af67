"""Posting a pay run's journal to the ledgers of the partners it charges.

Payroll knows the establishment and the run; the ledger knows only journals and cost centres.
So payroll names the cost centres it charges (:func:`establishment_cost_centres`) and posts
through the ledger's public :func:`~joinedup.ledger.services.post_source_journal`, as recharge
runs do. The ledger imports nothing from payroll."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min

from joinedup.core.dates import people_date
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import Journal, JournalSource, Period, PeriodStatus
from joinedup.ledger.services import (
    CostCentreInput,
    LineInput,
    cost_centres_ensure,
    journal_with_key,
    post_source_journal,
)
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll.journal import SHARED_POSTS, UNALLOCATED, JournalLine, build_journal, partners_charged
from joinedup.payroll.models import PayRun, RunStatus
from joinedup.people.models import OrgUnit, Post

# Payroll names these cost centres itself; they have no organisational unit behind them.
PAYROLL_COST_CENTRES = {
    UNALLOCATED: "Unallocated payroll costs",
    SHARED_POSTS: "Shared posts charged by other partners",
}
INTER_PARTNER = frozenset({"inter_partner_debtor", "inter_partner_creditor"})


def establishment_cost_centres(partner: Partner) -> list[CostCentreInput]:
    """The cost centres payroll charges for ``partner``: one per organisational unit (the tree
    follows the units'), one per cost-centre code that posts carry (under its post's unit), and
    payroll's own two. Parents come before their children, for
    :func:`~joinedup.ledger.services.ledger_setup_partner`."""
    units = list(OrgUnit.objects.for_partner(partner).order_by("id"))
    by_id = {u.pk: u for u in units}
    out: dict[str, CostCentreInput] = {}

    def add_unit(unit: OrgUnit, depth: int = 0) -> None:
        if unit.code in out:
            return
        parent = ""
        if unit.parent_id is not None and unit.parent_id in by_id and depth < len(units):
            add_unit(by_id[unit.parent_id], depth + 1)
            parent = by_id[unit.parent_id].code
        out[unit.code] = CostCentreInput(code=unit.code, name=unit.name, parent=parent, org_unit_id=unit.pk)

    for unit in units:
        add_unit(unit)
    post_codes = (
        Post.objects.for_partner(partner)
        .exclude(cost_centre="")
        .order_by("cost_centre", "id")
        .values_list("cost_centre", "org_unit_id")
    )
    for code, unit_id in post_codes:
        if code not in out:
            unit = by_id[unit_id]
            out[code] = CostCentreInput(
                code=code, name=f"{unit.name} ({code})", parent=unit.code, org_unit_id=unit.pk
            )
    for code, name in PAYROLL_COST_CENTRES.items():
        out.setdefault(code, CostCentreInput(code=code, name=name))
    return list(out.values())


def _cost_centres_named(partner: Partner, codes: Iterable[str]) -> list[CostCentreInput]:
    """The cost centres a payroll journal names: payroll's own two, or the code a post
    carries, filed under that post's organisational unit when the ledger knows it (the first
    post by code, when several carry it). Three queries whatever the number of codes: one per
    code cost a scan of the partner's posts each (seconds for a million people's 121 codes)."""
    wanted = sorted(set(codes) - {""})
    units = {
        code: (pk, name)
        for code, pk, name in OrgUnit.objects.for_partner(partner)
        .filter(code__in=wanted)
        .order_by()
        .values_list("code", "pk", "name")
    }
    first_post = (
        Post.objects.for_partner(partner)
        .filter(cost_centre__in=[code for code in wanted if code not in units])
        .order_by()
        .values("cost_centre")
        .annotate(first=Min("code"))
        .values_list("first", flat=True)
    )
    # Post codes are unique to the partner: each first post is its cost centre's.
    post_units = {
        centre: (unit_id, unit_code, unit_name)
        for centre, unit_id, unit_code, unit_name in Post.objects.for_partner(partner)
        .filter(code__in=list(first_post))
        .order_by()
        .values_list("cost_centre", "org_unit_id", "org_unit__code", "org_unit__name")
    }
    out = []
    for code in wanted:
        if code in units:
            pk, name = units[code]
            out.append(CostCentreInput(code=code, name=name, org_unit_id=pk))
        elif code in post_units:
            unit_id, unit_code, unit_name = post_units[code]
            name = f"{unit_name} ({code})"
            out.append(CostCentreInput(code=code, name=name, parent=unit_code, org_unit_id=unit_id))
        else:
            out.append(CostCentreInput(code=code, name=PAYROLL_COST_CENTRES.get(code, code)))
    return out


def _holds(actor: Any, permission: str, partner: Any) -> bool:
    try:
        authorise(actor, permission, partner)
    except PermissionDenied:
        return False
    return True


def payroll_posting_blockers(run: PayRun) -> list[str]:
    """Why the run's journal cannot be posted yet: a partner it charges has no open financial
    period on the pay date. Empty when it can be posted."""
    codes = partners_charged(run)
    blockers = []
    for partner in Partner.objects.filter(code__in=codes).order_by("code"):
        found = (
            Period.objects.for_partner(partner)
            .filter(start_date__lte=run.pay_date, end_date__gte=run.pay_date)
            .first()
        )
        if found is None:
            blockers.append(f"{partner.code} has no financial period for {people_date(run.pay_date)}")
        elif found.status != PeriodStatus.OPEN:
            blockers.append(f"{partner.code}'s {found} is closed")
    return blockers


def _ledger_lines(own: list[JournalLine], mapping: dict[str, str]) -> list[LineInput]:
    return [
        LineInput(
            account=mapping[ln.account],
            debit=ln.debit,
            credit=ln.credit,
            # Payroll puts the other partner's code where a cost centre would be.
            cost_centre="" if ln.account in INTER_PARTNER else ln.cost_centre,
            counterparty=ln.cost_centre if ln.account in INTER_PARTNER else "",
            description=ln.description[:200],
        )
        for ln in own
    ]


@transaction.atomic
def post_payroll_run(*, actor: Any, run: PayRun) -> list[Journal]:
    """Post an approved pay run's journal: one journal per partner the run charges (a shared
    post's cost lands in each charged partner's ledger), dated the pay date, keyed
    ``payroll-run:<run id>`` so a run never posts twice. The provisional account keys of
    :mod:`joinedup.payroll.journal` are mapped onto each partner's chart by the template's
    ``[payroll]`` table. All partners' journals post, or none do.

    Who may post: the employer's payroll approver (approval posts it) or a finance officer of
    the employer (posting later, once a ledger is ready). The other partners a shared post
    charges are not asked again: they agreed to the charge when its cost split was recorded."""
    if not (_holds(actor, "payroll.approve", run.partner_id) or _holds(actor, "ledger.post", run.partner_id)):
        authorise(actor, "ledger.post", run.partner_id)
    run = PayRun.objects.for_partner(run.partner_id).get(pk=run.pk)
    if run.status not in (RunStatus.APPROVED, RunStatus.PAID):
        raise ValidationError({"run": f"Only an approved run is posted; this one is {run.status}."})
    lines = build_journal(run)
    by_partner: dict[str, list[JournalLine]] = defaultdict(list)
    for line in lines:
        by_partner[line.partner].append(line)
    partners = {p.code: p for p in Partner.objects.filter(code__in=list(by_partner))}
    mapping = load_chart().payroll
    unmapped = sorted({line.account for line in lines} - set(mapping))
    if unmapped:
        raise ValidationError({"run": f"The chart template maps no account for payroll key(s) {unmapped}."})
    key = f"payroll-run:{run.pk}"
    journals = []
    for code in sorted(by_partner):
        partner = partners[code]
        own = by_partner[code]
        if journal_with_key(partner, key) is None:
            cost_centres_ensure(
                partner=partner,
                centres=_cost_centres_named(
                    partner, (ln.cost_centre for ln in own if ln.account not in INTER_PARTNER)
                ),
            )
        # A journal already holding the key is checked against this run by the posting below,
        # never taken on trust: one posted by anything else fails loudly, naming partner and key.
        journal = post_source_journal(
            actor=actor,
            partner=partner,
            on=run.pay_date,
            lines=_ledger_lines(own, mapping),
            description=f"Payroll: {run}"[:200],
            source=JournalSource.PAYROLL_RUN,
            idempotency_key=key,
            source_ref=str(run.pk),
            audit={"pay_run": run.pk, "employer": run.partner_id},
        )
        journals.append(journal)
    return journals
