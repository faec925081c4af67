"""Onboarding a partner: everything made once, all or nothing, and a checklist that follows what
the apps hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.ledger.chart import load_chart
from joinedup.ledger.models import Account, CostCentre, Period
from joinedup.ledger.services import LineInput, journal_import_post
from joinedup.partnership.models import Membership, Partner, Role
from joinedup.payroll.models import EmployerPensionRate
from joinedup.payroll.posting import PAYROLL_COST_CENTRES
from joinedup.people.models import OrgUnit, PayPoint, Post, TermsScheme
from joinedup.privacy.onboarding import (
    PensionRateInput,
    onboarding_checklist,
    partner_onboard,
)
from joinedup.purchasing.models import Supplier, SupplierPartner
from joinedup.testing.base import FIXTURES, PartnerTestCase

RATE = PensionRateInput(
    scheme="lgps_main",
    rate_percent=Decimal("19.5"),
    effective_from=date(2026, 4, 1),
    source="Wessex Pension Fund valuation 2025, rates and adjustments certificate",
)


def counts() -> dict[str, int]:
    return {
        "partners": Partner.objects.count(),
        "memberships": Membership.objects.count(),
        "accounts": Account.objects.unscoped(reason="test: every partner's accounts").count(),
        "centres": CostCentre.objects.unscoped(reason="test: every partner's cost centres").count(),
        "periods": Period.objects.unscoped(reason="test: every partner's periods").count(),
        "rates": EmployerPensionRate.objects.unscoped(reason="test: every partner's rates").count(),
        "events": AuditEvent.objects.unscoped(reason="test: every chain's events").count(),
    }


class OnboardingTestCase(PartnerTestCase):
    def onboard(self, actor: Any = None, **overrides: Any) -> Any:
        arguments: dict[str, Any] = {
            "actor": actor or self.ops_admin,
            "code": "NDC",
            "name": "North Wessex District Council",
            "kind": "council",
            "year": 2026,
            "pension_rates": [RATE],
            "grants": [("ops.admin", Role.SERVICE_ADMIN), ("shared.dpo", Role.DATA_PROTECTION_OFFICER)],
        }
        arguments.update(overrides)
        return partner_onboard(**arguments)


class TestPartnerOnboard(OnboardingTestCase):
    def test_it_creates_the_partner_with_its_ledger_schemes_rates_and_roles(self) -> None:
        result = self.onboard()
        partner = Partner.objects.get(code="NDC")
        assert result.partner == partner
        assert partner.kind == "council"
        assert Account.objects.for_partner(partner).count() == len(load_chart().accounts)
        # A partner with no establishment yet has payroll's own two cost centres.
        assert sorted(CostCentre.objects.for_partner(partner).values_list("code", flat=True)) == sorted(
            PAYROLL_COST_CENTRES
        )
        assert Period.objects.for_partner(partner).count() == 12
        assert result.year_label == "2026/27"
        assert TermsScheme.objects.filter(code="njc").exists()
        rate = EmployerPensionRate.objects.for_partner(partner).get()
        assert (rate.pension_scheme, rate.rate_percent, rate.effective_from) == (
            "lgps_main",
            Decimal("19.500"),
            date(2026, 4, 1),
        )
        assert sorted(Membership.objects.filter(partner=partner).values_list("user__username", "role")) == [
            ("ops.admin", "service_admin"),
            ("shared.dpo", "data_protection_officer"),
        ]

    def test_it_records_one_onboarded_event_naming_the_user(self) -> None:
        self.onboard()
        partner = Partner.objects.get(code="NDC")
        event = AuditEvent.objects.for_partner(partner).get(action="partner.onboarded")
        assert event.partner_id == partner.pk
        assert event.actor_id == self.ops_admin.pk
        assert event.after["terms_schemes"] == ["njc"]
        assert event.after["grants"] == [
            "ops.admin as service_admin",
            "shared.dpo as data_protection_officer",
        ]
        assert event.after["periods_created"] == 12
        # The steps name the user who asked for them.
        created = AuditEvent.objects.for_partner(partner).get(action="partner.created")
        assert created.actor_label == "system: partner onboarding asked by ops.admin"

    def test_a_second_onboarding_with_the_same_code_is_refused_and_changes_nothing(self) -> None:
        self.onboard()
        before = counts()
        with self.assertRaises(ValidationError) as caught:
            self.onboard(name="Another name", code="ndc")
        assert caught.exception.message_dict == {"code": ["A partner with code NDC already exists."]}
        assert counts() == before

    def test_an_unknown_scheme_is_refused_with_every_problem_and_nothing_created(self) -> None:
        before = counts()
        bad_rate = PensionRateInput(
            scheme="civil_service", rate_percent=Decimal("20"), effective_from=date(2026, 4, 1), source="x"
        )
        with self.assertRaises(ValidationError) as caught:
            self.onboard(
                terms_schemes=["njc", "made_up"],
                pension_rates=[bad_rate],
                grants=[("nobody.here", Role.SERVICE_ADMIN)],
            )
        errors = caught.exception.message_dict
        assert errors["terms_schemes"] == [
            "Unknown terms scheme 'made_up': choose from grey_book, nhs_afc, njc, police_staff."
        ]
        assert errors["pension_rates"][0].startswith("Unknown pension scheme 'civil_service'")
        assert errors["grants"] == ["No active user 'nobody.here'."]
        assert counts() == before

    def test_a_user_without_onboarding_on_the_shared_body_is_refused_and_nothing_changes(self) -> None:
        before = counts()
        with self.assertRaises(PermissionDenied):
            self.onboard(actor=self.council_hr)
        # A DPO of every partner, shared body included, is not its service administrator.
        with self.assertRaises(PermissionDenied):
            self.onboard(actor=self.shared_dpo)
        assert counts() == before

    def test_the_system_may_onboard(self) -> None:
        result = self.onboard(actor=FIXTURES, grants=[])
        assert result.partner.code == "NDC"
        assert Membership.objects.filter(partner=result.partner).count() == 0


class TestOnboardingChecklist(OnboardingTestCase):
    def test_the_checklist_turns_done_as_imports_land(self) -> None:
        partner = self.onboard().partner
        checklist = onboarding_checklist(self.ops_admin, partner=partner)
        status = {item.key: (item.done, item.count) for item in checklist.items}
        accounts = len(load_chart().accounts)
        assert status == {
            "partner": (True, accounts),
            # The council's kind also uses the LGPS 50/50 section: no rate for it yet.
            "pension_rates": (False, 1),
            "posts": (False, 0),
            "people": (False, 0),
            "opening_balances": (False, 0),
            "suppliers": (False, 0),
        }
        assert checklist.done == 1
        unit = OrgUnit.objects.create(partner=partner, code="NDC-HR", name="HR")
        point = PayPoint.objects.filter(scheme__code="njc").order_by("sort").first()
        assert point is not None  # onboarding loaded the council's terms scheme
        Post.objects.create(
            partner=partner,
            org_unit=unit,
            code="P1",
            title="HR adviser",
            scheme=point.scheme,
            grade_min=point,
            grade_max=point,
            budgeted_fte=1,
            cost_centre="NDC-HR",
            start_date=date(2026, 4, 1),
        )
        journal_import_post(
            actor=FIXTURES,
            partner=partner,
            date=date(2026, 4, 1),
            lines=[LineInput(account="B100", debit=125000), LineInput(account="B200", credit=125000)],
            description="Opening balances",
            digest="abc123",
            ref="1",
        )
        supplier = Supplier.objects.create(name="Wessex Office Supplies Ltd")
        SupplierPartner.objects.create(partner=partner, supplier=supplier)
        checklist = onboarding_checklist(self.ops_admin, partner=partner)
        status = {item.key: (item.done, item.count) for item in checklist.items}
        assert status == {
            "partner": (True, accounts),
            "pension_rates": (False, 1),
            "posts": (True, 1),
            "people": (False, 0),
            "opening_balances": (True, 1),
            "suppliers": (True, 1),
        }
        assert checklist.done == 4

    def test_another_partners_checklist_is_refused(self) -> None:
        partner = self.onboard(grants=[("shared.dpo", Role.DATA_PROTECTION_OFFICER)]).partner
        with self.assertRaises(PermissionDenied):
            onboarding_checklist(self.council_hr, partner=partner)
