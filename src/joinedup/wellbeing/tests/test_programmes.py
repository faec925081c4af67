"""Wellbeing programmes (issue 16): monthly usage counts entered by OH administrators or imported
(all or nothing), and the usage report in aggregate only with small-number suppression
(core/suppression.py: no cell from 1 to 4 shown, and the cells that would give one away hidden
too), read by OH, service administrators and union representatives."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner, Role
from joinedup.testing.base import PartnerTestCase
from joinedup.wellbeing import programme_selectors as selectors
from joinedup.wellbeing.models import ProgrammeUsage, WellbeingProgramme
from joinedup.wellbeing.programmes import programme_create, usage_import_file, usage_record

OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


class ProgrammeTestCase(PartnerTestCase):
    eap: WellbeingProgramme
    physio: WellbeingProgramme

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.eap = programme_create(
            actor=cls.oh_admin,
            partner=cls.council,
            name="Employee assistance",
            service="eap",
            provider="Care First",
        )
        cls.physio = programme_create(
            actor=cls.oh_admin, partner=cls.council, name="Physiotherapy", service="physiotherapy"
        )

    def audit_count(self, partner: Partner, action: str) -> int:
        return AuditEvent.objects.for_partner(partner).filter(action=action).count()

    def counts(self, partner: Partner) -> list[tuple[str, str, str, str, int]]:
        return [
            (u.programme.name, f"{u.month:%Y-%m}", u.measure, u.reason, u.count)
            for u in ProgrammeUsage.objects.for_partner(partner).select_related("programme")
        ]


class TestUsage(ProgrammeTestCase):
    def test_it_records_a_months_counts_and_audits_what_changed(self) -> None:
        changed = usage_record(
            actor=self.oh_admin,
            programme=self.eap,
            month=OCT,
            measure="sessions",
            counts={"stress": 14, "work": 0},
        )
        assert changed == {"stress": (None, 14), "work": (None, 0)}
        again = usage_record(
            actor=self.oh_admin,
            programme=self.eap,
            month=OCT,
            measure="sessions",
            counts={"stress": 15, "work": 0},
        )
        assert again == {"stress": (14, 15)}
        assert (
            usage_record(
                actor=self.oh_admin, programme=self.eap, month=OCT, measure="sessions", counts={"stress": 15}
            )
            == {}
        )
        assert self.counts(self.council) == [
            ("Employee assistance", "2026-10", "sessions", "stress", 15),
            ("Employee assistance", "2026-10", "sessions", "work", 0),
        ]
        assert self.audit_count(self.council, "wellbeing.usage_recorded") == 2  # none for no change
        event = (
            AuditEvent.objects.for_partner(self.council)
            .filter(action="wellbeing.usage_recorded")
            .order_by("pk")
            .last()
        )
        assert event is not None
        assert (event.before, event.after) == (
            {"month": "2026-10-01", "measure": "sessions", "counts": {"stress": 14}},
            {"month": "2026-10-01", "measure": "sessions", "counts": {"stress": 15}},
        )

    def test_it_refuses_a_bad_month_measure_reason_or_count_and_stores_nothing(self) -> None:
        with pytest.raises(ValidationError) as caught:
            usage_record(
                actor=self.oh_admin,
                programme=self.eap,
                month=date(2026, 10, 15),
                measure="hugs",
                counts={"gossip": 3, "stress": -1},
            )
        assert caught.value.message_dict == {
            "month": ["Give the month as its first day."],
            "measure": ["Choose what is counted from the list."],
            "gossip": ["Choose the reason from the list."],
            "stress": ["Enter a count from 0 to 1,000,000."],
        }
        assert self.counts(self.council) == []

    def test_a_union_rep_or_a_manager_may_not_enter_counts_and_nothing_changes(self) -> None:
        manager = self.make_user("council.manager", [(self.council, Role.MANAGER)])
        for user in (self.union_rep, manager, self.oh_clinician):
            with pytest.raises(PermissionDenied):
                usage_record(
                    actor=user, programme=self.eap, month=OCT, measure="referrals", counts={"stress": 5}
                )
        assert self.counts(self.council) == []
        assert self.audit_count(self.council, "wellbeing.usage_recorded") == 0

    def test_another_partners_programme_is_not_found(self) -> None:
        police_oh = self.make_user("police.oh", [(self.police, Role.OH_ADMIN)])
        with pytest.raises(Http404):
            selectors.programme_for(police_oh, programme_id=self.eap.pk)
        with pytest.raises(Http404):
            selectors.usage_entries(police_oh, programme_id=self.eap.pk, first_month=OCT, last_month=NOV)
        assert selectors.programme_for(self.oh_admin, programme_id=self.eap.pk) == self.eap

    def test_a_programme_name_is_used_once_per_partner(self) -> None:
        with pytest.raises(ValidationError) as caught:
            programme_create(
                actor=self.oh_admin, partner=self.council, name="physiotherapy", service="physiotherapy"
            )
        assert caught.value.message_dict == {"name": ["WCC already has a programme called physiotherapy."]}
        assert programme_create(
            actor=self.oh_admin, partner=self.police, name="Physiotherapy", service="physiotherapy"
        )


class TestReport(ProgrammeTestCase):
    """Referrals in October and November 2026 at the council, by reason (rows) and programme:

    ============== ==== ====== =====
    reason          EAP Physio total
    stress           12      0    12   (5 in October, 7 in November)
    low mood          7      0     7
    bereavement       3      0     3   <- under 5
    work              6      2     8   <- 2 under 5
    musculoskeletal   0      9     9
    total            28     11    39
    ============== ==== ====== =====
    """

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        record = {"actor": cls.oh_admin, "measure": "referrals"}
        usage_record(
            programme=cls.eap, month=OCT, counts={"stress": 5, "low_mood": 7, "bereavement": 3}, **record
        )
        usage_record(programme=cls.eap, month=NOV, counts={"stress": 7, "work": 6}, **record)
        usage_record(programme=cls.physio, month=NOV, counts={"work": 2, "musculoskeletal": 9}, **record)
        usage_record(programme=cls.eap, month=DEC, counts={"stress": 40}, **record)  # outside the period
        usage_record(
            programme=cls.eap, month=NOV, measure="sessions", counts={"stress": 1}, actor=cls.oh_admin
        )

    def test_small_counts_and_those_that_would_give_them_away_are_hidden(self) -> None:
        report = selectors.usage_report(
            self.union_rep, partner=self.council, first_month=OCT, last_month=date(2026, 11, 30)
        )
        table = report.table
        assert table.columns == ("Employee assistance", "Physiotherapy")
        assert [table.rows[r] for r in (0, 1, 2, 5, 7)] == [
            "Stress or anxiety",
            "Low mood or depression",
            "Bereavement",
            "Work-related",
            "Musculoskeletal",
        ]
        # Worked by hand: bereavement's 3 and its total, and work's 2, are under 5 (primary). Work's
        # row then has one hidden cell, so its EAP 6 goes; Physio's column one, so musculoskeletal's
        # 9 goes; the totals column one, so low mood's 7 goes; then low mood's and musculoskeletal's
        # rows each have one, so low mood's EAP 7 and musculoskeletal's total 9 go. Every hidden cell
        # is then on a cycle of hidden cells: none can be worked out from the totals.
        assert table.published() == [
            [12, 0, 12],
            [None, 0, None],
            [None, 0, None],
            [0, 0, 0],
            [0, 0, 0],
            [None, None, 8],
            [0, 0, 0],
            [0, None, None],
            [0, 0, 0],
            [28, 11, 39],
        ]
        assert table.text(2, 0) == "[c]"

    def test_it_reads_one_measure_and_only_the_months_asked_for(self) -> None:
        december = selectors.usage_report(
            self.oh_clinician, partner=self.council, first_month=DEC, last_month=DEC
        )
        assert december.table.published()[0] == [40, 0, 40]
        sessions = selectors.usage_report(
            self.ops_admin, partner=self.council, first_month=OCT, last_month=NOV, measure="sessions"
        )
        assert sessions.table.published()[-1] == [None, 0, None]

    def test_hr_and_union_reps_of_other_partners_may_not_read_it(self) -> None:
        for user in (self.council_hr, self.make_user("fire.rep", [(self.fire, Role.UNION_REP)])):
            with pytest.raises(PermissionDenied):
                selectors.usage_report(user, partner=self.council, first_month=OCT, last_month=NOV)


class TestImport(ProgrammeTestCase):
    def test_a_file_with_any_bad_row_stores_nothing_and_says_every_problem_by_row(self) -> None:
        usage_record(
            actor=self.oh_admin, programme=self.eap, month=OCT, measure="referrals", counts={"stress": 5}
        )
        csv = (
            b"programme,month,measure,reason,count\n"
            b"Employee assistance,2026-10-01,referrals,stress,9\n"
            b"Massage,2026-10-01,referrals,stress,1\n"
            b"Physiotherapy,2026-10-15,referrals,musculoskeletal,4\n"
            b"Physiotherapy,2026-10-01,referrals,musculoskeletal,5\n"
            b"Physiotherapy,2026-10-01,sessions,work,-3\n"
        )
        result = usage_import_file(
            actor=self.oh_admin, partner=self.council, source=csv, filename="usage.csv"
        )
        assert [(e.row, e.column, e.value) for e in result.errors] == [
            (3, "programme", "Massage"),
            (5, "reason", "musculoskeletal"),
            (6, "count", "-3"),
        ]
        assert [e.reason for e in result.errors[:2]] == ["WCC has no programme of this name", "Also on row 4"]
        assert self.counts(self.council) == [("Employee assistance", "2026-10", "referrals", "stress", 5)]
        assert self.audit_count(self.council, "wellbeing.usage_imported") == 0

    def test_a_good_file_stores_every_count_with_one_audit_event(self) -> None:
        csv = (
            b"programme,month,measure,reason,count\n"
            b"employee assistance,2026-10-31,referrals,stress,9\n"
            b"Physiotherapy,2026-11-01,sessions,musculoskeletal,12\n"
        )
        result = usage_import_file(
            actor=self.oh_admin, partner=self.council, source=csv, filename="usage.csv"
        )
        assert (result.ok, result.rows) == (True, 2)
        assert self.counts(self.council) == [
            ("Employee assistance", "2026-10", "referrals", "stress", 9),
            ("Physiotherapy", "2026-11", "sessions", "musculoskeletal", 12),
        ]
        assert self.audit_count(self.council, "wellbeing.usage_imported") == 1

    def test_only_oh_administrators_import(self) -> None:
        with pytest.raises(PermissionDenied):
            usage_import_file(
                actor=self.union_rep, partner=self.council, source=b"programme\n", filename="u.csv"
            )
