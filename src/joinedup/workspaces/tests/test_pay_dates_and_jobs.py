"""A payroll officer's next pay date at each employer they serve; the background queue's tile, only
for whoever administers every partner, with counts and progress and never a job's arguments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from joinedup.partnership.models import Partner, Role
from joinedup.payroll.models import PayCalendar, PayRun, RunStatus
from joinedup.workspaces.tests.base import TODAY, WorkWaitingTestCase
from joinedup.workspaces.tests.test_pages import on_today, tiles

SECRET_ARGUMENT = "payrun-of-the-police-9999"


def detail_of(html: str, key: str) -> str:
    start = html.index(f'data-testid="tile-{key}"')
    block = html[start : html.index("</li>", start)]
    marker = '<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">'
    return block[block.index(marker) + len(marker) : block.index("</p>", block.index(marker))]


class TestNextPayDates(WorkWaitingTestCase):
    def test_a_payroll_officer_sees_the_next_pay_date_of_their_employer(self) -> None:
        with on_today():
            html = self.signed_in(self.council_payroll).get("/").content.decode()
        assert tiles(html)["payroll_officer-next_pay_dates"] == 1
        assert detail_of(html, "payroll_officer-next_pay_dates") == f"{self.council.name}: 25 November 2026"

    def test_an_officer_serving_two_employers_sees_each_soonest_first(self) -> None:
        both = self.make_user(
            "both.payroll", [(self.council, Role.PAYROLL_OFFICER), (self.police, Role.PAYROLL_OFFICER)]
        )
        PayRun.objects.for_partner(self.police).filter(pay_date=TODAY + timedelta(days=5)).update(
            pay_date=TODAY + timedelta(days=2)
        )
        with on_today():
            html = self.signed_in(both).get("/").content.decode()
        assert tiles(html)["payroll_officer-next_pay_dates"] == 2
        assert detail_of(html, "payroll_officer-next_pay_dates") == (
            f"{self.police.name}: 22 November 2026; {self.council.name}: 25 November 2026"
        )

    def test_another_employers_pay_dates_are_not_shown_to_an_officer_who_does_not_serve_it(self) -> None:
        with on_today():
            html = self.signed_in(self.police_payroll).get("/").content.decode()
        assert detail_of(html, "payroll_officer-next_pay_dates") == f"{self.police.name}: 25 November 2026"
        assert self.council.name not in html

    def test_an_employer_with_nothing_left_to_pay_says_so(self) -> None:
        PayRun.objects.for_partner(self.council).filter(pay_date__gte=TODAY).update(status=RunStatus.PAID)
        with on_today():
            html = self.signed_in(self.council_payroll).get("/").content.decode()
        assert tiles(html)["payroll_officer-next_pay_dates"] == 0
        assert (
            "from its pay calendar (or the pay date of its next run, where it has no calendar yet)." in html
        )

    def test_an_employer_with_a_pay_calendar_shows_its_next_pay_date_and_cut_off(self) -> None:
        """Monthly on the 25th, England: Wednesday 25 November 2026; five working days before
        it (24, 23, 20, 19, 18) the cut-off is Wednesday 18 November."""
        self.set_calendar(self.council, day=25, cut_off=5)
        with on_today():
            html = self.signed_in(self.council_payroll).get("/").content.decode()
        assert tiles(html)["payroll_officer-next_pay_dates"] == 1
        assert detail_of(html, "payroll_officer-next_pay_dates") == (
            f"{self.council.name}: 25 November 2026. Cut-off 18 November 2026"
        )

    def test_the_calendar_moves_a_scottish_employers_pay_day_for_st_andrews_day(self) -> None:
        """Monday 30 November 2026 is St Andrew's Day in Scotland (gov.uk): paid Friday 27th, and
        three working days before it (26, 25, 24) the cut-off is Tuesday 24 November. The police,
        with no calendar, still show their next run's pay date."""
        both = self.make_user(
            "both.payroll", [(self.council, Role.PAYROLL_OFFICER), (self.police, Role.PAYROLL_OFFICER)]
        )
        self.set_calendar(self.council, day=30, cut_off=3, nation="scotland")
        with on_today():
            html = self.signed_in(both).get("/").content.decode()
        assert tiles(html)["payroll_officer-next_pay_dates"] == 2
        assert detail_of(html, "payroll_officer-next_pay_dates") == (
            f"{self.police.name}: 25 November 2026; "
            f"{self.council.name}: 27 November 2026. Cut-off 24 November 2026"
        )

    def set_calendar(
        self, partner: Partner, *, day: int, cut_off: int, nation: str = "england-and-wales"
    ) -> None:
        PayCalendar.objects.create(
            partner=partner,
            frequency="monthly",
            nation=nation,
            day_of_month=day,
            cut_off_working_days=cut_off,
        )


class TestBackgroundJobs(WorkWaitingTestCase):
    operator: Any
    council_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        every = list(Partner.objects.order_by("pk"))
        cls.operator = cls.make_user("every.admin", [(p, Role.SERVICE_ADMIN) for p in every])
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])
        now = timezone.now()
        for status, finished in (
            (TaskResultStatus.READY, None),
            (TaskResultStatus.READY, None),
            (TaskResultStatus.RUNNING, None),
            (TaskResultStatus.FAILED, now - timedelta(days=1)),
            (TaskResultStatus.FAILED, now - timedelta(days=30)),
            (TaskResultStatus.SUCCESSFUL, now),
        ):
            DBTaskResult.objects.create(
                status=status,
                finished_at=finished,
                args_kwargs={"args": [SECRET_ARGUMENT], "kwargs": {}},
                task_path="joinedup.payroll.tasks.calculate_run",
                backend_name="default",
                run_after=now,
            )
        PayRun.objects.for_partner(cls.police).filter(status=RunStatus.DRAFT).update(
            status=RunStatus.CALCULATING, progress_done=400, progress_total=1000
        )

    def queue(self) -> list[tuple[str, Any]]:
        return sorted(DBTaskResult.objects.values_list("status", "args_kwargs"))

    def test_whoever_administers_every_partner_sees_the_queue_with_pay_run_progress(self) -> None:
        with on_today():
            html = self.signed_in(self.operator).get("/").content.decode()
        assert tiles(html)["service_admin-background_jobs"] == 3
        assert detail_of(html, "service_admin-background_jobs") == (
            "2 queued, 1 running, 1 failed in the last 7 days; "
            "1 pay run calculating, 400 of 1,000 payslips written"
        )
        assert SECRET_ARGUMENT not in html

    def test_the_api_worklist_gives_the_same_count(self) -> None:
        with on_today():
            body = self.api(self.operator).get("/api/v1/me/worklist").json()
        assert body["roles"]["service_admin"]["background_jobs"]["count"] == 3
        assert SECRET_ARGUMENT not in str(body)

    def test_a_service_administrator_of_one_partner_sees_nothing_of_the_queue_and_nothing_changes(
        self,
    ) -> None:
        before = self.queue()
        with on_today():
            html = self.signed_in(self.council_admin).get("/").content.decode()
        assert "service_admin-background_jobs" not in html
        assert "payslips written" not in html
        assert SECRET_ARGUMENT not in html
        assert self.queue() == before

    def test_other_roles_see_no_queue(self) -> None:
        with on_today():
            html = self.signed_in(self.council_everything).get("/").content.decode()
        assert "background_jobs" not in html
        assert SECRET_ARGUMENT not in html


class TestPayChartFromKeptTotals(WorkWaitingTestCase):
    def test_a_run_that_kept_its_totals_at_approval_is_charted_from_them_in_one_query(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from joinedup.workspaces.charts import pay_by_month

        PayRun.objects.for_partner(self.council).filter(
            status__in=[RunStatus.APPROVED, RunStatus.PAID]
        ).update(approved_totals={"gross_pay": 123_456}, progress_total=7)
        with CaptureQueriesContext(connection) as queries:
            months = pay_by_month(self.council_payroll, partner=self.council, today=TODAY)
        assert [(m.month.month, m.gross_pence, m.headcount) for m in months if m.headcount] == [
            (9, 123_456, 7),
            (10, 123_456, 7),
        ]
        assert not [q for q in queries if "payroll_payslip" in q["sql"]]
