from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client, TestCase
from django.utils import timezone

from joinedup.audit.verification import verify_all
from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.month import DEMO_PAY_DATE
from joinedup.bench.demo.recharges import seed_demo_recharges
from joinedup.bench.demo.seed import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, USERS, needs_second_factor
from joinedup.ledger.models import Budget, Journal, JournalLine, Period
from joinedup.ledger.reports import budget_vs_actual
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.payroll.models import PayRun, VarianceFlag
from joinedup.people.models import CostSplit, Employment, Person, Secondment, TupeTransfer
from joinedup.people.selectors import employments_of
from joinedup.purchasing.contracts import contracts_visible_to, due_threshold
from joinedup.purchasing.models import BankDetailChange, Requisition, SupplierBankDetails
from joinedup.recharges.models import RechargeLine, RechargeRun
from joinedup.recharges.selectors import reconciliation, statement_for


def _all(model: type) -> object:
    return model.objects.unscoped(reason="the demo test counts every partner's rows")  # type: ignore[attr-defined]


class TestDemoPartnership(TestCase):
    def test_it_seeds_the_wessex_partnership_with_its_sign_ins_and_people(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "200", stdout=out)
        assert sorted(Partner.objects.values_list("code", flat=True)) == ["WCC", "WFRS", "WPOL", "WSS"]
        users = get_user_model().objects
        assert len(partner_ids_with(users.get(username="ops.admin"), "partnership.view")) == 4
        council_hr_partners = partner_ids_with(users.get(username="council.hr"), "partnership.view")
        assert council_hr_partners == [Partner.objects.get(code="WCC").pk]
        # 200 staff, the shared chief executive, the two council staff who sign in, the five
        # council officers who are also on-call firefighters and the twelve of the HR teams the
        # workforce-change programme restructures; transferred staff keep one person record, and
        # so do the five with an employment at the council and another at the fire service.
        assert _all(Person).count() == 220  # type: ignore[attr-defined]
        transfer = _all(TupeTransfer).get()  # type: ignore[attr-defined]
        moved = transfer.items.count()
        assert moved > 0
        assert _all(Employment).count() == 220 + 5 + moved  # type: ignore[attr-defined]
        split = _all(CostSplit).get()  # type: ignore[attr-defined]
        assert {s.charged_partner.code: s.percent for s in split.shares.all()} == {
            "WCC": Decimal(50),
            "WFRS": Decimal(50),
        }
        secondment = _all(Secondment).get()  # type: ignore[attr-defined]
        assert (secondment.partner.code, secondment.host_partner.code) == ("WCC", "WPOL")
        employee = users.get(username="council.employee")
        assert [e.partner.code for e in employments_of(employee, employee.person)] == ["WCC"]
        assert "password for all: wessex-demo-2026" in out.getvalue()
        # Purchasing: a bank-detail change waiting for its second person, and a requisition above
        # the council manager's limit waiting for a finance officer.
        assert BankDetailChange.objects.get(status="pending").supplier.name == "Hampshire Legal LLP"
        # The contracts register: the stationery contract is due, three months or less to its end.
        buyer = users.get(username="shared.buyer")
        due = contracts_visible_to(buyer, due_on=timezone.localdate())
        assert [(c.reference, due_threshold(c, timezone.localdate())) for c in due] == [("WSS-C-0001", 3)]
        assert contracts_visible_to(buyer).count() == 4
        assert SupplierBankDetails.objects.filter(current_until__isnull=True).count() == 10
        requisition = _all(Requisition).get(status="submitted")  # type: ignore[attr-defined]
        assert requisition.requested_by.username == "council.manager"
        assert [r.broken for r in verify_all()] == [None] * 5

    def test_each_demo_user_with_a_record_opens_their_own_under_their_name(self) -> None:
        call_command("demo", "--no-serve", "--employees", "60", stdout=StringIO())
        linked = get_user_model().objects.filter(person__isnull=False).order_by("username")
        assert [u.username for u in linked] == ["council.employee", "council.manager", "fire.retained"]
        for user in linked:
            with self.subTest(user.username):
                person = _all(Person).get(user=user)  # type: ignore[attr-defined]
                assert user.get_full_name() == person.full_name
                memberships = set(
                    Membership.objects.filter(user=user).values_list("partner__code", flat=True)
                )
                employers = {e.partner.code for e in employments_of(user, person)}
                assert employers and employers <= memberships
                self.client.force_login(user)
                page = self.client.get("/me").content.decode()
                assert (
                    f'<span class="govuk-caption-l" data-testid="my-name">{person.full_name}</span>' in page
                )

    def test_each_demo_user_signs_in_and_those_who_need_it_with_the_printed_demo_key(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "20", stdout=out)
        printed = out.getvalue()
        assert f"add the demo key {DEMO_TOTP_KEY_BASE32} to an authenticator app" in printed
        needing = [username for username, _, grants in USERS if needs_second_factor(grants)]
        assert needing == [
            "ops.admin",
            "payroll.approver",
            "council.finance",
            "police.finance",
            "fire.finance",
            "shared.finance",
            "shared.dpo",
            "shared.buyer",
            "shared.buyer2",
            "oh.clinician",
        ]
        assert f" *{'payroll.approver':18} Alex Perry" in printed
        for username, _, _ in USERS:
            with self.subTest(username):
                client = Client()
                client.post("/sign-in", {"username": username, "password": DEMO_PASSWORD})
                if username in needing:
                    assert client.get("/")["Location"] == "/sign-in/code?next=%2F"
                    code = StringIO()
                    call_command("otp", "code", "--key", DEMO_TOTP_KEY_BASE32, stdout=code, stderr=StringIO())
                    client.post("/sign-in/code", {"code": code.getvalue().strip()})
                assert client.get("/").status_code == 200

    def test_running_it_again_adds_nothing(self) -> None:
        call_command("demo", "--no-serve", "--employees", "50", stdout=StringIO())
        counts = (Partner.objects.count(), Membership.objects.count(), _all(Employment).count())  # type: ignore[attr-defined]
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "50", stdout=out)
        assert (Partner.objects.count(), Membership.objects.count(), _all(Employment).count()) == counts  # type: ignore[attr-defined]
        assert "already present" in out.getvalue()


class TestDemoMonth(TestCase):
    def test_october_is_paid_for_every_employer_and_posted_to_each_ledger(self) -> None:
        call_command("demo", "--no-serve", "--employees", "120", stdout=StringIO())
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


class TestDemoBudgets(TestCase):
    def test_each_partner_has_a_2026_27_budget_to_set_against_octobers_pay_costs(self) -> None:
        call_command("demo", "--no-serve", "--employees", "120", stdout=StringIO())
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


class TestDemoRecharges(TestCase):
    def test_october_is_recharged_to_the_pools_and_inter_partner_balances_net_to_zero(self) -> None:
        call_command("demo", "--no-serve", "--employees", "120", stdout=StringIO())
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
