"""All-or-nothing imports of journals and budgets: a good file posts whole, a file with any bad
row posts nothing and names every bad row by spreadsheet row (the header is row 1), column and
reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from joinedup.audit.models import AuditEvent
from joinedup.core.tabular import RowError
from joinedup.ledger.imports import import_budgets, import_journal
from joinedup.ledger.models import Budget, Journal, JournalLine, JournalSource
from joinedup.ledger.tests.base import LedgerTestCase

HEADER = "date,account,cost_centre,counterparty,debit,credit,description,journal\n"

GOOD_JOURNALS = (
    HEADER
    + '2026-05-14,4200,HR,,"1,234.50",,Paper,J1\n'
    + "2026-05-14,B100,,,,1234.50,,J1\n"
    + "2026-06-02,9000,CC-C-HR-01,,,80.00,Course fees,J2\n"
    + "2026-06-02,B100,,,80,,,J2\n"
).encode()

TOO_PRECISE = (
    "Has 3 decimal places; at most 2 decimal places are allowed (round it in the spreadsheet if that is "
    "what you mean)"
)


def budgets_file(*rows: str) -> bytes:
    return ("cost_centre,account,period,amount\n" + "".join(f"{row}\n" for row in rows)).encode()


class TestJournalImport(LedgerTestCase):
    def test_a_good_file_posts_one_journal_per_reference(self) -> None:
        result = import_journal(
            actor=self.council_finance,
            partner=self.council,
            source=GOOD_JOURNALS,
            filename="may.csv",
            description="May adjustments",
        )
        assert result.ok and result.rows == 4
        assert [(j.date, j.description, j.source, j.source_ref) for j in result.journals] == [
            (date(2026, 5, 14), "May adjustments (J1)", JournalSource.MANUAL, "may.csv"),
            (date(2026, 6, 2), "May adjustments (J2)", JournalSource.MANUAL, "may.csv"),
        ]
        lines = JournalLine.objects.for_partner(self.council).order_by("id")
        assert list(lines.values_list("account__code", "cost_centre__code", "debit", "credit")) == [
            ("4200", "HR", 123_450, 0),
            ("B100", None, 0, 123_450),
            ("9000", "CC-C-HR-01", 0, 8_000),
            ("B100", None, 8_000, 0),
        ]
        assert AuditEvent.objects.for_partner(self.council).filter(action="journal.posted").count() == 2

    def test_rows_without_a_reference_form_one_journal_per_date(self) -> None:
        source = (
            HEADER
            + "2026-05-14,4200,HR,,10,,,\n2026-05-14,B100,,,,10,,\n"
            + "2026-05-15,4200,HR,,2,,,\n2026-05-15,B100,,,,2,,\n"
        ).encode()
        result = import_journal(actor=self.council_finance, partner=self.council, source=source)
        assert [(j.date, j.description) for j in result.journals] == [
            (date(2026, 5, 14), "Imported from a file (2026-05-14)"),
            (date(2026, 5, 15), "Imported from a file (2026-05-15)"),
        ]

    def test_importing_the_same_file_again_posts_nothing_twice(self) -> None:
        import_journal(actor=self.council_finance, partner=self.council, source=GOOD_JOURNALS)
        again = import_journal(actor=self.council_finance, partner=self.council, source=GOOD_JOURNALS)
        assert (again.ok, again.journals, again.already_posted) == (True, [], 2)
        assert self.written(self.council) == (2, 4)

    def test_a_file_with_bad_rows_posts_nothing_and_names_every_bad_row(self) -> None:
        source = (
            HEADER
            + "2026-05-14,4200,HR,,100.00,,,J1\n"  # row 2: good, but J1 goes with the rest
            + "2026-05-14,B100,,,,100.00,,J1\n"  # row 3: good
            + "2026-05-14,9999,HR,,10.125,,,J2\n"  # row 4: three places of pence
            + "2026-05-14,B100,,,,10.12,,J2\n"  # row 5
            + "2026-05-32,4200,HR,,5.00,,,J3\n"  # row 6: no such date
            + "2026-05-14,7777,HR,,5.00,,,J4\n"  # row 7: no such account
            + "2026-05-14,4200,NOWHERE,,,5.00,,J4\n"  # row 8: no such cost centre
        ).encode()
        result = import_journal(actor=self.council_finance, partner=self.council, source=source)
        assert not result.ok and result.journals == []
        assert [(e.row, e.column) for e in result.errors] == [
            (4, "debit"),
            (6, "date"),
            (7, "account"),
            (8, "cost_centre"),
        ]
        assert result.errors[0].reason == TOO_PRECISE
        assert result.errors[2:] == [
            RowError(7, "account", "Wessex County Council has no account '7777'.", "7777"),
            RowError(8, "cost_centre", "Wessex County Council has no cost centre 'NOWHERE'.", "NOWHERE"),
        ]
        assert self.written(self.council) == (0, 0)
        assert not AuditEvent.objects.for_partner(self.council).filter(action="journal.posted").exists()

    def test_an_unbalanced_journal_in_the_file_stops_the_good_ones_too(self) -> None:
        source = (
            HEADER
            + "2026-05-14,4200,HR,,100.00,,,GOOD\n2026-05-14,B100,,,,100.00,,GOOD\n"
            + "2026-05-14,4200,HR,,100.01,,,BAD\n2026-05-14,B100,,,,100.00,,BAD\n"
        ).encode()
        result = import_journal(actor=self.council_finance, partner=self.council, source=source)
        assert result.errors == [
            RowError(
                4,
                "journal",
                "Journal 'BAD' (rows 4 to 5): Debits £100.01 and credits £100.00 differ by £0.01: "
                "a journal must balance to the penny.",
            )
        ]
        assert self.written(self.council) == (0, 0)
        assert Journal.objects.for_partner(self.council).count() == 0

    def test_one_reference_on_two_dates_is_refused(self) -> None:
        source = (HEADER + "2026-05-14,4200,HR,,1,,,J1\n2026-05-15,B100,,,,1,,J1\n").encode()
        result = import_journal(actor=self.council_finance, partner=self.council, source=source)
        assert result.errors == [RowError(3, "date", "Journal 'J1' is dated 2026-05-14 on row 2")]
        assert self.written(self.council) == (0, 0)

    def test_a_file_without_a_required_column_is_refused_at_the_header(self) -> None:
        result = import_journal(
            actor=self.council_finance, partner=self.council, source=b"date,debit\n2026-05-14,1\n"
        )
        assert result.errors == [RowError(1, "account", "The file has no account column")]
        assert self.written(self.council) == (0, 0)

    def test_a_viewer_cannot_import(self) -> None:
        with pytest.raises(PermissionDenied):
            import_journal(actor=self.council_viewer, partner=self.council, source=GOOD_JOURNALS)
        assert self.written(self.council) == (0, 0)


class TestBudgetImport(LedgerTestCase):
    def budgets(self) -> list[tuple[str, str, str, int]]:
        return [
            (b.cost_centre.code, b.account.code, f"{b.period.start_date:%Y-%m}", b.amount)
            for b in Budget.objects.for_partner(self.council)
            .select_related("cost_centre", "account", "period")
            .order_by("id")
        ]

    def test_a_good_file_sets_each_budget_and_replaces_what_was_there(self) -> None:
        first = import_budgets(
            actor=self.council_finance,
            partner=self.council,
            source=budgets_file("HR,4200,2026-05,100.00", 'CC-C-HR-01,9000,2026-06,"£1,250.50"'),
        )
        assert (first.ok, first.budgets, first.rows) == (True, 2, 2)
        second = import_budgets(
            actor=self.council_finance, partner=self.council, source=budgets_file("HR,4200,2026-05,90")
        )
        assert second.budgets == 1
        assert self.budgets() == [
            ("HR", "4200", "2026-05", 9_000),
            ("CC-C-HR-01", "9000", "2026-06", 125_050),
        ]
        assert AuditEvent.objects.for_partner(self.council).filter(action="budget.set").count() == 3

    def test_a_file_with_bad_rows_sets_nothing_and_names_every_bad_row(self) -> None:
        source = budgets_file(
            "HR,4200,2026-05,100.00",  # row 2: good
            "NOWHERE,4200,2026-05,1.00",  # row 3
            "HR,7777,2026-05,1.00",  # row 4
            "HR,B100,2026-05,1.00",  # row 5: a balance-sheet account
            "HR,4200,2031-05,1.00",  # row 6: no such period
            "HR,4200,May,1.00",  # row 7: not a month
            "HR,4200,2026-05,2.00",  # row 8: row 2 again
            "HR,4200,2026-06,1.005",  # row 9: part of a penny
        )
        result = import_budgets(actor=self.council_finance, partner=self.council, source=source)
        assert result.budgets == 0
        assert [(e.row, e.column, e.reason, e.value) for e in result.errors] == [
            (3, "cost_centre", "Wessex County Council has no such cost centre", "NOWHERE"),
            (4, "account", "Wessex County Council has no such account", "7777"),
            (5, "account", "Budgets are set on expense and income accounts", "B100"),
            (6, "period", "Wessex County Council has no financial period for that month", "2031-05"),
            (7, "period", "Write the month like 2026-08", "May"),
            (8, "period", "This budget is also on row 2", "2026-05"),
            (9, "amount", TOO_PRECISE, "1.005"),
        ]
        assert self.budgets() == []

    def test_a_viewer_cannot_set_budgets(self) -> None:
        with pytest.raises(PermissionDenied):
            import_budgets(
                actor=self.council_viewer, partner=self.council, source=budgets_file("HR,4200,2026-05,1")
            )
        assert self.budgets() == []
