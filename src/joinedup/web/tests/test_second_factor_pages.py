"""The second sign-in step in the browser (issue 18): after the password, a user with an
authenticator app is asked for its code (or a recovery code); a user whose roles need one and
who has none is sent to set it up; either way they reach nothing else until done. Wrong codes
count towards the sign-in lockout. Administrators see who has one and can reset it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import RecoveryCode, RecoveryCodeDevice, Role
from joinedup.partnership.second_factor import has_second_factor, recovery_codes_left
from joinedup.testing.base import PASSWORD, PartnerTestCase
from joinedup.testing.second_factor import code_for, give_authenticator

CODE_PAGE = "/sign-in/code?next=%2F"
SET_UP_PAGE = "/account/second-factor?next=%2F"
WRONG_CODE = "That code is not right. Enter the code your app shows now, or a recovery code."


def _password(username: str, address: str = "192.0.2.20") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/sign-in", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _events(action: str) -> Any:
    return AuditEvent.objects.unscoped(reason="the test reads every chain").filter(action=action)


class SecondFactorPagesTestCase(PartnerTestCase):
    approver: Any
    council_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.approver = cls.make_user("council.approver", [(cls.council, Role.PAYROLL_APPROVER)])
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])


class TestTheCodeAfterThePassword(SecondFactorPagesTestCase):
    def setUp(self) -> None:
        give_authenticator(self.approver)

    def test_the_password_alone_reaches_only_the_code_page(self) -> None:
        client = _password("council.approver")
        assert client.get("/")["Location"] == CODE_PAGE
        assert client.get("/payroll")["Location"] == "/sign-in/code?next=%2Fpayroll"
        assert client.post("/partner", {"partner": self.council.pk})["Location"] == "/sign-in/code"
        page = client.get(CODE_PAGE).content.decode()
        assert "Enter the code from your authenticator app" in page
        assert "Your roles here" not in page and "Payroll</a>" not in page  # no menu, no partner yet
        assert client.get("/help").status_code == 200

    def test_the_right_code_signs_in_and_goes_where_they_were_going(self) -> None:
        client = _password("council.approver")
        client.get("/payroll")
        response = client.post("/sign-in/code", {"code": code_for(self.approver), "next": "/payroll"})
        assert response["Location"] == "/payroll"
        assert client.get("/").status_code == 200

    def test_a_wrong_code_is_refused_beside_the_field_and_audited(self) -> None:
        client = _password("council.approver")
        wrong = f"{(int(code_for(self.approver)) + 1) % 1_000_000:06d}"
        response = client.post("/sign-in/code", {"code": wrong})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page and WRONG_CODE in page
        assert client.get("/")["Location"] == CODE_PAGE
        assert _events("second_factor.failed").count() == 1

    def test_five_wrong_codes_lock_the_username_and_end_the_session(self) -> None:
        client = _password("council.approver")
        right = code_for(self.approver)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        statuses = [client.post("/sign-in/code", {"code": wrong}).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
        assert "_auth_user_id" not in client.session
        assert _events("user.locked_out").get().after["username"] == "council.approver"
        # The password does not let them straight back in while the lockout lasts.
        again = Client(REMOTE_ADDR="198.51.100.30").post(
            "/sign-in", {"username": "council.approver", "password": PASSWORD}
        )
        assert again.status_code == 429

    def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(self) -> None:
        TOTPDevice.objects.filter(user=self.approver).delete()
        client = self.signed_in(self.approver, second_factor=False)
        client.get("/account/second-factor")
        response = client.post("/account/second-factor", {"code": code_for(self.approver, confirmed=False)})
        codes = response.context["codes"]
        client.post("/sign-out")
        client = _password("council.approver")
        response = client.post("/sign-in/code", {"code": codes[3]}, follow=True)
        assert "You used a recovery code: 9 left." in response.content.decode()
        client.post("/sign-out")
        client = _password("council.approver")
        assert WRONG_CODE in client.post("/sign-in/code", {"code": codes[3]}).content.decode()


class TestSettingItUp(SecondFactorPagesTestCase):
    def test_someone_who_must_have_one_is_sent_to_set_it_up_and_reaches_nothing_else(self) -> None:
        client = _password("council.approver")
        assert client.get("/")["Location"] == SET_UP_PAGE
        assert client.get("/payroll")["Location"] == "/account/second-factor?next=%2Fpayroll"
        assert client.get("/sign-in/code")["Location"] == "/account/second-factor?next=%2Fsign-in%2Fcode"

    def test_the_set_up_page_shows_a_qr_code_and_the_key_without_inline_style_or_script(self) -> None:
        client = _password("council.approver")
        response = client.get("/account/second-factor")
        page = response.content.decode()
        device = TOTPDevice.objects.get(user=self.approver, confirmed=False)
        assert '<img src="data:image/svg+xml' in page
        assert " style=" not in page
        key = page.split('data-testid="totp-key">')[1].split("<")[0]
        assert len(key.replace(" ", "")) == 32  # 20 bytes in base32
        assert "Your roles let you approve pay" in page
        assert response["Cache-Control"] == "no-store"
        assert device.key  # the same device is offered until it is confirmed
        assert client.get("/account/second-factor").content.decode().count(key) == 1

    def test_the_right_code_turns_it_on_shows_ten_recovery_codes_once_and_signs_in(self) -> None:
        client = _password("council.approver")
        client.get("/account/second-factor")
        response = client.post(
            "/account/second-factor", {"code": code_for(self.approver, confirmed=False), "next": "/"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Your second step is on" in page
        assert len(response.context["codes"]) == 10
        assert all(code in page for code in response.context["codes"])
        assert client.get("/").status_code == 200
        account = client.get("/account/second-factor").content.decode()
        assert 'data-testid="recovery-codes-left">10<' in account
        assert not any(code in account for code in response.context["codes"])

    def test_a_wrong_code_leaves_it_off(self) -> None:
        client = _password("council.approver")
        client.get("/account/second-factor")
        right = code_for(self.approver, confirmed=False)
        response = client.post("/account/second-factor", {"code": f"{(int(right) + 7) % 1_000_000:06d}"})
        assert WRONG_CODE in response.content.decode()
        assert not has_second_factor(self.approver)
        assert client.get("/")["Location"] == SET_UP_PAGE

    def test_someone_with_only_the_password_cannot_add_a_second_app(self) -> None:
        give_authenticator(self.approver)
        client = _password("council.approver")
        response = client.post("/account/second-factor", {"code": "123456"})
        assert response["Location"] == "/sign-in/code"
        assert TOTPDevice.objects.filter(user=self.approver).count() == 1

    def test_someone_whose_roles_do_not_need_one_may_set_one_up_and_is_then_asked_for_it(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get("/").status_code == 200
        page = client.get("/account/second-factor").content.decode()
        assert "It is optional for your roles." in page
        client.post("/account/second-factor", {"code": code_for(self.council_hr, confirmed=False)})
        assert has_second_factor(self.council_hr)
        client.post("/sign-out")
        assert _password("council.hr").get("/")["Location"] == CODE_PAGE


NEW_CODES_PAGE = "/account/second-factor/recovery-codes"


class TestNewRecoveryCodes(SecondFactorPagesTestCase):
    """A user with an app replaces their recovery codes from their account, giving the app's
    code again (ASVS 2.6.1, 3.7.1); the codes are shown on that one response."""

    def _enrolled(self) -> tuple[Client, list[str]]:
        client = self.signed_in(self.approver, second_factor=False)
        client.get("/account/second-factor")
        response = client.post("/account/second-factor", {"code": code_for(self.approver, confirmed=False)})
        codes: list[str] = response.context["codes"]
        return client, codes

    def test_the_account_page_offers_new_codes(self) -> None:
        client, _ = self._enrolled()
        page = client.get("/account/second-factor").content.decode()
        assert f'href="{NEW_CODES_PAGE}">Get new recovery codes</a>' in page
        form = client.get(NEW_CODES_PAGE).content.decode()
        assert "You have 10 recovery codes left." in form

    def test_the_apps_code_replaces_them_the_new_ones_are_shown_once_and_the_old_ones_stop_working(
        self,
    ) -> None:
        client, old = self._enrolled()
        response = client.post(NEW_CODES_PAGE, {"code": code_for(self.approver)})
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        page = response.content.decode()
        assert "You have new recovery codes" in page and "Your old recovery codes no longer work" in page
        new = response.context["codes"]
        assert len(new) == 10 and not set(new) & set(old)
        assert all(code in page for code in new)
        assert not any(code in client.get(NEW_CODES_PAGE).content.decode() for code in new)
        assert _events("second_factor.recovery_codes_replaced").get().after == {"recovery_codes_issued": 10}
        client.post("/sign-out")
        assert (
            WRONG_CODE
            in _password("council.approver").post("/sign-in/code", {"code": old[0]}).content.decode()
        )
        RecoveryCodeDevice.objects.filter(user=self.approver).update(throttling_failure_timestamp=None)
        signed = _password("council.approver").post("/sign-in/code", {"code": new[0]}, follow=True)
        assert "You used a recovery code: 9 left." in signed.content.decode()

    def test_a_wrong_code_is_refused_beside_the_field_and_changes_no_code(self) -> None:
        client, _ = self._enrolled()
        digests = set(
            RecoveryCode.objects.filter(device__user=self.approver).values_list("digest", flat=True)
        )
        wrong = f"{(int(code_for(self.approver)) + 7) % 1_000_000:06d}"
        response = client.post(NEW_CODES_PAGE, {"code": wrong})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "That code is not right. Enter the 6-digit code your authenticator app shows now." in page
        assert "codes" not in response.context
        after = set(RecoveryCode.objects.filter(device__user=self.approver).values_list("digest", flat=True))
        assert after == digests
        assert not _events("second_factor.recovery_codes_replaced").exists()
        assert _events("second_factor.failed").get().after["stage"] == "new recovery codes"

    def test_a_session_that_gave_only_the_password_is_asked_for_its_code_first(self) -> None:
        give_authenticator(self.approver)
        client = _password("council.approver")
        assert (
            client.get(NEW_CODES_PAGE)["Location"]
            == "/sign-in/code?next=%2Faccount%2Fsecond-factor%2Frecovery-codes"
        )
        assert client.post(NEW_CODES_PAGE, {"code": code_for(self.approver)})["Location"] == "/sign-in/code"
        assert not RecoveryCodeDevice.objects.filter(user=self.approver).exists()

    def test_someone_without_an_app_is_sent_to_set_one_up(self) -> None:
        client = self.signed_in(self.council_hr)
        assert client.get(NEW_CODES_PAGE)["Location"] == "/account/second-factor"
        assert client.post(NEW_CODES_PAGE, {"code": "123456"})["Location"] == "/account/second-factor"
        assert not RecoveryCodeDevice.objects.filter(user=self.council_hr).exists()


class TestAdministration(SecondFactorPagesTestCase):
    def setUp(self) -> None:
        give_authenticator(self.approver)
        self.admin = self.signed_in(self.council_admin)

    def test_the_user_list_and_page_show_who_has_one(self) -> None:
        page = self.admin.get("/admin/users").content.decode()
        row = page.split(">council.approver</a>")[1].split("</tr>")[0]
        assert '<td class="govuk-table__cell">On</td>' in row
        hr_row = page.split(">council.hr</a>")[1].split("</tr>")[0]
        assert '<td class="govuk-table__cell">Off</td>' in hr_row
        user_page = self.admin.get(f"/admin/users/{self.approver.pk}").content.decode()
        assert 'data-testid="second-factor">On: authenticator app, 0 recovery codes left<' in user_page

    def test_an_administrator_resets_it_and_the_user_sets_up_a_new_one_at_sign_in(self) -> None:
        response = self.admin.post(f"/admin/users/{self.approver.pk}/second-factor/reset", follow=True)
        assert "council.approver&#x27;s second step is reset" in response.content.decode()
        assert not has_second_factor(self.approver) and recovery_codes_left(self.approver) == 0
        assert _events("second_factor.reset").get().actor_label == "council.admin"
        assert _password("council.approver").get("/")["Location"] == SET_UP_PAGE

    def test_an_officer_without_the_permission_is_refused_and_nothing_changes(self) -> None:
        response = self.signed_in(self.council_hr).post(
            f"/admin/users/{self.approver.pk}/second-factor/reset"
        )
        assert response.status_code == 404
        assert has_second_factor(self.approver)
        assert not _events("second_factor.reset").exists()

    def test_another_partners_administrator_gets_404(self) -> None:
        police_admin = self.make_user("police.admin", [(self.police, Role.SERVICE_ADMIN)])
        response = self.signed_in(police_admin).post(f"/admin/users/{self.approver.pk}/second-factor/reset")
        assert response.status_code == 404
        assert has_second_factor(self.approver)
