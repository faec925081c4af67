"""Issue 17: the audit chain stays verifiable after erasure. Events since migration 0004 are
hashed over their content's digest (hash version 2), so their content can be redacted; the
redaction is itself an event, and every redacted event names it."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction
from django.http import Http404

from joinedup.audit import redaction
from joinedup.audit.chain import CHANGED, REDACTED, content_digest, event_hash
from joinedup.audit.models import AuditEvent
from joinedup.audit.redaction import redact_events
from joinedup.audit.services import record_event
from joinedup.audit.tests.test_append_only import as_application, as_owner, rows
from joinedup.audit.tests.test_chain import tamper
from joinedup.audit.verification import verify_all
from joinedup.core import rls
from joinedup.testing.base import FIXTURES, PartnerTestCase

REASON = "test: the payslips were anonymised"


def stored(event: AuditEvent) -> AuditEvent:
    with rls.system_context("test: read an audit event back"):
        return AuditEvent.objects.unscoped(reason="test").get(pk=event.pk)


def broken() -> list[tuple[str, int, str]]:
    with rls.system_context("test: verify"):
        return [(r.chain, r.broken.seq, r.broken.reason) for r in verify_all(checkpoint=None) if r.broken]


def redactions() -> list[AuditEvent]:
    with rls.system_context("test: read the redaction events"):
        return list(AuditEvent.objects.unscoped(reason="test").filter(action="audit.events_redacted"))


class RedactionTestCase(PartnerTestCase):
    def tamper(self, statement: str, params: list[Any]) -> None:
        tamper(self.on_postgresql(), statement, params)

    def pay_events(self) -> tuple[AuditEvent, AuditEvent, AuditEvent]:
        """Two events about payslip 7 of the police, and one about payslip 8."""
        first = record_event(
            actor=self.ops_admin,
            partner=self.police,
            action="test.payslip_made",
            object_type="payroll.payslip",
            object_id=7,
            after={"tax_code": "K475", "union": "UNISON"},
        )
        second = record_event(
            actor=self.ops_admin,
            partner=self.police,
            action="test.payslip_changed",
            object_type="payroll.payslip",
            object_id=7,
            before={"tax_code": "K475"},
            after={"tax_code": "1257L"},
        )
        other = record_event(
            actor=self.ops_admin,
            partner=self.police,
            action="test.payslip_made",
            object_type="payroll.payslip",
            object_id=8,
            after={"tax_code": "BR"},
        )
        return first, second, other

    def as_version_1(self, event: AuditEvent) -> None:
        """Rewrite the chain's newest event as one written before migration 0004 was."""
        digest = event_hash(
            partner_id=event.partner_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            request_id=event.request_id,
            prev_hash=event.prev_hash,
        )
        self.tamper(
            "UPDATE audit_auditevent SET hash_version = 1, content_digest = '', hash = %s WHERE id = %s",
            [digest, event.pk],
        )
        self.tamper(
            "UPDATE audit_auditchainhead SET hash = %s WHERE partner_id = %s", [digest, event.partner_id]
        )


class TestVersion2Events(RedactionTestCase):
    def test_a_new_event_is_hashed_over_the_digest_of_its_content_and_verifies(self) -> None:
        event = record_event(
            actor=self.ops_admin, partner=self.police, action="test.pay", after={"pay": "1.50"}
        )
        found = stored(event)
        assert (found.hash_version, found.content_digest) == (2, content_digest({}, {"pay": "1.50"}))
        assert found.redacted_at is None
        assert broken() == []

    def test_content_changed_in_an_unredacted_event_is_reported(self) -> None:
        _, second, _ = self.pay_events()
        self.tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"tax_code": "0T"}', second.pk])
        assert broken() == [(f"partner WPOL (id {self.police.pk})", second.seq, CHANGED)]

    def test_a_version_1_event_still_verifies_over_its_content(self) -> None:
        *_, other = self.pay_events()
        self.as_version_1(other)
        assert broken() == []
        self.tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"tax_code": "0T"}', other.pk])
        assert broken() == [(f"partner WPOL (id {self.police.pk})", other.seq, CHANGED)]


class TestRedaction(RedactionTestCase):
    def test_redaction_replaces_the_content_keeps_the_chain_verifying_and_is_one_audit_event(self) -> None:
        first, second, other = self.pay_events()
        done = redact_events(
            actor=FIXTURES,
            partner_id=self.police.pk,
            object_type="payroll.payslip",
            object_ids=[7],
            reason=REASON,
        )
        assert done.seqs == [first.seq, second.seq]
        assert done.version_1_kept == []
        [event] = redactions()
        assert done.events == [event]
        assert (event.partner_id, event.seq) == (self.police.pk, second.seq + 2)
        assert event.after == {"seqs": [first.seq, second.seq], "reason": REASON, "version_1_kept": []}
        for redacted in (stored(first), stored(second)):
            assert (redacted.before, redacted.after) == (REDACTED, REDACTED)
            assert redacted.redacted_by_seq == event.seq
            assert redacted.redacted_at is not None
        for kept, original in ((stored(first), first), (stored(second), second)):
            assert (kept.hash, kept.content_digest, kept.action) == (
                original.hash,
                original.content_digest,
                original.action,
            )
        assert stored(other).after == {"tax_code": "BR"}
        assert broken() == []

    def test_a_redaction_of_more_events_than_a_chunk_writes_one_redaction_event_per_chunk(self) -> None:
        first, second, other = self.pay_events()
        with mock.patch.object(redaction, "CHUNK", 2):
            done = redact_events(
                actor=FIXTURES,
                partner_id=self.police.pk,
                object_type="payroll.payslip",
                object_ids=[7, 8],
                reason=REASON,
            )
        assert [e.after["seqs"] for e in done.events] == [[first.seq, second.seq], [other.seq]]
        assert [stored(e).redacted_by_seq for e in (first, second, other)] == [
            done.events[0].seq,
            done.events[0].seq,
            done.events[1].seq,
        ]
        assert broken() == []

    def test_a_second_redaction_of_the_same_events_changes_nothing(self) -> None:
        self.pay_events()
        redact_events(
            actor=FIXTURES,
            partner_id=self.police.pk,
            object_type="payroll.payslip",
            object_ids=[7],
            reason=REASON,
        )
        count = AuditEvent.objects.for_partner(self.police).count()
        again = redact_events(
            actor=FIXTURES,
            partner_id=self.police.pk,
            object_type="payroll.payslip",
            object_ids=[7],
            reason=REASON,
        )
        assert (again.events, again.seqs) == ([], [])
        assert AuditEvent.objects.for_partner(self.police).count() == count
        assert len(redactions()) == 1

    def test_redacting_a_version_1_event_by_id_is_refused_and_nothing_changes(self) -> None:
        *_, other = self.pay_events()
        self.as_version_1(other)
        count = AuditEvent.objects.for_partner(self.police).count()
        with pytest.raises(ValidationError) as refused:
            redact_events(actor=FIXTURES, partner_id=self.police.pk, event_ids=[other.pk], reason=REASON)
        assert refused.value.message_dict == {
            "event_ids": [
                f"Audit events seq {other.seq} are hashed over their content (written before redaction "
                "existed): redacting them would break the chain."
            ]
        }
        assert stored(other).after == {"tax_code": "BR"}
        assert AuditEvent.objects.for_partner(self.police).count() == count
        assert broken() == []

    def test_a_redaction_by_object_keeps_version_1_events_and_lists_them(self) -> None:
        *_, other = self.pay_events()
        self.as_version_1(other)
        done = redact_events(
            actor=FIXTURES,
            partner_id=self.police.pk,
            object_type="payroll.payslip",
            object_ids=[7, 8],
            reason=REASON,
        )
        assert done.version_1_kept == [other.seq]
        assert [e.after["version_1_kept"] for e in done.events] == [[other.seq]]
        assert stored(other).after == {"tax_code": "BR"}
        assert broken() == []

    def test_another_partners_event_answers_404_and_nothing_changes(self) -> None:
        first, *_ = self.pay_events()
        council = AuditEvent.objects.for_partner(self.council).count()
        with pytest.raises(Http404):
            redact_events(actor=FIXTURES, partner_id=self.council.pk, event_ids=[first.pk], reason=REASON)
        assert stored(first).after == {"tax_code": "K475", "union": "UNISON"}
        assert AuditEvent.objects.for_partner(self.council).count() == council
        assert redactions() == []

    def test_another_partners_events_are_not_found_by_object_either(self) -> None:
        first, *_ = self.pay_events()
        done = redact_events(
            actor=FIXTURES,
            partner_id=self.council.pk,
            object_type="payroll.payslip",
            object_ids=[7],
            reason=REASON,
        )
        assert (done.events, done.seqs) == ([], [])
        assert stored(first).after == {"tax_code": "K475", "union": "UNISON"}
        assert redactions() == []

    def test_content_dropped_behind_the_applications_back_under_a_redaction_mark_is_reported(self) -> None:
        first, second, _ = self.pay_events()
        self.tamper(
            "UPDATE audit_auditevent SET before = %s, after = %s, redacted_at = occurred_at, "
            "redacted_by_seq = %s "
            "WHERE id = %s",
            ['{"redacted": true}', '{"redacted": true}', second.seq, first.pk],
        )
        assert broken() == [
            (
                f"partner WPOL (id {self.police.pk})",
                first.seq,
                f"it is marked redacted by seq {second.seq}, which does not list it",
            )
        ]

    def test_content_written_under_a_redaction_mark_is_reported(self) -> None:
        first, *_ = self.pay_events()
        redact_events(actor=FIXTURES, partner_id=self.police.pk, event_ids=[first.pk], reason=REASON)
        self.tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"tax_code": "0T"}', first.pk])
        assert broken() == [
            (f"partner WPOL (id {self.police.pk})", first.seq, "it is marked redacted, but holds content")
        ]


@pytest.mark.postgres_only
class TestRedactionOnPostgreSQL(RedactionTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("SQLite has no roles or triggers: the hash chain is its only defence")
        self.first, self.second, self.other = self.pay_events()

    def refused(self, statement: str, params: list[Any] | None = None) -> str:
        with pytest.raises(ProgrammingError) as caught, transaction.atomic():
            rows(statement, params)
        return str(caught.value).splitlines()[0]

    def test_the_application_role_redacts_through_the_service_and_the_chain_verifies(self) -> None:
        with as_application():
            done = redact_events(
                actor=FIXTURES, partner_id=self.police.pk, event_ids=[self.first.pk], reason=REASON
            )
        assert done.seqs == [self.first.seq]
        assert stored(self.first).after == REDACTED
        assert broken() == []

    def test_the_application_role_still_may_not_update_an_event_even_with_the_redaction_flag_set(
        self,
    ) -> None:
        with as_application():
            rows("SELECT set_config('joinedup.audit_redaction', 'on', true)")
            message = self.refused(
                "UPDATE audit_auditevent SET before = %s, after = %s WHERE id = %s",
                ['{"redacted": true}', '{"redacted": true}', self.first.pk],
            )
        assert message == "permission denied for table audit_auditevent"
        assert stored(self.first).after == {"tax_code": "K475", "union": "UNISON"}

    def test_the_trigger_lets_the_owner_with_the_flag_make_no_change_but_a_recorded_redaction(self) -> None:
        with as_owner():
            rows("SELECT set_config('joinedup.audit_redaction', %s, true)", [str(self.other.seq)])
            action = self.refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [self.first.pk])
            # A redaction mark naming an ordinary later event, not an audit.events_redacted one.
            unlisted = self.refused(
                "UPDATE audit_auditevent SET before = %s, after = %s, redacted_at = now(), "
                "redacted_by_seq = %s "
                "WHERE id = %s",
                ['{"redacted": true}', '{"redacted": true}', self.other.seq, self.first.pk],
            )
            deleted = self.refused("DELETE FROM audit_auditevent WHERE id = %s", [self.first.pk])
            rows("SELECT set_config('joinedup.audit_redaction', '', true)")
        assert [action, unlisted, deleted] == [
            "audit events are append-only: UPDATE refused",
            "audit events are append-only: UPDATE refused",
            "audit events are append-only: DELETE refused",
        ]
        assert stored(self.first).after == {"tax_code": "K475", "union": "UNISON"}
        assert broken() == []

    def test_the_redaction_function_refuses_a_seq_that_is_no_redaction_event_and_changes_nothing(
        self,
    ) -> None:
        with as_application(), pytest.raises(Exception) as refused, transaction.atomic():
            rows("SELECT audit_redact_events(%s, %s, now())", [self.police.pk, self.other.seq])
        assert str(refused.value).splitlines()[0] == (
            f"no audit.events_redacted event seq {self.other.seq} lists events of chain {self.police.pk}"
        )
        assert stored(self.first).after == {"tax_code": "K475", "union": "UNISON"}
        assert broken() == []

    def test_a_plain_update_of_a_redacted_event_is_still_refused(self) -> None:
        redact_events(actor=FIXTURES, partner_id=self.police.pk, event_ids=[self.first.pk], reason=REASON)
        with as_owner():
            message = self.refused(
                "UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"tax_code": "0T"}', self.first.pk]
            )
        assert message == "audit events are append-only: UPDATE refused"
        assert stored(self.first).after == REDACTED
        assert connection.vendor == "postgresql"
