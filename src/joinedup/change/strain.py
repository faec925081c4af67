"""Pension funds' strain factor tables: uploaded per partner and fund as CSV or XLSX through
core/tabular (every bad row reported, nothing saved unless every row is good), and read back as
the pure :class:`joinedup.change.redundancy.StrainFactors` a quote uses.

A table is the fund actuary's: factors per £1 a year of pension brought into payment early, by
sex and by age in whole years (``age_months`` left out or 0) or in years and months. Uploading a
table with the same fund and date as an earlier one replaces it whole (a correction); a table of
a later date supersedes it from then on.

Who may upload: those who manage the partner's workforce change (``change.manage``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.change.models import StrainFactor, StrainFactorTable
from joinedup.change.redundancy import StrainFactors
from joinedup.core import tabular
from joinedup.core.actors import user_of
from joinedup.core.tabular import Column, ParseResult, RowError, RowSpec
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise

UPLOAD_PERMISSION = "change.manage"
MAX_ROWS = 10_000  # ages 16-100 by month for two sexes is ~2,000 rows; more is a wrong file
BATCH = 1_000
FUND_LENGTH = 100  # StrainFactorTable.fund
SOURCE_LENGTH = 300  # StrainFactorTable.source

FACTOR_COLUMNS = RowSpec(
    [
        Column(
            "sex",
            tabular.choice({"F": "F", "female": "F", "woman": "F", "M": "M", "male": "M", "man": "M"}),
            example="F",
            help="F or M, as the fund's table is set out.",
        ),
        Column("age_years", tabular.integer(min=16, max=100), example="58"),
        Column(
            "age_months",
            tabular.integer(min=0, max=11),
            required=False,
            default=0,
            example="6",
            help="0-11; leave the column out for a table by whole years.",
        ),
        Column(
            "factor",
            tabular.decimal(places=6, min=0, max=1000),
            example="9.871",
            help="The cost per £1 a year of pension paid early.",
        ),
    ],
    allow_extra=False,
)


def parse_factor_rows(data: bytes, *, filename: str = "") -> ParseResult:
    """Read and check a factor table: every cell, and no age given twice for the same sex."""
    parsed = tabular.read_rows(data, FACTOR_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in parsed.numbered():
        if not {"sex", "age_years", "age_months"} <= row.keys():
            continue
        key = (row["sex"], row["age_years"], row["age_months"])
        if key in seen:
            parsed.add_error(
                number,
                "age_years",
                f"The same sex and age is also on row {seen[key]}",
                f"{row['age_years']}y {row['age_months']}m",
            )
        else:
            seen[key] = number
    return parsed


def factor_rows(parsed: ParseResult) -> Iterator[tuple[str, int, int, Decimal]]:
    """(sex, years, months, factor) of a checked table."""
    for row in parsed.rows:
        yield row["sex"], row["age_years"], row["age_months"], row["factor"]


@dataclass
class StrainImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    saved: int = 0
    replaced: bool = False
    table: StrainFactorTable | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def strain_factors_import(
    *,
    actor: Any,
    partner: Partner,
    fund: str,
    effective_from: date,
    source: str,
    data: bytes,
    filename: str = "",
) -> StrainImportResult:
    """Load a fund's strain factor table for ``partner``, all or nothing."""
    authorise(actor, UPLOAD_PERMISSION, partner)
    fund = " ".join(fund.split())
    source = source.strip()
    problems = {}
    if not fund or len(fund) > StrainFactorTable._meta.get_field("fund").max_length:  # type: ignore[operator]
        problems["fund"] = "Name the fund, in 100 characters or fewer."
    if not source or len(source) > StrainFactorTable._meta.get_field("source").max_length:  # type: ignore[operator]
        problems["source"] = (
            "Say where the factors come from (the actuary's document), in 300 characters or fewer."
        )
    if problems:
        raise ValidationError(problems)
    parsed = parse_factor_rows(data, filename=filename)
    result = StrainImportResult(rows=len(parsed.rows))
    if not parsed.ok:
        result.errors = parsed.errors
        return result
    rows = list(factor_rows(parsed))
    by_month = any(months for _, _, months, _ in rows)
    with transaction.atomic():
        table = (
            StrainFactorTable.objects.for_partner(partner)
            .select_for_update()
            .filter(fund=fund, effective_from=effective_from)
            .first()
        )
        before = None
        if table is not None:
            before = {"rows": table.factors.count(), "source": table.source, "file": table.filename}
            table.factors.all().delete()
            result.replaced = True
        else:
            table = StrainFactorTable(partner=partner, fund=fund, effective_from=effective_from)
        table.by_month = by_month
        table.source = source
        table.filename = filename[:200]
        table.uploaded_by = user_of(actor)
        table.save()
        StrainFactor.objects.bulk_create(
            [
                StrainFactor(
                    partner=partner, table=table, sex=sex, age_years=years, age_months=months, factor=f
                )
                for sex, years, months, f in rows
            ],
            batch_size=BATCH,
        )
        record_event(
            actor=actor,
            partner=partner,
            action="change.strain_factors_imported",
            target=table,
            before=before,
            after={
                "fund": fund,
                "effective_from": effective_from.isoformat(),
                "rows": len(rows),
                "by_month": by_month,
                "source": source,
                "file": filename,
            },
        )
    result.saved = len(rows)
    result.table = table
    return result


def strain_factors_on(*, partner: Partner, fund: str, on: date) -> StrainFactors | None:
    """The partner's table for ``fund`` in force on ``on`` (the latest from on or before it), as
    the pure lookup a quote takes; None when the fund has no table yet. For services, which
    have authorised their caller: a quote's strain cost is the employer's, not the employee's
    to browse."""
    table = (
        StrainFactorTable.objects.for_partner(partner)
        .filter(fund=" ".join(fund.split()), effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if table is None:
        return None
    rows = StrainFactor.objects.for_partner(partner).filter(table=table)
    return StrainFactors.from_rows(
        table.fund,
        table.effective_from,
        rows.values_list("sex", "age_years", "age_months", "factor").iterator(),
    )
