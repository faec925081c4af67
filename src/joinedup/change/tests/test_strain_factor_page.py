"""Uploading a pension fund's strain factor table from the web (/change/strain-factors/), the page
beside the CLI's ``joinedup change strain-factors import``: the same all-or-nothing import
(change.strain), every bad row listed by row and column, nothing saved unless every row is good;
each partner uploads and sees only its own tables."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change.models import StrainFactor, StrainFactorTable
from joinedup.change.tests.base import ChangeTestCase
from joinedup.testing.second_factor import sign_in

URL = "/change/strain-factors/"
FUND = "Wessex Pension Fund"
GOOD = b"sex,age_years,factor\nF,57,9.871\nM,57,9.512\nF,58,9.402\n"
BAD = b"sex,age_years,age_months,factor\nF,55,0,4.12\nX,55,0,4.0\nF,55,12,3.9\nM,55,0,-1\nF,55,0,4.2\n"


class TestUploadingStrainFactors(ChangeTestCase):
    def web(self, user: Any) -> Client:
        return sign_in(Client(), user)

    def upload(self, client: Client, content: bytes = GOOD, **changes: Any) -> Any:
        data = {
            "fund": FUND,
            "effective_from": "2026-04-01",
            "source": "Wessex Pension Fund actuary, strain factors 2026",
            "file": SimpleUploadedFile("strain.csv", content, content_type="text/csv"),
            **changes,
        }
        return client.post(URL, data, follow=True)

    def tables(self, partner: Any) -> list[tuple[str, int]]:
        return [
            (t.fund, StrainFactor.objects.for_partner(partner).filter(table=t).count())
            for t in StrainFactorTable.objects.for_partner(partner)
        ]

    def imported(self, partner: Any) -> int:
        return AuditEvent.objects.for_partner(partner).filter(action="change.strain_factors_imported").count()

    def test_hr_uploads_a_table_and_sees_it_listed(self) -> None:
        page = self.upload(self.web(self.council_hr))
        text = page.content.decode()
        assert "3 strain factors for Wessex Pension Fund from 1 April 2026 uploaded." in text
        assert self.tables(self.council) == [(FUND, 3)]
        assert "Wessex Pension Fund actuary, strain factors 2026 (strain.csv)" in text
        event = AuditEvent.objects.for_partner(self.council).get(action="change.strain_factors_imported")
        assert (event.actor_id, event.after["rows"], event.after["file"]) == (
            self.council_hr.pk,
            3,
            "strain.csv",
        )

    def test_the_tables_sort_in_the_browser_by_the_dates_they_hold(self) -> None:
        page = self.upload(self.web(self.council_hr)).content.decode()
        table = page.split('data-testid="strain-tables"')[1].split("</table>")[0]
        assert 'data-module="moj-sortable-table"' in table and table.count('aria-sort="none"') == 6
        assert '<td class="govuk-table__cell" data-sort-value="2026-04-01">1 April 2026</td>' in table

    def test_a_second_upload_of_the_same_date_replaces_the_table_whole(self) -> None:
        client = self.web(self.council_hr)
        self.upload(client)
        page = self.upload(client, b"sex,age_years,factor\nF,57,9.9\n")
        assert "It replaces the table of the same date." in page.content.decode()
        assert self.tables(self.council) == [(FUND, 1)]

    def test_every_bad_row_is_listed_and_nothing_is_saved(self) -> None:
        page = self.upload(self.web(self.council_hr), BAD)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Nothing was changed: the file has 4 problems" in text
        for row, column, value, reason in (
            (3, "sex", "X", "Choose one of: F, female, woman, M, male, man"),
            (4, "age_months", "12", "Must be 11 or less"),
            (5, "factor", "-1", "Must be 0 or more"),
            (6, "age_years", "55y 0m", "The same sex and age is also on row 2"),
        ):
            cells = (
                f'<td class="govuk-table__cell">{row}</td><td class="govuk-table__cell">{column}</td>'
                f'<td class="govuk-table__cell">{value}</td><td class="govuk-table__cell">{reason}</td>'
            )
            assert cells in text
        assert self.tables(self.council) == []
        assert self.imported(self.council) == 0

    def test_form_errors_write_nothing(self) -> None:
        client = self.web(self.council_hr)
        page = client.post(URL, {"fund": "", "effective_from": "1/4/2026", "source": "Letter"})
        text = page.content.decode()
        assert "Enter the pension fund." in text
        assert "Enter the date the factors are in force from as a date, year first, like 2026-04-01." in text
        assert "Choose the file of factors." in text
        assert self.tables(self.council) == []
        assert self.imported(self.council) == 0

    def test_a_union_rep_is_refused_and_nothing_changes(self) -> None:
        # Union reps see aggregates only: no change.view, so neither the tables nor the upload.
        client = self.web(self.union_rep)
        assert client.get(URL).status_code == 403
        assert self.upload(client).status_code == 403
        assert self.tables(self.council) == []
        assert self.tables(self.police) == []

    def test_each_partner_uploads_and_sees_only_its_own_tables(self) -> None:
        self.upload(self.web(self.council_hr))
        police = self.web(self.police_hr)
        page = police.get(URL).content.decode()
        assert "No strain factor tables yet." in page
        assert "Wessex Pension Fund actuary" not in page
        self.upload(
            police,
            b"sex,age_years,factor\nF,60,8.1\n",
            fund="Police Pension Fund",
            source="Police fund actuary, 2026",
        )
        assert self.tables(self.police) == [("Police Pension Fund", 1)]
        assert self.tables(self.council) == [(FUND, 3)]
        # A partner's page is its own: the police user cannot switch to the council.
        assert police.post("/partner", {"partner": self.council.pk}).status_code == 404
        assert "Wessex Pension Fund actuary" not in police.get(URL).content.decode()
