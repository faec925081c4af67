"""Reads of a partner's ledger, always through a partner the user holds ``ledger.view`` on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum

from joinedup.ledger.models import Account, CostCentre, Journal, JournalLine, Period
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise


@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    debits: int  # pence
    credits: int  # pence

    @property
    def balance(self) -> int:
        """Debits less credits: positive is a debit balance."""
        return self.debits - self.credits


@dataclass(frozen=True)
class TrialBalance:
    rows: list[TrialBalanceRow]

    @property
    def total_debits(self) -> int:
        return sum(r.debits for r in self.rows)

    @property
    def total_credits(self) -> int:
        return sum(r.credits for r in self.rows)

    @property
    def net(self) -> int:
        """Zero in every ledger whose journals balance."""
        return self.total_debits - self.total_credits


def trial_balance(
    user: object,
    *,
    partner: Partner,
    period: Period | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> TrialBalance:
    """Movements on each account with postings, in one period or between two dates inclusive
    (from the start of the year to a date gives the year to date). One aggregate query grouped
    by account, over the lines' own partner, period and date columns and the indexes that lead
    with them; the accounts are then read by id."""
    authorise(user, "ledger.view", partner)
    lines = JournalLine.objects.for_partner(partner)
    if period is not None:
        if date_from is not None or date_to is not None:
            raise ValidationError({"period": "Give a period or a date range, not both."})
        if period.partner_id != partner.pk:
            raise ValidationError({"period": "The period belongs to another partner."})
        lines = lines.filter(period=period)
    else:
        if date_from is None or date_to is None:
            raise ValidationError({"date_from": "Give a period, or both ends of a date range."})
        if date_to < date_from:
            raise ValidationError({"date_to": "The range ends before it starts."})
        lines = lines.filter(date__gte=date_from, date__lte=date_to)
    sums = list(
        lines.order_by()
        .values("account_id")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
        .values_list("account_id", "debits", "credits")
    )
    accounts = Account.objects.for_partner(partner).in_bulk([account_id for account_id, _, _ in sums])
    rows = [
        TrialBalanceRow(account=accounts[account_id], debits=int(debits), credits=int(credits))
        for account_id, debits, credits in sums
    ]
    rows.sort(key=lambda r: r.account.code)
    return TrialBalance(rows=rows)


def accounts_of(user: object, *, partner: Partner) -> QuerySet[Account]:
    authorise(user, "ledger.view", partner)
    return Account.objects.for_partner(partner).order_by("code")


def cost_centres_of(user: object, *, partner: Partner) -> QuerySet[CostCentre]:
    authorise(user, "ledger.view", partner)
    return CostCentre.objects.for_partner(partner).select_related("parent", "org_unit").order_by("code")


def periods_of(user: object, *, partner: Partner) -> QuerySet[Period]:
    authorise(user, "ledger.view", partner)
    return Period.objects.for_partner(partner).select_related("year").order_by("start_date")


def period_on(user: object, *, partner: Partner, on: date) -> Period | None:
    authorise(user, "ledger.view", partner)
    return Period.objects.for_partner(partner).filter(start_date__lte=on, end_date__gte=on).first()


def journals_of(user: object, *, partner: Partner) -> QuerySet[Journal]:
    authorise(user, "ledger.view", partner)
    return Journal.objects.for_partner(partner).select_related("period__year", "posted_by")


def journals_listed(user: object, *, partner: Partner) -> QuerySet[Journal]:
    """The partner's journals, each with its ``amount`` (the sum of its debits, pence) for the
    list to show and sort by."""
    return journals_of(user, partner=partner).annotate(amount=Sum("lines__debit"))
