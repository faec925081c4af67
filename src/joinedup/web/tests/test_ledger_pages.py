"""The ledger pages over the hand-worked council ledger of :mod:`joinedup.ledger.tests.fixtures`."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from joinedup.audit.models import AuditEvent
from joinedup.ledger.models import (
    Account,
    Budget,
    CostCentre,
    FinancialYear,
    Journal,
    JournalLine,
    JournalSource,
    PeriodStatus,
)
from joinedup.ledger.tests.base import YEAR
from joinedup.ledger.tests.fixtures import LedgerReportsTestCase
from joinedup.partnership.models import Role


def journal_form(
    *lines: dict[str, str], date: str = "2026-07-01", description: str = "Envelopes"
) -> dict[str, Any]:
    """A POST of the journal form: the management form, then each line's fields, six rows in all."""
    data: dict[str, Any] = {
        "date": date,
        "description": description,
        "form-TOTAL_FORMS": "6",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "200",
    }
    for n, line in enumerate(lines):
        for name, value in line.items():
            data[f"form-{n}-{name}"] = value
    return data


class LedgerPagesTestCase(LedgerReportsTestCase):
    def state(self) -> tuple[Any, ...]:
        """Everything a refused request must leave as it was."""
        return (
            *self.written(self.council),
            AuditEvent.objects.for_partner(self.council).count(),
            tuple(self.may.__class__.objects.for_partner(self.council).values_list("status", flat=True)),
            tuple(Budget.objects.for_partner(self.council).order_by("pk").values_list("pk", "amount")),
        )


class TestLedgerReportPages(LedgerPagesTestCase):
    def test_a_finance_officer_sees_the_trial_balance_figures(self) -> None:
        page = (
            self.signed_in(self.council_finance).get("/ledger/trial-balance?period=2026-05").content.decode()
        )
        assert "Trial balance, 1 May 2026 to 31 May 2026" in page
        for figure in ("£153.46", "£25.50", "-£25.50", "-£127.96"):
            assert figure in page
        total = page[page.index('data-testid="trial-balance-total"') :]
        assert total.count("£178.96") == 2 and "£0.00" in total

    def test_the_trial_balance_downloads_as_csv_and_excel(self) -> None:
        client = self.signed_in(self.council_finance)
        csv = client.get("/ledger/trial-balance?from=2026-05&to=2026-05&format=csv")
        assert csv["Content-Disposition"] == 'attachment; filename="trial-balance-WCC-2026-05-2026-05.csv"'
        assert csv.content.decode("utf-8-sig").splitlines()[-1] == ",Total,,,178.96,178.96,0.00"
        xlsx = client.get("/ledger/trial-balance?from=2026-04&to=2026-06&format=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("account", "name", "type", "group", "debits", "credits", "balance")
        assert rows[-1][1] == "Total" and float(rows[-1][4]) == float(rows[-1][5]) == 1186.73  # type: ignore[arg-type]

    def test_the_ledger_is_in_the_menu_only_for_those_who_may_view_it(self) -> None:
        finance = self.signed_in(self.council_finance).get("/").content.decode()
        assert 'href="/ledger/">Ledger</a>' in finance
        hr = self.signed_in(self.council_hr).get("/").content.decode()
        assert 'href="/ledger/"' not in hr
        assert self.signed_in(self.council_hr).get("/ledger/").status_code == 403

    def test_the_home_page_lists_the_periods_with_a_picker(self) -> None:
        page = self.signed_in(self.council_finance).get("/ledger/?period=2026-05").content.decode()
        assert 'data-testid="period-picker"' in page
        assert '<option value="2026-05" selected>May 2026 (2026/27 P2)</option>' in page
        assert page.count("govuk-tag--green") == 12
        assert f'href="/ledger/periods/{self.may.pk}/close"' in page

    def test_a_month_without_a_period_is_named_and_the_current_one_shown(self) -> None:
        page = (
            self.signed_in(self.council_finance).get("/ledger/trial-balance?period=2031-01").content.decode()
        )
        assert "There is a problem" in page
        assert "Wessex County Council has no financial period for January 2031." in page

    def test_budget_against_actual_shows_the_tree_variances_and_drill_down_links(self) -> None:
        page = (
            self.signed_in(self.council_finance)
            .get("/ledger/budget?from=2026-05&to=2026-05")
            .content.decode()
        )
        hr = page[page.index('data-cost-centre="HR"') : page.index('data-cost-centre="CC-C-HR-01"')]
        for figure in ("£130.00", "£127.96", "-£2.04", "-1.6%", "£100.00", "£123.45", "£23.45", "23.5%"):
            assert figure in hr
        drill = (
            f"/ledger/budget/lines?from=2026-05&amp;to=2026-05&amp;cost_centre={self.hr.pk}"
            f"&amp;account={self.stationery_account.pk}"
        )
        assert f'href="{drill}">£123.45</a>' in hr
        team = page[page.index('data-cost-centre="CC-C-HR-01"') :]
        assert "-40.0%" in team and "27.5%" in team and "-85.0%" in team

    def test_the_drill_down_shows_exactly_the_lines_behind_the_figure(self) -> None:
        client = self.signed_in(self.council_finance)
        url = (
            f"/ledger/budget/lines?from=2026-05&to=2026-06&cost_centre={self.hr.pk}"
            f"&account={self.stationery_account.pk}"
        )
        page = client.get(url).content.decode()
        table = page[page.index('data-testid="lines-behind"') :]
        body = table[table.index("<tbody") : table.index("</tbody>")]
        assert body.count('class="govuk-table__row"') == 2
        assert "£123.45" in table and "£7.77" in table and "£131.22" in table and "£30.01" not in table
        below = client.get(url + "&below=1").content.decode()
        assert "£30.01" in below and "£161.23" in below

    def test_filtering_the_lines_narrows_them_and_the_csv_holds_exactly_those_lines(self) -> None:
        client = self.signed_in(self.council_finance)
        query: dict[str, str | int] = {
            "from": "2026-05",
            "to": "2026-06",
            "account": self.stationery_account.pk,
            "cost_centre": self.hr.pk,
        }
        page = client.get("/ledger/budget/lines", query)
        assert [line.debit for line in page.context["page"]] == [12_345, 777]
        assert "Wessex County Council: 2 lines" in page.content.decode()
        csv = client.get("/ledger/budget/lines", {**query, "format": "csv"})
        assert csv["Content-Disposition"] == 'attachment; filename="ledger-lines-wcc-2026-05-2026-06.csv"'
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "date,journal,period,account,cost_centre,description,debit,credit",
            f"2026-05-15,{self.may_stationery.pk},2026-05,4200,HR,Paper,123.45,0.00",
            f"2026-06-03,{self.late.pk},2026-06,4200,HR,Late stationery,7.77,0.00",
        ]

    def test_every_line_of_a_month_sorts_by_debit(self) -> None:
        client = self.signed_in(self.council_finance)
        found = client.get(
            "/ledger/budget/lines", {"period": "2026-05", "sort": "debit", "order": "desc"}
        ).context["page"]
        assert [line.debit for line in found][:3] == [12_345, 3_001, 2_550]
        assert found.paginator.count == 5

    def test_the_account_ledger_runs_the_balance_from_the_opening_balance(self) -> None:
        page = (
            self.signed_in(self.council_finance)
            .get(f"/ledger/accounts/{self.bank.pk}?date_from=2026-05-01&date_to=2026-05-31")
            .content.decode()
        )
        assert "£1,000.00" in page  # brought forward from April
        table = page[page.index('data-testid="account-ledger"') :]
        assert table.index("£846.54") < table.index("£872.04")
        assert "Balance at 31 May 2026" in page

    def test_a_date_that_is_not_one_is_named(self) -> None:
        page = (
            self.signed_in(self.council_finance)
            .get(f"/ledger/accounts/{self.bank.pk}?date_from=soon")
            .content.decode()
        )
        assert "&#x27;soon&#x27; is not a date: write it like 2026-08-31." in page

    def test_the_cost_centre_report_adds_the_cost_centres_below(self) -> None:
        page = (
            self.signed_in(self.council_finance)
            .get(f"/ledger/cost-centres/{self.hr.pk}?from=2026-04&to=2026-06")
            .content.decode()
        )
        assert "HR, CC-C-HR-01" in page
        for figure in ("£153.46", "£7.77", "£161.23", "-£25.50", "£127.96", "£135.73"):
            assert figure in page


class TestJournalPages(LedgerPagesTestCase):
    def test_the_journal_list_and_a_journal_with_its_reversal_link(self) -> None:
        client = self.signed_in(self.council_finance)
        listing = client.get("/ledger/journals?period=2026-05").content.decode()
        assert "Training income" in listing and "Stationery" in listing and "Late stationery" not in listing
        page = client.get(f"/ledger/journals/{self.may_stationery.pk}").content.decode()
        assert "Not reversed." in page
        assert f'href="/ledger/journals/{self.may_stationery.pk}/reverse"' in page
        assert page.count("£153.46") == 3  # the bank line and both totals

    def test_filtering_journals_narrows_the_list_and_the_csv_holds_exactly_those_journals(self) -> None:
        client = self.signed_in(self.council_finance)
        page = client.get("/ledger/journals", {"period": "2026-05", "search": "stationery"})
        assert [j.pk for j in page.context["page"]] == [self.may_stationery.pk]
        assert "Wessex County Council: 1 journal" in page.content.decode()
        csv = client.get("/ledger/journals", {"period": "2026-05", "search": "stationery", "format": "csv"})
        assert csv["Content-Disposition"] == 'attachment; filename="journals-wcc.csv"'
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "journal,date,period,source,reference,description,amount,posted_by",
            f"{self.may_stationery.pk},2026-05-15,2026-05,manual,,Stationery,153.46,council.finance",
        ]

    def test_a_journal_is_found_by_its_number_and_reversed_ones_by_their_status(self) -> None:
        client = self.signed_in(self.council_finance)
        found = client.get("/ledger/journals", {"search": str(self.training.pk)}).context["page"]
        assert [j.pk for j in found] == [self.training.pk]
        client.post(f"/ledger/journals/{self.training.pk}/reverse", {"date": "2026-07-02"})
        reversed_ = client.get("/ledger/journals", {"status": "reversed"}).context["page"]
        assert [j.pk for j in reversed_] == [self.training.pk]

    def test_journals_sort_by_amount_and_number_both_ways(self) -> None:
        client = self.signed_in(self.council_finance)
        by_amount = client.get("/ledger/journals", {"sort": "amount", "order": "desc"}).context["page"]
        assert [j.pk for j in by_amount] == [
            self.opening.pk,
            self.may_stationery.pk,
            self.training.pk,
            self.late.pk,
        ]
        by_number = client.get("/ledger/journals", {"sort": "number", "order": "asc"}).context["page"]
        assert [j.pk for j in by_number] == sorted(
            [self.opening.pk, self.may_stationery.pk, self.training.pk, self.late.pk]
        )
        page = client.get("/ledger/journals", {"sort": "amount"}).content.decode()
        assert (
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-sort-value="100000">£1,000.00</td>'
            in page
        )

    def test_a_month_without_a_period_is_named_beside_the_filter(self) -> None:
        page = self.signed_in(self.council_finance).get("/ledger/journals?period=2031-01")
        assert "2031-01 is not one of the partner&#x27;s periods." in page.content.decode()
        assert page.context["page"].paginator.count == 4

    def test_a_finance_officer_reverses_a_journal_after_confirming(self) -> None:
        client = self.signed_in(self.council_finance)
        confirm = client.get(f"/ledger/journals/{self.training.pk}/reverse").content.decode()
        assert "Reverse journal" in confirm and 'value="2026-05-20"' in confirm
        response = client.post(f"/ledger/journals/{self.training.pk}/reverse", {"date": "2026-07-02"})
        reversal = Journal.objects.for_partner(self.council).get(reverses=self.training)
        assert response["Location"] == f"/ledger/journals/{reversal.pk}"
        assert (reversal.date.isoformat(), reversal.source) == ("2026-07-02", JournalSource.REVERSAL)
        original = client.get(f"/ledger/journals/{self.training.pk}").content.decode()
        assert (
            f'Reversed</strong> by <a class="govuk-link" href="/ledger/journals/{reversal.pk}">' in original
        )
        assert "Reverse this journal" not in original

    def test_a_reversal_into_a_closed_period_shows_why_and_posts_nothing(self) -> None:
        client = self.signed_in(self.council_finance)
        client.post(f"/ledger/periods/{self.may.pk}/close")
        state = self.state()
        page = client.post(f"/ledger/journals/{self.training.pk}/reverse", {"date": ""}).content.decode()
        assert "2026/27 period 2 (May 2026) is closed: post into an open period." in page
        assert self.state() == state

    def test_a_finance_officer_posts_a_journal_from_the_form(self) -> None:
        response = self.signed_in(self.council_finance).post(
            "/ledger/journals/new",
            journal_form(
                {"account": "4200", "cost_centre": "HR", "debit": "19.99", "description": "Envelopes"},
                {"account": "B100", "credit": "19.99"},
            ),
        )
        journal = Journal.objects.for_partner(self.council).get(description="Envelopes")
        assert response["Location"] == f"/ledger/journals/{journal.pk}"
        lines = JournalLine.objects.for_partner(self.council).filter(journal=journal).order_by("id")
        assert list(lines.values_list("account__code", "cost_centre__code", "debit", "credit")) == [
            ("4200", "HR", 1_999, 0),
            ("B100", None, 0, 1_999),
        ]

    def test_an_unbalanced_journal_shows_the_error_and_posts_nothing(self) -> None:
        state = self.state()
        page = (
            self.signed_in(self.council_finance)
            .post(
                "/ledger/journals/new",
                journal_form(
                    {"account": "4200", "cost_centre": "HR", "debit": "20.00"},
                    {"account": "B100", "credit": "19.99"},
                ),
            )
            .content.decode()
        )
        assert "There is a problem" in page
        assert (
            "Debits £20.00 and credits £19.99 differ by £0.01: a journal must balance to the penny." in page
        )
        assert 'value="20.00"' in page  # what was typed stays to be corrected
        assert self.state() == state

    def test_a_bad_line_is_named_beside_its_row(self) -> None:
        state = self.state()
        page = (
            self.signed_in(self.council_finance)
            .post(
                "/ledger/journals/new",
                journal_form({"account": "4200", "debit": "5.00"}, {"account": "B100", "credit": "5.00"}),
            )
            .content.decode()
        )
        assert "Line 1: Account 4200 Printing, stationery and postage needs a cost centre." in page
        assert self.state() == state

    def test_a_fraction_of_a_penny_is_refused_not_truncated(self) -> None:
        # £1.005 is a mistake to correct: the line is refused with a message, never posted as £1.00
        state = self.state()
        page = (
            self.signed_in(self.council_finance)
            .post(
                "/ledger/journals/new",
                journal_form(
                    {"account": "4200", "cost_centre": "HR", "debit": "1.005"},
                    {"account": "B100", "credit": "1.005"},
                ),
            )
            .content.decode()
        )
        assert "There is a problem" in page
        # Each in the summary (naming its line) and beside its field.
        assert page.count("Line 1: The debit can have at most 2 decimal places.") == 1
        assert page.count("Line 2: The credit can have at most 2 decimal places.") == 1
        assert page.count("The debit can have at most 2 decimal places.") == 2
        assert page.count("The credit can have at most 2 decimal places.") == 2
        assert self.state() == state

    def test_a_viewer_sees_no_post_button_and_cannot_post_or_reverse(self) -> None:
        client = self.signed_in(self.council_viewer)
        assert "Post a journal" not in client.get("/ledger/journals").content.decode()
        assert (
            "Reverse this journal" not in client.get(f"/ledger/journals/{self.training.pk}").content.decode()
        )
        state = self.state()
        form = journal_form(
            {"account": "4200", "cost_centre": "HR", "debit": "1.00"}, {"account": "B100", "credit": "1.00"}
        )
        assert client.get("/ledger/journals/new").status_code == 403
        assert client.post("/ledger/journals/new", form).status_code == 403
        assert client.post(f"/ledger/journals/{self.training.pk}/reverse", {}).status_code == 403
        assert client.post(f"/ledger/periods/{self.may.pk}/close").status_code == 403
        assert self.state() == state


class TestPeriodClosePage(LedgerPagesTestCase):
    def test_a_period_is_closed_after_confirming(self) -> None:
        client = self.signed_in(self.council_finance)
        confirm = client.get(f"/ledger/periods/{self.june.pk}/close").content.decode()
        assert "Close 2026/27 period 3 (June 2026)" in confirm
        self.june.refresh_from_db()
        assert self.june.status == PeriodStatus.OPEN  # asking is not closing
        response = client.post(f"/ledger/periods/{self.june.pk}/close")
        assert response["Location"] == "/ledger/"
        self.june.refresh_from_db()
        assert (self.june.status, self.june.closed_by) == (PeriodStatus.CLOSED, self.council_finance)
        again = client.post(f"/ledger/periods/{self.june.pk}/close").content.decode()
        assert "2026/27 period 3 (June 2026) is already closed." in again


class TestAnotherPartnersLedger(LedgerPagesTestCase):
    def test_another_partners_finance_officer_gets_404_and_nothing_changes(self) -> None:
        client = self.signed_in(self.police_finance)
        state = self.state()
        drill = f"/ledger/budget/lines?cost_centre={self.hr.pk}&account={self.stationery_account.pk}"
        for method, url in (
            ("get", f"/ledger/accounts/{self.bank.pk}"),
            ("get", f"/ledger/journals/{self.may_stationery.pk}"),
            ("get", drill),
            ("get", f"/ledger/budget?cost_centre={self.hr.pk}"),
            ("get", f"/ledger/cost-centres/{self.hr.pk}"),
            ("get", f"/ledger/periods/{self.may.pk}/close"),
            ("post", f"/ledger/periods/{self.may.pk}/close"),
            ("post", f"/ledger/journals/{self.may_stationery.pk}/reverse"),
        ):
            with self.subTest(f"{method} {url}"):
                assert getattr(client, method)(url).status_code == 404
        assert self.state() == state

    def test_another_partners_journal_list_and_its_download_hold_none_of_ours(self) -> None:
        client = self.signed_in(self.police_finance)
        state = self.state()
        assert client.get("/ledger/journals").context["page"].paginator.count == 0
        csv = client.get("/ledger/journals", {"format": "csv", "search": "Stationery"})
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "journal,date,period,source,reference,description,amount,posted_by"
        ]
        assert self.state() == state

    def test_someone_without_ledger_access_is_refused_the_journal_list_and_its_download(self) -> None:
        client = self.signed_in(self.council_hr)
        state = self.state()
        assert client.get("/ledger/journals").status_code == 403
        assert client.get("/ledger/journals", {"format": "csv"}).status_code == 403
        assert self.state() == state

    def test_a_partner_without_a_ledger_is_told_how_to_set_one_up(self) -> None:
        shared_finance = self.make_user("shared.finance", [(self.shared, Role.FINANCE_OFFICER)])
        page = self.signed_in(shared_finance).get("/ledger/").content.decode()
        assert "Wessex Shared Services has no financial periods yet." in page
        assert "joinedup ledger setup --partner WSS --year 2026" in page

    def test_their_own_trial_balance_shows_only_their_ledger(self) -> None:
        page = (
            self.signed_in(self.police_finance).get("/ledger/trial-balance?period=2026-05").content.decode()
        )
        assert "Wessex Constabulary" in page and "Nothing posted in these periods." in page
        assert "£153.46" not in page


class TestBudgetPages(LedgerPagesTestCase):
    def year_form(self, **fields: str) -> dict[str, str]:
        year = FinancialYear.objects.for_partner(self.council).get(start_year=YEAR)
        return {"cost_centre": "HR", "account": "4200", "year": str(year.pk), **fields}

    def budgets(self, centre: CostCentre, account: Account) -> dict[int, int]:
        return {
            int(month): amount
            for month, amount in Budget.objects.for_partner(self.council)
            .filter(cost_centre=centre, account=account)
            .values_list("period__start_date__month", "amount")
        }

    def test_an_annual_budget_is_profiled_evenly_around_a_month_given_its_own_figure(self) -> None:
        client = self.signed_in(self.council_finance)
        response = client.post("/ledger/budgets", self.year_form(annual="1200.00", month_2="200.00"))
        assert response.status_code == 302
        assert response["Location"] == f"/ledger/budget?from=2026-04&to=2027-03&cost_centre={self.hr.pk}"
        # £1,000 over the other eleven months: £90.90, and the 10p left over a penny each to the
        # last ten, so the year adds up to the annual figure exactly.
        assert self.budgets(self.hr, self.stationery_account) == {
            4: 9090,
            5: 20_000,
            **{m: 9091 for m in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3)},
        }
        event = AuditEvent.objects.for_partner(self.council).filter(action="budget.year_set").get()
        assert event.before == {"2026-05": 10_000}
        assert event.after["annual"] == 120_000
        page = client.get(response["Location"]).content.decode()
        assert "Budget set for 4200" in page

    def test_the_form_shows_the_months_already_set_for_a_line(self) -> None:
        page = (
            self.signed_in(self.council_finance)
            .get(f"/ledger/budgets?cost_centre={self.hr.pk}&account={self.stationery_account.pk}")
            .content.decode()
        )
        assert 'name="month_2" type="text" value="100.00"' in page
        assert '<option value="HR" selected>' in page

    def test_months_that_do_not_add_up_to_the_annual_figure_are_refused_and_nothing_changes(self) -> None:
        state = self.state()
        months = {f"month_{n}": "100.00" for n in range(1, 13)}
        page = (
            self.signed_in(self.council_finance)
            .post("/ledger/budgets", self.year_form(annual="1000.00", **months))
            .content.decode()
        )
        assert "There is a problem" in page
        assert (
            "The months add up to £1,200.00, not the annual £1,000.00: leave a month blank to take the "
            "difference, or change the annual amount."
        ) in page
        assert self.state() == state

    def test_a_form_with_neither_annual_nor_monthly_figures_is_refused(self) -> None:
        state = self.state()
        page = self.signed_in(self.council_finance).post("/ledger/budgets", self.year_form()).content.decode()
        assert "Enter the annual budget, or the budget of at least one month." in page
        assert self.state() == state

    def test_a_spreadsheet_sets_every_budget_in_it(self) -> None:
        client = self.signed_in(self.council_finance)
        upload = io.BytesIO(
            b'cost_centre,account,period,amount\nHR,4200,2026-06,"1,250.00"\nCC-C-HR-01,9000,2026-06,300\n'
        )
        upload.name = "budgets.csv"
        response = client.post("/ledger/budgets/import", {"file": upload})
        assert response["Location"] == "/ledger/budgets/import"
        assert self.budgets(self.hr, self.stationery_account)[6] == 125_000
        assert self.budgets(self.team, self.income_account)[6] == 30_000
        assert AuditEvent.objects.for_partner(self.council).filter(action="budget.set").count() == 3 + 2
        assert "2 budget(s) set from budgets.csv." in client.get(response["Location"]).content.decode()

    def test_a_spreadsheet_with_bad_rows_changes_nothing_and_names_every_one(self) -> None:
        state = self.state()
        upload = io.BytesIO(
            b"cost_centre,account,period,amount\n"
            b"HR,4200,2026-06,10\nNOPE,4200,2026-06,10\nHR,B100,2026-13,10\nHR,4200,2026-06,1.234\n"
        )
        upload.name = "budgets.csv"
        page = self.signed_in(self.council_finance).post("/ledger/budgets/import", {"file": upload})
        text = page.content.decode()
        assert "Nothing was changed: the file has 5 problems" in text
        table = text[text.index('data-testid="import-errors"') :]
        for reason in (
            "Wessex County Council has no such cost centre",
            "Budgets are set on expense and income accounts",
            "Wessex County Council has no financial period for that month",
        ):
            assert reason in table
        assert self.state() == state

    def test_the_template_has_the_import_columns(self) -> None:
        csv = self.signed_in(self.council_finance).get("/ledger/budgets/template.csv")
        assert csv["Content-Disposition"] == 'attachment; filename="budgets-template.csv"'
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "cost_centre,account,period,amount",
            "HR,1000,2026-08,125000.00",
        ]
        xlsx = self.signed_in(self.council_finance).get("/ledger/budgets/template.xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        assert next(sheet.iter_rows(values_only=True)) == ("cost_centre", "account", "period", "amount")

    def test_a_viewer_cannot_set_or_upload_budgets(self) -> None:
        client = self.signed_in(self.council_viewer)
        state = self.state()
        upload = io.BytesIO(b"cost_centre,account,period,amount\nHR,4200,2026-06,10\n")
        upload.name = "budgets.csv"
        assert client.get("/ledger/budgets").status_code == 403
        assert client.post("/ledger/budgets", self.year_form(annual="1.00")).status_code == 403
        assert client.post("/ledger/budgets/import", {"file": upload}).status_code == 403
        assert "Set budgets" not in client.get("/ledger/budget").content.decode()
        assert self.state() == state

    def test_another_partners_cost_centre_answers_404_and_cannot_be_budgeted(self) -> None:
        client = self.signed_in(self.police_finance)
        state = self.state()
        assert client.get(f"/ledger/budgets?cost_centre={self.hr.pk}").status_code == 404
        assert client.get(f"/ledger/budgets?account={self.stationery_account.pk}").status_code == 404
        page = client.post("/ledger/budgets", self.year_form(annual="1.00")).content.decode()
        assert "Choose the financial year from the list." in page
        assert self.state() == state
