from __future__ import annotations

import itertools
import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from joinedup.audit.chain import GENESIS_HASH
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.audit.verification import verify_all
from joinedup.testing.base import FIXTURES, PartnerTestCase


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper(postgresql: bool, statement: str, params: list[Any]) -> None:
    """Run ``statement`` as the database's superuser with ordinary triggers off. When the suite
    acts as the application role (row-level security on, conftest.py) that role may do
    neither, so the tampering steps back to the session's own superuser and returns after."""
    if not postgresql:
        _sql(statement, params)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user::text, session_user::text")
        acting, session = cursor.fetchone()
    if acting != session:
        _sql("RESET ROLE", [])
    _sql("SET LOCAL session_replication_role = replica", [])
    _sql(statement, params)
    _sql("SET LOCAL session_replication_role = origin", [])
    if acting != session:
        _sql(f'SET ROLE "{acting}"', [])


class TestAuditChain(PartnerTestCase):
    def police_events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.for_partner(self.police).order_by("seq"))

    def tamper(self, statement: str, params: list[Any]) -> None:
        """Change the table behind the application's back, as a DBA with direct access could.
        On PostgreSQL that takes a superuser, who can switch off ordinary triggers."""
        tamper(self.on_postgresql(), statement, params)

    def test_each_event_links_to_the_one_before_it_in_its_partners_chain(self) -> None:
        record_event(actor=self.ops_admin, partner=self.police, action="test.one", after={"n": 1})
        record_event(actor=self.ops_admin, partner=self.police, action="test.two", after={"n": 2})
        events = self.police_events()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(events):
            assert after.prev_hash == before.hash
        assert events[-1].actor_label == "ops.admin"
        assert events[-1].after == {"n": 2}

    def test_a_fresh_partnership_verifies(self) -> None:
        reports = verify_all()
        assert [r.broken for r in reports] == [None] * len(reports)
        assert {r.chain.split(" ")[1] for r in reports if r.chain != "global"} == {
            "WCC",
            "WPOL",
            "WFRS",
            "WSS",
        }

    def test_it_reports_the_exact_event_changed_by_direct_sql(self) -> None:
        record_event(
            actor=self.ops_admin, partner=self.police, action="test.pay", after={"salary": "30000.00"}
        )
        record_event(actor=self.ops_admin, partner=self.police, action="test.later")
        target = next(e for e in self.police_events() if e.action == "test.pay")
        self.tamper(
            "UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"salary": "90000.00"}', target.id]
        )
        broken = [r.broken for r in verify_all() if r.broken is not None]
        assert len(broken) == 1
        assert broken[0].event_id == target.id
        assert broken[0].seq == target.seq
        assert broken[0].reason == "its content was changed after it was written"
        assert "WPOL" in broken[0].chain

    def test_it_reports_a_deleted_event_in_the_middle_of_a_chain(self) -> None:
        for n in range(3):
            record_event(actor=FIXTURES, partner=self.fire, action=f"test.{n}")
        events = list(AuditEvent.objects.for_partner(self.fire).order_by("seq"))
        victim, successor = events[-2], events[-1]
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.id])
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert broken.event_id == successor.id
        assert broken.reason == f"event seq {victim.seq} is missing"

    def test_it_reports_the_newest_event_deleted(self) -> None:
        record_event(actor=FIXTURES, partner=self.fire, action="test.last")
        last = AuditEvent.objects.for_partner(self.fire).order_by("-seq").first()
        assert last is not None
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.id])
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert broken.seq == last.seq
        assert broken.event_id is None

    def test_the_command_names_the_broken_event_and_fails(self) -> None:
        target = self.police_events()[0]
        self.tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.id])
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError, match=r"1 audit chain\(s\) broken"):
            call_command("audit", "verify", stdout=out, stderr=err)
        assert f"event id {target.id}" in err.getvalue()
        assert "its content was changed" in err.getvalue()

    def test_the_command_passes_on_an_intact_trail(self) -> None:
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "All 5 chains intact" in out.getvalue()

    # Issue 18: `joinedup audit verify` names the first bad event of a chain for each kind of
    # tampering, a changed, a deleted and a reordered row. (On PostgreSQL the application's
    # role can do none of these: test_append_only.py; the tampering here is a superuser's.)
    def verify_fails(self) -> str:
        err = StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("audit", "verify", stdout=StringIO(), stderr=err)
        assert str(caught.value) == "1 audit chain(s) broken."
        return err.getvalue()

    def fire_chain(self) -> tuple[str, list[AuditEvent]]:
        for n in range(4):
            record_event(actor=FIXTURES, partner=self.fire, action=f"test.{n}")
        events = list(AuditEvent.objects.for_partner(self.fire).order_by("seq"))
        return f"partner WFRS (id {self.fire.pk})", events

    def test_the_command_names_the_first_of_two_changed_events(self) -> None:
        chain, events = self.fire_chain()
        first, later = events[-3], events[-1]
        self.tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.other", later.id])
        self.tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 1}', first.id])
        assert self.verify_fails() == (
            f"Broken link — {chain}: seq {first.seq}, event id {first.id}: "
            "its content was changed after it was written\n"
        )

    def test_the_command_names_the_event_that_follows_a_deleted_one(self) -> None:
        chain, events = self.fire_chain()
        deleted, successor = events[-3], events[-2]
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [deleted.id])
        assert self.verify_fails() == (
            f"Broken link — {chain}: seq {deleted.seq}, event id {successor.id}: "
            f"event seq {deleted.seq} is missing\n"
        )

    def test_the_command_names_the_first_event_of_two_swapped_in_order(self) -> None:
        chain, events = self.fire_chain()
        earlier, later = events[-3], events[-2]
        # Swap the two events' places in the chain (through a free seq: the pair is unique).
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [10_000, earlier.id])
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [earlier.seq, later.id])
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [later.seq, earlier.id])
        assert self.verify_fails() == (
            f"Broken link — {chain}: seq {earlier.seq}, event id {later.id}: "
            "does not link to the event before it\n"
        )

    def test_decimals_and_dates_hash_as_they_read_back(self) -> None:
        from datetime import date
        from decimal import Decimal

        record_event(
            actor=FIXTURES,
            partner=self.council,
            action="test.types",
            after={"amount": Decimal("1234.50"), "effective": date(2026, 4, 1)},
        )
        event = AuditEvent.objects.for_partner(self.council).get(action="test.types")
        assert event.after == {"amount": "1234.50", "effective": "2026-04-01"}
        assert [r.broken for r in verify_all()] == [None] * 5


class TestSignedCheckpoints(PartnerTestCase):
    """Issue 20: removing the newest events and rolling the chain head back in the same
    database passed verification; a checkpoint signed with a key outside the database does not."""

    def setUp(self) -> None:
        super().setUp()
        folder = self.enterContext(tempfile.TemporaryDirectory())
        self.checkpoints = Path(folder) / "audit-checkpoints.jsonl"
        self.enterContext(override_settings(AUDIT_CHECKPOINT_FILE=self.checkpoints))

    def tamper(self, statement: str, params: list[Any]) -> None:
        tamper(self.on_postgresql(), statement, params)

    def fire_events(self, n: int = 3) -> list[AuditEvent]:
        for i in range(n):
            record_event(actor=FIXTURES, partner=self.fire, action=f"test.{i}")
        return list(AuditEvent.objects.for_partner(self.fire).order_by("seq"))

    def checkpoint(self) -> str:
        out = StringIO()
        call_command("audit", "checkpoint", stdout=out)
        return out.getvalue()

    def cut_short(self, events: list[AuditEvent]) -> AuditEvent:
        """Delete the newest event and roll the chain head back to the one before, in SQL."""
        last, before = events[-1], events[-2]
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.id])
        self.tamper(
            "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE partner_id = %s",
            [before.seq, before.hash, self.fire.pk],
        )
        return last

    def test_a_chain_cut_short_with_its_head_rolled_back_fails_verification_naming_the_missing_seq(
        self,
    ) -> None:
        events = self.fire_events()
        assert "Signed checkpoint 1 of 5 chain heads appended" in self.checkpoint()
        last = self.cut_short(events)
        # Without the checkpoint the database agrees with itself: this is the attack.
        assert [r.broken for r in verify_all(checkpoint=None)] == [None] * 5
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert (broken.event_id, broken.seq) == (None, last.seq)
        assert broken.reason.startswith(f"event seq {last.seq} is missing: the chain was cut short")
        assert broken.reason.endswith(f"records {last.seq} events)")
        err = StringIO()
        with pytest.raises(CommandError, match=r"1 audit chain\(s\) broken"):
            call_command("audit", "verify", stdout=StringIO(), stderr=err)
        assert f"partner WFRS (id {self.fire.pk}): seq {last.seq}, after the last event" in err.getvalue()
        assert f"event seq {last.seq} is missing: the chain was cut short" in err.getvalue()

    def test_events_written_after_the_checkpoint_verify(self) -> None:
        self.fire_events(2)
        self.checkpoint()
        self.fire_events(2)
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "Checking against signed checkpoint 1 of" in out.getvalue()
        assert "All 5 chains intact" in out.getvalue()

    def test_events_moved_out_of_order_are_reported_at_the_first_moved_event(self) -> None:
        events = self.fire_events()
        second, third = events[-2], events[-1]
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [10_000, second.id])
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, third.id])
        self.tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [third.seq, second.id])
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert (broken.event_id, broken.seq, broken.reason) == (
            third.id,
            second.seq,
            "does not link to the event before it",
        )

    def test_a_changed_row_and_a_deleted_middle_row_are_named_after_a_checkpoint_too(self) -> None:
        events = self.fire_events(4)
        self.checkpoint()
        changed, deleted, successor = events[-4], events[-2], events[-1]
        self.tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.other", changed.id])
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [deleted.id])
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert (broken.event_id, broken.reason) == (
            changed.id,
            "its content was changed after it was written",
        )
        self.tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", [changed.action, changed.id])
        (broken,) = [r.broken for r in verify_all() if r.broken is not None]
        assert (broken.event_id, broken.reason) == (successor.id, f"event seq {deleted.seq} is missing")

    def test_a_checkpoint_edited_in_the_file_is_not_trusted(self) -> None:
        self.fire_events()
        self.checkpoint()
        row = json.loads(self.checkpoints.read_text())
        row["heads"][str(self.fire.pk)][0] -= 1  # as if to vouch for a shorter chain
        self.checkpoints.write_text(json.dumps(row) + "\n")
        with pytest.raises(CommandError) as caught:
            call_command("audit", "verify", stdout=StringIO())
        assert str(caught.value) == (
            f"The checkpoint file cannot be trusted: {self.checkpoints} line 1 is not signed by this "
            "installation's checkpoint key."
        )

    def test_a_checkpoint_taken_out_of_the_file_is_noticed(self) -> None:
        self.fire_events(1)
        self.checkpoint()
        self.fire_events(1)
        self.checkpoint()
        self.fire_events(1)
        self.checkpoint()
        first, _, third = self.checkpoints.read_text().splitlines()
        self.checkpoints.write_text(f"{first}\n{third}\n")
        with pytest.raises(CommandError, match="line 2 does not follow the checkpoint before it"):
            call_command("audit", "verify", stdout=StringIO())

    def test_no_checkpoint_is_taken_of_a_broken_trail(self) -> None:
        self.cut_short(self.fire_events())
        # The head now disagrees with nothing, so break the trail where the walk sees it.
        target = AuditEvent.objects.for_partner(self.fire).order_by("seq").first()
        assert target is not None
        self.tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.other", target.id])
        with pytest.raises(CommandError, match=r"1 audit chain\(s\) broken: no checkpoint written"):
            call_command("audit", "checkpoint", stdout=StringIO(), stderr=StringIO())
        assert not self.checkpoints.exists()

    def test_the_signature_is_keyed_outside_the_database(self) -> None:
        self.fire_events(1)
        self.checkpoint()
        with (
            override_settings(AUDIT_CHECKPOINT_KEY="another installation's key"),
            pytest.raises(CommandError, match="not signed by this installation's checkpoint key"),
        ):
            call_command("audit", "verify", stdout=StringIO())
