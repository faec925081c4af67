"""A case's access events cannot be rewritten (issue 16, Access: "every read of a case's clinical
content writes an access event … the employee sees who has read their case"). On both databases
the model refuses a save of an existing event and every delete; on PostgreSQL the application's
role holds no UPDATE or TRUNCATE on the table (audit/append_only.py, registered by
wellbeing/apps.py) and migration 0006's trigger refuses UPDATE and DELETE even to the owner, but
for a partner's exit erasure of its own events (issue 17). Retention's erasure of a case's
content still runs, and leaves the events in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import ProgrammingError, connection, transaction

from joinedup.audit.tests.test_append_only import as_application, as_owner, rows
from joinedup.wellbeing import notes, selectors
from joinedup.wellbeing.models import APPEND_ONLY, CaseAccessEvent, ClinicalNote, OutcomeReport
from joinedup.wellbeing.tests.casebase import NOTE, CaseTestCase

TABLE = "wellbeing_caseaccessevent"


class WithAnEvent(CaseTestCase):
    """Ada's case with a note, read once by the council's clinician."""

    def setUp(self) -> None:
        super().setUp()
        report = self.written()
        self.case = self.fresh(report.case)
        notes.note_add(actor=self.oh_clinician, case=self.case, text=NOTE)
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        self.event = CaseAccessEvent.objects.for_partner(self.council).get(case=self.case)
        self.before = self.stored()

    def stored(self) -> list[tuple[Any, ...]]:
        found = CaseAccessEvent.objects.for_partner(self.council).filter(case=self.case).order_by("pk")
        return list(found.values_list("pk", "actor_id", "actor_label", "at", "part"))


class TestTheModelRefusesChanges(WithAnEvent):
    def test_it_refuses_to_save_an_event_already_written_and_nothing_changes(self) -> None:
        self.event.actor_label = "Someone else"
        with pytest.raises(ValueError) as caught:
            self.event.save()
        assert str(caught.value) == APPEND_ONLY
        assert self.stored() == self.before

    def test_it_refuses_to_delete_an_event_and_nothing_changes(self) -> None:
        with pytest.raises(ValueError) as caught:
            self.event.delete()
        assert str(caught.value) == APPEND_ONLY
        assert self.stored() == self.before

    def test_it_refuses_a_bulk_update_or_delete_and_nothing_changes(self) -> None:
        found = CaseAccessEvent.objects.for_partner(self.council).filter(case=self.case)
        with pytest.raises(ValueError, match="append-only"):
            found.update(actor_label="Someone else")
        with pytest.raises(ValueError, match="append-only"):
            found.delete()
        self.event.part = "outcome"
        # bulk_update's own transaction has no savepoint: a savepoint here keeps the test's.
        with pytest.raises(ValueError, match="append-only"), transaction.atomic():
            CaseAccessEvent.objects.bulk_update([self.event], ["part"])
        assert self.stored() == self.before

    def test_it_still_appends_a_new_event_for_each_read(self) -> None:
        selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        assert [(label, part) for _, _, label, _, part in self.stored()] == [
            ("Oh.Clinician", "notes"),
            ("Oh.Clinician", "notes"),
        ]


def raw_stored(event_id: int) -> list[tuple[Any, ...]]:
    """The row as the database holds it, read as the owner."""
    with as_owner():
        return rows(
            "SELECT id, actor_label, part, at FROM wellbeing_caseaccessevent WHERE id = %s", [event_id]
        )


@pytest.mark.postgres_only
class TestTheDatabaseRefusesChangesOnPostgreSQL(WithAnEvent):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("SQLite has no roles or triggers here: the model refuses the change there")
        super().setUp()
        self.raw = raw_stored(self.event.pk)
        assert len(self.raw) == 1

    def refused(self, statement: str, params: list[Any] | None = None) -> str:
        with pytest.raises(ProgrammingError) as caught, transaction.atomic():
            rows(statement, params)
        return str(caught.value).splitlines()[0]

    def test_the_application_role_may_not_update_an_access_event(self) -> None:
        with as_application():
            message = self.refused(
                "UPDATE wellbeing_caseaccessevent SET actor_label = 'Someone else' WHERE id = %s",
                [self.event.pk],
            )
        assert message == f"permission denied for table {TABLE}"
        assert raw_stored(self.event.pk) == self.raw

    def test_the_application_role_may_not_delete_or_truncate_access_events(self) -> None:
        with as_application():
            delete = self.refused("DELETE FROM wellbeing_caseaccessevent WHERE id = %s", [self.event.pk])
            truncate = self.refused("TRUNCATE wellbeing_caseaccessevent")
        # DELETE is the trigger's to refuse (a partner's exit erasure is its one exception).
        assert delete == "case access events are append-only: DELETE refused"
        assert truncate == f"permission denied for table {TABLE}"
        assert raw_stored(self.event.pk) == self.raw

    def test_the_application_role_holds_no_update_or_truncate_on_the_table(self) -> None:
        with as_application() as role:
            pass
        found = rows(
            "SELECT p, has_table_privilege(%s, %s, p) FROM unnest(%s::text[]) p ORDER BY p",
            [role, TABLE, ["DELETE", "INSERT", "SELECT", "TRUNCATE", "UPDATE"]],
        )
        assert found == [
            ("DELETE", True),
            ("INSERT", True),
            ("SELECT", True),
            ("TRUNCATE", False),
            ("UPDATE", False),
        ]

    def test_the_trigger_refuses_even_the_owner_an_update_or_a_delete(self) -> None:
        with as_owner():
            update = self.refused(
                "UPDATE wellbeing_caseaccessevent SET part = 'outcome' WHERE id = %s", [self.event.pk]
            )
            delete = self.refused("DELETE FROM wellbeing_caseaccessevent WHERE id = %s", [self.event.pk])
        assert update == "case access events are append-only: UPDATE refused"
        assert delete == "case access events are append-only: DELETE refused"
        assert raw_stored(self.event.pk) == self.raw

    def test_the_application_role_still_appends_an_event_for_each_read(self) -> None:
        with as_application():
            selectors.case_notes(self.oh_clinician, case_id=self.case.pk)
        with as_owner():
            found = rows(
                "SELECT actor_label, part FROM wellbeing_caseaccessevent WHERE case_id = %s ORDER BY id",
                [self.case.pk],
            )
        assert found == [("Oh.Clinician", "notes"), ("Oh.Clinician", "notes")]

    def test_erasing_a_cases_content_as_the_application_leaves_its_events_in_place(self) -> None:
        # What retention's erasure does to a closed case past its period: its notes go and the
        # report's words are blanked; the record of who read it stays (issue 16, Retention).
        with as_application(), transaction.atomic():
            ClinicalNote.objects.for_partner(self.council).filter(case=self.case)._raw_delete(
                connection.alias
            )
            OutcomeReport.objects.for_partner(self.council).filter(case=self.case).update(adjustments="")
        assert ClinicalNote.objects.for_partner(self.council).filter(case=self.case).count() == 0
        assert OutcomeReport.objects.for_partner(self.council).get(case=self.case).adjustments == ""
        assert raw_stored(self.event.pk) == self.raw
        assert self.stored() == self.before

    def test_a_partners_exit_erasure_deletes_its_events_and_no_other_partners(self) -> None:
        # issue 17, Exit: "erasure of its data from the platform"; the trigger lets through only
        # the DELETE of the partner the transaction names (migration 0006).
        with as_application(), transaction.atomic():
            erased = CaseAccessEvent.erase_for_partner_exit(self.police.pk, connection.alias)
            after = rows("SELECT current_setting('joinedup.partner_exit', true)")
        assert erased == 0
        assert raw_stored(self.event.pk) == self.raw
        assert after == [("",)]
        with as_application(), transaction.atomic():
            erased = CaseAccessEvent.erase_for_partner_exit(self.council.pk, connection.alias)
        assert erased == 1
        assert raw_stored(self.event.pk) == []
