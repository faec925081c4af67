"""Reports on a partner's ledger: budget against actual (with the cost-centre tree rolled up and
a drill-down to the lines behind one figure), an account's ledger with a running balance, and a
cost centre's actuals by account and period.

Every report takes the user and authorises ``ledger.view`` on the partner. Figures are summed by
the database in one aggregate query over the lines' own partner, period and date columns (the
journal is never joined), then arranged in Python: a partner has hundreds of cost centres and
accounts, not millions, so the tree and the pivots are cheap once the sums are in.

Amounts are integer pence. Budgets are held in each account's natural direction (spending on an
expense account, receipts on an income account), so actuals are turned the same way: debits
less credits on expense accounts, credits less debits on income accounts."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from joinedup.core.dates import people_month
from joinedup.ledger.models import (
    REVENUE_TYPES,
    Account,
    AccountType,
    Budget,
    CostCentre,
    Journal,
    JournalLine,
    Period,
)
from joinedup.ledger.selectors import TrialBalance
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- periods --------------------------------------------------------------------------------------


def period_for_month(
    user: object, *, partner: Partner, month: str, among: Sequence[Period] | None = None
) -> Period:
    """The partner's period for ``month`` written ``YYYY-MM`` (2026-08 is August 2026, period 5
    of 2026/27), as people name periods in the API, the CLI and the pages. ``among``: the
    partner's periods, already read by a page that lists them, to look in instead of asking."""
    authorise(user, "ledger.view", partner)
    match = _MONTH.match(month.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValidationError({"period": f"{month!r} is not a month: write it like 2026-08."})
    start = date(int(match[1]), int(match[2]), 1)
    if among is not None:
        found = next((p for p in among if p.partner_id == partner.pk and p.start_date == start), None)
    else:
        found = Period.objects.for_partner(partner).select_related("year").filter(start_date=start).first()
    if found is None:
        raise ValidationError(
            {"period": f"{partner.name} has no financial period for {people_month(start)}."}
        )
    return found


def current_period(
    user: object, *, partner: Partner, today: date, among: Sequence[Period] | None = None
) -> Period | None:
    """The period containing ``today``, or else the partner's latest period before it, or else
    its first: what a report shows when nobody chose a period. ``among``: as for
    ``period_for_month``."""
    authorise(user, "ledger.view", partner)
    if among is not None:
        ordered = sorted((p for p in among if p.partner_id == partner.pk), key=lambda p: p.start_date)
        started = [p for p in ordered if p.start_date <= today]
        return started[-1] if started else next(iter(ordered), None)
    periods = Period.objects.for_partner(partner).select_related("year")
    return (
        periods.filter(start_date__lte=today).order_by("-start_date").first()
        or periods.order_by("start_date").first()
    )


def _periods_between(partner: Partner, first: Period, last: Period) -> list[Period]:
    for end in (first, last):
        if end.partner_id != partner.pk:
            raise ValidationError({"period": "The period belongs to another partner."})
    if last.start_date < first.start_date:
        raise ValidationError({"to": "The range ends before it starts."})
    return list(
        Period.objects.for_partner(partner)
        .select_related("year")
        .filter(start_date__gte=first.start_date, start_date__lte=last.start_date)
        .order_by("start_date")
    )


# --- the cost-centre tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tree:
    centres: dict[int, CostCentre]
    children: dict[int | None, list[int]]

    def subtree(self, root: int) -> list[int]:
        """``root`` and every cost centre below it, depth first."""
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    def walk(self) -> Iterable[tuple[int, int]]:
        """(id, depth) of every cost centre, parents before children, siblings by code."""
        stack = [(root, 0) for root in reversed(self.children.get(None, []))]
        seen: set[int] = set()
        while stack:
            node, depth = stack.pop()
            if node in seen:  # a cycle typed in by hand must not loop for ever
                continue
            seen.add(node)
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(self.children.get(node, [])))


def _tree(partner: Partner) -> _Tree:
    centres = {
        c.pk: c for c in CostCentre.objects.for_partner(partner).select_related("parent").order_by("code")
    }
    children: dict[int | None, list[int]] = defaultdict(list)
    for centre in centres.values():
        parent = centre.parent_id if centre.parent_id in centres else None
        children[parent].append(centre.pk)
    return _Tree(centres, children)


def descendant_ids(user: object, *, partner: Partner, cost_centre: CostCentre) -> list[int]:
    """The cost centre's id and those of every cost centre below it."""
    authorise(user, "ledger.view", partner)
    _same_partner(partner, cost_centre)
    return _tree(partner).subtree(cost_centre.pk)


def _same_partner(partner: Partner, *objects: Account | CostCentre | Period) -> None:
    for obj in objects:
        if obj.partner_id != partner.pk:
            raise ValidationError({type(obj).__name__.lower(): f"{obj} belongs to another partner."})


# --- budget against actual -------------------------------------------------------------------------


def _percent(variance: int, budget: int) -> Decimal | None:
    """Variance as a percentage of the budget, to one place, half away from zero; none against a
    nil budget (every pound spent would be an infinite overspend)."""
    if budget == 0:
        return None
    return (Decimal(variance) * 100 / Decimal(abs(budget))).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """Budget and actual in pence. ``variance`` is actual less budget: above zero is spending
    over budget on an expense line, or receipts over budget on an income line."""

    budget: int = 0
    actual: int = 0

    @property
    def variance(self) -> int:
        return self.actual - self.budget

    @property
    def variance_percent(self) -> Decimal | None:
        return _percent(self.variance, self.budget)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.budget + other.budget, self.actual + other.actual)


@dataclass(frozen=True)
class BudgetLine:
    """One account at one cost centre, over the periods of the report."""

    account: Account
    figures: Figures

    @property
    def net(self) -> Figures:
        """As net expenditure: income counts against spending."""
        if self.account.type == AccountType.INCOME:
            return Figures(-self.figures.budget, -self.figures.actual)
        return self.figures


@dataclass
class CostCentreSection:
    """A cost centre's own lines, and its net expenditure on its own and with everything below
    it in the tree (``total``)."""

    cost_centre: CostCentre
    depth: int
    lines: list[BudgetLine] = field(default_factory=list)
    own: Figures = field(default_factory=Figures)
    total: Figures = field(default_factory=Figures)


@dataclass(frozen=True)
class BudgetVsActual:
    periods: list[Period]
    sections: list[CostCentreSection]  # tree order, parents first
    total: Figures  # net expenditure of the whole partner (or the chosen subtree)

    @property
    def first(self) -> Period:
        return self.periods[0]

    @property
    def last(self) -> Period:
        return self.periods[-1]


def budget_vs_actual(
    user: object,
    *,
    partner: Partner,
    period_from: Period,
    period_to: Period,
    cost_centre: CostCentre | None = None,
) -> BudgetVsActual:
    """Budget against actual for each cost centre and expense or income account over the
    periods ``period_from`` to ``period_to`` inclusive, with each cost centre's net expenditure
    rolled up its tree. With ``cost_centre``, only that cost centre and those below it.

    Two aggregate queries, one over the lines and one over the budgets, each grouped by cost
    centre and account; lines on balance-sheet accounts are left out by the account's type."""
    authorise(user, "ledger.view", partner)
    periods = _periods_between(partner, period_from, period_to)
    period_ids = [p.pk for p in periods]
    tree = _tree(partner)
    scope: set[int] | None = None
    if cost_centre is not None:
        _same_partner(partner, cost_centre)
        scope = set(tree.subtree(cost_centre.pk))
    accounts = {a.pk: a for a in Account.objects.for_partner(partner).filter(type__in=list(REVENUE_TYPES))}

    cells: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    lines = JournalLine.objects.for_partner(partner).filter(
        period_id__in=period_ids, cost_centre__isnull=False, account_id__in=list(accounts)
    )
    budgets = Budget.objects.for_partner(partner).filter(period_id__in=period_ids)
    if scope is not None:
        lines = lines.filter(cost_centre_id__in=scope)
        budgets = budgets.filter(cost_centre_id__in=scope)
    for centre_id, account_id, debits, credits in (
        lines.order_by()
        .values("cost_centre_id", "account_id")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
        .values_list("cost_centre_id", "account_id", "debits", "credits")
    ):
        movement = int(debits) - int(credits)
        income = accounts[account_id].type == AccountType.INCOME
        cells[(centre_id, account_id)][1] = -movement if income else movement
    for centre_id, account_id, amount in (
        budgets.order_by()
        .values("cost_centre_id", "account_id")
        .annotate(amount=Sum("amount"))
        .values_list("cost_centre_id", "account_id", "amount")
    ):
        if account_id in accounts:
            cells[(centre_id, account_id)][0] = int(amount)

    by_centre: dict[int, list[BudgetLine]] = defaultdict(list)
    for (centre_id, account_id), (budget, actual) in cells.items():
        by_centre[centre_id].append(BudgetLine(accounts[account_id], Figures(budget, actual)))

    sections: dict[int, CostCentreSection] = {}
    order: list[int] = []
    for centre_id, depth in tree.walk():
        if scope is not None and centre_id not in scope:
            continue
        own_lines = sorted(by_centre.get(centre_id, []), key=lambda line: line.account.code)
        own = sum((line.net for line in own_lines), Figures())
        sections[centre_id] = CostCentreSection(tree.centres[centre_id], depth, own_lines, own, own)
        order.append(centre_id)
    # Children come after their parents in ``order``; walking it backwards adds each finished
    # subtree to its parent. A cost centre shows when it or anything below it has a line.
    shows = {cid: bool(sections[cid].lines) for cid in order}
    for centre_id in reversed(order):
        parent_id = tree.centres[centre_id].parent_id
        if parent_id in sections:
            sections[parent_id].total = sections[parent_id].total + sections[centre_id].total
            shows[parent_id] = shows[parent_id] or shows[centre_id]
    roots = [cid for cid in order if tree.centres[cid].parent_id not in sections]
    total = sum((sections[cid].total for cid in roots), Figures())
    shown = [sections[cid] for cid in order if shows[cid]]
    return BudgetVsActual(periods=periods, sections=shown, total=total)


def lines_behind(
    user: object,
    *,
    partner: Partner,
    cost_centre: CostCentre | None,
    account: Account | None,
    period_from: Period | None,
    period_to: Period | None = None,
    include_below: bool = False,
) -> QuerySet[JournalLine]:
    """The journal lines behind one figure of :func:`budget_vs_actual`: one account at one cost
    centre (and those below it, with ``include_below``) over one period or a range. Without an
    account or a cost centre, the lines of every one; without a period (a partner whose ledger
    has none yet), of every period."""
    authorise(user, "ledger.view", partner)
    _same_partner(partner, *(obj for obj in (cost_centre, account) if obj is not None))
    found = JournalLine.objects.for_partner(partner)
    if period_from is not None:
        periods = _periods_between(partner, period_from, period_to or period_from)
        found = found.filter(period_id__in=[p.pk for p in periods])
    if account is not None:
        found = found.filter(account=account)
    if cost_centre is not None:
        centres = _tree(partner).subtree(cost_centre.pk) if include_below else [cost_centre.pk]
        found = found.filter(cost_centre_id__in=centres)
    return found.select_related("journal", "account", "cost_centre", "period__year").order_by("date", "id")


# --- an account's ledger ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    line: JournalLine
    balance: int  # the running balance after this line, debits less credits


@dataclass(frozen=True)
class AccountLedger:
    account: Account
    date_from: date
    date_to: date
    opening: int  # balance brought forward from before ``date_from``, debits less credits
    debits: int  # in the range
    credits: int
    count: int  # lines in the range
    page: int
    page_size: int
    entries: list[LedgerEntry]

    @property
    def closing(self) -> int:
        return self.opening + self.debits - self.credits

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def account_ledger(
    user: object,
    *,
    partner: Partner,
    account: Account,
    date_from: date,
    date_to: date,
    page: int = 1,
    page_size: int = 50,
) -> AccountLedger:
    """An account's lines between two dates inclusive, oldest first (by date, then as posted),
    a page at a time, each with the running balance after it. The balance starts from every
    line before ``date_from`` (so a balance-sheet account shows its true balance), and a page's
    first balance adds the earlier lines of the range, summed by the database, not by paging."""
    authorise(user, "ledger.view", partner)
    _same_partner(partner, account)
    if date_to < date_from:
        raise ValidationError({"date_to": "The range ends before it starts."})
    if page < 1 or page_size < 1:
        raise ValidationError({"page": "Pages are numbered from 1."})
    lines = JournalLine.objects.for_partner(partner).filter(account=account)
    in_range = Q(date__gte=date_from, date__lte=date_to)
    sums = lines.filter(date__lte=date_to).aggregate(
        opening_dr=Sum("debit", filter=Q(date__lt=date_from), default=0),
        opening_cr=Sum("credit", filter=Q(date__lt=date_from), default=0),
        debits=Sum("debit", filter=in_range, default=0),
        credits=Sum("credit", filter=in_range, default=0),
    )
    count = lines.filter(in_range).count()
    opening = int(sums["opening_dr"]) - int(sums["opening_cr"])
    start = (page - 1) * page_size
    rows = list(
        lines.filter(in_range)
        .select_related("journal", "cost_centre", "counterparty")
        .order_by("date", "id")[start : start + page_size]
    )
    balance = opening
    if rows and start:
        first = rows[0]
        before = (
            lines.filter(in_range)
            .filter(Q(date__lt=first.date) | Q(date=first.date, id__lt=first.pk))
            .aggregate(dr=Sum("debit", default=0), cr=Sum("credit", default=0))
        )
        balance += int(before["dr"]) - int(before["cr"])
    entries = []
    for row in rows:
        balance += row.debit - row.credit
        entries.append(LedgerEntry(row, balance))
    return AccountLedger(
        account=account,
        date_from=date_from,
        date_to=date_to,
        opening=opening,
        debits=int(sums["debits"]),
        credits=int(sums["credits"]),
        count=count,
        page=page,
        page_size=page_size,
        entries=entries,
    )


# --- a cost centre's report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CostCentreRow:
    account: Account
    by_period: dict[int, int]  # period id → debits less credits, pence

    @property
    def total(self) -> int:
        return sum(self.by_period.values())


@dataclass(frozen=True)
class CostCentreReport:
    cost_centre: CostCentre
    included: list[CostCentre]  # itself and every cost centre below it
    periods: list[Period]
    rows: list[CostCentreRow]  # by account code

    def period_total(self, period: Period) -> int:
        return sum(row.by_period.get(period.pk, 0) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def cost_centre_report(
    user: object, *, partner: Partner, cost_centre: CostCentre, period_from: Period, period_to: Period
) -> CostCentreReport:
    """A cost centre's actuals, with every cost centre below it, by account and period (debits
    less credits: spending is positive, income negative). One aggregate query."""
    authorise(user, "ledger.view", partner)
    _same_partner(partner, cost_centre)
    periods = _periods_between(partner, period_from, period_to)
    tree = _tree(partner)
    ids = tree.subtree(cost_centre.pk)
    grid: dict[int, dict[int, int]] = defaultdict(dict)
    for account_id, period_id, debits, credits in (
        JournalLine.objects.for_partner(partner)
        .filter(cost_centre_id__in=ids, period_id__in=[p.pk for p in periods])
        .order_by()
        .values("account_id", "period_id")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
        .values_list("account_id", "period_id", "debits", "credits")
    ):
        grid[account_id][period_id] = int(debits) - int(credits)
    accounts = Account.objects.for_partner(partner).in_bulk(list(grid))
    rows = sorted(
        (CostCentreRow(accounts[aid], by_period) for aid, by_period in grid.items()),
        key=lambda row: row.account.code,
    )
    return CostCentreReport(
        cost_centre=cost_centre,
        included=[tree.centres[cid] for cid in ids],
        periods=periods,
        rows=rows,
    )


# --- exports ------------------------------------------------------------------------------------------

TRIAL_BALANCE_HEADER = ["account", "name", "type", "group", "debits", "credits", "balance"]


def pounds(pence: int) -> Decimal:
    """Pence as an exact Decimal of pounds with two places, for spreadsheets (never a float)."""
    return Decimal(pence).scaleb(-2)


def trial_balance_rows(balance: TrialBalance) -> list[list[object]]:
    """The rows of a trial balance download, with a total row that nets to nothing."""
    rows: list[list[object]] = [
        [
            row.account.code,
            row.account.name,
            row.account.type,
            row.account.group,
            pounds(row.debits),
            pounds(row.credits),
            pounds(row.balance),
        ]
        for row in balance.rows
    ]
    rows.append(
        [
            "",
            "Total",
            "",
            "",
            pounds(balance.total_debits),
            pounds(balance.total_credits),
            pounds(balance.net),
        ]
    )
    return rows


# --- journals by id -------------------------------------------------------------------------------------


def journal_for(user: object, *, journal_id: int) -> Journal:
    """A journal of a partner the user may view the ledger of; 404 otherwise, so that another
    partner's journal is not revealed."""
    journal = (
        Journal.objects.for_partners(partner_ids_with(user, "ledger.view"))
        .select_related("period__year", "posted_by", "reverses", "partner")
        .filter(pk=journal_id)
        .first()
    )
    if journal is None:
        raise Http404("No such journal.")
    return journal


def lines_of(journal: Journal) -> QuerySet[JournalLine]:
    return (
        JournalLine.objects.for_partner(journal.partner_id)
        .filter(journal=journal)
        .select_related("account", "cost_centre", "counterparty")
        .order_by("id")
    )


def reversal_of(journal: Journal) -> Journal | None:
    """The journal that reversed this one, if any."""
    return Journal.objects.for_partner(journal.partner_id).filter(reverses=journal).first()
