"""Administration pages for a partner's service administrators: partner settings and the
BACS account, users (list, filter, create, deactivate), their roles, sign-in status and API
tokens. Each change is audited; an administrator of one partner sees nothing of another's
users, roles or tokens (404), and a refused change changes nothing."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import ApiToken, Membership, Partner, Role, User
from joinedup.partnership.services import api_token_create
from joinedup.payroll.models import PayrollSettings
from joinedup.testing.base import FIXTURES, PartnerTestCase


class AdminPagesTestCase(PartnerTestCase):
    council_admin: Any
    police_admin: Any
    police_only: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])
        cls.police_admin = cls.make_user("police.admin", [(cls.police, Role.SERVICE_ADMIN)])
        cls.police_only = cls.make_user("police.clerk", [(cls.police, Role.VIEWER)])

    def events(self, partner: Partner, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.for_partner(partner).filter(action=action).order_by("seq"))


class TestPartnerSettings(AdminPagesTestCase):
    def settings_form(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "name": "Wessex County Council",
            "kind": "council",
            "active": "yes",
            "employer_paye_reference": "123/ab45678",
            "accounts_office_reference": "123pa00012345",
        }
        data.update(overrides)
        return data

    def test_an_administrator_changes_the_hmrc_references_and_it_is_audited(self) -> None:
        response = self.signed_in(self.council_admin).post("/admin/", self.settings_form())
        assert response.status_code == 302
        partner = Partner.objects.get(pk=self.council.pk)
        assert (partner.employer_paye_reference, partner.accounts_office_reference) == (
            "123/AB45678",
            "123PA00012345",
        )
        (event,) = self.events(self.council, "partner.updated")
        assert event.actor_label == "council.admin"
        assert event.before == {"employer_paye_reference": "", "accounts_office_reference": ""}
        assert event.after == {
            "employer_paye_reference": "123/AB45678",
            "accounts_office_reference": "123PA00012345",
        }

    def test_it_shows_a_name_another_partner_has_beside_the_field_and_changes_nothing(self) -> None:
        response = self.signed_in(self.council_admin).post(
            "/admin/", self.settings_form(name="Wessex Constabulary")
        )
        assert response.status_code == 200
        assert "Another partner is called Wessex Constabulary." in response.content.decode()
        assert Partner.objects.get(pk=self.council.pk).name == "Wessex County Council"
        assert self.events(self.council, "partner.updated") == []

    def test_an_hr_officer_may_not_open_the_settings(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get("/admin/").status_code == 403
        assert client.post("/admin/", self.settings_form(name="Renamed")).status_code == 403
        assert Partner.objects.get(pk=self.council.pk).name == "Wessex County Council"

    def test_the_bacs_account_is_set_masked_in_the_audit_trail(self) -> None:
        form = {
            "bank_sort_code": "40-11-62",
            "bank_account_number": "01234567",
            "bank_account_name": "WCC Payroll",
            "bacs_user_number": "123456",
        }
        assert self.signed_in(self.council_admin).post("/admin/bank-account", form).status_code == 302
        held = PayrollSettings.objects.for_partner(self.council).get()
        assert (held.bank_sort_code, held.bank_account_number, held.bacs_user_number) == (
            "401162",
            "01234567",
            "123456",
        )
        (event,) = self.events(self.council, "payroll.bank_account_set")
        assert event.after == {
            "sort_code": "401162",
            "bank_account": "****4567",
            "account_name": "WCC Payroll",
            "bacs_user_number": "123456",
        }

    def test_a_bad_sort_code_is_shown_and_nothing_is_saved(self) -> None:
        form = {
            "bank_sort_code": "40-11",
            "bank_account_number": "01234567",
            "bank_account_name": "",
            "bacs_user_number": "",
        }
        response = self.signed_in(self.council_admin).post("/admin/bank-account", form)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert not PayrollSettings.objects.for_partner(self.council).exists()


class TestUsers(AdminPagesTestCase):
    def test_the_list_shows_only_this_partners_users_and_filters_them(self) -> None:
        page = self.signed_in(self.council_admin).get("/admin/users").content.decode()
        for name in ("council.hr", "council.employee", "council.admin", "shared.hr"):
            assert f">{name}</a>" in page
        assert "police.clerk" not in page and "police.hr" not in page
        filtered = self.signed_in(self.council_admin).get("/admin/users?q=employee").content.decode()
        assert ">council.employee</a>" in filtered and ">council.hr</a>" not in filtered
        assert "1 user ·" in filtered

    def test_the_list_downloads_as_csv(self) -> None:
        response = self.signed_in(self.council_admin).get("/admin/users?q=council.&format=csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "username,name,email,active,second_factor,last_sign_in"
        assert [line.split(",")[0] for line in lines[1:]] == [
            "council.admin",
            "council.employee",
            "council.hr",
        ]

    def test_filtering_by_role_narrows_the_list_and_the_csv_holds_exactly_those_users(self) -> None:
        client = self.signed_in(self.council_admin)
        page = client.get("/admin/users", {"role": Role.HR_OFFICER})
        assert [u.username for u in page.context["page"]] == ["council.hr", "shared.hr"]
        assert "Wessex County Council: 2 users" in page.content.decode()
        csv = client.get("/admin/users", {"role": Role.HR_OFFICER, "format": "csv"})
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert [line.split(",")[:2] for line in lines] == [
            ["username", "name"],
            ["council.hr", "Council.Hr"],
            ["shared.hr", "Shared.Hr"],
        ]

    def test_a_role_held_only_on_another_partner_does_not_count(self) -> None:
        found = self.signed_in(self.council_admin).get("/admin/users", {"role": Role.SERVICE_ADMIN})
        assert [u.username for u in found.context["page"]] == ["council.admin", "ops.admin"]

    def test_users_sort_by_username_the_other_way(self) -> None:
        found = self.signed_in(self.council_admin).get(
            "/admin/users", {"q": "council.", "sort": "username", "order": "desc"}
        )
        assert [u.username for u in found.context["page"]] == [
            "council.hr",
            "council.employee",
            "council.admin",
        ]

    def test_another_partners_administrator_lists_and_downloads_none_of_ours(self) -> None:
        client = self.signed_in(self.police_admin)
        before = (User.objects.count(), Membership.objects.count())
        found = client.get("/admin/users", {"q": "council."})
        assert found.context["page"].paginator.count == 0
        csv = client.get("/admin/users", {"q": "council.", "format": "csv"})
        assert csv.content.decode("utf-8-sig").splitlines() == [
            "username,name,email,active,second_factor,last_sign_in"
        ]
        assert (User.objects.count(), Membership.objects.count()) == before

    def test_an_hr_officer_is_refused_the_user_list_and_its_download(self) -> None:
        client = self.signed_in(self.council_hr)
        before = (User.objects.count(), Membership.objects.count())
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/users", {"format": "csv"}).status_code == 403
        assert (User.objects.count(), Membership.objects.count()) == before

    def test_an_administrator_adds_a_user_with_a_first_role(self) -> None:
        form = {
            "username": "new.clerk",
            "full_name": "New Clerk",
            "email": "new.clerk@example.org",
            "role": "viewer",
        }
        response = self.signed_in(self.council_admin).post("/admin/users/new", form)
        user = User.objects.get(username="new.clerk")
        assert response.status_code == 302 and response["Location"] == f"/admin/users/{user.pk}"
        assert not user.has_usable_password()
        assert list(Membership.objects.filter(user=user).values_list("partner__code", "role")) == [
            ("WCC", "viewer")
        ]
        (granted,) = self.events(self.council, "membership.granted")[-1:]
        assert granted.after == {"user": "new.clerk", "role": "viewer"}

    def test_a_taken_username_is_refused_beside_the_field(self) -> None:
        form = {"username": "Council.HR", "full_name": "Dup", "email": "d@example.org", "role": "viewer"}
        response = self.signed_in(self.council_admin).post("/admin/users/new", form)
        assert response.status_code == 200
        assert escape("The username 'Council.HR' is taken.") in response.content.decode()
        assert User.objects.filter(username__iexact="council.hr").count() == 1

    def test_it_deactivates_a_user_of_this_partner_only(self) -> None:
        client = self.signed_in(self.council_admin)
        response = client.post(f"/admin/users/{self.council_employee.pk}/active", {"active": "no"})
        assert response.status_code == 302
        assert User.objects.get(pk=self.council_employee.pk).is_active is False
        (event,) = self.events(self.council, "user.deactivated")
        assert (event.before, event.after) == ({"active": True}, {"active": False})
        # shared.hr works for the police too: the council cannot stop that.
        client.post(f"/admin/users/{self.shared_hr.pk}/active", {"active": "no"})
        assert User.objects.get(pk=self.shared_hr.pk).is_active is True
        page = client.get(f"/admin/users/{self.shared_hr.pk}").content.decode()
        assert "This user also works for a partner you do not administer" in page

    def test_the_user_page_shows_sign_in_status_and_only_roles_here(self) -> None:
        page = self.signed_in(self.council_admin).get(f"/admin/users/{self.shared_hr.pk}").content.decode()
        assert "Last signed in" in page and "Never" in page
        assert "Wessex County Council" in page
        assert "Wessex Constabulary" not in page


class TestRolesAndTokens(AdminPagesTestCase):
    def test_an_administrator_grants_and_revokes_a_role(self) -> None:
        client = self.signed_in(self.council_admin)
        response = client.post(
            f"/admin/users/{self.council_employee.pk}", {"partner": self.council.pk, "role": "manager"}
        )
        assert response.status_code == 302
        membership = Membership.objects.get(user=self.council_employee, role="manager")
        client.post(f"/admin/roles/{membership.pk}/revoke")
        assert not Membership.objects.filter(user=self.council_employee, role="manager").exists()
        assert [e.action for e in self.events(self.council, "membership.revoked")] == ["membership.revoked"]

    def test_another_partners_user_role_and_token_answer_404_and_nothing_changes(self) -> None:
        token, _ = api_token_create(actor=FIXTURES, user=self.police_only)
        membership = Membership.objects.get(user=self.police_only)
        client = self.signed_in(self.council_admin)
        assert client.get(f"/admin/users/{self.police_only.pk}").status_code == 404
        assert client.post(f"/admin/users/{self.police_only.pk}/active", {"active": "no"}).status_code == 404
        assert client.post(f"/admin/roles/{membership.pk}/revoke").status_code == 404
        assert client.post(f"/admin/tokens/{token.pk}/revoke").status_code == 404
        assert User.objects.get(pk=self.police_only.pk).is_active is True
        assert Membership.objects.filter(pk=membership.pk).exists()
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None
        assert self.events(self.police, "membership.revoked") == []

    def test_it_grants_no_role_on_a_partner_the_administrator_does_not_administer(self) -> None:
        client = self.signed_in(self.council_admin)
        response = client.post(
            f"/admin/users/{self.shared_hr.pk}", {"partner": self.police.pk, "role": "viewer"}
        )
        assert response.status_code == 200
        assert "Choose the partner from the list." in response.content.decode()
        assert not Membership.objects.filter(user=self.shared_hr, partner=self.police, role="viewer").exists()

    def test_an_administrator_lists_and_revokes_a_users_api_token(self) -> None:
        token, _ = api_token_create(actor=FIXTURES, user=self.council_hr, name="reporting")
        client = self.signed_in(self.council_admin)
        page = client.get(f"/admin/users/{self.council_hr.pk}").content.decode()
        assert f"{token.prefix}…" in page and "reporting" in page
        assert client.post(f"/admin/tokens/{token.pk}/revoke").status_code == 302
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        event = AuditEvent.objects.unscoped(reason="test: the global chain").get(
            partner__isnull=True, action="api_token.revoked"
        )
        assert (event.actor_label, event.after) == (
            "council.admin",
            {"user": "council.hr", "prefix": token.prefix},
        )
