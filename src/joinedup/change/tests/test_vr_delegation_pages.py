"""The partner's scheme of delegation for voluntary redundancy, on its page and in the API
(issue 12: decisions "with reasons and an approver per partner's scheme of delegation"): read by
those who manage the partner's change or members, set and ended by its member administrators
only, audited; another partner's delegation answers 404 and nothing changes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import services
from joinedup.change.models import VrDelegation, VrStatus
from joinedup.change.tests.test_voluntary_redundancy import TODAY, VrTestCase
from joinedup.partnership.models import Role
from joinedup.testing.second_factor import sign_in

URL = "/change/vr-delegations/"


class DelegationTestCase(VrTestCase):
    police_row: VrDelegation
    council_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_row = services.vr_delegation_set(
            actor=cls.ops_admin,
            partner=cls.police,
            user=cls.police_hr,
            title="Director of People",
            up_to=Decimal("80000.00"),
            source="Force scheme of delegation, para 12",
        )
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])

    def web(self, user: Any, partner: Any = None) -> Client:
        client = sign_in(Client(), user)
        client.post("/partner", {"partner": (partner or self.council).pk})
        return client

    def council_rows(self) -> list[tuple[str, str, Decimal | None]]:
        rows = VrDelegation.objects.for_partner(self.council).select_related("user").order_by("title")
        return [(r.user.get_username(), r.title, r.up_to) for r in rows]

    def events(self, partner: Any) -> int:
        return AuditEvent.objects.for_partner(partner).count()


class TestTheDelegationsPage(DelegationTestCase):
    def test_hr_reads_the_partners_delegations_without_the_forms(self) -> None:
        page = self.web(self.council_hr).get(URL).content.decode()
        assert "Head of HR" in page and "£50,000.00" in page
        assert "Director of People" not in page  # the constabulary's
        assert 'data-testid="set-delegation"' not in page and "End<span" not in page

    def test_the_delegations_sort_in_the_browser_with_no_limit_above_every_limit(self) -> None:
        page = self.web(self.council_hr).get(URL).content.decode()
        table = page.split('data-testid="vr-delegations"')[1].split("</table>")[0]
        assert 'data-module="moj-sortable-table"' in table and table.count('aria-sort="none"') == 5
        limits = re.findall(r'--numeric" data-sort-value="([^"]+)">([^<]+)<', table)
        assert ("50000.00", "£50,000.00") in limits
        assert all(value == "999999999999" for value, shown in limits if shown == "No limit")

    def test_a_member_administrator_names_an_officer_with_a_limit(self) -> None:
        client = self.web(self.council_admin)
        data = {
            "user": self.cara_user.pk,
            "title": "Deputy Head of HR",
            "up_to": "10000",
            "source": "para 7.3",
        }
        response = client.post(URL, data)
        assert (response.status_code, response["Location"]) == (302, URL)
        assert self.council_rows() == [
            ("cara.jones", "Deputy Head of HR", Decimal("10000.00")),
            ("council.hr", "Head of HR", Decimal("50000.00")),
        ]
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.vr_delegation_set")
        assert event.order_by("-seq")[0].after == {
            "user": "cara.jones",
            "title": "Deputy Head of HR",
            "up_to": "10000.00",
            "source": "para 7.3",
        }

    def test_an_empty_limit_is_no_limit(self) -> None:
        data = {"user": self.cara_user.pk, "title": "Chief Executive", "up_to": "", "source": "para 7.5"}
        self.web(self.council_admin).post(URL, data)
        assert ("cara.jones", "Chief Executive", None) in self.council_rows()

    def test_the_form_says_what_is_missing_and_changes_nothing(self) -> None:
        events = self.events(self.council)
        data = {"user": self.bob_user.pk, "title": "", "up_to": "-1", "source": ""}
        page = self.web(self.council_admin).post(URL, data).content.decode()
        assert "There is a problem" in page
        assert "Choose the officer from the list." in page  # an employee manages no change
        assert "Enter the post delegated to." in page
        assert "The limit must be 0 or more." in page
        assert "Enter the paragraph of the scheme of delegation." in page
        assert self.council_rows() == [("council.hr", "Head of HR", Decimal("50000.00"))]
        assert self.events(self.council) == events

    def test_hr_may_not_set_a_delegation_and_nothing_changes(self) -> None:
        events = self.events(self.council)
        data = {"user": self.council_hr.pk, "title": "Head of HR", "up_to": "", "source": "self-granted"}
        assert self.web(self.council_hr).post(URL, data).status_code == 403
        assert self.council_rows() == [("council.hr", "Head of HR", Decimal("50000.00"))]
        assert self.events(self.council) == events

    def test_a_user_with_neither_role_is_refused_the_page(self) -> None:
        assert self.web(self.council_employee).get(URL).status_code == 403
        assert self.web(self.union_rep).get(URL).status_code == 403


class TestEndingADelegation(DelegationTestCase):
    def row(self) -> VrDelegation:
        return VrDelegation.objects.for_partner(self.council).get(user=self.council_hr)

    def test_a_member_administrator_ends_one_and_the_officer_may_no_longer_accept(self) -> None:
        interest = self.submit(self.ada, self.council_employee)
        row = self.row()
        response = self.web(self.council_admin).post(f"/change/vr-delegations/{row.pk}/end")
        assert (response.status_code, response["Location"]) == (302, URL)
        assert self.council_rows() == []
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.vr_delegation_ended").get()
        assert (event.object_id, event.before) == (
            str(row.pk),
            {"user": "council.hr", "title": "Head of HR", "up_to": "50000.00", "source": row.source},
        )
        with pytest.raises(PermissionDenied, match="Your scheme of delegation does not let you accept"):
            services.vr_interest_decide(
                actor=self.council_hr, interest=interest, decision=VrStatus.ACCEPTED, reason="x", today=TODAY
            )

    def test_hr_may_not_end_one_and_nothing_changes(self) -> None:
        events = self.events(self.council)
        row = self.row()
        assert self.web(self.council_hr).post(f"/change/vr-delegations/{row.pk}/end").status_code == 403
        with pytest.raises(PermissionDenied):
            services.vr_delegation_end(actor=self.council_hr, delegation=row)
        assert self.council_rows() == [("council.hr", "Head of HR", Decimal("50000.00"))]
        assert self.events(self.council) == events

    def test_another_partners_delegation_is_404_and_unchanged(self) -> None:
        events = self.events(self.police)
        url = f"/change/vr-delegations/{self.police_row.pk}/end"
        assert self.web(self.council_admin).post(url).status_code == 404
        assert self.web(self.council_hr).post(url).status_code == 404
        assert self.api(self.council_admin).post(f"/api/v1{url}").status_code == 404
        assert VrDelegation.objects.for_partner(self.police).filter(pk=self.police_row.pk).exists()
        assert self.events(self.police) == events

    def test_a_delegation_ended_already_is_not_ended_twice(self) -> None:
        row = self.row()
        services.vr_delegation_end(actor=self.ops_admin, delegation=row)
        with pytest.raises(ValidationError, match="ended already"):
            services.vr_delegation_end(actor=self.ops_admin, delegation=row)
        ended = AuditEvent.objects.for_partner(self.council).filter(action="change.vr_delegation_ended")
        assert ended.count() == 1

    def test_the_api_ends_one_and_answers_those_that_remain(self) -> None:
        row = self.row()
        response = self.api(self.council_admin).post(f"/api/v1/change/vr-delegations/{row.pk}/end")
        assert (response.status_code, response.json()) == (200, [])
        assert self.council_rows() == []
