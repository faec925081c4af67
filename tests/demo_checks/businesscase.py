"""The demo's business case: the baseline of the five shared areas across the three partners
(£67.8m a year, 1,196 staff), a shared-service and an outsourcing option with set-up costs of
£3.7m, the police authority's deferral of version 1 and every partner's approval of version 2,
read by the police's finance officer (who sees the shared baselines and its own) and the union
rep (who sees the published case, no shares)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client

from joinedup.bench.demo.businesscase import CASE
from joinedup.businesscase import realisation, selectors
from joinedup.businesscase.models import BusinessCase, OptionLine
from joinedup.core import rls
from tests.demo_checks.base import DemoChecks

DEMO_PASSWORD = "wessex-demo-2026"
SET_UP = (
    "Redundancy and pension strain",
    "One finance, HR and payroll system",
    "Project team",
    "Premises fit-out",
)


class DemoBusinessCaseChecks(DemoChecks):
    def test_the_case_is_approved_on_version_two_with_the_police_deferral_on_version_one(self) -> None:
        with rls.system_context("the demo test reads the demo's business case"):
            case = BusinessCase.objects.unscoped(reason="the demo test reads the demo's case").get(name=CASE)
            approved = selectors.partnership_approval(case)
            police = {
                d.version.number: d.outcome for d in selectors.decisions_of(case) if d.partner.code == "WPOL"
            }
            lines = OptionLine.objects.unscoped(reason="the demo test adds up the set-up costs").filter(
                option__version__case=case, option__version__number=2, name__in=SET_UP
            )
            set_up = sum(Decimal(a) for line in lines for a in line.amounts)
        assert approved is not None and approved.number == 2
        assert police == {1: "deferred", 2: "approved"}
        assert set_up == Decimal("3700000")

        # The police's finance officer: the council's and fire service's shared rows and its own.
        officer = get_user_model().objects.get(username="police.finance")
        access = selectors.case_for(officer, case_id=case.pk)
        seen = selectors.baselines_of(access, selectors.version_for(access))
        assert seen.total.total_cost == Decimal("67800000.00")
        assert seen.total.fte == Decimal("1196.00")
        assert len(seen.rows) == 15
        (shared_service, outsourcing) = selectors.option_appraisals(access, selectors.version_for(access))
        assert [s.partner for s in shared_service.shares] == ["WPOL"]
        assert shared_service.result.net_present_value > outsourcing.result.net_present_value > 0

        client = Client()
        assert (
            client.post("/sign-in", {"username": "union.rep", "password": DEMO_PASSWORD}).status_code == 302
        )
        text = client.get(f"/businesscase/{case.pk}/").content.decode()
        assert "Approved by the partnership</strong> on version 2" in text
        assert "£67,800,000.00" in text
        assert "Your share" not in text and "Each partner" not in text
        assert "Deferred for more information" in text

        # Benefits realisation from 1 November 2025, read by the police's finance officer: a year of
        # months (November 2025 to September 2026 taken on from the partners' previous ledgers,
        # then October's pay run journals and recharge), against version 2.
        found = realisation.realisation(access)
        assert found is not None
        assert (found.version.number, found.live_from) == (2, date(2025, 11, 1))
        year = [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
        assert [m.month for m in found.by_month] == year
        # The council and the fire service share their baseline detail; the police see their own.
        positions = {p.partner.code: p for p in found.positions}
        assert sorted(positions) == ["WCC", "WFRS", "WPOL"]
        assert positions["WCC"].own_cost > 0 and positions["WCC"].recharges > 0
        # The fire service keeps no back-office team: what it spends is its recharge.
        assert positions["WFRS"].own_cost == 0 and positions["WFRS"].recharges > 0
        assert found.total is not None and found.total.months == 12
        page = client.get(f"/businesscase/{case.pk}/realisation").content.decode()
        assert "(12 months reported)" in page
