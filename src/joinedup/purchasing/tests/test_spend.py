"""Spend analysis over a hand-built set of paid invoices (issue 14, "Purchasing power").

The council paid Acme for 10 reams-boxes of paper at £20.00 in May (£200.00), Beta for 5 at
£24.00 in June (£120.00) and Fuelco for 100 litres at £1.50 in June (£150.00); Acme credited it
one box (£20.00) in June; an approved but unpaid Acme invoice for £1,000.00 is not spend. The
police paid Beta for 20 boxes at £22.50 (£450.00) and Fuelco for 200 litres at £1.40 (£280.00)
and a £30.00 uncategorised line, all in May.

Council £450.00, police £760.00, £1,210.00 in all. Paper is bought by both partners from two
suppliers: the best price paid is the council's from Acme, 9 boxes for £180.00 (£20.00 each), so
the council's Beta paper would have cost £100.00 (saving £20.00) and the police's £400.00
(saving £50.00): £70.00. Fuel is bought by both from one supplier only: not a candidate."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal as D
from typing import Any

import numpy as np
import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.permissions import forget_cached_roles
from joinedup.purchasing import payments, selectors, spend, spend_rollup
from joinedup.purchasing.models import (
    Category,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    SpendMonth,
    Supplier,
    line_net,
    line_vat,
)
from joinedup.purchasing.spend import month_key
from joinedup.purchasing.tests.invoicing import sample_payables

MAY, JUNE = date(2026, 5, 11), date(2026, 6, 10)


class SpendTestCase(LedgerTestCase):
    shared_buyer: Any
    council_buyer: Any
    police_buyer: Any
    paper: Category
    fuel: Category
    acme: Supplier
    beta: Supplier
    fuelco: Supplier

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        council, police = cls.council, cls.police
        # The shared-services body's purchasing officer buys for both partners.
        cls.shared_buyer = cls.make_user(
            "shared.buyer", [(council, Role.PURCHASING_OFFICER), (police, Role.PURCHASING_OFFICER)]
        )
        cls.council_buyer = cls.make_user("council.buyer", [(council, Role.PURCHASING_OFFICER)])
        cls.police_buyer = cls.make_user("police.buyer", [(police, Role.PURCHASING_OFFICER)])
        cls.paper = Category.objects.create(code="SPX-PAPER", name="Paper")
        cls.fuel = Category.objects.create(code="SPX-FUEL", name="Fleet fuel")
        cls.acme = Supplier.objects.create(name="Acme Stationery Ltd")
        cls.beta = Supplier.objects.create(name="Beta Office LLP")
        cls.fuelco = Supplier.objects.create(name="Fuelco Ltd")
        cls.invoice(council, cls.acme, MAY, [(cls.paper, "10", "20.00")])
        cls.invoice(council, cls.beta, JUNE, [(cls.paper, "5", "24.00")])
        cls.invoice(council, cls.fuelco, JUNE, [(cls.fuel, "100", "1.50")])
        cls.invoice(council, cls.acme, JUNE, [(cls.paper, "50", "20.00")], status=InvoiceStatus.APPROVED)
        cls.invoice(council, cls.acme, JUNE, [(cls.paper, "1", "20.00")], kind="credit_note")
        cls.invoice(police, cls.beta, MAY, [(cls.paper, "20", "22.50")])
        cls.invoice(police, cls.fuelco, MAY, [(cls.fuel, "200", "1.40"), (None, "1", "30.00")])
        # Made here without payment runs, so the roll-up is rebuilt from them, as after a load.
        with rls.system_context("tests: the roll-up of the hand-built invoices"):
            spend_rollup.rebuild([council.pk, police.pk])

    @classmethod
    def invoice(
        cls,
        partner: Partner,
        supplier: Supplier,
        day: date,
        lines: list[tuple[Category | None, str, str]],
        *,
        status: str = InvoiceStatus.PAID,
        kind: str = "invoice",
    ) -> Invoice:
        amounts = [line_net(D(q), D(p)) for _, q, p in lines]
        net = sum(amounts, D("0.00"))
        vat = sum((line_vat(a, D(20)) for a in amounts), D("0.00"))
        number = f"{partner.code}-{Invoice.objects.for_partner(partner).count() + 1}"
        made = Invoice.objects.create(
            partner=partner,
            supplier=supplier,
            kind=kind,
            number=number,
            number_key=number,
            invoice_date=day,
            received_date=day,
            due_date=day,
            net=net,
            vat=vat,
            gross=net + vat,
            status=status,
            entered_by=cls.council_finance,
        )
        centre = CostCentre.objects.for_partner(partner).order_by("code")[0]
        account = Account.objects.for_partner(partner).get(code="4200")
        for n, ((category, quantity, price), amount) in enumerate(zip(lines, amounts, strict=True), start=1):
            InvoiceLine.objects.create(
                partner=partner,
                invoice=made,
                line_number=n,
                description="Goods",
                category=category,
                quantity=D(quantity),
                unit_price=D(price),
                vat_rate=D(20),
                net=amount,
                vat=line_vat(amount, D(20)),
                cost_centre=centre,
                account=account,
            )
        return made


class TestSpendCube(SpendTestCase):
    def test_the_shared_body_sees_every_partners_paid_spend_net_of_vat_and_credit_notes(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        assert view.total == 121_000
        assert view.by("partner").as_dict() == {(self.council.pk,): 45_000, (self.police.pk,): 76_000}

    def test_it_rolls_paid_spend_up_by_partner_category_and_month(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        may, june = month_key(2026, 5), month_key(2026, 6)
        assert view.by("partner", "category", "month").as_dict() == {
            (self.council.pk, self.paper.pk, may): 20_000,
            (self.council.pk, self.paper.pk, june): 10_000,  # £120.00 from Beta less Acme's £20.00 credit
            (self.council.pk, self.fuel.pk, june): 15_000,
            (self.police.pk, spend.NO_CATEGORY, may): 3_000,
            (self.police.pk, self.paper.pk, may): 45_000,
            (self.police.pk, self.fuel.pk, may): 28_000,
        }

    def test_it_rolls_paid_spend_up_by_supplier(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        assert view.by("supplier").as_dict() == {
            (self.acme.pk,): 18_000,
            (self.beta.pk,): 57_000,
            (self.fuelco.pk,): 46_000,
        }

    def test_it_counts_only_invoices_dated_in_the_months_asked_for(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None, month_to=month_key(2026, 5))
        assert view.by("partner").as_dict() == {(self.council.pk,): 20_000, (self.police.pk,): 76_000}

    def test_a_partner_sees_only_its_own_spend(self) -> None:
        view = selectors.spend_view(self.council_buyer, partner=self.council)
        assert view.total == 45_000
        assert set(view.partners) == {self.council.pk}
        assert set(view.rows.partner.tolist()) == {self.council.pk}

    def test_a_partner_only_reader_asking_for_every_partner_gets_its_own_spend(self) -> None:
        view = selectors.spend_view(self.police_buyer, partner=None)
        assert view.by("partner").as_dict() == {(self.police.pk,): 76_000}

    def test_it_answers_404_for_a_partner_the_reader_holds_no_role_on(self) -> None:
        with self.assertRaises(Http404):
            selectors.spend_view(self.police_buyer, partner=self.council)

    def test_it_refuses_a_member_without_spend_analysis(self) -> None:
        with self.assertRaisesMessage(PermissionDenied, "purchasing.view_spend"):
            selectors.spend_view(self.council_viewer, partner=self.council)

    def test_its_query_count_does_not_grow_with_the_spend(self) -> None:
        def queries() -> tuple[int, int]:
            forget_cached_roles(self.shared_buyer)
            with CaptureQueriesContext(connection) as captured:
                selectors.spend_view(self.shared_buyer, partner=None)
            spent = [q for q in captured.captured_queries if "purchasing_spendmonth" in q["sql"]]
            return len(captured.captured_queries), len(spent)

        before = queries()
        extra = Supplier.objects.create(name="Gamma Paper Ltd")
        for day in (MAY, JUNE):
            self.invoice(self.police, extra, day, [(self.paper, "3", "19.00"), (self.fuel, "10", "1.45")])
        with rls.system_context("tests: the roll-up again"):
            spend_rollup.rebuild([self.police.pk])
        assert queries() == before
        assert before[1] == 1  # one query reads the spend


class TestRollup(SpendTestCase):
    def test_a_rebuild_gives_the_same_rows_however_often_it_runs(self) -> None:
        def rows() -> list[tuple[Any, ...]]:
            return list(
                SpendMonth.objects.for_partners([self.council, self.police]).values_list(
                    "partner_id", "month", "category_id", "supplier_id", "net", "quantity", "lines"
                )
            )

        before = rows()
        with rls.system_context("tests: rebuild twice"):
            assert spend_rollup.rebuild([self.council.pk, self.police.pk]) == 7
            assert spend_rollup.rebuild([self.council.pk, self.police.pk]) == 7
        assert rows() == before
        assert (self.council.pk, month_key(2026, 6), self.paper.pk, self.acme.pk, -2_000, -1_000, 1) in before

    def test_marking_a_run_paid_adds_its_invoices_to_the_spend_once(self) -> None:
        approver = self.make_user("council.payer2", [(self.council, Role.FINANCE_OFFICER)])
        sample = sample_payables(
            self.council, enterer=self.council_buyer, verifier=approver, payer=self.council_finance
        )
        run = payments.payment_run_approve(actor=approver, run=sample.run)
        payments.payment_run_mark_paid(actor=self.council_finance, run=run)
        assert selectors.spend_view(self.council_buyer, partner=self.council).total == 45_000 + 10_000
        with self.assertRaises(ValidationError):
            payments.payment_run_mark_paid(actor=self.council_finance, run=run)
        assert SpendMonth.objects.for_partner(self.council).get(supplier=sample.supplier).net == 10_000
        with rls.system_context("tests: the roll-up agrees with the invoices"):
            spend_rollup.rebuild([self.council.pk])
        assert selectors.spend_view(self.council_buyer, partner=self.council).total == 55_000


class TestRebuildCommand(SpendTestCase):
    """``joinedup purchasing spend-rebuild``: the roll-up recomputed from the paid invoices, for a
    database whose invoices were paid before it existed (spend_rollup.spend_rebuild)."""

    def rebuild(self, *args: str) -> dict[str, Any]:
        out = io.StringIO()
        call_command("purchasing", "spend-rebuild", "--json", *args, stdout=out)
        result: dict[str, Any] = json.loads(out.getvalue())
        return result

    def view(self) -> dict[str, Any]:
        body: dict[str, Any] = self.api(self.shared_buyer).get("/api/v1/purchasing/spend").json()
        return body

    def events(self) -> list[AuditEvent]:
        with rls.system_context("tests: the global chain"):
            return list(
                AuditEvent.objects.unscoped(reason="tests: the global chain")
                .filter(partner__isnull=True, action="purchasing.spend_rebuilt")
                .order_by("pk")
            )

    def test_a_rebuild_after_deleting_the_roll_up_gives_the_same_spend_view(self) -> None:
        before = self.view()
        with rls.system_context("tests: a database from before the roll-up"):
            SpendMonth.objects.for_partners([self.council, self.police]).delete()
        assert self.view()["total"] == "0.00"
        first = self.rebuild()
        assert first == {"rows": {"WCC": 4, "WFRS": 0, "WPOL": 3, "WSS": 0}, "total": 7}
        assert self.view() == before
        assert before["total"] == "1210.00"
        # Idempotent: a second run writes the same rows and leaves the view as it was.
        assert self.rebuild() == first
        assert self.view() == before
        events = self.events()
        assert len(events) == 2  # one per run, however many partners
        assert events[0].actor_id is None
        assert "joinedup purchasing spend-rebuild" in events[0].actor_label
        assert events[0].after == {
            "partners": ["WCC", "WFRS", "WPOL", "WSS"],
            "rows": {"WCC": 4, "WFRS": 0, "WPOL": 3, "WSS": 0},
            "total": 7,
        }

    def test_it_rebuilds_one_partner_named_by_its_code(self) -> None:
        with rls.system_context("tests: a database from before the roll-up"):
            SpendMonth.objects.for_partners([self.council, self.police]).delete()
        assert self.rebuild("--partner", "wpol") == {"rows": {"WPOL": 3}, "total": 3}
        assert self.view()["total"] == "760.00"  # the police's only; the council's is not rebuilt

    def test_a_user_without_purchasing_setup_is_refused_and_nothing_changes(self) -> None:
        with rls.system_context("tests: a database from before the roll-up"):
            SpendMonth.objects.for_partners([self.council]).delete()
        with self.assertRaisesMessage(CommandError, "You do not have permission to purchasing.setup"):
            self.rebuild("--partner", "WCC", "--as", "council.buyer")
        assert self.view()["total"] == "760.00"
        assert self.events() == []

    def test_the_text_output_prints_the_rows_written(self) -> None:
        out = io.StringIO()
        call_command("purchasing", "spend-rebuild", "--partner", "WCC", stdout=out)
        assert out.getvalue() == "WCC: 4 rows\n4 rows written for 1 partner.\n"


class TestConsolidation(SpendTestCase):
    def test_paper_is_a_candidate_with_a_saving_of_seventy_pounds_at_the_best_price(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        assert [(c.category, c.partners, c.suppliers, c.net, c.saving) for c in view.candidates] == [
            (self.paper.pk, 2, 2, 75_000, 7_000)
        ]
        paper = view.candidates[0]
        assert paper.best_price == 200_000  # £20.00 in hundredths of a penny
        assert paper.highest_price == 240_000
        assert [(p.partner, p.supplier, p.net, p.quantity, p.unit_price, p.saving) for p in paper.prices] == [
            (self.council.pk, self.acme.pk, 18_000, 9_000, 200_000, 0),
            (self.police.pk, self.beta.pk, 45_000, 20_000, 225_000, 5_000),
            (self.council.pk, self.beta.pk, 12_000, 5_000, 240_000, 2_000),
        ]

    def test_fuel_from_one_supplier_is_not_a_candidate(self) -> None:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        assert self.fuel.pk not in [c.category for c in view.candidates]

    def test_within_one_partner_a_category_from_two_suppliers_is_a_candidate(self) -> None:
        view = selectors.spend_view(self.council_buyer, partner=self.council)
        assert [(c.category, c.partners, c.suppliers, c.saving) for c in view.candidates] == [
            (self.paper.pk, 1, 2, 2_000)
        ]
        assert selectors.spend_view(self.police_buyer, partner=self.police).candidates == []


class TestSpendArithmetic:
    """The pure roll-up, on plain integers."""

    def test_a_unit_price_is_net_over_quantity_to_a_hundredth_of_a_penny_half_up(self) -> None:
        # £10.00 for 3 units: 333.333... pence, 33,333.33 hundredths, rounded to 33,333.
        prices = spend.unit_prices(
            np.array([1_000, 1_001], dtype=np.int64), np.array([3_000, 2_000], dtype=np.int64)
        )
        assert prices.tolist() == [33_333, 50_050]

    def test_an_only_credited_pair_has_no_price_and_no_saving(self) -> None:
        rows = spend.SpendRows.from_groups(
            [
                (1, 5, 10, 100, False, False, 1_000, 1_000, 1),
                (2, 5, 11, 100, False, False, 3_000, 1_000, 1),
                (2, 5, 12, 100, False, True, 500, 1_000, 1),
            ]
        )
        (candidate,) = spend.consolidation(rows)
        assert candidate.saving == 2_000
        assert [p.unit_price for p in candidate.prices] == [-1, 100_000, 300_000]

    def test_it_refuses_a_pair_too_large_for_int64_rather_than_wrap(self) -> None:
        with_overflow = np.array([2**62], dtype=np.int64)
        try:
            spend.unit_prices(with_overflow, np.array([1], dtype=np.int64))
        except OverflowError as exc:
            assert "too large" in str(exc)
        else:
            raise AssertionError("no OverflowError")


class TestSpendApiAndPage(SpendTestCase):
    def test_the_partnership_endpoint_gives_the_cube_and_the_candidates_in_pounds(self) -> None:
        response = self.api(self.shared_buyer).get("/api/v1/purchasing/spend")
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == "1210.00"
        assert body["saving"] == "70.00"
        assert body["off_contract"] == "0.00"  # no contract in the register covers this set
        (paper,) = body["candidates"]
        assert (paper["category"], paper["best_unit_price"], paper["saving"]) == (
            "SPX-PAPER",
            "20.0000",
            "70.00",
        )
        assert len(body["cells"]) == 7  # council paper May, June (Beta; Acme's credit), fuel; police three

    def test_the_partner_endpoint_gives_its_own_spend(self) -> None:
        response = self.api(self.council_buyer).get(
            f"/api/v1/partners/{self.council.pk}/purchasing/spend?from_month=2026-06"
        )
        assert response.status_code == 200
        assert response.json()["total"] == "250.00"

    def test_another_partners_user_gets_404_on_the_partner_endpoint(self) -> None:
        response = self.api(self.police_buyer).get(f"/api/v1/partners/{self.council.pk}/purchasing/spend")
        assert response.status_code == 404
        assert "1210" not in response.content.decode() and "450.00" not in response.content.decode()

    def test_the_page_shows_totals_charts_and_the_off_contract_place(self) -> None:
        response = self.signed_in(self.shared_buyer).get("/purchasing/spend/?partner=all")
        assert response.status_code == 200
        html = response.content.decode()
        assert "£1,210.00" in html and "£70.00" in html
        assert 'data-testid="chart-monthly"><svg' in html
        assert 'data-testid="off-contract"' in html
        assert "<script" not in html.split('data-testid="chart-monthly"')[1].split("</svg>")[0]

    def test_the_page_answers_404_for_another_partners_spend(self) -> None:
        response = self.signed_in(self.police_buyer).get(f"/purchasing/spend/?partner={self.council.pk}")
        assert response.status_code == 404

    def test_the_candidates_download_as_xlsx_with_their_figures(self) -> None:
        response = self.signed_in(self.shared_buyer).get(
            "/purchasing/spend/?partner=all&table=candidates&format=xlsx"
        )
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1] == ("SPX-PAPER Paper", 2, 2, 750, 20, 24, 70)

    def test_a_csv_download_neutralises_a_formula_in_a_supplier_name(self) -> None:
        Supplier.objects.filter(pk=self.fuelco.pk).update(name='=HYPERLINK("http://x","y")')
        response = self.signed_in(self.shared_buyer).get(
            "/purchasing/spend/?partner=all&table=suppliers&format=csv"
        )
        assert response.status_code == 200
        assert "'=HYPERLINK" in response.content.decode("utf-8-sig")

    def test_purchasing_home_links_to_spend_analysis_only_for_those_who_may_read_it(self) -> None:
        link = 'href="/purchasing/spend/"'
        assert link in self.signed_in(self.council_buyer).get("/purchasing/").content.decode()
        assert link not in self.signed_in(self.council_viewer).get("/purchasing/").content.decode()
