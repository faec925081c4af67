from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.testing.base import PartnerTestCase


class TestPermissions(PartnerTestCase):
    def test_roles_hold_only_on_the_partner_they_were_given_for(self) -> None:
        assert has_permission(self.council_hr, "people.change", self.council)
        assert not has_permission(self.council_hr, "people.change", self.police)
        assert not has_permission(self.council_hr, "partnership.view", self.police)

    def test_an_hr_officer_cannot_read_the_audit_trail(self) -> None:
        with pytest.raises(PermissionDenied, match=r"audit\.view"):
            authorise(self.council_hr, "audit.view", self.council)

    def test_a_service_admin_holds_a_role_on_each_partner_it_serves(self) -> None:
        ids = partner_ids_with(self.ops_admin, "audit.view")
        assert ids == sorted([self.council.pk, self.police.pk, self.fire.pk, self.shared.pk])

    def test_an_unknown_permission_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match=r"Unknown permission 'people\.sack'"):
            has_permission(self.ops_admin, "people.sack", self.council)

    def test_an_inactive_user_has_no_permissions(self) -> None:
        self.council_hr.is_active = False
        assert not has_permission(self.council_hr, "people.view", self.council)

    def test_a_deactivated_partner_grants_nothing(self) -> None:
        self.police.active = False
        self.police.save()
        assert not has_permission(self.police_hr, "people.view", self.police)
