"""Processors and sub-processors, where they take a partner's data and on what mechanism, and the
partner's approval of each (UK GDPR Articles 28 and 44-46; issue 17)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.privacy import processors, records
from joinedup.privacy.models import Processor, ProcessorEngagement
from joinedup.privacy.processors import EngagementDetails, ProcessorDetails
from joinedup.privacy.transfers import adequacy
from joinedup.testing.base import PartnerTestCase

USERS = ("partnership.users",)


class TestProcessors(PartnerTestCase):
    contractor: Processor

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        records.records_generate(actor=cls.shared_dpo, partner=cls.council)
        records.records_generate(actor=cls.shared_dpo, partner=cls.police)
        cls.contractor = processors.processor_register(
            actor=cls.shared_dpo,
            partner=cls.council,
            details=ProcessorDetails(name="Offshore Payroll Ltd", kind="contractor", country="in"),
        )

    def engage(self, processor: Processor | None = None, **overrides: object) -> ProcessorEngagement:
        values: dict[str, object] = {
            "record_keys": ("audit.events", "partnership.users"),
            "review_due": date(2027, 3, 31),
            "transfer_mechanism": "idta",
            "transfer_risk_assessed_on": date(2026, 9, 1),
        }
        values.update(overrides)
        return processors.engagement_propose(
            actor=self.shared_dpo,
            partner=self.council,
            processor=processor or self.contractor,
            details=EngagementDetails(**values),  # type: ignore[arg-type]
        )

    def test_it_registers_a_processor_by_its_iso_3166_country(self) -> None:
        assert self.contractor.country == "IN"
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.processor_registered")
        assert event.after == {
            "name": "Offshore Payroll Ltd",
            "kind": "contractor",
            "country": "IN",
            "parent": None,
        }
        with pytest.raises(ValidationError) as refused:
            processors.processor_register(
                actor=self.shared_dpo,
                partner=self.council,
                details=ProcessorDetails(name="Nowhere Ltd", kind="sub_processor", country="XX"),
            )
        assert refused.value.message_dict == {
            "country": ["'XX' is not an ISO 3166-1 alpha-2 country code."],
            "parent_id": ["A sub-processor names the processor that engaged it."],
        }

    def test_a_restricted_transfer_needs_an_idta_or_the_addendum_with_its_risk_assessment(self) -> None:
        # UK GDPR Article 46: no UK adequacy regulations cover India.
        assert adequacy("IN") == "" and adequacy("FR") == "full" and adequacy("US") == "partial"
        with pytest.raises(ValidationError) as none:
            self.engage(transfer_mechanism="none", transfer_risk_assessed_on=None)
        assert none.value.message_dict == {
            "transfer_mechanism": ["IN is outside the UK: name the transfer mechanism."]
        }
        with pytest.raises(ValidationError) as adequate:
            self.engage(transfer_mechanism="adequacy")
        assert adequate.value.message_dict == {
            "transfer_mechanism": ["No UK adequacy regulations cover IN: use an IDTA or the Addendum."]
        }
        with pytest.raises(ValidationError) as unassessed:
            self.engage(transfer_mechanism="addendum", transfer_risk_assessed_on=None)
        assert unassessed.value.message_dict == {
            "transfer_risk_assessed_on": [
                "An IDTA or the Addendum needs the transfer risk assessment's date."
            ]
        }
        engagement = self.engage()
        assert (engagement.status, engagement.record_keys) == (
            "proposed",
            ["audit.events", "partnership.users"],
        )

    def test_it_refuses_records_the_partner_does_not_hold(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.engage(record_keys=("payroll.pay_records",))
        assert refused.value.message_dict == {
            "record_keys": ["Not among the partner's active records of processing: payroll.pay_records."]
        }

    def test_the_dpo_approves_it_for_some_records_and_the_approval_is_audited(self) -> None:
        engagement = processors.engagement_approve(
            actor=self.shared_dpo, engagement=self.engage(), record_keys=USERS, countries=("gb",)
        )
        assert engagement.status == "approved"
        assert engagement.approved_keys == ["partnership.users"]
        assert engagement.approved_countries == ["GB", "IN"]
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.processor_approved")
        assert event.before == {"status": "proposed", "approved_keys": [], "approved_countries": []}
        assert event.after == {
            "status": "approved",
            "approved_keys": ["partnership.users"],
            "approved_countries": ["GB", "IN"],
        }

    def test_a_sub_processor_is_approved_only_after_its_processor(self) -> None:
        # Article 28(2): no sub-processor without the controller's prior authorisation.
        hosting = processors.processor_register(
            actor=self.shared_dpo,
            partner=self.council,
            details=ProcessorDetails(
                name="Cloud Hosting GmbH", kind="sub_processor", country="DE", parent_id=self.contractor.pk
            ),
        )
        sub = self.engage(hosting, transfer_mechanism="adequacy", transfer_risk_assessed_on=None)
        with pytest.raises(ValidationError) as refused:
            processors.engagement_approve(actor=self.shared_dpo, engagement=sub, record_keys=USERS)
        assert refused.value.message_dict == {
            "processor": ["Approve its processor, Offshore Payroll Ltd, first."]
        }
        processors.engagement_approve(actor=self.shared_dpo, engagement=self.engage(), record_keys=USERS)
        assert (
            processors.engagement_approve(actor=self.shared_dpo, engagement=sub, record_keys=USERS).status
            == "approved"
        )

    def test_only_the_dpo_approves_and_nothing_changes_when_refused(self) -> None:
        engagement = self.engage()
        with pytest.raises(PermissionDenied):
            processors.engagement_approve(actor=self.council_hr, engagement=engagement, record_keys=USERS)
        engagement.refresh_from_db()
        assert (engagement.status, engagement.approved_keys) == ("proposed", [])
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="privacy.processor_approved")
            .exists()
        )

    def test_another_partners_engagement_is_not_found(self) -> None:
        engagement = self.engage()
        with pytest.raises(Http404):
            processors.engagement_for(self.shared_dpo, partner=self.police, engagement_id=engagement.pk)

    def test_a_review_past_its_date_is_overdue_and_the_export_says_so(self) -> None:
        self.engage(review_due=date(2026, 6, 30))
        rows = processors.export_rows(self.shared_dpo, partner=self.council, today=date(2026, 7, 1))
        assert rows == [
            [
                "Offshore Payroll Ltd",
                "Contractor",
                "",
                "India",
                "IN",
                "audit.events; partnership.users",
                "",
                "",
                "Proposed",
                "International data transfer agreement (IDTA)",
                "2026-09-01",
                "2026-06-30",
                "yes",
            ]
        ]
        assert (
            processors.export_rows(self.shared_dpo, partner=self.council, today=date(2026, 6, 30))[0][12]
            == "no"
        )
