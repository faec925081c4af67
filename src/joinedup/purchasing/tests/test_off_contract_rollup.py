"""Off-contract spend from the spend roll-up (``contracts.off_contract_rows``, what the spend
pages, exports and API show) against its definition read from every line
(``contracts.off_contract_spend``), on fixed data, to the penny; and the roll-up's on-contract
side kept right when a paid invoice or its order is linked or unlinked (``spend_rollup``)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

from django.apps import apps as django_apps
from django.db import connection

from joinedup.core import rls
from joinedup.purchasing import contracts, selectors, spend_rollup
from joinedup.purchasing.models import Contract, Invoice, SpendMonth
from joinedup.purchasing.tests.test_contracts import SpendTestCase

FIRST, LAST = date(2024, 12, 1), date(2026, 7, 31)


class OffContractCase(SpendTestCase):
    """The council calls off WSS-C-001 (Acme, Stationery, 1 January 2025 to 31 December 2026,
    which covers Paper) and WSS-C-003 (Beta, Fleet fuel, from 15 May 2026: it starts part-way
    through May)."""

    fuel_contract: Contract

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fuel_contract = cls.let(
            reference="WSS-C-003",
            call_off=[cls.council],
            supplier=cls.beta,
            category=cls.fuel,
            start=date(2026, 5, 15),
        )

    def spend(self) -> None:
        self.invoice("200.00", supplier=self.beta)  # paper, 11 May 2026, another supplier: off
        self.invoice("50.25", supplier=self.beta, credit=True)  # its credit note: off, taken off
        self.invoice("75.00")  # paper from the contract's supplier, not linked: off
        self.invoice("300.00", contract=self.contract)  # bought under the contract: on
        self.invoice("600.00", supplier=self.beta, paid=False)  # not paid: not spend
        self.invoice("700.00", supplier=self.beta, day=date(2024, 12, 31))  # before the contract
        self.invoice("400.00", supplier=self.beta, category=self.fuel, day=date(2026, 5, 14))  # before fuel's
        self.invoice(
            "123.45", supplier=self.beta, category=self.fuel, day=date(2026, 5, 15)
        )  # off, first day
        self.invoice("10.01", category=self.fuel, credit=True, day=date(2026, 5, 31))  # Acme's credit: off
        self.invoice("77.77", category=self.fuel, day=date(2026, 6, 10))  # fuel from Acme in June: off

    def rebuild(self) -> None:
        with rls.system_context("test: the roll-up from every paid line"):
            spend_rollup.rebuild([self.council.pk, self.police.pk])

    def from_rollup(self) -> list[tuple[int, int, int, D, int, int]]:
        view = selectors.spend_view(self.shared_buyer, partner=None)
        assert selectors.off_contract_pence(view) == sum(r.pence for r in selectors.off_contract_rows(view))
        return [
            (r.partner_id, r.category_id, r.supplier_id, r.net, r.pence, r.lines)
            for r in selectors.off_contract_rows(view)
        ]

    def from_lines(self) -> list[tuple[int, int, int, D, int, int]]:
        return [
            (r.partner_id, r.category_id, r.supplier_id, r.net, r.pence, r.lines)
            for r in contracts.off_contract_spend(
                partner_ids=[self.council.pk], date_from=FIRST, date_to=LAST
            )
        ]

    def held(self) -> list[tuple[Any, ...]]:
        with rls.system_context("test: read the roll-up"):
            return list(
                SpendMonth.objects.for_partners([self.council.pk]).values_list(
                    "month", "category_id", "supplier_id", "on_contract", "net", "quantity", "lines"
                )
            )


class TestOffContractFromTheRollup(OffContractCase):
    def test_it_gives_the_definitions_rows_to_the_penny(self) -> None:
        self.spend()
        self.rebuild()
        council, paper, fuel = self.council.pk, self.a4_paper.pk, self.fuel.pk
        expected = [
            (council, paper, self.beta.pk, D("149.75"), 14975, 2),  # 200.00 - 50.25
            (council, fuel, self.beta.pk, D("123.45"), 12345, 1),  # from 15 May only: not 400.00
            (council, paper, self.acme.pk, D("75.00"), 7500, 1),
            (council, fuel, self.acme.pk, D("67.76"), 6776, 2),  # 77.77 in June - 10.01 in May
        ]
        assert self.from_lines() == expected
        assert self.from_rollup() == expected

    def test_a_contract_ended_part_way_through_a_month_counts_only_the_days_before(self) -> None:
        # The register changes; the roll-up does not need to: its months are decided as read.
        self.spend()
        self.rebuild()
        self.invoice("5.00", category=self.fuel, day=date(2026, 6, 21))
        self.rebuild()
        contracts.contract_end(
            actor=self.shared_buyer, contract=self.fuel_contract, ended_on=date(2026, 6, 20), reason="Re-let"
        )
        # 77.77 on 10 June, within the contract's last days: off; 5.00 on 21 June, after it: not.
        fuel_from_acme = [r for r in self.from_rollup() if r[1:3] == (self.fuel.pk, self.acme.pk)]
        assert fuel_from_acme == [(self.council.pk, self.fuel.pk, self.acme.pk, D("67.76"), 6776, 2)]
        assert self.from_rollup() == self.from_lines()

    def test_the_api_shows_it_and_a_partner_no_longer_calling_off_has_none_there(self) -> None:
        self.spend()
        self.rebuild()
        body = self.api(self.shared_buyer).get("/api/v1/purchasing/spend").json()
        assert body["off_contract"] == "415.96"  # 149.75 + 123.45 + 75.00 + 67.76
        contracts.contract_remove_call_off(
            actor=self.shared_buyer, contract=self.contract, partner=self.council
        )
        assert self.from_rollup() == self.from_lines()
        body = self.api(self.shared_buyer).get("/api/v1/purchasing/spend").json()
        assert body["off_contract"] == "191.21"  # the fuel only: 123.45 + 67.76


class TestLinkingAPaidInvoiceMovesItsLines(OffContractCase):
    def test_linking_a_paid_invoice_moves_its_lines_on_contract_as_a_rebuild_would(self) -> None:
        self.spend()
        self.rebuild()
        acme_paper = Invoice.objects.for_partner(self.council).get(net=D("75.00"))
        contracts.invoice_set_contract(actor=self.council_buyer, invoice=acme_paper, contract=self.contract)
        moved = self.held()
        self.rebuild()
        assert moved == self.held()
        assert [r[2:5] for r in self.from_rollup() if r[1] == self.a4_paper.pk] == [
            (self.beta.pk, D("149.75"), 14975)
        ]
        assert self.from_rollup() == self.from_lines()

    def test_unlinking_it_moves_them_back(self) -> None:
        self.spend()
        self.rebuild()
        before = self.held()
        on = Invoice.objects.for_partner(self.council).get(net=D("300.00"))
        contracts.invoice_set_contract(actor=self.council_buyer, invoice=on, contract=None)
        moved = self.held()
        self.rebuild()
        assert moved == self.held() != before
        contracts.invoice_set_contract(actor=self.council_buyer, invoice=on, contract=self.contract)
        assert self.held() == before
        assert self.from_rollup() == self.from_lines()

    def test_linking_an_order_moves_its_paid_invoices_and_leaves_unpaid_ones_out(self) -> None:
        self.invoice("10.00", order=self.order)
        self.invoice("20.00", order=self.order, paid=False)
        self.rebuild()
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=self.contract)
        moved = self.held()
        self.rebuild()
        assert moved == self.held()
        assert [(r[3], r[4], r[6]) for r in moved] == [(True, 1000, 1)]
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=None)
        assert [(r[3], r[4], r[6]) for r in self.held()] == [(False, 1000, 1)]


class TestInvoicesTheRollupDoesNotHold(OffContractCase):
    def test_linking_an_invoice_paid_before_the_rollup_held_it_changes_nothing_in_it(self) -> None:
        # Paid (set directly) and never added: a rebuild would add it; the link does not.
        self.invoice("10.00", order=self.order)
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=self.contract)
        assert self.held() == []
        self.rebuild()
        assert [(r[3], r[4]) for r in self.held()] == [(True, 1000)]


class TestTheMigration(OffContractCase):
    """Migration 0007 moves the lines of rows written before the roll-up told contract spend
    apart to rows on contract, as a rebuild would write them; backwards, it folds them back."""

    def test_forwards_gives_a_rebuilds_rows_and_backwards_folds_them(self) -> None:
        migration = importlib.import_module("joinedup.purchasing.migrations.0007_spend_month_on_contract")
        editor = SimpleNamespace(connection=connection)
        self.spend()
        self.invoice("10.00", order=self.order)
        contracts.order_set_contract(actor=self.council_buyer, order=self.order, contract=self.contract)
        self.rebuild()
        rebuilt = self.held()
        assert [r[3] for r in rebuilt].count(True) == 1  # paper from Acme: 300.00 and 10.00
        migration.fold_contract_spend_back(django_apps, editor)
        folded = self.held()
        assert [r[3] for r in folded] == [False] * len(folded)
        assert sum(r[4] for r in folded) == sum(r[4] for r in rebuilt)
        migration.move_lines_bought_under_contracts(django_apps, editor)
        assert self.held() == rebuilt
