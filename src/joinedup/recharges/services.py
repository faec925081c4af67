"""Writes of the recharge: cost pools, service agreements, driver readings, and the monthly
recharge run that posts each partner's charges into both ledgers.

The run posts, per charged partner, a pair of journals keyed ``recharge:<month>:<partner>``:
in the shared-services body's ledger, income by service and an inter-partner debtor; in the
partner's ledger, the cost by service and an inter-partner creditor. Each secondment in the
month posts its own pair between the home employer and the host, keyed
``secondment:<month>:<secondment id>``. The whole run is one transaction, and every journal has
its key, so a run killed half-way leaves nothing and a run repeated posts nothing new.

The partners charged are not asked again when the shared-services body posts into their
ledgers: they agreed to the charges in their service agreements (and, for a secondment, when it
was recorded), as a shared post's partners agree to its payroll journal."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from joinedup.audit.services import record_event
from joinedup.core import rls, tabular
from joinedup.core.actors import user_of
from joinedup.core.dates import people_date, people_month
from joinedup.core.failpoints import failpoint, failpoint_on_commit
from joinedup.core.money import pence_to_pounds, pounds_to_pence, round_nearest_penny_half_up
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import (
    REVENUE_TYPES,
    Account,
    CostCentre,
    Journal,
    JournalLine,
    JournalSource,
    Period,
)
from joinedup.ledger.services import LineInput, post_source_journal
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.permissions import authorise
from joinedup.payroll.models import Payslip
from joinedup.people.models import ChargeStatus, Secondment
from joinedup.recharges.allocation import FIXED, Agreement, AllocationError, share_pool
from joinedup.recharges.drivers import PAID_RUNS, measure, month_end, sources
from joinedup.recharges.models import (
    READ_DRIVERS,
    CostPool,
    Driver,
    DriverReading,
    LineKind,
    RechargeLine,
    RechargeRun,
    Service,
    ServiceAgreement,
)

# Accounts (codes of ledger/rules/chart_public_body.toml) and the cost centres the run files
# its lines under, created in a ledger the first time they are needed.
INCOME = "9300"  # Shared-service recharges to partners
COST = "5200"  # Shared-service recharges from partners
SECONDMENT_INCOME = "9310"  # Secondees' costs recharged to host partners
SECONDMENT_COST = "1350"  # Seconded staff: costs recharged by home partners
DEBTOR = "B210"
CREDITOR = "B310"
CENTRES = {
    "SS-RECHARGES": "Shared-service recharges to partners",
    "SHARED-SERVICE-CHARGES": "Shared service charges",
    "SECONDMENTS-OUT": "Staff seconded to other partners",
    "SECONDMENTS-IN": "Staff seconded from other partners",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | date) -> date:
    """``2026-10`` → 1 October 2026 (a date is taken to its month's first day)."""
    if isinstance(text, date):
        return text.replace(day=1)
    match = _MONTH.match(text.strip())
    # Year 0 (as in "0000-10") is no year a date can hold.
    if match is None or not 1 <= int(match[2]) <= 12 or not int(match[1]):
        raise ValidationError({"month": f"{text!r} is not a month: write it like 2026-10."})
    return date(int(match[1]), int(match[2]), 1)


def shared_services_body(provider: Partner | None = None) -> Partner:
    """The shared-services body that recharges: ``provider`` checked, or the only one."""
    if provider is not None:
        if provider.kind != PartnerKind.SHARED_SERVICE:
            raise ValidationError({"partner": f"{provider.name} is not a shared-services body."})
        return provider
    bodies = list(Partner.objects.filter(kind=PartnerKind.SHARED_SERVICE, active=True))
    if len(bodies) != 1:
        raise ValidationError({"partner": "Name the shared-services body: there is not exactly one."})
    return bodies[0]


# --- pools, agreements and readings ---------------------------------------------------------------


@transaction.atomic
def pool_set(
    *,
    actor: Any,
    provider: Partner,
    service: str,
    cost_centres: Sequence[str],
    accounts: Sequence[str] = (),
    name: str = "",
) -> CostPool:
    """Create or change the pool of ``service``: the cost centres (and optionally accounts) of
    the shared-services body's ledger whose actuals are its cost."""
    provider = shared_services_body(provider)
    authorise(actor, "recharges.manage", provider)
    errors: dict[str, list[str]] = {}
    if service not in Service.values:
        errors["service"] = [f"Choose one of: {', '.join(Service.values)}."]
    known_centres = set(
        CostCentre.objects.for_partner(provider).filter(code__in=cost_centres).values_list("code", flat=True)
    )
    if not cost_centres:
        errors["cost_centres"] = ["Name at least one cost centre."]
    elif missing := sorted(set(cost_centres) - known_centres):
        errors["cost_centres"] = [f"{provider.name} has no cost centre {', '.join(missing)}."]
    known_accounts = set(
        Account.objects.for_partner(provider)
        .filter(code__in=accounts, type__in=REVENUE_TYPES)
        .values_list("code", flat=True)
    )
    if missing := sorted(set(accounts) - known_accounts):
        errors["accounts"] = [f"{provider.name} has no expense or income account {', '.join(missing)}."]
    if errors:
        raise ValidationError(errors)
    label = name.strip() or f"{Service(service).label} shared service"
    pool = CostPool.objects.for_partner(provider).filter(service=service).first()
    before = {}
    if pool is None:
        pool = CostPool(partner=provider, service=service)
    else:
        before = {"cost_centres": pool.cost_centre_codes, "accounts": pool.account_codes, "name": pool.name}
    pool.name = label
    pool.cost_centre_codes = sorted(set(cost_centres))
    pool.account_codes = sorted(set(accounts))
    pool.save()
    record_event(
        actor=actor,
        partner=provider,
        action="recharge.pool_set",
        target=pool,
        before=before,
        after={"service": service, "cost_centres": pool.cost_centre_codes, "accounts": pool.account_codes},
    )
    return pool


@transaction.atomic
def agreement_add(
    *,
    actor: Any,
    provider: Partner,
    partner: Partner,
    service: str,
    driver: str,
    effective_from: date,
    percentage: Decimal | None = None,
    effective_to: date | None = None,
    note: str = "",
    live: bool = False,
) -> ServiceAgreement:
    """Record that ``partner`` takes ``service`` from ``effective_from``, shared by ``driver``.
    A change is recorded as a new agreement from its date; earlier ones stay as they were.
    ``live``: the partner's work for the service is done in joinedup from that date, which then
    measures the service's drivers itself (for purchasing: invoices and spend; for ICT: tickets;
    drivers.py)."""
    provider = shared_services_body(provider)
    authorise(actor, "recharges.manage", provider)
    errors: dict[str, list[str]] = {}
    if service not in Service.values:
        errors["service"] = [f"Choose one of: {', '.join(Service.values)}."]
    if driver not in Driver.values:
        errors["driver"] = [f"Choose one of: {', '.join(Driver.values)}."]
    if driver == FIXED and (percentage is None or not 0 < percentage <= 100):
        errors["percentage"] = ["A fixed-percentage agreement needs a percentage above 0 and at most 100."]
    if driver != FIXED and percentage is not None:
        errors["percentage"] = ["Only a fixed-percentage agreement has a percentage."]
    if partner.pk == provider.pk:
        errors["partner"] = ["The shared-services body does not recharge itself."]
    if effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = ["The agreement cannot end before it starts."]
    taken = ServiceAgreement.objects.for_partner(provider).filter(
        partner=provider, charged_partner=partner, service=service, effective_from=effective_from
    )
    if not errors and taken.exists():
        errors["effective_from"] = [
            f"{partner.code} already has a {service} agreement from {people_date(effective_from)}."
        ]
    if errors:
        raise ValidationError(errors)
    agreement = ServiceAgreement.objects.create(
        partner=provider,
        charged_partner=partner,
        service=service,
        driver=driver,
        percentage=percentage,
        effective_from=effective_from,
        effective_to=effective_to,
        live=live,
        note=note.strip()[:200],
        created_by=user_of(actor),
    )
    record_event(
        actor=actor,
        partner=provider,
        action="recharge.agreement_added",
        target=agreement,
        after={
            "partner": partner.code,
            "service": service,
            "driver": driver,
            "percentage": str(percentage) if percentage is not None else None,
            "effective_from": effective_from,
            "effective_to": effective_to,
            "live": live,
        },
    )
    return agreement


def agreements_in_force(provider: Partner, month: date) -> dict[str, list[ServiceAgreement]]:
    """Per service, the agreement of each partner in force on the month's last day."""
    last = month_end(month)
    latest: dict[tuple[str, int], ServiceAgreement] = {}
    for agreement in (
        ServiceAgreement.objects.for_partner(provider)
        .filter(partner=provider, effective_from__lte=last)
        .select_related("charged_partner")
        .order_by("effective_from", "id")
    ):
        latest[(agreement.service, agreement.charged_partner_id)] = agreement
    out: dict[str, list[ServiceAgreement]] = defaultdict(list)
    for (service, _), agreement in sorted(
        latest.items(), key=lambda kv: (kv[0][0], kv[1].charged_partner.code)
    ):
        if agreement.effective_to is None or agreement.effective_to >= last:
            out[service].append(agreement)
    return out


MAX_QUANTITY = Decimal("999999999999.99")
READING_COLUMNS = RowSpec(
    [
        Column("partner", tabular.text(max_length=20), example="WCC"),
        Column("driver", tabular.choice([str(d) for d in READ_DRIVERS]), example="tickets"),
        Column("month", tabular.regex(r"\d{4}-\d{2}", "Write the month like 2026-10"), example="2026-10"),
        # At most the 12 whole digits DriverReading.quantity holds (max_digits=14, 2 places).
        Column("quantity", tabular.decimal(places=2, min=0, max=MAX_QUANTITY), example="412"),
        Column("source", tabular.text(max_length=200), required=False, default=""),
    ]
)


@dataclass
class ReadingsResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _save_reading(
    provider: Partner, partner: Partner, driver: str, month: date, quantity: Decimal, source: str, actor: Any
) -> DriverReading:
    reading, _ = DriverReading.objects.for_partner(provider).update_or_create(
        partner=provider,
        charged_partner=partner,
        driver=driver,
        month=month,
        defaults={"quantity": quantity, "source": source, "recorded_by": user_of(actor)},
    )
    return reading


@transaction.atomic
def reading_set(
    *,
    actor: Any,
    provider: Partner,
    partner: Partner,
    driver: str,
    month: date,
    quantity: Decimal,
    source: str = "",
) -> DriverReading:
    """Enter (or correct) one measured quantity."""
    provider = shared_services_body(provider)
    authorise(actor, "recharges.manage", provider)
    if driver not in READ_DRIVERS:
        raise ValidationError({"driver": f"Readings are entered for {', '.join(READ_DRIVERS)} only."})
    if quantity < 0:
        raise ValidationError({"quantity": "A quantity cannot be negative."})
    if quantity > MAX_QUANTITY:
        raise ValidationError({"quantity": f"A quantity can be at most {MAX_QUANTITY:,}."})
    reading = _save_reading(provider, partner, driver, parse_month(month), quantity, source, actor)
    record_event(
        actor=actor,
        partner=provider,
        action="recharge.reading_set",
        target=reading,
        after={
            "partner": partner.code,
            "driver": driver,
            "month": f"{month:%Y-%m}",
            "quantity": str(quantity),
        },
    )
    return reading


def readings_import(*, actor: Any, provider: Partner, source: bytes, filename: str = "") -> ReadingsResult:
    """Load a CSV/XLSX of readings (partner, driver, month, quantity[, source]): every row is
    checked first, and nothing is saved unless every row is good."""
    provider = shared_services_body(provider)
    authorise(actor, "recharges.manage", provider)
    parsed = tabular.read_rows(source, READING_COLUMNS, filename=filename, max_rows=100_000)
    result = ReadingsResult(rows=len(parsed.rows))
    partners = {p.code.upper(): p for p in Partner.objects.filter(active=True)}
    seen: dict[tuple[str, str, str], int] = {}
    good = []
    for number, row in parsed.numbered():
        partner = partners.get(str(row.get("partner", "")).upper())
        if "partner" in row and (partner is None or partner.pk == provider.pk):
            parsed.add_error(
                number, "partner", "No partner of the shared service has this code", row["partner"]
            )
        month = None
        if "month" in row:
            try:
                month = parse_month(row["month"])
            except ValidationError:
                parsed.add_error(number, "month", "Write the month like 2026-10", row["month"])
        cell = (str(row.get("partner", "")).upper(), row.get("driver", ""), row.get("month", ""))
        if all(cell):
            if cell in seen:
                parsed.add_error(
                    number, "month", f"The same reading is also on row {seen[cell]}", row["month"]
                )
            else:
                seen[cell] = number
        if partner is not None and month is not None and "driver" in row and "quantity" in row:
            good.append((partner, row["driver"], month, row["quantity"], row.get("source", "")))
    if not parsed.ok:
        result.errors = parsed.errors
        return result
    with transaction.atomic():
        for partner, driver, month, quantity, note in good:
            _save_reading(
                provider, partner, driver, month, quantity, note or (filename or "import")[:200], actor
            )
        record_event(
            actor=actor,
            partner=provider,
            action="recharge.readings_imported",
            object_type="recharges.DriverReading",
            after={"file": filename, "rows": len(good)},
        )
    result.saved = len(good)
    return result


# --- the run ----------------------------------------------------------------------------------


def _with_descendants(partner: Partner, codes: Sequence[str]) -> list[str]:
    """The cost centres named and every one below them in the tree (a unit's posts)."""
    children: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for pk, code, parent_id in CostCentre.objects.for_partner(partner).values_list("pk", "code", "parent_id"):
        children[parent_id].append((pk, code))
    by_code = {code: pk for found in children.values() for pk, code in found}
    out = set(codes)
    stack = [by_code[c] for c in codes if c in by_code]
    while stack:
        for pk, code in children.get(stack.pop(), []):
            if code not in out:
                out.add(code)
                stack.append(pk)
    return sorted(out)


def pool_cost(provider: Partner, pool: CostPool, month: date) -> int:
    """The pool's actual net cost in the month, in pence: debits less credits on its cost
    centres and those below them (and its accounts, when it names any), recharges themselves
    left out."""
    lines = JournalLine.objects.for_partner(provider).filter(
        date__gte=month,
        date__lte=month_end(month),
        cost_centre__code__in=_with_descendants(provider, pool.cost_centre_codes),
        account__type__in=REVENUE_TYPES,
    )
    if pool.account_codes:
        lines = lines.filter(account__code__in=pool.account_codes)
    totals = lines.exclude(journal__source=JournalSource.RECHARGE_RUN).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return int(totals["d"] or 0) - int(totals["c"] or 0)


@dataclass(frozen=True)
class PlannedLine:
    kind: str
    charger: Partner
    charged: Partner
    description: str
    service: str = ""
    driver: str = ""
    driver_source: str = ""
    quantity: Decimal = Decimal(0)
    rate: Decimal | None = None
    pool: CostPool | None = None
    pool_amount: int = 0
    secondment: Secondment | None = None
    amount: int = 0


def plan_pools(provider: Partner, month: date) -> list[PlannedLine]:
    """Every partner's share of every active pool in the month, by its agreements."""
    pools = list(
        CostPool.objects.for_partner(provider).filter(partner=provider, active=True).order_by("service")
    )
    in_force = agreements_in_force(provider, month)
    charged = {a.charged_partner.code: a.charged_partner for found in in_force.values() for a in found}
    quantities = measure(provider=provider, month=month, partners=list(charged.values()))
    where = sources(provider=provider, month=month, partners=list(charged.values()))
    planned: list[PlannedLine] = []
    problems: dict[str, list[str]] = {}
    for pool in pools:
        agreements = in_force.get(pool.service, [])
        if not agreements:
            continue
        total = pool_cost(provider, pool, month)
        try:
            shares = share_pool(
                total,
                [Agreement(a.charged_partner.code, a.driver, a.percentage) for a in agreements],
                quantities,
            )
        except AllocationError as exc:
            problems.setdefault(pool.service, []).append(f"{pool.name}: {exc}")
            continue
        label = Service(pool.service).label
        for share in shares:
            if share.amount == 0:
                continue  # a partner measuring nothing is charged nothing
            planned.append(
                PlannedLine(
                    kind=LineKind.POOL,
                    charger=provider,
                    charged=charged[share.partner],
                    description=f"{label} recharge, {people_month(month)}",
                    service=pool.service,
                    driver=share.driver,
                    driver_source=where[share.driver][share.partner],
                    quantity=share.quantity,
                    rate=share.rate,
                    pool=pool,
                    pool_amount=total,
                    amount=share.amount,
                )
            )
    if problems:
        raise ValidationError(problems)
    return planned


def plan_secondments(month: date) -> list[PlannedLine]:
    """What each host owes each home employer for its secondees in the month: the home
    employer's cost of the employment (gross pay, employer's NI and pension on its approved
    payslips paid in the month), for the days seconded in the month, at the recharge percentage."""
    last = month_end(month)
    days_in_month = last.day
    everyone = list(Partner.objects.values_list("pk", flat=True))
    secondments = list(
        Secondment.objects.for_partners(everyone)
        # Only a recharge the host has approved; until then the home employer bears the cost.
        .filter(
            status=ChargeStatus.APPROVED, start_date__lte=last, end_date__gte=month, recharge_percent__gt=0
        )
        .select_related("partner", "host_partner", "employment")
        .order_by("id")
    )
    planned = []
    for s in secondments:
        cost = (
            Payslip.objects.for_partner(s.partner)
            .filter(
                employment=s.employment,
                run__status__in=PAID_RUNS,
                run__pay_date__gte=month,
                run__pay_date__lte=last,
            )
            .aggregate(g=Sum("gross_pay"), n=Sum("ni_employer"), p=Sum("pension_employer"))
        )
        monthly = int(cost["g"] or 0) + int(cost["n"] or 0) + int(cost["p"] or 0)
        days = (min(s.end_date, last) - max(s.start_date, month)).days + 1
        pounds = pence_to_pounds(monthly) * days / days_in_month * s.recharge_percent / 100
        amount = pounds_to_pence(round_nearest_penny_half_up(pounds))
        if amount == 0:
            continue
        per_day = (pence_to_pounds(monthly) * s.recharge_percent / 100 / days_in_month).quantize(
            Decimal("0.0001")
        )
        planned.append(
            PlannedLine(
                kind=LineKind.SECONDMENT,
                charger=s.partner,
                charged=s.host_partner,
                description=f"Secondment {s.employment.payroll_number} ({s.role_title}), {days} day(s)"[:200],
                quantity=Decimal(days),
                rate=per_day,
                secondment=s,
                amount=amount,
            )
        )
    return planned


def _ensure_ledger_objects(partner: Partner, accounts: Sequence[str], centres: Sequence[str]) -> None:
    """The accounts (from the chart template) and cost centres the run posts to, if missing."""
    have = set(Account.objects.for_partner(partner).filter(code__in=accounts).values_list("code", flat=True))
    template = {a.code: a for a in load_chart().accounts}
    for code in sorted(set(accounts) - have):
        a = template[code]
        Account.objects.create(
            partner=partner,
            code=a.code,
            name=a.name,
            type=a.type,
            group=a.group,
            inter_partner=a.inter_partner,
        )
    have = set(
        CostCentre.objects.for_partner(partner).filter(code__in=centres).values_list("code", flat=True)
    )
    for code in sorted(set(centres) - have):
        CostCentre.objects.create(partner=partner, code=code, name=CENTRES[code])


def _side(account: str, amount: int, *, debit: bool, **kwargs: Any) -> LineInput:
    """A line of ``amount`` on its natural side, or on the other side when it is negative."""
    if (amount >= 0) == debit:
        return LineInput(account=account, debit=abs(amount), **kwargs)
    return LineInput(account=account, credit=abs(amount), **kwargs)


def _post_pair(
    *, actor: Any, run: RechargeRun, key: str, charger: Partner, charged: Partner, lines: list[RechargeLine]
) -> list[Journal]:
    """The charger's income and debtor, and the charged partner's cost and creditor."""
    total = sum(line.amount for line in lines)
    if total == 0 and all(line.amount == 0 for line in lines):
        return []
    on = month_end(run.month)
    pool = lines[0].kind == LineKind.POOL
    income, cost = (INCOME, COST) if pool else (SECONDMENT_INCOME, SECONDMENT_COST)
    out_centre, in_centre = (
        ("SS-RECHARGES", "SHARED-SERVICE-CHARGES") if pool else ("SECONDMENTS-OUT", "SECONDMENTS-IN")
    )
    charger_lines = [
        _side(DEBTOR, total, debit=True, counterparty=charged.code, description=f"Recharge to {charged.code}")
    ]
    charged_lines = [
        _side(
            CREDITOR,
            total,
            debit=False,
            counterparty=charger.code,
            description=f"Recharge from {charger.code}",
        )
    ]
    for line in lines:
        charger_lines.append(
            _side(
                income,
                line.amount,
                debit=False,
                cost_centre=out_centre,
                description=f"{line.description}: {charged.code}"[:200],
            )
        )
        charged_lines.append(
            _side(cost, line.amount, debit=True, cost_centre=in_centre, description=line.description)
        )
    description = (
        f"Shared-service recharge {people_month(run.month)}"
        if pool
        else f"Secondment recharge {people_month(run.month)}"
    )
    journals = []
    for partner, inputs, accounts, centre in (
        (charger, charger_lines, [DEBTOR, income], out_centre),
        (charged, charged_lines, [CREDITOR, cost], in_centre),
    ):
        _ensure_ledger_objects(partner, accounts, [centre])
        journal = post_source_journal(
            actor=actor,
            partner=partner,
            on=on,
            lines=inputs,
            description=f"{description}: {charger.code} to {charged.code}",
            source=JournalSource.RECHARGE_RUN,
            idempotency_key=key,
            source_ref=str(run.pk),
            audit={"recharge_run": run.pk},
        )
        failpoint("recharge.journal_posted")
        journals.append(journal)
    return journals


def post_run_journals(*, actor: Any, run: RechargeRun) -> list[Journal]:
    """Post every pair of journals of ``run`` that is not posted yet (their keys say which)."""
    lines = list(
        RechargeLine.objects.unscoped(reason="a run also holds secondment lines between two other partners")
        .filter(run=run)
        .select_related("partner", "charged_partner")
        .order_by("charged_partner__code", "kind", "service", "id")
    )
    month = f"{run.month:%Y-%m}"
    groups: dict[str, tuple[Partner, Partner, list[RechargeLine]]] = {}
    for line in lines:
        if line.kind == LineKind.POOL:
            key = f"recharge:{month}:{line.charged_partner.code}"
        else:
            key = f"secondment:{month}:{line.secondment_id}"
        groups.setdefault(key, (line.partner, line.charged_partner, []))[2].append(line)
    journals = []
    for key in sorted(groups):
        charger, charged, found = groups[key]
        journals += _post_pair(actor=actor, run=run, key=key, charger=charger, charged=charged, lines=found)
    return journals


@transaction.atomic
def recharge_run(*, actor: Any, month: date | str, provider: Partner | None = None) -> RechargeRun:
    """Recharge ``month``: share each pool by the agreements in force on its last day, charge
    each secondment, store the lines and post every pair of journals, in one transaction.

    Running a month again returns the run already made and posts only what is missing (nothing,
    after a run that finished)."""
    provider = shared_services_body(provider)
    authorise(actor, "recharges.manage", provider)
    start = parse_month(month)
    # A run charges every partner and posts to each one's ledger, and secondment lines lie
    # between two other partners: past the authorisation above, it looks past the caller's.
    with rls.system_context(f"recharges: run {start:%Y-%m}, posting to every charged partner's ledger"):
        return _recharge_run(actor=actor, provider=provider, start=start)


def _recharge_run(*, actor: Any, provider: Partner, start: date) -> RechargeRun:
    # The provider's period of the month, locked: runs of one month started together take turns,
    # so the second finds the first's run below and posts nothing, instead of failing on the
    # month's unique constraint when the first commits (issue 18). A period close waits too.
    if Period.objects.for_partner(provider).select_for_update().filter(start_date=start).first() is None:
        raise ValidationError(
            {"month": f"{provider.name} has no financial period for {people_month(start)}."}
        )
    existing = RechargeRun.objects.for_partner(provider).select_for_update().filter(month=start).first()
    if existing is not None:
        post_run_journals(actor=actor, run=existing)
        return existing
    planned = plan_pools(provider, start) + plan_secondments(start)
    run = RechargeRun.objects.create(
        partner=provider, month=start, total=sum(p.amount for p in planned), created_by=user_of(actor)
    )
    RechargeLine.objects.bulk_create(
        [
            RechargeLine(
                partner=p.charger,
                run=run,
                month=start,
                charged_partner=p.charged,
                kind=p.kind,
                pool=p.pool,
                secondment=p.secondment,
                service=p.service,
                description=p.description,
                driver=p.driver,
                driver_source=p.driver_source,
                quantity=p.quantity.quantize(Decimal("0.000001")),
                rate=p.rate,
                pool_amount=p.pool_amount,
                amount=p.amount,
            )
            for p in planned
        ]
    )
    failpoint("recharge.lines_written")
    journals = post_run_journals(actor=actor, run=run)
    by_partner: dict[str, int] = defaultdict(int)
    for p in planned:
        by_partner[p.charged.code] += p.amount
    record_event(
        actor=actor,
        partner=provider,
        action="recharge.run",
        target=run,
        after={
            "month": f"{start:%Y-%m}",
            "total_pence": run.total,
            "lines": len(planned),
            "journals": len(journals),
            "charged": dict(sorted(by_partner.items())),
        },
    )
    failpoint("recharge.recorded")
    failpoint_on_commit("recharge.committed")
    return run
