"""Records of processing (UK GDPR Article 30(1)): generated from what each partner uses, edited by
its DPO, never silently overwritten, exported in the ICO's columns (issue 17)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner
from joinedup.people.models import Absence
from joinedup.privacy import records
from joinedup.privacy.models import ProcessingRecord
from joinedup.testing.people import PeopleTestCase


def keys(partner: Partner) -> list[tuple[str, str]]:
    return list(ProcessingRecord.objects.for_partner(partner).order_by("key").values_list("key", "status"))


class TestRecordsOfProcessing(PeopleTestCase):
    """One class, so the people fixtures are made once."""

    @classmethod
    def absence(cls) -> Absence:
        return Absence.objects.create(
            partner=cls.council,
            employment=cls.council_emp,
            kind="sickness",
            start_date=date(2026, 3, 2),
            end_date=date(2026, 3, 3),
            working_days=Decimal(2),
            status="approved",
        )

    def test_it_makes_a_record_for_each_declaration_the_partner_uses(self) -> None:
        # The council employs people (HR record, bank details); every partner has users and an
        # audit chain. It has no payslips, suppliers, tickets or referrals: no record of those.
        result = records.records_generate(actor=self.shared_dpo, partner=self.council)
        assert result.added == (
            "audit.events",
            "partnership.users",
            "people.bank_details",
            "people.hr_record",
        )
        assert keys(self.council) == [
            ("audit.events", "active"),
            ("partnership.users", "active"),
            ("people.bank_details", "active"),
            ("people.hr_record", "active"),
        ]
        # The fire service employs no one here: its users and audit log only.
        records.records_generate(actor=self.shared_dpo, partner=self.fire)
        assert keys(self.fire) == [("audit.events", "active"), ("partnership.users", "active")]
        hr = ProcessingRecord.objects.for_partner(self.council).get(key="people.hr_record")
        assert hr.lawful_basis == "Article 6(1)(b) contract"
        assert hr.data_subjects == "employees\nformer employees\nemployees' emergency contacts"
        assert hr.retention.startswith("6 years after the employment ends. Source: Limitation Act 1980 s.5")
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.records_generated")
        assert event.after["added"] == [
            "audit.events",
            "partnership.users",
            "people.bank_details",
            "people.hr_record",
        ]

    def test_regenerating_adds_new_declarations_and_flags_withdrawn_ones(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        absence = self.absence()
        again = records.records_generate(actor=self.shared_dpo, partner=self.council)
        assert again.added == ("people.absence",)
        assert again.refreshed == () and again.withdrawn == ()
        absence.delete()
        third = records.records_generate(actor=self.shared_dpo, partner=self.council)
        assert third.withdrawn == ("people.absence",)
        # Withdrawn is a flag for the DPO: the record stays.
        assert ("people.absence", "withdrawn") in keys(self.council)
        assert ProcessingRecord.objects.for_partner(self.council).count() == 5

    def test_regenerating_never_overwrites_the_dpos_edit_and_flags_a_changed_declaration(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        hr = ProcessingRecord.objects.for_partner(self.council).get(key="people.hr_record")
        records.record_edit(
            actor=self.shared_dpo, record=hr, changes={"recipients": "HMRC\nWessex Pension Fund"}
        )
        # The declaration changes after the edit (as a new release would change it).
        declaration = dict(hr.declaration)
        ProcessingRecord.objects.for_partner(self.council).filter(pk=hr.pk).update(
            declaration={**declaration, "purpose": "An older purpose"}
        )
        result = records.records_generate(actor=self.shared_dpo, partner=self.council)
        assert result.changed_under_edit == ("people.hr_record",)
        assert result.refreshed == ()
        hr.refresh_from_db()
        assert hr.recipients == "HMRC\nWessex Pension Fund"
        assert hr.declaration_changed is True and hr.edited is True
        # The DPO's next edit acknowledges the change.
        records.record_edit(actor=self.shared_dpo, record=hr, changes={"recipients": "HMRC"})
        hr.refresh_from_db()
        assert hr.declaration_changed is False
        assert (
            hr.declaration["purpose"]
            == "Employing staff: contracts, terms, structure, transfers (TUPE) and secondments"
        )

    def test_an_edit_is_audited_with_what_it_changed(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        users = ProcessingRecord.objects.for_partner(self.council).get(key="partnership.users")
        records.record_edit(
            actor=self.shared_dpo, record=users, changes={"retention": "2 years after the last sign-in"}
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.record_edited")
        assert event.before == {
            "retention": "While the user holds a role, then 1 year. "
            "Source: The partner's policy (no statutory period)"
        }
        assert event.after == {"retention": "2 years after the last sign-in"}
        assert event.object_id == str(users.pk)

    def test_it_refuses_an_empty_required_field_and_an_unknown_one(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        hr = ProcessingRecord.objects.for_partner(self.council).get(key="people.hr_record")
        with pytest.raises(ValidationError) as refused:
            records.record_edit(actor=self.shared_dpo, record=hr, changes={"purpose": "  ", "partner": "x"})
        assert refused.value.message_dict == {"partner": ["Not a field of a record of processing."]}
        with pytest.raises(ValidationError) as empty:
            records.record_edit(actor=self.shared_dpo, record=hr, changes={"purpose": "  "})
        assert empty.value.message_dict == {"purpose": ["Required."]}

    def test_only_the_dpo_edits_and_nothing_changes_when_refused(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        hr = ProcessingRecord.objects.for_partner(self.council).get(key="people.hr_record")
        with pytest.raises(PermissionDenied):
            records.record_edit(actor=self.council_hr, record=hr, changes={"purpose": "Anything"})
        with pytest.raises(PermissionDenied):
            records.records_generate(actor=self.council_hr, partner=self.council)
        hr.refresh_from_db()
        assert hr.purpose == "Employing staff: contracts, terms, structure, transfers (TUPE) and secondments"
        assert hr.edited is False
        assert (
            not AuditEvent.objects.for_partner(self.council).filter(action="privacy.record_edited").exists()
        )

    def test_each_record_is_a_row_in_the_ico_controller_columns(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        rows = records.export_rows(self.shared_dpo, partner=self.council)
        assert [len(r) for r in rows] == [31, 31, 31, 31]
        by_function = {r[0]: r for r in rows if r[0] == "people" and "bank" in r[4]}
        bank = dict(zip(records.ICO_CONTROLLER_COLUMNS, by_function["people"], strict=True))
        assert bank["Purpose of processing"] == (
            "Paying salaries; a change is verified by a second person before it is used"
        )
        assert bank["Categories of individuals"] == "employees"
        assert bank["Categories of personal data"] == "bank sort code; bank account number; account name"
        assert bank["Categories of recipients"] == "the partner's bank (BACS)"
        assert bank["Article 6 lawful basis for processing personal data"] == "Article 6(1)(b) contract"
        assert bank["Location of personal data"] == "joinedup"
        assert bank["Link to record of consent"] == ""
        assert bank["Record status"] == "Active"

    def test_the_export_headings_are_the_ico_templates_verbatim_then_the_record_status(self) -> None:
        # The ICO's "Documentation template for controllers", sheet "Template", row 9, A to AD
        # (https://ico.org.uk/media2/migrated/2172937/gdpr-documentation-controller-template.xlsx).
        assert records.ICO_CONTROLLER_COLUMNS == (
            "Business function",
            "Purpose of processing",
            "Name and contact details of joint controller (if applicable)",
            "Categories of individuals",
            "Categories of personal data",
            "Categories of recipients",
            "Link to contract with processor",
            "Names of third countries or international organisations that personal data are transferred "
            "to (if applicable)",
            "Safeguards for exceptional transfers of personal data to third countries or international "
            "organisations (if applicable)",
            "Retention schedule (if possible)",
            "General description of technical and organisational security measures (if possible)",
            "Article 6 lawful basis for processing personal data",
            "Article 9 condition for processing special category data",
            "Legitimate interests for the processing (if applicable)",
            "Link to record of legitimate interests assessment (if applicable)",
            "Rights available to individuals",
            "Existence of automated decision-making, including profiling (if applicable)",
            "The source of the personal data (if applicable)",
            "Link to record of consent",
            "Location of personal data",
            "Data Protection Impact Assessment required?",
            "Data Protection Impact Assessment progress",
            "Link to Data Protection Impact Assessment",
            "Has a personal data breach occurred?",
            "Link to record of personal data breach",
            "Data Protection Act 2018 Schedule 1 Condition for processing",
            "GDPR Article 6 lawful basis for processing",
            "Link to retention and erasure policy document",
            "Is personal data retained and erased in accordance with the policy document?",
            "Reasons for not adhering to policy document (if applicable)",
            "Record status",
        )

    def test_a_special_category_record_fills_the_templates_schedule_1_section(self) -> None:
        records.records_generate(actor=self.shared_dpo, partner=self.council)
        hr = ProcessingRecord.objects.for_partner(self.council).get(key="people.hr_record")
        records.record_edit(
            actor=self.shared_dpo,
            record=hr,
            changes={
                "article_9_condition": "Article 9(2)(b) employment",
                "schedule_1_condition": "Schedule 1 Part 1 paragraph 1 (employment)",
            },
        )
        rows = records.export_rows(self.shared_dpo, partner=self.council)
        named = [dict(zip(records.ICO_CONTROLLER_COLUMNS, r, strict=True)) for r in rows]
        schedule_1 = "Data Protection Act 2018 Schedule 1 Condition for processing"
        special = [r for r in named if r[schedule_1]]
        assert [(r[schedule_1], r["GDPR Article 6 lawful basis for processing"]) for r in special] == [
            ("Schedule 1 Part 1 paragraph 1 (employment)", hr.lawful_basis)
        ]
        assert special[0]["Article 9 condition for processing special category data"] == (
            "Article 9(2)(b) employment"
        )
        assert [r["GDPR Article 6 lawful basis for processing"] for r in named if not r[schedule_1]] == [
            "",
            "",
            "",
        ]
