"""Subject-access requests: the log and its statutory clock, the export for one person for one
partner, its review, release and expiry, and who may do each (privacy/sar.py)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.payroll.models import Payslip
from joinedup.people.models import Absence, Employment, EmploymentTerms
from joinedup.privacy import sar as services
from joinedup.privacy import sar_export
from joinedup.privacy.models import SarStatus, SubjectAccessRequest
from joinedup.privacy.sar_selectors import sar_for
from joinedup.privacy.tests.sarbase import CLINICAL, SarTestCase
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.wellbeing import attachments, questionnaires
from joinedup.wellbeing.models import AccessPart, Case, CaseAccessEvent, ClinicalNote, Referral

NOW = datetime(2029, 3, 1, 12, tzinfo=UTC)


def at(when: datetime) -> Any:
    """The clock stopped at ``when`` (timezone.localdate reads timezone.now)."""
    return mock.patch("django.utils.timezone.now", new=lambda: when)


def ids(export: dict[str, Any], section: str) -> set[Any]:
    return {row["id"] for row in export[section]}


PDF = b"%PDF-1.7\n% audiogram\n%%EOF\n"


@at(NOW)
class TestTheLog(SarTestCase):
    def logged(self, received: date = date(2029, 1, 31)) -> SubjectAccessRequest:
        return services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=received,
        )

    def test_it_logs_a_request_due_a_month_after_receipt(self) -> None:
        # UK GDPR Art. 12(3); ICO: 31 January → 28 February (2029 is not a leap year).
        sar = self.logged()
        assert (sar.status, sar.due_on) == (SarStatus.RECEIVED, date(2029, 2, 28))
        event = AuditEvent.objects.for_partner(self.council).filter(action="privacy.sar_logged").get()
        assert event.after == {
            "person": self.shared_person_council.person_id,
            "status": "received",
            "due_on": "2029-02-28",
            "received_on": "2029-01-31",
        }

    def test_the_clock_stops_while_identity_is_awaited_and_starts_on_its_receipt(self) -> None:
        sar = services.sar_request_identity(
            actor=self.shared_dpo, sar=self.logged(), requested_on=date(2029, 2, 1)
        )
        assert (sar.status, sar.due_on) == (SarStatus.AWAITING_IDENTITY, None)
        sar = services.sar_verify_identity(actor=self.shared_dpo, sar=sar, verified_on=date(2029, 2, 12))
        # ICO: the month runs from receipt of the identity: 12 February → 12 March 2029 (Monday).
        assert (sar.status, sar.due_on) == (SarStatus.IN_PROGRESS, date(2029, 3, 12))

    def test_a_complex_request_is_extended_by_two_further_months(self) -> None:
        sar = services.sar_extend(
            actor=self.shared_dpo,
            sar=self.logged(),
            extended_on=date(2029, 2, 20),
            reason="Four years of tickets",
        )
        # Art. 12(3): 31 January + three months → 30 April 2029.
        assert (sar.due_on, sar.extension_reason) == (date(2029, 4, 30), "Four years of tickets")
        event = AuditEvent.objects.for_partner(self.council).filter(action="privacy.sar_extended").get()
        assert "Four years" not in json.dumps(event.after)

    def test_it_refuses_an_extension_decided_after_the_first_month(self) -> None:
        with self.assertRaisesMessage(ValidationError, "within the first month, by 28 February 2029"):
            services.sar_extend(
                actor=self.shared_dpo, sar=self.logged(), extended_on=date(2029, 3, 1), reason="x"
            )

    def test_it_refuses_an_extension_without_a_reason(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Give the reason the request is complex."):
            services.sar_extend(
                actor=self.shared_dpo, sar=self.logged(), extended_on=date(2029, 2, 1), reason=" "
            )

    def test_it_refuses_to_log_a_person_the_partner_never_employed(self) -> None:
        with self.assertRaisesMessage(ValidationError, "No such person works, or worked, for this partner."):
            services.sar_log(
                actor=self.shared_dpo,
                partner=self.council,
                person_id=self.police_emp.person_id,
                received_on=date(2029, 1, 31),
            )

    def test_it_refuses_a_receipt_date_in_the_future(self) -> None:
        with self.assertRaisesMessage(ValidationError, "This date is in the future."):
            self.logged(received=date(2029, 3, 2))

    def test_a_refusal_and_a_withdrawal_close_the_request(self) -> None:
        refused = services.sar_refuse(
            actor=self.shared_dpo,
            sar=self.logged(),
            refused_on=date(2029, 2, 2),
            reason="Manifestly excessive",
        )
        assert (refused.status, refused.closed_on) == (SarStatus.REFUSED, date(2029, 2, 2))
        withdrawn = services.sar_withdraw(
            actor=self.shared_dpo, sar=self.logged(), withdrawn_on=date(2029, 2, 3)
        )
        assert withdrawn.status == SarStatus.WITHDRAWN
        with self.assertRaisesMessage(
            ValidationError, "This request is withdrawn: it cannot be released now."
        ):
            services.sar_release(actor=self.shared_dpo, sar=withdrawn)

    def test_a_request_past_its_due_date_is_overdue_until_answered(self) -> None:
        sar = self.logged()
        assert sar.is_overdue(date(2029, 3, 1)) is True
        sar = services.sar_assemble(actor=self.shared_dpo, sar=sar)
        sar = services.sar_release(actor=self.shared_dpo, sar=sar)
        assert sar.is_overdue(date(2029, 3, 1)) is False


@at(NOW)
class TestWhoMay(SarTestCase):
    def test_another_partners_dpo_gets_404_and_an_hr_officer_403_with_nothing_changed(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=date(2029, 2, 1),
        )
        before = self.state(self.council)
        with self.assertRaises(Http404):
            sar_for(self.police_dpo, sar_id=sar.pk)
        assert self.refused(lambda: sar_for(self.council_hr, sar_id=sar.pk))
        for actor in (self.council_hr, self.police_dpo, self.oh_clinician, self.council_employee):
            assert self.refused(lambda actor=actor: services.sar_assemble(actor=actor, sar=sar))
            assert self.refused(
                lambda actor=actor: services.sar_log(
                    actor=actor,
                    partner=self.council,
                    person_id=self.shared_person_council.person_id,
                    received_on=date(2029, 2, 1),
                )
            )
        assert self.state(self.council) == before
        assert SubjectAccessRequest.objects.for_partner(self.council).get().status == SarStatus.RECEIVED


@at(NOW)
class TestTheExport(SarTestCase):
    def test_each_partners_export_holds_only_its_own_records_and_together_everything(self) -> None:
        # Issue 17's acceptance: a person employed by two partners at once.
        person = self.shared_person_council.person
        council = sar_export.assemble(actor=self.shared_dpo, partner=self.council, person=person)
        police = sar_export.assemble(actor=self.shared_dpo, partner=self.police, person=person)
        truth = {
            "employments": self.everything(Employment, person=person),
            "terms": self.everything(EmploymentTerms, employment__person=person),
            "absences": self.everything(Absence, employment__person=person),
            "payslips": self.everything(Payslip, employment__person=person),
            "tickets": self.everything(Ticket, requester=self.mary),
            "ticket_events": self.everything(TicketEvent, ticket__requester=self.mary),
            "oh_referrals": self.everything(Referral, employment__person=person),
            "oh_cases": self.everything(Case, employment__person=person),
            "oh_notes": self.everything(ClinicalNote, case__employment__person=person),
        }
        for section, by_partner in truth.items():
            assert ids(council, section) == by_partner.get(self.council.pk, set()), section
            assert ids(police, section) == by_partner.get(self.police.pk, set()), section
        # Every section of every kind is there: both hold employments, terms, absences, payslips
        # and tickets; the case is the council's only.
        assert {section: (len(council[section]), len(police[section])) for section in truth} == {
            "employments": (1, 1),
            "terms": (1, 1),
            "absences": (1, 1),
            "payslips": (2, 2),
            "tickets": (1, 1),
            "ticket_events": (1, 1),
            "oh_referrals": (1, 0),
            "oh_cases": (1, 0),
            "oh_notes": (1, 0),
        }
        # On 1 March 2029 the tax years 2025/26 and 2026/27 have ended: a P60 each, from the year's
        # last approved or paid payslip.
        assert [(p["employment"], p["tax_year"], p["payslip"]) for p in council["p60s"]] == [
            (self.shared_person_council.pk, year, payslip)
            for year, payslip in sorted((row["tax_year"], row["id"]) for row in council["payslips"])
        ]
        # Audit events about their records: each partner's own chain, none of the other's.
        council_events = {e["id"] for e in council["audit_events"]}
        police_events = {e["id"] for e in police["audit_events"]}
        assert council_events and police_events
        assert (
            set(
                AuditEvent.objects.for_partner(self.council)
                .filter(pk__in=council_events)
                .values_list("pk", flat=True)
            )
            == council_events
        )
        assert (
            set(
                AuditEvent.objects.for_partner(self.police)
                .filter(pk__in=police_events)
                .values_list("pk", flat=True)
            )
            == police_events
        )
        assert {e["object_type"] for e in police["audit_events"]} >= {
            "people.employment",
            "servicedesk.ticket",
        }

    def test_the_subject_gets_their_clinical_notes_and_the_read_is_logged(self) -> None:
        person = self.shared_person_council.person
        export = sar_export.assemble(actor=self.shared_dpo, partner=self.council, person=person)
        assert [n["text"] for n in export["oh_notes"]] == [CLINICAL]
        logged = CaseAccessEvent.objects.for_partner(self.council).filter(
            case=self.mary_case, actor=self.shared_dpo
        )
        assert list(logged.values_list("part", flat=True)) == [AccessPart.NOTES]

    def test_the_subject_gets_their_attachments_and_questionnaire_answers_each_read_logged_once(self) -> None:
        # issue 17: "occupational-health case — clinical content included for the subject".
        attachments.attachment_add(
            actor=self.oh_clinician, case=self.mary_case, filename="audiogram.pdf", content=PDF
        )
        sent = questionnaires.questionnaire_send(actor=self.oh_clinician, case=self.mary_case, key="phq9")
        questionnaires.questionnaire_answer(actor=self.mary, questionnaire=sent, answers=[1] * 9)
        person = self.shared_person_council.person
        export = sar_export.assemble(actor=self.shared_dpo, partner=self.council, person=person)
        assert [(a["filename"], a["content_type"], a["size"]) for a in export["oh_attachments"]] == [
            ("audiogram.pdf", "application/pdf", len(PDF))
        ]
        assert base64.b64decode(export["oh_attachments"][0]["content_base64"]) == PDF
        # PHQ-9: nine answers of "Several days" (1 each) total 9, "Mild" (Kroenke 2001: 5-9).
        (answered,) = export["oh_questionnaires"]
        assert (answered["total"], answered["band"], len(answered["answers"])) == (9, "Mild", 9)
        assert answered["sent_by"] == "occupational-health clinician"
        logged = CaseAccessEvent.objects.for_partner(self.council).filter(
            case=self.mary_case, actor=self.shared_dpo
        )
        assert sorted(logged.values_list("part", flat=True)) == sorted(
            [AccessPart.NOTES, AccessPart.ATTACHMENTS, AccessPart.QUESTIONNAIRES]
        )
        police = sar_export.assemble(actor=self.shared_dpo, partner=self.police, person=person)
        assert (police["oh_attachments"], police["oh_questionnaires"]) == ([], [])

    def test_third_parties_are_shown_by_their_role(self) -> None:
        person = self.shared_person_council.person
        export = sar_export.assemble(actor=self.shared_dpo, partner=self.council, person=person)
        assert export["oh_referrals"][0]["referred_by"] == "HR officer"
        assert export["oh_cases"][0]["clinician"] == "occupational-health clinician"
        assert export["oh_notes"][0]["author"] == "occupational-health clinician"
        assert export["tickets"][0]["requester"] == "you"
        text = json.dumps(export)
        for name in ("Shared.Hr", "Oh.Clinician", "Oh.Admin", "shared.hr", "oh.clinician"):
            assert name not in text

    def test_a_released_export_downloads_as_reviewed_then_expires_with_410(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.police,
            person_id=self.shared_person_police.person_id,
            received_on=date(2029, 2, 1),
        )
        sar = services.sar_assemble(actor=self.shared_dpo, sar=sar)
        reviewed = services.export_of(self.shared_dpo, sar)
        assert ids(reviewed, "employments") == {self.shared_person_police.pk}
        sar = services.sar_release(actor=self.shared_dpo, sar=sar)
        assert sar.expires_at is not None and sar.released_at is not None
        assert sar.expires_at - sar.released_at == timedelta(days=30)
        download = services.sar_download(actor=self.shared_dpo, sar=sar)
        assert json.loads(download.content) == reviewed
        with at(sar.expires_at):
            gone = services.sar_download(actor=self.shared_dpo, sar=sar)
        assert gone.gone is True
        stored = SubjectAccessRequest.objects.for_partner(self.police).get(pk=sar.pk)
        assert (stored.export_ciphertext, stored.export_deleted_at) == ("", sar.expires_at)
        actions = AuditEvent.objects.for_partner(self.police).filter(
            object_id=str(sar.pk), action__startswith="privacy."
        )
        assert list(actions.order_by("seq").values_list("action", flat=True)) == [
            "privacy.sar_logged",
            "privacy.sar_assembled",
            "privacy.sar_released",
            "privacy.sar_export_downloaded",
            "privacy.sar_export_expired",
        ]

    def test_the_stored_export_is_encrypted(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=date(2029, 2, 1),
        )
        sar = services.sar_assemble(actor=self.shared_dpo, sar=sar)
        assert "Seacole" not in sar.export_ciphertext and CLINICAL not in sar.export_ciphertext

    def test_the_hourly_job_deletes_an_export_nobody_downloaded(self) -> None:
        sar = services.sar_log(
            actor=self.shared_dpo,
            partner=self.council,
            person_id=self.shared_person_council.person_id,
            received_on=date(2029, 2, 1),
        )
        sar = services.sar_release(
            actor=self.shared_dpo, sar=services.sar_assemble(actor=self.shared_dpo, sar=sar)
        )
        assert services.scheduled_expiry() == 0
        assert sar.expires_at is not None
        with at(sar.expires_at):
            assert (services.scheduled_expiry(), services.scheduled_expiry()) == (1, 0)
        stored = SubjectAccessRequest.objects.for_partner(self.council).get(pk=sar.pk)
        assert (stored.export_ciphertext, stored.status) == ("", SarStatus.RELEASED)
