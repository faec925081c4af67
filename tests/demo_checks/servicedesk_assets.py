"""The demo's asset register (issue 15): a few hundred assets across the three partners, one in
repair, one disposed of with its certificate; a shared Microsoft 365-style licence split by head
count whose shares add up to its cost to the penny; the fire service's own licence over-used."""

from __future__ import annotations

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.servicedesk_assets import ASSETS, OFFICE_COST_PER_SEAT
from joinedup.people.models import Employment
from joinedup.servicedesk import asset_selectors as selectors
from joinedup.servicedesk.models import Asset, SoftwareLicence
from tests.demo_checks.base import DemoChecks


class DemoAssetRegisterChecks(DemoChecks):
    def test_each_partner_has_its_register_with_one_asset_in_repair_and_one_disposed(self) -> None:
        for code, count in ASSETS.items():
            assert Asset.objects.for_partner(self.partners[code]).count() == count
        council = Asset.objects.for_partner(self.partners["WCC"])
        assert list(council.filter(status="in_repair").values_list("tag", flat=True)) == ["WCC-LT-0001"]
        gone = council.get(status="disposed")
        assert (gone.tag, gone.certificate_number, gone.disposal_method) == (
            "WCC-MN-0003",
            "WR-2026-1187",
            "recycled",
        )
        assert council.filter(status="deployed").count() > 0

    def test_the_shared_licence_is_split_by_head_count_to_the_penny(self) -> None:
        office = SoftwareLicence.objects.for_partner(self.partners["WSS"]).get(product="Microsoft 365 E3")
        lines = selectors.licence_split_lines(SEEDER, office)
        heads = {
            code: Employment.objects.for_partner(self.partners[code]).filter(end_date__isnull=True).count()
            for code in ("WCC", "WPOL", "WFRS")
        }
        assert office.seats == sum(heads.values())
        assert office.annual_cost == OFFICE_COST_PER_SEAT * office.seats
        # Each share is a whole number of seats at the seat price, so the pounds are exact.
        assert {line.partner_code: line.pounds for line in lines} == {
            code: OFFICE_COST_PER_SEAT * n for code, n in heads.items()
        }
        assert sum(line.pounds for line in lines) == office.annual_cost

    def test_the_fire_services_own_licence_is_flagged_over_used(self) -> None:
        fire = self.partners["WFRS"]
        own = SoftwareLicence.objects.for_partner(fire).get(partner=fire)
        usage = selectors.licence_usage([own])[own.pk]
        staff = Employment.objects.for_partner(fire).filter(end_date__isnull=True).count()
        assert (usage.seats, usage.used, usage.over_used) == (5, min(6, staff), staff >= 6)
