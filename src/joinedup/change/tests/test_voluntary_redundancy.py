"""Voluntary redundancy (issue 12): a window in which an employer's staff express interest, the
employee's own indicative quote, and HR's decision on it (four eyes: never one's own).

Ada Byron (council, HR adviser, a post in the programme's scope) was born on 14 March 1985 and
has continuous service from 1 June 2022 on NJC SCP12, £28,598 a year full time from 1 April 2025.
Leaving on 31 August 2026 she has 4 whole years, each at 1 week (ERA 1996 s.162(2)(b): the years
from her 37th to her 41st birthday are in the 22-40 band), and a contractual week's pay of
£28,598 / 52 = £549.96 (nearest penny).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.change import selectors, services
from joinedup.change.models import VrEligibility, VrInterest, VrStatus, VrWindow
from joinedup.change.tests.base import ChangeTestCase
from joinedup.partnership.models import Role

OPENS, CLOSES, TODAY = date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 10)
LEAVING = date(2026, 8, 31)


class VrTestCase(ChangeTestCase):
    window: VrWindow
    bob_user: Any
    cara_user: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bob_user = cls.make_user("bob.hale", [(cls.council, Role.EMPLOYEE)])
        # Cara manages change at the council and is an employee there too.
        cls.cara_user = cls.make_user("cara.jones", [(cls.council, Role.HR_OFFICER)])
        for employment, user in (
            (cls.ada, cls.council_employee),
            (cls.bob, cls.bob_user),
            (cls.cara, cls.cara_user),
        ):
            employment.person.user = user
            employment.person.save()
        # The council's scheme of delegation: its Head of HR accepts exits costing up to £50,000.
        services.vr_delegation_set(
            actor=cls.ops_admin,
            partner=cls.council,
            user=cls.council_hr,
            title="Head of HR",
            up_to=Decimal("50000.00"),
            source="Council constitution, Part 3 para 7.4",
        )
        cls.window = services.vr_window_open(
            actor=cls.council_hr,
            programme=cls.programme,
            partner=cls.council,
            opens=OPENS,
            closes=CLOSES,
            eligibility=VrEligibility.SCOPE,
            scheme="wcc-2026",
        )

    def submit(self, employment: Any, user: Any, today: date = TODAY) -> VrInterest:
        return services.vr_interest_submit(
            actor=user, window=self.window, employment=employment, leaving_date=LEAVING, today=today
        )


class TestExpressingInterest(VrTestCase):
    def test_an_employee_in_scope_expresses_interest_while_the_window_is_open(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        assert interest.status == VrStatus.SUBMITTED
        assert interest.partner_id == self.council.pk
        assert (
            AuditEvent.objects.for_partner(self.council).filter(action="change.vr_interest_submitted").count()
            == 1
        )
        assert [w.window.pk for w in selectors.open_vr_windows(self.council_employee, today=TODAY)] == [
            self.window.pk
        ]

    def test_it_refuses_interest_outside_the_window_and_records_nothing(self) -> None:
        for day in (date(2026, 5, 31), date(2026, 7, 1)):
            with pytest.raises(ValidationError) as refused:
                self.submit(self.ada, self.council_employee, today=day)
            assert refused.value.messages == [
                "The window is open from 1 June 2026 to 30 June 2026; interest cannot be expressed today."
            ]
        assert VrInterest.objects.for_partner(self.council).count() == 0
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="change.vr_interest_submitted")
            .exists()
        )

    def test_it_refuses_someone_outside_the_programmes_scope(self) -> None:
        self.council_emp.person.user = self.make_user("ada.lovelace", [(self.council, Role.EMPLOYEE)])
        self.council_emp.person.save()
        with pytest.raises(ValidationError, match=re.escape("This window does not include your employment.")):
            self.submit(self.council_emp, self.council_emp.person.user)
        assert VrInterest.objects.for_partner(self.council).count() == 0

    def test_only_the_employee_expresses_their_own_interest(self) -> None:
        with pytest.raises(PermissionDenied):
            self.submit(self.ada, self.council_hr)
        assert VrInterest.objects.for_partner(self.council).count() == 0

    def test_one_live_interest_a_window_until_it_is_withdrawn(self) -> None:
        first = self.submit(self.ada, self.council_employee)
        with pytest.raises(
            ValidationError, match=re.escape("You have already expressed interest in this window.")
        ):
            self.submit(self.ada, self.council_employee)
        services.vr_interest_withdraw(actor=self.council_employee, interest=first)
        again = self.submit(self.ada, self.council_employee)
        assert [i.status for i in selectors.own_vr_interests(self.council_employee)] == [
            VrStatus.SUBMITTED,
            VrStatus.WITHDRAWN,
        ]
        assert again.pk != first.pk


class TestTheQuote(VrTestCase):
    def test_the_quote_is_statutory_weeks_on_actual_pay_under_the_councils_scheme(self) -> None:
        quote = selectors.vr_quote_for(
            self.council_employee, interest=self.submit(self.ada, self.council_employee), today=TODAY
        )
        assert quote.request.weekly_pay == Decimal("549.96")
        assert quote.statutory.years_counted == 4
        assert quote.statutory.weeks == Decimal(4)
        assert quote.statutory.amount == Decimal("2199.84")  # 4 x £549.96
        # wcc-2026: statutory weeks x 1.5 on actual pay (enhanced_schemes.toml)
        assert quote.redundancy_payment == Decimal("3299.76")  # 6 x £549.96
        assert quote.strain is None

    def test_an_employee_sees_only_their_own_quote(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        bob = self.submit(self.bob, self.bob_user)
        assert selectors.vr_quote_for(self.bob_user, interest=bob, today=TODAY).request.weekly_pay == Decimal(
            "549.96"
        )
        with pytest.raises(Http404):
            selectors.vr_quote_for(self.bob_user, interest=ada, today=TODAY)
        with pytest.raises(Http404):
            selectors.vr_interest_for(self.bob_user, interest_id=ada.pk)
        assert [i.pk for i in selectors.own_vr_interests(self.bob_user)] == [bob.pk]

    def test_hr_of_the_employer_sees_every_quote_and_another_partners_hr_gets_404(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        assert selectors.vr_quote_for(
            self.council_hr, interest=ada, today=TODAY
        ).redundancy_payment == Decimal("3299.76")
        assert [i.pk for i in selectors.vr_interests_of(self.council_hr, window=self.window)] == [ada.pk]
        for outsider in (self.police_hr, self.fire_hr):
            with pytest.raises(Http404):
                selectors.vr_quote_for(outsider, interest=ada, today=TODAY)
            with pytest.raises(Http404):
                selectors.vr_interest_for(outsider, interest_id=ada.pk)
            with pytest.raises(Http404):
                selectors.vr_window_for(outsider, window_id=self.window.pk)


class TestDeciding(VrTestCase):
    def test_hr_accepts_with_a_reason_and_it_can_no_longer_be_withdrawn(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        services.vr_interest_decide(
            actor=self.council_hr, interest=interest, decision=VrStatus.ACCEPTED, reason="Post deleted."
        )
        interest.refresh_from_db()
        assert (interest.status, interest.reason, interest.decided_by) == (
            VrStatus.ACCEPTED,
            "Post deleted.",
            self.council_hr,
        )
        with pytest.raises(
            ValidationError,
            match=re.escape("The expression of interest is accepted; it cannot be withdrawn."),
        ):
            services.vr_interest_withdraw(actor=self.council_employee, interest=interest)

    def test_it_refuses_deciding_ones_own_interest_and_changes_nothing(self) -> None:
        interest = self.submit(self.cara, self.cara_user)
        with pytest.raises(
            PermissionDenied, match=re.escape("You cannot decide your own expression of interest.")
        ):
            services.vr_interest_decide(
                actor=self.cara_user, interest=interest, decision=VrStatus.ACCEPTED, reason="Fine by me."
            )
        interest.refresh_from_db()
        assert (interest.status, interest.decided_by) == (VrStatus.SUBMITTED, None)
        assert (
            not AuditEvent.objects.for_partner(self.council)
            .filter(action="change.vr_interest_decided")
            .exists()
        )

    def test_another_partners_hr_cannot_decide_and_changes_nothing(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        with pytest.raises(PermissionDenied):
            services.vr_interest_decide(
                actor=self.police_hr, interest=interest, decision=VrStatus.DECLINED, reason="No."
            )
        interest.refresh_from_db()
        assert interest.status == VrStatus.SUBMITTED

    def test_a_decision_needs_a_reason(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        with pytest.raises(ValidationError) as refused:
            services.vr_interest_decide(
                actor=self.council_hr, interest=interest, decision="deferred", reason=" "
            )
        assert refused.value.message_dict == {"reason": ["Give the reason for the decision."]}


class TestOpeningAWindow(VrTestCase):
    def test_it_refuses_another_partners_hr_and_an_unknown_scheme(self) -> None:
        with pytest.raises(PermissionDenied):
            services.vr_window_open(
                actor=self.police_hr,
                programme=self.programme,
                partner=self.council,
                opens=OPENS,
                closes=CLOSES,
                eligibility=VrEligibility.PARTNER,
            )
        with pytest.raises(ValidationError) as refused:
            services.vr_window_open(
                actor=self.council_hr,
                programme=self.programme,
                partner=self.council,
                opens=CLOSES,
                closes=OPENS,
                eligibility=VrEligibility.PARTNER,
                scheme="nonesuch",
            )
        assert sorted(refused.value.message_dict) == ["closes", "scheme"]
        assert VrWindow.objects.for_partner(self.council).count() == 1


class TestPages(ChangeTestCase):
    """The pages run on today's date: a window open around it."""

    def test_an_employee_expresses_interest_and_hr_accepts_it_from_the_pages(self) -> None:
        today = timezone.localdate()
        services.vr_delegation_set(
            actor=self.ops_admin,
            partner=self.council,
            user=self.council_hr,
            title="Head of HR",
            up_to=None,
            source="Council constitution, Part 3 para 7.4",
        )
        self.ada.person.user = self.council_employee
        self.ada.person.save()
        window = services.vr_window_open(
            actor=self.council_hr,
            programme=self.programme,
            partner=self.council,
            opens=today - timedelta(days=1),
            closes=today + timedelta(days=10),
            eligibility=VrEligibility.PARTNER,
        )
        me = self.signed_in(self.council_employee)
        assert "Express interest" in me.get("/me/voluntary-redundancy").content.decode()
        leaving = today + timedelta(days=60)
        sent = me.post(
            "/me/voluntary-redundancy",
            {"window": window.pk, "employment": self.ada.pk, "leaving_date": leaving.isoformat()},
        )
        assert sent.status_code == 302
        interest = VrInterest.objects.for_partner(self.council).get(window=window)
        assert "Withdraw" in me.get("/me/voluntary-redundancy").content.decode()
        hr = self.signed_in(self.council_hr)
        assert "Ada Byron" in hr.get(f"/change/vr-windows/{window.pk}/").content.decode()
        decided = hr.post(
            f"/change/vr-interests/{interest.pk}/decide", {"decision": "accepted", "reason": "Post deleted."}
        )
        assert decided.status_code == 302
        interest.refresh_from_db()
        assert interest.status == VrStatus.ACCEPTED
        for outsider in (self.police_hr, self.fire_hr):
            client = self.signed_in(outsider)
            assert client.get(f"/change/vr-windows/{window.pk}/").status_code == 404
            assert (
                client.post(
                    f"/change/vr-interests/{interest.pk}/decide", {"decision": "declined", "reason": "No."}
                ).status_code
                == 404
            )
        interest.refresh_from_db()
        assert interest.status == VrStatus.ACCEPTED


class TestTheApi(VrTestCase):
    def test_the_employee_reads_their_quote_and_hr_decides_over_json(self) -> None:
        ada = self.submit(self.ada, self.council_employee)
        quote = self.api(self.council_employee).get(f"/api/v1/change/vr-interests/{ada.pk}/quote").json()
        assert (quote["statutory_pay"], quote["redundancy_payment"]) == ("2199.84", "3299.76")
        assert self.api(self.bob_user).get(f"/api/v1/change/vr-interests/{ada.pk}/quote").status_code == 404
        interests = f"/api/v1/change/vr-windows/{self.window.pk}/interests"
        assert self.api(self.police_hr).get(interests).status_code == 404
        listed = self.api(self.council_hr).get(interests).json()
        assert [row["payroll_number"] for row in listed] == ["WCC100002"]
        decided = self.api(self.council_hr).post(
            f"/api/v1/change/vr-interests/{ada.pk}/decide",
            {"decision": "declined", "reason": "The post is needed."},
            content_type="application/json",
        )
        assert (decided.json()["status"], decided.json()["reason"]) == ("declined", "The post is needed.")
