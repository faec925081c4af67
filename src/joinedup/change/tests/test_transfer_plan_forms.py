"""Making a transfer or secondment plan, and filling its staff list, from the pages (issue 12,
"TUPE and secondment"): the lead partner's HR makes the plan; each employer's HR adds its own
people from the programme's scope and takes them off; anyone else is refused (403, or 404 when
the programme is not theirs to see) with nothing changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.change import transfer_services
from joinedup.change.models import TransferPlan, TransferPlanMember
from joinedup.change.tests.test_transfer_plans import TRANSFER, TransferPlanTestCase
from joinedup.testing.second_factor import sign_in

SECONDMENT = {
    "name": "Secondment instead",
    "kind": "secondment",
    "transfer_date": "2026-10-01",
    "secondment_end": "2027-09-30",
    "recharge_percent": "60",
    "measures": "",
}


class TestMakingAPlanFromThePage(TransferPlanTestCase):
    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def url(self) -> str:
        return f"/change/programmes/{self.programme.pk}/transfer-plans"

    def plans(self) -> list[str]:
        return sorted(TransferPlan.objects.for_partner(self.council).values_list("name", flat=True))

    def test_hr_of_the_lead_partner_makes_a_secondment_plan(self) -> None:
        client = self.web(self.council_hr)
        form = client.get(self.url())
        assert b'data-testid="new-plan"' in form.content
        response = client.post(self.url(), {**SECONDMENT, "receiving_partner": self.shared.pk})
        made = TransferPlan.objects.for_partner(self.council).get(name="Secondment instead")
        assert response.status_code == 302 and response["Location"] == f"/change/transfer-plans/{made.pk}/"
        assert (made.kind, str(made.secondment_end), made.recharge_percent, made.receiving_partner_id) == (
            "secondment",
            "2027-09-30",
            Decimal("60.000"),
            self.shared.pk,
        )
        event = AuditEvent.objects.for_partner(self.council).filter(action="change.transfer_plan_created")
        assert event.order_by("-seq")[0].after["name"] == "Secondment instead"

    def test_a_transfer_left_without_a_recharge_is_recharged_in_full(self) -> None:
        data = {**SECONDMENT, "recharge_percent": "", "receiving_partner": self.shared.pk}
        self.web(self.council_hr).post(self.url(), data)
        assert (
            TransferPlan.objects.for_partner(self.council).get(name="Secondment instead").recharge_percent
            == 100
        )

    def test_the_services_refusals_show_beside_the_fields_and_nothing_is_made(self) -> None:
        data = {**SECONDMENT, "secondment_end": "", "name": "HR team to the shared service"}
        response = self.web(self.council_hr).post(self.url(), {**data, "receiving_partner": self.shared.pk})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert 'href="#id_secondment_end">Enter the date the secondment ends.</a>' in page
        assert "The programme already has a plan called HR team to the shared service." in page
        assert self.plans() == ["HR team to the shared service"]

    def test_the_form_refuses_a_recharge_over_100_and_a_partner_not_involved(self) -> None:
        data = {**SECONDMENT, "recharge_percent": "101", "receiving_partner": self.fire.pk}
        page = self.web(self.council_hr).post(self.url(), data).content.decode()
        assert "The recharge must be 100 or less." in page
        assert "Choose the receiving body from the list." in page
        assert self.plans() == ["HR team to the shared service"]

    def test_hr_of_an_involved_partner_that_does_not_lead_is_refused_and_nothing_changes(self) -> None:
        events = AuditEvent.objects.for_partner(self.council).count()
        client = self.web(self.police_hr)
        assert b'data-testid="new-plan"' not in client.get(self.url()).content
        response = client.post(self.url(), {**SECONDMENT, "receiving_partner": self.shared.pk})
        assert response.status_code == 403
        assert self.plans() == ["HR team to the shared service"]
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_hr_of_a_partner_not_involved_gets_404_and_nothing_changes(self) -> None:
        client = self.web(self.fire_hr)
        assert client.get(self.url()).status_code == 404
        assert client.post(self.url(), {**SECONDMENT, "receiving_partner": self.fire.pk}).status_code == 404
        assert self.plans() == ["HR team to the shared service"]


class TestTheStaffListFromThePage(TransferPlanTestCase):
    empty: TransferPlan

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.empty = transfer_services.plan_create(
            actor=cls.shared_hr,
            programme=cls.programme,
            name="Advisers seconded",
            kind="secondment",
            receiving_partner=cls.shared,
            transfer_date=TRANSFER,
            secondment_end=TRANSFER.replace(year=2027),
        )

    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def url(self) -> str:
        return f"/change/transfer-plans/{self.empty.pk}/"

    def on_list(self, partner: Any) -> list[str]:
        rows = TransferPlanMember.objects.for_partner(partner).filter(plan=self.empty)
        return sorted(rows.values_list("employment__payroll_number", flat=True))

    def test_an_employer_is_offered_its_own_people_in_scope_and_adds_one(self) -> None:
        client = self.web(self.council_hr)
        page = client.get(self.url()).content.decode()
        assert "Wessex County Council: Ada Byron (WCC100002)" in page
        assert "WPOL100004" not in page  # the constabulary's adviser is the constabulary's to add
        response = client.post(self.url(), {"form": "member", "employment": self.ada.pk})
        assert response.status_code == 302
        assert self.on_list(self.council) == ["WCC100002"]
        again = client.get(self.url()).content.decode()
        assert "Ada Byron (WCC100002)</option>" not in again  # no one is offered twice

    def test_an_employer_takes_its_own_person_off_the_list(self) -> None:
        member = transfer_services.plan_add_member(
            actor=self.council_hr, plan=self.empty, employment=self.ada
        )
        response = self.web(self.council_hr).post(f"/change/transfer-plan-members/{member.pk}/remove")
        assert response.status_code == 302
        assert self.on_list(self.council) == []

    def test_another_employer_cannot_add_or_remove_the_councils_people(self) -> None:
        member = transfer_services.plan_add_member(
            actor=self.council_hr, plan=self.empty, employment=self.ada
        )
        events = AuditEvent.objects.for_partner(self.council).count()
        client = self.web(self.police_hr)
        # Offered only its own; a council employment sent anyway is not on the list it is offered.
        page = client.post(self.url(), {"form": "member", "employment": self.bob.pk}).content.decode()
        assert "Choose the person in the programme&#x27;s scope from the list." in page
        assert client.post(f"/change/transfer-plan-members/{member.pk}/remove").status_code == 404
        assert self.on_list(self.council) == ["WCC100002"]
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_a_union_rep_or_a_partner_not_involved_changes_nothing(self) -> None:
        assert (
            self.web(self.fire_hr).post(self.url(), {"form": "member", "employment": self.ada.pk}).status_code
            == 404
        )
        assert (
            self.web(self.union_rep)
            .post(self.url(), {"form": "member", "employment": self.ada.pk})
            .status_code
            == 404
        )
        assert self.on_list(self.council) == []

    def test_the_receiving_body_alone_may_not_add_to_the_list(self) -> None:
        shared_only = self.make_user("shared.only.hr", [(self.shared, "hr_officer")])
        response = self.web(shared_only).post(self.url(), {"form": "member", "employment": self.ada.pk})
        assert response.status_code == 403
        assert self.on_list(self.council) == []


class TestChangingAPlanFromThePage(TransferPlanTestCase):
    def web(self, user: object) -> Client:
        return sign_in(Client(), user)

    def url(self) -> str:
        return f"/change/transfer-plans/{self.plan.pk}/"

    def data(self, **changes: str) -> dict[str, str]:
        return {
            "form": "update",
            "status": "consulting",
            "transfer_date": "2026-10-01",
            "eli_given_on": "2026-09-01",
            "measures": "None beyond a change of payroll date.",
            **changes,
        }

    def test_hr_of_the_lead_records_the_eli_given_and_the_status(self) -> None:
        # TUPE 2006 reg. 11(6): given at least 28 days before the transfer on 1 October 2026.
        response = self.web(self.council_hr).post(self.url(), self.data())
        assert response.status_code == 302
        plan = TransferPlan.objects.for_partner(self.council).get(pk=self.plan.pk)
        assert (plan.status, str(plan.eli_given_on), plan.measures) == (
            "consulting",
            "2026-09-01",
            "None beyond a change of payroll date.",
        )
        page = self.web(self.council_hr).get(self.url()).content.decode()
        assert "Given on 1 September 2026, by 3 September 2026 as due." in page
        event = (
            AuditEvent.objects.for_partner(self.council).filter(action="change.transfer_plan_updated").get()
        )
        assert event.after["eli_given_on"] == "2026-09-01"

    def test_the_service_refuses_an_eli_date_after_the_transfer_beside_its_field(self) -> None:
        page = (
            self.web(self.council_hr).post(self.url(), self.data(eli_given_on="2026-10-02")).content.decode()
        )
        assert (
            'href="#id_eli_given_on">The information must be given before the transfer, not after it.' in page
        )
        assert TransferPlan.objects.for_partner(self.council).get(pk=self.plan.pk).eli_given_on is None

    def test_hr_of_an_employer_that_does_not_lead_may_not_change_it(self) -> None:
        events = AuditEvent.objects.for_partner(self.council).count()
        client = self.web(self.police_hr)
        assert b'data-testid="update-plan"' not in client.get(self.url()).content
        assert client.post(self.url(), self.data()).status_code == 403
        assert self.web(self.fire_hr).post(self.url(), self.data()).status_code == 404
        plan = TransferPlan.objects.for_partner(self.council).get(pk=self.plan.pk)
        assert (plan.status, plan.eli_given_on) == ("draft", None)
        assert AuditEvent.objects.for_partner(self.council).count() == events
