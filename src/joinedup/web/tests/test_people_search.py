"""Issue 20, people search: it counts every match and pages through them (it stopped at 100
and said "100 people found"), says why a one-letter search finds nothing, and the examples in
its hint each find someone."""

from __future__ import annotations

import re
from datetime import date
from unittest import mock

from joinedup.people import selectors
from joinedup.testing.people import PeopleTestCase


class TestPeopleSearchPage(PeopleTestCase):
    def test_it_counts_every_match_and_pages_through_them(self) -> None:
        for n in range(105):
            self.hire(
                self.council, f"Jo{n:03d}", "Smith", f"SM{n:06d}A", f"WCC9{n:05d}", start=date(2023, 1, 1)
            )
        client = self.signed_in(self.council_hr)
        first = client.get("/people", {"q": "smith"}).content.decode()
        assert "105 people found, showing 1 to 25" in first
        assert "Page 1 of 5" in first
        assert first.count('data-label="Name"') == 25
        last = client.get("/people", {"q": "smith", "page": "5"}).content.decode()
        assert "showing 101 to 105" in last
        assert last.count('data-label="Name"') == 5
        assert "Jo104 Smith" in last
        csv = client.get("/people", {"q": "smith", "format": "csv"}).content.decode("utf-8-sig").splitlines()
        assert len(csv) == 1 + 105

    def test_past_its_cap_it_says_more_than_and_pages_through_the_first_ones(self) -> None:
        # Issue 18: counting every match of a broad search read the whole population on each
        # page; the page counts up to SEARCH_COUNT_CAP (1,000) and says "more than" past it.
        for n in range(32):
            self.hire(
                self.council, f"Jo{n:03d}", "Smith", f"SM{n:06d}A", f"WCC9{n:05d}", start=date(2023, 1, 1)
            )
        client = self.signed_in(self.council_hr)
        with mock.patch.object(selectors, "SEARCH_COUNT_CAP", 30):
            first = client.get("/people", {"q": "smith"}).content.decode()
            last = client.get("/people", {"q": "smith", "page": "2"}).content.decode()
            at_the_cap = client.get("/people", {"q": "jo029 smith"}).content.decode()
            csv = client.get("/people", {"q": "smith", "format": "csv"}).content.decode("utf-8-sig")
        assert "More than 30 people found, showing 1 to 25" in first
        assert "Page 1 of 2" in first
        assert "showing 26 to 30" in last and "Jo029 Smith" in last and "Jo030" not in last
        assert "1 person found" in at_the_cap
        assert len(csv.splitlines()) == 1 + 32  # the download has every match

    def test_a_one_letter_search_says_why_it_finds_nothing(self) -> None:
        page = self.signed_in(self.council_hr).get("/people", {"q": "a"}).content.decode()
        assert "<title>Error: People " in page
        message = (
            "Enter at least 2 characters to search: one letter would match too many people to be useful."
        )
        assert f'<a href="#q">{message}</a>' in page
        assert 'data-testid="people-results"' not in page

    def test_each_example_in_the_hint_finds_someone(self) -> None:
        client = self.signed_in(self.council_hr)
        hint = client.get("/people").content.decode()
        shown = re.search(r'data-testid="search-hint">(.*?)</div>', hint)
        assert shown is not None
        examples = re.findall(r'"([^"]+)"', shown.group(1))
        assert examples == ["lovelace", "ada lovelace", "WCC000001", "hr adviser"]
        for example in examples:
            found = client.get("/people", {"q": example}).content.decode()
            assert "1 person found" in found, example
            assert "Ada Lovelace" in found

    def test_a_post_title_of_two_words_finds_its_holder(self) -> None:
        # The hint's own example "finance officer" found nothing for a partner with such a post.
        page = self.signed_in(self.police_hr).get("/people", {"q": "finance officer"}).content.decode()
        assert "1 person found" in page and "Grace Hopper" in page


class TestPeopleSearchAsAList(PeopleTestCase):
    """Issue 19: the search's results in the shape of every list."""

    def test_the_employer_filter_narrows_the_results_and_the_download_to_its_employments(self) -> None:
        client = self.signed_in(self.shared_hr)
        both = client.get("/people", {"q": "seacole", "format": "csv"}).content.decode("utf-8-sig")
        assert [line.split(",")[3] for line in both.splitlines()[1:]] == ["WCC000002", "WPOL000002"]
        police = {"q": "seacole", "partner": str(self.police.pk)}
        page = client.get("/people", police).content.decode()
        assert "1 person found" in page
        assert "WPOL000002" in page and "WCC000002" not in page
        csv = client.get("/people", {**police, "format": "csv"}).content.decode("utf-8-sig").splitlines()
        assert [line.split(",")[:4] for line in csv] == [
            ["name", "ni_number", "partner", "payroll_number"],
            ["Mary Seacole", "JM112233D", self.police.code, "WPOL000002"],
        ]

    def test_sorting_by_a_column_orders_the_people_and_relevance_is_the_default(self) -> None:
        self.hire(self.council, "Ann", "Smith", "SM000002A", "WCC900002")
        self.hire(self.council, "Bob", "Smith", "SM000001A", "WCC900001")
        client = self.signed_in(self.council_hr)

        def names(**query: str) -> list[str]:
            csv = client.get("/people", {"q": "smith", "format": "csv", **query}).content.decode("utf-8-sig")
            return [line.split(",")[0] for line in csv.splitlines()[1:]]

        assert names() == ["Ann Smith", "Bob Smith"]
        assert names(sort="ni_number") == ["Bob Smith", "Ann Smith"]
        assert names(sort="name", order="desc") == ["Bob Smith", "Ann Smith"]
        page = client.get("/people", {"q": "smith", "sort": "ni_number"}).content.decode()
        assert page.index("Bob Smith") < page.index("Ann Smith")
