"""Loads the national terms-and-conditions schemes from their data files
(``people/schemes/rules/*.toml``) into the database, so employments and posts can refer to
them. Idempotent: a second run changes nothing. A value corrected in a file updates its
dated rate, and the change is audited; a pay award is a new dated set in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from joinedup.audit.services import record_event
from joinedup.people.models import PayPoint, PayRate, TermsScheme
from joinedup.people.schemes import loader


@dataclass
class SyncReport:
    schemes_created: int = 0
    points_created: int = 0
    rates_created: int = 0
    rates_corrected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.schemes_created or self.points_created or self.rates_created or self.rates_corrected)


def _scheme_fields(scheme: loader.Scheme) -> dict[str, Any]:
    return {
        "name": scheme.name,
        "standard_weekly_hours": scheme.standard_weekly_hours,
        "increment_rule": str(scheme.increment_rule),
        "proration": str(scheme.proration),
        # The Green Book's extra statutory days are leave like any other for the balance.
        "leave_rules": [
            {"min_years": tier.min_years, "days": tier.days + scheme.leave_extra_days}
            for tier in scheme.leave
        ],
        "bank_holidays_extra": scheme.bank_holidays_extra,
        "source": scheme.source,
    }


@transaction.atomic
def schemes_sync(*, actor: Any, codes: list[str] | None = None) -> SyncReport:
    report = SyncReport()
    for scheme in loader.all_schemes():
        if codes is not None and scheme.code not in codes:
            continue
        row, created = TermsScheme.objects.update_or_create(code=scheme.code, defaults=_scheme_fields(scheme))
        report.schemes_created += int(created)
        points = {p.code: p for p in PayPoint.objects.filter(scheme=row)}
        withdrawn: dict[str, Any] = {}
        for scale in scheme.scales:
            for code in scale.deleted:
                withdrawn[code] = scale.effective_from
            for item in scale.points:
                withdrawn.pop(item.code, None)
                point = points.get(item.code)
                if point is None:
                    point = PayPoint.objects.create(
                        scheme=row, code=item.code, label=item.label, sort=item.sort
                    )
                    points[item.code] = point
                    report.points_created += 1
                elif (point.label, point.sort) != (item.label, item.sort):
                    point.label, point.sort = item.label, item.sort
                    point.save(update_fields=["label", "sort"])
                if item.annual is None:
                    continue  # not published: no rate rather than a guess
                _rate(report, point, scale, item.annual)
        for code, point in points.items():
            wanted = withdrawn.get(code)
            if point.withdrawn_from != wanted:
                point.withdrawn_from = wanted
                point.save(update_fields=["withdrawn_from"])
    if report.changed:
        record_event(
            actor=actor,
            partner=None,
            action="schemes.synced",
            after={
                "schemes_created": report.schemes_created,
                "points_created": report.points_created,
                "rates_created": report.rates_created,
                "rates_corrected": report.rates_corrected,
            },
        )
    return report


def _rate(report: SyncReport, point: PayPoint, scale: loader.Scale, annual: Decimal) -> None:
    existing = PayRate.objects.filter(point=point, effective_from=scale.effective_from).first()
    if existing is None:
        PayRate.objects.create(
            point=point,
            effective_from=scale.effective_from,
            annual=annual,
            source=scale.source,
            unconfirmed=scale.unconfirmed,
        )
        report.rates_created += 1
    elif (existing.annual, existing.unconfirmed, existing.source) != (
        annual,
        scale.unconfirmed,
        scale.source,
    ):
        report.rates_corrected.append(
            {"point": str(point), "from": scale.effective_from, "was": existing.annual, "now": annual}
        )
        existing.annual, existing.unconfirmed, existing.source = annual, scale.unconfirmed, scale.source
        existing.save(update_fields=["annual", "unconfirmed", "source"])
