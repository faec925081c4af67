"""Issue 19, the looks kept: every date shown as people read it, money right-aligned with the pound
sign, every status one tag with its own colour. These read the templates and the models, so a
new page that slips back fails here rather than in review."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.db import models
from django.template import Context, Template
from django.test import SimpleTestCase

from joinedup.web.templatetags.components import STATUS_COLOURS, people_datetime, people_month, status_colour
from joinedup.web.templatetags.money import unit_price

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)
COMPONENTS = SRC / "web" / "templates" / "web" / "components"

# The fields that hold a state shown as a tag somewhere (status_tag ... x.status / x.priority).
STATUS_FIELDS = ("status", "priority", "decision")

# Where a date is for a machine, not a person, it stays ISO: a form's value (an <input> the
# server parses back), a link's query or a URL argument, a sortable table's sort key, a <time>
# element's datetime, and a comparison with such a value in an {% if %}.
MACHINE_FORMATS = {"Y-m-d", "Y-m", "Ymd", "c"}
MACHINE_PLACES = re.compile(
    r'(?:value|href|datetime|data-sort-value)="[^"]*"|{%\s*(?:url|if|elif)\s[^%]*%}', re.DOTALL
)
ANY_ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"')
DATE_FILTER = re.compile(r"\|date:[\"']([^\"']*)[\"']")


def relative(path: Path) -> str:
    return str(path.relative_to(SRC))


def joinedup_fields() -> list[models.Field]:  # type: ignore[type-arg]
    return [
        field
        for config in apps.get_app_configs()
        if config.name.startswith("joinedup")
        for m in config.get_models()
        for field in m._meta.concrete_fields
    ]


def date_field_names() -> set[str]:
    """The names that are a date or datetime on every joinedup model that has them (a name that is
    a date on one model and a number on another cannot be judged from a template)."""
    fields = joinedup_fields()
    dates = {f.name for f in fields if isinstance(f, models.DateField)}
    return dates - {f.name for f in fields if not isinstance(f, models.DateField)}


class TestDatesAsPeopleReadThem(SimpleTestCase):
    def test_no_template_shows_a_date_through_a_date_format_outside_machine_places(self) -> None:
        offenders = []
        for path in TEMPLATES:
            text = MACHINE_PLACES.sub("", path.read_text())
            offenders += [f"{relative(path)}: |date:{m.group(1)!r}" for m in DATE_FILTER.finditer(text)]
        assert offenders == []

    def test_a_machine_place_keeps_an_iso_form(self) -> None:
        formats = set()
        for path in TEMPLATES:
            for place in MACHINE_PLACES.findall(path.read_text()):
                formats |= set(DATE_FILTER.findall(place))
        assert formats == MACHINE_FORMATS

    def test_no_template_shows_a_model_date_raw(self) -> None:
        # A date or datetime left to Django's own format reads "25 Nov 2026, 2:30 p.m.".
        names = date_field_names()
        raw = re.compile(r"{{\s*[\w.]+\.(\w+)\s*}}")
        offenders = []
        for path in TEMPLATES:
            text = ANY_ATTRIBUTE.sub("", path.read_text())
            offenders += [
                f"{relative(path)}: {m.group(0)}" for m in raw.finditer(text) if m.group(1) in names
            ]
        assert offenders == []

    def test_a_moment_is_shown_on_the_clock_in_london(self) -> None:
        assert people_datetime(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026 at 00:30"
        assert people_datetime(datetime(2026, 11, 25, 14, 5, tzinfo=UTC)) == "25 November 2026 at 14:05"
        assert people_datetime(None) == ""

    def test_a_promise_to_plan_by_names_its_day(self) -> None:
        when = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
        assert people_datetime(when, "weekday") == "Wednesday 2 December 2026 at 16:00"
        with self.assertRaisesMessage(ValueError, "people_datetime takes \"weekday\" or nothing, not 'D'"):
            people_datetime(when, "D")

    def test_a_month_is_written_out(self) -> None:
        assert people_month(date(2026, 11, 1)) == "November 2026"
        assert people_month(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)) == "June 2026"
        assert people_month(None) == ""

    def test_a_plain_date_is_not_taken_for_a_moment(self) -> None:
        with self.assertRaisesMessage(TypeError, "people_datetime takes a datetime, not date"):
            people_datetime(date(2026, 11, 25))  # type: ignore[arg-type]


class TestMoneyFromTheLibrary(SimpleTestCase):
    def test_no_template_writes_a_pound_sign_before_a_figure_of_its_own(self) -> None:
        offenders = [
            f"{relative(path)}:{n}"
            for path in TEMPLATES
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if re.search(r"£\s*{{", line)
        ]
        assert offenders == []

    def test_no_template_formats_money_with_floatformat(self) -> None:
        offenders = [
            relative(path) for path in TEMPLATES if re.search(r"floatformat:[\"']-?2g[\"']", path.read_text())
        ]
        assert offenders == []

    def test_a_unit_price_keeps_its_fraction_of_a_penny_and_at_least_two_places(self) -> None:
        assert unit_price(Decimal("1234.5678")) == "£1,234.5678"
        assert unit_price(Decimal("0.5000")) == "£0.50"
        assert unit_price(Decimal("-2.2500")) == "-£2.25"
        assert unit_price(Decimal("12000.0000")) == "£12,000.00"
        assert unit_price(None) == ""

    def test_money_in_a_cell_is_right_aligned_with_the_pound_sign_and_thousands(self) -> None:
        html = Template("{% load components %}{% money_cell amount %}").render(
            Context({"amount": Decimal("1234567.80")})
        )
        assert html == (
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-sort-value="123456780">'
            "£1,234,567.80</td>"
        )


class TestOneColourForEachStatus(SimpleTestCase):
    def test_every_state_a_model_can_hold_has_its_own_colour(self) -> None:
        missing = [
            f"{field.model._meta.label}.{field.name}={value}"
            for field in joinedup_fields()
            if field.name in STATUS_FIELDS and field.choices
            for value, _label in field.flatchoices
            if str(value).lower() not in STATUS_COLOURS
        ]
        assert missing == []

    def test_no_template_colours_a_tag_by_hand(self) -> None:
        offenders = [
            relative(path)
            for path in TEMPLATES
            if COMPONENTS not in path.parents and re.search(r"govuk-tag|moj-badge--", path.read_text())
        ]
        assert offenders == []

    def test_a_requisition_that_is_ordered_is_done_though_an_asset_on_order_waits(self) -> None:
        assert status_colour("ordered", "requisition") == "green"
        assert status_colour("ordered") == "yellow"
