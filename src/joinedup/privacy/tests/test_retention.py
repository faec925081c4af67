"""The retention run (issue 17's acceptance): with the clock fixed on 1 December 2026 it anonymises
exactly the expired payslips and tickets, keeps what a legal hold or the statutory minimum keeps,
changes nothing the second time, and leaves every audit chain verifying."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404

from joinedup.audit.chain import REDACTED
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import record_event
from joinedup.audit.verification import verify_all
from joinedup.core import attachments, rls
from joinedup.core.actors import SystemActor
from joinedup.partnership.models import Role
from joinedup.payroll.models import Payslip, PayslipLine, RunStatus
from joinedup.privacy import retention
from joinedup.privacy.models import RetentionHold, RetentionSchedule
from joinedup.privacy.retention_rules import first_removable_day, last_expired_tax_year, rule_on
from joinedup.privacy.tests.sarbase import payslip
from joinedup.servicedesk.models import EventKind, Ticket, TicketAttachment, TicketEvent, TicketStatus
from joinedup.servicedesk.services import TicketIn, add_attachment, raise_ticket, reply
from joinedup.wellbeing.tests.casebase import CaseTestCase

AS_OF = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SYSTEM = SystemActor(reason="test: retention run")


def frozen() -> Any:
    return mock.patch("django.utils.timezone.now", return_value=NOW)


class TestRetentionRules:
    def test_a_payslip_may_go_three_years_after_its_tax_year_ends(self) -> None:
        # PAYE Regulations 2003 reg. 97: 2022/23 ends 5 April 2023; kept until 5 April 2026.
        rule = rule_on("payslips", AS_OF)
        assert first_removable_day(rule, date(2022, 4, 6), 36) == date(2026, 4, 6)
        assert last_expired_tax_year(rule, 36, date(2026, 4, 5)) == 2021
        assert last_expired_tax_year(rule, 36, date(2026, 4, 6)) == 2022

    def test_every_type_names_its_source(self) -> None:
        payslips = rule_on("payslips", AS_OF)
        assert (payslips.minimum_months, payslips.default_months) == (36, 72)
        assert "reg. 97" in payslips.source
        assert rule_on("tickets", AS_OF).minimum_months == 0


class RetentionTestCase(CaseTestCase):
    council_dpo: Any
    police_dpo: Any
    ada_2019: Payslip
    ada_2020: Payslip
    ada_2023: Payslip
    mary_2019: Payslip
    police_2019: Payslip
    old_ticket: Ticket
    recent_ticket: Ticket

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_dpo = cls.make_user("council.dpo", [(cls.council, Role.DATA_PROTECTION_OFFICER)])
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])
        paid = RunStatus.PAID
        # Council, default six years after the tax year: 2019/20 ended 5 April 2020, so it may go
        # from 6 April 2026; 2020/21 is within the default, 2023/24 within the statutory minimum.
        cls.ada_2019 = payslip(
            cls.council_emp, tax_year=2019, period=1, pay_date=date(2019, 4, 26), status=paid
        )
        cls.ada_2020 = payslip(
            cls.council_emp, tax_year=2020, period=1, pay_date=date(2020, 4, 24), status=paid
        )
        cls.ada_2023 = payslip(
            cls.council_emp, tax_year=2023, period=1, pay_date=date(2023, 4, 28), status=paid
        )
        # Mary's 2019 council payslip has expired too, but a hold on her payroll records keeps it.
        cls.mary_2019 = payslip(
            cls.shared_person_council, tax_year=2019, period=2, pay_date=date(2019, 5, 24), status=paid
        )
        # The police keep payroll records eight years (its schedule): its 2019 payslip stays.
        cls.police_2019 = payslip(
            cls.police_emp, tax_year=2019, period=1, pay_date=date(2019, 4, 26), status=paid
        )
        for slip in (cls.ada_2019, cls.ada_2020, cls.mary_2019):
            PayslipLine.objects.create(
                partner_id=slip.partner_id,
                payslip=slip,
                kind="deduction",
                code="UNION",
                description="UNISON subscription",
                amount=1250,
            )
        cls.old_ticket = cls.closed_ticket(
            "Printer", "My printer jams", closed=datetime(2024, 6, 1, tzinfo=UTC)
        )
        cls.recent_ticket = cls.closed_ticket(
            "Screen", "My screen flickers", closed=datetime(2025, 6, 1, tzinfo=UTC)
        )

    @classmethod
    def closed_ticket(cls, subject: str, description: str, *, closed: datetime) -> Ticket:
        ticket = raise_ticket(
            actor=cls.ada,
            partner=cls.council,
            details=TicketIn(service="ict", ticket_type="incident", subject=subject, description=description),
        )
        reply(actor=cls.ada, ticket=ticket, body="It happened again this morning.")
        Ticket.objects.for_partner(cls.council).filter(pk=ticket.pk).update(
            status=TicketStatus.CLOSED, closed_at=closed
        )
        return ticket

    def hold_mary(self) -> RetentionHold:
        with frozen():
            return retention.place_retention_hold(
                actor=self.council_dpo,
                partner=self.council,
                record_type="payslips",
                person=self.shared_person_council.person,
                reference="ET/1234/2026",
                reason="Equal-pay claim at the employment tribunal.",
            )

    def police_eight_years(self) -> None:
        with frozen():
            retention.set_retention_schedule(
                actor=self.police_dpo,
                partner=self.police,
                record_type="payslips",
                months=96,
                reason="Police pension remedy: records kept eight years.",
            )

    def run_retention(self, actor: Any = SYSTEM, *, dry_run: bool = False) -> retention.RunReport:
        with frozen():
            return retention.retention_run(actor=actor, as_of=AS_OF, dry_run=dry_run)

    @staticmethod
    def snapshot() -> dict[str, Any]:
        """Every row the run may touch, and the number of audit events."""
        with rls.system_context("test: the retention run's rows"):
            payslips = Payslip.objects.unscoped(reason="test").order_by("pk")
            tickets = Ticket.objects.unscoped(reason="test").order_by("pk")
            events = TicketEvent.objects.unscoped(reason="test").order_by("pk")
            lines = PayslipLine.objects.unscoped(reason="test").order_by("pk")
            audit = AuditEvent.objects.unscoped(reason="test")
            return {
                "payslips": list(
                    payslips.values_list("pk", "tax_code", "ni_category", "pension_scheme", "net_pay")
                ),
                "lines": list(lines.values_list("pk", "description")),
                "tickets": list(tickets.values_list("pk", "subject", "description")),
                "events": list(events.values_list("pk", "body")),
                "audit": audit.count(),
            }

    def slip(self, made: Payslip) -> tuple[str, str, str, int]:
        found = Payslip.objects.for_partner(made.partner_id).get(pk=made.pk)
        return found.tax_code, found.ni_category, found.pension_scheme, found.net_pay


class TestRetentionRun(RetentionTestCase):
    def test_it_anonymises_exactly_the_expired_payslips_and_keeps_their_figures(self) -> None:
        self.hold_mary()
        self.police_eight_years()
        self.run_retention()
        assert self.slip(self.ada_2019) == ("", "", "", 100000)
        assert PayslipLine.objects.for_partner(self.council).filter(payslip=self.ada_2019).count() == 0
        assert self.slip(self.ada_2020) == ("1257L", "A", "lgps_main", 100000)
        assert self.slip(self.ada_2023) == ("1257L", "A", "lgps_main", 100000)
        assert self.slip(self.mary_2019) == ("1257L", "A", "lgps_main", 100000)
        assert self.slip(self.police_2019) == ("1257L", "A", "lgps_main", 100000)
        assert PayslipLine.objects.for_partner(self.council).count() == 2

    def test_it_anonymises_the_requesters_words_on_an_expired_ticket_only(self) -> None:
        self.run_retention()
        old = Ticket.objects.for_partner(self.council).get(pk=self.old_ticket.pk)
        assert (old.subject, old.description) == (retention.REDACTED_SUBJECT, "")
        assert list(
            TicketEvent.objects.for_partner(self.council).filter(ticket=old).values_list("body", flat=True)
        ) == [
            "",
            "",
        ]
        recent = Ticket.objects.for_partner(self.council).get(pk=self.recent_ticket.pk)
        assert (recent.subject, recent.description) == ("Screen", "My screen flickers")
        assert sorted(
            TicketEvent.objects.for_partner(self.council).filter(ticket=recent).values_list("body", flat=True)
        ) == ["It happened again this morning.", "My screen flickers"]

    def test_it_reports_expired_held_and_removed_per_partner_and_type(self) -> None:
        self.hold_mary()
        self.police_eight_years()
        report = self.run_retention()
        rows = {(t.partner, t.record_type): (t.expired, t.held, t.removed) for t in report.types}
        council, police = self.council.code, self.police.code
        assert rows[(council, "payslips")] == (2, 1, 1)
        assert rows[(council, "tickets")] == (1, 0, 1)
        assert rows[(police, "payslips")] == (0, 0, 0)
        recruitment = next(t for t in report.types if (t.partner, t.record_type) == (council, "recruitment"))
        assert recruitment.note == "joinedup holds no such records"
        assert report.occupational_health["erased"] == 0

    def test_a_second_run_changes_nothing(self) -> None:
        self.hold_mary()
        self.run_retention()
        after_first = self.snapshot()
        report = self.run_retention()
        assert self.snapshot() == after_first
        council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == (1, 1, 0)
        assert council["tickets"] == (0, 0, 0)

    def test_a_dry_run_changes_nothing(self) -> None:
        before = self.snapshot()
        report = self.run_retention(dry_run=True)
        assert self.snapshot() == before
        council = {t.record_type: t.expired for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == 2

    def test_every_audit_chain_still_verifies_and_each_batch_is_an_event(self) -> None:
        self.hold_mary()
        self.run_retention()
        with frozen():
            reports = verify_all(checkpoint=None)
        assert [r.chain for r in reports if r.broken is not None] == []
        events = AuditEvent.objects.for_partner(self.council).filter(action="privacy.retention_anonymised")
        assert sorted(e.object_type for e in events) == ["payslips", "tickets"]
        payslips = events.get(object_type="payslips")
        assert payslips.after["count"] == 1
        assert payslips.after["first_id"] == self.ada_2019.pk
        assert "reg. 97" in payslips.after["source"]

    def test_the_audit_events_about_what_it_anonymised_are_redacted_and_verify_passes(self) -> None:
        with frozen():
            # What a reopened ticket's and a payslip's events say of the person.
            record_event(
                actor=self.ada,
                partner=self.council,
                action="servicedesk.ticket_reopened",
                target=self.old_ticket,
                after={"reason": "It still jams and my back hurts from bending over it"},
            )
            record_event(
                actor=SYSTEM,
                partner=self.council,
                action="payroll.payslip_corrected",
                target=self.ada_2019,
                after={"tax_code": "K475"},
            )
        council = AuditEvent.objects.for_partner(self.council)
        old = council.filter(object_type="servicedesk.ticket", object_id=str(self.old_ticket.pk)).order_by(
            "seq"
        )
        recent = council.filter(object_type="servicedesk.ticket", object_id=str(self.recent_ticket.pk))
        slip = council.filter(object_type="payroll.payslip", object_id=str(self.ada_2019.pk))
        old_seqs = list(old.values_list("seq", flat=True))
        recent_content = list(recent.order_by("seq").values_list("before", "after"))
        assert len(old_seqs) == 3
        self.run_retention()
        redactions = {e.object_type: e for e in council.filter(action="audit.events_redacted")}
        assert sorted(redactions) == ["payroll.payslip", "servicedesk.ticket"]
        tickets = redactions["servicedesk.ticket"]
        assert tickets.after == {
            "seqs": old_seqs,
            "reason": "retention: tickets anonymised",
            "version_1_kept": [],
        }
        assert [(e.before, e.after, e.redacted_by_seq) for e in old] == [
            (REDACTED, REDACTED, tickets.seq)
        ] * 3
        assert [(e.before, e.after) for e in slip] == [(REDACTED, REDACTED)]
        assert list(recent.order_by("seq").values_list("before", "after")) == recent_content
        words = json.dumps([[e.before, e.after] for e in council])
        assert ("back hurts" in words, "K475" in words) == (False, False)
        batches = council.filter(action="privacy.retention_anonymised")
        assert {e.object_type: e.after["audit_events_redacted"] for e in batches} == {
            "payslips": 1,
            "tickets": 3,
        }
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "All 5 chains intact" in out.getvalue()

    def test_a_lifted_hold_lets_the_next_run_remove_what_it_kept(self) -> None:
        hold = self.hold_mary()
        self.run_retention()
        with frozen():
            retention.lift_retention_hold(actor=self.council_dpo, hold=hold, reason="Claim withdrawn.")
        self.run_retention()
        assert self.slip(self.mary_2019) == ("", "", "", 100000)
        lifted = RetentionHold.objects.for_partner(self.council).get(pk=hold.pk)
        assert (lifted.lifted_by, lifted.lift_reason) == (self.council_dpo, "Claim withdrawn.")

    def test_a_hold_on_every_payslip_of_the_partner_keeps_them_all(self) -> None:
        with frozen():
            retention.place_retention_hold(
                actor=self.council_dpo,
                partner=self.council,
                record_type="payslips",
                reference="PAYROLL-AUDIT-2026",
                reason="HMRC employer compliance review.",
            )
        report = self.run_retention()
        council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == (2, 2, 0)
        assert self.slip(self.ada_2019) == ("1257L", "A", "lgps_main", 100000)

    def test_a_day_in_the_future_is_refused(self) -> None:
        with frozen(), pytest.raises(ValidationError) as refused:
            retention.retention_run(actor=SYSTEM, as_of=date(2026, 12, 2))
        assert refused.value.messages == [
            "2 December 2026 is in the future: records go on or after their day."
        ]

    def test_a_dpo_runs_it_for_their_own_partner_only(self) -> None:
        report = self.run_retention(self.police_dpo)
        assert {t.partner for t in report.types} == {self.police.code}
        assert self.slip(self.ada_2019) == ("1257L", "A", "lgps_main", 100000)

    def test_someone_without_the_permission_is_refused_and_nothing_changes(self) -> None:
        before = self.snapshot()
        with frozen(), pytest.raises(PermissionDenied):
            retention.retention_run(actor=self.council_hr, as_of=AS_OF)
        assert self.snapshot() == before

    def test_the_command_prints_the_report_as_json(self) -> None:
        out = StringIO()
        with frozen():
            call_command("privacy", "retention-run", "--as-of", "2026-12-01", "--json", stdout=out)
        report = json.loads(out.getvalue())
        council = {t["record_type"]: t for t in report["types"] if t["partner"] == self.council.code}
        assert (council["payslips"]["expired"], council["payslips"]["removed"]) == (2, 2)
        assert self.slip(self.mary_2019) == ("", "", "", 100000)

    def test_the_command_says_what_a_dry_run_would_remove_and_changes_nothing(self) -> None:
        self.hold_mary()
        before = self.snapshot()
        out = StringIO()
        with frozen():
            call_command("privacy", "retention-run", "--as-of", "2026-12-01", "--dry-run", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0] == "Retention run as of 2026-12-01 (dry run):"
        assert f"  {self.council.code} payslips: 2 expired, 1 held, would remove 1" in lines
        assert f"  {self.council.code} tickets: 1 expired, 0 held, would remove 1" in lines
        assert self.snapshot() == before

    def test_the_command_refuses_a_date_it_cannot_read(self) -> None:
        with pytest.raises(CommandError) as refused:
            call_command("privacy", "retention-run", "--as-of", "1/12/2026")
        assert str(refused.value) == "--as-of '1/12/2026': give a date as YYYY-MM-DD."
        assert refused.value.returncode == 2


class TestSchedulesAndHolds(RetentionTestCase):
    def test_a_schedule_below_the_statutory_minimum_is_refused(self) -> None:
        with frozen(), pytest.raises(ValidationError) as refused:
            retention.set_retention_schedule(
                actor=self.council_dpo,
                partner=self.council,
                record_type="payslips",
                months=24,
                reason="Shorter.",
            )
        assert refused.value.messages[0].startswith(
            "24 months is below the statutory minimum for payroll records (payslips and their lines): "
            "36 months"
        )
        assert RetentionSchedule.objects.for_partner(self.council).count() == 0

    def test_a_schedule_may_lengthen_the_period_and_is_audited(self) -> None:
        self.police_eight_years()
        schedule = RetentionSchedule.objects.for_partner(self.police).get()
        assert (schedule.record_type, schedule.months) == ("payslips", 96)
        event = AuditEvent.objects.for_partner(self.police).get(action="privacy.retention_schedule_set")
        assert event.after == {
            "record_type": "payslips",
            "months": 96,
            "minimum_months": 36,
            "default_months": 72,
        }

    def test_a_hold_is_audited_without_its_reason(self) -> None:
        hold = self.hold_mary()
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.retention_hold_placed")
        assert event.after["reference"] == "ET/1234/2026"
        assert "tribunal" not in json.dumps(event.after)
        assert hold.placed_by == self.council_dpo

    def test_another_partners_dpo_cannot_place_a_hold_and_nothing_changes(self) -> None:
        before = AuditEvent.objects.for_partner(self.council).count()
        with frozen(), pytest.raises(PermissionDenied):
            retention.place_retention_hold(
                actor=self.police_dpo,
                partner=self.council,
                record_type="payslips",
                reference="X",
                reason="Not theirs.",
            )
        assert RetentionHold.objects.for_partner(self.council).count() == 0
        assert AuditEvent.objects.for_partner(self.council).count() == before

    def test_another_partners_hold_answers_404_and_stays_in_force(self) -> None:
        hold = self.hold_mary()
        with pytest.raises(Http404):
            retention.hold_for(self.police_dpo, hold_id=hold.pk)
        with frozen(), pytest.raises(PermissionDenied):
            retention.lift_retention_hold(actor=self.police_dpo, hold=hold, reason="Not theirs.")
        assert RetentionHold.objects.for_partner(self.council).get(pk=hold.pk).lifted_at is None

    def test_an_unknown_record_type_is_refused(self) -> None:
        with frozen(), pytest.raises(ValidationError) as refused:
            retention.place_retention_hold(
                actor=self.council_dpo, partner=self.council, record_type="emails", reference="X", reason="Y"
            )
        assert refused.value.messages == [
            "'emails' is not a record type here (payslips, tickets, recruitment)."
        ]


def test_the_daily_job_is_in_the_worker_list() -> None:
    from django.conf import settings

    jobs = {name: path for name, path, _minutes in settings.WORKER_PERIODIC}
    assert jobs["privacy retention-run"] == "joinedup.privacy.retention.scheduled_run"


class TestRetentionRunInIdRanges(RetentionTestCase):
    """Batches are ranges of ids (``BATCH`` of them, one here so that every payslip is its own
    batch): between and around the expired payslips lie ones within the default period, within
    the statutory minimum and held, which no batch touches."""

    ada_2019_later: list[Payslip]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        paid = RunStatus.PAID
        cls.ada_2019_later = [
            payslip(cls.council_emp, tax_year=2019, period=p, pay_date=date(2019, p + 3, 26), status=paid)
            for p in (3, 4)
        ]
        for slip in cls.ada_2019_later:
            PayslipLine.objects.create(
                partner_id=slip.partner_id,
                payslip=slip,
                kind="deduction",
                code="AEO",
                description="Attachment of earnings order",
                amount=4000,
            )

    def expired(self) -> list[int]:
        return sorted([self.ada_2019.pk, *(s.pk for s in self.ada_2019_later)])

    def anonymised(self) -> list[int]:
        with rls.system_context("test: which payslips were anonymised"):
            found = Payslip.objects.unscoped(reason="test").filter(tax_code="")
            return sorted(found.values_list("pk", flat=True))

    def batch_events(self) -> list[tuple[str, int]]:
        events = AuditEvent.objects.for_partner(self.council).filter(
            action="privacy.retention_anonymised", object_type="payslips"
        )
        return sorted((e.object_id, e.after["count"]) for e in events)

    def test_it_anonymises_exactly_the_expired_payslips_nothing_held_or_within_the_minimum(self) -> None:
        self.hold_mary()
        self.police_eight_years()
        with mock.patch.object(retention, "BATCH", 1):
            report = self.run_retention()
        assert self.anonymised() == self.expired()
        council = {t.record_type: (t.expired, t.held, t.removed) for t in report.types if t.partner == "WCC"}
        assert council["payslips"] == (4, 1, 3)
        assert self.slip(self.ada_2023) == ("1257L", "A", "lgps_main", 100000)
        assert self.slip(self.mary_2019) == ("1257L", "A", "lgps_main", 100000)
        lines = PayslipLine.objects.for_partner(self.council)
        assert sorted(lines.values_list("payslip_id", flat=True)) == sorted(
            [self.ada_2020.pk, self.mary_2019.pk]
        )
        assert self.batch_events() == sorted((f"{pk}-{pk}", 1) for pk in self.expired())

    def test_a_run_killed_after_its_first_batch_is_finished_by_the_next_with_the_same_end_state(self) -> None:
        self.hold_mary()
        self.police_eight_years()
        real = retention._remove_batch
        done: list[int] = []

        def killed_after_one(**kwargs: Any) -> int:
            if done:
                raise RuntimeError("killed")
            done.append(real(**kwargs))
            return done[-1]

        with mock.patch.object(retention, "BATCH", 1):
            with mock.patch.object(retention, "_remove_batch", killed_after_one), pytest.raises(RuntimeError):
                self.run_retention()
            assert self.anonymised() == self.expired()[:1]
            report = self.run_retention()
            council = {t.record_type: (t.expired, t.removed) for t in report.types if t.partner == "WCC"}
            assert council["payslips"] == (3, 2)
            after = self.snapshot()
            third = self.run_retention()
        assert sum(t.removed for t in third.types) == 0
        assert self.anonymised() == self.expired()
        lines = PayslipLine.objects.for_partner(self.council)
        assert sorted(lines.values_list("payslip_id", flat=True)) == sorted(
            [self.ada_2020.pk, self.mary_2019.pk]
        )
        # One event for each payslip's batch, none twice; nothing more on a third run.
        assert self.batch_events() == sorted((f"{pk}-{pk}", 1) for pk in self.expired())
        assert self.snapshot() == after
        with frozen():
            reports = verify_all(checkpoint=None)
        assert [r.chain for r in reports if r.broken is not None] == []


class TestRetentionOfTicketDocuments(RetentionTestCase):
    """An expired ticket's documents go with the requester's words: their records in the run, their
    files once it commits, unless another record still names the same file."""

    def attach(self, ticket: Ticket, filename: str, content: bytes) -> TicketAttachment:
        # Attached while the ticket was open, as a requester does; then closed again as it was.
        Ticket.objects.for_partner(self.council).filter(pk=ticket.pk).update(status=TicketStatus.IN_PROGRESS)
        found = add_attachment(
            actor=self.ada,
            ticket=Ticket.objects.for_partner(self.council).get(pk=ticket.pk),
            filename=filename,
            content=content,
        )
        Ticket.objects.for_partner(self.council).filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
        return found

    @staticmethod
    def stored(sha256: str) -> Path:
        return Path(settings.ATTACHMENTS_DIR) / sha256[:2] / sha256

    def age(self, sha256: str) -> None:
        """The file as if stored a year before the run (its documents were, with the ticket)."""
        then = NOW.timestamp() - 365 * 24 * 3600
        os.utime(self.stored(sha256), (then, then))

    def test_it_removes_an_expired_tickets_documents_and_files_keeping_a_file_another_ticket_names(
        self,
    ) -> None:
        own = self.attach(self.old_ticket, "jammed-page.pdf", b"%PDF-1.4 the jammed page " + os.urandom(8))
        shared_content = b"%PDF-1.4 printer settings " + os.urandom(8)
        shared_old = self.attach(self.old_ticket, "settings.pdf", shared_content)
        shared_recent = self.attach(self.recent_ticket, "settings.pdf", shared_content)
        for found in (own, shared_old):
            self.age(found.sha256)
        with self.captureOnCommitCallbacks(execute=True):
            self.run_retention()
        documents = TicketAttachment.objects.for_partner(self.council)
        assert list(documents.values_list("pk", flat=True)) == [shared_recent.pk]
        assert not self.stored(own.sha256).exists()
        assert self.stored(shared_recent.sha256).read_bytes() == shared_content
        bodies = TicketEvent.objects.for_partner(self.council).filter(ticket=self.old_ticket)
        assert sorted(bodies.values_list("body", flat=True)) == ["", "", "", ""]
        recent = TicketEvent.objects.for_partner(self.council).filter(
            ticket=self.recent_ticket, kind=EventKind.ATTACHMENT
        )
        assert list(recent.values_list("body", flat=True)) == ["settings.pdf"]

    def test_a_file_stored_within_a_day_waits_for_a_later_sweep(self) -> None:
        sha256 = attachments.store(b"%PDF-1.4 an upload not yet committed " + os.urandom(8))
        with frozen():
            assert retention.sweep_attachments({sha256}) == []
        assert self.stored(sha256).exists()
        self.age(sha256)
        with frozen():
            assert retention.sweep_attachments({sha256}) == [sha256]
        assert not self.stored(sha256).exists()

    def test_a_second_run_removes_no_more_documents(self) -> None:
        kept = self.attach(self.recent_ticket, "screen.pdf", b"%PDF-1.4 the flicker " + os.urandom(8))
        self.age(kept.sha256)
        with self.captureOnCommitCallbacks(execute=True):
            self.run_retention()
        with self.captureOnCommitCallbacks(execute=True):
            self.run_retention()
        assert list(TicketAttachment.objects.for_partner(self.council).values_list("pk", flat=True)) == [
            kept.pk
        ]
        assert self.stored(kept.sha256).exists()


# Columns named like a checksum that do not name a file of the attachment store, and why.
NOT_STORED = {
    "privacy.exitexport.manifest_sha256": "the exit export's manifest, written to its own directory",
    "privacy.subjectaccessrequest.export_sha256": "the checksum of a SAR export kept encrypted in its row",
}


def test_the_sweep_reads_every_column_that_names_a_stored_file() -> None:
    from django.apps import apps

    found = {
        f"{model._meta.label_lower}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("joinedup.")
        for field in model._meta.concrete_fields
        if field.name.endswith("sha256")
    }
    swept = {f"{model._meta.label_lower}.{column}" for model, column in retention.STORED_DOCUMENTS}
    assert sorted(found - set(NOT_STORED)) == sorted(swept)
