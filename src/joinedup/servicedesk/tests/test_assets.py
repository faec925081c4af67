"""The asset register and licences (issue 15): the lifecycle and its refusals, disposal with a
certificate, the append-only history, shared licences split to the penny, seats against those
owned, and who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.core.money import share_to_the_penny
from joinedup.servicedesk import asset_selectors as selectors
from joinedup.servicedesk.assets import (
    AssetDetails,
    Certificate,
    LicenceDetails,
    SplitLine,
    asset_assign,
    asset_change_status,
    asset_dispose,
    asset_register,
    asset_unassign,
    licence_add,
    licence_set_split,
    seat_assign,
    seat_release,
)
from joinedup.servicedesk.models import Asset, AssetEvent, LicenceSeat, LicenceSplit
from joinedup.servicedesk.tests.assetbase import PDF, AssetTestCase


def certificate(**overrides: object) -> Certificate:
    values: dict[str, object] = {
        "number": "WEEE-2026-0042",
        "method": "destroyed",
        "disposed_on": date(2026, 11, 2),
        "filename": "certificate.pdf",
        "content": PDF,
    }
    values.update(overrides)
    return Certificate(**values)  # type: ignore[arg-type]


class TestRegister(AssetTestCase):
    def test_it_registers_an_asset_with_its_first_event_and_one_audit_event(self) -> None:
        asset = self.laptop(self.council, "wcc-lt-0002", status="ordered")
        assert (asset.tag, asset.status, asset.cost) == ("WCC-LT-0002", "ordered", D("849.99"))
        assert [
            (e.kind, e.from_status, e.to_status, e.actor_label) for e in selectors.asset_history(asset)
        ] == [("registered", "", "ordered", "shared.desk")]
        assert self.audit_count(self.council, "servicedesk.asset_registered") == 2

    def test_it_refuses_a_tag_the_partner_has_already_used(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.laptop(self.council, "WCC-LT-0001")
        assert caught.value.message_dict == {"tag": ["WCC already has an asset tagged WCC-LT-0001."]}

    def test_another_partner_may_use_the_same_tag(self) -> None:
        assert self.laptop(self.police, "WCC-LT-0001").partner == self.police

    def test_it_refuses_a_new_asset_already_deployed_and_a_cost_below_nothing(self) -> None:
        with pytest.raises(ValidationError) as caught:
            asset_register(
                actor=self.desk,
                partner=self.council,
                details=AssetDetails(
                    tag="X1", kind="laptop", make="HP", model="840", cost=D("-1.00"), status="deployed"
                ),
            )
        assert caught.value.message_dict == {
            "cost": ["The cost must be an amount of £0.00 or more."],
            "status": ["A new asset is either ordered or in stock; deploy it by assigning it to someone."],
        }

    def test_an_agent_of_another_partner_may_not_register_and_nothing_changes(self) -> None:
        before = Asset.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied):
            asset_register(
                actor=self.police_agent,
                partner=self.council,
                details=AssetDetails(tag="X1", kind="laptop", make="HP", model="840", cost=D("1.00")),
            )
        assert Asset.objects.for_partner(self.council).count() == before
        assert self.audit_count(self.council, "servicedesk.asset_registered") == 1


class TestLifecycle(AssetTestCase):
    def test_it_follows_the_lifecycle_from_order_to_deployment_and_repair(self) -> None:
        asset = self.laptop(self.council, "WCC-LT-0009", status="ordered")
        asset = asset_change_status(actor=self.council_agent, asset=asset, to="in_stock", note="Delivered")
        asset = asset_assign(actor=self.council_agent, asset=asset, employment=self.council_emp)
        asset = asset_change_status(
            actor=self.council_agent, asset=asset, to="in_repair", note="Cracked screen"
        )
        assert asset.assigned_to == self.council_emp  # repaired for the same person
        asset = asset_change_status(actor=self.council_agent, asset=asset, to="deployed")
        assert [(e.kind, e.from_status, e.to_status) for e in selectors.asset_history(asset)] == [
            ("registered", "", "ordered"),
            ("status", "ordered", "in_stock"),
            ("assigned", "in_stock", "deployed"),
            ("status", "deployed", "in_repair"),
            ("status", "in_repair", "deployed"),
        ]
        assert self.audit_count(self.council, "servicedesk.asset_status_changed") == 3
        assert self.audit_count(self.council, "servicedesk.asset_assigned") == 1

    def test_it_refuses_a_move_the_lifecycle_does_not_allow_and_says_which_it_does(self) -> None:
        asset = self.laptop(self.council, "WCC-LT-0009", status="ordered")
        with pytest.raises(ValidationError) as caught:
            asset_change_status(actor=self.council_agent, asset=asset, to="in_repair")
        assert caught.value.message_dict == {
            "status": ["An asset ordered cannot become in repair; it may become in stock."]
        }
        assert self.reload(asset).status == "ordered"
        assert AssetEvent.objects.for_partner(self.council).filter(asset=asset).count() == 1

    def test_deploying_is_assigning_and_disposal_needs_the_certificate(self) -> None:
        with pytest.raises(ValidationError) as caught:
            asset_change_status(actor=self.council_agent, asset=self.council_laptop, to="deployed")
        assert caught.value.message_dict == {"status": ["Deploy an asset by assigning it to a person."]}
        with pytest.raises(ValidationError) as caught:
            asset_change_status(actor=self.council_agent, asset=self.council_laptop, to="disposed")
        assert caught.value.message_dict == {"status": ["Dispose of an asset with its disposal certificate."]}

    def test_a_returned_asset_goes_back_to_stock_and_is_no_ones(self) -> None:
        asset = asset_assign(actor=self.council_agent, asset=self.council_laptop, employment=self.council_emp)
        asset = asset_unassign(actor=self.council_agent, asset=asset, note="Leaver")
        assert (asset.status, asset.assigned_to_id) == ("in_stock", None)
        assert self.audit_count(self.council, "servicedesk.asset_unassigned") == 1

    def test_it_refuses_a_person_of_another_partner(self) -> None:
        with pytest.raises(ValidationError) as caught:
            asset_assign(actor=self.desk, asset=self.council_laptop, employment=self.police_emp)
        assert caught.value.message_dict == {
            "employment": ["Choose a person employed by the partner that owns it."]
        }
        assert self.reload(self.council_laptop).status == "in_stock"

    def test_an_agent_without_the_partner_may_not_change_it_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            asset_change_status(actor=self.police_agent, asset=self.council_laptop, to="in_repair")
        assert self.reload(self.council_laptop).status == "in_stock"
        assert self.audit_count(self.council, "servicedesk.asset_status_changed") == 0

    def test_the_history_is_append_only(self) -> None:
        event = AssetEvent.objects.for_partner(self.council).get(asset=self.council_laptop)
        event.note = "rewritten"
        with pytest.raises(ValueError, match="append-only"):
            event.save()
        with pytest.raises(ValueError, match="append-only"):
            event.delete()


class TestDisposal(AssetTestCase):
    def test_it_disposes_with_the_certificate_stored(self) -> None:
        asset = asset_dispose(actor=self.council_agent, asset=self.council_laptop, certificate=certificate())
        assert (asset.status, asset.certificate_number, asset.disposal_method) == (
            "disposed",
            "WEEE-2026-0042",
            "destroyed",
        )
        assert (asset.certificate_filename, asset.certificate_content_type, asset.certificate_size) == (
            "certificate.pdf",
            "application/pdf",
            len(PDF),
        )
        assert self.audit_count(self.council, "servicedesk.asset_disposed") == 1

    def test_it_refuses_disposal_without_a_certificate_and_nothing_changes(self) -> None:
        with pytest.raises(ValidationError) as caught:
            asset_dispose(
                actor=self.council_agent, asset=self.council_laptop, certificate=certificate(number=" ")
            )
        assert caught.value.message_dict == {
            "certificate_number": ["Enter the disposal certificate's number."]
        }
        with pytest.raises(ValidationError) as caught:
            asset_dispose(
                actor=self.council_agent,
                asset=self.council_laptop,
                certificate=certificate(filename="certificate.exe", content=b"MZ"),
            )
        assert caught.value.message_dict == {
            "file": [
                "Attach a CSV, DOCX, JPG, ODS, ODT, PDF, PNG, TXT, XLSX file; certificate.exe is not one."
            ]
        }
        assert self.reload(self.council_laptop).status == "in_stock"
        assert self.audit_count(self.council, "servicedesk.asset_disposed") == 0

    def test_a_deployed_asset_is_returned_before_it_is_disposed_and_disposal_is_final(self) -> None:
        deployed = asset_assign(
            actor=self.council_agent, asset=self.council_laptop, employment=self.council_emp
        )
        with pytest.raises(ValidationError) as caught:
            asset_dispose(actor=self.council_agent, asset=deployed, certificate=certificate())
        assert caught.value.message_dict == {
            "status": ["An asset deployed cannot become disposed; it may become in repair, in stock."]
        }
        gone = asset_dispose(
            actor=self.council_agent,
            asset=asset_unassign(actor=self.council_agent, asset=deployed),
            certificate=certificate(),
        )
        with pytest.raises(ValidationError) as caught:
            asset_change_status(actor=self.council_agent, asset=gone, to="in_stock")
        assert caught.value.message_dict == {
            "status": ["An asset disposed cannot become in stock; it may become nothing: disposal is final."]
        }

    def test_the_database_refuses_a_disposed_asset_without_a_certificate(self) -> None:
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Asset.objects.for_partner(self.council).filter(pk=self.council_laptop.pk).update(
                status="disposed"
            )


class TestSharedLicence(AssetTestCase):
    def split_by_percent(self) -> None:
        licence_set_split(
            actor=self.desk,
            licence=self.office,
            basis="percent",
            lines=[
                SplitLine(self.council, D("33.3333")),
                SplitLine(self.police, D("33.3333")),
                SplitLine(self.fire, D("33.3334")),
            ],
        )

    def test_the_shares_add_up_to_the_penny(self) -> None:
        # £1,000.00 by thirds: 333.333 each, the odd penny to the largest remainder (the fire's).
        self.split_by_percent()
        lines = selectors.licence_split_lines(self.desk, self.office)
        assert [(line.partner_code, line.pounds) for line in lines] == [
            ("WCC", D("333.33")),
            ("WFRS", D("333.34")),
            ("WPOL", D("333.33")),
        ]
        assert sum(line.pounds for line in lines) == D("1000.00")
        assert self.audit_count(self.shared, "servicedesk.licence_split_set") == 1

    def test_the_one_rounding_helper_shares_exactly_whatever_the_weights(self) -> None:
        assert share_to_the_penny(D("0.10"), [D(1), D(1), D(1)]) == [D("0.04"), D("0.03"), D("0.03")]
        assert share_to_the_penny(D("100.00"), [D(7), D(0), D(5)]) == [D("58.33"), D("0.00"), D("41.67")]

    def test_it_refuses_percentages_that_do_not_make_100_and_keeps_the_split_there_was(self) -> None:
        self.split_by_percent()
        with pytest.raises(ValidationError) as caught:
            licence_set_split(
                actor=self.desk,
                licence=self.office,
                basis="percent",
                lines=[SplitLine(self.council, D("50")), SplitLine(self.police, D("49.99"))],
            )
        assert caught.value.message_dict == {"lines": ["The percentages add up to 99.99%, not 100%."]}
        assert LicenceSplit.objects.for_partner(self.shared).filter(licence=self.office).count() == 3

    def test_split_by_seats_they_must_add_up_to_the_licences(self) -> None:
        with pytest.raises(ValidationError) as caught:
            licence_set_split(
                actor=self.desk, licence=self.office, basis="seats", lines=[SplitLine(self.council, D(2))]
            )
        assert caught.value.message_dict == {"lines": ["The seats add up to 2, not the licence's 3."]}
        licence_set_split(
            actor=self.desk,
            licence=self.office,
            basis="seats",
            lines=[SplitLine(self.council, D(2)), SplitLine(self.police, D(1))],
        )
        lines = selectors.licence_split_lines(self.desk, self.office)
        assert [(line.partner_code, line.share, line.pounds) for line in lines] == [
            ("WCC", D(2), D("666.67")),
            ("WPOL", D(1), D("333.33")),
        ]

    def test_only_the_shared_services_body_holds_a_shared_licence(self) -> None:
        with pytest.raises(ValidationError) as caught:
            licence_add(
                actor=self.council_agent,
                partner=self.council,
                details=LicenceDetails(
                    product="Adobe",
                    vendor="Adobe",
                    seats=1,
                    annual_cost=D("10.00"),
                    starts_on=date(2026, 4, 1),
                    ends_on=date(2027, 3, 31),
                    shared=True,
                ),
            )
        assert caught.value.message_dict == {
            "shared": ["Only the shared-services body holds a shared licence."]
        }

    def test_a_partner_sees_the_licence_and_its_own_line_never_anothers(self) -> None:
        self.split_by_percent()
        assert list(selectors.licences_visible_to(self.council_agent, partner=self.council)) == [self.office]
        assert selectors.licence_for(self.council_agent, licence_id=self.office.pk) == self.office
        lines = selectors.licence_split_lines(self.council_agent, self.office)
        assert [(line.partner_code, line.pounds) for line in lines] == [("WCC", D("333.33"))]
        costs = selectors.shared_licence_costs(self.council_agent, partner=self.council)
        assert [(c.licence.product, c.line.pounds) for c in costs] == [("Office 365 E3", D("333.33"))]

    def test_a_partner_without_a_line_does_not_see_the_licence(self) -> None:
        licence_set_split(
            actor=self.desk, licence=self.office, basis="percent", lines=[SplitLine(self.council, D(100))]
        )
        assert list(selectors.licences_visible_to(self.police_agent, partner=self.police)) == []
        with pytest.raises(Http404):
            selectors.licence_for(self.police_agent, licence_id=self.office.pk)


class TestSeats(AssetTestCase):
    def test_seats_beyond_those_owned_are_flagged_and_each_partner_sees_only_its_own_people(self) -> None:
        licence_set_split(
            actor=self.desk,
            licence=self.office,
            basis="seats",
            lines=[SplitLine(self.council, D(1)), SplitLine(self.police, D(2))],
        )
        seat_assign(actor=self.council_agent, licence=self.office, employment=self.council_emp)
        seat_assign(actor=self.council_agent, licence=self.office, employment=self.shared_person_council)
        seat_assign(actor=self.police_agent, licence=self.office, employment=self.police_emp)
        usage = selectors.licence_usage([self.office])[self.office.pk]
        assert (usage.seats, usage.used, usage.over_used) == (3, 3, False)
        seat_assign(actor=self.police_agent, licence=self.office, employment=self.shared_person_police)
        usage = selectors.licence_usage([self.office])[self.office.pk]
        assert (usage.used, usage.over_used, usage.free) == (4, True, -1)
        council_line = selectors.licence_split_lines(self.council_agent, self.office)[0]
        assert (council_line.share, council_line.seats_used, council_line.over_used) == (D(1), 2, True)
        seen = selectors.licence_seats(self.council_agent, self.office, partner=self.council)
        assert {s.employment_id for s in seen} == {self.council_emp.pk, self.shared_person_council.pk}
        with pytest.raises(PermissionDenied):
            selectors.licence_seats(self.council_agent, self.office, partner=self.police)
        assert self.audit_count(self.council, "servicedesk.seat_assigned") == 2

    def test_a_seat_is_given_once_and_released_once(self) -> None:
        licence_set_split(
            actor=self.desk, licence=self.office, basis="percent", lines=[SplitLine(self.council, D(100))]
        )
        seat = seat_assign(actor=self.council_agent, licence=self.office, employment=self.council_emp)
        with pytest.raises(ValidationError) as caught:
            seat_assign(actor=self.council_agent, licence=self.office, employment=self.council_emp)
        assert caught.value.message_dict == {
            "employment": ["That person already has a seat of this licence."]
        }
        seat_release(actor=self.council_agent, seat=seat)
        with pytest.raises(ValidationError):
            seat_release(actor=self.council_agent, seat=seat)
        assert LicenceSeat.objects.for_partner(self.council).filter(released_at__isnull=True).count() == 0

    def test_a_partner_that_neither_holds_nor_shares_the_licence_gets_no_seat(self) -> None:
        with pytest.raises(ValidationError) as caught:
            seat_assign(actor=self.police_agent, licence=self.office, employment=self.police_emp)
        assert caught.value.message_dict == {
            "employment": ["That person's employer neither holds nor shares this licence."]
        }
        assert LicenceSeat.objects.for_partner(self.police).count() == 0


class TestReading(AssetTestCase):
    def test_an_agent_reads_only_their_partners_register(self) -> None:
        assert list(selectors.assets_visible_to(self.council_agent, partner=self.council)) == [
            self.council_laptop
        ]
        with pytest.raises(PermissionDenied):
            selectors.assets_visible_to(self.council_agent, partner=self.police)
        with pytest.raises(Http404):
            selectors.asset_for(self.council_agent, asset_id=self.police_laptop.pk)
        with pytest.raises(Http404):
            selectors.asset_for(self.council_employee, asset_id=self.council_laptop.pk)

    def test_the_register_filters_by_kind_status_and_text(self) -> None:
        asset_assign(actor=self.desk, asset=self.council_laptop, employment=self.council_emp)
        self.laptop(self.council, "WCC-LT-0002")
        found = selectors.assets_visible_to(self.desk, partner=self.council, status="deployed", q="lovelace")
        assert [a.tag for a in found] == ["WCC-LT-0001"]
        assert [
            a.tag for a in selectors.assets_visible_to(self.desk, partner=self.council, kind="phone")
        ] == []
