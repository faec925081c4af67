"""The payroll journal of a pay run: what the run cost, and to whom it is owed.

Debits: gross pay, employer's NI, employer's Class 1A NI on termination awards and employer's
pension, by the cost centre of the post each
employee fills on the pay date. Credits: PAYE, NI and loan repayments owed to HMRC; employee
and employer pension contributions owed to the fund; net pay owed to employees; deductions after
tax owed to third parties. It balances by construction (net pay is what is left of gross pay),
and is checked.

A shared post (an employment with a cost split on the pay date) costs each partner its share:
the employer's journal charges its own share to the post's cost centre and the other partners'
shares to inter-partner debtors; each charged partner gets a journal of its own (cost to a
"shared posts" cost centre, creditor to the employer). Pennies are shared by largest remainder,
so the shares add up to the cost exactly. Only an approved split counts: until every partner it
charges has agreed, the employer bears the whole cost.

Account codes are provisional names until the ledger module brings each partner's chart of
accounts; the CSV is what the ledger will post."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.db import connections
from django.db.models import Q

from joinedup.core import tabular
from joinedup.core.money import plain_pounds
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.payroll.selectors import require_complete
from joinedup.people.models import ChargeStatus, CostSplit, CostSplitShare, PostHolding

ACCOUNTS = {
    "salaries": "Employees: salaries and wages",
    "employer_ni": "Employees: employer's National Insurance",
    "employer_class1a": "Employees: employer's Class 1A National Insurance on termination awards",
    "employer_pension": "Employees: employer's pension contributions",
    "hmrc": "Creditor: HMRC PAYE, NI and student loans",
    "pension_fund": "Creditor: pension fund",
    "net_pay": "Creditor: net pay to employees",
    "deductions": "Creditor: deductions after tax to third parties",
    "inter_partner_debtor": "Debtor: recharge to partner",
    "inter_partner_creditor": "Creditor: recharge from partner",
}
UNALLOCATED = "UNALLOCATED"
JOURNAL_STATUSES = (RunStatus.CALCULATED, RunStatus.APPROVED, RunStatus.PAID)
SHARED_POSTS = "SHARED-POSTS"


@dataclass(frozen=True)
class JournalLine:
    partner: str
    account: str
    cost_centre: str
    debit: int
    credit: int
    description: str


def split_pennies(total: int, percents: Sequence[Decimal]) -> list[int]:
    """Shares of ``total`` pence by percentages adding up to 100, summing to ``total`` exactly:
    each share rounded down, then the pennies left over go to the largest remainders (ties to
    the earlier share)."""
    if sum(percents) != 100:
        raise ValueError(f"Percentages add up to {sum(percents)}, not 100.")
    exact = [Decimal(total) * p / 100 for p in percents]
    shares = [int(x // 1) for x in exact]
    left = total - sum(shares)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: abs(left)]:
        shares[i] += 1 if left > 0 else -1
    return shares


_SLIP_COLUMNS = (
    "employment_id",
    "gross_pay",
    "ni_employer",
    "ni_class1a",
    "pension_employer",
    "tax",
    "ni_employee",
    "student_loan",
    "postgraduate_loan",
    "pension_employee",
    "net_pay",
    "deductions_after_tax",
)
_COSTS = ("salaries", "employer_ni", "employer_class1a", "employer_pension")


def build_journal(run: PayRun) -> list[JournalLine]:
    """The run's journal lines. Only a fully calculated run has a journal (ValidationError
    otherwise): a run whose calculation stopped part way balances, for the part."""
    require_complete(run, output="A payroll journal", statuses=JOURNAL_STATUSES)
    partner = Partner.objects.get(pk=run.partner_id)
    # No ORDER BY (the model's default): sorting a million payslips is the database's largest cost here.
    slips_in_run = Payslip.objects.for_partner(partner).filter(run=run).order_by()
    # Whole columns in integer pence (NumPy int64: exact, never float), summed per cost centre.
    # The queryset's own SQL (partner guard and all) read through a plain cursor, its rows
    # flattened straight into the array: NumPy building an array from a million tuples cost
    # more than reading them.
    rows = slips_in_run.values_list(*_SLIP_COLUMNS)
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        flat = np.fromiter(itertools.chain.from_iterable(cursor.fetchall()), dtype=np.int64)
    slips = flat.reshape(len(flat) // len(_SLIP_COLUMNS), len(_SLIP_COLUMNS))
    employment, gross, er_ni, class1a, er_pension, tax, ee_ni, sl, pg, ee_pension, net, deductions = slips.T
    cost_centres = _cost_centres(run)
    splits = _splits(run)
    codes = dict(Partner.objects.values_list("pk", "code"))
    debits: dict[tuple[str, str, str], int] = defaultdict(int)
    credits: dict[tuple[str, str, str], int] = defaultdict(int)
    me = partner.code
    # Each employment's cost centre as an index into ``centres``; shared posts are taken out
    # (index -1) and charged share by share below.
    centres = sorted(set(cost_centres.values()) | {UNALLOCATED})
    index = {centre: n for n, centre in enumerate(centres)}
    unallocated = index[UNALLOCATED]
    centre_of = np.fromiter(
        (
            -1 if e in splits else index[cost_centres[e]] if e in cost_centres else unallocated
            for e in employment.tolist()
        ),
        dtype=np.int64,
        count=len(slips),
    )
    own = centre_of >= 0
    for account, column in zip(_COSTS, (gross, er_ni, class1a, er_pension), strict=True):
        totals = np.zeros(len(centres), dtype=np.int64)
        np.add.at(totals, centre_of[own], column[own])
        for centre, amount in zip(centres, totals.tolist(), strict=True):
            debits[(me, account, centre)] += amount
    for n in np.flatnonzero(~own).tolist():
        employment_id = int(employment[n])
        centre = cost_centres.get(employment_id, UNALLOCATED)
        shares = splits[employment_id]
        costs = (int(gross[n]), int(er_ni[n]), int(class1a[n]), int(er_pension[n]))
        for account, amount in zip(_COSTS, costs, strict=True):
            parts = split_pennies(amount, [pc for _, pc in shares])
            for (charged, _), part in zip(shares, parts, strict=True):
                if charged == partner.pk:
                    debits[(me, account, centre)] += part
                else:
                    other = codes[charged]
                    debits[(me, "inter_partner_debtor", other)] += part
                    debits[(other, account, SHARED_POSTS)] += part
                    credits[(other, "inter_partner_creditor", me)] += part
    credits[(me, "hmrc", "")] += int((tax + ee_ni + er_ni + class1a + sl + pg).sum())
    credits[(me, "pension_fund", "")] += int((ee_pension + er_pension).sum())
    credits[(me, "net_pay", "")] += int(net.sum())
    credits[(me, "deductions", "")] += int(deductions.sum())
    lines = [
        JournalLine(p, account, centre, amount, 0, f"{run} {ACCOUNTS[account]}")
        for (p, account, centre), amount in sorted(debits.items())
        if amount
    ]
    lines += [
        JournalLine(p, account, centre, 0, amount, f"{run} {ACCOUNTS[account]}")
        for (p, account, centre), amount in sorted(credits.items())
        if amount
    ]
    _check_balanced(lines)
    return lines


def partners_charged(run: PayRun) -> list[str]:
    """Codes of the partners whose ledgers the run's journal touches: the employer, and each
    partner a shared post paid in the run charges. Without building the journal."""
    codes = dict(Partner.objects.values_list("pk", "code"))
    charged = {run.partner_id}
    splits = _splits(run)
    if splits:
        paid = set(
            Payslip.objects.for_partner(run.partner_id)
            .filter(run=run, employment_id__in=list(splits))
            .order_by()
            .values_list("employment_id", flat=True)
        )
        charged |= {partner for e in paid for partner, _ in splits[e]}
    return sorted(codes[p] for p in charged)


def _check_balanced(lines: Sequence[JournalLine]) -> None:
    by_partner: dict[str, int] = defaultdict(int)
    for line in lines:
        by_partner[line.partner] += line.debit - line.credit
    unbalanced = {p: d for p, d in by_partner.items() if d}
    if unbalanced:
        raise ValueError(f"Payroll journal does not balance: {unbalanced} pence")


def _cost_centres(run: PayRun) -> dict[int, str]:
    """The cost centre of the post each employment fills on the pay date (the largest
    holding when it fills several)."""
    centres: dict[int, tuple[Decimal, str]] = {}
    holdings = (
        PostHolding.objects.for_partner(run.partner_id)
        .filter(start_date__lte=run.pay_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=run.pay_date))
        .order_by()
        .values_list("employment_id", "fte", "post__cost_centre")
    )
    for employment_id, fte, centre in holdings.iterator(chunk_size=5000):
        known = centres.get(employment_id)
        if known is None or fte > known[0]:
            centres[employment_id] = (fte, centre)
    return {e: centre for e, (_, centre) in centres.items()}


def _splits(run: PayRun) -> dict[int, list[tuple[int, Decimal]]]:
    active = (
        CostSplit.objects.for_partner(run.partner_id)
        .filter(status=ChargeStatus.APPROVED, effective_from__lte=run.pay_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=run.pay_date))
        .values_list("pk", "employment_id")
    )
    by_split = dict(active)
    shares: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for split_id, charged, percent in (
        CostSplitShare.objects.for_partner(run.partner_id)
        .filter(split_id__in=list(by_split))
        .order_by("split_id", "charged_partner_id")
        .values_list("split_id", "charged_partner_id", "percent")
    ):
        shares[by_split[split_id]].append((charged, percent))
    return dict(shares)


def write_journal_csv(lines: Sequence[JournalLine], stream: TextIO) -> None:
    writer = tabular.csv_writer(stream)
    writer.writerow(["partner", "account", "account_name", "cost_centre", "debit", "credit", "description"])
    for line in lines:
        writer.writerow(
            [
                line.partner,
                line.account,
                ACCOUNTS[line.account],
                line.cost_centre,
                plain_pounds(line.debit) if line.debit else "",
                plain_pounds(line.credit) if line.credit else "",
                line.description,
            ]
        )
