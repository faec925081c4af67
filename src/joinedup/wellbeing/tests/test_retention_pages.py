"""The retention page, the API and ``joinedup wellbeing retention-run`` (wellbeing/retention_runs.py):
what is due under the ``occupational_health`` rule of rules/retention.toml (six years after the
employment ends), legal holds placed and lifted with clear errors, another partner's case or hold
answering 404, and the command's JSON keys."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from joinedup.core.worker import Schedule, periodic_jobs
from joinedup.wellbeing.models import CaseErasure, CaseLegalHold, ClinicalNote
from joinedup.wellbeing.retention_runs import place_legal_hold, scheduled_run
from joinedup.wellbeing.tests.test_retention_runs import AS_OF, SYSTEM, RetentionTestCase

URL = "/wellbeing/retention/"
REASON = "Three periods of sickness absence this year"


def frozen(day: date = AS_OF) -> mock._patch[mock.MagicMock]:
    return mock.patch.object(timezone, "localdate", return_value=day)


def command(*args: str) -> str:
    out = StringIO()
    call_command("wellbeing", *args, stdout=out)
    return out.getvalue()


class TestRetentionPage(RetentionTestCase):
    def test_the_dpo_sees_the_due_and_held_cases_with_no_clinical_text(self) -> None:
        with frozen():
            page = self.signed_in(self.shared_dpo).get(URL, {"partner": self.council.pk})
        assert page.status_code == 200
        due = page.context["overview"].due
        assert [(d.case.pk, d.retention_ends) for d in due] == [(self.expired.pk, date(2032, 3, 31))]
        assert [(d.case.pk, d.holds) for d in page.context["overview"].held] == [
            (self.held.pk, ("ET/1234/26",))
        ]
        text = page.content.decode()
        assert "Ada Lovelace" in text and "ET/1234/26" in text and "31 March 2032" in text
        assert REASON not in text and "sertraline" not in text
        # The DPO opens no case pages, so the holds name their cases without a link.
        assert f'/wellbeing/cases/{self.held.pk}/"' not in text

    def test_a_clinician_is_refused_the_page(self) -> None:
        assert self.signed_in(self.oh_clinician).get(URL).status_code == 403

    def test_placing_a_hold_with_no_reference_shows_the_error_and_changes_nothing(self) -> None:
        page = self.signed_in(self.oh_admin).post(
            URL,
            {
                "form": "place",
                "partner": self.council.pk,
                "place-case": self.expired.pk,
                "place-reason": "Claim",
            },
        )
        assert page.status_code == 200
        assert "Enter the hold&#x27;s reference." in page.content.decode()
        assert CaseLegalHold.objects.for_partner(self.council).count() == 1

    def test_another_partners_case_is_not_found_and_nothing_changes(self) -> None:
        page = self.signed_in(self.council_oh).post(
            URL,
            {
                "form": "place",
                "partner": self.police.pk,  # not one of theirs: the page shows their own partner
                "place-case": self.still.pk,
                "place-reference": "X/1",
                "place-reason": "Claim",
            },
        )
        assert f"There is no case {self.still.pk} at {self.council.name}." in page.content.decode()
        assert CaseLegalHold.objects.for_partner(self.police).count() == 0

    def test_placing_and_lifting_a_hold_from_the_page(self) -> None:
        client = self.signed_in(self.oh_admin)
        placed = client.post(
            URL,
            {
                "form": "place",
                "partner": self.council.pk,
                "place-case": self.expired.pk,
                "place-reference": "SAR/77",
                "place-reason": "Subject access request in progress",
            },
        )
        assert placed.status_code == 302
        hold = CaseLegalHold.objects.for_partner(self.council).get(reference="SAR/77")
        blank = client.post(
            URL, {"form": "lift", "partner": self.council.pk, "lift-hold": hold.pk, "lift-reason": ""}
        )
        assert "Enter the reason for lifting it." in blank.content.decode()
        assert CaseLegalHold.objects.for_partner(self.council).get(pk=hold.pk).lifted_at is None
        lifted = client.post(
            URL, {"form": "lift", "partner": self.council.pk, "lift-hold": hold.pk, "lift-reason": "Answered"}
        )
        assert lifted.status_code == 302
        kept = CaseLegalHold.objects.for_partner(self.council).get(pk=hold.pk)
        assert (kept.lift_reason, kept.lifted_by) == ("Answered", self.oh_admin)

    def test_the_case_page_says_under_legal_hold_and_content_erased(self) -> None:
        client = self.signed_in(self.oh_admin)
        held = client.get(f"/wellbeing/cases/{self.held.pk}/").content.decode()
        assert "Under legal hold" in held and "ET/1234/26" in held
        with frozen():
            call_command("wellbeing", "retention-run", "--as-of", "2032-04-01", stdout=StringIO())
        erased = client.get(f"/wellbeing/cases/{self.expired.pk}/").content.decode()
        assert "Content erased on" in erased and "occupational_health" in erased
        assert REASON not in erased


class TestRetentionApi(RetentionTestCase):
    def test_the_dpo_reads_the_due_cases_and_the_holds(self) -> None:
        got = self.api(self.shared_dpo).get(
            f"/api/v1/wellbeing/partners/{self.council.pk}/retention", {"as_of": "2032-04-01"}
        )
        assert got.status_code == 200
        body = got.json()
        assert [(d["case_id"], d["retention_ends"], d["rule"]) for d in body["due"]] == [
            (self.expired.pk, "2032-03-31", "occupational_health")
        ]
        assert [(d["case_id"], d["holds"]) for d in body["held"]] == [(self.held.pk, ["ET/1234/26"])]
        assert (body["within_minimum"], [h["reference"] for h in body["holds"]]) == (1, ["ET/1234/26"])
        assert REASON not in got.content.decode()

    def test_placing_and_lifting_over_the_api(self) -> None:
        client = self.api(self.oh_admin)
        placed = client.post(
            f"/api/v1/wellbeing/cases/{self.expired.pk}/legal-holds",
            {"reference": "CLAIM/9", "reason": "Personal injury claim"},
            content_type="application/json",
        )
        assert placed.status_code == 201
        assert (placed.json()["reference"], placed.json()["in_force"]) == ("CLAIM/9", True)
        lifted = client.post(
            f"/api/v1/wellbeing/legal-holds/{placed.json()['id']}/lift",
            {"reason": "Claim withdrawn"},
            content_type="application/json",
        )
        assert (lifted.status_code, lifted.json()["in_force"], lifted.json()["lift_reason"]) == (
            200,
            False,
            "Claim withdrawn",
        )

    def test_another_partners_case_and_hold_answer_404_and_nothing_changes(self) -> None:
        police_hold = place_legal_hold(actor=SYSTEM, case=self.still, reason="Claim", reference="P/1")
        client = self.api(self.council_oh)
        placed = client.post(
            f"/api/v1/wellbeing/cases/{self.still.pk}/legal-holds",
            {"reference": "X/1", "reason": "No"},
            content_type="application/json",
        )
        lifted = client.post(
            f"/api/v1/wellbeing/legal-holds/{police_hold.pk}/lift",
            {"reason": "No"},
            content_type="application/json",
        )
        assert (placed.status_code, lifted.status_code) == (404, 404)
        assert CaseLegalHold.objects.for_partner(self.police).get().lifted_at is None
        assert CaseLegalHold.objects.for_partner(self.police).count() == 1

    def test_a_clinician_may_not_hold_or_read_the_list_and_nothing_changes(self) -> None:
        client = self.api(self.oh_clinician)
        placed = client.post(
            f"/api/v1/wellbeing/cases/{self.expired.pk}/legal-holds",
            {"reference": "X/1", "reason": "No"},
            content_type="application/json",
        )
        listed = client.get(f"/api/v1/wellbeing/partners/{self.council.pk}/retention")
        assert (placed.status_code, listed.status_code) == (404, 403)
        assert CaseLegalHold.objects.for_partner(self.council).count() == 1


class TestRetentionRunCommand(RetentionTestCase):
    def test_it_erases_the_due_case_and_prints_the_counts_as_json_and_a_second_run_erases_nothing(
        self,
    ) -> None:
        with frozen():
            first = json.loads(command("retention-run", "--as-of", "2032-04-01", "--json"))
            second = json.loads(command("retention-run", "--as-of", "2032-04-01", "--json"))
        assert first == {
            "as_of": "2032-04-01",
            "dry_run": False,
            "due": 1,
            "erased": 1,
            "held": 1,
            "skipped_within_minimum": 2,
            "due_cases": [self.expired.pk],
            "erased_cases": [self.expired.pk],
        }
        assert (second["due"], second["erased"], second["held"]) == (0, 0, 1)
        erasure = CaseErasure.objects.for_partner(self.council).get()
        assert erasure.erased_by_label.endswith("joinedup wellbeing retention-run")

    def test_a_dry_run_prints_what_would_go_and_erases_nothing(self) -> None:
        with frozen():
            printed = command("retention-run", "--dry-run")
        assert printed.splitlines() == [
            "Would erase the content of 1 of 1 cases due on 2032-04-01; 1 kept by a legal hold, "
            "2 still within retention.",
            f"  case {self.expired.pk}",
        ]
        assert ClinicalNote.objects.for_partner(self.council).filter(case=self.expired).count() == 1

    def test_it_refuses_a_day_in_the_future_with_exit_status_2(self) -> None:
        with frozen(), pytest.raises(CommandError) as refused:
            command("retention-run", "--as-of", "2032-04-02")
        assert refused.value.returncode == 2
        assert (
            str(refused.value)
            == "--as-of 2032-04-02 is in the future: content is erased on or after its day."
        )

    def test_the_worker_runs_it_once_a_day_as_the_system(self) -> None:
        jobs = [j for j in periodic_jobs() if j.name.startswith("wellbeing")]
        assert [(j.name, j.run, j.every) for j in jobs] == [
            ("wellbeing retention-run", scheduled_run, 86400.0)
        ]
        with frozen():
            assert Schedule(jobs, clock=lambda: 0.0).tick() == ["wellbeing retention-run"]
        erasure = CaseErasure.objects.for_partner(self.council).get()
        assert (erasure.case_id, erasure.erased_by_label.rsplit("): ", 1)[-1]) == (
            self.expired.pk,
            "joinedup worker: wellbeing retention-run",
        )
