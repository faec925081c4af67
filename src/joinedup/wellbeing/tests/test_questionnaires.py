"""Questionnaires on an occupational-health case (issue 16: a case holds "clinical notes …,
attachments, questionnaires, status"): the rule file's PHQ-9, GAD-7 and night-worker health
assessment, scored by their published bands; a clinician sends one, the employee answers it once,
the answers and score stored encrypted under occupational health's keys; the clinician's read is
one access event; the employee sees their own answers; others are refused with nothing changed."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.wellbeing import cases, crypto, questionnaires, scoring
from joinedup.wellbeing.models import CaseAccessEvent, CaseQuestionnaire
from joinedup.wellbeing.tests.casebase import CaseTestCase

OLD_KEY = "0LQrpeuWmFiJQwGS-n0vGreFkBa9vzuWVyfs6GS9Ex0="
NEW_KEY = "Yd2lGm0oBvZb8S2b5xv3Rk8c6d0cNdpf3eQxP1bWvFo="
# A PHQ-9 totalling 12 (moderate) with item 9 answered "Several days".
PHQ9_ANSWERS = [2, 2, 1, 2, 1, 1, 1, 1, 1]
V1 = "/api/v1/wellbeing"


def answers_totalling(total: int, items: int) -> list[int]:
    answers = [min(3, max(0, total - 3 * n)) for n in range(items)]
    assert sum(answers) == total
    return answers


def raw_answers(questionnaire_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers_ciphertext FROM wellbeing_casequestionnaire WHERE id = %s", [questionnaire_id]
        )
        return str(cursor.fetchone()[0])


def stored() -> list[tuple[str, bool]]:
    found = CaseQuestionnaire.objects.unscoped(reason="the test reads every questionnaire").order_by("pk")
    return [(q.key, q.answered_at is not None) for q in found]


class TestScoring(SimpleTestCase):
    def test_phq9_totals_fall_in_kroenke_spitzer_and_williams_2001_bands(self) -> None:
        # J Gen Intern Med 2001;16:606-613: 5, 10, 15 and 20 mark mild, moderate, moderately
        # severe and severe depression.
        phq9 = scoring.questionnaire_on("phq9", timezone.localdate())
        bands = {
            t: scoring.score(phq9, answers_totalling(t, 9)).band for t in (0, 4, 5, 9, 10, 14, 15, 19, 20, 27)
        }
        assert bands == {
            0: "Minimal",
            4: "Minimal",
            5: "Mild",
            9: "Mild",
            10: "Moderate",
            14: "Moderate",
            15: "Moderately severe",
            19: "Moderately severe",
            20: "Severe",
            27: "Severe",
        }

    def test_gad7_totals_fall_in_spitzer_and_others_2006_bands(self) -> None:
        # Arch Intern Med 2006;166:1092-1097: cut-points 5, 10 and 15 for mild, moderate, severe.
        gad7 = scoring.questionnaire_on("gad7", timezone.localdate())
        bands = {t: scoring.score(gad7, answers_totalling(t, 7)).band for t in (0, 4, 5, 9, 10, 14, 15, 21)}
        assert bands == {
            0: "Minimal",
            4: "Minimal",
            5: "Mild",
            9: "Mild",
            10: "Moderate",
            14: "Moderate",
            15: "Severe",
            21: "Severe",
        }

    def test_every_possible_total_of_a_scored_questionnaire_is_in_exactly_one_band(self) -> None:
        for entry in scoring.load():
            if not entry.scored:
                continue
            highest = len(entry.questions) * max(entry.values)
            for total in range(highest + 1):
                assert sum(b.low <= total <= b.high for b in entry.bands) == 1, (entry.key, total)
            assert entry.source and entry.bands[-1].high == highest

    def test_a_phq9_answer_above_0_to_item_9_is_an_alert_whatever_the_total(self) -> None:
        phq9 = scoring.questionnaire_on("phq9", timezone.localdate())
        assert scoring.score(phq9, [0] * 8 + [1]) == scoring.Score(total=1, band="Minimal", alerts=(9,))
        assert scoring.score(phq9, PHQ9_ANSWERS) == scoring.Score(total=12, band="Moderate", alerts=(9,))

    def test_the_night_worker_assessment_is_not_scored_and_every_yes_is_an_alert(self) -> None:
        # Working Time Regulations 1998 reg 7: an assessment, not a score.
        night = scoring.questionnaire_on("night_worker", timezone.localdate())
        answers = [0, 1, 0, 0, 0, 1, 0, 0, 0]
        assert scoring.score(night, answers) == scoring.Score(total=None, band="", alerts=(2, 6))

    def test_it_refuses_a_wrong_number_of_answers_or_a_value_not_offered(self) -> None:
        gad7 = scoring.questionnaire_on("gad7", timezone.localdate())
        with pytest.raises(ValueError, match=r"^Answer all 7 questions\.$"):
            scoring.score(gad7, [0] * 6)
        with pytest.raises(ValueError, match=r"^Choose one of the answers offered for each question\.$"):
            scoring.score(gad7, [0] * 6 + [4])

    def test_an_unknown_questionnaire_or_a_day_before_its_first_entry_is_a_key_error(self) -> None:
        with pytest.raises(KeyError):
            scoring.questionnaire_on("phq2", timezone.localdate())
        with pytest.raises(KeyError):
            scoring.questionnaire_on("gad7", timezone.localdate().replace(year=2005))


class QuestionnaireTestCase(CaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.assessed()

    def send(self, key: str = "phq9") -> CaseQuestionnaire:
        return questionnaires.questionnaire_send(actor=self.oh_clinician, case=self.case, key=key)

    def answered(self, answers: list[int] | None = None) -> CaseQuestionnaire:
        return questionnaires.questionnaire_answer(
            actor=self.ada, questionnaire=self.send(), answers=answers or PHQ9_ANSWERS
        )

    def events(self) -> list[tuple[str, str]]:
        found = CaseAccessEvent.objects.for_partner(self.case.partner_id).filter(case=self.case)
        return [(e.actor_label, e.part) for e in found.order_by("pk")]

    def audit(self) -> list[tuple[str, Any]]:
        found = AuditEvent.objects.for_partner(self.council).filter(
            action__startswith="wellbeing.questionnaire"
        )
        return [(e.action, e.after) for e in found.order_by("seq")]


class TestSendingAndAnswering(QuestionnaireTestCase):
    def test_the_answers_and_score_are_stored_encrypted_and_the_audit_holds_only_ids(self) -> None:
        done = self.answered()
        held = raw_answers(done.pk)
        assert "Moderate" not in held and "answers" not in held
        payload = json.loads(Fernet(crypto.INSECURE_DEVELOPMENT_OH_KEY.encode()).decrypt(held.encode()))
        assert payload == {"answers": PHQ9_ANSWERS, "total": 12, "band": "Moderate", "alerts": [9]}
        assert self.audit() == [
            ("wellbeing.questionnaire_sent", {"questionnaire": done.pk}),
            ("wellbeing.questionnaire_answered", {"questionnaire": done.pk}),
        ]

    def test_it_refuses_an_unknown_questionnaire_and_a_closed_case(self) -> None:
        with pytest.raises(ValidationError) as unknown:
            self.send("phq2")
        assert unknown.value.message_dict == {"key": ["Choose one of: gad7, night_worker, phq9."]}
        closed = cases.case_close(actor=self.oh_admin, case=self.case)
        with pytest.raises(ValidationError):
            questionnaires.questionnaire_send(actor=self.oh_clinician, case=closed, key="gad7")
        assert stored() == []

    def test_only_a_clinician_of_the_partner_sends_and_a_refusal_changes_nothing(self) -> None:
        for user in (self.oh_admin, self.police_clinician, self.manager, self.ada):
            with pytest.raises(PermissionDenied):
                questionnaires.questionnaire_send(actor=user, case=self.case, key="phq9")
        assert (stored(), self.audit()) == ([], [])

    def test_only_the_employee_answers_once_and_a_refusal_changes_nothing(self) -> None:
        sent = self.send()
        for user in (self.oh_clinician, self.manager, self.oh_admin):
            with pytest.raises(PermissionDenied):
                questionnaires.questionnaire_answer(actor=user, questionnaire=sent, answers=PHQ9_ANSWERS)
        with pytest.raises(ValidationError) as short:
            questionnaires.questionnaire_answer(actor=self.ada, questionnaire=sent, answers=[1, 2])
        assert short.value.message_dict == {"answers": ["Answer all 9 questions."]}
        assert stored() == [("phq9", False)]
        questionnaires.questionnaire_answer(actor=self.ada, questionnaire=sent, answers=PHQ9_ANSWERS)
        with pytest.raises(ValidationError) as again:
            questionnaires.questionnaire_answer(actor=self.ada, questionnaire=sent, answers=[0] * 9)
        assert again.value.message_dict == {"answers": ["This questionnaire has been answered."]}
        assert stored() == [("phq9", True)]


class TestReading(QuestionnaireTestCase):
    def test_the_clinician_reads_answers_total_band_and_alerts_in_exactly_one_access_event(self) -> None:
        done = self.answered()
        [read] = questionnaires.case_questionnaires(self.oh_clinician, case_id=self.case.pk)
        assert (read.id, read.title, read.answers, read.total, read.band, read.alerts) == (
            done.pk,
            "PHQ-9: depression",
            tuple(PHQ9_ANSWERS),
            12,
            "Moderate",
            (9,),
        )
        assert read.rows[8] == (
            9,
            "Thoughts that you would be better off dead, or of hurting yourself in some way",
            "Several days",
        )
        assert "Moderate" not in repr(read)
        assert self.events() == [("Oh.Clinician", "questionnaires")]

    def test_the_employee_sees_their_own_answers_without_the_score_and_no_access_event(self) -> None:
        self.answered()
        [mine] = questionnaires.my_questionnaires(self.ada, case_id=self.case.pk)
        assert (mine.answers, mine.total, mine.band, mine.alerts) == (tuple(PHQ9_ANSWERS), None, "", ())
        assert self.events() == []

    def test_who_may_not_read_them_is_refused_and_no_access_event_is_written(self) -> None:
        sent = self.answered()
        expected = {
            self.oh_admin: PermissionDenied,
            self.ada: PermissionDenied,
            self.police_clinician: Http404,
        }
        for user, error in expected.items():
            with pytest.raises(error):
                questionnaires.case_questionnaires(user, case_id=self.case.pk)
        for user in (self.mary, self.manager, self.oh_clinician):
            with pytest.raises(Http404):
                questionnaires.my_questionnaires(user, case_id=self.case.pk)
            with pytest.raises(Http404):
                questionnaires.my_questionnaire(user, questionnaire_id=sent.pk)
        assert self.events() == []


class TestRotationAndErasure(QuestionnaireTestCase):
    def test_rotate_keys_re_encrypts_the_answers(self) -> None:
        with override_settings(JOINEDUP_OH_KEYS=OLD_KEY):
            done = self.answered()
            self.send("gad7")  # unanswered: nothing to re-encrypt
        out = StringIO()
        with override_settings(JOINEDUP_OH_KEYS=f"{NEW_KEY},{OLD_KEY}"):
            call_command("wellbeing", "rotate-keys", "--json", stdout=out)
        assert json.loads(out.getvalue())["questionnaires"] == {"examined": 1, "rewritten": 1}
        payload = json.loads(Fernet(NEW_KEY.encode()).decrypt(raw_answers(done.pk).encode()))
        assert (payload["total"], payload["band"]) == (12, "Moderate")

    def test_erasing_a_cases_questionnaires_deletes_them_and_counts_them(self) -> None:
        self.answered()
        self.send("gad7")
        assert questionnaires.erase_case_questionnaires(self.case) == 2
        assert stored() == []


class TestPagesAndApi(QuestionnaireTestCase):
    def test_a_clinician_sends_on_the_page_the_employee_answers_and_the_clinician_reads_the_score(
        self,
    ) -> None:
        clinician = self.signed_in(self.oh_clinician)
        url = f"/wellbeing/cases/{self.case.pk}/questionnaires/"
        assert clinician.post(url, {"key": "phq9"}).status_code == 302
        sent = CaseQuestionnaire.objects.for_partner(self.council).get()
        employee = self.signed_in(self.ada)
        own = employee.get(f"/wellbeing/my/{self.case.pk}/").content.decode()
        assert f'href="/wellbeing/my/questionnaires/{sent.pk}">PHQ-9: depression</a>: please answer it' in own
        answer_url = f"/wellbeing/my/questionnaires/{sent.pk}"
        missing = employee.post(answer_url, {"q1": "0"})
        assert "Answer all 9 questions." in missing.content.decode()
        form = {f"q{n}": str(a) for n, a in enumerate(PHQ9_ANSWERS, start=1)}
        assert employee.post(answer_url, form)["Location"] == f"/wellbeing/my/{self.case.pk}/"
        assert "Feeling down, depressed, or hopeless: <strong>More than half the days</strong>" in (
            employee.get(answer_url).content.decode()
        )
        page = clinician.get(url)
        assert page["Cache-Control"] == "no-store"
        assert "<strong>Total 12: Moderate</strong>" in page.content.decode()
        assert "Follow up question 9." in page.content.decode()
        assert self.events() == [("Oh.Clinician", "questionnaires")]  # the send redirected unread
        # Others: another partner's clinician 404, the administrator 403, a colleague 404.
        assert self.signed_in(self.police_clinician).get(url).status_code == 404
        assert self.signed_in(self.oh_admin).post(url, {"key": "gad7"}).status_code == 403
        assert self.signed_in(self.mary).post(answer_url, form).status_code == 404
        assert stored() == [("phq9", True)]

    def test_the_api_sends_answers_and_reads_with_404_across_partners(self) -> None:
        clinician = self.api(self.oh_clinician)
        sent = clinician.post(
            f"{V1}/cases/{self.case.pk}/questionnaires",
            json.dumps({"key": "gad7"}),
            content_type="application/json",
        )
        assert (sent.status_code, sent.json()["key"], sent.json()["title"]) == (201, "gad7", "GAD-7: anxiety")
        made = sent.json()["id"]
        employee = self.api(self.ada)
        [mine] = employee.get(f"{V1}/my-cases/{self.case.pk}/questionnaires").json()
        assert (mine["id"], len(mine["questions"]), mine["options"][3], mine["answers"]) == (
            made,
            7,
            "Nearly every day",
            [],
        )
        answered = employee.post(
            f"{V1}/my-questionnaires/{made}/answers",
            json.dumps({"answers": [3, 3, 3, 3, 3, 0, 0]}),
            content_type="application/json",
        )
        assert (answered.status_code, answered.json()["answers"]) == (200, [3, 3, 3, 3, 3, 0, 0])
        [read] = clinician.get(f"{V1}/cases/{self.case.pk}/questionnaires").json()
        assert (read["total"], read["band"], read["alerts"]) == (15, "Severe", [])
        police = self.api(self.police_clinician)
        assert police.get(f"{V1}/cases/{self.case.pk}/questionnaires").status_code == 404
        refused = police.post(
            f"{V1}/cases/{self.case.pk}/questionnaires",
            json.dumps({"key": "phq9"}),
            content_type="application/json",
        )
        assert refused.status_code == 404
        assert self.api(self.oh_admin).get(f"{V1}/cases/{self.case.pk}/questionnaires").status_code == 403
        assert stored() == [("gad7", True)]
        assert self.events() == [("Oh.Clinician", "questionnaires")]
