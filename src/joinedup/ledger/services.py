"""Every write to a partner's ledger: set-up, posting, reversing, period close and budgets.

Each function is one transaction that checks the actor's permission on the partner, validates
what the database cannot, writes, and records its audit event. A journal is validated whole
before anything is written, so a refused journal leaves no trace."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import user_of
from joinedup.core.calendar import FINANCIAL_YEAR_FIRST_MONTH
from joinedup.core.dates import people_date
from joinedup.core.money import gbp, plain_pounds
from joinedup.ledger.chart import ChartTemplate, load_chart
from joinedup.ledger.models import (
    REVENUE_TYPES,
    Account,
    Budget,
    CostCentre,
    FinancialYear,
    Journal,
    JournalLine,
    JournalSource,
    Period,
    PeriodStatus,
)
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise

MONTHS_IN_YEAR = 12
LINE_BATCH = 5000
# The idempotency keys the system gives its own journals. A journal posted by a person may not
# take one: a manual 1p journal keyed ``payroll-run:6`` would otherwise stand in for the
# council's payroll journal when run 6 is approved.
SYSTEM_KEY_PREFIXES = ("payroll-run:", "recharge:", "secondment:", "reversal:", "import:", "manual:")
# Sources that only their own service posts (a pay run's approval, a recharge run, a reversal).
SYSTEM_SOURCES = (JournalSource.PAYROLL_RUN, JournalSource.RECHARGE_RUN, JournalSource.REVERSAL)


@dataclass(frozen=True)
class LineInput:
    """One line of a journal to post, by code on the partner's chart. Amounts are pence."""

    account: str
    debit: int = 0
    credit: int = 0
    cost_centre: str = ""
    counterparty: str = ""  # the other partner's code, on inter-partner accounts
    description: str = ""


@dataclass(frozen=True)
class CostCentreInput:
    """A cost centre a partner's ledger should have: ``parent`` is the code of a cost centre
    named earlier in the same list or already on the ledger, ``org_unit_id`` the organisational
    unit it stands for, if any. The ledger takes these from whoever knows the establishment."""

    code: str
    name: str
    parent: str = ""
    org_unit_id: int | None = None


@dataclass(frozen=True)
class SetupResult:
    year: FinancialYear
    accounts_created: int
    cost_centres_created: int
    periods_created: int


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.fields.setdefault(field_name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


# --- set-up ------------------------------------------------------------------------------------


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def period_dates(start_year: int) -> list[tuple[int, date, date]]:
    """The twelve monthly periods of the financial year starting 1 April ``start_year``."""
    out = []
    for number in range(1, MONTHS_IN_YEAR + 1):
        month = FINANCIAL_YEAR_FIRST_MONTH + number - 1
        start = _month_start(start_year, month)
        end = date.fromordinal(_month_start(start_year, month + 1).toordinal() - 1)
        out.append((number, start, end))
    return out


@transaction.atomic
def ledger_setup_partner(
    *,
    actor: Any,
    partner: Partner,
    year: int,
    template: ChartTemplate | None = None,
    cost_centres: Sequence[CostCentreInput] = (),
) -> SetupResult:
    """Give ``partner`` the template chart of accounts, the ``cost_centres`` it is given (the
    caller knows the establishment: :func:`joinedup.payroll.posting.establishment_cost_centres`),
    and financial year ``year`` (2026 = 2026/27) with its twelve periods. Adds only what is
    missing, so running it again (or for the next year) is safe; accounts a partner has renamed
    keep their names."""
    authorise(actor, "ledger.setup", partner)
    if not 2000 <= year <= 2200:
        raise ValidationError({"year": f"{year} is not a financial year (2026 is 2026/27)."})
    chart = template or load_chart()

    existing = set(Account.objects.for_partner(partner).values_list("code", flat=True))
    new_accounts = [
        Account(
            partner=partner,
            code=a.code,
            name=a.name,
            type=a.type,
            group=a.group,
            inter_partner=a.inter_partner,
        )
        for a in chart.accounts
        if a.code not in existing
    ]
    Account.objects.bulk_create(new_accounts)

    centres_created = cost_centres_ensure(partner=partner, centres=cost_centres)

    fin_year = FinancialYear.objects.for_partner(partner).filter(start_year=year).first()
    periods_created = 0
    if fin_year is None:
        periods = period_dates(year)
        fin_year = FinancialYear.objects.create(
            partner=partner, start_year=year, start_date=periods[0][1], end_date=periods[-1][2]
        )
    have = set(Period.objects.for_partner(partner).filter(year=fin_year).values_list("number", flat=True))
    missing = [
        Period(partner=partner, year=fin_year, number=n, start_date=s, end_date=e)
        for n, s, e in period_dates(year)
        if n not in have
    ]
    Period.objects.bulk_create(missing)
    periods_created = len(missing)

    if new_accounts or centres_created or periods_created:
        record_event(
            actor=actor,
            partner=partner,
            action="ledger.set_up",
            target=fin_year,
            after={
                "chart": chart.name,
                "year": fin_year.label,
                "accounts_created": len(new_accounts),
                "cost_centres_created": centres_created,
                "periods_created": periods_created,
            },
        )
    return SetupResult(
        year=fin_year,
        accounts_created=len(new_accounts),
        cost_centres_created=centres_created,
        periods_created=periods_created,
    )


def cost_centres_ensure(*, partner: Partner, centres: Iterable[CostCentreInput]) -> int:
    """Create the cost centres in ``centres`` that ``partner``'s ledger does not have yet, in
    order (so a parent named earlier exists first), inside the caller's transaction and
    authorisation. A centre the ledger already has keeps its name and place. Returns how many
    were created."""
    wanted = list(centres)
    have = {
        c.code: c
        for c in CostCentre.objects.for_partner(partner).filter(
            code__in={c.code for c in wanted} | {c.parent for c in wanted if c.parent}
        )
    }
    created = 0
    for spec in wanted:
        if spec.code in have:
            continue
        have[spec.code] = CostCentre.objects.create(
            partner=partner,
            code=spec.code,
            name=spec.name,
            parent=have.get(spec.parent) if spec.parent else None,
            org_unit_id=spec.org_unit_id,
        )
        created += 1
    return created


# --- posting -----------------------------------------------------------------------------------


def _open_period(partner: Partner, on: date, errors: _Errors) -> Period | None:
    # Locked so that a period close waits for postings in flight, and postings wait for a close.
    period = (
        Period.objects.for_partner(partner)
        .select_for_update()
        .filter(start_date__lte=on, end_date__gte=on)
        .first()
    )
    if period is None:
        errors.add(
            "date", f"{partner.name} has no financial period for {people_date(on)}: set up that year first."
        )
    elif period.status != PeriodStatus.OPEN:
        errors.add("date", f"{period} is closed: post into an open period.")
    return period


def _is_pence(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resolve_lines(
    partner: Partner, period: Period | None, on: date, lines: Sequence[LineInput], errors: _Errors
) -> list[JournalLine]:
    if len(lines) < 2:
        errors.add("lines", "A journal needs at least two lines.")
    accounts = {
        a.code: a
        for a in Account.objects.for_partner(partner).filter(code__in={line.account for line in lines})
    }
    centres = {
        c.code: c
        for c in CostCentre.objects.for_partner(partner).filter(
            code__in={line.cost_centre for line in lines if line.cost_centre}
        )
    }
    partners = {
        p.code: p
        for p in Partner.objects.filter(code__in={line.counterparty for line in lines if line.counterparty})
    }
    debits = credits = 0
    out: list[JournalLine] = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        amounts_ok = _is_pence(line.debit) and _is_pence(line.credit)
        if not amounts_ok:
            errors.add(where, "Amounts are whole pence (integers).")
        elif line.debit < 0 or line.credit < 0:
            errors.add(where, "Amounts cannot be negative: use the other side.")
        elif (line.debit == 0) == (line.credit == 0):
            errors.add(where, "A line is either a debit or a credit, and not zero.")
        else:
            debits += line.debit
            credits += line.credit
        account = accounts.get(line.account)
        if account is None:
            errors.add(f"{where}.account", f"{partner.name} has no account {line.account!r}.")
        elif not account.active:
            errors.add(f"{where}.account", f"Account {account} is closed to postings.")
        centre = centres.get(line.cost_centre) if line.cost_centre else None
        if line.cost_centre and centre is None:
            errors.add(f"{where}.cost_centre", f"{partner.name} has no cost centre {line.cost_centre!r}.")
        elif centre is not None and not centre.active:
            errors.add(f"{where}.cost_centre", f"Cost centre {centre} is closed to postings.")
        if account is not None and account.type in REVENUE_TYPES and not line.cost_centre:
            errors.add(f"{where}.cost_centre", f"Account {account} needs a cost centre.")
        counterparty = partners.get(line.counterparty) if line.counterparty else None
        if account is not None and account.inter_partner:
            if counterparty is None:
                errors.add(f"{where}.counterparty", f"Account {account} needs the other partner.")
            elif counterparty.pk == partner.pk:
                errors.add(f"{where}.counterparty", "A partner has no balance with itself.")
        elif line.counterparty:
            errors.add(f"{where}.counterparty", "Only inter-partner accounts name another partner.")
        if len(line.description) > 200:
            errors.add(f"{where}.description", "Keep the description to 200 characters.")
        if account is not None and amounts_ok and period is not None:
            out.append(
                JournalLine(
                    partner=partner,
                    period=period,
                    date=on,
                    account=account,
                    cost_centre=centre,
                    counterparty=counterparty,
                    debit=line.debit,
                    credit=line.credit,
                    description=line.description.strip(),
                )
            )
    if debits != credits:
        errors.add(
            "lines",
            f"Debits £{plain_pounds(debits)} and credits £{plain_pounds(credits)} differ by "
            f"£{plain_pounds(abs(debits - credits))}: a journal must balance to the penny.",
        )
    return out


def journal_with_key(partner: Partner, key: str) -> Journal | None:
    """The journal ``partner``'s ledger holds under idempotency key ``key``, if any."""
    return Journal.objects.for_partner(partner).filter(idempotency_key=key).first()


def _post(
    *,
    actor: Any,
    partner: Partner,
    on: date,
    lines: Sequence[LineInput],
    description: str,
    source: str,
    idempotency_key: str,
    source_ref: str = "",
    reverses: Journal | None = None,
) -> tuple[Journal, bool]:
    """Validate and write one journal; ``(journal, False)`` when the key was already posted.
    Callers authorise and record the audit event."""
    key = idempotency_key.strip()
    errors = _Errors()
    if not key:
        errors.add("idempotency_key", "Name what is posting this journal.")
    elif len(key) > 200:
        errors.add("idempotency_key", "Keep the key to 200 characters.")
    else:
        found = journal_with_key(partner, key)
        if found is not None:
            _check_same(found, partner=partner, source=source, source_ref=source_ref, lines=lines)
            return found, False
    if source not in JournalSource.values:
        errors.add("source", f"Choose one of: {', '.join(JournalSource.values)}.")
    if not description.strip():
        errors.add("description", "Say what the journal is for.")
    elif len(description.strip()) > 200:
        errors.add("description", "Keep the description to 200 characters.")
    period = _open_period(partner, on, errors)
    rows = _resolve_lines(partner, period, on, lines, errors)
    errors.raise_if_any()
    assert period is not None  # noqa: S101 — errors were raised otherwise
    try:
        # A savepoint, so that losing a race for the key leaves the caller's transaction usable.
        with transaction.atomic():
            journal = Journal.objects.create(
                partner=partner,
                period=period,
                date=on,
                source=source,
                source_ref=source_ref,
                idempotency_key=key,
                description=description.strip(),
                reverses=reverses,
                posted_by=user_of(actor),
            )
            for row in rows:
                row.journal = journal
            JournalLine.objects.bulk_create(rows, batch_size=LINE_BATCH)
    except IntegrityError:
        found = journal_with_key(partner, key)
        if found is None:
            raise
        _check_same(found, partner=partner, source=source, source_ref=source_ref, lines=lines)
        return found, False
    return journal, True


def _line_tuple(line: LineInput) -> tuple[str, int, int, str, str, str]:
    return (
        line.account,
        line.debit,
        line.credit,
        line.cost_centre,
        line.counterparty,
        line.description.strip(),
    )


def _check_same(
    found: Journal, *, partner: Partner, source: str, source_ref: str, lines: Sequence[LineInput]
) -> None:
    """A key already posted answers with its journal only when that journal is the one asked
    for: the same source, the same source reference and the same lines. Anything else means the
    key was taken by another posting, and treating it as posted would lose this one silently."""
    # A manual journal's reference is free text (an import's is its file name, and the same file
    # may come back under another name); a system source's reference is the source's id.
    same_ref = found.source_ref == source_ref or source not in SYSTEM_SOURCES
    if found.source == source and same_ref:
        posted = sorted(_line_tuple(line) for line in _as_inputs(found, swap=False))
        if posted == sorted(_line_tuple(line) for line in lines):
            return
    raise ValidationError(
        {
            "idempotency_key": (
                f"{partner.code} already has journal {found.pk} keyed {found.idempotency_key!r} "
                f"({found.get_source_display()} {found.source_ref or 'with no reference'}), and it is "
                "not this posting: its source or lines differ. Nothing was posted."
            )
        }
    )


def _journal_summary(journal: Journal, lines: Sequence[LineInput]) -> dict[str, Any]:
    return {
        "date": journal.date,
        "period": str(journal.period),
        "source": journal.source,
        "source_ref": journal.source_ref,
        "idempotency_key": journal.idempotency_key,
        "description": journal.description,
        "lines": len(lines),
        "total_pence": sum(line.debit for line in lines),
    }


@transaction.atomic
def journal_post(
    *,
    actor: Any,
    partner: Partner,
    date: date,
    lines: Sequence[LineInput],
    description: str,
    idempotency_key: str | None = None,
    source: str = JournalSource.MANUAL,
    source_ref: str = "",
) -> Journal:
    """Post a balanced journal into the open period containing ``date``.

    ``idempotency_key`` names what is posting (``purchase-invoice:88``); posting the same key
    again returns the journal already posted and writes nothing. Without a key the journal is
    taken to be new (a manual journal typed in)."""
    authorise(actor, "ledger.post", partner)
    errors = _Errors()
    if idempotency_key is not None and idempotency_key.strip().lower().startswith(SYSTEM_KEY_PREFIXES):
        errors.add(
            "idempotency_key",
            f"Keys starting {', '.join(SYSTEM_KEY_PREFIXES)} are kept for the journals the system "
            "posts itself: choose another key.",
        )
    if source in SYSTEM_SOURCES:
        errors.add("source", f"{JournalSource(source).label} journals are posted by their own service.")
    errors.raise_if_any()
    key = f"manual:{uuid.uuid4()}" if idempotency_key is None else idempotency_key
    return _post_and_record(
        actor=actor,
        partner=partner,
        on=date,
        lines=lines,
        description=description,
        source=source,
        key=key,
        source_ref=source_ref,
    )


@transaction.atomic
def journal_import_post(
    *,
    actor: Any,
    partner: Partner,
    date: date,
    lines: Sequence[LineInput],
    description: str,
    digest: str,
    ref: str,
    source_ref: str = "",
) -> Journal:
    """Post one journal of an imported file, keyed ``import:<digest>:<ref>`` (a key no person
    may type), inside the import's transaction."""
    authorise(actor, "ledger.post", partner)
    return _post_and_record(
        actor=actor,
        partner=partner,
        on=date,
        lines=lines,
        description=description,
        source=JournalSource.MANUAL,
        key=f"import:{digest}:{ref}",
        source_ref=source_ref,
    )


def _post_and_record(
    *,
    actor: Any,
    partner: Partner,
    on: date,
    lines: Sequence[LineInput],
    description: str,
    source: str,
    key: str,
    source_ref: str,
) -> Journal:
    journal, created = _post(
        actor=actor,
        partner=partner,
        on=on,
        lines=lines,
        description=description,
        source=source,
        idempotency_key=key,
        source_ref=source_ref,
    )
    if created:
        record_event(
            actor=actor,
            partner=partner,
            action="journal.posted",
            target=journal,
            after=_journal_summary(journal, lines),
        )
    return journal


def post_source_journal(
    *,
    actor: Any,
    partner: Partner,
    on: date,
    lines: Sequence[LineInput],
    description: str,
    source: str,
    idempotency_key: str,
    source_ref: str,
    audit: dict[str, Any],
) -> Journal:
    """Post one journal for a source that posts to several partners' ledgers (a pay run, a
    recharge run), inside the caller's transaction and authorisation: problems are named by the
    partner they belong to (``WCC.lines``), and a journal posted now — not one its key found —
    gets its audit event, with ``audit`` added to the summary."""
    try:
        journal, created = _post(
            actor=actor,
            partner=partner,
            on=on,
            lines=lines,
            description=description,
            source=source,
            idempotency_key=idempotency_key,
            source_ref=source_ref,
        )
    except ValidationError as exc:
        raise ValidationError({f"{partner.code}.{f}": m for f, m in exc.message_dict.items()}) from exc
    if created:
        record_event(
            actor=actor,
            partner=partner,
            action="journal.posted",
            target=journal,
            after={**_journal_summary(journal, lines), **audit},
        )
    return journal


def _as_inputs(journal: Journal, *, swap: bool) -> list[LineInput]:
    rows = (
        JournalLine.objects.for_partner(journal.partner_id)
        .filter(journal=journal)
        .order_by("id")
        .values_list(
            "account__code", "debit", "credit", "cost_centre__code", "counterparty__code", "description"
        )
    )
    return [
        LineInput(
            account=account,
            debit=credit if swap else debit,
            credit=debit if swap else credit,
            cost_centre=centre or "",
            counterparty=counterparty or "",
            description=description,
        )
        for account, debit, credit, centre, counterparty, description in rows
    ]


@transaction.atomic
def journal_reverse(
    *, actor: Any, journal: Journal, date: date | None = None, description: str = ""
) -> Journal:
    """Post the mirror image of ``journal`` (every debit a credit), dated ``date`` or the
    original's date. A journal is reversed at most once: asking again returns the reversal."""
    partner = Partner.objects.get(pk=journal.partner_id)
    authorise(actor, "ledger.post", partner)
    journal = Journal.objects.for_partner(partner).get(pk=journal.pk)
    lines = _as_inputs(journal, swap=True)
    reversal, created = _post(
        actor=actor,
        partner=partner,
        on=date or journal.date,
        lines=lines,
        description=description or f"Reversal of journal {journal.pk}: {journal.description}"[:200],
        source=JournalSource.REVERSAL,
        idempotency_key=f"reversal:{journal.pk}",
        source_ref=str(journal.pk),
        reverses=journal,
    )
    if created:
        record_event(
            actor=actor,
            partner=partner,
            action="journal.reversed",
            target=reversal,
            after={**_journal_summary(reversal, lines), "reverses": journal.pk},
        )
    return reversal


# --- periods and budgets -------------------------------------------------------------------


@transaction.atomic
def period_close(*, actor: Any, period: Period) -> Period:
    """Close a period: nothing more can be posted into it."""
    authorise(actor, "ledger.close", period.partner_id)
    period = Period.objects.for_partner(period.partner_id).select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError({"period": f"{period} is already closed."})
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = user_of(actor)
    period.save(update_fields=["status", "closed_at", "closed_by"])
    record_event(
        actor=actor,
        partner=period.partner_id,
        action="period.closed",
        target=period,
        before={"status": PeriodStatus.OPEN},
        after={"status": PeriodStatus.CLOSED, "period": str(period)},
    )
    return period


def _budget_errors(cost_centre: CostCentre, account: Account, periods: Iterable[Period]) -> _Errors:
    errors = _Errors()
    if account.partner_id != cost_centre.partner_id:
        errors.add("account", "The account belongs to another partner.")
    elif account.type not in REVENUE_TYPES:
        errors.add("account", f"Budgets are set on expense and income accounts; {account} is not one.")
    if any(period.partner_id != cost_centre.partner_id for period in periods):
        errors.add("period", "The period belongs to another partner.")
    return errors


def _budget_write(
    *, actor: Any, cost_centre: CostCentre, account: Account, period: Period, amount: int
) -> tuple[Budget, int | None]:
    """Set one budget cell; the budget and what it was before (None when it was not set)."""
    existing = (
        Budget.objects.for_partner(cost_centre.partner_id)
        .select_for_update()
        .filter(cost_centre=cost_centre, account=account, period=period)
        .first()
    )
    if existing is None:
        created = Budget.objects.create(
            partner_id=cost_centre.partner_id,
            cost_centre=cost_centre,
            account=account,
            period=period,
            amount=amount,
            updated_by=user_of(actor),
        )
        return created, None
    before = existing.amount
    existing.amount = amount
    existing.updated_at = timezone.now()
    existing.updated_by = user_of(actor)
    existing.save(update_fields=["amount", "updated_at", "updated_by"])
    return existing, before


@transaction.atomic
def budget_set(
    *, actor: Any, cost_centre: CostCentre, account: Account, period: Period, amount: int
) -> Budget:
    """Set (or replace) the budget for ``account`` at ``cost_centre`` in ``period``, in pence in
    the account's natural direction."""
    authorise(actor, "ledger.budget", cost_centre.partner_id)
    errors = _budget_errors(cost_centre, account, [period])
    if not _is_pence(amount):
        errors.add("amount", "The amount is whole pence (an integer).")
    errors.raise_if_any()
    budget, before = _budget_write(
        actor=actor, cost_centre=cost_centre, account=account, period=period, amount=amount
    )
    record_event(
        actor=actor,
        partner=cost_centre.partner_id,
        action="budget.set",
        target=budget,
        before={} if before is None else {"amount": before},
        after={
            "cost_centre": cost_centre.code,
            "account": account.code,
            "period": str(period),
            "amount": amount,
        },
    )
    return budget


def profile_evenly(annual: int, months: int) -> list[int]:
    """An annual amount (pence) spread over ``months`` months in whole pence: equal shares,
    the pence left over added one each to the last months, so the months add up to the year."""
    share, spare = divmod(annual, months)
    return [share + (1 if n >= months - spare else 0) for n in range(months)]


@transaction.atomic
def budget_set_year(
    *,
    actor: Any,
    cost_centre: CostCentre,
    year: FinancialYear,
    account: Account,
    annual: int | None,
    months: dict[int, int] | None = None,
) -> list[Budget]:
    """Set a year's budget for ``account`` at ``cost_centre``, as a council finance officer
    profiles one: ``months`` (period number 1-12, pence) fixes the months given, and the rest
    of the ``annual`` amount is spread evenly over the other months (without an annual amount,
    only the months given are set). Every period of the year is replaced together, in one
    audited change; the months always add up to the annual amount."""
    authorise(actor, "ledger.budget", cost_centre.partner_id)
    months = dict(months or {})
    periods = list(Period.objects.for_partner(year.partner_id).filter(year=year).order_by("number"))
    errors = _budget_errors(cost_centre, account, periods)
    if year.partner_id != cost_centre.partner_id:
        errors.add("year", "The year belongs to another partner.")
    if any(not _is_pence(v) for v in [*months.values(), *([] if annual is None else [annual])]):
        errors.add("annual", "Amounts are whole pence (integers).")
    if any(number not in {p.number for p in periods} for number in months):
        errors.add("months", f"{year} has no such period.")
    if annual is None and not months:
        errors.add("annual", "Enter the annual budget, or the budget of at least one month.")
    rest = [p for p in periods if p.number not in months]
    if annual is not None and not rest and sum(months.values()) != annual:
        errors.add(
            "annual",
            f"The months add up to {gbp(sum(months.values()))}, not the annual "
            f"{gbp(annual)}: leave a month blank to take the difference, or change the annual amount.",
        )
    errors.raise_if_any()
    amounts = dict(months)
    if annual is not None and rest:
        spread = profile_evenly(annual - sum(months.values()), len(rest))
        amounts.update((p.number, amount) for p, amount in zip(rest, spread, strict=True))
    written: list[Budget] = []
    before: dict[str, int] = {}
    for period in periods:
        if period.number not in amounts:
            continue
        budget, was = _budget_write(
            actor=actor,
            cost_centre=cost_centre,
            account=account,
            period=period,
            amount=amounts[period.number],
        )
        written.append(budget)
        if was is not None:
            before[f"{period.start_date:%Y-%m}"] = was
    record_event(
        actor=actor,
        partner=cost_centre.partner_id,
        action="budget.year_set",
        target=cost_centre,
        before=before,
        after={
            "cost_centre": cost_centre.code,
            "account": account.code,
            "year": str(year),
            "annual": annual,
            "months": {f"{b.period.start_date:%Y-%m}": b.amount for b in written},
        },
    )
    return written
