"""API tokens (issue 18): each has an expiry (90 days unless its creator says) and a scope —
a read-only token is refused any change with 403 and nothing changes; an expired or revoked
token is refused with 401; the last-used time is written at most once a minute."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.api.tests.test_people_api import HIRE
from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import ApiToken, TokenScope
from joinedup.partnership.services import api_token_create, api_token_revoke
from joinedup.people.models import Employment
from joinedup.testing.base import FIXTURES
from joinedup.testing.people import PeopleTestCase

READ_ONLY = "This token can only read: create a token with the write scope to change things."
UNAUTHENTICATED = {"detail": "Authentication required: send a valid bearer token."}


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _employments() -> int:
    return Employment.objects.unscoped(reason="the test counts every partner's employments").count()


class TestTokenScope(PeopleTestCase):
    def test_a_read_token_reads(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.council_hr, scope=TokenScope.READ)
        response = _bearer(raw).get(f"/api/v1/employments/{self.council_emp.pk}")
        assert response.status_code == 200

    def test_a_read_token_is_refused_a_write_with_403_and_nothing_changes(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.council_hr, scope=TokenScope.READ)
        employments, events = _employments(), AuditEvent.objects.for_partner(self.council).count()
        response = _bearer(raw).post(
            f"/api/v1/partners/{self.council.pk}/employments", HIRE, content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json() == {"detail": READ_ONLY}
        assert (_employments(), AuditEvent.objects.for_partner(self.council).count()) == (employments, events)

    def test_a_read_token_is_refused_before_the_endpoint_checks_the_body(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.council_hr, scope=TokenScope.READ)
        url = f"/api/v1/employments/{self.council_emp.pk}/end"
        body = {"end_date": "2026-12-31", "reason": "Left"}
        response = _bearer(raw).post(url, body, content_type="application/json")
        assert (response.status_code, response.json()) == (403, {"detail": READ_ONLY})
        malformed = _bearer(raw).post(url, {"end_date": "never"}, content_type="application/json")
        assert malformed.status_code == 403
        self.council_emp.refresh_from_db()
        assert self.council_emp.end_date is None

    def test_a_write_token_writes(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.council_hr, scope=TokenScope.WRITE)
        response = _bearer(raw).post(
            f"/api/v1/partners/{self.council.pk}/employments", HIRE, content_type="application/json"
        )
        assert response.status_code == 201, response.content

    def test_a_new_token_reads_only_and_lasts_ninety_days_unless_its_creator_says(self) -> None:
        before = timezone.now()
        token, _ = api_token_create(actor=FIXTURES, user=self.council_hr)
        assert token.scope == TokenScope.READ
        assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
        event = AuditEvent.objects.unscoped(reason="the global chain").get(
            action="api_token.created", object_id=str(token.pk)
        )
        assert event.after["scope"] == "read"
        assert event.after["expires_at"] == token.expires_at.isoformat()

    def test_a_token_lasts_one_to_366_days(self) -> None:
        for days in (0, 367):
            with pytest.raises(ValidationError, match=f"from 1 to 366 days, not {days}"):
                api_token_create(actor=FIXTURES, user=self.council_hr, expires_in_days=days)
        assert ApiToken.objects.filter(user=self.council_hr).count() == 0


class TestRefusedTokens(PeopleTestCase):
    def test_an_expired_token_answers_401(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.council_hr, expires_in_days=1)
        assert _bearer(raw).get("/api/v1/partners").status_code == 200
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        response = _bearer(raw).get("/api/v1/partners")
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)

    def test_a_revoked_token_answers_401(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.council_hr, scope=TokenScope.WRITE)
        api_token_revoke(actor=self.council_hr, token=token)
        response = _bearer(raw).post(
            f"/api/v1/partners/{self.council.pk}/employments", HIRE, content_type="application/json"
        )
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


class TestLastUsed(PeopleTestCase):
    def test_it_is_written_on_first_use_then_at_most_once_a_minute(self) -> None:
        token, raw = api_token_create(actor=FIXTURES, user=self.council_hr)
        assert token.last_used_at is None
        _bearer(raw).get("/api/v1/partners")
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        _bearer(raw).get("/api/v1/partners")
        token.refresh_from_db()
        assert token.last_used_at == first  # a second call within the minute writes nothing
        a_minute_ago = timezone.now() - timedelta(seconds=61)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_minute_ago)
        _bearer(raw).get("/api/v1/partners")
        token.refresh_from_db()
        assert token.last_used_at is not None and token.last_used_at > a_minute_ago

    def test_a_read_within_the_minute_runs_no_update(self) -> None:
        _, raw = api_token_create(actor=FIXTURES, user=self.council_hr)
        client = _bearer(raw)
        client.get("/api/v1/partners")
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/v1/partners")
        assert not [q["sql"] for q in queries if "UPDATE" in q["sql"] and "apitoken" in q["sql"]]


class TestTokenCommand(PeopleTestCase):
    def test_it_creates_a_write_token_for_the_days_given(self) -> None:
        out, err = StringIO(), StringIO()
        call_command(
            "token",
            "create",
            "council.hr",
            "--scope",
            "write",
            "--expires-in-days",
            "7",
            stdout=out,
            stderr=err,
        )
        token = ApiToken.objects.get(user=self.council_hr)
        lasts = token.expires_at - token.created_at
        assert (token.scope, round(lasts.total_seconds() / 86400)) == ("write", 7)
        assert out.getvalue().strip().startswith(token.prefix)
        assert f"Read and write token {token.prefix}… for council.hr, expires" in err.getvalue()

    def test_it_refuses_a_token_of_no_days(self) -> None:
        with pytest.raises(CommandError, match="from 1 to 366 days, not 0"):
            call_command("token", "create", "council.hr", "--expires-in-days", "0", stdout=StringIO())
        assert ApiToken.objects.count() == 0

    def test_the_list_shows_scope_expiry_and_last_use(self) -> None:
        token, _ = api_token_create(actor=FIXTURES, user=self.council_hr, name="reports")
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
        out = StringIO()
        call_command("token", "list", stdout=out)
        line = out.getvalue().strip()
        assert line.startswith(f"{token.prefix}…  council.hr")
        assert "  expired   read   expires " in line
        assert line.endswith("never used  reports")
