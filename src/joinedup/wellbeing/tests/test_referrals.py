"""Referrals: by the line manager or HR with the employee's dated consent, or by the employee."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.wellbeing import cases
from joinedup.wellbeing.models import Referral
from joinedup.wellbeing.tests.casebase import CaseTestCase


def all_referrals(test: CaseTestCase) -> int:
    return Referral.objects.for_partners([test.council, test.police, test.fire, test.shared]).count()


class TestReferring(CaseTestCase):
    def test_a_line_manager_refers_a_member_of_their_team_with_dated_consent(self) -> None:
        referral = self.referral(see_first=True)
        assert (referral.partner, referral.employment, referral.source, referral.status) == (
            self.council,
            self.council_emp,
            "manager",
            "sent",
        )
        assert (referral.consent_given, referral.consent_date, referral.see_report_first) == (
            True,
            date(2026, 2, 2),
            True,
        )
        assert self.audit_actions(self.council) == ["wellbeing.referral_created", "wellbeing.referral_sent"]

    def test_an_hr_officer_of_the_partner_refers_anyone_it_employs(self) -> None:
        referral = self.referral(by=self.council_hr)
        assert (referral.source, referral.referred_by) == ("hr", self.council_hr)

    def test_the_partner_is_the_employments_so_mary_is_referred_at_the_constabulary(self) -> None:
        referral = self.referral(by=self.police_hr, employment=self.shared_person_police)
        assert referral.partner == self.police

    def test_a_manager_may_not_refer_someone_outside_their_team(self) -> None:
        with pytest.raises(PermissionDenied, match="A manager may refer only a member of their own team"):
            self.referral(by=self.other_manager)
        assert all_referrals(self) == 0

    def test_hr_of_another_partner_may_not_refer(self) -> None:
        with pytest.raises(PermissionDenied):
            self.referral(by=self.police_hr)
        assert all_referrals(self) == 0

    def test_no_one_else_refers(self) -> None:
        for user in (self.ops_admin, self.finance, self.union_rep, self.shared_dpo, self.council_employee):
            with pytest.raises(PermissionDenied):
                self.referral(by=user)
        assert all_referrals(self) == 0

    def test_a_referral_without_consent_cannot_be_sent_and_says_so(self) -> None:
        draft = cases.referral_create(
            actor=self.manager, employment=self.council_emp, reason="Frequent absence.", consent_date=None
        )
        with pytest.raises(ValidationError) as caught:
            cases.referral_send(actor=self.manager, referral=draft)
        assert caught.value.message_dict == {
            "consent_date": [
                "The employee has not given informed consent to this referral, so it cannot be sent: "
                "record their consent and its date first."
            ]
        }
        draft.refresh_from_db()
        assert (draft.status, draft.sent_at) == ("draft", None)

    def test_the_database_refuses_a_sent_referral_without_consent(self) -> None:
        draft = cases.referral_create(actor=self.manager, employment=self.council_emp, reason="Absence.")
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.for_partner(self.council).filter(pk=draft.pk).update(status="sent")

    def test_consent_recorded_later_lets_it_go(self) -> None:
        draft = cases.referral_create(actor=self.manager, employment=self.council_emp, reason="Absence.")
        cases.referral_record_consent(
            actor=self.manager, referral=draft, consent_date=date(2026, 2, 3), see_report_first=True
        )
        sent = cases.referral_send(actor=self.manager, referral=draft)
        assert (sent.status, sent.consent_date, sent.see_report_first) == ("sent", date(2026, 2, 3), True)

    def test_consent_cannot_be_dated_in_the_future(self) -> None:
        with pytest.raises(ValidationError) as caught:
            cases.referral_create(
                actor=self.manager,
                employment=self.council_emp,
                reason="Absence.",
                consent_date=timezone.localdate() + timedelta(days=1),
            )
        assert caught.value.message_dict == {"consent_date": ["The date of consent cannot be in the future."]}

    def test_only_the_referrer_sends_it(self) -> None:
        draft = cases.referral_create(
            actor=self.manager, employment=self.council_emp, reason="Absence.", consent_date=date(2026, 2, 2)
        )
        with pytest.raises(PermissionDenied, match=r"^Only the person who made this referral may send it\.$"):
            cases.referral_send(actor=self.council_hr, referral=draft)
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_the_employee_withdraws_a_referral_before_a_case_is_opened(self) -> None:
        referral = cases.referral_withdraw(actor=self.ada, referral=self.referral())
        assert referral.status == "withdrawn"

    def test_a_referral_with_a_case_is_not_withdrawn(self) -> None:
        case = self.opened()
        with pytest.raises(ValidationError) as caught:
            cases.referral_withdraw(actor=self.manager, referral=case.referral)
        assert caught.value.message_dict == {
            "status": ["Only a referral that no case has been opened from may be withdrawn."]
        }


class TestSelfReferral(CaseTestCase):
    def test_an_employee_refers_themselves_with_consent_dated_today(self) -> None:
        referral = cases.self_refer(
            actor=self.ada, reason="I would like advice on my back.", see_report_first=True
        )
        assert (referral.source, referral.status, referral.employment, referral.consent_date) == (
            "self",
            "sent",
            self.council_emp,
            timezone.localdate(),
        )

    def test_an_employee_of_several_partners_chooses_one(self) -> None:
        with pytest.raises(ValidationError) as caught:
            cases.self_refer(actor=self.mary, reason="Advice on night shifts.")
        assert caught.value.message_dict == {
            "partner": ["You work for several partners: choose the one this referral is for."]
        }
        referral = cases.self_refer(actor=self.mary, reason="Advice on night shifts.", partner=self.police)
        assert (referral.partner, referral.employment) == (self.police, self.shared_person_police)

    def test_a_partner_they_do_not_work_for_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            cases.self_refer(actor=self.ada, reason="Advice.", partner=self.police)
        assert caught.value.message_dict == {
            "partner": ["You have no current employment with Wessex Constabulary."]
        }
        assert all_referrals(self) == 0

    def test_a_manager_refers_themselves_by_self_referral(self) -> None:
        managing = self.hire(self.council, "Self", "Referrer", "AB999999C", "WCC000777")
        self.link(managing, self.council_hr)
        with pytest.raises(ValidationError) as caught:
            self.referral(by=self.council_hr, employment=managing)
        assert caught.value.message_dict == {"employment": ["Refer yourself with a self-referral."]}
