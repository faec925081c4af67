"""The audit append names a system context only when the caller's own context would not let it
write the event (issue 15: each statement a request saves counts at 200 tickets a second). With
row-level security on, an event of one of the caller's partners is written as it is; an event of
another partner, or of the global chain, still is, in a system context set for the insert alone,
and the caller's context is back as it was for the rest of its transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.testing.base import PartnerTestCase

pytestmark = pytest.mark.postgres_only


def _settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), coalesce(current_setting(%s, true), '')",
            [rls.PARTNERS_SETTING, rls.SYSTEM_SETTING],
        )
        found = cursor.fetchone()
    return (str(found[0]), str(found[1]))


def _set_configs(captured: CaptureQueriesContext) -> int:
    return sum(1 for query in captured.captured_queries if "set_config" in query["sql"])


class AuditAppendContextTests(PartnerTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql" or not rls.enforced():
            self.skipTest("the contexts are PostgreSQL settings, enforced with row-level security on")
        # Each partner's chain has its head from here on, as after its first event.
        for partner in (self.council, self.police, None):
            record_event(actor=self.council_hr, partner=partner, action="test.first")

    def _events(self, partner_id: int | None, action: str) -> int:
        with rls.system_context("test: count the events written"):
            events = AuditEvent.objects.unscoped(reason="test: every chain").filter(action=action)
            if partner_id is None:
                return events.filter(partner__isnull=True).count()
            return events.filter(partner_id=partner_id).count()

    def test_an_event_of_the_callers_own_partner_is_written_in_the_callers_context(self) -> None:
        with rls.partner_context([self.council.pk]):
            with CaptureQueriesContext(connection) as captured:
                record_event(actor=self.council_hr, partner=self.council, action="test.own")
            self.assertEqual(_settings(), (str(self.council.pk), ""))
        self.assertEqual(_set_configs(captured), 0)
        self.assertEqual(self._events(self.council.pk, "test.own"), 1)

    def test_an_event_of_another_partner_is_written_in_a_system_context_of_its_own(self) -> None:
        with rls.partner_context([self.council.pk]):
            with CaptureQueriesContext(connection) as captured:
                record_event(actor=self.council_hr, partner=self.police, action="test.other")
            self.assertEqual(_settings(), (str(self.council.pk), ""))
        self.assertEqual(_set_configs(captured), 2)  # set for the insert, and set back
        self.assertEqual(self._events(self.police.pk, "test.other"), 1)

    def test_a_global_event_is_written_in_a_system_context_of_its_own(self) -> None:
        with rls.partner_context([self.council.pk]):
            with CaptureQueriesContext(connection) as captured:
                record_event(actor=self.council_hr, partner=None, action="test.global")
            self.assertEqual(_settings(), (str(self.council.pk), ""))
        self.assertEqual(_set_configs(captured), 2)
        self.assertEqual(self._events(None, "test.global"), 1)

    def test_a_context_with_no_partners_still_writes_an_event_only_in_a_system_context(self) -> None:
        with rls.partner_context([]):
            with CaptureQueriesContext(connection) as captured:
                record_event(actor=self.council_hr, partner=self.council, action="test.none")
            self.assertEqual(_settings(), ("", ""))
        self.assertEqual(_set_configs(captured), 2)
        self.assertEqual(self._events(self.council.pk, "test.none"), 1)
