"""The pay calendar as its users meet it: the payroll manager (the payroll approver) sets an
employer's rule on /payroll/calendar or with ``PUT /api/v1/partners/{id}/pay-calendar``; payroll
staff read the tax year's pay dates and cut-offs there, download them, and ``GET`` them.
Hand-worked dates: see test_pay_calendar.py (gov.uk's bank holidays, England and Wales 2026)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from unittest import mock

from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.payroll import services
from joinedup.payroll.models import PayCalendar
from joinedup.testing.base import PartnerTestCase

TODAY = date(2026, 11, 20)
MONTHLY_25 = {
    "frequency": "monthly",
    "nation": "england-and-wales",
    "day_of_month": "25",
    "anchor_date": "",
    "cut_off_working_days": "5",
}


def on_today() -> Any:
    return mock.patch("joinedup.workspaces.selectors.today", return_value=TODAY)


class PayCalendarCase(PartnerTestCase):
    council_manager: Any
    council_payroll: Any
    police_manager: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_manager = cls.make_user("council.paymanager", [(cls.council, Role.PAYROLL_APPROVER)])
        cls.council_payroll = cls.make_user("council.payroll", [(cls.council, Role.PAYROLL_OFFICER)])
        cls.police_manager = cls.make_user("police.paymanager", [(cls.police, Role.PAYROLL_APPROVER)])

    def calendars(self, partner: Any) -> list[tuple[str, str, int | None, date | None, int]]:
        return list(
            PayCalendar.objects.for_partner(partner)
            .order_by("frequency")
            .values_list("frequency", "nation", "day_of_month", "anchor_date", "cut_off_working_days")
        )

    def events(self, partner: Any) -> int:
        return AuditEvent.objects.for_partner(partner).filter(action="payroll.pay_calendar_set").count()

    def set_council_monthly(self, **changes: Any) -> PayCalendar:
        rule: dict[str, Any] = {"frequency": "monthly", "nation": "england-and-wales", "day_of_month": 25}
        return services.pay_calendar_set(
            actor=self.council_manager, partner=self.council, cut_off_working_days=5, **{**rule, **changes}
        )


class TestSettingTheRule(PayCalendarCase):
    def test_the_payroll_manager_sets_a_monthly_rule_and_the_change_is_audited(self) -> None:
        self.set_council_monthly()
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        self.set_council_monthly(day_of_month=28, nation="scotland")
        assert self.calendars(self.council) == [("monthly", "scotland", 28, None, 5)]
        last = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="payroll.pay_calendar_set")
            .order_by("pk")
            .last()
        )
        assert last is not None
        assert last.before == {"nation": "england-and-wales", "day_of_month": 25}
        assert last.after == {"frequency": "monthly", "nation": "scotland", "day_of_month": 28}
        assert self.events(self.council) == 2

    def test_setting_the_same_rule_again_records_nothing(self) -> None:
        self.set_council_monthly()
        self.set_council_monthly()
        assert self.events(self.council) == 1

    def test_a_weekly_rule_keeps_its_pay_date_and_drops_a_day_of_the_month(self) -> None:
        services.pay_calendar_set(
            actor=self.council_manager,
            partner=self.council,
            frequency="weekly",
            nation="england-and-wales",
            day_of_month=25,
            anchor_date=date(2026, 4, 10),
            cut_off_working_days=1,
        )
        assert self.calendars(self.council) == [("weekly", "england-and-wales", None, date(2026, 4, 10), 1)]


class TestThePage(PayCalendarCase):
    def test_the_manager_sets_the_rule_on_the_page_and_sees_the_years_dates(self) -> None:
        client = self.signed_in(self.council_manager)
        with on_today():
            response = client.post("/payroll/calendar", MONTHLY_25)
            assert response.status_code == 302
            html = client.get("/payroll/calendar").content.decode()
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert "Pay calendar 2026/27" in html
        # Christmas Day 2026 is a Friday: paid on Thursday 24 December, changes in by the 17th.
        assert "Thursday 24 December 2026</td>" in html
        assert "Thursday 17 December 2026</td>" in html
        assert "Friday 25 December 2026 (Christmas Day)" in html

    def test_a_day_outside_the_month_or_a_negative_cut_off_is_refused_beside_its_field(self) -> None:
        self.set_council_monthly()
        client = self.signed_in(self.council_manager)
        page = client.post(
            "/payroll/calendar", {**MONTHLY_25, "day_of_month": "32", "cut_off_working_days": "-1"}
        )
        text = page.content.decode()
        assert page.status_code == 200
        assert "The pay day is a day of the month from 1 to 31." in text
        assert "The cut-off is 0 to 20 working days before the pay date." in text
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert self.events(self.council) == 1

    def test_a_payroll_officer_reads_the_calendar_but_may_not_set_it(self) -> None:
        self.set_council_monthly()
        client = self.signed_in(self.council_payroll)
        with on_today():
            page = client.get("/payroll/calendar")
        assert page.status_code == 200
        assert "Set a pay calendar" not in page.content.decode()
        refused = client.post("/payroll/calendar", {**MONTHLY_25, "day_of_month": "28"})
        assert refused.status_code == 403
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert self.events(self.council) == 1

    def test_a_user_without_payroll_gets_403_and_nothing_changes(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get("/payroll/calendar").status_code == 403
        assert client.post("/payroll/calendar", MONTHLY_25).status_code == 403
        assert self.calendars(self.council) == []
        assert self.events(self.council) == 0

    def test_another_employers_manager_sets_only_their_own_calendar(self) -> None:
        self.set_council_monthly()
        client = self.signed_in(self.police_manager)
        with on_today():
            client.post("/payroll/calendar", {**MONTHLY_25, "day_of_month": "28"})
            html = client.get("/payroll/calendar").content.decode()
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert self.calendars(self.police) == [("monthly", "england-and-wales", 28, None, 5)]
        assert self.council.name not in html

    def test_the_calendar_downloads_as_csv_and_excel(self) -> None:
        self.set_council_monthly()
        client = self.signed_in(self.council_payroll)
        response = client.get("/payroll/calendar", {"tax_year": "2026", "format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert response["Content-Disposition"] == 'attachment; filename="pay-calendar-WCC-2026.csv"'
        assert len(rows) == 13
        assert rows[0] == [
            "employer",
            "frequency",
            "tax_year",
            "period",
            "scheduled",
            "pay_date",
            "cut_off",
            "moved_because",
        ]
        assert rows[1] == [
            "Wessex County Council",
            "monthly",
            "2026/27",
            "1",
            "2026-04-25",
            "2026-04-24",
            "2026-04-17",
            "Saturday",
        ]
        book = client.get("/payroll/calendar", {"tax_year": "2026", "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(book.content)).active
        assert sheet is not None
        assert [c.value for c in sheet[10]][:4] == ["Wessex County Council", "monthly", "2026/27", 9]

    def test_a_year_outside_the_holiday_data_is_refused_with_the_reason(self) -> None:
        page = self.signed_in(self.council_payroll).get("/payroll/calendar", {"tax_year": "2100"})
        assert page.status_code == 200
        assert "A pay calendar covers the tax years 1990 to 2099." in page.content.decode()


class TestTheApi(PayCalendarCase):
    def url(self, partner: Any) -> str:
        return f"/api/v1/partners/{partner.pk}/pay-calendar"

    def test_the_manager_puts_a_rule_and_staff_get_the_years_dates(self) -> None:
        put = self.api(self.council_manager).put(
            self.url(self.council),
            {"frequency": "monthly", "nation": "scotland", "day_of_month": 30, "cut_off_working_days": 3},
            content_type="application/json",
        )
        assert put.status_code == 200
        assert put.json() == {
            "frequency": "monthly",
            "nation": "scotland",
            "day_of_month": 30,
            "anchor_date": None,
            "cut_off_working_days": 3,
        }
        got = self.api(self.council_payroll).get(self.url(self.council), {"tax_year": 2026})
        body = got.json()
        assert (got.status_code, body["partner_id"], body["tax_year"]) == (200, self.council.pk, 2026)
        dates = body["calendars"][0]["dates"]
        assert len(dates) == 12
        # St Andrew's Day, Monday 30 November 2026: paid Friday 27th, changes in by Tuesday 24th.
        assert dates[7] == {
            "period": 8,
            "scheduled": "2026-11-30",
            "pay_date": "2026-11-27",
            "cut_off": "2026-11-24",
            "moved_because": "Saint Andrew's Day",
        }

    def test_a_bad_rule_is_refused_with_422_and_nothing_changes(self) -> None:
        self.set_council_monthly()
        put = self.api(self.council_manager).put(
            self.url(self.council),
            {
                "frequency": "monthly",
                "nation": "england-and-wales",
                "day_of_month": 0,
                "cut_off_working_days": -2,
            },
            content_type="application/json",
        )
        assert put.status_code == 422
        assert put.json()["errors"] == {
            "day_of_month": ["The pay day is a day of the month from 1 to 31."],
            "cut_off_working_days": ["The cut-off is 0 to 20 working days before the pay date."],
        }
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert self.events(self.council) == 1

    def test_a_payroll_officer_may_not_put_a_rule(self) -> None:
        put = self.api(self.council_payroll).put(
            self.url(self.council),
            {
                "frequency": "monthly",
                "nation": "england-and-wales",
                "day_of_month": 1,
                "cut_off_working_days": 1,
            },
            content_type="application/json",
        )
        assert put.status_code == 403
        assert self.calendars(self.council) == []
        assert self.events(self.council) == 0

    def test_another_partners_manager_gets_404_and_nothing_changes(self) -> None:
        self.set_council_monthly()
        client = self.api(self.police_manager)
        assert client.get(self.url(self.council)).status_code == 404
        put = client.put(
            self.url(self.council),
            {"frequency": "monthly", "nation": "scotland", "day_of_month": 1, "cut_off_working_days": 1},
            content_type="application/json",
        )
        assert put.status_code == 404
        assert self.calendars(self.council) == [("monthly", "england-and-wales", 25, None, 5)]
        assert self.calendars(self.police) == []
        assert self.events(self.council) == 1
