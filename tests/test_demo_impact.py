"""The demo's workforce-impact report: every demo person has equality answers, and the demo
union rep reads the council's report on the Wessex programme, some counts shown and the small
ones hidden, with no one's name."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client, TestCase

from joinedup.bench.demo.change import PROGRAMME, STAFF
from joinedup.change.models import ChangeProgramme
from joinedup.people.models import Person, ProtectedCharacteristics

DEMO_PASSWORD = "wessex-demo-2026"


class TestDemoImpact(TestCase):
    def test_the_union_rep_reads_the_councils_report_with_suppression_in_action(self) -> None:
        call_command("demo", "--no-serve", "--employees", "200", stdout=StringIO())
        people = Person.objects.unscoped(reason="the demo test counts people").count()
        answered = ProtectedCharacteristics.objects.unscoped(reason="the demo test counts answers").count()
        assert answered > people * 0.9  # a few of the draws leave every question unanswered
        programme = ChangeProgramme.objects.unscoped(reason="the demo test finds the programme").get(
            name=PROGRAMME
        )
        client = Client()
        assert (
            client.post("/sign-in", {"username": "union.rep", "password": DEMO_PASSWORD}).status_code == 302
        )
        page = client.get(f"/change/programmes/{programme.pk}/impact", {"partner": "WCC"})
        assert page.status_code == 200
        text = page.content.decode()
        tables = re.findall(r'data-testid="people-\d+">(.*?)</table>', text, flags=re.S)
        assert len(tables) == 7  # grade, scheme, hours, sex, age band, ethnic group, disability
        cells = [c for table in tables for c in re.findall(r'govuk-table__cell--numeric">([^<]*)<', table)]
        assert "[c]" in cells
        assert [c for c in cells if c.isdigit() and int(c) >= 5], "some counts are shown"
        assert [c for c in cells if c.isdigit() and 0 < int(c) < 5] == []
        names = [f"{member[0]} {member[1]}" for staff in STAFF.values() for member in staff]
        assert [name for name in names if name in text] == []
        consultations = client.get(f"/change/programmes/{programme.pk}/consultations")
        assert 'data-testid="impact-link"' in consultations.content.decode()
