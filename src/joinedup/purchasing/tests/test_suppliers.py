"""The supplier register: each partner's own standing and notes, and bank details that change
only when a second person verifies them by calling back a number already held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.purchasing import selectors, services
from joinedup.purchasing.models import (
    BankChangeStatus,
    BankDetailChange,
    Supplier,
    SupplierBankDetails,
    SupplierKind,
    SupplierPartner,
    SupplierStatus,
)
from joinedup.purchasing.tests.base import PurchasingTestCase
from joinedup.testing.base import FIXTURES


class TestTheRegister(PurchasingTestCase):
    def test_it_registers_a_supplier_approved_for_the_partner_that_added_it_only(self) -> None:
        assert self.supplier.companies_house_number == "01234567"
        assert self.supplier.vat_number == "GB123456789"
        assert (
            SupplierPartner.objects.for_partner(self.council).get(supplier=self.supplier).status == "approved"
        )
        assert not SupplierPartner.objects.for_partner(self.police).filter(supplier=self.supplier).exists()
        event = AuditEvent.objects.for_partner(self.council).get(action="supplier.created")
        assert event.after["name"] == "Wessex Office Supplies Ltd"

    def test_it_refuses_a_malformed_company_and_vat_number_together(self) -> None:
        with pytest.raises(ValidationError) as caught:
            services.supplier_create(
                actor=self.council_buyer,
                partner=self.council,
                name="Bad Numbers Ltd",
                companies_house_number="XY12",
                vat_number="GB12",
            )
        assert caught.value.message_dict == {
            "companies_house_number": [
                "Enter the company number as Companies House gives it, like 01234567 or SC123456"
            ],
            "vat_number": ["Enter the VAT number as GB followed by 9 digits, like GB123456789"],
        }

    def test_it_records_a_sole_trader_and_refuses_a_kind_it_does_not_know(self) -> None:
        assert self.supplier.kind == SupplierKind.COMPANY
        sole = services.supplier_create(
            actor=self.council_buyer, partner=self.council, name="Jane Porter", kind="sole_trader"
        )
        assert Supplier.objects.get(pk=sole.pk).kind == SupplierKind.SOLE_TRADER
        event = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="supplier.created")
            .order_by("id")
            .last()
        )
        assert event is not None and event.after["kind"] == "sole_trader"
        count = Supplier.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.supplier_create(
                actor=self.council_buyer, partner=self.council, name="X", kind="freelancer"
            )
        assert caught.value.message_dict == {
            "kind": ["Choose one of: company, partnership, sole_trader, public_body, charity."]
        }
        assert Supplier.objects.count() == count

    def test_it_refuses_a_second_supplier_with_the_same_company_number(self) -> None:
        with pytest.raises(ValidationError, match="already registered"):
            services.supplier_create(
                actor=self.police_buyer, partner=self.police, name="Same Co", companies_house_number="1234567"
            )

    def test_each_partner_keeps_its_own_status_and_private_notes(self) -> None:
        services.supplier_status_set(
            actor=self.police_buyer,
            partner=self.police,
            supplier=self.supplier,
            status=SupplierStatus.ON_HOLD,
            notes="Late deliveries to HQ twice in May.",
        )
        council = selectors.standing_of(self.council_buyer, partner=self.council, supplier=self.supplier)
        police = selectors.standing_of(self.police_buyer, partner=self.police, supplier=self.supplier)
        assert council is not None and (council.status, council.notes) == ("approved", "")
        assert police is not None and (police.status, police.notes) == (
            "on_hold",
            "Late deliveries to HQ twice in May.",
        )
        event = AuditEvent.objects.for_partner(self.police).get(action="supplier.status_set")
        assert event.after == {"status": "on_hold", "payment_terms_days": 30, "notes_changed": True}

    def test_a_partners_notes_are_not_readable_by_another_partners_staff(self) -> None:
        services.supplier_status_set(
            actor=self.police_buyer,
            partner=self.police,
            supplier=self.supplier,
            status="blocked",
            notes="Fraud alert",
        )
        with pytest.raises(PermissionDenied):
            selectors.standing_of(self.council_buyer, partner=self.police, supplier=self.supplier)

    def test_a_viewer_cannot_change_a_status_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            services.supplier_status_set(
                actor=self.council_viewer, partner=self.council, supplier=self.supplier, status="blocked"
            )
        assert (
            SupplierPartner.objects.for_partner(self.council).get(supplier=self.supplier).status == "approved"
        )
        assert not AuditEvent.objects.for_partner(self.council).filter(action="supplier.status_set").exists()


class TestBankDetailChanges(PurchasingTestCase):
    def enter(self, by: object = None) -> BankDetailChange:
        return services.bank_change_enter(
            actor=by or self.council_buyer,
            partner=self.council,
            supplier=self.supplier,
            sort_code="30-94-57",
            account_number="12345678",
            account_name="WESSEX OFFICE SUPPLIES LTD",
            notified_by="Letter on headed paper of 2 June 2026",
        )

    def test_entered_details_are_not_current_until_verified(self) -> None:
        change = self.enter()
        assert change.status == BankChangeStatus.PENDING
        assert selectors.current_bank_details(self.supplier) is None
        event = AuditEvent.objects.for_partner(self.council).get(action="supplier.bank_change_entered")
        # The trail keeps enough to recognise the details, never enough to use them.
        assert event.after["sort_code"] == "30-**-**"
        assert event.after["bank_account"] == "****5678"

    def test_they_are_encrypted_at_rest(self) -> None:
        from django.db import connection

        change = self.enter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT account_number FROM purchasing_bankdetailchange WHERE id = %s", [change.pk]
            )
            (stored,) = cursor.fetchone()
        assert "12345678" not in stored and stored.startswith("g1.")

    def test_a_second_person_verifies_by_calling_back_a_number_held_before(self) -> None:
        change = self.enter()
        details = services.bank_change_verify(
            actor=self.council_buyer2,
            partner=self.council,
            change=change,
            contact=self.contact,
            called_number="01962000111",
        )
        change.refresh_from_db()
        assert (change.status, change.decided_by, change.method, change.called_number) == (
            "verified",
            self.council_buyer2,
            "call_back",
            "01962 000111",
        )
        assert selectors.current_bank_details(self.supplier) == details
        assert (details.sort_code, details.account_number) == ("309457", "12345678")
        event = AuditEvent.objects.for_partner(self.council).get(action="supplier.bank_change_verified")
        assert event.after["entered_by"] == "council.buyer"
        assert event.after["called"] == "Ada Ledger"

    def test_the_person_who_entered_it_cannot_verify_it(self) -> None:
        change = self.enter()
        with pytest.raises(PermissionDenied, match="not the person who entered it"):
            services.bank_change_verify(
                actor=self.council_buyer,
                partner=self.council,
                change=change,
                contact=self.contact,
                called_number="01962 000111",
            )
        change.refresh_from_db()
        assert change.status == "pending"
        assert not SupplierBankDetails.objects.exists()

    def test_the_database_refuses_the_same_person_as_both(self) -> None:
        change = self.enter()
        with pytest.raises(IntegrityError), transaction.atomic():
            BankDetailChange.objects.filter(pk=change.pk).update(decided_by=self.council_buyer)

    def test_the_system_cannot_be_the_second_person(self) -> None:
        change = self.enter()
        with pytest.raises(PermissionDenied, match="the system cannot be the second person"):
            services.bank_change_verify(
                actor=FIXTURES,
                partner=self.council,
                change=change,
                contact=self.contact,
                called_number="01962000111",
            )

    def test_a_number_recorded_after_the_change_will_not_do(self) -> None:
        change = self.enter()
        fraudster = services.supplier_contact_add(
            actor=self.council_buyer,
            partner=self.council,
            supplier=self.supplier,
            name="New contact",
            phone="07700 900123",
        )
        with pytest.raises(ValidationError) as caught:
            services.bank_change_verify(
                actor=self.council_buyer2,
                partner=self.council,
                change=change,
                contact=fraudster,
                called_number="07700 900123",
            )
        assert caught.value.message_dict == {
            "contact": [
                "This number was recorded after the change was entered: call back a number held before it."
            ]
        }
        assert selectors.current_bank_details(self.supplier) is None

    def test_the_number_called_must_be_the_one_held(self) -> None:
        change = self.enter()
        with pytest.raises(ValidationError, match="not the number held"):
            services.bank_change_verify(
                actor=self.council_buyer2,
                partner=self.council,
                change=change,
                contact=self.contact,
                called_number="0800 123 4567",
            )

    def test_verifying_a_second_change_ends_the_first_details(self) -> None:
        first = services.bank_change_verify(
            actor=self.council_buyer2,
            partner=self.council,
            change=self.enter(),
            contact=self.contact,
            called_number="01962000111",
        )
        # The contact's number was held before the second change too.
        self.contact.phone_since = timezone.now() - timedelta(days=1)
        self.contact.save()
        second_change = services.bank_change_enter(
            actor=self.council_buyer2,
            partner=self.council,
            supplier=self.supplier,
            sort_code="200000",
            account_number="55779911",
            account_name="WESSEX OFFICE SUPPLIES LTD",
            notified_by="Email from accounts, 10 June",
        )
        second = services.bank_change_verify(
            actor=self.council_buyer,
            partner=self.council,
            change=second_change,
            contact=self.contact,
            called_number="01962000111",
        )
        first.refresh_from_db()
        assert first.current_until is not None
        assert selectors.current_bank_details(self.supplier) == second

    def test_a_verifier_from_another_partner_may_verify_with_their_own_permission(self) -> None:
        change = self.enter()
        services.bank_change_verify(
            actor=self.police_buyer,
            partner=self.police,
            change=change,
            contact=self.contact,
            called_number="01962000111",
        )
        assert (
            AuditEvent.objects.for_partner(self.police).filter(action="supplier.bank_change_verified").count()
            == 1
        )

    def test_a_manager_cannot_verify_and_nothing_changes(self) -> None:
        change = self.enter()
        with pytest.raises(PermissionDenied):
            services.bank_change_verify(
                actor=self.council_manager,
                partner=self.council,
                change=change,
                contact=self.contact,
                called_number="01962000111",
            )
        change.refresh_from_db()
        assert change.status == "pending"
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="supplier.bank_change_verified")
            .exists()
        )

    def test_rejecting_keeps_the_details_held(self) -> None:
        change = services.bank_change_reject(
            actor=self.council_buyer2,
            partner=self.council,
            change=self.enter(),
            note="Supplier knew nothing of it",
        )
        assert change.status == "rejected"
        assert selectors.current_bank_details(self.supplier) is None

    def test_one_change_waits_at_a_time(self) -> None:
        self.enter()
        with pytest.raises(ValidationError, match="already waiting"):
            self.enter(by=self.council_buyer2)

    def test_a_change_is_read_only_by_purchasing_staff(self) -> None:
        change = self.enter()
        assert selectors.bank_change_for(self.police_buyer, bank_change_id=change.pk) == change
        with pytest.raises(PermissionDenied):
            selectors.bank_change_for(self.council_hr, bank_change_id=change.pk)
        with pytest.raises(Http404):
            selectors.bank_change_for(self.police_buyer, bank_change_id=change.pk + 1000)
