"""The monthly service-level report (issue 15, "Reports"; acceptance: "a report for a past month
run twice gives identical figures"). Figures worked by hand on the council's agreement
(tests/clockbase.py: Monday to Friday 08:30-17:00, 510 business minutes a day; P3 240 minutes to
respond and 1,440 to resolve, P2 60 and 480) for November 2026 (1 November is a Sunday; no bank
holiday; the whole month is GMT)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.test import Client, SimpleTestCase

from joinedup.servicedesk import services
from joinedup.servicedesk.reports import service_level_report
from joinedup.servicedesk.service_levels import BUCKETS, Row, bucket, business_days, nearest_rank
from joinedup.servicedesk.tests.clockbase import ClockTestCase, at, frozen
from joinedup.servicedesk.ticket_clocks import ticket_clocks
from joinedup.web.current import SESSION_KEY


class NearestRankTests(SimpleTestCase):
    def test_the_percentile_is_the_value_at_rank_ceiling_of_p_times_n_over_100(self) -> None:
        # The nearest-rank method's worked example: 15, 20, 35, 40, 50.
        values = [50, 15, 40, 20, 35]
        assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 90, 100)] == [15, 20, 20, 35, 50, 50]

    def test_the_median_of_an_even_count_is_the_lower_middle_and_of_none_is_none(self) -> None:
        assert nearest_rank([4, 1, 3, 2], 50) == 2
        assert nearest_rank([], 90) is None

    def test_backlog_ages_count_weekdays_that_are_not_bank_holidays_after_the_day_raised(self) -> None:
        # Raised Wednesday 23 December 2026: Thursday 24, then Christmas (Friday 25) and Boxing
        # Day's substitute (Monday 28) are off, so 29, 30 and 31: 4 business days at the year end.
        assert business_days(
            "england-and-wales", [date(2026, 12, 23), date(2026, 12, 31)], date(2026, 12, 31)
        ) == [
            4,
            0,
        ]
        assert [bucket(n) for n in (0, 2, 3, 5, 6, 10, 11)] == [
            "0-2",
            "0-2",
            "3-5",
            "3-5",
            "6-10",
            "6-10",
            "over 10",
        ]
        assert BUCKETS == ("0-2", "3-5", "6-10", "over 10")


class NovemberTestCase(ClockTestCase):
    """The council's November 2026 tickets, T1 to T8, and one of the constabulary's."""

    def setUp(self) -> None:
        super().setUp()
        # T1: answered after 60 minutes, resolved after 180: both met.
        self.t1 = self.raised(at(11, 2, 9))
        with frozen(at(11, 2, 10)):
            services.set_status(actor=self.agent, ticket=self.t1, status="in_progress")
        with frozen(at(11, 2, 12)):
            services.resolve(actor=self.agent, ticket=self.t1, resolution="Reseated the memory.")
        # T2: first answered by its resolution on Wednesday at 12:00: 480 + 510 + 210 = 1,200
        # minutes, breaching the response (240) but meeting the resolution (1,440).
        self.t2 = self.raised(at(11, 2, 9))
        with frozen(at(11, 4, 12)):
            services.resolve(actor=self.agent, ticket=self.t2, resolution="Replaced the charger.")
        # T3: answered after 30 minutes; runs 60 minutes, waits on the requester from Tuesday 10:00
        # to Thursday 09:00, then runs Thursday 09:00-17:00 (480), Friday (510) and Monday 9th
        # (510): 1,560 minutes, breaching the resolution.
        self.t3 = self.raised(at(11, 3, 9))
        with frozen(at(11, 3, 9, 30)):
            services.set_status(actor=self.agent, ticket=self.t3, status="in_progress")
        with frozen(at(11, 3, 10)):
            services.set_status(actor=self.agent, ticket=self.t3, status="waiting_requester", body="Which?")
        with frozen(at(11, 5, 9)):
            services.set_status(actor=self.agent, ticket=self.t3, status="in_progress")
        with frozen(at(11, 9, 17)):
            services.resolve(actor=self.agent, ticket=self.t3, resolution="Rebuilt the profile.")
        # T4 and T5: open at the month's end, raised on Friday 27th (1 business day old: Monday
        # 30th) and Monday 2nd (20: the 21 weekdays from the 2nd to the 30th, less the 2nd).
        self.t4 = self.raised(at(11, 27, 16))
        self.t5 = self.raised(at(11, 2, 9))
        # T6: raised in October (Friday 30th), resolved on Monday 2 November at 09:00: 480 + 30
        # = 510 minutes, resolved (not raised) in November; response breached.
        self.t6 = self.raised(at(10, 30, 9))
        with frozen(at(11, 2, 9)):
            services.resolve(actor=self.agent, ticket=self.t6, resolution="Restarted the server.")
        # T7: raised and resolved on Friday 27th in 120 minutes.
        self.t7 = self.raised(at(11, 27, 9))
        with frozen(at(11, 27, 11)):
            services.resolve(actor=self.agent, ticket=self.t7, resolution="Unlocked the account.")
        # T8: a P2 (high impact, medium urgency) answered and resolved in 30 minutes.
        self.t8 = self.raised(at(11, 10, 9), impact="high", urgency="medium")
        with frozen(at(11, 10, 9, 30)):
            services.resolve(actor=self.agent, ticket=self.t8, resolution="Reset the password.")
        # The constabulary has no agreement: its ticket counts in the volumes only.
        self.police_ticket = self.raised(at(11, 4, 9), user=self.mary, partner=self.police)
        with frozen(at(11, 4, 10)):
            services.resolve(actor=self.agent, ticket=self.police_ticket, resolution="Done.")

    def expected_p3(self) -> Row:
        return Row(
            service="ict",
            priority="p3",
            raised=6,  # T1, T2, T3, T4, T5, T7
            resolved=5,  # T1, T2, T3, T6, T7
            open_at_end=2,
            response_met=3,  # T1 60, T3 30, T7 120
            response_breached=2,  # T2 1,200, T6 510
            resolution_met=4,
            resolution_breached=1,  # T3 1,560
            # Responses 30, 60, 120, 510, 1,200: rank ceil(2.5) = 3 and ceil(4.5) = 5.
            response_median=120,
            response_p90=1200,
            # Resolutions 120, 180, 510, 1,200, 1,560.
            resolution_median=510,
            resolution_p90=1560,
            backlog={"0-2": 1, "3-5": 0, "6-10": 0, "over 10": 1},
        )


class MonthlyReportTests(NovemberTestCase):
    def test_it_counts_one_partners_month_per_service_and_priority(self) -> None:
        found = service_level_report(actor=self.agent, partner=self.council, year=2026, month=11)
        p2 = Row(
            service="ict",
            priority="p2",
            raised=1,
            resolved=1,
            response_met=1,
            resolution_met=1,
            response_median=30,
            response_p90=30,
            resolution_median=30,
            resolution_p90=30,
        )
        assert found.rows == [p2, self.expected_p3()]
        assert (found.tickets_read, found.start, found.end) == (8, at(11, 1, 0), at(12, 1, 0))

    def test_its_figures_are_the_ticket_clocks_as_at_the_months_end(self) -> None:
        clocks = ticket_clocks(self.t3, as_of=at(12, 1, 0))
        assert clocks is not None
        assert (clocks.response.elapsed_minutes, clocks.resolution.elapsed_minutes) == (30, 1560)

    def test_a_past_month_run_again_after_later_events_gives_the_same_figures(self) -> None:
        before = service_level_report(actor=self.agent, partner=self.council, year=2026, month=11)
        with frozen(at(12, 1, 10)):
            services.reopen(actor=self.ada, ticket=self.t7, reason="Locked again.")
            services.resolve(actor=self.agent, ticket=self.t5, resolution="Fixed at last.")
            services.set_status(actor=self.agent, ticket=self.t4, status="in_progress")
        with frozen(at(12, 2, 10)):
            services.change_priority(actor=self.agent, ticket=self.t4, priority="p1", reason="Whole floor.")
        after = service_level_report(actor=self.agent, partner=self.council, year=2026, month=11)
        assert after == before
        # December sees the later events.
        december = service_level_report(actor=self.agent, partner=self.council, year=2026, month=12)
        assert [(r.priority, r.raised, r.resolved, r.open_at_end) for r in december.rows] == [
            ("p1", 0, 0, 1),
            ("p3", 0, 1, 1),
        ]

    def test_the_shared_view_sums_every_partner_the_reader_reports_on(self) -> None:
        found = service_level_report(actor=self.agent, partner=None, year=2026, month=11)
        p3 = self.expected_p3()
        p3.raised, p3.resolved, p3.no_agreement = 7, 6, 1
        assert found.rows[1] == p3
        police = service_level_report(actor=self.police_agent, partner=None, year=2026, month=11)
        assert [(r.raised, r.resolved, r.no_agreement, r.response_met) for r in police.rows] == [(1, 1, 1, 0)]

    def test_it_refuses_a_reader_without_servicedesk_reports_on_the_partner(self) -> None:
        with self.assertRaises(PermissionDenied):
            service_level_report(actor=self.police_agent, partner=self.council, year=2026, month=11)
        with self.assertRaises(PermissionDenied):
            service_level_report(actor=self.ada, partner=self.council, year=2026, month=11)


class ReportPageAndApiTests(NovemberTestCase):
    """The page, its downloads and the API read the same selector (the figures above)."""

    def signed_in_on_council(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = self.council.pk
        session.save()
        return client

    def test_the_page_shows_the_month_and_downloads_the_table(self) -> None:
        client = self.signed_in_on_council(self.agent)
        page = client.get("/servicedesk/reports/", {"month": "2026-11"})
        assert page.status_code == 200
        assert "Service levels, November 2026" in page.content.decode()
        assert page.context["report"].rows[1] == self.expected_p3()
        download = client.get("/servicedesk/reports/", {"month": "2026-11", "format": "csv"})
        lines = download.content.decode("utf-8-sig").splitlines()
        assert download["Content-Disposition"] == 'attachment; filename="service-levels-WCC-2026-11.csv"'
        assert lines[1:] == [
            "ICT,P2,1,1,0,1,0,1,0,30,30,30,30,0,0,0,0,0",
            "ICT,P3,6,5,2,3,2,4,1,120,1200,510,1560,1,0,0,1,0",
        ]
        across = client.get("/servicedesk/reports/", {"month": "2026-11", "across": "all"})
        assert across.context["report"].rows[1].no_agreement == 1

    def test_the_page_refuses_a_requester(self) -> None:
        assert self.signed_in_on_council(self.ada).get("/servicedesk/reports/").status_code == 403

    def test_the_api_gives_the_months_rows_and_hides_another_partners(self) -> None:
        url = f"/api/v1/servicedesk/partners/{self.council.pk}/reports/service-levels"
        body = self.api(self.agent).get(url, {"month": "2026-11"}).json()
        assert (body["month"], body["percentile_method"]) == ("2026-11", "nearest rank")
        assert body["rows"][1] | {"backlog_business_days": None} == {
            "service": "ict",
            "priority": "p3",
            "raised": 6,
            "resolved": 5,
            "open_at_end": 2,
            "no_agreement": 0,
            "response_met": 3,
            "response_breached": 2,
            "resolution_met": 4,
            "resolution_breached": 1,
            "response_median_minutes": 120,
            "response_p90_minutes": 1200,
            "resolution_median_minutes": 510,
            "resolution_p90_minutes": 1560,
            "backlog_business_days": None,
        }
        assert body["rows"][1]["backlog_business_days"] == {"0-2": 1, "3-5": 0, "6-10": 0, "over 10": 1}
        assert self.api(self.police_agent).get(url, {"month": "2026-11"}).status_code == 404
        assert self.api(self.ada).get(url, {"month": "2026-11"}).status_code == 403
        assert self.api(self.agent).get(url, {"month": "2026-13"}).status_code == 422
