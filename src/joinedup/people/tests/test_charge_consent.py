"""Each partner decides for itself (DESIGN §1): a cost split share or a secondment recharge
that charges another partner is a request until that partner's HR or finance officer
approves it. Until then the employer bears the whole cost."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Role
from joinedup.payroll.journal import build_journal
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.models import ChargeStatus, CostSplit, CostSplitShare, Secondment
from joinedup.people.services import cost_split_set, secondment_create


def debits_by_partner(lines: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        if line.debit and line.account in {"salaries", "employer_ni", "employer_pension"}:
            out[line.partner] = out.get(line.partner, 0) + line.debit
    return out


class TestChargeConsent(PayrollTestCase):
    police_finance: Any
    fire_hr: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_finance = cls.make_user("police.finance", [(cls.police, Role.FINANCE_OFFICER)])
        cls.fire_hr = cls.make_user("fire.hr", [(cls.fire, Role.HR_OFFICER)])

    def split_to_police(self) -> CostSplit:
        return cost_split_set(
            actor=self.council_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Seconded in all but name",
            shares=[(self.police, Decimal(100))],
        )

    def police_share(self, split: CostSplit) -> CostSplitShare:
        return CostSplitShare.objects.for_partner(self.police).get(split=split, charged_partner=self.police)

    def post_json(self, user: Any, path: str, body: dict[str, Any]) -> Any:
        return self.api(user).post(path, json.dumps(body), content_type="application/json")

    def test_a_split_to_another_partner_is_pending_and_the_journal_charges_the_employer_only(self) -> None:
        split = self.split_to_police()
        assert (split.status, self.police_share(split).status) == (ChargeStatus.PENDING, ChargeStatus.PENDING)
        lines = build_journal(self.calculated())
        assert {line.partner for line in lines} == {"WCC"}
        assert not [line for line in lines if line.account == "inter_partner_debtor"]

    def test_after_the_police_approve_the_journal_charges_the_police(self) -> None:
        split = self.split_to_police()
        response = self.post_json(
            self.police_finance,
            f"/api/v1/cost-shares/{self.police_share(split).pk}/decision",
            {"approve": True},
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "kind": "cost_split",
            "id": self.police_share(split).pk,
            "status": "approved",
        }
        split.refresh_from_db()
        assert split.status == ChargeStatus.APPROVED
        run = self.calculated()
        lines = build_journal(run)
        slip = self.slip(run, self.council_emp)
        cost = slip.gross_pay + slip.ni_employer + slip.pension_employer
        assert debits_by_partner(lines)["WPOL"] == cost
        debtor = [line.debit for line in lines if line.account == "inter_partner_debtor"]
        assert debtor == [cost]

    def test_the_police_audit_trail_records_the_request_and_the_decision(self) -> None:
        split = self.split_to_police()
        self.post_json(
            self.police_hr, f"/api/v1/cost-shares/{self.police_share(split).pk}/decision", {"approve": False}
        )
        police = list(
            AuditEvent.objects.for_partner(self.police)
            .filter(action__startswith="cost_split.")
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert police == ["cost_split.charge_requested", "cost_split.charge_rejected"]
        council = AuditEvent.objects.for_partner(self.council).filter(action="cost_split.charge_rejected")
        assert council.count() == 1
        split.refresh_from_db()
        assert split.status == ChargeStatus.REJECTED

    def test_the_council_cannot_approve_on_the_polices_behalf(self) -> None:
        split = self.split_to_police()
        share = self.police_share(split)
        response = self.post_json(
            self.council_hr, f"/api/v1/cost-shares/{share.pk}/decision", {"approve": True}
        )
        assert response.status_code == 403
        share.refresh_from_db()
        split.refresh_from_db()
        assert (share.status, split.status, share.decided_by_id) == ("pending", "pending", None)
        assert (
            not AuditEvent.objects.for_partner(self.police)
            .filter(action="cost_split.charge_approved")
            .exists()
        )

    def test_another_partners_request_answers_404(self) -> None:
        split = self.split_to_police()
        share = self.police_share(split)
        response = self.post_json(self.fire_hr, f"/api/v1/cost-shares/{share.pk}/decision", {"approve": True})
        assert response.status_code == 404
        assert (
            self.api(self.fire_hr).get(f"/api/v1/partners/{self.police.pk}/charge-requests").status_code
            == 404
        )
        share.refresh_from_db()
        assert share.status == ChargeStatus.PENDING

    def test_the_police_see_pending_requests_and_the_council_sees_the_status(self) -> None:
        self.split_to_police()
        response = self.api(self.police_finance).get(f"/api/v1/partners/{self.police.pk}/charge-requests")
        assert response.status_code == 200
        [request] = response.json()
        assert (request["kind"], request["employer_partner_id"], request["percent"], request["status"]) == (
            "cost_split",
            self.council.pk,
            "100.000",
            "pending",
        )
        splits = (
            self.api(self.council_hr).get(f"/api/v1/employments/{self.council_emp.pk}/cost-splits").json()
        )
        assert [(s["status"], [sh["status"] for sh in s["shares"]]) for s in splits] == [
            ("pending", ["pending"])
        ]
        # The council's HR may not list the constabulary's requests.
        assert (
            self.api(self.council_hr).get(f"/api/v1/partners/{self.police.pk}/charge-requests").status_code
            == 404
        )

    def test_the_employers_own_share_needs_no_consent(self) -> None:
        split = cost_split_set(
            actor=self.council_hr,
            employment=self.council_emp,
            effective_from=date(2026, 4, 1),
            effective_to=None,
            reason="Two posts in one",
            shares=[(self.council, Decimal(100))],
        )
        assert split.status == ChargeStatus.APPROVED

    def test_a_rejected_split_does_not_block_a_new_request_from_the_same_date(self) -> None:
        split = self.split_to_police()
        self.post_json(
            self.police_hr, f"/api/v1/cost-shares/{self.police_share(split).pk}/decision", {"approve": False}
        )
        again = self.split_to_police()
        assert again.status == ChargeStatus.PENDING
        assert CostSplit.objects.for_partner(self.council).count() == 2

    def test_a_secondment_recharge_waits_for_the_hosts_approval(self) -> None:
        secondment = secondment_create(
            actor=self.council_hr,
            employment=self.council_emp,
            host_partner=self.police,
            role_title="Analyst",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 10, 31),
        )
        assert secondment.status == ChargeStatus.PENDING
        denied = self.post_json(
            self.council_hr, f"/api/v1/secondments/{secondment.pk}/decision", {"approve": True}
        )
        assert denied.status_code == 403
        hidden = self.post_json(
            self.fire_hr, f"/api/v1/secondments/{secondment.pk}/decision", {"approve": True}
        )
        assert hidden.status_code == 404
        secondment.refresh_from_db()
        assert secondment.status == ChargeStatus.PENDING
        ok = self.post_json(
            self.police_finance, f"/api/v1/secondments/{secondment.pk}/decision", {"approve": True}
        )
        assert ok.json() == {"kind": "secondment", "id": secondment.pk, "status": "approved"}
        police = list(
            AuditEvent.objects.for_partner(self.police)
            .filter(action__startswith="secondment.")
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert police == ["secondment.hosted", "secondment.recharge_approved"]
        assert Secondment.objects.for_partner(self.council).get().decided_by == self.police_finance


class TestChargeRequestsPage(PayrollTestCase):
    """The web form records the request; the charged partner's officers decide on its page."""

    FORM = {
        "effective_from": "2026-04-01",
        "reason": "Seconded in all but name",
        "partner_1": "",
        "percent_1": "100",
    }

    def request_split(self) -> CostSplitShare:
        form = {**self.FORM, "partner_1": self.police.pk}
        url = f"/employments/{self.council_emp.pk}/cost-split"
        response = self.signed_in(self.council_hr).post(url, form)
        assert response.status_code == 302
        return CostSplitShare.objects.for_partner(self.police).get(charged_partner=self.police)

    def test_the_police_hr_approves_a_split_from_its_charges_page(self) -> None:
        share = self.request_split()
        client = self.signed_in(self.police_hr)
        page = client.get("/charges").content.decode()
        assert "Wessex County Council: Ada Lovelace" in page
        assert f'action="/charges/cost_split/{share.pk}/decision"' in page
        response = client.post(f"/charges/cost_split/{share.pk}/decision", {"decision": "approve"})
        assert response.status_code == 302
        share.refresh_from_db()
        assert (share.status, share.decided_by) == (ChargeStatus.APPROVED, self.police_hr)
        assert "Nothing waiting." in client.get("/charges").content.decode()

    def test_the_council_cannot_decide_from_the_web_either(self) -> None:
        share = self.request_split()
        client = self.signed_in(self.council_hr)
        response = client.post(f"/charges/cost_split/{share.pk}/decision", {"decision": "approve"})
        assert response.status_code == 403
        share.refresh_from_db()
        assert share.status == ChargeStatus.PENDING
        # The council sees the status on its own cost split page.
        page = client.get(f"/employments/{self.council_emp.pk}/cost-split").content.decode()
        assert "Waiting for the charged partner" in page

    def two_charges(self) -> tuple[CostSplitShare, Secondment]:
        share = self.request_split()
        secondment = secondment_create(
            actor=self.council_hr,
            employment=self.council_emp,
            host_partner=self.police,
            role_title="Analyst",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 10, 31),
        )
        return share, secondment

    def test_the_kind_filter_narrows_the_charges_and_their_download(self) -> None:
        share, _secondment = self.two_charges()
        client = self.signed_in(self.police_hr)
        page = client.get("/charges", {"kind": "secondment"}).content.decode()
        assert f"{self.police.name}: 1 charge ·" in page
        csv = client.get("/charges", {"kind": "secondment", "format": "csv"}).content.decode("utf-8-sig")
        council, police = self.council.code, self.police.code
        assert csv.splitlines() == [
            "kind,employer,charged,payroll_number,employee,percent,starts,ends,reason,status",
            f"secondment,{council},{police},WCC000001,Ada Lovelace,100.000,"
            "2026-05-01,2026-10-31,Secondment as Analyst,pending",
        ]
        shares = client.get("/charges", {"kind": "cost_split", "format": "csv"}).content.decode("utf-8-sig")
        assert [line.split(",")[0] for line in shares.splitlines()[1:]] == ["cost_split"]
        assert share.status == ChargeStatus.PENDING

    def test_sorting_by_the_start_orders_the_charges(self) -> None:
        self.two_charges()
        client = self.signed_in(self.police_hr)

        def kinds(**query: str) -> list[str]:
            csv = client.get("/charges", {"format": "csv", **query}).content.decode("utf-8-sig")
            return [line.split(",")[0] for line in csv.splitlines()[1:]]

        assert kinds() == ["secondment", "cost_split"]  # latest first
        assert kinds(sort="starts", order="asc") == ["cost_split", "secondment"]
