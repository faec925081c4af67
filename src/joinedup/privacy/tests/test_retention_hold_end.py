"""A legal hold's end date (issue 17): a hold keeps the records on the days up to and including
its end date, and the retention run after it removes them. The DPO sets the date when placing a
hold and may change it (audited); a day before today is refused and nothing changes. Another
partner's DPO gets 404 and an HR officer is refused, and nothing changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.privacy import retention
from joinedup.privacy.models import RetentionHold
from joinedup.privacy.tests.test_retention import AS_OF, SYSTEM, frozen
from joinedup.privacy.tests.test_retention_interfaces import JSON, PAGE, RetentionInterfaceTestCase

END = AS_OF  # the frozen day the holds are placed on: their last day


def frozen_on(day: date) -> Any:
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    )


class HoldEndTestCase(RetentionInterfaceTestCase):
    def hold_mary_until(self, ends_on: date | None) -> RetentionHold:
        with frozen():
            return retention.place_retention_hold(
                actor=self.council_dpo,
                partner=self.council,
                record_type="payslips",
                person=self.shared_person_council.person,
                reference="ET/1234/2026",
                reason="Equal-pay claim at the employment tribunal.",
                ends_on=ends_on,
            )

    def run_on(self, day: date) -> retention.RunReport:
        with frozen_on(day):
            return retention.retention_run(actor=SYSTEM, as_of=day)

    def hold(self, hold: RetentionHold) -> RetentionHold:
        return RetentionHold.objects.for_partner(self.council).get(pk=hold.pk)


class TestTheRunHonoursTheEndDate(HoldEndTestCase):
    def test_a_hold_on_its_last_day_keeps_the_payslip(self) -> None:
        self.hold_mary_until(END)
        report = self.run_on(END)
        council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == (2, 1, 1)
        assert self.slip(self.mary_2019) == ("1257L", "A", "lgps_main", 100000)

    def test_the_day_after_its_end_the_run_removes_what_it_kept(self) -> None:
        self.hold_mary_until(END)
        report = self.run_on(date(2026, 12, 2))
        council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == (2, 0, 2)
        assert self.slip(self.mary_2019) == ("", "", "", 100000)
        assert self.slip(self.ada_2019) == ("", "", "", 100000)

    def test_a_hold_without_an_end_date_keeps_the_payslip_on_any_later_day(self) -> None:
        self.hold_mary_until(None)
        self.run_on(date(2027, 6, 1))
        assert self.slip(self.mary_2019) == ("1257L", "A", "lgps_main", 100000)

    def test_a_whole_partner_hold_past_its_end_no_longer_keeps_anything(self) -> None:
        with frozen():
            retention.place_retention_hold(
                actor=self.council_dpo,
                partner=self.council,
                record_type="payslips",
                reference="PAYROLL-AUDIT-2026",
                reason="HMRC employer compliance review.",
                ends_on=END,
            )
        kept = self.run_on(END).types
        assert next((t.expired, t.held, t.removed) for t in kept if t.partner == "WCC") == (2, 2, 0)
        gone = self.run_on(date(2026, 12, 2)).types
        assert next((t.expired, t.held, t.removed) for t in gone if t.partner == "WCC") == (2, 0, 2)


class TestSettingTheEndDate(HoldEndTestCase):
    def test_a_hold_placed_with_an_end_date_records_it_in_the_audit_event(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        assert self.hold(hold).ends_on == date(2027, 3, 31)
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.retention_hold_placed")
        assert event.after["ends_on"] == "2027-03-31"

    def test_an_end_date_before_today_is_refused_and_nothing_is_placed(self) -> None:
        before = self.state()
        with pytest.raises(ValidationError) as refused:
            self.hold_mary_until(date(2026, 11, 30))
        assert refused.value.message_dict == {
            "ends_on": [
                "The end date 30 November 2026 is before today (1 December 2026): a hold ends today "
                "or later, or leave it empty to hold until lifted."
            ]
        }
        assert self.state() == before

    def test_the_dpo_changes_the_end_date_and_it_is_audited_with_before_and_after(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        with frozen():
            changed = retention.set_retention_hold_end(actor=self.council_dpo, hold=hold, ends_on=None)
        assert changed.ends_on is None
        assert self.hold(hold).ends_on is None
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.retention_hold_end_set")
        assert (event.before, event.after["ends_on"], event.after["reference"]) == (
            {"ends_on": "2027-03-31"},
            None,
            "ET/1234/2026",
        )

    def test_changing_the_end_date_to_before_today_is_refused_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        before = self.state()
        with frozen(), pytest.raises(ValidationError) as refused:
            retention.set_retention_hold_end(actor=self.council_dpo, hold=hold, ends_on=date(2026, 1, 1))
        assert "is before today" in refused.value.messages[0]
        assert self.state() == before

    def test_a_hold_past_its_end_date_cannot_be_extended_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(END)
        before = self.state()
        with frozen_on(date(2026, 12, 2)), pytest.raises(ValidationError) as refused:
            retention.set_retention_hold_end(actor=self.council_dpo, hold=hold, ends_on=date(2027, 1, 1))
        assert refused.value.messages == ["The hold ET/1234/2026 ended on 1 December 2026: place a new one."]
        assert self.state() == before

    def test_a_lifted_hold_cannot_be_given_an_end_date_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(None)
        with frozen():
            retention.lift_retention_hold(actor=self.council_dpo, hold=hold, reason="Claim withdrawn.")
        before = self.state()
        with frozen(), pytest.raises(ValidationError):
            retention.set_retention_hold_end(actor=self.council_dpo, hold=hold, ends_on=date(2027, 1, 1))
        assert self.state() == before

    def test_another_partners_dpo_cannot_change_the_end_date_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        before = self.state()
        with frozen(), pytest.raises(PermissionDenied):
            retention.set_retention_hold_end(actor=self.police_dpo, hold=hold, ends_on=None)
        assert self.state() == before


class TestTheEndDateOnThePage(HoldEndTestCase):
    def test_the_dpo_places_a_hold_with_an_end_date_then_changes_it(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        with frozen():
            placed = client.post(
                PAGE,
                {
                    "form": "place",
                    "place-record_type": "tickets",
                    "place-reference": "SAR/77",
                    "place-reason": "Subject access pending",
                    "place-ends_on": "2027-01-31",
                },
            )
            assert placed.status_code == 302
            hold = RetentionHold.objects.for_partner(self.council).get()
            assert hold.ends_on == date(2027, 1, 31)
            assert "Held until 31 January 2027 (inclusive)" in client.get(PAGE).content.decode()
            changed = client.post(f"{PAGE}holds/{hold.pk}/ends-on", {"ends_on": "2027-02-28"}, follow=True)
        assert "Legal hold SAR/77: held until 28 February 2027." in changed.content.decode()
        assert self.hold(hold).ends_on == date(2027, 2, 28)

    def test_an_end_date_before_today_is_refused_beside_the_field_and_nothing_is_placed(self) -> None:
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        with frozen():
            response = client.post(
                PAGE,
                {
                    "form": "place",
                    "place-record_type": "tickets",
                    "place-reference": "SAR/77",
                    "place-reason": "Subject access pending",
                    "place-ends_on": "2026-11-30",
                },
            )
        assert response.status_code == 200
        assert "The end date 30 November 2026 is before today" in response.content.decode()
        assert self.state() == before

    def test_changing_to_a_day_before_today_says_so_and_the_hold_stays(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        client = self.client_on(self.council_dpo, self.council)
        before = self.state()
        with frozen():
            response = client.post(f"{PAGE}holds/{hold.pk}/ends-on", {"ends_on": "2026-01-01"}, follow=True)
            unreadable = client.post(f"{PAGE}holds/{hold.pk}/ends-on", {"ends_on": "31/03/2027"}, follow=True)
        assert "The end date 1 January 2026 is before today" in response.content.decode()
        assert "Enter the last day of the hold as a date, year first" in unreadable.content.decode()
        assert self.state() == before

    def test_another_partners_dpo_gets_404_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        client = self.client_on(self.police_dpo, self.police)
        before = self.state()
        with frozen():
            response = client.post(f"{PAGE}holds/{hold.pk}/ends-on", {"ends_on": ""})
        assert response.status_code == 404
        assert self.state() == before

    def test_an_hr_officer_is_refused_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        client = self.client_on(self.council_hr, self.council)
        before = self.state()
        with frozen():
            response = client.post(f"{PAGE}holds/{hold.pk}/ends-on", {"ends_on": ""})
        assert response.status_code == 403
        assert self.state() == before


class TestTheEndDateOverTheApi(HoldEndTestCase):
    def end_url(self, hold: Any) -> str:
        return f"/api/v1/privacy/retention-holds/{hold}/ends-on"

    def test_the_dpo_places_a_hold_with_an_end_date_then_clears_it(self) -> None:
        api = self.api(self.council_dpo)
        with frozen():
            made = api.post(
                f"/api/v1/privacy/partners/{self.council.pk}/retention/holds",
                {
                    "record_type": "tickets",
                    "reference": "SAR/77",
                    "reason": "Pending",
                    "ends_on": "2026-12-01",
                },
                content_type=JSON,
            )
            assert made.status_code == 201
            assert (made.json()["ends_on"], made.json()["in_force"]) == ("2026-12-01", True)
            cleared = api.put(self.end_url(made.json()["id"]), {"ends_on": None}, content_type=JSON)
        assert cleared.status_code == 200
        assert (cleared.json()["ends_on"], cleared.json()["in_force"]) == (None, True)
        with frozen_on(date(2026, 12, 2)):
            listed = api.get(f"/api/v1/privacy/partners/{self.council.pk}/retention/holds").json()
        assert [(h["reference"], h["in_force"]) for h in listed] == [("SAR/77", True)]

    def test_a_hold_past_its_end_date_is_listed_as_not_in_force(self) -> None:
        self.hold_mary_until(END)
        with frozen_on(date(2026, 12, 2)):
            listed = (
                self.api(self.council_dpo)
                .get(f"/api/v1/privacy/partners/{self.council.pk}/retention/holds")
                .json()
            )
        assert [(h["ends_on"], h["in_force"]) for h in listed] == [("2026-12-01", False)]

    def test_an_end_date_before_today_is_refused_with_422_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        api = self.api(self.council_dpo)
        before = self.state()
        with frozen():
            placed = api.post(
                f"/api/v1/privacy/partners/{self.council.pk}/retention/holds",
                {"record_type": "tickets", "reference": "X", "reason": "X", "ends_on": "2026-11-30"},
                content_type=JSON,
            )
            changed = api.put(self.end_url(hold.pk), {"ends_on": "2026-11-30"}, content_type=JSON)
        assert (placed.status_code, changed.status_code) == (422, 422)
        assert "is before today" in changed.content.decode()
        assert self.state() == before

    def test_another_partners_dpo_gets_404_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        before = self.state()
        with frozen():
            response = self.api(self.police_dpo).put(
                self.end_url(hold.pk), {"ends_on": None}, content_type=JSON
            )
        assert response.status_code == 404
        assert self.state() == before

    def test_an_hr_officer_gets_404_and_nothing_changes(self) -> None:
        hold = self.hold_mary_until(date(2027, 3, 31))
        before = self.state()
        with frozen():
            response = self.api(self.council_hr).put(
                self.end_url(hold.pk), {"ends_on": None}, content_type=JSON
            )
        # The hold is looked for among the partners where the user holds the permission: none.
        assert response.status_code == 404
        assert self.state() == before
