from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.audit.models import AuditEvent
from joinedup.core import tabular
from joinedup.people import selectors
from joinedup.people.imports import EMPLOYMENT_COLUMNS, import_employments, import_posts
from joinedup.people.models import Employment, Person, Post
from joinedup.testing.people import PeopleTestCase

HEADER = "payroll_number,given_name,family_name,date_of_birth,ni_number,start_date,scheme,pay_point,fte,weekly_hours,post_code,bank_sort_code,bank_account_number\n"  # noqa: E501


def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


GOOD = [
    "WCC000101,Ivy,Walker,1991-07-01,AA123456A,2026-04-01,njc-test,SCP5,1,37,C-HR-01,20-00-00,11112222",
    "WCC000102,Leo,Green,1979-01-31,AA123457B,2026-04-01,njc-test,SCP12,0.5,18.5,,,",
    # Mary Seacole is already employed by the police: linked, not duplicated.
    "WCC000103,Mary,Seacole,1985-03-14,JM112233D,2026-05-01,njc-test,SCP25,0.6,22.2,,,",
]


class TestEmploymentImport(PeopleTestCase):
    def test_a_clean_file_imports_people_employments_terms_and_posts(self) -> None:
        report = import_employments(
            actor=self.council_hr, partner=self.council, source=csv_file(*GOOD), filename="starters.csv"
        )
        assert report.ok, report.errors
        assert report.created == {"people": 2, "employments": 3}
        ivy = Employment.objects.for_partner(self.council).get(payroll_number="WCC000101")
        terms = selectors.terms_as_at(ivy, date(2026, 4, 1))
        assert terms is not None and (terms.pay_point.code, terms.fte, terms.tax_code) == (
            "SCP5",
            Decimal(1),
            "1257L",
        )
        assert ivy.person.bank_account_number == "11112222"
        assert ivy.person.search_name == "walker ivy"
        assert [h.post.code for h in ivy.post_holdings.all()] == ["C-HR-01"]
        mary = Employment.objects.for_partner(self.council).get(payroll_number="WCC000103")
        assert mary.person_id == self.shared_person_police.person_id
        event = AuditEvent.objects.for_partner(self.council).get(action="employment.imported")
        assert (event.after["rows"], event.after["new_people"], event.actor_label) == (3, 2, "council.hr")

    def test_a_file_with_errors_changes_nothing_and_reports_every_bad_row(self) -> None:
        people_before = Person.objects.unscoped(reason="test").count()
        events_before = AuditEvent.objects.for_partner(self.council).count()
        bad = [
            GOOD[0],
            # the same payroll number again, then one Ada Lovelace already has
            "WCC000101,Dup,Licate,1990-01-01,AA765432C,2026-04-01,njc-test,SCP5,1,37,,,",
            "WCC000001,Ada,Again,1990-01-01,AA111222D,2026-04-01,njc-test,SCP5,1,37,,,",
            "WCC000104,Bad,Cells,31/02/1990,ZZ123456A,2026-04-01,njc-test,SCP99,1.5,37,NOPE,12-34,1",
            "WCC000105,Other,Person,1970-01-01,AB123456C,2026-04-01,unknown,SCP5,1,37,,,",  # Ada's NI
        ]
        report = import_employments(
            actor=self.council_hr, partner=self.council, source=csv_file(*bad), filename="bad.csv"
        )
        found = [(e.row, e.column) for e in report.errors]
        assert found == [
            (3, "payroll_number"),
            (4, "payroll_number"),
            (5, "date_of_birth"),
            (5, "ni_number"),
            (5, "pay_point"),
            (5, "fte"),
            (5, "post_code"),
            (5, "bank_sort_code"),
            (5, "bank_account_number"),
            (6, "ni_number"),
            (6, "scheme"),
        ]
        assert report.errors[0].reason == "Also on row 2"
        assert report.errors[1].reason == "Wessex County Council already uses this payroll number"
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000101").exists()
        assert Person.objects.unscoped(reason="test").count() == people_before
        assert AuditEvent.objects.for_partner(self.council).count() == events_before

    def test_a_dry_run_reports_and_changes_nothing(self) -> None:
        report = import_employments(
            actor=self.council_hr,
            partner=self.council,
            source=csv_file(*GOOD),
            filename="starters.csv",
            dry_run=True,
        )
        assert report.ok and report.summary().endswith("would create 2 people, 3 employments.")
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000101").exists()

    def test_an_hr_officer_of_another_partner_cannot_import(self) -> None:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            import_employments(
                actor=self.police_hr, partner=self.council, source=csv_file(*GOOD), filename="x.csv"
            )
        assert not Employment.objects.for_partner(self.council).filter(payroll_number="WCC000101").exists()

    def test_the_xlsx_template_imports_once_filled_in(self) -> None:
        buffer = io.BytesIO()
        columns = EMPLOYMENT_COLUMNS.names
        values = dict(zip(HEADER.strip().split(","), GOOD[0].split(","), strict=True))
        tabular.write_xlsx([[values.get(c, "") for c in columns]], columns, buffer, sheet_title="starters")
        report = import_employments(
            actor=self.council_hr, partner=self.council, source=buffer.getvalue(), filename="starters.xlsx"
        )
        assert report.ok, report.errors
        assert Employment.objects.for_partner(self.council).filter(payroll_number="WCC000101").exists()


class TestPostImport(PeopleTestCase):
    HEADER = (
        "code,title,org_unit_code,org_unit_name,scheme,grade_min,grade_max,"
        "budgeted_fte,cost_centre,start_date\n"
    )

    def test_it_creates_posts_and_new_units(self) -> None:
        data = (
            self.HEADER + "C-FIN-01,Accountant,FIN,Finance,njc-test,SCP12,SCP25,3,R200,2026-04-01\n"
            "C-HR-02,HR officer,HR,,njc-test,SCP5,SCP12,1.5,R100,2026-04-01\n"
        ).encode()
        report = import_posts(actor=self.council_hr, partner=self.council, source=data, filename="posts.csv")
        assert report.ok, report.errors
        assert report.created == {"org units": 1, "posts": 2}
        post = Post.objects.for_partner(self.council).get(code="C-FIN-01")
        assert (post.org_unit.name, post.budgeted_fte, post.grade_max.code) == (
            "Finance",
            Decimal(3),
            "SCP25",
        )

    def test_a_grade_upside_down_and_a_new_unit_without_a_name_are_errors(self) -> None:
        data = (self.HEADER + "C-X-01,X,NEW,,njc-test,SCP25,SCP5,1,R1,2026-04-01\n").encode()
        report = import_posts(actor=self.council_hr, partner=self.council, source=data, filename="posts.csv")
        assert [(e.row, e.column) for e in report.errors] == [(2, "org_unit_name"), (2, "grade_max")]
        assert not Post.objects.for_partner(self.council).filter(code="C-X-01").exists()


class TestImportCommand(PeopleTestCase):
    def test_it_writes_a_report_of_every_problem_and_fails(self) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            source, report = Path(tmp) / "in.csv", Path(tmp) / "problems.csv"
            source.write_bytes(csv_file(GOOD[0], GOOD[0]))
            with pytest.raises(CommandError, match=r"1 problem\(s\) in 2 row\(s\)"):
                call_command(
                    "people",
                    "import",
                    str(source),
                    "--partner",
                    "WCC",
                    "--kind",
                    "employments",
                    "--report",
                    str(report),
                    stdout=StringIO(),
                    stderr=StringIO(),
                )
            lines = report.read_text().splitlines()
        assert lines[0].lstrip("\ufeff") == "row,column,value,reason"
        assert lines[1] == "3,payroll_number,WCC000101,Also on row 2"

    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self) -> None:
        # The same limit, and the same words, as the web upload (people.imports.MAX_BYTES).
        import tempfile
        from unittest import mock

        from joinedup.people import imports

        before = Employment.objects.for_partner(self.council).count()
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(imports, "MAX_BYTES", 1024 * 1024):
            source = Path(tmp) / "big.csv"
            source.write_bytes(csv_file(GOOD[0]) + b"x" * (1024 * 1024))
            with pytest.raises(CommandError) as caught:
                call_command(
                    "people",
                    "import",
                    str(source),
                    "--partner",
                    "WCC",
                    "--kind",
                    "employments",
                    stdout=StringIO(),
                )
        assert (
            str(caught.value) == "The selected file must be smaller than 1 MB: split it into smaller files."
        )
        assert Employment.objects.for_partner(self.council).count() == before
