"""Collective consultation on the council's part of "One HR service" (change/tests/base.py): the
council recognises UNISON and GMB, the constabulary UNISON; ``union.rep`` (a union rep at both)
speaks for UNISON at the council. The structure puts three council staff at risk (Cara Jones,
Ada Byron, Bob Hale) and one of the constabulary's (Dan Ito); the fire service is not involved.

The duty follows TULRCA 1992 s.188 (the minimum period) and s.193 (HR1), from the dated rule
file; union reps read the log and write their union's side, and never see an individual."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.audit.models import AuditEvent
from joinedup.change import consultation_selectors as cs
from joinedup.change import consultation_services as services
from joinedup.change import services as change
from joinedup.change.models import Consultation, ConsultationDocument, ConsultationEntry
from joinedup.change.tests.base import ChangeTestCase
from joinedup.core import attachments, rls
from joinedup.partnership.models import Partner, Role

START = date(2026, 10, 15)
PERIOD_ENDS = date(2026, 11, 28)
PEOPLE_AT_RISK = [
    "Cara",
    "Jones",
    "Ada Byron",
    "Bob Hale",
    "Dan Ito",
    "Lovelace",
    "Seacole",
    "WCC10000",
    "WPOL10000",
]


def on(day: date) -> Any:
    return mock.patch("joinedup.change.consultation_services.timezone.localdate", return_value=day)


class ConsultationTestCase(ChangeTestCase):
    fire_rep: Any
    gmb_rep: Any
    consultation: Consultation
    meeting: ConsultationEntry
    question: ConsultationEntry

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        change.at_risk_identify(actor=cls.shared_hr, structure=cls.structure)
        for partner, union in ((cls.council, "UNISON"), (cls.council, "GMB"), (cls.police, "UNISON")):
            services.union_recognise(actor=cls.shared_hr, partner=partner, union=union)
        services.union_rep_appoint(
            actor=cls.shared_hr, partner=cls.council, user=cls.union_rep, union="UNISON"
        )
        cls.fire_rep = cls.make_user("fire.rep", [(cls.fire, Role.UNION_REP)])
        cls.gmb_rep = cls.make_user("gmb.rep", [(cls.council, Role.UNION_REP)])
        services.union_rep_appoint(actor=cls.shared_hr, partner=cls.council, user=cls.gmb_rep, union="GMB")
        cls.consultation = services.consultation_open(
            actor=cls.council_hr,
            programme=cls.programme,
            partner=cls.council,
            start_date=START,
            declared_number=120,
            reasons="One HR service for the council and the constabulary.",
            selection_method="Ring-fenced selection to the shared posts by skills and interview.",
        )
        cls.meeting = services.entry_add(
            actor=cls.council_hr,
            consultation=cls.consultation,
            side="management",
            kind="meeting",
            occurred_on=date(2026, 10, 20),
            title="First consultation meeting",
            attendees="Head of HR; UNISON branch secretary; GMB organiser",
            body="The proposals were presented and the unions asked for the business case.",
        )
        cls.question = services.entry_add(
            actor=cls.union_rep,
            consultation=cls.consultation,
            side="union",
            kind="question",
            occurred_on=date(2026, 10, 21),
            title="Will voluntary redundancy be offered first?",
        )


class TestOpeningAConsultation(ConsultationTestCase):
    def test_120_proposed_bring_45_days_and_the_hr1_date(self) -> None:
        # TULRCA 1992 s.188(1A)(a): 100 or more, at least 45 days before the first dismissal;
        # s.193(1): HR1 at least 45 days before it.
        found = cs.figures(self.consultation)
        assert (found.at_risk_now, found.number, found.not_yet_identified) == (3, 120, 117)
        assert (found.duty.period_days, found.duty.period_ends, found.duty.earliest_dismissal) == (
            45,
            PERIOD_ENDS,
            date(2026, 11, 29),
        )
        assert found.duty.hr1_due == START
        assert found.status(date(2026, 10, 20)) == "In progress: day 6 of 45, 40 to go"

    def test_the_draft_hr1_counts_the_people_at_risk_by_post_and_the_staff_employed(self) -> None:
        draft = cs.hr1_draft(cs.figures(self.consultation))
        assert draft["total_employed_at_establishment"] == 5  # Cara, Ada, Bob, Ada Lovelace, Mary Seacole
        assert draft["total_proposed_redundant"] == 120
        assert draft["proposed_redundant_by_description"] == [
            {"description": "HR adviser", "number": 2},
            {"description": "HR manager", "number": 1},
            {"description": "Not yet identified", "number": 117},
        ]
        assert draft["unions_consulted"] == ["GMB", "UNISON"]
        assert draft["hr1_due"] == START

    def test_the_people_at_risk_alone_bring_no_duty_below_20(self) -> None:
        # s.188(1): fewer than 20 at one establishment within 90 days, no collective duty.
        police = services.consultation_open(
            actor=self.police_hr,
            programme=self.programme,
            partner=self.police,
            establishment="Winchester",
            start_date=START,
            reasons="One HR service.",
        )
        found = cs.figures(police)
        assert (found.number, found.duty.collective, found.duty.hr1_due) == (1, False, None)

    def test_it_refuses_a_first_dismissal_before_the_period_has_run(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.consultation_open(
                actor=self.council_hr,
                programme=self.programme,
                partner=self.council,
                establishment="Winchester",
                start_date=START,
                declared_number=20,
                reasons="One HR service.",
                proposed_first_dismissal=date(2026, 11, 13),
            )
        assert refused.value.message_dict == {
            "proposed_first_dismissal": [
                "With 20 proposed redundant, the first dismissal cannot take effect before 14 November "
                "2026: 30 days after consultation begins (TULRCA 1992 s.188(1A))."
            ]
        }

    def test_it_refuses_a_partner_not_involved_in_the_programme(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.consultation_open(
                actor=self.shared_hr,
                programme=self.programme,
                partner=self.fire,
                start_date=START,
                reasons="X",
            )
        assert refused.value.message_dict == {
            "partner": ["Wessex Fire and Rescue is not involved in the programme."]
        }

    def test_opening_is_audited_with_the_duty(self) -> None:
        event = AuditEvent.objects.for_partner(self.council).get(action="change.consultation_opened")
        assert (event.after["number_proposed"], event.after["period_days"]) == (120, 45)
        assert event.after["earliest_dismissal"] == "2026-11-29"


class TestCompletingAConsultation(ConsultationTestCase):
    def test_it_cannot_be_marked_complete_before_its_minimum_period_ends(self) -> None:
        # s.188(1A)(a): the 45 days from 15 October run to 28 November.
        with on(PERIOD_ENDS), pytest.raises(ValidationError) as refused:
            services.consultation_complete(
                actor=self.council_hr, consultation=self.consultation, outcome="Agreed"
            )
        assert refused.value.messages == [
            "The consultation cannot be marked complete before its minimum period ends: 45 days from "
            "15 October 2026 run to 28 November 2026 (TULRCA 1992 s.188(1A), 120 proposed redundant)."
        ]
        assert (
            Consultation.objects.for_partner(self.council).get(pk=self.consultation.pk).completed_on is None
        )

    def test_it_is_marked_complete_the_day_after_and_its_log_is_closed(self) -> None:
        with on(date(2026, 11, 29)):
            services.consultation_complete(
                actor=self.council_hr,
                consultation=self.consultation,
                outcome="Proposals agreed with changes.",
            )
        saved = Consultation.objects.for_partner(self.council).get(pk=self.consultation.pk)
        assert (saved.completed_on, saved.outcome) == (date(2026, 11, 29), "Proposals agreed with changes.")
        with pytest.raises(ValidationError, match="its log is closed"):
            services.entry_add(
                actor=self.union_rep,
                consultation=saved,
                side="union",
                kind="question",
                occurred_on=date(2026, 11, 30),
                title="Late",
            )

    def test_the_api_refuses_completion_early_with_the_reason(self) -> None:
        with on(date(2026, 11, 1)):
            response = self.api(self.council_hr).post(
                f"/api/v1/change/consultations/{self.consultation.pk}/complete",
                {"outcome": "Agreed"},
                content_type="application/json",
            )
        assert response.status_code == 422
        assert response.json()["errors"]["__all__"][0].startswith(
            "The consultation cannot be marked complete before its minimum period ends"
        )


class TestTheLog(ConsultationTestCase):
    def test_a_union_rep_asks_and_counter_proposes_for_their_own_union(self) -> None:
        proposal = services.entry_add(
            actor=self.council_hr,
            consultation=self.consultation,
            side="management",
            kind="proposal",
            occurred_on=date(2026, 10, 22),
            title="Four shared advisers",
        )
        counter = services.entry_add(
            actor=self.union_rep,
            consultation=self.consultation,
            side="union",
            kind="counter",
            occurred_on=date(2026, 10, 29),
            title="Five shared advisers, and secondment instead of transfer",
            reply_to=proposal,
        )
        assert (self.question.union, counter.union, counter.side) == ("UNISON", "UNISON", "union")

    def test_management_answers_a_question(self) -> None:
        answer = services.entry_add(
            actor=self.council_hr,
            consultation=self.consultation,
            side="management",
            kind="answer",
            occurred_on=date(2026, 10, 27),
            title="Yes: a VR window opens on 2 November",
            reply_to=self.question,
        )
        assert (answer.reply_to_id, answer.side) == (self.question.pk, "management")

    def test_a_union_rep_cannot_add_a_meeting_or_answer(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.entry_add(
                actor=self.union_rep,
                consultation=self.consultation,
                side="union",
                kind="answer",
                occurred_on=date(2026, 10, 27),
                title="X",
                reply_to=self.question,
            )
        assert refused.value.message_dict == {"kind": ["A union cannot add an answer to the log."]}

    def test_a_union_rep_not_appointed_for_a_union_is_refused(self) -> None:
        stranger = self.make_user("unappointed.rep", [(self.council, Role.UNION_REP)])
        with pytest.raises(PermissionDenied, match="not recorded as the representative"):
            services.entry_add(
                actor=stranger,
                consultation=self.consultation,
                side="union",
                kind="question",
                occurred_on=date(2026, 10, 27),
                title="X",
            )

    def test_permission_denied_changes_nothing(self) -> None:
        before = (
            ConsultationEntry.objects.for_partner(self.council).count(),
            AuditEvent.objects.for_partner(self.council).count(),
        )
        # The constabulary's HR reads the council's consultation but does not speak for the council.
        with pytest.raises(PermissionDenied):
            services.entry_add(
                actor=self.police_hr,
                consultation=self.consultation,
                side="management",
                kind="meeting",
                occurred_on=date(2026, 10, 27),
                title="X",
                attendees="Y",
            )
        with on(date(2026, 12, 1)), pytest.raises(PermissionDenied):
            services.consultation_complete(actor=self.union_rep, consultation=self.consultation, outcome="X")
        with pytest.raises(PermissionDenied):
            services.document_attach(
                actor=self.gmb_rep, entry=self.question, filename="a.txt", content=b"GMB"
            )
        refused = self.api(self.union_rep).post(
            f"/api/v1/change/consultations/{self.consultation.pk}/entries",
            {
                "kind": "meeting",
                "side": "management",
                "occurred_on": "2026-10-27",
                "title": "X",
                "attendees": "Y",
            },
            content_type="application/json",
        )
        assert refused.status_code == 403
        after = (
            ConsultationEntry.objects.for_partner(self.council).count(),
            AuditEvent.objects.for_partner(self.council).count(),
        )
        assert after == before
        assert (
            Consultation.objects.for_partner(self.council).get(pk=self.consultation.pk).completed_on is None
        )

    def test_every_write_is_audited(self) -> None:
        actions = set(AuditEvent.objects.for_partner(self.council).values_list("action", flat=True))
        assert {
            "change.union_recognised",
            "change.union_rep_appointed",
            "change.consultation_opened",
            "change.consultation_meeting_added",
            "change.consultation_question_added",
        } <= actions

    def test_the_timeline_lists_everything_in_date_order(self) -> None:
        services.consultation_hr1_sent(
            actor=self.council_hr, consultation=self.consultation, sent_on=date(2026, 10, 14)
        )
        moments = cs.timeline(self.consultation, cs.figures(self.consultation))
        assert [(m.on, m.label, m.title) for m in moments] == [
            (date(2026, 10, 14), "HR1", "Form HR1 sent"),
            (START, "Consultation", "Collective consultation begins"),
            (START, "HR1", "Last day for form HR1 to reach the Secretary of State"),
            (date(2026, 10, 20), "Meeting", "First consultation meeting"),
            (date(2026, 10, 21), "Question", "Will voluntary redundancy be offered first?"),
            (PERIOD_ENDS, "Minimum period", "The 45-day minimum period ends"),
        ]

    def test_the_timeline_page_shows_each_moment_as_an_moj_timeline_item_with_its_date(self) -> None:
        client = self.signed_in(self.council_hr)
        response = client.get(f"/change/consultations/{self.consultation.pk}/timeline")
        page = response.content.decode()
        moments = cs.timeline(self.consultation, cs.figures(self.consultation))
        assert page.count('<div class="moj-timeline__item">') == len(moments) == 5
        assert '<time datetime="2026-10-21">21 October 2026</time>' in page
        assert "Question: Will voluntary redundancy be offered first?" in page


class TestDocuments(ConsultationTestCase):
    def test_a_document_is_kept_outside_the_database_under_its_checksum(self) -> None:
        pdf = b"%PDF-1.4 minutes of the first meeting"
        document = services.document_attach(
            actor=self.council_hr,
            entry=self.meeting,
            filename="../../Minutes 20 Oct (final).pdf",
            content=pdf,
        )
        assert (document.filename, document.content_type, document.size) == (
            "Minutes-20-Oct-final.pdf",
            "application/pdf",
            37,
        )
        stored = Path(settings.ATTACHMENTS_DIR) / document.sha256[:2] / document.sha256
        assert stored.read_bytes() == pdf
        assert attachments.read(document.sha256) == pdf

    def test_it_refuses_the_wrong_kind_a_disguised_file_and_one_too_large(self) -> None:
        cases = [
            (
                "tool.exe",
                b"MZ",
                "Attach a CSV, DOCX, JPG, ODS, ODT, PDF, PNG, TXT, XLSX file; tool.exe is not one.",
            ),
            ("minutes.pdf", b"MZ not a pdf", "minutes.pdf is not a PDF file: its contents say otherwise."),
            ("big.txt", b"a" * (attachments.MAX_BYTES + 1), "big.txt is larger than 10 MB."),
        ]
        for name, content, message in cases:
            with pytest.raises(ValidationError) as refused:
                services.document_attach(
                    actor=self.council_hr, entry=self.meeting, filename=name, content=content
                )
            assert refused.value.message_dict == {"file": [message]}
        assert ConsultationDocument.objects.for_partner(self.council).count() == 0

    def test_a_union_rep_attaches_to_their_unions_entry_over_the_api(self) -> None:
        response = self.api(self.union_rep).post(
            f"/api/v1/change/consultation-entries/{self.question.pk}/documents",
            {"filename": "branch-response.txt", "content_base64": base64.b64encode(b"Our response").decode()},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        document_id = response.json()["id"]
        got = self.api(self.police_hr).get(f"/api/v1/change/consultation-documents/{document_id}")
        assert (got.status_code, got.content) == (200, b"Our response")
        assert got["Content-Disposition"] == 'attachment; filename="branch-response.txt"'
        assert (
            self.api(self.fire_hr).get(f"/api/v1/change/consultation-documents/{document_id}").status_code
            == 404
        )


class TestWhoSeesWhat(ConsultationTestCase):
    def pages(self) -> list[str]:
        c = self.consultation.pk
        document = services.document_attach(
            actor=self.council_hr, entry=self.meeting, filename="minutes.txt", content=b"Minutes"
        )
        return [
            "/change/consultations/",
            f"/change/programmes/{self.programme.pk}/consultations",
            f"/change/consultations/{c}/",
            f"/change/consultations/{c}/timeline",
            f"/change/consultation-documents/{document.pk}",
        ]

    def api_reads(self) -> list[str]:
        c = self.consultation.pk
        return [
            "/api/v1/change/consultations",
            f"/api/v1/change/programmes/{self.programme.pk}/consultations",
            f"/api/v1/change/consultations/{c}",
            f"/api/v1/change/consultations/{c}/timeline",
            f"/api/v1/change/partners/{self.council.pk}/unions",
        ]

    def test_a_union_rep_sees_no_individuals_name_on_any_page_or_api_response(self) -> None:
        web, api = self.signed_in(self.union_rep), self.api(self.union_rep)
        answers = [web.get(url) for url in self.pages()] + [api.get(url) for url in self.api_reads()]
        assert [r.status_code for r in answers] == [200] * 10
        text = "\n".join(r.content.decode() for r in answers)
        assert "Will voluntary redundancy be offered first?" in text and "HR adviser" in text
        assert [name for name in PEOPLE_AT_RISK if name in text] == []
        # The pages and API that do name them stay shut to a union rep.
        assert web.get(f"/change/structures/{self.structure.pk}/at-risk").status_code == 404
        assert api.get(f"/api/v1/change/structures/{self.structure.pk}/at-risk").status_code == 404
        assert web.get(f"/change/programmes/{self.programme.pk}/").status_code == 404

    def test_a_union_rep_of_a_partner_not_involved_gets_404(self) -> None:
        web, api = self.signed_in(self.fire_rep), self.api(self.fire_rep)
        pages = self.pages()
        assert [web.get(url).status_code for url in pages[1:]] == [404] * 4
        assert [api.get(url).status_code for url in self.api_reads()[1:4]] == [404] * 3
        assert api.get("/api/v1/change/consultations").json() == []

    def test_hr_of_another_partner_gets_404(self) -> None:
        web, api = self.signed_in(self.fire_hr), self.api(self.fire_hr)
        assert [web.get(url).status_code for url in self.pages()[1:]] == [404] * 4
        responses = [api.get(url) for url in self.api_reads()[1:4]]
        assert [(r.status_code, r.json()) for r in responses] == [(404, {"detail": "Not found."})] * 3
        refused = api.post(
            f"/api/v1/change/consultations/{self.consultation.pk}/entries",
            {"kind": "meeting", "occurred_on": "2026-10-27", "title": "X", "attendees": "Y"},
            content_type="application/json",
        )
        assert refused.status_code == 404
        assert ConsultationEntry.objects.for_partner(self.council).count() == 2

    def test_the_involved_partners_hr_reads_it(self) -> None:
        found = self.api(self.police_hr).get(f"/api/v1/change/consultations/{self.consultation.pk}").json()
        assert (found["employer"], found["duty"]["period_days"], found["duty"]["hr1_due"]) == (
            "WCC",
            45,
            "2026-10-15",
        )


class TestThePages(ConsultationTestCase):
    def test_hr_opens_a_consultation_from_the_programme(self) -> None:
        response = self.signed_in(self.police_hr).post(
            f"/change/programmes/{self.programme.pk}/consultations",
            {
                "form": "open",
                "partner": self.police.pk,
                "establishment": "Winchester",
                "start_date": "2026-10-15",
                "declared_number": "25",
                "reasons": "One HR service.",
            },
        )
        made = Consultation.objects.for_partner(self.police).get(partner=self.police)
        assert response.status_code == 302 and response["Location"] == f"/change/consultations/{made.pk}/"
        page = self.signed_in(self.police_hr).get(response["Location"]).content.decode()
        assert "25 proposed redundant: at least 30 days" in page
        assert "13 November 2026" in page  # the minimum period's last day

    def test_a_union_rep_adds_a_counter_proposal_and_a_document_from_the_page(self) -> None:
        client = self.signed_in(self.union_rep)
        url = f"/change/consultations/{self.consultation.pk}/"
        added = client.post(
            url,
            {
                "form": "entry",
                "kind": "counter",
                "occurred_on": "2026-10-29",
                "title": "Keep five advisers",
                "body": "...",
            },
        )
        assert added.status_code == 302
        counter = ConsultationEntry.objects.for_partner(self.council).get(kind="counter")
        assert (counter.union, counter.author_id) == ("UNISON", self.union_rep.pk)
        attached = client.post(
            url,
            {
                "form": "document",
                "entry": counter.pk,
                "file": SimpleUploadedFile("costs.csv", b"posts,cost\n5,1\n"),
            },
        )
        assert attached.status_code == 302
        assert ConsultationDocument.objects.for_partner(self.council).get().filename == "costs.csv"
        timeline = client.get(f"/change/consultations/{self.consultation.pk}/timeline").content.decode()
        assert "Keep five advisers" in timeline and "costs.csv" in timeline

    def test_the_complete_form_shows_the_refusal(self) -> None:
        with on(date(2026, 11, 2)):
            page = self.signed_in(self.council_hr).post(
                f"/change/consultations/{self.consultation.pk}/", {"form": "complete", "outcome": "Agreed"}
            )
        assert page.status_code == 200
        assert "cannot be marked complete before its minimum period ends" in page.content.decode()


@pytest.mark.postgres_only
class TestTheConsultationsList(ConsultationTestCase):
    def police_consultation(self) -> Consultation:
        """The constabulary's, at Winchester from 2 November, 25 proposed: 30 days."""
        return services.consultation_open(
            actor=self.police_hr,
            programme=self.programme,
            partner=self.police,
            establishment="Winchester",
            start_date=date(2026, 11, 2),
            declared_number=25,
            reasons="One HR service.",
        )

    def test_the_list_filters_by_employer_and_status_and_downloads_exactly_those(self) -> None:
        police = self.police_consultation()
        client = self.signed_in(self.shared_hr)
        page = client.get("/change/consultations/", {"employer": str(self.police.pk)})
        assert list(page.context["page"]) == [police]
        csv = client.get("/change/consultations/", {"employer": str(self.council.pk), "format": "csv"})
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "Programme,Employer,Establishment,Proposed redundant,Minimum period (days),Begins,Completed",
            f"{self.programme.name},Wessex County Council,,120,45,2026-10-15,",
        ]
        Consultation.objects.for_partner(self.police).filter(pk=police.pk).update(
            completed_on=date(2026, 12, 3)
        )
        complete = client.get("/change/consultations/", {"status": "complete", "format": "csv"})
        assert complete.content.decode("utf-8-sig").splitlines()[1:] == [
            f"{self.programme.name},Wessex Constabulary,Winchester,25,30,2026-11-02,2026-12-03"
        ]

    def test_the_list_sorts_by_start_and_by_employer(self) -> None:
        police = self.police_consultation()
        client = self.signed_in(self.shared_hr)

        def listed(**query: str) -> list[Consultation]:
            return list(client.get("/change/consultations/", query).context["page"])

        assert listed() == [police, self.consultation]  # the latest first
        assert listed(sort="start_date") == [self.consultation, police]
        assert listed(sort="employer") == [police, self.consultation]  # Constabulary, County Council
        assert listed(sort="employer", order="desc") == [self.consultation, police]

    def test_a_partner_not_involved_lists_and_downloads_none_and_nothing_changes(self) -> None:
        self.police_consultation()
        for user in (self.fire_hr, self.fire_rep):
            client = self.signed_in(user)
            assert list(client.get("/change/consultations/").context["page"]) == [], user
            csv = client.get("/change/consultations/", {"employer": str(self.council.pk), "format": "csv"})
            assert csv.content.decode("utf-8-sig").splitlines()[1:] == [], user
        assert (
            Consultation.objects.for_partner(self.council).get(pk=self.consultation.pk).completed_on is None
        )

    def test_a_role_without_consultation_gets_403_for_the_list_and_its_download(self) -> None:
        client = self.signed_in(self.council_employee)
        assert client.get("/change/consultations/").status_code == 403
        assert client.get("/change/consultations/", {"format": "csv"}).status_code == 403
        assert (
            Consultation.objects.for_partner(self.council).get(pk=self.consultation.pk).completed_on is None
        )


class TestConsultationRowLevelSecurity(ConsultationTestCase):
    def test_the_programmes_partners_see_the_log_and_no_other_partner_does(self) -> None:
        if not self.on_postgresql():
            pytest.skip("row-level security exists on PostgreSQL only")
        from joinedup.core.tests.test_rls import as_application, rows

        def seen(partner: Partner) -> list[int]:
            with rls.partner_context([partner]):
                return [
                    rows("SELECT count(*) FROM change_consultation")[0][0],
                    rows("SELECT count(*) FROM change_consultationentry")[0][0],
                ]

        with as_application():
            assert seen(self.police) == [1, 2]
            assert seen(self.fire) == [0, 0]
