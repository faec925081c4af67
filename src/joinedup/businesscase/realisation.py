"""Benefits realisation: what each partner's shared functions actually cost, month by month, from
joinedup's own ledger and people data, against the approved case's baseline and plan.

**What is summed** (:func:`actuals`, a fixed handful of queries whatever the size of the ledger):

- *Cost* of a function: debits less credits of the partner's journal lines, in the months asked
  for, on **expense accounts that are not inter-partner accounts**, on the cost centres the
  partner has mapped to that function (:class:`~joinedup.businesscase.models.CostCentreFunction`).
  Income, asset and liability accounts are not costs; inter-partner accounts carry recharges and
  settlements between partners, which are counted apart (from the recharge runs) so that nothing
  is counted twice.
- *FTE* of a function: the FTE of the post holdings in force on the last day of each month, in
  posts whose cost-centre code is that of a mapped cost centre (posts name their cost centre by
  code: see payroll.posting.establishment_cost_centres), of employments in force that day.
- A month is *reported* for a partner when its ledger has any line dated in it: months not yet
  reported are left out of the realisation, not counted as no spending.

**Against the case** (:func:`realisation`): the version approved by the partnership is the plan.
Its option of kind "shared service" (else its first option that is not the status quo) gives
year 1's planned recurring net saving (savings, each moved by its delay, less the recurring costs
with their optimism bias); each partner's part is split by the version's allocation keys, and each
function's by the partner's baseline cost of it (largest remainder, to the penny). Year 1 is the
twelve months from the case's go-live (``live_from``); a partner's saving in a reported month is
its baseline's twelfth less what the function cost it that month (its own spending on the mapped
cost centres and the recharges the shared service charged it for that service). One-off costs
actually incurred are the termination awards (redundancy payments) in approved or paid pay runs
from year 0 to the end of year 1, against the option's one-off cost lines of those years.

**Who sees what**: the case's owner sees every partner; a partner sees its own rows, the rows of
partners that shared their baseline in the approved version, and the partnership's totals; a union
representative sees the totals only, and only when the approved version is published. Figures of
other partners are read in a named system context; the rows shown are filtered afterwards.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.http import Http404

from joinedup.businesscase import appraisal
from joinedup.businesscase.models import (
    AllocationKey,
    Baseline,
    CaseVersion,
    CostCentreFunction,
    Function,
    Option,
    OptionKind,
    OptionLine,
)
from joinedup.businesscase.selectors import Access, involved_of, partnership_approval, to_line
from joinedup.core import rls
from joinedup.core.dates import people_date
from joinedup.core.money import pence_to_pounds, pounds_to_pence
from joinedup.ledger.models import Account, AccountType, CostCentre, JournalLine, Period
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayItem, PayItemTreatment, RunStatus
from joinedup.people.models import PostHolding
from joinedup.recharges.allocation import largest_remainder
from joinedup.recharges.models import LineKind as RechargeKind
from joinedup.recharges.models import RechargeLine

MONTHS = 12  # a year of months: the realisation year and the baseline window
FIGURES_READ = "benefits realisation: every involved partner's ledger, people and pay figures"
PAID_RUNS = (RunStatus.APPROVED, RunStatus.PAID)
FTE_PLACES = Decimal("0.01")


def month_start(on: date) -> date:
    return on.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_from(start: date, count: int) -> list[date]:
    return [add_months(month_start(start), n) for n in range(count)]


def _round_pence(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- What the ledger and the people module say -------------------------------------------------------


@dataclass(frozen=True)
class Mapped:
    partner_id: int
    cost_centre_id: int
    code: str
    name: str
    function: str


@dataclass
class Actuals:
    """Cost (pence) and FTE per (partner id, function, month start), and which months each partner
    has reported; ``description``: what was summed, in words, for the page."""

    months: list[date]
    cost: dict[tuple[int, str, date], int] = field(default_factory=dict)
    fte: dict[tuple[int, str, date], Decimal] = field(default_factory=dict)
    reported: dict[int, set[date]] = field(default_factory=dict)
    mapped: list[Mapped] = field(default_factory=list)
    description: list[str] = field(default_factory=list)

    def cost_of(self, partner_id: int, function: str, months: Iterable[date]) -> int:
        return sum(self.cost.get((partner_id, function, m), 0) for m in months)


def mappings_of(partner_ids: Sequence[int]) -> list[Mapped]:
    return [
        Mapped(
            r["partner_id"],
            r["cost_centre_id"],
            r["cost_centre__code"],
            r["cost_centre__name"],
            r["function"],
        )
        for r in CostCentreFunction.objects.for_partners(list(partner_ids))
        .order_by("partner_id", "function", "cost_centre__code")
        .values("partner_id", "cost_centre_id", "cost_centre__code", "cost_centre__name", "function")
    ]


def describe(start: date, months: int, mapped: Sequence[Mapped]) -> list[str]:
    end = month_end(add_months(start, months - 1))
    functions = sorted({m.function for m in mapped})
    return [
        f"Cost: the debits less the credits of every journal line dated {people_date(start)} to "
        f"{people_date(end)} on an expense account that is not an inter-partner account, on the "
        f"{len(mapped)} cost centres mapped to {len(functions)} functions (listed below). Income, "
        "asset and liability accounts are left out; recharges between partners are counted apart, "
        "from the recharge runs.",
        "FTE: the FTE of every post holding in force on the last day of each month, in a post whose "
        "cost-centre code is a mapped cost centre's, of an employment in force that day.",
        "A month counts for a partner once its ledger has any line dated in it.",
    ]


def actuals(partner_ids: Sequence[int], *, start: date, months: int = MONTHS) -> Actuals:
    """Cost and FTE per partner, function and month from ``start`` (a month's first day) for
    ``months`` months. Five queries, however many lines, posts or partners. The caller decides
    who may see which partner, and reads other partners' figures in a system context."""
    ids = sorted(set(partner_ids))
    window = months_from(start, months)
    first, last = window[0], month_end(window[-1])
    out = Actuals(months=window)
    out.reported = {pid: set() for pid in ids}
    mapped = mappings_of(ids)
    out.mapped = mapped
    out.description = describe(first, months, mapped)
    if not ids:
        return out
    function_of = {m.cost_centre_id: m.function for m in mapped}
    periods = {
        pk: month_start(begins)
        for pk, begins in Period.objects.for_partners(ids)
        .filter(start_date__lte=last, end_date__gte=first)
        .values_list("pk", "start_date")
    }
    costs = Account.objects.for_partners(ids).filter(type=AccountType.EXPENSE, inter_partner=False)
    if mapped and periods:
        rows = (
            JournalLine.objects.for_partners(ids)
            .filter(
                date__gte=first,
                date__lte=last,
                cost_centre_id__in=sorted(function_of),
                account_id__in=costs.values("pk"),
            )
            .order_by()
            .values("partner_id", "cost_centre_id", "period_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
        )
        for row in rows:
            month = periods.get(row["period_id"])
            if month is None:
                continue
            key = (row["partner_id"], function_of[row["cost_centre_id"]], month)
            out.cost[key] = out.cost.get(key, 0) + int(row["debit"] or 0) - int(row["credit"] or 0)
    if periods:
        # One index probe per partner and month (the ledger's partner-period index), not a pass
        # over every line: does the partner's ledger have any line in the month?
        lines_in = JournalLine.objects.for_partners(ids).filter(
            partner_id=OuterRef("partner_id"), period_id=OuterRef("pk")
        )
        for pid, period_id in (
            Period.objects.for_partners(ids)
            .filter(pk__in=sorted(periods))
            .filter(Exists(lines_in))
            .values_list("partner_id", "pk")
        ):
            out.reported[pid].add(periods[period_id])
    codes: dict[tuple[int, str], str] = {(m.partner_id, m.code): m.function for m in mapped}
    if codes:
        holdings = (
            PostHolding.objects.for_partners(ids)
            .filter(post__cost_centre__in=sorted({code for _, code in codes}), start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .filter(Q(employment__end_date__isnull=True) | Q(employment__end_date__gte=first))
            .values_list(
                "partner_id", "post__cost_centre", "fte", "start_date", "end_date", "employment__end_date"
            )
        )
        ends = [(month, month_end(month)) for month in window]
        for pid, code, fte, begins, ends_on, left in holdings:
            function = codes.get((pid, code))
            if function is None:
                continue
            for month, day in ends:
                if begins <= day and (ends_on is None or ends_on >= day) and (left is None or left >= day):
                    key = (pid, function, month)
                    out.fte[key] = out.fte.get(key, Decimal(0)) + fte
    return out


# --- Against the approved case -------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionRow:
    partner: Partner
    function: str
    label: str
    months: int  # reported months counted
    baseline: Decimal  # the approved baseline's cost for those months
    baseline_fte: Decimal
    drawn_baseline: Decimal | None  # the ledger's twelve months before go-live, when it has them
    drawn_fte: Decimal | None
    planned_saving: Decimal  # for those months
    own_cost: Decimal
    recharges: Decimal
    fte: Decimal | None  # in the last reported month

    @property
    def actual(self) -> Decimal:
        return self.own_cost + self.recharges

    @property
    def plan(self) -> Decimal:
        return self.baseline - self.planned_saving

    @property
    def saving(self) -> Decimal:
        return self.baseline - self.actual


@dataclass(frozen=True)
class PartnerPosition:
    partner: Partner
    months: int
    baseline: Decimal  # what it spent before, for the months reported
    own_cost: Decimal
    recharges: Decimal
    planned_saving: Decimal
    one_off_estimate: Decimal
    one_off_actual: Decimal

    @property
    def actual(self) -> Decimal:
        return self.own_cost + self.recharges

    @property
    def saving(self) -> Decimal:
        return self.baseline - self.actual


@dataclass(frozen=True)
class MonthRow:
    month: date
    partners: int  # partners that reported it
    baseline: Decimal
    actual: Decimal
    saving: Decimal
    planned_saving: Decimal
    cumulative_saving: Decimal
    cumulative_plan: Decimal


@dataclass(frozen=True)
class OneOffRow:
    month: date
    actual: Decimal
    cumulative: Decimal


@dataclass
class Realisation:
    version: CaseVersion
    option: Option | None
    live_from: date
    months: list[date]
    rows: list[FunctionRow]  # the partner detail the reader may see
    function_totals: list[FunctionRow]  # the partnership's, by function (partner: none shown)
    positions: list[PartnerPosition]  # the partners the reader may see
    total: PartnerPosition | None  # the partnership's
    by_month: list[MonthRow]
    one_offs: list[OneOffRow]
    one_off_estimate: Decimal
    one_off_estimate_unbiased: Decimal
    one_off_lines: list[str]
    description: list[str]
    mapped: list[Mapped]
    hidden_partners: list[str]
    baseline_window: tuple[date, date]


def _plan_option(version: CaseVersion) -> Option | None:
    options = list(Option.objects.for_partner(version.partner_id).filter(version=version).order_by("pk"))
    for option in options:
        if option.kind == OptionKind.SHARED_SERVICE:
            return option
    return next((o for o in options if o.kind != OptionKind.STATUS_QUO), None)


def _year_flows(lines: list[OptionLine], years: int) -> tuple[appraisal.Flows, appraisal.Flows]:
    """(recurring flows, one-off flows) by year, optimism bias applied to costs."""
    recurring = [to_line(line) for line in lines if not line.one_off]
    one_off = [to_line(line) for line in lines if line.one_off and line.kind == "cost"]
    return appraisal.flows(recurring, years), appraisal.flows(one_off, years)


def _split(total_pence: int, keys: dict[str, Decimal]) -> dict[str, int]:
    weights = {k: v for k, v in keys.items() if v > 0}
    if not weights:
        return {}
    return largest_remainder(total_pence, weights)


def visible_partner_ids(access: Access, version: CaseVersion, partner_ids: Sequence[int]) -> set[int]:
    if access.owner:
        return set(partner_ids)
    if access.published_only:
        return set()
    shared = set(
        Baseline.objects.for_partners(sorted(access.partners))
        .filter(version=version, shared=True)
        .values_list("partner_id", flat=True)
    )
    return (set(access.partners) | shared) & set(partner_ids)


def realisation(access: Access) -> Realisation | None:
    """The approved version's realisation as ``access`` may see it; None when the case is not
    approved by the partnership or has no go-live date. A union representative's access answers
    404 unless the approved version is published."""
    case = access.case
    version = partnership_approval(case)
    if version is None or case.live_from is None:
        if access.published_only:
            raise Http404("No published realisation of this case.")
        return None
    if access.published_only and not version.published:
        raise Http404("No published realisation of this case.")
    live = month_start(case.live_from)
    window = months_from(live, MONTHS)
    partners = [row.partner for row in involved_of(case) if row.partner_id != case.partner_id]
    ids = [p.pk for p in partners]
    code_of = {p.pk: p.code for p in partners}
    labels = dict(Function.choices)
    option = _plan_option(version)
    with rls.system_context(FIGURES_READ):
        after = actuals(ids, start=live, months=MONTHS)
        before = actuals(ids, start=add_months(live, -MONTHS), months=MONTHS)
        baselines = list(
            Baseline.objects.unscoped(reason="realisation: the approved baseline of every partner")
            .filter(case=case, version=version, partner_id__in=ids)
            .order_by("partner_id", "function")
        )
        recharge_rows = list(
            RechargeLine.objects.for_partners(ids)
            .filter(
                charged_partner_id__in=ids,
                kind=RechargeKind.POOL,
                month__gte=window[0],
                month__lte=window[-1],
            )
            .order_by()
            .values("charged_partner_id", "service", "month")
            .annotate(amount=Sum("amount"))
        )
        year0 = add_months(live, -MONTHS)
        awards = list(
            PayItem.objects.for_partners(ids)
            .filter(
                treatment=PayItemTreatment.TERMINATION_AWARD,
                start_date__gte=year0,
                start_date__lte=month_end(window[-1]),
            )
            .filter(
                employment__payslips__run__status__in=PAID_RUNS,
                employment__payslips__run__period_start__lte=F("start_date"),
                employment__payslips__run__period_end__gte=F("start_date"),
            )
            .order_by()
            .values("partner_id", "start_date", "amount", "pk")
            .distinct()
        )
    lines = (
        list(OptionLine.objects.for_partner(case.partner_id).filter(option=option).order_by("pk"))
        if option
        else []
    )
    years = version.horizon
    recurring, one_off = _year_flows(lines, years)
    year1 = recurring.net[1] if years > 1 else Decimal(0)
    keys = {
        k.allocated.code: k.key
        for k in AllocationKey.objects.for_partner(case.partner_id)
        .filter(version=version)
        .select_related("allocated")
    }
    planned_by_partner = _split(
        pounds_to_pence(appraisal.to_penny(year1)),
        {code_of[i]: keys.get(code_of[i], Decimal(0)) for i in ids},
    )
    estimate_years = one_off.costs[:2]
    estimate = appraisal.to_penny(sum(estimate_years, Decimal(0)))
    plain_one_off = appraisal.flows(
        [to_line(ln) for ln in lines if ln.one_off and ln.kind == "cost"], years, optimism_bias=False
    )
    estimate_unbiased = appraisal.to_penny(sum(plain_one_off.costs[:2], Decimal(0)))
    estimate_by_partner = _split(
        pounds_to_pence(estimate), {code_of[i]: keys.get(code_of[i], Decimal(0)) for i in ids}
    )

    base_by: dict[tuple[int, str], Baseline] = {(b.partner_id, b.function): b for b in baselines}
    recharge_by: dict[tuple[int, str, date], int] = defaultdict(int)
    for r in recharge_rows:
        recharge_by[(r["charged_partner_id"], r["service"], r["month"])] += int(r["amount"])
    functions_of: dict[int, list[str]] = defaultdict(list)
    for pid, function in sorted(
        {*(k for k in base_by), *((p, f) for p, f, _ in after.cost), *((p, f) for p, f, _ in recharge_by)},
        key=lambda pf: (pf[0], list(labels).index(pf[1]) if pf[1] in labels else 99),
    ):
        functions_of[pid].append(function)

    rows_all: list[FunctionRow] = []
    positions_all: list[PartnerPosition] = []
    by_partner = {p.pk: p for p in partners}
    for pid in ids:
        reported = sorted(m for m in window if m in after.reported.get(pid, set()))
        n = len(reported)
        base_costs = {
            f: pounds_to_pence(base_by[(pid, f)].total_cost) for f in functions_of[pid] if (pid, f) in base_by
        }
        planned_split = (
            _split(planned_by_partner.get(code_of[pid], 0), {f: Decimal(c) for f, c in base_costs.items()})
            if base_costs
            else {}
        )
        before_months = sorted(before.reported.get(pid, set()))
        for function in functions_of[pid]:
            b = base_by.get((pid, function))
            annual = pounds_to_pence(b.total_cost) if b else 0
            drawn = before.cost_of(pid, function, before.months) if len(before_months) == MONTHS else None
            drawn_fte_vals = [before.fte.get((pid, function, m)) for m in before.months]
            drawn_fte = (
                (sum((v or Decimal(0) for v in drawn_fte_vals), Decimal(0)) / MONTHS).quantize(FTE_PLACES)
                if len(before_months) == MONTHS
                else None
            )
            last = reported[-1] if reported else None
            rows_all.append(
                FunctionRow(
                    partner=by_partner[pid],
                    function=function,
                    label=labels.get(function, function),
                    months=n,
                    baseline=pence_to_pounds(_round_pence(Decimal(annual * n) / MONTHS)),
                    baseline_fte=b.fte if b else Decimal(0),
                    drawn_baseline=pence_to_pounds(drawn) if drawn is not None else None,
                    drawn_fte=drawn_fte,
                    planned_saving=pence_to_pounds(
                        _round_pence(Decimal(planned_split.get(function, 0) * n) / MONTHS)
                    ),
                    own_cost=pence_to_pounds(after.cost_of(pid, function, reported)),
                    recharges=pence_to_pounds(sum(recharge_by.get((pid, function, m), 0) for m in reported)),
                    fte=(
                        after.fte.get((pid, function, last), Decimal(0)).quantize(FTE_PLACES)
                        if last
                        else None
                    ),
                )
            )
        mine = [r for r in rows_all if r.partner.pk == pid]
        positions_all.append(
            PartnerPosition(
                partner=by_partner[pid],
                months=n,
                baseline=sum((r.baseline for r in mine), Decimal("0.00")),
                own_cost=sum((r.own_cost for r in mine), Decimal("0.00")),
                recharges=sum((r.recharges for r in mine), Decimal("0.00")),
                planned_saving=sum((r.planned_saving for r in mine), Decimal("0.00")),
                one_off_estimate=pence_to_pounds(estimate_by_partner.get(code_of[pid], 0)),
                one_off_actual=pence_to_pounds(
                    sum(pounds_to_pence(a["amount"]) for a in awards if a["partner_id"] == pid)
                ),
            )
        )

    # The partnership's figures by function and by month (every partner, whatever the reader sees).
    totals: list[FunctionRow] = []
    for function in [f for f in labels if any(r.function == f for r in rows_all)]:
        these = [r for r in rows_all if r.function == function]
        totals.append(
            FunctionRow(
                partner=these[0].partner,
                function=function,
                label=labels[function],
                months=max(r.months for r in these),
                baseline=sum((r.baseline for r in these), Decimal("0.00")),
                baseline_fte=sum((r.baseline_fte for r in these), Decimal("0.00")),
                drawn_baseline=(
                    sum((r.drawn_baseline for r in these if r.drawn_baseline is not None), Decimal("0.00"))
                    if any(r.drawn_baseline is not None for r in these)
                    else None
                ),
                drawn_fte=None,
                planned_saving=sum((r.planned_saving for r in these), Decimal("0.00")),
                own_cost=sum((r.own_cost for r in these), Decimal("0.00")),
                recharges=sum((r.recharges for r in these), Decimal("0.00")),
                fte=sum((r.fte or Decimal(0) for r in these), Decimal("0.00")),
            )
        )
    total = (
        PartnerPosition(
            partner=partners[0],
            months=max(p.months for p in positions_all),
            baseline=sum((p.baseline for p in positions_all), Decimal("0.00")),
            own_cost=sum((p.own_cost for p in positions_all), Decimal("0.00")),
            recharges=sum((p.recharges for p in positions_all), Decimal("0.00")),
            planned_saving=sum((p.planned_saving for p in positions_all), Decimal("0.00")),
            one_off_estimate=estimate,
            one_off_actual=sum((p.one_off_actual for p in positions_all), Decimal("0.00")),
        )
        if positions_all
        else None
    )

    by_month: list[MonthRow] = []
    running, running_plan = Decimal("0.00"), Decimal("0.00")
    for month in window:
        reporting = [pid for pid in ids if month in after.reported.get(pid, set())]
        if not reporting:
            continue
        base = sum(
            (
                _round_pence(Decimal(pounds_to_pence(b.total_cost)) / MONTHS)
                for b in baselines
                if b.partner_id in reporting
            ),
            0,
        )
        spent = sum(
            after.cost.get((pid, f, month), 0) + recharge_by.get((pid, f, month), 0)
            for pid in reporting
            for f in functions_of[pid]
        )
        plan = sum(
            _round_pence(Decimal(planned_by_partner.get(code_of[pid], 0)) / MONTHS) for pid in reporting
        )
        saving = pence_to_pounds(base - spent)
        running += saving
        running_plan += pence_to_pounds(plan)
        by_month.append(
            MonthRow(
                month=month,
                partners=len(reporting),
                baseline=pence_to_pounds(base),
                actual=pence_to_pounds(spent),
                saving=saving,
                planned_saving=pence_to_pounds(plan),
                cumulative_saving=running,
                cumulative_plan=running_plan,
            )
        )

    award_months: dict[date, int] = defaultdict(int)
    for a in awards:
        award_months[month_start(a["start_date"])] += pounds_to_pence(a["amount"])
    one_offs, so_far = [], 0
    for month in months_from(year0, 2 * MONTHS):
        if month in award_months:
            so_far += award_months[month]
            one_offs.append(
                OneOffRow(
                    month=month,
                    actual=pence_to_pounds(award_months[month]),
                    cumulative=pence_to_pounds(so_far),
                )
            )

    seen = visible_partner_ids(access, version, ids)
    mapped_seen = [m for m in after.mapped if m.partner_id in seen]
    hidden = sorted(p.name for p in partners if p.pk not in seen) if not access.published_only else []
    return Realisation(
        version=version,
        option=option,
        live_from=live,
        months=window,
        rows=[r for r in rows_all if r.partner.pk in seen],
        function_totals=totals,
        positions=[p for p in positions_all if p.partner.pk in seen],
        total=total,
        by_month=by_month,
        one_offs=one_offs,
        one_off_estimate=estimate,
        one_off_estimate_unbiased=estimate_unbiased,
        one_off_lines=[ln.name for ln in lines if ln.one_off and ln.kind == "cost"],
        description=after.description,
        mapped=mapped_seen,
        hidden_partners=hidden,
        baseline_window=(add_months(live, -MONTHS), month_end(add_months(live, -1))),
    )


def cost_centres_for_mapping(partner: Partner) -> list[tuple[CostCentre, str]]:
    """Every cost centre of the partner with the function it is mapped to ("" when none)."""
    mapped = dict(CostCentreFunction.objects.for_partner(partner).values_list("cost_centre_id", "function"))
    return [(c, mapped.get(c.pk, "")) for c in CostCentre.objects.for_partner(partner).order_by("code")]
