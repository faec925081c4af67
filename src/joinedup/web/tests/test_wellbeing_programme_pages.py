"""Wellbeing-programme pages (issue 16): OH administrators add programmes, enter a month's counts
and import counts (all or nothing, every problem by row); the usage report shows the table as
core.suppression publishes it, every hidden cell as [c] (as the workforce-impact report does),
a chart of the shown totals only, and downloads of that same table: no hidden number leaves the
page. Who may not use a page gets 403, another partner's programme 404, and a refused POST
changes nothing. Every page is Cache-Control: no-store."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from joinedup.partnership.models import Role
from joinedup.testing.second_factor import sign_in
from joinedup.wellbeing.models import ProgrammeUsage, WellbeingProgramme
from joinedup.wellbeing.programmes import usage_record
from joinedup.wellbeing.tests.test_programmes import ProgrammeTestCase

LIST = "/wellbeing/programmes/"
IMPORT = "/wellbeing/programmes/import/"
USAGE = "/wellbeing/programmes/usage/"
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
PERIOD = {"from": "2026-10", "to": "2026-11"}
HEADER = ["Reason", "Employee assistance", "Physiotherapy", "All programmes"]
# The table of test_programmes.TestUsageReport, worked by hand there, as published.
PUBLISHED = [
    ["Stress or anxiety", "12", "0", "12"],
    ["Low mood or depression", "[c]", "0", "[c]"],
    ["Bereavement", "[c]", "0", "[c]"],
    ["Relationships or family", "0", "0", "0"],
    ["Money or legal", "0", "0", "0"],
    ["Work-related", "[c]", "[c]", "8"],
    ["Trauma", "0", "0", "0"],
    ["Musculoskeletal", "0", "[c]", "[c]"],
    ["Other", "0", "0", "0"],
    ["All programmes", "28", "11", "39"],
]
# The counts the table hides (low mood 7, bereavement 3, work 6 and 2, musculoskeletal 9): none
# is also a count the table shows, so finding one in a download means a hidden cell leaked.
HIDDEN_NUMBERS = {"7", "3", "6", "2", "9"}


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]


class ProgrammePagesTestCase(ProgrammeTestCase):
    """The counts of test_programmes.TestUsageReport; ``council_oh`` is an OH administrator of the
    council only, ``council_rep`` a union representative there, ``employee`` one of its employees."""

    council_oh: Any
    council_rep: Any
    employee: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        record = {"actor": cls.oh_admin, "measure": "referrals"}
        usage_record(
            programme=cls.eap, month=OCT, counts={"stress": 5, "low_mood": 7, "bereavement": 3}, **record
        )
        usage_record(programme=cls.eap, month=NOV, counts={"stress": 7, "work": 6}, **record)
        usage_record(programme=cls.physio, month=NOV, counts={"work": 2, "musculoskeletal": 9}, **record)
        cls.council_oh = cls.make_user("wbp.oh", [(cls.council, Role.OH_ADMIN)])
        cls.employee = cls.make_user("wbp.employee", [(cls.council, Role.EMPLOYEE)])
        cls.council_rep = cls.make_user("wbp.rep", [(cls.council, Role.UNION_REP)])

    def client_for(self, user: Any) -> Client:
        return sign_in(Client(), user)

    def state(self) -> tuple[int, list[tuple[int, str, int]]]:
        usage = ProgrammeUsage.objects.unscoped(reason="test: counting").order_by("pk")
        return (
            WellbeingProgramme.objects.unscoped(reason="test: counting").count(),
            [(u.programme_id, u.reason, u.count) for u in usage],
        )


class TestTheUsageReport(ProgrammePagesTestCase):
    def test_a_union_rep_sees_the_suppressed_table_with_hidden_cells_as_c(self) -> None:
        response = self.client_for(self.council_rep).get(USAGE, PERIOD)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert response.context["header"] == HEADER
        assert [[str(c) for c in row] for row in response.context["rows"]] == PUBLISHED
        assert (
            '<td class="govuk-table__cell govuk-table__cell--numeric">[c]</td>' in response.content.decode()
        )

    def test_the_chart_draws_only_the_totals_the_table_shows(self) -> None:
        response = self.client_for(self.council_oh).get(USAGE, PERIOD)
        bars = [(b.label, b.text, b.width) for b in response.context["bars"]]
        assert bars == [
            ("Stress or anxiety", "12", 300),
            ("Low mood or depression", "[c]", 0),
            ("Bereavement", "[c]", 0),
            ("Relationships or family", "0", 0),
            ("Money or legal", "0", 0),
            ("Work-related", "8", 200),
            ("Trauma", "0", 0),
            ("Musculoskeletal", "[c]", 0),
            ("Other", "0", 0),
        ]

    def test_the_downloads_are_the_suppressed_table_and_never_carry_a_hidden_number(self) -> None:
        client = self.client_for(self.council_rep)
        as_csv = client.get(USAGE, {**PERIOD, "format": "csv"})
        assert "no-store" in as_csv["Cache-Control"]
        assert csv_rows(as_csv.content) == [HEADER, *PUBLISHED]
        as_xlsx = client.get(USAGE, {**PERIOD, "format": "xlsx"})
        assert xlsx_rows(as_xlsx.content) == [HEADER, *PUBLISHED]
        for rows in (csv_rows(as_csv.content), xlsx_rows(as_xlsx.content)):
            assert not HIDDEN_NUMBERS & {cell for row in rows for cell in row}

    def test_a_measure_with_no_counts_in_the_months_asked_for_is_all_zeros(self) -> None:
        response = self.client_for(self.council_rep).get(
            USAGE, {"from": "2026-11", "to": "2026-11", "measure": "sessions"}
        )
        assert response.context["rows"][-1] == ["All programmes", 0, 0, 0]

    def test_managers_employees_and_hr_may_not_read_it(self) -> None:
        manager = self.make_user("wbp.manager", [(self.council, Role.MANAGER)])
        for user in (manager, self.employee, self.council_hr):
            assert self.client_for(user).get(USAGE).status_code == 403, user
            assert self.client_for(user).get(USAGE, {"format": "csv"}).status_code == 403, user


class TestEnteringCounts(ProgrammePagesTestCase):
    def test_oh_adds_a_programme_and_sees_the_partners_programmes(self) -> None:
        client = self.client_for(self.council_oh)
        response = client.post(LIST, {"form": "programme", "name": "Counselling", "service": "counselling"})
        made = WellbeingProgramme.objects.for_partner(self.council).get(name="Counselling")
        assert response.status_code == 302 and response["Location"] == f"{LIST}{made.pk}/"
        listed = client.get(LIST)
        assert "no-store" in listed["Cache-Control"]
        assert [p.name for p, _ in listed.context["programmes"]] == [
            "Counselling",
            "Employee assistance",
            "Physiotherapy",
        ]

    def test_oh_enters_a_months_counts_by_reason(self) -> None:
        page = f"{LIST}{self.physio.pk}/"
        client = self.client_for(self.council_oh)
        response = client.post(
            page,
            {
                "form": "counts",
                "month": "2026-12",
                "measure": "sessions",
                "musculoskeletal": "14",
                "work": "0",
            },
        )
        assert response.status_code == 302
        december = ProgrammeUsage.objects.for_partner(self.council).filter(
            programme=self.physio, month=date(2026, 12, 1)
        )
        assert sorted((u.measure, u.reason, u.count) for u in december) == [
            ("sessions", "musculoskeletal", 14),
            ("sessions", "work", 0),
        ]
        bad = client.post(page, {"form": "counts", "month": "December", "measure": "sessions", "work": "-1"})
        assert bad.status_code == 200
        assert bad.context["form"].errors == {
            "month": ["Enter the month like 2026-10."],
            "work": ["Enter a count from 0 to 1,000,000."],
        }

    def test_oh_closes_a_programme(self) -> None:
        response = self.client_for(self.council_oh).post(f"{LIST}{self.eap.pk}/", {"form": "close"})
        assert response.status_code == 302
        assert WellbeingProgramme.objects.for_partner(self.council).get(pk=self.eap.pk).active is False

    def test_union_reps_and_clinicians_may_not_enter_counts_and_nothing_changes(self) -> None:
        before = self.state()
        page = f"{LIST}{self.eap.pk}/"
        counts = {"form": "counts", "month": "2026-12", "measure": "referrals", "stress": "50"}
        for user in (self.council_rep, self.oh_clinician):
            client = self.client_for(user)
            assert client.post(page, counts).status_code == 404, user
            assert client.post(page, {"form": "close"}).status_code == 404, user
            assert client.post(LIST, {"form": "programme", "name": "X", "service": "eap"}).status_code == 403
        assert self.state() == before

    def test_another_partners_programme_is_not_found_and_a_post_changes_nothing(self) -> None:
        police = WellbeingProgramme.objects.create(partner=self.police, name="Police EAP", service="eap")
        before = self.state()
        client = self.client_for(self.council_oh)
        page = f"{LIST}{police.pk}/"
        assert client.get(page).status_code == 404
        counts = {"form": "counts", "month": "2026-12", "measure": "referrals", "stress": "50"}
        assert client.post(page, counts).status_code == 404
        assert client.post(page, {"form": "close"}).status_code == 404
        assert self.state() == before


class TestImportingCounts(ProgrammePagesTestCase):
    def upload(self, user: Any, body: bytes) -> Any:
        return self.client_for(user).post(IMPORT, {"file": SimpleUploadedFile("usage.csv", body, "text/csv")})

    def test_a_file_with_a_bad_row_stores_nothing_and_lists_every_problem_by_row(self) -> None:
        before = self.state()
        response = self.upload(
            self.council_oh,
            b"programme,month,measure,reason,count\n"
            b"Employee assistance,2026-12-01,referrals,stress,9\n"
            b"Massage,2026-12-01,referrals,stress,1\n"
            b"Physiotherapy,2026-12-01,sessions,work,-3\n",
        )
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert [(e.row, e.column, e.value) for e in response.context["result"].errors] == [
            (3, "programme", "Massage"),
            (4, "count", "-3"),
        ]
        page = response.content.decode()
        assert "Nothing was stored: the file has 2 problems" in page
        assert 'data-testid="import-errors"' in page
        assert self.state() == before

    def test_a_good_file_stores_every_count(self) -> None:
        response = self.upload(
            self.council_oh,
            b"programme,month,measure,reason,count\nPhysiotherapy,2026-12-15,sessions,musculoskeletal,12\n",
        )
        assert response.status_code == 302 and response["Location"] == LIST
        stored = ProgrammeUsage.objects.for_partner(self.council).get(month=date(2026, 12, 1))
        assert (stored.programme_id, stored.measure, stored.reason, stored.count) == (
            self.physio.pk,
            "sessions",
            "musculoskeletal",
            12,
        )

    def test_only_oh_administrators_import_and_a_refused_upload_stores_nothing(self) -> None:
        before = self.state()
        body = b"programme,month,measure,reason,count\nPhysiotherapy,2026-12-01,sessions,work,5\n"
        for user in (self.council_rep, self.oh_clinician, self.employee):
            assert self.upload(user, body).status_code == 403, user
            assert self.client_for(user).get(IMPORT).status_code == 403, user
        assert self.state() == before
