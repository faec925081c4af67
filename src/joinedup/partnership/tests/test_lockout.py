"""Sign-in throttling: five failures for a username or from an address lock it out for thirty
minutes (settings.AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME), audited, released by
`joinedup unlock USERNAME` or by time; API bearer tokens are not affected."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory, SimpleTestCase, override_settings

from joinedup.audit.models import AuditEvent
from joinedup.audit.verification import verify_chain
from joinedup.partnership.lockout import client_ip
from joinedup.testing.base import PASSWORD, PartnerTestCase

LOCKED = (
    "Too many failed attempts to sign in. Try again in 30 minutes, "
    "or ask a service administrator to unlock your account."
)


def _sign_in(username: str, password: str, address: str = "192.0.2.10") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/sign-in", {"username": username, "password": password})
    return client, response


def _events() -> Any:
    return AuditEvent.objects.unscoped(reason="the test reads the global chain")


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class TestSignInLockout(PartnerTestCase):
    def fail_sign_in(self, username: str, times: int, address: str = "192.0.2.10") -> None:
        for _ in range(times):
            _sign_in(username, "not-the-password", address)

    def test_fifteen_wrong_passwords_then_the_right_one_is_refused_with_a_message(self) -> None:
        self.fail_sign_in("council.hr", 15)
        client, response = _sign_in("council.hr", PASSWORD)
        assert response.status_code == 429  # type: ignore[attr-defined]
        page = response.content.decode()  # type: ignore[attr-defined]
        assert "There is a problem" in page
        assert LOCKED in page
        assert "Traceback" not in page
        assert not _signed_in(client)

    def test_four_failures_do_not_lock_and_a_success_clears_them(self) -> None:
        self.fail_sign_in("council.hr", 4)
        client, response = _sign_in("council.hr", PASSWORD)
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert _signed_in(client)
        assert AccessAttempt.objects.filter(username="council.hr").count() == 0

    def test_another_user_from_another_address_is_unaffected(self) -> None:
        self.fail_sign_in("council.hr", 15)
        client, response = _sign_in("police.hr", PASSWORD, address="198.51.100.7")
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert _signed_in(client)

    def test_an_address_that_failed_five_times_is_held_back_for_every_username(self) -> None:
        for name in ("a", "b", "c", "d", "e"):
            self.fail_sign_in(f"guess.{name}", 1, address="203.0.113.9")
        client, response = _sign_in("police.hr", PASSWORD, address="203.0.113.9")
        assert response.status_code == 429  # type: ignore[attr-defined]
        assert not _signed_in(client)

    def test_the_lockout_is_audited_once_on_the_global_chain(self) -> None:
        self.fail_sign_in("council.hr", 15)
        events = list(_events().filter(action="user.locked_out"))
        assert len(events) == 1
        event = events[0]
        assert event.partner_id is None
        assert event.actor_id is None
        assert event.actor_label == "system: sign-in throttling: too many failed attempts"
        assert event.object_id == str(self.council_hr.pk)
        assert event.after == {
            "username": "council.hr",
            "ip_address": "192.0.2.10",
            "failures": 5,
            "locked_for_minutes": 30,
        }
        assert verify_chain("global", None).broken is None

    def test_after_an_unlock_they_can_sign_in_and_the_unlock_is_audited(self) -> None:
        self.fail_sign_in("council.hr", 15)
        out = StringIO()
        call_command("unlock", "council.hr", stdout=out)
        assert out.getvalue() == "Unlocked council.hr: 1 failed sign-in records cleared.\n"
        client, response = _sign_in("council.hr", PASSWORD)
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert _signed_in(client)
        unlocked = _events().get(action="user.unlocked")
        assert unlocked.after == {"username": "council.hr", "cleared": 1}
        assert unlocked.actor_label.endswith("joinedup unlock")

    def test_the_lockout_ends_by_itself_after_thirty_minutes(self) -> None:
        self.fail_sign_in("council.hr", 5)
        assert _sign_in("council.hr", PASSWORD)[1].status_code == 429  # type: ignore[attr-defined]
        attempt = AccessAttempt.objects.get(username="council.hr")
        attempt.attempt_time -= timedelta(minutes=30, seconds=1)
        attempt.save(update_fields=["attempt_time"])
        client, response = _sign_in("council.hr", PASSWORD)
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert _signed_in(client)

    def test_an_api_token_still_works_for_a_locked_out_user(self) -> None:
        self.fail_sign_in("council.hr", 15)
        response = self.api(self.council_hr).get("/api/v1/me/memberships")
        assert response.status_code == 200


class TestClientAddress(SimpleTestCase):
    def test_without_a_trusted_proxy_the_socket_address_counts_and_forwarded_for_is_ignored(self) -> None:
        request = RequestFactory().post("/sign-in", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert client_ip(request) == "192.0.2.1"

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_appended_counts_not_the_clients_claim(self) -> None:
        request = RequestFactory().post(
            "/sign-in", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23"
        )
        assert client_ip(request) == "198.51.100.23"
