"""An API request with no session runs in its bearer token's user's context from the start of its
transaction (partnership/middleware.py): the middleware checks the token, so the request sets its
context once rather than an empty one first (issue 15). Only on the API's paths, only for a live
token, and checked afresh on every request, so a revoked token or a removed role counts at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from joinedup.core.tests.test_rls import as_application, partners_seen
from joinedup.partnership.middleware import PartnerContextMiddleware, checked_token
from joinedup.partnership.models import Membership, Role
from joinedup.partnership.permissions import has_permission, member_partner_ids
from joinedup.partnership.services import (
    api_token_check,
    api_token_create,
    api_token_revoke,
    membership_revoke,
)
from joinedup.testing.base import FIXTURES, PartnerTestCase

API = "/api/v1/partners"


@pytest.mark.postgres_only
class TestBearerTokenContext(PartnerTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("row-level security exists on PostgreSQL only")
        self.reader = self.make_user(
            "council.police.reader", [(self.council, Role.HR_OFFICER), (self.police, Role.HR_OFFICER)]
        )
        self.token, self.raw = api_token_create(actor=FIXTURES, user=self.reader, name="reports")

    def seen(self, path: str, raw: str) -> tuple[set[int], HttpRequest]:
        """The partners whose rows a request to ``path`` with bearer token ``raw`` sees."""
        found: list[set[int]] = []

        def view(request: HttpRequest) -> HttpResponse:
            found.append(partners_seen())
            return HttpResponse()

        request = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
        request.user = AnonymousUser()
        with override_settings(ROW_LEVEL_SECURITY=True), as_application():
            PartnerContextMiddleware(view)(request)
        return found[0], request

    def test_an_api_request_sees_its_tokens_users_partners(self) -> None:
        seen, request = self.seen(API, self.raw)
        assert seen == {self.council.pk, self.police.pk}
        checked, token = checked_token(request, self.raw)
        assert checked
        assert token is not None and token.pk == self.token.pk

    def test_the_same_token_on_a_page_outside_the_api_opens_nothing(self) -> None:
        seen, request = self.seen("/people/", self.raw)
        assert seen == set()
        assert checked_token(request, self.raw) == (False, None)

    def test_an_unknown_token_opens_nothing(self) -> None:
        seen, request = self.seen(API, self.raw + "x")
        assert seen == set()
        assert checked_token(request, self.raw + "x") == (True, None)

    def test_a_revoked_token_opens_nothing_from_the_next_request(self) -> None:
        assert self.seen(API, self.raw)[0] == {self.council.pk, self.police.pk}
        api_token_revoke(actor=self.ops_admin, token=self.token)
        assert self.seen(API, self.raw)[0] == set()

    def test_a_removed_role_closes_its_partner_from_the_next_request(self) -> None:
        assert self.seen(API, self.raw)[0] == {self.council.pk, self.police.pk}
        membership_revoke(
            actor=self.ops_admin, membership=Membership.objects.get(user=self.reader, partner=self.police)
        )
        assert self.seen(API, self.raw)[0] == {self.council.pk}

    def test_a_token_checked_for_another_request_is_not_taken_as_this_ones(self) -> None:
        _, request = self.seen(API, self.raw)
        assert checked_token(request, "another token") == (False, None)


class TestTokenCheckReadsTheMemberships(PartnerTestCase):
    """The token's check reads the token, its user and all their memberships in one statement
    (partnership.services.api_token_check), which the permission checks then take as read."""

    def setUp(self) -> None:
        self.reader = self.make_user(
            "council.police.reader", [(self.council, Role.HR_OFFICER), (self.police, Role.PAYROLL_OFFICER)]
        )
        self.token, self.raw = api_token_create(actor=FIXTURES, user=self.reader, name="reports")
        api_token_check(self.raw)  # its first use writes last_used_at; later ones within the minute do not

    def test_the_token_and_the_users_roles_come_in_one_statement(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            found = api_token_check(self.raw)
            assert found is not None
            assert member_partner_ids(found.user) == sorted([self.council.pk, self.police.pk])
            assert has_permission(found.user, "people.change", self.council)
            assert not has_permission(found.user, "people.change", self.police)
        assert len(captured.captured_queries) == 1
        assert (found.pk, found.scope, found.name, found.user.pk) == (
            self.token.pk,
            self.token.scope,
            "reports",
            self.reader.pk,
        )

    def test_a_user_with_no_role_left_still_has_their_token_checked(self) -> None:
        loner = self.make_user("no.roles", [])
        token, raw = api_token_create(actor=FIXTURES, user=loner, name="none")
        found = api_token_check(raw)
        assert found is not None and found.pk == token.pk
        with CaptureQueriesContext(connection) as captured:
            assert member_partner_ids(found.user) == []
        assert captured.captured_queries == []

    def test_a_revoked_token_of_a_user_with_roles_is_refused(self) -> None:
        api_token_revoke(actor=self.ops_admin, token=self.token)
        assert api_token_check(self.raw) is None

    def test_another_token_of_the_same_user_does_not_stand_in_for_a_revoked_one(self) -> None:
        other, other_raw = api_token_create(actor=FIXTURES, user=self.reader, name="other")
        api_token_revoke(actor=self.ops_admin, token=self.token)
        assert api_token_check(self.raw) is None
        found = api_token_check(other_raw)
        assert found is not None and found.pk == other.pk
