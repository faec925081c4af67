"""Every write names who or what acted: a user, or a SystemActor with its reason — never None."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from joinedup.audit.chain import event_hash
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.audit.verification import verify_all
from joinedup.core.actors import SystemActor, is_system, user_of
from joinedup.partnership import cli
from joinedup.partnership.models import Membership, Partner, PartnerKind, Role
from joinedup.partnership.permissions import authorise, has_permission, is_member, partner_ids_with
from joinedup.partnership.services import membership_grant, partner_create
from joinedup.testing.base import PartnerTestCase

NO_ACTOR = r"An actor is required: .* None is refused"


class TestNobodyIsRefused(PartnerTestCase):
    def test_authorise_refuses_none_instead_of_allowing_everything(self) -> None:
        with pytest.raises(TypeError, match=NO_ACTOR):
            authorise(None, "people.view", self.council)

    def test_has_permission_and_partner_ids_with_refuse_none(self) -> None:
        with pytest.raises(TypeError, match=NO_ACTOR):
            has_permission(None, "people.view", self.council)
        with pytest.raises(TypeError, match=NO_ACTOR):
            partner_ids_with(None, "people.view")
        with pytest.raises(TypeError, match=NO_ACTOR):
            is_system(None)

    def test_a_service_called_with_none_writes_nothing(self) -> None:
        events = AuditEvent.objects.unscoped(reason="test counts every event").count()
        with pytest.raises(TypeError, match=NO_ACTOR):
            partner_create(actor=None, name="Nobody's council", code="NOBODY", kind=PartnerKind.COUNCIL)
        assert not Partner.objects.filter(code="NOBODY").exists()
        assert AuditEvent.objects.unscoped(reason="test counts every event").count() == events

    def test_record_event_refuses_none(self) -> None:
        with pytest.raises(TypeError, match=NO_ACTOR):
            record_event(actor=None, partner=self.council, action="test.nobody")
        assert not AuditEvent.objects.for_partner(self.council).filter(action="test.nobody").exists()


class TestSystemActor(PartnerTestCase):
    def test_its_reason_and_operator_make_its_audit_label(self) -> None:
        assert SystemActor(reason="nightly recharge run").label == "system: nightly recharge run"
        assert (
            SystemActor(reason="joinedup payroll run", operator="root").label
            == "system (operator root): joinedup payroll run"
        )

    def test_it_needs_a_reason(self) -> None:
        with pytest.raises(ValueError, match="A system actor needs a reason"):
            SystemActor(reason="  ")

    def test_it_is_allowed_as_the_system_and_stored_as_no_user(self) -> None:
        system = SystemActor(reason="nightly recharge run")
        authorise(system, "recharges.manage", self.shared)
        assert has_permission(system, "ledger.close", self.police)
        assert is_member(system, self.fire)
        assert partner_ids_with(system, "audit.view") == sorted(
            [self.council.pk, self.police.pk, self.fire.pk, self.shared.pk]
        )
        assert user_of(system) is None
        assert user_of(self.council_hr) == self.council_hr

    def test_its_reason_appears_in_the_audit_event_of_its_write(self) -> None:
        newcomer = self.make_user("new.starter", [])
        membership_grant(
            actor=SystemActor(reason="nightly sync from the HR feed"),
            user=newcomer,
            partner=self.fire,
            role=Role.EMPLOYEE,
        )
        event = AuditEvent.objects.for_partner(self.fire).filter(action="membership.granted").latest("seq")
        assert (event.actor_id, event.actor_label, event.after) == (
            None,
            "system: nightly sync from the HR feed",
            {"user": "new.starter", "role": "employee"},
        )

    def test_a_long_reason_is_cut_to_the_label_column_and_the_chain_still_verifies(self) -> None:
        record_event(
            actor=SystemActor(reason="x" * 300, operator="root"), partner=self.fire, action="test.long"
        )
        event = AuditEvent.objects.for_partner(self.fire).get(action="test.long")
        assert len(event.actor_label) == 150
        assert event.actor_label.startswith("system (operator root): xxx")
        assert event.actor_label.endswith("x…")
        assert [r.broken for r in verify_all()] == [None] * 5


class TestUsersStillNeedTheirPermissions(PartnerTestCase):
    def test_an_hr_officer_cannot_grant_roles_and_nothing_changes(self) -> None:
        memberships = Membership.objects.count()
        events = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(PermissionDenied, match=r"partnership\.manage_members"):
            membership_grant(
                actor=self.council_hr, user=self.council_employee, partner=self.council, role=Role.HR_OFFICER
            )
        assert Membership.objects.count() == memberships
        assert AuditEvent.objects.for_partner(self.council).count() == events

    def test_an_hr_officer_is_refused_where_the_system_is_allowed(self) -> None:
        with pytest.raises(PermissionDenied, match=r"ledger\.close"):
            authorise(self.council_hr, "ledger.close", self.council)
        authorise(SystemActor(reason="year-end close"), "ledger.close", self.council)


class TestOldEventsStillVerify(PartnerTestCase):
    def test_the_hash_of_an_event_recorded_as_plain_system_is_unchanged(self) -> None:
        # Events written before system actors had reasons carry actor_label "system"; the label
        # is hashed as stored, so they verify as long as the hash of their fields is unchanged.
        digest = event_hash(
            partner_id=3,
            seq=1,
            occurred_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
            actor_id=None,
            actor_label="system",
            action="ledger.set_up",
            object_type="ledger.financialyear",
            object_id="7",
            before={},
            after={"year": 2026},
            request_id="cli-1234",
            prev_hash="0" * 64,
        )
        assert digest == "336c0a7d2bdf37192f4a814ec6f579c8a62052d5311563de885ef6338454478f"


class TestCommandsWithoutAs(PartnerTestCase):
    def test_without_as_the_system_acts_for_the_os_user_running_the_command(self) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(getpass, "getuser", lambda: "ops-on-call")
            actor = cli.acting_user(None, command="payroll run")
        assert actor == SystemActor(reason="joinedup payroll run", operator="ops-on-call")

    def test_without_a_login_name_the_operator_is_left_unnamed(self) -> None:
        def no_login() -> str:
            raise OSError("No username set in the environment")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(getpass, "getuser", no_login)
            actor = cli.acting_user("", command="ledger close")
        assert actor.label == "system: joinedup ledger close"

    def test_as_names_a_user(self) -> None:
        assert cli.acting_user("council.hr", command="people import") == self.council_hr
