"""Every change to a business case. Each function is one transaction: it checks the caller's
permission, validates what the database cannot, writes, and records one audit event.

Who decides what: the case and its figures are the owner's (the shared-services body,
``businesscase.manage`` there); whether a partner's baseline detail is shared with the others is
that partner's (``businesscase.manage`` on it); a partner's decision on a version is recorded by
that partner (``businesscase.decide`` on it), on the case's latest version.

Versions: every edit of the figures goes through ``version_for_edit``: once any partner has
decided on the latest version, its figures are copied into a new version first and the edit lands
there, so every decision stays on the version it was made on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.businesscase import appraisal
from joinedup.businesscase.models import (
    AllocationKey,
    Baseline,
    BusinessCase,
    CasePartner,
    CaseVersion,
    CostCentreFunction,
    Decision,
    DecisionBody,
    Function,
    LineKind,
    Option,
    OptionKind,
    OptionLine,
    Outcome,
)
from joinedup.core import rls, tabular
from joinedup.core.actors import user_of
from joinedup.core.money import PENNY
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.ledger.models import CostCentre
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.services import Errors
from joinedup.recharges.services import shared_services_body

MAX_AMOUNT = Decimal("999999999999.99")


def latest_version(case: BusinessCase) -> CaseVersion:
    return CaseVersion.objects.for_partner(case.partner_id).filter(case=case).order_by("-number")[0]


def involved_ids(case: BusinessCase) -> list[int]:
    return list(
        CasePartner.objects.for_partner(case.partner_id)
        .filter(case=case)
        .values_list("partner_id", flat=True)
    )


def _has_decisions(version: CaseVersion) -> bool:
    return Decision.objects.for_partners(involved_ids(version.case)).filter(version=version).exists()


def _copy(case: BusinessCase, old: CaseVersion, new: CaseVersion) -> None:
    """The old version's figures, copied onto the new one (row for row, in the same order)."""
    baselines = Baseline.objects.for_partners(involved_ids(case)).filter(version=old).order_by("pk")
    Baseline.objects.bulk_create(
        [
            Baseline(
                partner_id=b.partner_id,
                case=case,
                version=new,
                function=b.function,
                staff_cost=b.staff_cost,
                fte=b.fte,
                non_staff_cost=b.non_staff_cost,
                payslips=b.payslips,
                invoices=b.invoices,
                tickets=b.tickets,
                shared=b.shared,
                source=b.source,
                drawn_start=b.drawn_start,
                drawn_end=b.drawn_end,
                drawn_query=b.drawn_query,
            )
            for b in baselines
        ]
    )
    # Every line of the old version in one query, not one per option.
    lines_of: dict[int, list[OptionLine]] = {}
    for line in OptionLine.objects.for_partner(case.partner_id).filter(option__version=old).order_by("pk"):
        lines_of.setdefault(line.option_id, []).append(line)
    for option in Option.objects.for_partner(case.partner_id).filter(version=old).order_by("pk"):
        copy = Option.objects.create(
            partner_id=case.partner_id,
            case=case,
            version=new,
            kind=option.kind,
            name=option.name,
            description=option.description,
            programme_id=option.programme_id,
            programme_year0=option.programme_year0,
        )
        OptionLine.objects.bulk_create(
            [
                OptionLine(
                    partner_id=case.partner_id,
                    case=case,
                    option=copy,
                    name=line.name,
                    kind=line.kind,
                    amounts=line.amounts,
                    optimism_bias=line.optimism_bias,
                    delay_years=line.delay_years,
                    one_off=line.one_off,
                    risk=line.risk,
                    drawn_from_id=line.drawn_from_id,
                    drawn_key=line.drawn_key,
                    drawn_on=line.drawn_on,
                    source=line.source,
                )
                for line in lines_of.get(option.pk, [])
            ]
        )
    AllocationKey.objects.bulk_create(
        [
            AllocationKey(
                partner_id=case.partner_id, case=case, version=new, allocated_id=k.allocated_id, key=k.key
            )
            for k in AllocationKey.objects.for_partner(case.partner_id).filter(version=old).order_by("pk")
        ]
    )


def version_for_edit(*, actor: Any, case: BusinessCase) -> CaseVersion:
    """The version an edit lands on: the latest, or, once a partner has decided on that one, a
    new version holding a copy of its figures. Call it inside the editing service's transaction
    (after its permission check): the copy commits with the edit or not at all."""
    latest = latest_version(case)
    if not _has_decisions(latest):
        return latest
    new = CaseVersion.objects.create(
        partner_id=case.partner_id,
        case=case,
        number=latest.number + 1,
        years=latest.years,
        reason=f"Changed after a decision on version {latest.number}",
        created_by=user_of(actor),
    )
    _copy(case, latest, new)
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.version_created",
        target=new,
        after={"case": case.name, "number": new.number, "from": latest.number},
    )
    return new


# --- The case -----------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    actor: Any,
    owner: Partner,
    name: str,
    partners: Sequence[Partner],
    must_approve: Sequence[Partner] | None = None,
    years: int = 10,
    description: str = "",
) -> BusinessCase:
    """A case owned by the shared-services body ``owner``, involving it and ``partners``; each of
    ``must_approve`` (every partner given, when None) must approve it for the partnership to have.
    It starts with version 1, empty."""
    owner = shared_services_body(owner)
    authorise(actor, "businesscase.manage", owner)
    others = list({p.pk: p for p in partners if p.pk != owner.pk}.values())
    approvers = {p.pk for p in (others if must_approve is None else must_approve)}
    errors = Errors()
    if not name.strip():
        errors.add("name", "Enter the case's name.")
    elif BusinessCase.objects.for_partner(owner).filter(partner=owner, name=name.strip()).exists():
        errors.add("name", f"{owner.name} already has a business case called {name.strip()}.")
    if not others:
        errors.add("partners", "Name at least one partner the case is for.")
    if not approvers:
        errors.add("must_approve", "Name at least one partner that must approve the case.")
    elif not approvers <= {p.pk for p in (owner, *others)}:
        errors.add("must_approve", "A partner that must approve the case must be involved in it.")
    if not 1 <= years <= 100:
        errors.add("years", "The horizon must be 1 to 100 years.")
    errors.raise_if_any()
    case = BusinessCase.objects.create(
        partner=owner,
        name=name.strip(),
        description=description.strip(),
        years=years,
        created_by=user_of(actor),
    )
    # Each partner's membership row is that partner's: written in a context that shows the
    # database those partners (row-level security), as the owner names them in the case.
    with rls.partner_context([owner.pk, *(p.pk for p in others)]):
        CasePartner.objects.bulk_create(
            [CasePartner(partner=p, case=case, must_approve=p.pk in approvers) for p in (owner, *others)]
        )
    CaseVersion.objects.create(
        partner=owner, case=case, number=1, reason="First version", created_by=user_of(actor)
    )
    record_event(
        actor=actor,
        partner=owner,
        action="businesscase.created",
        target=case,
        after={
            "name": case.name,
            "years": years,
            "partners": [p.code for p in (owner, *others)],
            "must_approve": sorted(p.code for p in (owner, *others) if p.pk in approvers),
        },
    )
    return case


@transaction.atomic
def case_change(
    *,
    actor: Any,
    case: BusinessCase,
    years: int,
    partners: Sequence[Partner],
    must_approve: Sequence[Partner],
) -> CaseVersion:
    """Change the case's horizon and the partners it is for (and which of them must approve).

    The horizon is a version's: a change lands on the version being edited (after a decision on
    the latest version, a new one), and every older version keeps the horizon it had. A horizon
    shorter than a line's amounts is refused. Who is involved is the case's: a partner added
    decides on the latest version; a partner that has recorded a decision cannot be removed (its
    decision stays on the record); a removed partner's baseline rows and allocation key leave the
    version being edited. Returns the version the change landed on."""
    authorise(actor, "businesscase.manage", case.partner)
    owner = case.partner
    others = list({p.pk: p for p in partners if p.pk != owner.pk}.values())
    approvers = {p.pk for p in must_approve}
    now = {row.partner_id: row for row in CasePartner.objects.for_partner(owner).filter(case=case)}
    wanted = {owner.pk, *(p.pk for p in others)}
    removed = sorted(set(now) - wanted)
    errors = Errors()
    if not 1 <= years <= 100:
        errors.add("years", "The horizon must be 1 to 100 years.")
    if not others:
        errors.add("partners", "Name at least one partner the case is for.")
    if not approvers:
        errors.add("must_approve", "Name at least one partner that must approve the case.")
    elif not approvers <= wanted:
        errors.add("must_approve", "A partner that must approve the case must be involved in it.")
    if removed:
        deciders = set(
            Decision.objects.for_partners(removed).filter(case=case).values_list("partner_id", flat=True)
        )
        for partner in Partner.objects.filter(pk__in=sorted(deciders)).order_by("name"):
            errors.add("partners", f"{partner.name} has recorded a decision on the case: it stays in it.")
    errors.raise_if_any()
    latest = latest_version(case)
    before_partners = sorted(now)
    before_approvers = sorted(pk for pk, row in now.items() if row.must_approve)
    before_years = latest.horizon
    flags = {pk: row.must_approve for pk, row in now.items()}
    if years == latest.horizon and set(now) == wanted and all(flags[pk] == (pk in approvers) for pk in now):
        return latest
    if years != latest.horizon:
        too_long = []
        for line in OptionLine.objects.for_partner(owner).filter(option__version=latest).order_by("pk"):
            try:
                appraisal.check_lines([_appraisal_line(line)], years)
            except appraisal.AppraisalError:
                too_long.append(line.name)
        if too_long:
            raise ValidationError(
                {
                    "years": f"These lines run past year {years - 1}: {', '.join(too_long)}. "
                    "Shorten them first."
                }
            )
        # Every version before this change keeps the horizon it was made with.
        CaseVersion.objects.for_partner(owner).filter(case=case, years__isnull=True).update(years=case.years)
    version = version_for_edit(actor=actor, case=case)
    if removed:
        Baseline.objects.for_partners(removed).filter(version=version, partner_id__in=removed).delete()
        AllocationKey.objects.for_partner(owner).filter(version=version, allocated_id__in=removed).delete()
    if version.years is not None or years != latest.horizon:
        version.years = years
        version.save(update_fields=["years"])
    with rls.partner_context(sorted(wanted | set(now))):
        CasePartner.objects.for_partners(removed).filter(case=case, partner_id__in=removed).delete()
        CasePartner.objects.bulk_create(
            [
                CasePartner(partner=p, case=case, must_approve=p.pk in approvers)
                for p in others
                if p.pk not in now
            ]
        )
        for pk, row in now.items():
            if pk in wanted and row.must_approve != (pk in approvers):
                row.must_approve = pk in approvers
                row.save(update_fields=["must_approve"])
    case.years = years
    case.save(update_fields=["years"])
    # The selectors keep who is involved on the case object: it has just changed.
    case.__dict__.pop("_joinedup_involved", None)
    codes = dict(Partner.objects.filter(pk__in=sorted(wanted | set(now))).values_list("pk", "code"))
    record_event(
        actor=actor,
        partner=owner,
        action="businesscase.changed",
        target=case,
        before={
            "years": before_years,
            "partners": [codes[pk] for pk in before_partners],
            "must_approve": [codes[pk] for pk in before_approvers],
        },
        after={
            "version": version.number,
            "years": years,
            "partners": sorted(codes[pk] for pk in wanted),
            "must_approve": sorted(codes[pk] for pk in approvers),
        },
    )
    return version


def _require_involved(case: BusinessCase, partner: Partner, errors: Errors, name: str) -> None:
    if partner.pk not in involved_ids(case):
        errors.add(name, f"{partner.name} is not involved in this business case.")


@dataclass(frozen=True)
class BaselineFigures:
    function: str
    staff_cost: Decimal
    fte: Decimal
    non_staff_cost: Decimal
    payslips: int = 0
    invoices: int = 0
    tickets: int = 0
    source: str = ""


def _check_figures(figures: BaselineFigures, errors: Errors, prefix: str = "") -> None:
    if figures.function not in Function.values:
        errors.add(f"{prefix}function", f"{figures.function!r} is not a function of the case.")
    for name in ("staff_cost", "non_staff_cost"):
        amount = getattr(figures, name)
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(PENNY):
            errors.add(f"{prefix}{name}", "Enter pounds and pence of 0 or more.")
    if not figures.fte.is_finite() or figures.fte < 0 or figures.fte != figures.fte.quantize(Decimal("0.01")):
        errors.add(f"{prefix}fte", "Enter the full-time equivalent staff, 0 or more, to two places.")
    for name in ("payslips", "invoices", "tickets"):
        if getattr(figures, name) < 0:
            errors.add(f"{prefix}{name}", "A volume cannot be negative.")


def _save_baseline(
    case: BusinessCase, version: CaseVersion, partner: Partner, figures: BaselineFigures
) -> Baseline:
    row, _ = Baseline.objects.for_partner(partner).update_or_create(
        partner=partner,
        version=version,
        function=figures.function,
        defaults={
            "case": case,
            "staff_cost": figures.staff_cost,
            "fte": figures.fte,
            "non_staff_cost": figures.non_staff_cost,
            "payslips": figures.payslips,
            "invoices": figures.invoices,
            "tickets": figures.tickets,
            "source": figures.source[:200],
            "shared": _is_shared(case, partner),
            **NOT_DRAWN,
        },
    )
    return row


# A row entered or imported by hand replaces a drawn one: it is no longer the ledger's.
NOT_DRAWN: dict[str, Any] = {"drawn_start": None, "drawn_end": None, "drawn_query": ""}

BASELINE_FIGURES = (
    "drawn_start",
    "drawn_end",
    "drawn_query",
    "staff_cost",
    "fte",
    "non_staff_cost",
    "payslips",
    "invoices",
    "tickets",
    "source",
    "shared",
)


def _save_baselines(
    case: BusinessCase, version: CaseVersion, rows: Sequence[tuple[Partner, BaselineFigures]]
) -> None:
    """Many partners' rows at once (an import), in a fixed number of queries however many rows:
    the sharing flags and the version's rows for these partners read once, the changed rows
    written in one bulk update and the new ones in one bulk insert."""
    ids = sorted({partner.pk for partner, _ in rows})
    scoped = Baseline.objects.for_partners(ids)
    shared = set(
        scoped.filter(case=case, partner__in=ids, shared=True).values_list("partner_id", flat=True).distinct()
    )
    existing = {(b.partner_id, b.function): b for b in scoped.filter(version=version, partner__in=ids)}
    changed, new = [], []
    for partner, figures in rows:
        values = {
            "staff_cost": figures.staff_cost,
            "fte": figures.fte,
            "non_staff_cost": figures.non_staff_cost,
            "payslips": figures.payslips,
            "invoices": figures.invoices,
            "tickets": figures.tickets,
            "source": figures.source[:200],
            "shared": partner.pk in shared,
            **NOT_DRAWN,
        }
        row = existing.get((partner.pk, figures.function))
        if row is None:
            new.append(
                Baseline(partner=partner, case=case, version=version, function=figures.function, **values)
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    if changed:
        Baseline.objects.for_partners(ids).bulk_update(changed, BASELINE_FIGURES, batch_size=500)
    Baseline.objects.bulk_create(new, batch_size=500)


def _is_shared(case: BusinessCase, partner: Partner) -> bool:
    """Whether the partner has shared its baseline detail in this case (the flag of its rows)."""
    return Baseline.objects.for_partner(partner).filter(case=case, partner=partner, shared=True).exists()


@transaction.atomic
def baseline_set(*, actor: Any, case: BusinessCase, partner: Partner, figures: BaselineFigures) -> Baseline:
    """A partner's baseline for one function, in the version being edited."""
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    _require_involved(case, partner, errors, "partner")
    _check_figures(figures, errors)
    errors.raise_if_any()
    version = version_for_edit(actor=actor, case=case)
    row = _save_baseline(case, version, partner, figures)
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.baseline_set",
        target=row,
        after={
            "case": case.name,
            "version": version.number,
            "partner": partner.code,
            "function": figures.function,
            "staff_cost": figures.staff_cost,
            "fte": figures.fte,
            "non_staff_cost": figures.non_staff_cost,
        },
    )
    return row


@transaction.atomic
def baseline_remove(*, actor: Any, case: BusinessCase, partner: Partner, function: str) -> CaseVersion:
    """Remove a partner's baseline for one function from the version being edited."""
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    _require_involved(case, partner, errors, "partner")
    if function not in Function.values:
        errors.add("function", f"{function!r} is not a function of the case.")
    errors.raise_if_any()
    version = version_for_edit(actor=actor, case=case)
    rows = Baseline.objects.for_partner(partner).filter(partner=partner, version=version, function=function)
    before = list(rows.values("staff_cost", "fte", "non_staff_cost"))
    if not before:
        # Inside the transaction: a version made for this edit goes with it.
        raise ValidationError(
            {
                "function": f"{partner.name} has no {Function(function).label} baseline"
                f" in version {version.number}."
            }
        )
    rows.delete()
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.baseline_removed",
        target=version,
        before={"partner": partner.code, "function": function, **before[0]},
        after={"case": case.name, "version": version.number},
    )
    return version


@transaction.atomic
def baseline_share(*, actor: Any, case: BusinessCase, partner: Partner, shared: bool) -> int:
    """The partner lets the case's other partners read its baseline detail, or stops: its own
    decision, for every version of the case. Returns the rows changed."""
    authorise(actor, "businesscase.manage", partner)
    errors = Errors()
    _require_involved(case, partner, errors, "partner")
    errors.raise_if_any()
    changed = Baseline.objects.for_partner(partner).filter(case=case, partner=partner).update(shared=shared)
    record_event(
        actor=actor,
        partner=partner,
        action="businesscase.baseline_shared" if shared else "businesscase.baseline_unshared",
        target=case,
        after={"case": case.name, "rows": changed},
    )
    return changed


# --- Options and lines ----------------------------------------------------------------------------


@transaction.atomic
def option_add(*, actor: Any, case: BusinessCase, kind: str, name: str, description: str = "") -> Option:
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    if kind not in OptionKind.values:
        errors.add("kind", f"{kind!r} is not a kind of option.")
    if not name.strip():
        errors.add("name", "Enter the option's name.")
    errors.raise_if_any()
    version = version_for_edit(actor=actor, case=case)
    if Option.objects.for_partner(case.partner_id).filter(version=version, name=name.strip()).exists():
        raise ValidationError(
            {"name": f"Version {version.number} already has an option called {name.strip()}."}
        )
    option = Option.objects.create(
        partner_id=case.partner_id,
        case=case,
        version=version,
        kind=kind,
        name=name.strip(),
        description=description,
    )
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.option_added",
        target=option,
        after={"case": case.name, "version": version.number, "kind": kind, "name": option.name},
    )
    return option


@dataclass(frozen=True)
class LineInput:
    name: str
    kind: str
    amounts: tuple[Decimal, ...]
    optimism_bias: Decimal = Decimal(0)
    delay_years: int = 0
    one_off: bool = False
    risk: str = ""


def _check_line(case: BusinessCase, line: LineInput) -> None:
    """The appraisal's own checks, in the appraisal's own words, plus what the columns hold."""
    errors = Errors()
    if not line.name.strip():
        errors.add("name", "Enter the line's name.")
    if line.kind not in LineKind.values:
        errors.add("kind", "Choose cost or saving.")
    elif line.kind == LineKind.SAVING and line.optimism_bias:
        errors.add("optimism_bias", "Optimism bias applies to costs; a saving's is its delay.")
    if line.optimism_bias > Decimal("1000"):
        errors.add("optimism_bias", "An uplift of more than 1000% is not an uplift.")
    if any(a > MAX_AMOUNT for a in line.amounts if a.is_finite()):
        errors.add("amounts", f"An amount cannot be more than £{MAX_AMOUNT:,}.")
    errors.raise_if_any()
    try:
        appraisal.check_lines([_appraisal_line(line)], case.years)
    except appraisal.AppraisalError as error:
        raise ValidationError({"amounts": str(error)}) from None


def _appraisal_line(line: LineInput | OptionLine) -> appraisal.Line:
    amounts = tuple(Decimal(a) for a in line.amounts)
    return appraisal.Line(
        name=line.name,
        kind=line.kind,
        amounts=amounts,
        optimism_bias=Decimal(line.optimism_bias),
        delay_years=line.delay_years,
        one_off=line.one_off,
    )


def _current(actor: Any, option: Option) -> Option:
    """The option as it stands in the version being edited (the same name in a new version)."""
    version = version_for_edit(actor=actor, case=option.case)
    if option.version_id == version.pk:
        return option
    current = Option.objects.for_partner(option.partner_id).filter(version=version, name=option.name).first()
    if current is None:
        # Renamed or removed in a later version: the edit would land on nothing.
        raise ValidationError(
            {"option": f"Version {version.number} has no option called {option.name}: edit that version."}
        )
    return current


@transaction.atomic
def line_add(*, actor: Any, option: Option, line: LineInput) -> OptionLine:
    case = option.case
    authorise(actor, "businesscase.manage", case.partner)
    _check_line(case, line)
    option = _current(actor, option)
    row = OptionLine.objects.create(
        partner_id=case.partner_id,
        case=case,
        option=option,
        name=line.name.strip(),
        kind=line.kind,
        amounts=[str(a) for a in line.amounts],
        optimism_bias=line.optimism_bias,
        delay_years=line.delay_years,
        one_off=line.one_off,
        risk=line.risk,
    )
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.line_added",
        target=row,
        after={
            "case": case.name,
            "version": option.version.number,
            "option": option.name,
            "name": row.name,
            "kind": row.kind,
            "amounts": row.amounts,
            "optimism_bias": line.optimism_bias,
            "delay_years": line.delay_years,
        },
    )
    return row


@transaction.atomic
def line_change(*, actor: Any, line: OptionLine, to: LineInput) -> OptionLine:
    """Change a line; after a decision on its version, the change lands on the new version's copy
    of the line (the same place among its option's lines)."""
    case = line.option.case
    authorise(actor, "businesscase.manage", case.partner)
    _check_line(case, to)
    current, target = _line_in_current(actor, line)
    if target.drawn_from_id is not None and [Decimal(a) for a in target.amounts] != list(to.amounts):
        # Inside the transaction: a version made for this edit goes with it.
        raise ValidationError(
            {
                "amounts": "This line's amounts are drawn from a workforce-change programme's costing: "
                "draw them again from the programme, or remove the line."
            }
        )
    before = {"name": target.name, "amounts": target.amounts, "optimism_bias": target.optimism_bias}
    target.name, target.kind = to.name.strip(), to.kind
    target.amounts = [str(a) for a in to.amounts]
    target.optimism_bias, target.delay_years = to.optimism_bias, to.delay_years
    target.one_off, target.risk = to.one_off, to.risk
    target.save()
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.line_changed",
        target=target,
        before=before,
        after={
            "version": current.version.number,
            "name": target.name,
            "amounts": target.amounts,
            "optimism_bias": to.optimism_bias,
        },
    )
    return target


def _line_in_current(actor: Any, line: OptionLine) -> tuple[Option, OptionLine]:
    """The option and the line as they stand in the version being edited: the same place among
    its option's lines (a new version copies the lines in order)."""
    option = line.option
    position = list(option.lines.order_by("pk").values_list("pk", flat=True)).index(line.pk)
    current = _current(actor, option)
    lines = list(current.lines.order_by("pk"))
    if position >= len(lines) or lines[position].name != line.name:
        raise ValidationError({"line": f"The line {line.name} has changed since: edit the latest version."})
    return current, lines[position]


@transaction.atomic
def line_remove(*, actor: Any, line: OptionLine) -> Option:
    """Remove a line from its option (after a decision on its version, from the new version's
    copy; the decided version keeps it). Returns the option the line was removed from."""
    case = line.option.case
    authorise(actor, "businesscase.manage", case.partner)
    current, target = _line_in_current(actor, line)
    before = {
        "name": target.name,
        "kind": target.kind,
        "amounts": target.amounts,
        "optimism_bias": target.optimism_bias,
        "delay_years": target.delay_years,
    }
    target.delete()
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.line_removed",
        target=current,
        before=before,
        after={"case": case.name, "version": current.version.number, "option": current.name},
    )
    return current


@transaction.atomic
def option_change(*, actor: Any, option: Option, kind: str, name: str, description: str = "") -> Option:
    """Rename, re-describe or re-classify an option (in the version being edited)."""
    case = option.case
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    if kind not in OptionKind.values:
        errors.add("kind", f"{kind!r} is not a kind of option.")
    if not name.strip():
        errors.add("name", "Enter the option's name.")
    errors.raise_if_any()
    current = _current(actor, option)
    clash = (
        Option.objects.for_partner(case.partner_id)
        .filter(version=current.version, name=name.strip())
        .exclude(pk=current.pk)
        .exists()
    )
    if clash:
        raise ValidationError(
            {"name": f"Version {current.version.number} already has an option called {name.strip()}."}
        )
    before = {"kind": current.kind, "name": current.name, "description": current.description}
    current.kind, current.name, current.description = kind, name.strip(), description.strip()
    current.save(update_fields=["kind", "name", "description"])
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.option_changed",
        target=current,
        before=before,
        after={
            "case": case.name,
            "version": current.version.number,
            "kind": kind,
            "name": current.name,
            "description": current.description,
        },
    )
    return current


@transaction.atomic
def option_remove(*, actor: Any, option: Option) -> CaseVersion:
    """Remove an option and its lines from the version being edited; returns that version."""
    case = option.case
    authorise(actor, "businesscase.manage", case.partner)
    current = _current(actor, option)
    version = current.version
    lines = current.lines.count()
    before = {"kind": current.kind, "name": current.name, "lines": lines}
    current.delete()
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.option_removed",
        target=version,
        before=before,
        after={"case": case.name, "version": version.number},
    )
    return version


@transaction.atomic
def allocation_set(*, actor: Any, case: BusinessCase, keys: Mapping[Partner, Decimal]) -> list[AllocationKey]:
    """Each partner's allocation key (replacing the version's keys)."""
    authorise(actor, "businesscase.manage", case.partner)
    errors = Errors()
    for partner, key in keys.items():
        _require_involved(case, partner, errors, "keys")
        if not key.is_finite() or key <= 0:
            errors.add("keys", f"{partner.name}: a key must be more than 0.")
    if not keys:
        errors.add("keys", "Give at least one partner's key.")
    errors.raise_if_any()
    version = version_for_edit(actor=actor, case=case)
    AllocationKey.objects.for_partner(case.partner_id).filter(version=version).delete()
    rows = AllocationKey.objects.bulk_create(
        [
            AllocationKey(partner_id=case.partner_id, case=case, version=version, allocated=p, key=k)
            for p, k in keys.items()
        ]
    )
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.allocation_set",
        target=version,
        after={"case": case.name, "version": version.number, "keys": {p.code: k for p, k in keys.items()}},
    )
    return rows


@transaction.atomic
def version_publish(*, actor: Any, version: CaseVersion, published: bool = True) -> CaseVersion:
    """Let union representatives read a version (or stop). Publishing changes no figure, so it
    makes no new version."""
    case = version.case
    authorise(actor, "businesscase.manage", case.partner)
    version.published = published
    version.save(update_fields=["published"])
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.version_published" if published else "businesscase.version_withdrawn",
        target=version,
        after={"case": case.name, "version": version.number},
    )
    return version


# --- Decisions ------------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    version: CaseVersion,
    partner: Partner,
    outcome: str,
    decided_on: date,
    body: str,
    minutes_url: str = "",
    conditions: str = "",
) -> Decision:
    """The partner's decision on a version (its latest decision on a version stands). Only the
    case's latest version can be decided on: an older one has been changed since."""
    case = version.case
    authorise(actor, "businesscase.decide", partner)
    errors = Errors()
    _require_involved(case, partner, errors, "partner")
    if outcome not in Outcome.values:
        errors.add("outcome", f"{outcome!r} is not a decision.")
    if body not in DecisionBody.values:
        errors.add("body", f"{body!r} is not a decision-making body.")
    if outcome == Outcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        errors.add("conditions", "Say what the conditions are.")
    if minutes_url:
        try:
            URLValidator(schemes=["http", "https"])(minutes_url)
        except ValidationError:
            errors.add("minutes_url", "Enter the minutes' address, starting https://.")
    latest = latest_version(case)
    if version.pk != latest.pk:
        errors.add(
            "version",
            f"Version {version.number} has been changed since: decide on version {latest.number}.",
        )
    errors.raise_if_any()
    decision = Decision.objects.create(
        partner=partner,
        case=case,
        version=version,
        outcome=outcome,
        decided_on=decided_on,
        body=body,
        minutes_url=minutes_url,
        conditions=conditions.strip(),
        recorded_by=user_of(actor),
    )
    record_event(
        actor=actor,
        partner=partner,
        action="businesscase.decision_recorded",
        target=decision,
        after={
            "case": case.name,
            "version": version.number,
            "outcome": outcome,
            "decided_on": decided_on,
            "body": body,
            "minutes_url": minutes_url,
        },
    )
    return decision


# --- Baseline import ------------------------------------------------------------------------------

BASELINE_COLUMNS = RowSpec(
    [
        Column("partner", tabular.text(max_length=20), example="WCC"),
        Column("function", tabular.choice(Function.values), example="payroll"),
        Column("staff_cost", tabular.decimal(places=2, min=0, max=MAX_AMOUNT), example="1250000.00"),
        Column("fte", tabular.decimal(places=2, min=0, max=Decimal("9999999.99")), example="41.5"),
        Column("non_staff_cost", tabular.decimal(places=2, min=0, max=MAX_AMOUNT), example="310000.00"),
        Column("payslips", tabular.integer(min=0, max=2_000_000_000), required=False, default=0),
        Column("invoices", tabular.integer(min=0, max=2_000_000_000), required=False, default=0),
        Column("tickets", tabular.integer(min=0, max=2_000_000_000), required=False, default=0),
        Column("source", tabular.text(max_length=200), required=False, default=""),
    ]
)


@dataclass
class BaselineImport:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def baselines_import(*, actor: Any, case: BusinessCase, source: bytes, filename: str = "") -> BaselineImport:
    """Load a CSV/XLSX of baselines (partner, function, staff_cost, fte, non_staff_cost[, payslips,
    invoices, tickets, source]) into the version being edited: every row is checked first, and
    nothing is saved unless every row is good."""
    authorise(actor, "businesscase.manage", case.partner)
    parsed = tabular.read_rows(source, BASELINE_COLUMNS, filename=filename, max_rows=10_000)
    result = BaselineImport(rows=len(parsed.rows))
    involved = set(involved_ids(case))
    partners = {p.code.upper(): p for p in Partner.objects.filter(pk__in=involved)}
    seen: dict[tuple[str, str], int] = {}
    good: list[tuple[Partner, BaselineFigures]] = []
    for number, row in parsed.numbered():
        partner = partners.get(str(row.get("partner", "")).upper())
        if "partner" in row and partner is None:
            parsed.add_error(
                number, "partner", "No partner of this business case has this code", row["partner"]
            )
        cell = (str(row.get("partner", "")).upper(), str(row.get("function", "")))
        if all(cell):
            if cell in seen:
                parsed.add_error(
                    number,
                    "function",
                    f"The same partner's function is also on row {seen[cell]}",
                    row["function"],
                )
            else:
                seen[cell] = number
        if partner is not None and all(k in row for k in ("function", "staff_cost", "fte", "non_staff_cost")):
            good.append(
                (
                    partner,
                    BaselineFigures(
                        function=row["function"],
                        staff_cost=row["staff_cost"],
                        fte=row["fte"],
                        non_staff_cost=row["non_staff_cost"],
                        payslips=row.get("payslips", 0),
                        invoices=row.get("invoices", 0),
                        tickets=row.get("tickets", 0),
                        source=row.get("source", "") or (filename or "import"),
                    ),
                )
            )
    if not parsed.ok:
        result.errors = parsed.errors
        return result
    with transaction.atomic():
        version = version_for_edit(actor=actor, case=case)
        _save_baselines(case, version, good)
        record_event(
            actor=actor,
            partner=case.partner,
            action="businesscase.baselines_imported",
            target=version,
            after={"case": case.name, "version": version.number, "file": filename, "rows": len(good)},
        )
    result.saved = len(good)
    return result


# --- Benefits realisation -------------------------------------------------------------------------


@transaction.atomic
def case_go_live(*, actor: Any, case: BusinessCase, live_from: date | None) -> BusinessCase:
    """Record the month the case went live (its first day; None: not live). Realisation counts
    from it, and the baseline drawn from the ledger is the twelve months before it."""
    authorise(actor, "businesscase.manage", case.partner)
    if live_from is not None and live_from.day != 1:
        raise ValidationError({"live_from": "Go-live is the first day of a month."})
    before = case.live_from
    case.live_from = live_from
    case.save(update_fields=["live_from"])
    record_event(
        actor=actor,
        partner=case.partner,
        action="businesscase.went_live",
        target=case,
        before={"live_from": before},
        after={"live_from": live_from},
    )
    return case


@transaction.atomic
def cost_centre_functions_set(*, actor: Any, partner: Partner, mapping: Mapping[int, str]) -> dict[str, int]:
    """Set which function each of ``partner``'s cost centres counts in for benefits realisation:
    ``mapping`` is cost centre id -> function ("" for none). Cost centres not named keep their
    mapping. Every id must be one of the partner's cost centres; nothing is saved otherwise.
    Returns how many were mapped, changed and unmapped."""
    authorise(actor, "businesscase.manage", partner)
    centres = {c.pk: c for c in CostCentre.objects.for_partner(partner).filter(pk__in=sorted(mapping))}
    errors = Errors()
    for pk, function in sorted(mapping.items()):
        if pk not in centres:
            errors.add("mapping", f"Cost centre {pk} is not one of {partner.name}'s.")
        elif function and function not in Function.values:
            errors.add("mapping", f"{centres[pk].code}: {function!r} is not a function.")
    errors.raise_if_any()
    existing = {
        m.cost_centre_id: m
        for m in CostCentreFunction.objects.for_partner(partner).filter(cost_centre_id__in=sorted(centres))
    }
    counts = {"mapped": 0, "changed": 0, "unmapped": 0}
    changes: dict[str, list[str]] = {}
    user = user_of(actor)
    for pk, function in sorted(mapping.items()):
        row = existing.get(pk)
        code = centres[pk].code
        if not function:
            if row is not None:
                row.delete()
                counts["unmapped"] += 1
                changes[code] = [row.function, ""]
        elif row is None:
            CostCentreFunction.objects.create(
                partner=partner, cost_centre_id=pk, function=function, mapped_by=user
            )
            counts["mapped"] += 1
            changes[code] = ["", function]
        elif row.function != function:
            changes[code] = [row.function, function]
            row.function = function
            row.mapped_by = user
            row.save(update_fields=["function", "mapped_by", "mapped_at"])
            counts["changed"] += 1
    if changes:
        record_event(
            actor=actor,
            partner=partner,
            action="businesscase.cost_centres_mapped",
            target=partner,
            after={"changes": changes, **counts},
        )
    return counts
