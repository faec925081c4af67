"""Issue 19, one component library: the tags and includes of web/components/ and the page that
draws every one of them (/components/)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase

from joinedup.audit.models import AuditEvent
from joinedup.testing.base import PartnerTestCase
from joinedup.web.sorting import sort_from
from joinedup.web.templatetags.components import STATUS_COLOURS, TAG_COLOURS, people_date, status_colour


def render(source: str, **context: object) -> str:
    return Template("{% load components %}" + source).render(Context(context))


class TestTheComponentsPage(PartnerTestCase):
    def audit_events(self) -> int:
        return AuditEvent.objects.for_partners([self.council, self.police, self.fire, self.shared]).count()

    def test_a_signed_in_member_of_staff_sees_every_component_drawn(self) -> None:
        response = self.signed_in(self.council_hr).get("/components/")
        page = response.content.decode()
        assert response.status_code == 200
        for section in (
            "identity-bar",
            "sub-navigation",
            "status-tag",
            "badge",
            "filter-layout",
            "dates-and-money",
            "sortable-table",
            "timeline",
        ):
            assert f'data-testid="component-{section}"' in page, section
        assert '<div class="moj-identity-bar" data-testid="identity-bar">' in page
        assert '<a class="moj-filter__tag" href="/components/"><span class="govuk-visually-hidden">' in page
        assert '<nav class="moj-sub-navigation" aria-label="Example sections">' in page
        assert (
            '<a class="moj-sub-navigation__link" aria-current="page" href="/components/">This section</a>'
            in page
        )
        assert (
            '<span class="moj-badge moj-badge--red">3<span class="govuk-visually-hidden"> unread</span>'
            "</span>" in page
        )
        assert '<span data-testid="sample-date">25 November 2026</span>' in page
        assert '<span data-testid="sample-datetime">30 June 2026 at 14:30</span>' in page
        assert '<span data-testid="sample-month">November 2026</span>' in page
        assert (
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-sort-value="123456" '
            'data-testid="sample-money">£1,234.56</td>' in page
        )
        assert '<table class="govuk-table" data-module="moj-sortable-table">' in page
        assert '<th scope="col" class="govuk-table__header" aria-sort="ascending">' in page
        assert (
            '<a class="govuk-link app-sort-link" href="?section=sortable&amp;sort=name&amp;order=desc">'
            in page
        )
        assert page.count('<div class="moj-timeline__item">') == 2
        for colour in set(STATUS_COLOURS.values()):
            assert f'<strong class="govuk-tag govuk-tag--{colour}">' in page, colour

    def test_it_shows_nothing_of_any_partner_and_changes_nothing(self) -> None:
        events = self.audit_events()
        page = self.signed_in(self.ops_admin).get("/components/").content.decode()
        main = page[page.index('<main class="govuk-main-wrapper"') :]
        for partner in (self.council, self.police, self.fire, self.shared):
            assert partner.name not in main
        assert self.audit_events() == events

    def test_the_footer_links_to_it_for_staff(self) -> None:
        page = self.signed_in(self.council_hr).get("/").content.decode()
        assert '<a class="govuk-footer__link" href="/components/">Components</a>' in page

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get("/components/")
        assert response.status_code == 302
        assert response["Location"] == "/sign-in?next=/components/"

    def test_a_user_with_no_role_anywhere_gets_403(self) -> None:
        nobody = self.make_user("no.roles", [])
        events = self.audit_events()
        response = self.signed_in(nobody).get("/components/")
        assert response.status_code == 403
        assert self.audit_events() == events


class TestTheComponentTags(SimpleTestCase):
    def test_a_date_reads_as_people_write_it(self) -> None:
        assert people_date(date(2026, 11, 25)) == "25 November 2026"
        assert people_date(date(2026, 3, 1)) == "1 March 2026"
        assert people_date(None) == ""

    def test_a_time_late_in_a_summer_evening_is_the_next_day_in_london(self) -> None:
        assert people_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
        assert people_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "31 December 2026"

    def test_a_money_cell_is_right_aligned_with_the_pound_sign(self) -> None:
        assert render("{% money_cell amount %}", amount=Decimal("-1234.5")) == (
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-sort-value="-123450">'
            "-£1,234.50</td>"
        )
        assert render("{% pence_cell pence %}", pence=99) == (
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-sort-value="99">£0.99</td>'
        )

    def test_money_is_never_a_float(self) -> None:
        with pytest.raises(TypeError, match="never float"):
            render("{% money_cell amount %}", amount=12.5)
        with pytest.raises(TypeError, match="never float"):
            render("{% pence_cell pence %}", pence=12.5)

    def test_a_status_has_one_colour_wherever_it_is_shown(self) -> None:
        assert (
            render("{% status_tag 'paid' 'Paid' %}")
            == '<strong class="govuk-tag govuk-tag--grey">Paid</strong>'
        )
        assert status_colour("Approved") == "green"
        assert status_colour("awaiting_approval") == "yellow"
        assert status_colour("something new") == "grey"

    def test_one_word_can_mean_two_things_only_by_kind(self) -> None:
        assert status_colour("open") == "blue"
        assert status_colour("open", "flag") == "red"
        assert status_colour("open", "period") == "green"

    def test_every_colour_is_a_gov_uk_tag_colour(self) -> None:
        assert set(STATUS_COLOURS.values()) - TAG_COLOURS == set()

    def test_a_label_is_escaped(self) -> None:
        assert render("{% status_tag 'x' label %}", label="<b>") == (
            '<strong class="govuk-tag govuk-tag--grey">&lt;b&gt;</strong>'
        )

    def test_a_badge_colour_must_be_one_moj_has(self) -> None:
        with pytest.raises(ValueError, match="MOJ badges come in"):
            render("{% badge 1 'yellow' %}")


class TestServerSorting(SimpleTestCase):
    COLUMNS = {"name": ("surname", "forename"), "started": ("-start_date",)}

    def test_the_default_sort_when_none_or_an_unknown_one_is_asked_for(self) -> None:
        for query in ("", "?sort=password&order=desc"):
            sort = sort_from(RequestFactory().get("/" + query), self.COLUMNS, default="name")
            assert (sort.key, sort.descending, sort.order_by) == ("name", False, ["surname", "forename"])

    def test_descending_turns_every_field_round(self) -> None:
        sort = sort_from(RequestFactory().get("/?sort=started&order=desc"), self.COLUMNS, default="name")
        assert sort.order_by == ["start_date"]
        assert sort.aria_sort("started") == "descending"
        assert sort.aria_sort("name") == "none"

    def test_a_heading_links_to_the_other_order_keeping_the_filters(self) -> None:
        sort = sort_from(RequestFactory().get("/?sort=name"), self.COLUMNS, default="name", query="unit=3")
        assert sort.href("name") == "?unit=3&sort=name&order=desc"
        assert sort.href("started") == "?unit=3&sort=started&order=asc"
        assert sort.params == "sort=name&order=asc"
