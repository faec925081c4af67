from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from joinedup.audit.models import AuditEvent
from joinedup.people import selectors
from joinedup.people.models import (
    Absence,
    AbsenceStatus,
    CostSplit,
    Employment,
    EmploymentTerms,
    Person,
    PostHolding,
    TupeTransfer,
)
from joinedup.people.services import (
    PersonDetails,
    absence_decide,
    absence_request,
    bank_change_request,
    bank_change_verify,
    cost_split_set,
    employment_change_terms,
    employment_end,
    employment_start,
    secondment_create,
    sickness_record,
    tupe_transfer,
)
from joinedup.testing.people import AWARD_2025, PeopleTestCase


class TestHiring(PeopleTestCase):
    def test_a_person_employed_by_two_partners_is_one_person(self) -> None:
        assert self.shared_person_council.person_id == self.shared_person_police.person_id
        assert Person.objects.unscoped(reason="test").filter(ni_number="JM112233D").count() == 1

    def test_each_partner_sees_only_its_own_employment_of_a_shared_person(self) -> None:
        person = self.shared_person_council.person
        council_view = list(selectors.employments_of(self.council_hr, person))
        police_view = list(selectors.employments_of(self.police_hr, person))
        assert [e.payroll_number for e in council_view] == ["WCC000002"]
        assert [e.payroll_number for e in police_view] == ["WPOL000002"]

    def test_a_second_hire_with_another_date_of_birth_is_refused_without_revealing_the_person(self) -> None:
        with pytest.raises(ValidationError) as info:
            employment_start(
                actor=self.shared_hr,
                partner=self.fire,
                person=PersonDetails(
                    given_name="Someone",
                    family_name="Else",
                    date_of_birth=date(1990, 1, 1),
                    ni_number="AB123456C",
                ),
                payroll_number="WFRS000001",
                start_date=date(2026, 1, 5),
                terms=self.terms(),
            )
        assert info.value.message_dict == {
            "ni_number": ["This National Insurance number is held by someone else. Check it."]
        }
        assert not Employment.objects.for_partner(self.fire).exists()

    def test_it_reports_every_bad_field_at_once_and_creates_nothing(self) -> None:
        people_before = Person.objects.unscoped(reason="test").count()
        with pytest.raises(ValidationError) as info:
            employment_start(
                actor=self.shared_hr,
                partner=self.council,
                person=PersonDetails(
                    given_name="",
                    family_name="Bad",
                    date_of_birth=date(1990, 1, 1),
                    ni_number="QQ123456C",
                    bank_sort_code="12-34",
                    bank_account_number="1",
                ),
                payroll_number="WCC000001",
                start_date=date(2026, 1, 5),
                terms=self.terms(fte=Decimal("1.5"), tax_code="1257Q"),
            )
        assert set(info.value.message_dict) == {
            "given_name",
            "ni_number",
            "bank_sort_code",
            "bank_account_number",
            "fte",
            "tax_code",
            "payroll_number",
        }
        assert Person.objects.unscoped(reason="test").count() == people_before

    def test_an_hr_officer_cannot_hire_for_another_partner_and_nothing_changes(self) -> None:
        events = AuditEvent.objects.for_partner(self.police).count()
        with pytest.raises(PermissionDenied):
            self.hire_as(self.council_hr, self.police)
        assert Employment.objects.for_partner(self.police).count() == 2
        assert AuditEvent.objects.for_partner(self.police).count() == events

    def hire_as(self, actor: object, partner: object) -> Employment:
        return employment_start(
            actor=actor,
            partner=partner,  # type: ignore[arg-type]
            person=PersonDetails(
                given_name="New", family_name="Starter", date_of_birth=date(1990, 1, 1), ni_number="AA111111A"
            ),
            payroll_number="X1",
            start_date=date(2026, 1, 5),
            terms=self.terms(),
        )

    def test_bank_details_are_encrypted_at_rest_and_masked_in_the_audit_trail(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bank_account_number FROM people_person WHERE ni_number = %s", ["AB123456C"]
            )
            (stored,) = cursor.fetchone()
        assert "12345678" not in stored
        assert self.council_emp.person.bank_account_number == "12345678"
        change = bank_change_request(
            actor=self.council_hr,
            person=self.council_emp.person,
            partner=self.council,
            sort_code="20-00-00",
            account_number="87654321",
        )
        bank_change_verify(actor=self.shared_hr, change=change)
        event = AuditEvent.objects.for_partner(self.council).get(action="person.bank_change_verified")
        assert event.before == {"sort_code": "20-**-**", "bank_account": "****5678", "account_name": ""}
        assert event.after == {
            "sort_code": "20-**-**",
            "bank_account": "****4321",
            "account_name": "",
            "change": change.pk,
            "requested_by": "council.hr",
        }


class TestDatedTerms(PeopleTestCase):
    def test_a_pay_point_change_from_1_april_is_dated_and_the_past_is_reproducible(self) -> None:
        employment_change_terms(
            actor=self.council_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            reason="Annual increment",
            changes={"pay_point": self.scp25},
        )
        before = selectors.terms_as_at(self.council_emp, date(2026, 3, 31))
        after = selectors.terms_as_at(self.council_emp, date(2026, 4, 1))
        assert before is not None and after is not None
        assert (before.pay_point.code, after.pay_point.code) == ("SCP12", "SCP25")
        assert selectors.terms_as_at(self.council_emp, date(2022, 5, 31)) is None  # before the employment

    def test_two_changes_on_one_date_are_refused(self) -> None:
        change = dict(
            actor=self.council_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            reason="Increment",
            changes={"pay_point": self.scp25},
        )
        employment_change_terms(**change)
        with pytest.raises(ValidationError, match="already a change on 1 April 2026"):
            employment_change_terms(**change)

    def test_a_point_from_another_scheme_is_refused(self) -> None:
        from joinedup.testing.people import make_scheme

        other = make_scheme("other")
        with pytest.raises(ValidationError) as info:
            employment_change_terms(
                actor=self.council_hr,
                employment=self.council_emp,
                effective_from=date(2026, 4, 1),
                reason="x",
                changes={"pay_point": other.points.first()},
            )
        assert "pay_point" in info.value.message_dict

    def test_ending_an_employment_ends_its_post_holdings(self) -> None:
        employment_end(
            paid_to=None,  # nothing paid yet
            actor=self.council_hr,
            employment=self.council_emp,
            end_date=date(2026, 8, 31),
            reason="Resigned",
        )
        holding = PostHolding.objects.for_partner(self.council).get(employment=self.council_emp)
        assert holding.end_date == date(2026, 8, 31)


class TestTupeTransfer(PeopleTestCase):
    def transfer(self) -> Employment:
        result = tupe_transfer(
            actor=self.shared_hr,
            from_partner=self.council,
            to_partner=self.shared,
            transfer_date=date(2026, 10, 1),
            reference="TUPE-2026-01",
            employments=[self.council_emp],
        )
        return result.new_employments[0]

    def test_it_keeps_continuous_service_pay_scheme_and_pension(self) -> None:
        old_terms = selectors.terms_as_at(self.council_emp, date(2026, 9, 30))
        new = self.transfer()
        new_terms = selectors.terms_as_at(new, date(2026, 10, 1))
        assert old_terms is not None and new_terms is not None
        assert new.partner_id == self.shared.pk
        assert new.continuous_service_date == date(2022, 6, 1)
        assert new.start_date == date(2026, 10, 1)
        assert (new_terms.scheme_id, new_terms.pay_point_id, new_terms.fte, new_terms.pension_scheme) == (
            old_terms.scheme_id,
            old_terms.pay_point_id,
            old_terms.fte,
            old_terms.pension_scheme,
        )
        assert new_terms.protected is True
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date == date(2026, 9, 30)
        assert new.transferred_from_id == self.council_emp.pk

    def test_it_is_visible_in_history_to_both_partners(self) -> None:
        self.transfer()
        for partner in (self.council, self.shared):
            transfer = TupeTransfer.objects.for_partner(partner).get()
            assert transfer.reference == "TUPE-2026-01"
        actions = set(AuditEvent.objects.for_partner(self.shared).values_list("action", flat=True))
        assert "tupe.transferred_in" in actions

    def test_worsening_protected_terms_needs_an_override_with_a_reason(self) -> None:
        new = self.transfer()
        with pytest.raises(ValidationError) as info:
            employment_change_terms(
                actor=self.shared_hr,
                employment=new,
                effective_from=date(2026, 11, 1),
                reason="Regrade",
                changes={"pay_point": self.scp5},
            )
        assert "protected by a TUPE transfer" in info.value.message_dict["override_reason"][0]
        assert EmploymentTerms.objects.for_partner(self.shared).filter(employment=new).count() == 1
        employment_change_terms(
            actor=self.shared_hr,
            employment=new,
            effective_from=date(2026, 11, 1),
            reason="Regrade",
            changes={"pay_point": self.scp5},
            override_reason="ETO reason agreed with UNISON, 3 Oct 2026",
        )
        event = AuditEvent.objects.for_partner(self.shared).get(action="employment.terms_changed")
        assert event.after["worsens"] == ["pay point"]

    def test_a_better_change_to_protected_terms_needs_no_override(self) -> None:
        new = self.transfer()
        employment_change_terms(
            actor=self.shared_hr,
            employment=new,
            effective_from=date(2026, 11, 1),
            reason="Promotion",
            changes={"pay_point": self.scp25},
        )
        assert selectors.terms_as_at(new, date(2026, 11, 1)).pay_point == self.scp25  # type: ignore[union-attr]

    def test_it_moves_nobody_when_one_employment_cannot_move(self) -> None:
        with pytest.raises(ValidationError, match="not employed by Wessex County Council"):
            tupe_transfer(
                actor=self.shared_hr,
                from_partner=self.council,
                to_partner=self.shared,
                transfer_date=date(2026, 10, 1),
                reference="T2",
                employments=[self.council_emp, self.police_emp],
            )
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None
        assert not Employment.objects.for_partner(self.shared).exists()

    def test_it_needs_hr_rights_at_both_employers(self) -> None:
        with pytest.raises(PermissionDenied):
            tupe_transfer(
                actor=self.council_hr,
                from_partner=self.council,
                to_partner=self.shared,
                transfer_date=date(2026, 10, 1),
                reference="T3",
                employments=[self.council_emp],
            )
        assert not TupeTransfer.objects.for_partner(self.council).exists()


class TestCostSplitsAndSecondments(PeopleTestCase):
    def test_a_shared_chief_executive_splits_50_50_over_a_date_range(self) -> None:
        split = cost_split_set(
            actor=self.council_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=date(2027, 3, 31),
            reason="Joint chief executive",
            shares=[(self.council, Decimal(50)), (self.fire, Decimal(50))],
        )
        shares = {s.charged_partner.code: s.percent for s in split.shares.all()}
        assert shares == {"WCC": Decimal(50), "WFRS": Decimal(50)}

    def test_shares_must_add_up_to_exactly_100(self) -> None:
        with pytest.raises(ValidationError, match=r"add up to 99\.999%"):
            cost_split_set(
                actor=self.council_hr,
                employment=self.council_emp,
                effective_from=date(2026, 4, 1),
                effective_to=None,
                reason="x",
                shares=[(self.council, Decimal("66.666")), (self.fire, Decimal("33.333"))],
            )
        assert not CostSplit.objects.for_partner(self.council).exists()

    def test_overlapping_splits_are_refused(self) -> None:
        args = dict(
            actor=self.council_hr,
            employment=self.council_emp,
            reason="x",
            shares=[(self.council, Decimal(100))],
        )
        cost_split_set(effective_from=date(2026, 4, 1), effective_to=date(2026, 9, 30), **args)
        with pytest.raises(ValidationError, match="covers part of these dates"):
            cost_split_set(effective_from=date(2026, 9, 1), effective_to=None, **args)
        cost_split_set(effective_from=date(2026, 10, 1), effective_to=None, **args)
        assert CostSplit.objects.for_partner(self.council).count() == 2

    def test_the_host_sees_the_secondee_but_not_their_employment(self) -> None:
        secondment_create(
            actor=self.council_hr,
            employment=self.council_emp,
            host_partner=self.police,
            role_title="Interim HR lead",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 10, 31),
        )
        hosted = list(selectors.secondments_for(self.police_hr, partner=self.police))
        assert [s.employment.person.full_name for s in hosted] == ["Ada Lovelace"]
        person = selectors.person_for(self.police_hr, person_id=self.council_emp.person_id)
        assert person.family_name == "Lovelace"
        assert list(selectors.employments_of(self.police_hr, person)) == []


class TestAbsence(PeopleTestCase):
    def make_manager(self) -> None:
        """Makes the council_hr user Ada's line manager through an employment of their own."""
        manager = self.hire(self.council, "Maggie", "Manager", "AA222222B", "WCC000099")
        manager.person.user = self.council_employee
        manager.person.save()
        employment_change_terms(
            actor=self.shared_hr,
            employment=self.council_emp,
            effective_from=date(2026, 1, 1),
            reason="New manager",
            changes={"line_manager": manager},
        )

    def test_leave_entitlement_follows_service_and_fte(self) -> None:
        # 25 days under 5 years' continuous service at 1 April 2026 (started 1 June 2022).
        balance = selectors.leave_balance(self.council_emp, on=date(2026, 7, 1))
        assert (balance.entitlement, balance.remaining) == (Decimal(25), Decimal(25))
        # 0.4 FTE: 25 days * 0.4 = 10 days.
        assert selectors.leave_balance(self.shared_person_police, on=date(2026, 7, 1)).entitlement == Decimal(
            10
        )

    def test_the_line_manager_approves_a_request_and_the_balance_drops(self) -> None:
        self.make_manager()
        absence = absence_request(
            actor=self.council_hr,
            employment=self.council_emp,
            kind="annual_leave",
            start_date=date(2026, 8, 3),
            end_date=date(2026, 8, 14),
        )
        assert absence.working_days == Decimal(10)
        absence_decide(actor=self.council_employee, absence=absence, approve=True)
        absence.refresh_from_db()
        assert absence.status == AbsenceStatus.APPROVED
        assert selectors.leave_balance(self.council_emp, on=date(2026, 8, 1)).remaining == Decimal(15)

    def test_a_request_beyond_the_balance_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="This needs 30 days; 25 remain"):
            absence_request(
                actor=self.council_hr,
                employment=self.council_emp,
                kind="annual_leave",
                start_date=date(2026, 8, 3),
                end_date=date(2026, 9, 11),
            )
        assert not Absence.objects.for_partner(self.council).exists()

    def test_someone_who_is_not_the_manager_or_hr_cannot_decide(self) -> None:
        absence = absence_request(
            actor=self.council_hr,
            employment=self.council_emp,
            kind="annual_leave",
            start_date=date(2026, 8, 3),
            end_date=date(2026, 8, 4),
        )
        with pytest.raises(PermissionDenied):
            absence_decide(actor=self.police_hr, absence=absence, approve=True)
        absence.refresh_from_db()
        assert absence.status == AbsenceStatus.REQUESTED

    def test_sickness_notes_stay_out_of_the_audit_trail(self) -> None:
        sickness_record(
            actor=self.council_hr,
            employment=self.council_emp,
            start_date=date(2026, 3, 2),
            end_date=date(2026, 3, 6),
            notes="Migraine",
            fit_note_from=date(2026, 3, 2),
            fit_note_to=date(2026, 3, 6),
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="absence.sickness_recorded")
        assert "Migraine" not in str(event.after)
        assert event.after["fit_note"] is True


class TestSearch(PeopleTestCase):
    def test_it_finds_people_by_name_prefix_ni_number_payroll_number_and_post(self) -> None:
        def names(q: str, user: object = None) -> list[str]:
            return [h.person.full_name for h in selectors.people_search(user or self.ops_admin, q=q)]

        assert names("love") == ["Ada Lovelace"]
        assert names("ada lov") == ["Ada Lovelace"]
        assert names("CE 65 43 21 A") == ["Grace Hopper"]
        assert names("WPOL000001") == ["Grace Hopper"]
        assert names("finance officer") == ["Grace Hopper"]

    def test_it_searches_only_the_users_partners(self) -> None:
        hits = selectors.people_search(self.council_hr, q="hopper")
        assert hits == []
        (mary,) = selectors.people_search(self.council_hr, q="seacole")
        assert [e.payroll_number for e in mary.employments] == ["WCC000002"]

    def test_the_search_pages_ids_are_people_matching_in_its_order_each_way_and_capped(self) -> None:
        # Issue 18: the search page reads its matches way by way (each walking an index), not
        # with one query that read every person; it must find the same people in the same order.
        for n in range(6):
            self.hire(self.council, f"Al{n}", "Lover", f"LA{n:06d}B", f"WCC8{n:05d}", start=date(2023, 1, 1))
        for q in (
            "lov",
            "ada lov",
            "CE 65 43 21 A",
            "WPOL000001",
            "wcc000002",
            "finance officer",
            "officer",
            "zz",
        ):
            for user in (self.ops_admin, self.council_hr):
                with self.subTest(q=q, user=user.username):
                    every = list(selectors.people_matching(user, q=q).values_list("pk", flat=True))
                    assert selectors.people_matching_ids(user, q=q) == every
                    assert selectors.people_matching_ids(user, q=q, cap=3) == every[:4]
        found = selectors.people_matching_ids(self.council_hr, q="lov")
        people = selectors.people_in_order(self.council_hr, found)
        assert [p.full_name for p in people] == ["Ada Lovelace", *[f"Al{n} Lover" for n in range(6)]]
        assert selectors.people_in_order(self.council_hr, [self.police_emp.person_id]) == []

    def test_the_pay_award_applies_from_its_date(self) -> None:
        from joinedup.people.rules import pay_rate_on

        assert pay_rate_on(self.scp5, AWARD_2025.replace(day=1, month=3)) == Decimal("25183.00")
        assert pay_rate_on(self.scp5, AWARD_2025) == Decimal("25989.00")

    def test_an_employee_sees_their_own_record_and_no_one_elses(self) -> None:
        person = self.council_emp.person
        person.user = self.council_employee
        person.save()
        assert selectors.person_for(self.council_employee, person_id=person.pk) == person
        from django.http import Http404

        with pytest.raises(Http404):
            selectors.person_for(self.council_employee, person_id=self.police_emp.person_id)
