"""Importing assets into a partner's register from CSV or XLSX (issue 15): all or nothing. Every
row is read and checked first, against the columns and against the register and the rest of the
file (a tag used twice); if any row has a problem nothing is registered and every problem is
reported by row, column and reason, as every import of joinedup does (core.tabular)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from joinedup.core import tabular
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.servicedesk.assets import PERMISSION, AssetDetails, assets_import, clean_details
from joinedup.servicedesk.models import Asset, AssetKind, AssetStatus

MAX_ROWS = 20_000
MAX_COST = Decimal("9999999999.99")

ASSET_COLUMNS = RowSpec(
    [
        Column("tag", tabular.text(max_length=40), example="WCC-LT-0001", help="Unique within the partner."),
        Column(
            "kind", tabular.choice(AssetKind.values), example="laptop", help=", ".join(AssetKind.values) + "."
        ),
        Column("make", tabular.text(max_length=100), example="Dell"),
        Column("model", tabular.text(max_length=100), example="Latitude 5450"),
        Column("serial", tabular.text(max_length=100), required=False, default="", example="5CD1234XYZ"),
        Column("cost", tabular.decimal(places=2, min=0, max=MAX_COST), example="849.99"),
        Column("purchased_on", tabular.iso_date(), required=False, default=None, example="2026-04-14"),
        Column("warranty_until", tabular.iso_date(), required=False, default=None, example="2029-04-13"),
        Column(
            "status",
            tabular.choice([AssetStatus.ORDERED.value, AssetStatus.IN_STOCK.value]),
            required=False,
            default=AssetStatus.IN_STOCK.value,
            example="in_stock",
        ),
    ]
)


@dataclass
class AssetImportResult:
    assets: list[Asset] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def assets_import_file(*, actor: Any, partner: Partner, source: Any, filename: str = "") -> AssetImportResult:
    """Register every asset of the file, or none, with every problem by row, column and reason."""
    authorise(actor, PERMISSION, partner)
    parsed = tabular.read_rows(source, ASSET_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    taken = set(Asset.objects.for_partner(partner).values_list("tag", flat=True))
    seen: dict[str, int] = {}
    details: list[AssetDetails] = []
    for number, row in parsed.numbered():
        if "tag" in row:
            tag = str(row["tag"]).strip().upper()
            if tag in taken:
                parsed.add_error(
                    number, "tag", f"{partner.code} already has an asset with this tag", row["tag"]
                )
            elif tag in seen:
                parsed.add_error(number, "tag", f"Also on row {seen[tag]}", row["tag"])
            else:
                seen[tag] = number
        try:
            details.append(
                clean_details(
                    AssetDetails(
                        tag=str(row.get("tag", "")),
                        kind=str(row.get("kind", AssetKind.OTHER)),
                        make=str(row.get("make", "-")),
                        model=str(row.get("model", "-")),
                        serial=str(row.get("serial", "")),
                        cost=row.get("cost", Decimal(0)),
                        purchased_on=row.get("purchased_on"),
                        warranty_until=row.get("warranty_until"),
                        status=str(row.get("status", AssetStatus.IN_STOCK)),
                    )
                )
            )
        except ValidationError as exc:
            for column, reasons in exc.message_dict.items():
                if column in row:  # a cell the columns already refused is reported once
                    parsed.add_error(number, column, reasons[0], row.get(column))
    if not parsed.ok or not parsed.rows:
        errors = parsed.errors or [RowError(0, "", "The file has no rows of assets.")]
        return AssetImportResult(errors=errors)
    return AssetImportResult(assets=assets_import(actor=actor, partner=partner, rows=details))
