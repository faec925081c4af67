"""Reads of recharges: statements of charges, runs, pools and agreements, and the
reconciliation of inter-partner balances across the partnership.

Who sees a statement of charges: the charged partner's own finance officers (``recharges.view``
on it), and the shared-services body's finance officers, who issue the statements
(``recharges.manage`` on a shared-services body). Seeing a statement grants nothing on the
partner's ledger: that stays with ``ledger.view`` on the partner. Anyone else gets 404."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404

from joinedup.core import rls
from joinedup.core.actors import is_system
from joinedup.core.money import plain_pounds
from joinedup.ledger.models import AccountType, JournalLine
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.permissions import authorise, has_permission, member_partners, partner_ids_with
from joinedup.recharges.drivers import month_end
from joinedup.recharges.models import (
    CostPool,
    Driver,
    DriverSource,
    LineKind,
    RechargeLine,
    RechargeRun,
    Service,
    ServiceAgreement,
)
from joinedup.recharges.services import parse_month, shared_services_body

TREND_MONTHS = 6


def _issuers(user: Any) -> list[int]:
    """The shared-services bodies on which ``user`` manages recharges."""
    if is_system(user):
        ids = partner_ids_with(user, "recharges.manage")
        return list(
            Partner.objects.filter(pk__in=ids, kind=PartnerKind.SHARED_SERVICE, active=True).values_list(
                "pk", flat=True
            )
        )
    # A person's memberships (read once a request) hold their partners already.
    return [
        p.pk
        for p in member_partners(user)
        if p.kind == PartnerKind.SHARED_SERVICE and has_permission(user, "recharges.manage", p)
    ]


def may_see_statements(user: Any, partner: Partner) -> bool:
    return has_permission(user, "recharges.view", partner) or bool(_issuers(user))


def statement_partners(user: Any) -> list[Partner]:
    """Partners whose statements ``user`` may read: every partner for an issuer, else their own."""
    if _issuers(user):
        return list(
            Partner.objects.filter(active=True).exclude(kind=PartnerKind.SHARED_SERVICE).order_by("name")
        )
    if is_system(user):
        return list(
            Partner.objects.filter(active=True, pk__in=partner_ids_with(user, "recharges.view"))
            .exclude(kind=PartnerKind.SHARED_SERVICE)
            .order_by("name")
        )
    return [
        p
        for p in member_partners(user)
        if p.kind != PartnerKind.SHARED_SERVICE and has_permission(user, "recharges.view", p)
    ]


def reads_any_statement(user: Any) -> bool:
    """Whether ``statement_partners(user)`` holds any partner, without reading them all (the
    menu asks on every page)."""
    if _issuers(user):
        return Partner.objects.filter(active=True).exclude(kind=PartnerKind.SHARED_SERVICE).exists()
    return bool(statement_partners(user))


def statement_partner(user: Any, *, partner_id: int | None = None, code: str | None = None) -> Partner:
    """The partner by id or code, if ``user`` may read its statements; 404 otherwise."""
    found = Partner.objects.filter(active=True)
    found = found.filter(pk=partner_id) if partner_id is not None else found.filter(code__iexact=code or "")
    partner = found.first()
    if partner is None or not may_see_statements(user, partner):
        raise Http404("No such partner.")
    return partner


@dataclass(frozen=True)
class StatementLine:
    service: str  # label: "HR", or "Secondment"
    driver: str  # label
    description: str
    quantity: Decimal
    rate: Decimal | None  # pounds per unit
    amount: int  # pence
    issuer: str  # the code of the partner charging
    source: str = ""  # label: where the driver's quantity came from (readings, purchasing, …)


@dataclass
class Statement:
    partner: Partner
    month: date
    lines: list[StatementLine]
    trend_months: list[date]
    trend: list[tuple[str, list[int]]] = field(default_factory=list)  # service label, pence per month

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _plain(quantity: Decimal) -> Decimal:
    """The stored quantity without trailing zeros, and never in exponent form (50, not 5E+1)."""
    found = quantity.normalize()
    return found.quantize(Decimal(1)) if found.as_tuple().exponent > 0 else found  # type: ignore[operator]


def _label(kind: str, service: str) -> str:
    return "Secondment" if kind == LineKind.SECONDMENT else Service(service).label


def _months_back(month: date, n: int) -> list[date]:
    out = []
    year, mon = month.year, month.month
    for _ in range(n):
        out.append(date(year, mon, 1))
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return list(reversed(out))


def statement_for(user: Any, *, partner: Partner, month: date | str) -> Statement:
    """The charges to ``partner`` posted for ``month``, and the last six months' amounts by service."""
    if not may_see_statements(user, partner):
        raise Http404("No such partner.")
    # The lines charged to a partner include secondment lines between two other partners, and
    # an issuer reads every partner's statement: past the check above, by name.
    with rls.system_context(f"recharges: read {partner.code}'s statement of charges"):
        return _statement(partner, parse_month(month))


def _statement(partner: Partner, start: date) -> Statement:
    charged = RechargeLine.objects.for_partner(partner).filter(charged_partner=partner)
    drivers = dict(Driver.choices)
    sources = dict(DriverSource.choices)
    lines = [
        StatementLine(
            service=_label(line.kind, line.service),
            driver=drivers.get(line.driver, "Days seconded" if line.kind == LineKind.SECONDMENT else ""),
            description=line.description,
            quantity=_plain(line.quantity),
            rate=line.rate,
            amount=line.amount,
            issuer=line.partner.code,
            source=sources.get(line.driver_source, ""),
        )
        for line in charged.filter(month=start).select_related("partner").order_by("kind", "service", "id")
    ]
    months = _months_back(start, TREND_MONTHS)
    sums: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for kind, service, when, amount in (
        charged.filter(month__gte=months[0], month__lte=start)
        .values_list("kind", "service", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        sums[_label(kind, service)][when] += amount
    trend = [(label, [sums[label].get(m, 0) for m in months]) for label in sorted(sums)]
    return Statement(partner=partner, month=start, lines=lines, trend_months=months, trend=trend)


def statement_rows(statement: Statement) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            f"{statement.month:%Y-%m}",
            statement.partner.code,
            line.issuer,
            line.service,
            line.driver,
            line.description,
            line.quantity,
            "" if line.rate is None else line.rate,
            plain_pounds(line.amount),
            line.source,
        ]
        for line in statement.lines
    ]
    return rows


STATEMENT_HEADER = [
    "month",
    "partner",
    "charged_by",
    "service",
    "driver",
    "description",
    "quantity",
    "rate",
    "amount",
    "source",
]


# --- the shared-services body's own views ---------------------------------------------------------


def runs_of(user: Any, *, provider: Partner | None = None) -> QuerySet[RechargeRun]:
    provider = shared_services_body(provider)
    authorise(user, "recharges.manage", provider)
    return RechargeRun.objects.for_partner(provider).order_by("-month")


def run_for(user: Any, *, run_id: int) -> RechargeRun:
    """A run, to its shared-services body's finance officers; 404 to anyone else."""
    run = RechargeRun.objects.for_partners(_issuers(user)).filter(pk=run_id)
    found = run.select_related("partner").first()
    if found is None:
        raise Http404("No such recharge run.")
    return found


def run_lines(run: RechargeRun) -> QuerySet[RechargeLine]:
    return (
        RechargeLine.objects.unscoped(reason="a run also holds secondment lines between two other partners")
        .filter(run=run)
        .select_related("partner", "charged_partner", "pool")
        .order_by("charged_partner__code", "kind", "service", "id")
    )


def pools_of(user: Any, *, provider: Partner | None = None) -> QuerySet[CostPool]:
    provider = shared_services_body(provider)
    authorise(user, "recharges.view", provider)
    return CostPool.objects.for_partner(provider).filter(partner=provider).order_by("service")


def agreements_of(user: Any, *, provider: Partner | None = None) -> QuerySet[ServiceAgreement]:
    """All the body's agreements to its own staff; to a partner's, those naming that partner."""
    provider = shared_services_body(provider)
    found = ServiceAgreement.objects.for_partner(provider).filter(partner=provider)
    if not has_permission(user, "recharges.view", provider):
        found = found.filter(charged_partner__in=partner_ids_with(user, "recharges.view"))
    return found.select_related("charged_partner").order_by(
        "charged_partner__code", "service", "effective_from"
    )


# --- reconciliation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationRow:
    debtor: str  # the partner owed, by its debtor account
    creditor: str  # the partner owing, by its creditor account
    debtor_balance: int  # pence, in the debtor's ledger
    creditor_balance: int  # pence, in the creditor's ledger

    @property
    def difference(self) -> int:
        return self.debtor_balance - self.creditor_balance


@dataclass
class Reconciliation:
    as_at: date
    rows: list[ReconciliationRow]

    @property
    def total_difference(self) -> int:
        return sum(r.difference for r in self.rows)

    @property
    def differences(self) -> list[ReconciliationRow]:
        return [r for r in self.rows if r.difference]


def reconciliation(user: Any, *, month: date | str) -> Reconciliation:
    """Every inter-partner debtor balance against the counterparty's creditor balance at the end
    of ``month`` (all postings to that day). Read across every ledger, so only for the
    shared-services body's finance officers."""
    provider = shared_services_body()
    authorise(user, "recharges.manage", provider)
    with rls.system_context("recharges: reconcile inter-partner balances across every ledger"):
        return _reconciliation(month_end(parse_month(month)))


def _reconciliation(as_at: date) -> Reconciliation:
    codes = dict(Partner.objects.values_list("pk", "code"))
    balances: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        JournalLine.objects.for_partners(list(codes))
        .filter(account__inter_partner=True, date__lte=as_at, counterparty__isnull=False)
        .values_list("partner_id", "counterparty_id", "account__type")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for partner_id, counterparty_id, account_type, debit, credit in rows:
        me, other = codes[partner_id], codes[counterparty_id]
        if account_type == AccountType.ASSET:
            balances[(me, other)][0] += int(debit) - int(credit)
        else:
            balances[(other, me)][1] += int(credit) - int(debit)
    return Reconciliation(
        as_at=as_at,
        rows=[
            ReconciliationRow(debtor, creditor, found[0], found[1])
            for (debtor, creditor), found in sorted(balances.items())
        ],
    )


RECONCILIATION_HEADER = ["as_at", "debtor", "creditor", "debtor_balance", "creditor_balance", "difference"]


def reconciliation_rows(report: Reconciliation) -> list[list[Any]]:
    return [
        [
            report.as_at,
            r.debtor,
            r.creditor,
            *(plain_pounds(v) for v in (r.debtor_balance, r.creditor_balance, r.difference)),
        ]
        for r in report.rows
    ]
