"""The services behind the administration pages: partner settings, a new user with a first
role, deactivating a user and revoking another user's token, each for a partner's own
administrators only, each audited, and a refusal changing nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import ApiToken, Membership, Partner, Role, User
from joinedup.partnership.services import (
    api_token_create,
    api_token_revoke,
    member_create,
    partner_update,
    user_set_active,
)
from joinedup.testing.base import FIXTURES, PartnerTestCase


class TestAdministration(PartnerTestCase):
    council_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_admin = cls.make_user("council.admin", [(cls.council, Role.SERVICE_ADMIN)])

    def test_partner_settings_are_audited_with_what_changed(self) -> None:
        partner_update(
            actor=self.council_admin, partner=self.council, name="Wessex Council", kind="council", active=True
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="partner.updated")
        assert (event.before, event.after) == ({"name": "Wessex County Council"}, {"name": "Wessex Council"})

    def test_an_administrator_of_one_partner_cannot_change_another(self) -> None:
        with pytest.raises(PermissionDenied):
            partner_update(
                actor=self.council_admin, partner=self.police, name="Taken", kind="police", active=True
            )
        assert Partner.objects.get(pk=self.police.pk).name == "Wessex Constabulary"
        assert not AuditEvent.objects.for_partner(self.police).filter(action="partner.updated").exists()

    def test_a_new_user_and_their_first_role_are_made_together_or_not_at_all(self) -> None:
        with pytest.raises(ValidationError, match=re.escape("Choose a role from the list.")):
            member_create(
                actor=self.council_admin,
                partner=self.council,
                username="x",
                email="",
                full_name="",
                role="king",
            )
        assert not User.objects.filter(username="x").exists()
        membership = member_create(
            actor=self.council_admin,
            partner=self.council,
            username="new.one",
            email="new@example.org",
            full_name="New One",
            role="viewer",
        )
        assert (membership.user.get_full_name(), membership.role) == ("New One", "viewer")

    def test_nobody_deactivates_themselves(self) -> None:
        with pytest.raises(ValidationError, match=re.escape("You cannot deactivate yourself.")):
            user_set_active(
                actor=self.council_admin, user=self.council_admin, partner=self.council, active=False
            )
        assert User.objects.get(pk=self.council_admin.pk).is_active is True

    def test_an_administrator_revokes_the_token_of_a_user_of_their_partner_only(self) -> None:
        council_token, _ = api_token_create(actor=FIXTURES, user=self.council_hr)
        police_token, _ = api_token_create(actor=FIXTURES, user=self.police_hr)
        api_token_revoke(actor=self.council_admin, token=council_token)
        assert ApiToken.objects.get(pk=council_token.pk).revoked_at is not None
        with pytest.raises(PermissionDenied, match=re.escape("You can only revoke your own tokens.")):
            api_token_revoke(actor=self.council_admin, token=police_token)
        assert ApiToken.objects.get(pk=police_token.pk).revoked_at is None
        assert Membership.objects.filter(user=self.police_hr).count() == 1
