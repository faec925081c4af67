"""The demo's collective consultation: 45 days in progress on the Wessex programme, two meetings'
minutes, a question answered and UNISON's counter-proposal, read by the demo union rep, who signs
in with the demo password and sees no one's name from the HR teams at risk."""

from __future__ import annotations

from django.test import Client

from joinedup.bench.demo.change import STAFF
from joinedup.change.models import Consultation, ConsultationEntry
from tests.demo_checks.base import DemoChecks

DEMO_PASSWORD = "wessex-demo-2026"


class DemoConsultationChecks(DemoChecks):
    def test_the_union_rep_signs_in_and_reads_a_45_day_consultation_in_progress(self) -> None:
        consultation = Consultation.objects.unscoped(
            reason="the demo test reads the demo's consultation"
        ).get()
        entries = ConsultationEntry.objects.unscoped(reason="the demo test counts the log").filter(
            consultation=consultation
        )
        assert sorted(entries.values_list("kind", flat=True)) == [
            "answer",
            "counter",
            "meeting",
            "meeting",
            "proposal",
            "question",
        ]
        client = Client()
        signed_in = client.post("/sign-in", {"username": "union.rep", "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302
        page = client.get(f"/change/consultations/{consultation.pk}/")
        timeline = client.get(f"/change/consultations/{consultation.pk}/timeline")
        assert (page.status_code, timeline.status_code) == (200, 200)
        text = page.content.decode() + timeline.content.decode()
        assert "104 proposed redundant: at least 45 days" in text
        assert "In progress: day 21 of 45, 25 to go" in text
        assert "Second consultation meeting" in text and "Five shared HR advisers" in text
        names = [f"{given} {family}" for staff in STAFF.values() for given, family, *_ in staff]
        assert [name for name in names if name in text] == []
