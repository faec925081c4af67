"""The second sign-in step (issue 18, OWASP ASVS 2.7/2.8 authenticator app, 2.6 look-up
secrets): who must have one, set-up with recovery codes shown once and kept only as digests,
codes checked once each, wrong codes throttled and audited, and resets by an administrator."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import RecoveryCode, RecoveryCodeDevice, Role
from joinedup.partnership.permissions import SECOND_FACTOR_ROLES
from joinedup.partnership.second_factor import (
    has_second_factor,
    recovery_codes_left,
    requires_second_factor,
    second_factor_begin,
    second_factor_enrol,
    second_factor_new_recovery_codes,
    second_factor_reset,
    second_factor_state,
    second_factor_verify,
)
from joinedup.partnership.services import membership_grant
from joinedup.testing.base import FIXTURES, PartnerTestCase
from joinedup.testing.second_factor import code_for, give_authenticator


def _events(action: str) -> Any:
    return AuditEvent.objects.unscoped(reason="the test reads every chain").filter(action=action)


def _wrong(code: str) -> str:
    """A six-digit code that is not ``code``."""
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


class TestWhoMustHaveOne(PartnerTestCase):
    def test_the_roles_that_approve_pay_move_money_administer_or_read_history_require_it(self) -> None:
        assert {
            Role.SERVICE_ADMIN,
            Role.PAYROLL_APPROVER,
            Role.FINANCE_OFFICER,
            # Enters and verifies suppliers' bank details, which payment runs pay to.
            Role.PURCHASING_OFFICER,
            Role.DATA_PROTECTION_OFFICER,
            # Reads clinical records (issue 18's list names OH clinicians).
            Role.OH_CLINICIAN,
        } == SECOND_FACTOR_ROLES
        approver = self.make_user("wcc.approver", [(self.council, Role.PAYROLL_APPROVER)])
        finance = self.make_user("wcc.finance", [(self.council, Role.FINANCE_OFFICER)])
        for user in (self.ops_admin, self.shared_dpo, approver, finance, self.oh_clinician):
            assert requires_second_factor(user), user
        for user in (self.council_hr, self.union_rep, self.council_employee, self.shared_hr, self.oh_admin):
            assert not requires_second_factor(user), user

    def test_a_role_held_on_only_one_partner_requires_it_everywhere(self) -> None:
        mixed = self.make_user("mixed", [(self.council, Role.HR_OFFICER), (self.fire, Role.FINANCE_OFFICER)])
        assert requires_second_factor(mixed)

    def test_a_session_owes_a_code_when_the_user_has_one_and_set_up_when_they_must(self) -> None:
        assert second_factor_state(self.ops_admin, verified=False) == "enrol"
        assert second_factor_state(self.council_hr, verified=False) is None
        give_authenticator(self.council_hr)
        assert second_factor_state(self.council_hr, verified=False) == "verify"
        assert second_factor_state(self.council_hr, verified=True) is None


class TestSettingItUp(PartnerTestCase):
    def test_a_right_code_turns_it_on_and_issues_ten_recovery_codes_once(self) -> None:
        device = second_factor_begin(user=self.ops_admin)
        assert not device.confirmed and not has_second_factor(self.ops_admin)
        assert second_factor_begin(user=self.ops_admin).pk == device.pk  # the same key on reload
        outcome = second_factor_enrol(user=self.ops_admin, code=_code_of(device))
        assert outcome.device is not None and outcome.device.pk == device.pk
        assert has_second_factor(self.ops_admin)
        assert len(outcome.recovery_codes) == 10
        assert len(set(outcome.recovery_codes)) == 10
        assert all(len(code) == 19 and code.count("-") == 3 for code in outcome.recovery_codes)
        assert recovery_codes_left(self.ops_admin) == 10
        # Only salted digests are kept: no code appears in the database.
        stored = set(RecoveryCode.objects.values_list("digest", flat=True))
        assert not any(
            code.replace("-", "") in digest for code in outcome.recovery_codes for digest in stored
        )
        event = _events("second_factor.enrolled").get()
        assert event.object_id == str(self.ops_admin.pk)
        assert event.after == {"device": "Authenticator app", "recovery_codes_issued": 10}

    def test_a_wrong_code_leaves_it_off_and_is_audited_and_throttled(self) -> None:
        device = second_factor_begin(user=self.ops_admin)
        outcome = second_factor_enrol(user=self.ops_admin, code=_wrong(_code_of(device)))
        assert outcome.device is None and outcome.recovery_codes == []
        assert not has_second_factor(self.ops_admin)
        assert RecoveryCodeDevice.objects.count() == 0
        failed = _events("second_factor.failed").get()
        assert failed.after == {
            "stage": "set-up",
            "kind": "app",
            "throttled": False,
            "consecutive_failures": 1,
        }
        # Straight after, even the right code waits (django-otp's back-off: 1 s after one failure).
        _failed_just_now(self.ops_admin)
        again = second_factor_enrol(user=self.ops_admin, code=_code_of(device))
        assert again.device is None and again.wait_seconds == 1

    def test_someone_who_has_one_cannot_start_another(self) -> None:
        give_authenticator(self.ops_admin)
        with pytest.raises(ValidationError, match="already have an authenticator app"):
            second_factor_begin(user=self.ops_admin)
        assert TOTPDevice.objects.filter(user=self.ops_admin).count() == 1


class TestCodesAtSignIn(PartnerTestCase):
    def setUp(self) -> None:
        device = second_factor_begin(user=self.ops_admin)
        self.codes = second_factor_enrol(user=self.ops_admin, code=_code_of(device)).recovery_codes
        # The set-up spent this time step's code: as if it had been set up a while ago.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)

    def test_the_apps_current_code_is_accepted_once(self) -> None:
        code = code_for(self.ops_admin)
        assert second_factor_verify(user=self.ops_admin, code=code).device is not None
        replay = second_factor_verify(user=self.ops_admin, code=code)
        assert replay.device is None

    def test_a_recovery_code_works_once_and_its_use_is_audited(self) -> None:
        first = self.codes[0]
        outcome = second_factor_verify(user=self.ops_admin, code=first.upper().replace("-", " "))
        assert outcome.device is not None and outcome.recovery_code_used
        assert outcome.recovery_codes_left == 9
        assert _events("second_factor.recovery_code_used").get().after == {"recovery_codes_left": 9}
        again = second_factor_verify(user=self.ops_admin, code=first)
        assert again.device is None
        assert recovery_codes_left(self.ops_admin) == 9

    def test_wrong_codes_back_off_exponentially_and_each_is_audited(self) -> None:
        right = code_for(self.ops_admin)
        first = second_factor_verify(user=self.ops_admin, code=_wrong(right))
        assert (first.device, first.wait_seconds) == (None, 0)
        _failed_just_now(self.ops_admin)
        throttled = second_factor_verify(user=self.ops_admin, code=right)
        assert (throttled.device, throttled.wait_seconds) == (None, 1)
        # A second after the failure, the right code is let through.
        TOTPDevice.objects.filter(user=self.ops_admin).update(
            throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
        )
        assert second_factor_verify(user=self.ops_admin, code=right).device is not None
        kinds = [
            (e.after["throttled"], e.after["consecutive_failures"])
            for e in _events("second_factor.failed").order_by("seq")
        ]
        assert kinds == [(False, 1), (True, 1)]

    def test_wrong_recovery_codes_are_throttled_too(self) -> None:
        assert second_factor_verify(user=self.ops_admin, code="aaaa-bbbb-cccc-dddd").device is None
        RecoveryCodeDevice.objects.filter(user=self.ops_admin).update(
            throttling_failure_timestamp=timezone.now()
        )
        held_back = second_factor_verify(user=self.ops_admin, code=self.codes[1])
        assert (held_back.device, held_back.wait_seconds) == (None, 1)
        assert recovery_codes_left(self.ops_admin) == 10


class TestNewRecoveryCodes(PartnerTestCase):
    """ASVS 2.6.1: look-up secrets used once; a user replaces them, proving it is them with the
    authenticator app (re-authentication before a sensitive change, ASVS 3.7.1)."""

    def setUp(self) -> None:
        self.old = _enrolled(self.ops_admin)
        self.finance = self.make_user("wcc.finance", [(self.council, Role.FINANCE_OFFICER)])
        self.finance_codes = _enrolled(self.finance)

    def test_a_current_app_code_replaces_every_code_and_only_the_new_ones_work(self) -> None:
        outcome = second_factor_new_recovery_codes(user=self.ops_admin, code=code_for(self.ops_admin))
        assert outcome.device is not None
        new = outcome.recovery_codes
        assert len(new) == 10 and len(set(new)) == 10 and not set(new) & set(self.old)
        assert recovery_codes_left(self.ops_admin) == 10
        used = second_factor_verify(user=self.ops_admin, code=new[0])
        assert used.device is not None and used.recovery_code_used and used.recovery_codes_left == 9
        for old in self.old[:3]:
            _not_throttled(self.ops_admin)
            assert second_factor_verify(user=self.ops_admin, code=old).device is None
        assert recovery_codes_left(self.ops_admin) == 9

    def test_the_event_says_how_many_codes_and_holds_none_of_them(self) -> None:
        new = second_factor_new_recovery_codes(user=self.ops_admin, code=code_for(self.ops_admin))
        second_factor_verify(user=self.ops_admin, code=new.recovery_codes[0])
        new = second_factor_new_recovery_codes(user=self.ops_admin, code=_next_code(self.ops_admin))
        events = list(_events("second_factor.recovery_codes_replaced").order_by("seq"))
        assert [(e.before, e.after) for e in events] == [
            ({"recovery_codes_left": 10}, {"recovery_codes_issued": 10}),
            ({"recovery_codes_left": 9}, {"recovery_codes_issued": 10}),
        ]
        assert {(e.actor_id, e.partner_id) for e in events} == {(self.ops_admin.pk, None)}
        assert {e.object_id for e in events} == {str(self.ops_admin.pk)}
        written = " ".join(f"{e.before} {e.after} {e.actor_label} {e.object_id}" for e in events)
        for code in [*self.old, *new.recovery_codes]:
            assert code not in written and code.replace("-", "") not in written

    def test_a_wrong_app_code_changes_no_code_and_is_audited_as_a_failure(self) -> None:
        digests = _digests(self.ops_admin)
        outcome = second_factor_new_recovery_codes(user=self.ops_admin, code=_wrong(code_for(self.ops_admin)))
        assert (outcome.device, outcome.recovery_codes) == (None, [])
        assert _digests(self.ops_admin) == digests
        assert not _events("second_factor.recovery_codes_replaced").exists()
        assert _events("second_factor.failed").get().after == {
            "stage": "new recovery codes",
            "kind": "app",
            "throttled": False,
            "consecutive_failures": 1,
        }
        assert second_factor_verify(user=self.ops_admin, code=self.old[0]).device is not None

    def test_a_recovery_code_cannot_stand_in_for_the_app_and_is_not_spent(self) -> None:
        outcome = second_factor_new_recovery_codes(user=self.ops_admin, code=self.old[0])
        assert outcome.device is None
        assert recovery_codes_left(self.ops_admin) == 10
        assert not _events("second_factor.recovery_codes_replaced").exists()
        assert _events("second_factor.failed").count() == 1

    def test_straight_after_a_wrong_code_even_the_right_one_waits(self) -> None:
        second_factor_new_recovery_codes(user=self.ops_admin, code=_wrong(code_for(self.ops_admin)))
        _failed_just_now(self.ops_admin)
        held_back = second_factor_new_recovery_codes(user=self.ops_admin, code=code_for(self.ops_admin))
        assert (held_back.device, held_back.wait_seconds) == (None, 1)
        assert not _events("second_factor.recovery_codes_replaced").exists()

    def test_another_users_codes_are_untouched(self) -> None:
        theirs = _digests(self.finance)
        second_factor_new_recovery_codes(user=self.ops_admin, code=code_for(self.ops_admin))
        assert _digests(self.finance) == theirs and len(theirs) == 10
        assert second_factor_verify(user=self.finance, code=self.finance_codes[0]).device is not None

    def test_someone_without_an_authenticator_app_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="no second factor set up"):
            second_factor_new_recovery_codes(user=self.council_hr, code="123456")
        assert not RecoveryCodeDevice.objects.filter(user=self.council_hr).exists()


class TestReset(PartnerTestCase):
    def setUp(self) -> None:
        self.finance = self.make_user("wcc.finance", [(self.council, Role.FINANCE_OFFICER)])
        device = second_factor_begin(user=self.finance)
        second_factor_enrol(user=self.finance, code=_code_of(device))

    def test_an_administrator_of_the_users_partner_resets_it_and_it_is_audited(self) -> None:
        assert second_factor_reset(actor=self.ops_admin, user=self.finance, partner=self.council) == 2
        assert not has_second_factor(self.finance)
        assert recovery_codes_left(self.finance) == 0
        event = _events("second_factor.reset").get()
        assert event.partner_id == self.council.pk
        assert event.before == {"authenticator_app": True, "recovery_codes_left": 10}
        assert second_factor_state(self.finance, verified=False) == "enrol"

    def test_someone_without_the_permission_is_refused_and_nothing_changes(self) -> None:
        with pytest.raises(PermissionDenied):
            second_factor_reset(actor=self.council_hr, user=self.finance, partner=self.council)
        assert has_second_factor(self.finance) and recovery_codes_left(self.finance) == 10
        assert not _events("second_factor.reset").exists()

    def test_an_administrator_of_only_one_of_the_users_partners_is_refused(self) -> None:
        police_admin = self.make_user("wpol.admin", [(self.police, Role.SERVICE_ADMIN)])
        membership_grant(actor=FIXTURES, user=self.finance, partner=self.police, role=Role.VIEWER)
        with pytest.raises(PermissionDenied, match="partner you do not administer"):
            second_factor_reset(actor=police_admin, user=self.finance, partner=self.police)
        assert has_second_factor(self.finance)

    def test_nobody_resets_their_own(self) -> None:
        give_authenticator(self.ops_admin)
        with pytest.raises(PermissionDenied, match="another administrator"):
            second_factor_reset(actor=self.ops_admin, user=self.ops_admin, partner=self.council)
        assert has_second_factor(self.ops_admin)

    def test_the_operators_command_resets_it(self) -> None:
        out = StringIO()
        call_command("otp", "reset", "wcc.finance", stdout=out)
        assert out.getvalue().strip() == "Reset wcc.finance's second factor (2 devices removed)."
        assert not has_second_factor(self.finance)
        assert _events("second_factor.reset").get().partner_id is None


class TestCodeCommand(PartnerTestCase):
    def test_it_prints_the_code_an_app_with_the_key_shows(self) -> None:
        device = give_authenticator(self.council_hr)
        out = StringIO()
        # RFC 6238's test key, 12345678901234567890, in base32.
        call_command(
            "otp", "code", "--key", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", stdout=out, stderr=StringIO()
        )
        assert out.getvalue().strip() in {code_for(self.council_hr), _code_of(device, step=-1)}


def _enrolled(user: Any) -> list[str]:
    """Set ``user``'s authenticator up; their recovery codes. As if a while ago: the set-up
    spent this time step's code."""
    device = second_factor_begin(user=user)
    codes = second_factor_enrol(user=user, code=_code_of(device)).recovery_codes
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return codes


def _digests(user: Any) -> set[str]:
    return set(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True))


def _next_code(user: Any) -> str:
    """A code the app will accept again: the last one was spent, so move time's record back."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return code_for(user)


def _not_throttled(user: Any) -> None:
    """As if the last wrong recovery code was long ago (the back-off has its own test)."""
    RecoveryCodeDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)


def _failed_just_now(user: Any) -> None:
    """Pin the last failure to this instant, so a slow machine does not outwait the back-off."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now())


def _code_of(device: TOTPDevice, step: int = 0) -> str:
    """The code ``device``'s app shows now (``step``: that many time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step * device.step
    return f"{totp.token():06d}"
