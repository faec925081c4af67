"""The workforce-impact report (change/impact.py, impact_selectors.py): aggregates only, no count
under 5 and none that can be worked out from the totals, for HR and for the union reps of the
programme's partners, per partner; never an individual's data to a union rep."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from joinedup.change import services
from joinedup.change.impact import PersonFacts, people_tables
from joinedup.change.impact_selectors import impact_report_for
from joinedup.change.models import AtRisk
from joinedup.change.tests.base import ChangeTestCase
from joinedup.core.tests.test_suppression import determinable
from joinedup.partnership.models import Role
from joinedup.people.equality import protected_characteristics_set

ON = date(2026, 4, 15)
NAMES = ("Cara", "Jones", "Ada", "Byron", "Bob", "Hale", "Dan", "Ito", "AB10000")


def facts(sex: str, leaving: bool, n: int, band: str = "35-44") -> list[PersonFacts]:
    return [PersonFacts("SCP12", "njc", "Full time", sex, band, "White", "No", leaving)] * n


class TestThePeopleTables:
    def test_counts_are_by_group_and_leaving_with_the_totals(self) -> None:
        people = (
            facts("Female", False, 12)
            + facts("Male", False, 7)
            + facts("Female", True, 6)
            + facts("Male", True, 5)
        )
        tables = dict(people_tables(people, orders={"sex": ["Female", "Male", "Not recorded"]}))
        sex = tables["Sex"]
        assert sex.rows == ("Female", "Male", "Not recorded")
        # Leaving or at risk, staying, before; then the totals row.
        assert sex.published() == [[6, 12, 18], [5, 7, 12], [0, 0, 0], [11, 19, 30]]

    def test_a_group_of_3_is_hidden_with_enough_others_that_no_total_gives_it_away(self) -> None:
        people = (
            facts("Female", False, 12)
            + facts("Male", False, 7)
            + facts("Female", True, 6)
            + facts("Male", True, 3)
        )
        tables = dict(people_tables(people, orders={"sex": ["Female", "Male"]}))
        sex = tables["Sex"]
        assert sex.shown(1, 0) is None  # the 3 men leaving
        assert determinable(sex.published()) == set()
        # The other tables hide the same totals: "leaving" is 9 everywhere or hidden everywhere.
        hidden_totals = {frozenset(c for (r, c) in t.hidden if r == len(t.rows)) for t in tables.values()}
        assert len(hidden_totals) == 1

    def test_every_table_of_a_random_workforce_is_safe(self) -> None:
        import random

        rng = random.Random(3)
        people = [
            PersonFacts(
                rng.choice(["SCP5", "SCP12", "SCP25"]),
                "njc",
                rng.choice(["Full time", "Part time"]),
                rng.choice(["Female", "Female", "Male", "Prefer not to say"]),
                rng.choice(["Under 25", "25-34", "35-44", "45-54", "55-64"]),
                rng.choice(["White", "White", "White", "Asian", "Black", "Mixed"]),
                rng.choice(["No", "No", "No", "Yes"]),
                rng.random() < 0.3,
            )
            for _ in range(80)
        ]
        for title, table in people_tables(people, orders={}):
            shown = [v for row in table.published() for v in row if v is not None]
            assert [v for v in shown if 0 < v < 5] == [], title
            assert determinable(table.published()) == set(), title


class TestImpactReport(ChangeTestCase):
    council_rep: Any
    fire_rep: Any
    url: str
    api_url: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)
        for employment, answers in (
            (cls.cara, ("female", "white_british", "no")),
            (cls.ada, ("female", "asian_indian", "yes")),
        ):
            sex, ethnicity, disability = answers
            protected_characteristics_set(
                actor=cls.shared_hr,
                person=employment.person,
                sex=sex,
                ethnicity=ethnicity,
                disability=disability,
            )
        cls.council_rep = cls.make_user("council.rep", [(cls.council, Role.UNION_REP)])
        cls.fire_rep = cls.make_user("fire.rep", [(cls.fire, Role.UNION_REP)])
        cls.url = f"/change/programmes/{cls.programme.pk}/impact"
        cls.api_url = f"/api/v1/change/programmes/{cls.programme.pk}/impact"

    def test_the_union_rep_reads_the_councils_report_with_every_small_count_hidden(self) -> None:
        report, choices = impact_report_for(
            self.union_rep, programme_id=self.programme.pk, partner_code="WCC", on=ON
        )
        assert [p.code for p in choices] == ["WCC", "WPOL"]
        sex = dict(report.people)["Sex"]
        # Three council people in scope, all at risk: every count is 1 to 4 or gives one away.
        assert sex.published()[-1] == [None, 0, None]
        assert all(v in (None, 0) for row in sex.published() for v in row)

    def test_hr_sees_the_same_report(self) -> None:
        rep, _ = impact_report_for(self.union_rep, programme_id=self.programme.pk, partner_code="WCC", on=ON)
        hr, _ = impact_report_for(self.council_hr, programme_id=self.programme.pk, partner_code="WCC", on=ON)
        assert [t.published() for _, t in rep.people] == [t.published() for _, t in hr.people]

    def test_a_rep_of_a_partner_outside_the_programme_gets_404(self) -> None:
        assert self.signed_in(self.fire_rep).get(self.url).status_code == 404
        assert self.api(self.fire_rep).get(self.api_url).status_code == 404
        assert self.signed_in(self.fire_rep).get(self.url + ".pdf").status_code == 404

    def test_a_council_rep_gets_404_for_the_constabularys_report(self) -> None:
        assert self.signed_in(self.council_rep).get(self.url, {"partner": "WPOL"}).status_code == 404
        assert self.api(self.council_rep).get(self.api_url, {"partner": "WPOL"}).status_code == 404
        assert self.signed_in(self.council_rep).get(self.url, {"partner": "WCC"}).status_code == 200

    def test_no_individual_level_route_answers_a_union_rep(self) -> None:
        at_risk = AtRisk.objects.for_partner(self.council).filter(employment=self.ada).get()
        web = [
            f"/change/structures/{self.structure.pk}/at-risk",
            f"/change/programmes/{self.programme.pk}/costing",
            f"/people/{self.ada.person_id}",
            f"/people/{self.ada.person_id}/equality",
        ]
        api = [
            f"/api/v1/change/structures/{self.structure.pk}/at-risk",
            f"/api/v1/change/at-risk/{at_risk.pk}/vacancies",
            f"/api/v1/change/programmes/{self.programme.pk}/costing",
            f"/api/v1/people/{self.ada.person_id}",
            f"/api/v1/employments/{self.ada.pk}",
        ]
        for path in web:
            assert self.signed_in(self.council_rep).get(path).status_code in (403, 404), path
        for path in api:
            assert self.api(self.council_rep).get(path).status_code in (403, 404), path

    def test_the_page_downloads_and_api_name_no_one(self) -> None:
        client = self.signed_in(self.council_rep)
        page = client.get(self.url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "[c]" in text and 'data-testid="chart-1"' in text
        # The charts are SVG drawn on the server: no script of the page's own, none inline
        # without the CSP nonce.
        scripts = re.findall(r"<script[^>]*>", text)
        assert [tag for tag in scripts if "src=" not in tag and "nonce=" not in tag] == []
        csv = client.get(self.url, {"format": "csv"})
        xlsx = client.get(self.url, {"format": "xlsx"})
        pdf = client.get(self.url + ".pdf")
        api = self.api(self.council_rep).get(self.api_url)
        assert (csv.status_code, xlsx.status_code, pdf.status_code, api.status_code) == (200, 200, 200, 200)
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert csv.content.decode("utf-8-sig").splitlines()[0] == "table,group,measure,value"
        assert "Sex,All,Before,[c]" in csv.content.decode("utf-8-sig")
        sex = next(t for t in api.json()["people"] if t["characteristic"] == "Sex")
        assert sex["cells"][-1] == [None, 0, None]
        for body in (text, csv.content.decode("utf-8-sig"), api.content.decode()):
            assert [name for name in NAMES if name in body] == []
