"""The worklist: one section per role the user holds on the partner, each a list of tiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import roles_on
from joinedup.workspaces import budget, finance, oversight, payroll, people, purchasing
from joinedup.workspaces.budget import YearSoFar
from joinedup.workspaces.charts import (
    Chart,
    PayMonth,
    UnitFte,
    fte_by_unit,
    fte_chart,
    pay_by_month,
    pay_chart,
)
from joinedup.workspaces.tiles import Section, Tile, link

TileSource = Callable[..., list[Tile]]

# In the order the sections appear on the home page. A role missing here (viewer, purchasing
# officer) has no tiles yet: its section says so.
SOURCES: dict[str, TileSource] = {
    Role.PAYROLL_OFFICER: payroll.officer_tiles,
    Role.PAYROLL_APPROVER: payroll.approver_tiles,
    Role.HR_OFFICER: people.hr_tiles,
    Role.FINANCE_OFFICER: finance.finance_tiles,
    Role.MANAGER: people.manager_tiles,
    Role.EMPLOYEE: people.employee_tiles,
    Role.SERVICE_ADMIN: oversight.service_admin_tiles,
    Role.DATA_PROTECTION_OFFICER: oversight.dpo_tiles,
    Role.UNION_REP: oversight.union_tiles,
    Role.SERVICE_DESK_AGENT: oversight.service_desk_tiles,
    Role.OH_CLINICIAN: oversight.occupational_health_tiles,
    Role.OH_ADMIN: oversight.occupational_health_tiles,
    Role.PURCHASING_OFFICER: purchasing.purchasing_tiles,
}


def today() -> date:
    """The day the tiles count on: the home page and the API ask here, so a test can fix it."""
    return timezone.localdate()


# The roles whose section carries the chart of gross pay and headcount by month.
PAY_CHART_ROLES = frozenset({Role.PAYROLL_OFFICER, Role.PAYROLL_APPROVER})


@dataclass(frozen=True)
class Worklist:
    partner: Partner
    sections: list[Section]
    # Gross pay and headcount by month (charts.pay_by_month), for payroll roles; else empty.
    pay_months: list[PayMonth] = field(default_factory=list)
    # Budget against actual for the financial year so far, for finance officers; else None.
    budget: YearSoFar | None = None
    # FTE in post against budgeted establishment by unit (charts.fte_by_unit), for HR officers.
    fte_units: list[UnitFte] = field(default_factory=list)

    @property
    def charts(self) -> list[Chart]:
        """The home page's charts, each beside the table of its figures, in the page's order."""
        charts = []
        if self.pay_months:
            charts.append(pay_chart(self.pay_months, self.partner.name))
        if self.fte_units:
            charts.append(fte_chart(self.fte_units, self.partner.name, link("establishment")))
        return charts


def worklist(user: Any, *, partner: Partner, today: date) -> Worklist:
    """What waits for ``user`` on ``partner``: a section per role they hold there, in the order
    of ``SOURCES`` (then the roles with no tiles yet), each with its tiles' counts."""
    held = roles_on(user, partner)
    ordered = [r for r in SOURCES if r in held] + sorted(r for r in held if r not in SOURCES)
    sections = []
    year: YearSoFar | None = None
    for role in ordered:
        source = SOURCES.get(role)
        try:
            tiles = source(user, partner=partner, today=today) if source is not None else []
            if role == Role.FINANCE_OFFICER:
                year = budget.year_so_far(user, partner=partner, today=today)
                tiles = [*tiles, *budget.budget_tiles(year)]
        except PermissionDenied:
            # A gate (privacy's processor access) can close a role's permissions on a partner
            # the user still holds it on: the section shows nothing rather than the page failing.
            tiles = []
        sections.append(Section(role=role, label=Role(role).label, tiles=tiles))
    pay_months: list[PayMonth] = []
    if held & PAY_CHART_ROLES:
        try:
            pay_months = pay_by_month(user, partner=partner, today=today)
        except PermissionDenied:
            pay_months = []
    fte_units: list[UnitFte] = []
    if Role.HR_OFFICER in held:
        try:
            fte_units = fte_by_unit(user, partner=partner, today=today)
        except PermissionDenied:
            fte_units = []
    return Worklist(
        partner=partner, sections=sections, pay_months=pay_months, budget=year, fte_units=fte_units
    )
