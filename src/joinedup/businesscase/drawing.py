"""Figures a business case draws from the rest of joinedup rather than having them typed in:

- **One-off costs from a workforce-change programme** (:func:`option_draw_one_offs`): an option is
  linked to a programme, and its redundancy pay, pay in lieu of notice, accrued holiday, pension
  strain and pay protection lines are written from the programme's costing
  (change.costing_selectors.programme_costing_figures), one line per partner and kind of cost,
  the programme's financial years placed on the case's years from the year the option names as
  year 0. Each line says where it came from and when. Drawing again changes nothing when the
  costing has not changed; when it has, the lines follow it (after a partner's decision on the
  version, in a new version: services.version_for_edit).
- **A baseline from the ledger and people data** (:func:`baselines_draw`): for a partner whose
  ledger is on joinedup, each mapped function's staff cost, non-staff cost, FTE and volumes over
  twelve stated months, written as Baseline rows marked drawn with the query in words.

Both are services: one transaction, the caller's permission checked, one audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.businesscase import appraisal
from joinedup.businesscase.models import Baseline, BusinessCase, Function, Option, OptionLine
from joinedup.businesscase.realisation import (
    FTE_PLACES,
    MONTHS,
    PAID_RUNS,
    actuals,
    add_months,
    month_end,
    months_from,
)
from joinedup.businesscase.services import (
    BaselineFigures,
    _current,
    _save_baselines,
    involved_ids,
    latest_version,
    version_for_edit,
)
from joinedup.change import selectors as change_selectors
from joinedup.change.costing import ProgrammeCosting
from joinedup.change.costing_selectors import programme_costing_figures
from joinedup.change.models import ChangeProgramme
from joinedup.core import rls
from joinedup.core.calendar import financial_year_of, year_label
from joinedup.core.dates import people_date, people_month
from joinedup.core.money import ZERO, pence_to_pounds
from joinedup.ledger.models import Account, AccountType, JournalLine
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll.models import Payslip
from joinedup.people.services import Errors
from joinedup.purchasing.models import Invoice, InvoiceKind, InvoiceStatus
from joinedup.recharges.models import LineKind as RechargeKind
from joinedup.recharges.models import RechargeLine

PROGRAMME_READ = "business case: the programme whose costing an option draws its one-off costs from"
LEDGER_READ = "business case: a partner's ledger, people and pay figures drawn into its baseline"

# The programme costing's one-off costs (change.costing.ONE_OFF), in the order the lines are
# written, with the name each line takes.
ONE_OFF_KINDS = (
    ("redundancy", "Redundancy pay"),
    ("notice", "Pay in lieu of notice"),
    ("holiday", "Accrued holiday pay"),
    ("strain", "Pension strain"),
    ("protection", "Pay protection"),
)
# CIPFA's Service Reporting Code of Practice calls staff costs its "Employees" subjective heading;
# the chart of accounts (ledger/rules/chart_public_body.toml) groups those accounts under it.
STAFF_GROUP = "Employees"


# --- One-off costs from a workforce-change programme -------------------------------------------


@dataclass(frozen=True)
class DrawnLine:
    key: str  # "WCC:redundancy"
    name: str
    amounts: tuple[Decimal, ...]  # pounds by year of the case from year 0


@dataclass
class OneOffDraw:
    option: Option
    programme: ChangeProgramme
    year0: int
    lines: list[DrawnLine]
    changed: bool
    problems: list[str] = field(default_factory=list)


def programme_for_case(case: BusinessCase, programme_id: int) -> ChangeProgramme:
    """A programme that involves (or is led by) one of the case's partners; anything else is not
    found. Read in a system context: the case's owner need not be in the programme itself."""
    with rls.system_context(PROGRAMME_READ):
        found = ChangeProgramme.objects.for_partners(involved_ids(case)).filter(pk=programme_id).first()
    if found is None:
        raise ValidationError(
            {"programme": "No workforce-change programme of this case's partners has that id."}
        )
    return found


def programmes_for_case(case: BusinessCase) -> list[ChangeProgramme]:
    """The programmes an option of the case may draw from, for the choice on the page."""
    with rls.system_context(PROGRAMME_READ):
        return list(
            ChangeProgramme.objects.for_partners(involved_ids(case))
            .select_related("partner")
            .order_by("-start_date", "name")
        )


def one_off_lines(
    costing: ProgrammeCosting, *, programme: str, year0: int, years: int, names: dict[str, str]
) -> tuple[list[DrawnLine], list[str]]:
    """The costing's one-off costs as lines of the case, and what does not fit its horizon. A
    cost in financial year ``year0 + n`` is in year n of the case. ``names``: partner code to name."""
    totals: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for line in costing.lines:
        for kind, _ in ONE_OFF_KINDS:
            amount = getattr(line, kind)
            if amount:
                totals[(line.partner, kind)][line.year] = amount
    errors: list[str] = []
    out: list[DrawnLine] = []
    label = dict(ONE_OFF_KINDS)
    for partner in sorted({p for p, _ in totals}):
        for kind, _ in ONE_OFF_KINDS:
            by_year = totals.get((partner, kind))
            if not by_year:
                continue
            outside = [y for y in sorted(by_year) if not 0 <= y - year0 < years]
            if outside:
                errors.append(
                    f"{names.get(partner, partner)}'s {label[kind].lower()} falls in "
                    f"{', '.join(year_label(y) for y in outside)}, outside the case's years "
                    f"({year_label(year0)} to {year_label(year0 + years - 1)})."
                )
                continue
            amounts = [ZERO] * (max(by_year) - year0 + 1)
            for year, amount in by_year.items():
                amounts[year - year0] = amount
            out.append(
                DrawnLine(
                    key=f"{partner}:{kind}",
                    name=f"{label[kind]}: {names.get(partner, partner)} ({programme})"[:200],
                    amounts=tuple(appraisal.to_penny(a) for a in amounts),
                )
            )
    return out, errors


def _stored(amounts: Sequence[Decimal]) -> list[str]:
    return [str(a) for a in amounts]


@transaction.atomic
def option_draw_one_offs(
    *, actor: Any, option: Option, programme_id: int | None = None, year0: int | None = None
) -> OneOffDraw:
    """Link ``option`` to a workforce-change programme (or keep its link) and write its one-off
    cost lines from the programme's costing: one line per partner of both the case and the
    programme and kind of one-off cost, by the case's years from ``year0`` (a financial year by
    its first calendar year; the option's, else the programme's first). Lines drawn before keep
    their optimism bias, delay and risk; lines the costing no longer gives are removed; a line
    entered by hand is never touched. Nothing is written when nothing would change."""
    case = option.case
    authorise(actor, "businesscase.manage", case.partner)
    if programme_id is None:
        programme_id = option.programme_id
    if programme_id is None:
        raise ValidationError({"programme": "Choose the workforce-change programme to draw from."})
    programme = programme_for_case(case, programme_id)
    if year0 is None:
        kept = option.programme_year0 if option.programme_id == programme.pk else None
        year0 = kept if kept is not None else financial_year_of(programme.start_date)
    if not 2000 <= year0 <= 2200:
        raise ValidationError({"year0": "Give the financial year that is year 0 by its first year, as 2026."})
    with rls.system_context(PROGRAMME_READ):
        in_programme = set(change_selectors.involved_partner_ids(programme))
        partners = list(
            Partner.objects.filter(pk__in=sorted(set(involved_ids(case)) & in_programme)).order_by("code")
        )
        # The costing reads the programme's structure and people, which the case's owner (the
        # shared-services body) is not always in; only per-partner yearly totals come out.
        costing = programme_costing_figures(programme, partners=partners)
    names = {p.code: p.name for p in partners}
    wanted, errors = one_off_lines(
        costing, programme=programme.name, year0=year0, years=case.years, names=names
    )
    if errors:
        raise ValidationError({"year0": errors})
    drawn_now = {
        line.drawn_key: line
        for line in OptionLine.objects.for_partner(case.partner_id)
        .filter(option=option, drawn_from__isnull=False)
        .order_by("pk")
    }
    unchanged = (
        option.programme_id == programme.pk
        and option.programme_year0 == year0
        and all(ln.drawn_from_id == programme.pk for ln in drawn_now.values())
        and {k: (ln.name, list(ln.amounts)) for k, ln in drawn_now.items()}
        == {w.key: (w.name, _stored(w.amounts)) for w in wanted}
    )
    if unchanged:
        return OneOffDraw(option, programme, year0, wanted, changed=False, problems=costing.problems)

    current = _current(actor, option)
    today = timezone.localdate()
    source = f"Drawn from {programme.name}'s costing of {people_date(today)}"[:300]
    existing = {
        line.drawn_key: line
        for line in OptionLine.objects.for_partner(case.partner_id)
        .filter(option=current, drawn_from__isnull=False)
        .order_by("pk")
    }
    before = {k: ln.amounts for k, ln in existing.items()}
    keep = {w.key for w in wanted}
    gone = [ln.pk for k, ln in existing.items() if k not in keep or ln.drawn_from_id != programme.pk]
    OptionLine.objects.for_partner(case.partner_id).filter(pk__in=gone).delete()
    for w in wanted:
        row = existing.get(w.key)
        if row is not None and row.pk not in gone:
            row.name, row.amounts = w.name, _stored(w.amounts)
            row.drawn_on, row.source = today, source
            row.save(update_fields=["name", "amounts", "drawn_on", "source"])
        else:
            OptionLine.objects.create(
                partner_id=case.partner_id,
                case=case,
                option=current,
                name=w.name,
                kind="cost",
                amounts=_stored(w.amounts),
                one_off=True,
                drawn_from=programme,
                drawn_key=w.key,
                drawn_on=today,
                source=source,
            )
    current.programme, current.programme_year0 = programme, year0
    current.save(update_fields=["programme", "programme_year0"])
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.one_offs_drawn",
        target=current,
        before={"programme": option.programme_id, "year0": option.programme_year0, "lines": before},
        after={
            "case": case.name,
            "version": current.version.number,
            "option": current.name,
            "programme": programme.name,
            "year0": year_label(year0),
            "lines": {w.key: _stored(w.amounts) for w in wanted},
        },
    )
    return OneOffDraw(current, programme, year0, wanted, changed=True, problems=costing.problems)


# --- A baseline drawn from the ledger and people data ------------------------------------------------


@dataclass
class DrawnBaseline:
    partner: Partner
    start: date
    end: date
    rows: list[Baseline]
    figures: list[BaselineFigures]
    changed: bool
    description: str


def describe_query(partner: Partner, start: date, end: date, function: str, codes: Sequence[str]) -> str:
    label = Function(function).label
    volume = {
        "payroll": " Payslips: every payslip of the partner's approved or paid pay runs paid in"
        " those months.",
        "purchasing": " Invoices: every supplier invoice (not credit notes, not cancelled) dated in"
        " those months.",
    }.get(function, "")
    return (
        f"{label} of {partner.name}, {people_date(start)} to {people_date(end)}, from joinedup's ledger and "
        f"people data. Cost centres mapped to {label.lower()}: {', '.join(codes)}. Staff cost: the "
        "debits less the credits of the journal lines dated in those months on those cost centres, "
        f'on expense accounts of the heading "{STAFF_GROUP}" that are not inter-partner accounts. '
        "Non-staff cost: the same on every other expense account that is not an inter-partner "
        f"account, plus what the shared service charged the partner for {label.lower()} in those "
        "months (pool recharges). FTE: the average over the twelve month-ends of the FTE of the post "
        "holdings in force, in posts carrying one of those cost-centre codes, of employments in "
        f"force.{volume}"
    )


@transaction.atomic
def baselines_draw(
    *, actor: Any, case: BusinessCase, partner: Partner, start: date | None = None
) -> DrawnBaseline:
    """Write ``partner``'s baseline, one row per function it has mapped cost centres to, from its
    ledger and people data over the twelve months from ``start`` (a month's first day; by default
    the twelve months before the case went live). Refused unless the partner's ledger has lines in
    every one of the twelve months (a partner not yet live has no baseline here to draw). Nothing
    is written when the rows already hold these figures."""
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    if partner.pk not in involved_ids(case) or partner.pk == case.partner_id:
        errors.add("partner", f"{partner.name} is not a partner of this business case.")
    if start is None:
        if case.live_from is None:
            errors.add("start", "Give the first month of the twelve (the case has no go-live date).")
        else:
            start = add_months(case.live_from.replace(day=1), -MONTHS)
    elif start.day != 1:
        errors.add("start", "The twelve months start on the first day of a month.")
    errors.raise_if_any()
    if start is None:  # the errors above said why
        raise ValidationError({"start": "Give the first month of the twelve."})
    end = month_end(add_months(start, MONTHS - 1))
    if end >= timezone.localdate():
        raise ValidationError({"start": f"The twelve months to {people_date(end)} have not all passed."})
    with rls.system_context(LEDGER_READ):
        found = actuals([partner.pk], start=start, months=MONTHS)
        missing = [m for m in months_from(start, MONTHS) if m not in found.reported.get(partner.pk, set())]
        if not found.mapped:
            raise ValidationError(
                {"partner": f"{partner.name} has mapped no cost centre to a function: map them first."}
            )
        if missing:
            raise ValidationError(
                {
                    "start": f"{partner.name}'s ledger has no lines in "
                    f"{', '.join(f'{people_month(m)}' for m in missing)}: a baseline needs all twelve months."
                }
            )
        function_of = {m.cost_centre_id: m.function for m in found.mapped}
        staff_accounts = set(
            Account.objects.for_partner(partner)
            .filter(type=AccountType.EXPENSE, inter_partner=False, group=STAFF_GROUP)
            .values_list("pk", flat=True)
        )
        staff: dict[str, int] = defaultdict(int)
        for sums in (
            JournalLine.objects.for_partner(partner)
            .filter(
                date__gte=start,
                date__lte=end,
                cost_centre_id__in=sorted(function_of),
                account_id__in=Account.objects.for_partner(partner)
                .filter(type=AccountType.EXPENSE, inter_partner=False)
                .values("pk"),
            )
            .order_by()
            .values("cost_centre_id", "account_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
        ):
            if sums["account_id"] in staff_accounts:
                staff[function_of[sums["cost_centre_id"]]] += int(sums["debit"] or 0) - int(
                    sums["credit"] or 0
                )
        recharged = dict(
            RechargeLine.objects.for_partners([partner.pk])
            .filter(charged_partner=partner, kind=RechargeKind.POOL, month__gte=start, month__lte=end)
            .order_by()
            .values("service")
            .annotate(total=Sum("amount"))
            .values_list("service", "total")
        )
        payslips = (
            Payslip.objects.for_partner(partner)
            .filter(run__status__in=PAID_RUNS, run__pay_date__gte=start, run__pay_date__lte=end)
            .aggregate(n=Count("pk"))["n"]
        )
        invoices = (
            Invoice.objects.for_partner(partner)
            .filter(kind=InvoiceKind.INVOICE, invoice_date__gte=start, invoice_date__lte=end)
            .exclude(status=InvoiceStatus.CANCELLED)
            .aggregate(n=Count("pk"))["n"]
        )
    codes: dict[str, list[str]] = defaultdict(list)
    for m in found.mapped:
        codes[m.function].append(m.code)
    functions = [f for f in Function.values if f in codes]
    figures: list[BaselineFigures] = []
    queries: dict[str, str] = {}
    for function in functions:
        total = found.cost_of(partner.pk, function, found.months)
        staff_cost = staff.get(function, 0)
        other = total - staff_cost + _pence(recharged.get(function))
        fte = sum((found.fte.get((partner.pk, function, m), Decimal(0)) for m in found.months), Decimal(0))
        queries[function] = describe_query(partner, start, end, function, codes[function])
        figures.append(
            BaselineFigures(
                function=function,
                staff_cost=pence_to_pounds(max(staff_cost, 0)),
                fte=(fte / MONTHS).quantize(FTE_PLACES),
                non_staff_cost=pence_to_pounds(max(other, 0)),
                payslips=payslips if function == Function.PAYROLL else 0,
                invoices=invoices if function == Function.PURCHASING else 0,
                source=(
                    "Drawn from joinedup's ledger and people data, "
                    f"{people_month(start)} to {people_month(end)}"
                ),
            )
        )
    description = (
        f"{partner.name}'s ledger and people data from {people_date(start)} to {people_date(end)}, "
        f"{len(functions)} function{'s' if len(functions) != 1 else ''}."
    )
    version = latest_version(case)
    existing = {
        b.function: b for b in Baseline.objects.for_partner(partner).filter(partner=partner, version=version)
    }
    if all(_same(existing.get(f.function), f, start, end, queries[f.function]) for f in figures):
        rows = [existing[f.function] for f in figures]
        return DrawnBaseline(partner, start, end, rows, figures, changed=False, description=description)
    version = version_for_edit(actor=actor, case=case)
    _save_baselines(case, version, [(partner, f) for f in figures])
    rows = list(
        Baseline.objects.for_partner(partner).filter(partner=partner, version=version, function__in=functions)
    )
    for baseline in rows:
        baseline.drawn_start, baseline.drawn_end = start, end
        baseline.drawn_query = queries[baseline.function]
    Baseline.objects.for_partner(partner).bulk_update(rows, ["drawn_start", "drawn_end", "drawn_query"])
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.baseline_drawn",
        target=version,
        after={
            "case": case.name,
            "version": version.number,
            "partner": partner.code,
            "from": start,
            "to": end,
            "functions": {
                f.function: {
                    "staff_cost": f.staff_cost,
                    "fte": f.fte,
                    "non_staff_cost": f.non_staff_cost,
                    "payslips": f.payslips,
                    "invoices": f.invoices,
                }
                for f in figures
            },
        },
    )
    rows.sort(key=lambda b: functions.index(b.function))
    return DrawnBaseline(partner, start, end, rows, figures, changed=True, description=description)


def _pence(value: Any) -> int:
    return int(value or 0)


def _same(row: Baseline | None, figures: BaselineFigures, start: date, end: date, query: str) -> bool:
    return (
        row is not None
        and row.drawn_start == start
        and row.drawn_end == end
        and row.drawn_query == query
        and row.staff_cost == figures.staff_cost
        and row.fte == figures.fte
        and row.non_staff_cost == figures.non_staff_cost
        and row.payslips == figures.payslips
        and row.invoices == figures.invoices
        and row.tickets == figures.tickets
    )
