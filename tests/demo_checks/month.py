"""The demo's October: pay runs paid and posted, budgets for the year, the recharge run."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.month import DEMO_PAY_DATE
from joinedup.bench.demo.recharges import seed_demo_recharges
from joinedup.ledger.models import Budget, Journal, JournalLine, Period
from joinedup.ledger.reports import budget_vs_actual
from joinedup.partnership.models import Partner
from joinedup.payroll.models import PayRun, VarianceFlag
from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.recharges.selectors import reconciliation, statement_for
from tests.demo_checks.base import DemoChecks


def _all(model: type) -> object:
    return model.objects.unscoped(reason="the demo test counts every partner's rows")  # type: ignore[attr-defined]


class DemoMonthChecks(DemoChecks):
    def test_october_is_paid_for_every_employer_and_posted_to_each_ledger(self) -> None:
        runs = _all(PayRun).order_by("partner__code")  # type: ignore[attr-defined]
        assert [(r.partner.code, r.status, r.pay_date) for r in runs] == [
            (code, "paid", DEMO_PAY_DATE) for code in ("WCC", "WFRS", "WPOL", "WSS")
        ]
        assert all(r.progress_total > 0 for r in runs)
        # The shared chief executive's cost lands half in the fire service's ledger.
        keys = sorted(
            _all(Journal)  # type: ignore[attr-defined]
            .filter(source="payroll_run")
            .values_list("partner__code", "idempotency_key")
        )
        by_code = {r.partner.code: r.pk for r in runs}
        # Each run is paid too: its payment clears the net-pay creditor in the employer's ledger.
        assert keys == sorted(
            [(code, f"payroll-run:{by_code[code]}") for code in by_code]
            + [("WFRS", f"payroll-run:{by_code['WCC']}")]
            + [(code, f"payroll-payment:{by_code[code]}") for code in by_code]
        )
        net_pay = _all(JournalLine).filter(account__code="B320")  # type: ignore[attr-defined]
        assert net_pay.aggregate(d=Sum("debit"))["d"] == net_pay.aggregate(c=Sum("credit"))["c"] > 0
        lines = _all(JournalLine)  # type: ignore[attr-defined]
        assert lines.aggregate(d=Sum("debit"))["d"] == lines.aggregate(c=Sum("credit"))["c"] > 0
        # Police staff are paid on the demo's illustrative PSC values, none below the minimum wage.
        assert not _all(VarianceFlag).filter(kind__in=["no_pay_rate", "below_minimum_wage"]).exists()  # type: ignore[attr-defined]


class DemoBudgetsChecks(DemoChecks):
    def test_each_partner_has_a_2026_27_budget_to_set_against_octobers_pay_costs(self) -> None:
        for partner in Partner.objects.order_by("code"):
            with self.subTest(partner.code):
                budgets = Budget.objects.for_partner(partner).filter(period__year__start_year=2026)
                # Every budget line is set for all twelve months of the year.
                assert budgets.count() > 0 and budgets.count() % 12 == 0
                october = Period.objects.for_partner(partner).get(start_date=date(2026, 10, 1))
                report = budget_vs_actual(SEEDER, partner=partner, period_from=october, period_to=october)
                pay = [
                    line.figures
                    for section in report.sections
                    for line in section.lines
                    if line.account.group == "Employees"
                ]
                assert pay and all(f.budget > 0 and f.actual > 0 for f in pay)
                # Within a few per cent of October's run rate, not a copy of it.
                total = sum(f.budget for f in pay), sum(f.actual for f in pay)
                assert total[0] != total[1] and abs(total[0] - total[1]) * 100 < 7 * total[1]
                assert report.total.budget > 0


class DemoRechargesChecks(DemoChecks):
    def test_october_is_recharged_to_the_pools_and_inter_partner_balances_net_to_zero(self) -> None:
        shared = Partner.objects.get(code="WSS")
        # October 2026 is run by the demo; the eleven months before it are taken on for the
        # business case's realisation year (bench/demo/realisation.py).
        runs = RechargeRun.objects.for_partner(shared).order_by("month")
        months = [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
        assert [r.month for r in runs] == months
        run = runs.get(month=date(2026, 10, 1))
        lines = list(
            RechargeLine.objects.for_partner(shared).filter(run=run, kind="pool").select_related("pool")
        )
        pools = {line.pool.service: line.pool_amount for line in lines if line.pool is not None}
        assert sorted(pools) == ["finance", "hr", "ict", "occupational_health", "payroll", "purchasing"]
        assert all(amount > 0 for amount in pools.values())
        # Each pool is shared out to the penny, and every statement adds up to its lines.
        for service, amount in pools.items():
            assert sum(line.amount for line in lines if line.service == service) == amount
        statements = {
            code: statement_for(SEEDER, partner=Partner.objects.get(code=code), month="2026-10")
            for code in ("WCC", "WPOL", "WFRS")
        }
        pool_total = sum(
            s.total - sum(x.amount for x in s.lines if x.service == "Secondment") for s in statements.values()
        )
        assert pool_total == sum(pools.values())
        # The finance agreements changed to FTE on 1 September; occupational health is 50/30/20.
        assert {line.driver for line in lines if line.service == "finance"} == {"fte"}
        oh = {
            line.charged_partner.code: line.amount for line in lines if line.service == "occupational_health"
        }
        assert oh == {"WCC": pools["occupational_health"] // 2, "WPOL": 192_000, "WFRS": 128_000}
        # The secondment from the council to the constabulary is charged to the host.
        assert any(x.service == "Secondment" and x.issuer == "WCC" for x in statements["WPOL"].lines)
        report = reconciliation(SEEDER, month="2026-10")
        assert report.rows and report.total_difference == 0
        inter = _all(JournalLine).filter(account__inter_partner=True)  # type: ignore[attr-defined]
        debtors = inter.filter(account__type="asset").aggregate(d=Sum("debit"), c=Sum("credit"))
        creditors = inter.filter(account__type="liability").aggregate(d=Sum("debit"), c=Sum("credit"))
        assert debtors["d"] - debtors["c"] == creditors["c"] - creditors["d"] > 0
        # Running the recharge again posts nothing new.
        before = _all(Journal).count()  # type: ignore[attr-defined]
        seed_demo_recharges(partners={p.code: p for p in Partner.objects.all()}, say=lambda _: None)
        assert _all(Journal).count() == before  # type: ignore[attr-defined]
