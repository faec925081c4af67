"""The test base every app's tests share: a small partnership with users from each partner,
in the roles the tenancy tests need (healthchecks' BaseTestCase, joinedup-shaped)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client, TestCase

from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Partner, PartnerKind, Role, TokenScope
from joinedup.partnership.services import api_token_create, membership_grant, partner_create, user_create
from joinedup.testing.second_factor import sign_in

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 — test users only
# The system as the tests' set-up acts: partners, users and roles are made by it, not by a user.
FIXTURES = SystemActor(reason="test fixtures")


class PartnerTestCase(TestCase):
    council: Partner
    police: Partner
    fire: Partner
    shared: Partner
    ops_admin: Any
    council_hr: Any
    police_hr: Any
    union_rep: Any
    shared_dpo: Any
    shared_hr: Any
    council_employee: Any
    oh_clinician: Any
    oh_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        cls.council = partner_create(
            actor=FIXTURES, name="Wessex County Council", code="WCC", kind=PartnerKind.COUNCIL
        )
        cls.police = partner_create(
            actor=FIXTURES, name="Wessex Constabulary", code="WPOL", kind=PartnerKind.POLICE
        )
        cls.fire = partner_create(
            actor=FIXTURES, name="Wessex Fire and Rescue", code="WFRS", kind=PartnerKind.FIRE
        )
        cls.shared = partner_create(
            actor=FIXTURES, name="Wessex Shared Services", code="WSS", kind=PartnerKind.SHARED_SERVICE
        )
        everyone = [cls.council, cls.police, cls.fire, cls.shared]
        cls.ops_admin = cls.make_user("ops.admin", [(p, Role.SERVICE_ADMIN) for p in everyone])
        cls.council_hr = cls.make_user("council.hr", [(cls.council, Role.HR_OFFICER)])
        cls.police_hr = cls.make_user("police.hr", [(cls.police, Role.HR_OFFICER)])
        cls.union_rep = cls.make_user(
            "union.rep", [(cls.council, Role.UNION_REP), (cls.police, Role.UNION_REP)]
        )
        cls.shared_dpo = cls.make_user("shared.dpo", [(p, Role.DATA_PROTECTION_OFFICER) for p in everyone])
        # The shared service's HR team works for every partner.
        cls.shared_hr = cls.make_user("shared.hr", [(p, Role.HR_OFFICER) for p in everyone])
        cls.council_employee = cls.make_user("council.employee", [(cls.council, Role.EMPLOYEE)])
        # The shared occupational-health service: a clinician and an administrator on every partner.
        cls.oh_clinician = cls.make_user("oh.clinician", [(p, Role.OH_CLINICIAN) for p in everyone])
        cls.oh_admin = cls.make_user("oh.admin", [(p, Role.OH_ADMIN) for p in everyone])

    @classmethod
    def make_user(cls, username: str, grants: list[tuple[Partner, str]]) -> Any:
        user = user_create(actor=FIXTURES, username=username, password=PASSWORD, full_name=username.title())
        for partner, role in grants:
            membership_grant(actor=FIXTURES, user=user, partner=partner, role=role)
        return user

    def api(self, user: Any, *, scope: str = TokenScope.WRITE) -> Client:
        """A client that sends ``user``'s bearer token (read-write unless ``scope`` says) with
        every request."""
        _, raw = api_token_create(actor=FIXTURES, user=user, scope=scope)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    def signed_in(self, user: Any, *, second_factor: bool = True) -> Client:
        """A browser client signed in as ``user``, past the second factor if they have or need
        one (``second_factor=False``: only the password given)."""
        return sign_in(Client(), user, second_factor=second_factor)

    @staticmethod
    def on_postgresql() -> bool:
        return connection.vendor == "postgresql"
