"""The change API and pages: a programme's structure and comparison for its partners, 404 for
anyone else, apply with a confirmation, people at risk for their employer only."""

from __future__ import annotations

from unittest import mock

from joinedup.change.models import AtRisk, ProposedStructure
from joinedup.change.tests.base import EFFECTIVE, ChangeTestCase
from joinedup.people.models import Post

APPLYING = mock.patch("joinedup.change.services.timezone.localdate", return_value=EFFECTIVE)


class TestChangeApi(ChangeTestCase):
    def test_the_police_read_the_council_led_programme_and_fire_gets_404(self) -> None:
        url = f"/api/v1/change/programmes/{self.programme.pk}"
        found = self.api(self.police_hr).get(url).json()
        assert (found["name"], found["lead"]) == ("One HR service", "WCC")
        assert [p["partner"] for p in found["partners"]] == ["WCC", "WPOL"]
        assert [p["code"] for p in found["scope"]] == ["P-HRA", "C-HRA", "C-HRM"]
        refused = self.api(self.fire_hr).get(url)
        assert (refused.status_code, refused.json()) == (404, {"detail": "Not found."})

    def test_the_comparison_answers_in_pounds_and_pence(self) -> None:
        found = (
            self.api(self.council_hr).get(f"/api/v1/change/structures/{self.structure.pk}/comparison").json()
        )
        assert found["tax_year"] == "2026-27"
        assert found["total"]["current"] == {
            "salary": "119493.00",
            "employer_ni": "14923.95",
            "employer_pension": "21937.71",
            "total": "156354.66",
        }
        assert found["total"]["cost_change"] == "-26230.97"

    def test_a_structure_is_added_to_and_applied_once(self) -> None:
        client = self.api(self.shared_hr)
        made = client.post(
            f"/api/v1/change/programmes/{self.programme.pk}/structures",
            {"name": "Option B", "effective_date": "2026-05-01"},
            content_type="application/json",
        )
        assert made.status_code == 201
        structure_id = made.json()["id"]
        change = client.post(
            f"/api/v1/change/structures/{structure_id}/changes",
            {"kind": "change", "post_id": self.police_adviser_post.pk, "location": "Eastleigh"},
            content_type="application/json",
        )
        assert change.status_code == 201, change.content
        assert (change.json()["post"], change.json()["location"]) == ("P-HRA", "Eastleigh")
        with APPLYING:
            first = client.post(f"/api/v1/change/structures/{structure_id}/apply").json()
            second = client.post(f"/api/v1/change/structures/{structure_id}/apply").json()
        assert (first["already_applied"], first["changed"]) == (False, ["P-HRA"])
        assert (second["already_applied"], second["changed"]) == (True, [])
        assert Post.objects.for_partner(self.police).get(code="P-HRA").location == "Eastleigh"
        # Dan's post moved town: he is at risk, and only the police see him.
        at_risk = client.get(f"/api/v1/change/structures/{structure_id}/at-risk").json()
        assert [(r["payroll_number"], r["reasons"]) for r in at_risk] == [("WPOL100004", ["location"])]

    def test_a_council_hr_officer_cannot_apply_a_structure_that_ends_a_police_post(self) -> None:
        with APPLYING:
            refused = self.api(self.council_hr).post(f"/api/v1/change/structures/{self.structure.pk}/apply")
        assert refused.status_code == 403
        assert (
            ProposedStructure.objects.for_partner(self.council).get(pk=self.structure.pk).applied_at is None
        )

    def test_another_partners_hr_gets_404_for_the_programmes_people(self) -> None:
        self.api(self.shared_hr).post(f"/api/v1/change/structures/{self.structure.pk}/at-risk")
        ada = AtRisk.objects.for_partner(self.council).get(employment=self.ada)
        for outsider in (self.police_hr, self.fire_hr):
            response = self.api(outsider).get(f"/api/v1/change/at-risk/{ada.pk}/vacancies")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        listed = self.api(self.police_hr).get(f"/api/v1/change/structures/{self.structure.pk}/at-risk").json()
        assert [r["payroll_number"] for r in listed] == ["WPOL100004"]


class TestChangePages(ChangeTestCase):
    def test_the_programme_list_and_page_show_the_programme_to_its_partners(self) -> None:
        client = self.signed_in(self.police_hr)
        listing = client.get("/change/").content.decode()
        assert "One HR service" in listing
        page = client.get(f"/change/programmes/{self.programme.pk}/").content.decode()
        assert "Wessex County Council<br>Wessex Constabulary" in page
        assert self.signed_in(self.fire_hr).get(f"/change/programmes/{self.programme.pk}/").status_code == 404

    def test_the_programme_list_sorts_in_the_browser_by_the_date_started(self) -> None:
        listing = self.signed_in(self.police_hr).get("/change/").content.decode()
        table = listing.split('data-testid="programmes"')[1].split("</table>")[0]
        assert 'data-module="moj-sortable-table"' in table and table.count('aria-sort="none"') == 4
        started = self.programme.start_date
        assert f'data-sort-value="{started:%Y-%m-%d}">{started.day} {started:%B %Y}</td>' in table

    def test_a_union_rep_may_not_use_the_change_pages(self) -> None:
        client = self.signed_in(self.union_rep)
        assert client.get("/change/").status_code == 403
        assert client.get(f"/change/programmes/{self.programme.pk}/").status_code == 404

    def test_the_structure_page_shows_the_comparison_totals(self) -> None:
        page = (
            self.signed_in(self.council_hr).get(f"/change/structures/{self.structure.pk}/").content.decode()
        )
        assert "£156,354.66" in page and "£130,123.69" in page and "-£26,230.97" in page

    def test_applying_asks_for_confirmation_then_applies_once(self) -> None:
        client = self.signed_in(self.shared_hr)
        url = f"/change/structures/{self.structure.pk}/apply"
        assert "Apply the structure" in client.get(url).content.decode()
        with APPLYING:
            unconfirmed = client.post(url, {})
            assert "Confirm that you want to make these changes." in unconfirmed.content.decode()
            assert Post.objects.for_partner(self.council).filter(code="S-HRA").count() == 0
            done = client.post(url, {"confirm": "on"}, follow=True).content.decode()
            assert "Shared HR team applied: 1 posts created, 1 changed, 2 ended on 30 April 2026." in done
            again = client.post(url, {"confirm": "on"}, follow=True).content.decode()
        assert "nothing was changed" in again
        assert Post.objects.for_partner(self.council).filter(code="S-HRA").count() == 1

    def test_the_at_risk_page_lists_only_the_users_own_staff(self) -> None:
        client = self.signed_in(self.shared_hr)
        client.post(f"/change/structures/{self.structure.pk}/", {"form": "identify"})
        police = (
            self.signed_in(self.police_hr)
            .get(f"/change/structures/{self.structure.pk}/at-risk")
            .content.decode()
        )
        assert "Dan Ito" in police and "Ada Byron" not in police
        council = (
            self.signed_in(self.council_hr)
            .get(f"/change/structures/{self.structure.pk}/at-risk")
            .content.decode()
        )
        assert "Ada Byron" in council and "Grade reduced" in council and "Dan Ito" not in council
