"""A locked-out user is told to ask a service administrator to unlock their account: the user's
administration page says until when they are locked out, and its administrator releases the
lockout there, audited; who may is who may reset their second factor."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from joinedup.audit.models import AuditEvent
from joinedup.partnership.lockout import locked_out_until
from joinedup.partnership.models import Role
from joinedup.testing.base import PASSWORD, PartnerTestCase


def _sign_in(username: str, password: str) -> Any:
    return Client(REMOTE_ADDR="192.0.2.30").post("/sign-in", {"username": username, "password": password})


def _unlocks() -> Any:
    return AuditEvent.objects.unscoped(reason="the test reads every chain").filter(action="user.unlocked")


class UnlockTestCase(PartnerTestCase):
    council_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])

    def lock_out(self, username: str) -> None:
        for _ in range(5):
            _sign_in(username, "not-the-password")
        assert _sign_in(username, PASSWORD).status_code == 429

    def attempts(self, username: str) -> int:
        return int(AccessAttempt.objects.filter(username=username).count())

    def unlock(self, actor: Any, user: Any) -> Any:
        return self.signed_in(actor).post(f"/admin/users/{user.pk}/unlock", follow=True)


class TestTheUsersPage(UnlockTestCase):
    def test_it_says_until_when_a_user_is_locked_out_and_offers_to_unlock(self) -> None:
        self.lock_out("council.hr")
        until = locked_out_until("council.hr")
        attempt = AccessAttempt.objects.get(username="council.hr")
        assert until is not None and until - attempt.attempt_time == settings.AXES_COOLOFF_TIME
        page = self.signed_in(self.council_admin).get(f"/admin/users/{self.council_hr.pk}").content.decode()
        status = page.split('data-testid="locked-out">')[1].split("</dd>")[0]
        assert "Locked out" in status and "after too many failed attempts to sign in" in status
        assert f"/admin/users/{self.council_hr.pk}/unlock" in page

    def test_a_user_not_locked_out_reads_no_and_has_no_unlock_button(self) -> None:
        page = self.signed_in(self.council_admin).get(f"/admin/users/{self.council_hr.pk}").content.decode()
        assert 'data-testid="locked-out">No</dd>' in page
        assert "/unlock" not in page


class TestUnlocking(UnlockTestCase):
    def test_an_administrator_unlocks_them_and_they_sign_in_at_once_audited(self) -> None:
        self.lock_out("council.hr")
        response = self.unlock(self.council_admin, self.council_hr)
        assert "council.hr can sign in again now." in response.content.decode()
        assert locked_out_until("council.hr") is None
        assert _sign_in("council.hr", PASSWORD).status_code == 302
        event = _unlocks().get()
        assert event.actor_label == "council.admin"
        assert event.partner_id == self.council.pk
        assert event.after == {"username": "council.hr", "cleared": 1}
        assert set(event.before) == {"locked_until"}

    def test_an_officer_without_the_permission_gets_404_and_they_stay_locked_out(self) -> None:
        self.lock_out("council.employee")
        response = self.signed_in(self.council_hr).post(f"/admin/users/{self.council_employee.pk}/unlock")
        assert response.status_code == 404
        assert locked_out_until("council.employee") is not None
        assert self.attempts("council.employee") == 1
        assert not _unlocks().exists()

    def test_another_partners_administrator_gets_404_and_they_stay_locked_out(self) -> None:
        police_admin = self.make_user("police.admin", [(self.police, Role.SERVICE_ADMIN)])
        self.lock_out("council.hr")
        response = self.signed_in(police_admin).post(f"/admin/users/{self.council_hr.pk}/unlock")
        assert response.status_code == 404
        assert locked_out_until("council.hr") is not None
        assert not _unlocks().exists()

    def test_a_user_who_also_works_for_a_partner_they_do_not_administer_is_left_to_its_administrators(
        self,
    ) -> None:
        self.lock_out("union.rep")  # a role at the council and at the police
        page = self.unlock(self.council_admin, self.union_rep).content.decode()
        assert "also works for a partner you do not administer" in page
        assert locked_out_until("union.rep") is not None
        assert self.attempts("union.rep") == 1
        assert not _unlocks().exists()

    def test_an_administrator_of_every_partner_they_work_for_may(self) -> None:
        self.lock_out("union.rep")
        self.unlock(self.ops_admin, self.union_rep)
        assert locked_out_until("union.rep") is None
        assert _unlocks().get().actor_label == "ops.admin"

    def test_nobody_unlocks_themselves(self) -> None:
        # Signed in before the lockout (signing in clears a user's failures), the session still works.
        admin = self.signed_in(self.council_admin)
        self.lock_out("council.admin")
        page = admin.post(f"/admin/users/{self.council_admin.pk}/unlock", follow=True).content.decode()
        assert "Ask another administrator to release your own sign-in." in page
        assert locked_out_until("council.admin") is not None
        assert not _unlocks().exists()

    def test_unlocking_someone_not_locked_out_says_so_and_writes_nothing(self) -> None:
        page = self.unlock(self.council_admin, self.council_hr).content.decode()
        assert "council.hr is not locked out." in page
        assert not _unlocks().exists()
