"""Tickets: raising, numbering, the workflow, who may do what, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.servicedesk import selectors, services
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.servicedesk.priority import priority_of
from joinedup.servicedesk.tests.base import ServiceDeskTestCase


def events(ticket: Ticket) -> list[tuple[str, str, str, bool, bool]]:
    found = TicketEvent.objects.for_partner(ticket.partner_id).filter(ticket=ticket).order_by("at", "pk")
    return [(e.kind, e.status, e.priority, e.public, e.responds) for e in found]


def audit_actions(ticket: Ticket) -> list[str]:
    found = AuditEvent.objects.for_partner(ticket.partner_id).filter(
        object_type="servicedesk.ticket", object_id=str(ticket.pk)
    )
    return list(found.order_by("seq").values_list("action", flat=True))


class TestPriorityMatrix:
    # ITIL priority matrix (servicedesk/priority.py): impact by row, urgency by column.
    @pytest.mark.parametrize(
        ("impact", "urgency", "priority"),
        [
            ("high", "high", "p1"),
            ("high", "medium", "p2"),
            ("medium", "high", "p2"),
            ("high", "low", "p3"),
            ("medium", "medium", "p3"),
            ("low", "high", "p3"),
            ("medium", "low", "p4"),
            ("low", "medium", "p4"),
            ("low", "low", "p4"),
        ],
    )
    def test_it_reads_the_priority_off_the_matrix(self, impact: str, urgency: str, priority: str) -> None:
        assert priority_of(impact, urgency) == priority

    def test_it_refuses_an_unknown_level(self) -> None:
        with pytest.raises(ValueError, match=r"The urgency must be high, medium or low, not 'soon'\."):
            priority_of("high", "soon")


class TestRaising(ServiceDeskTestCase):
    def test_an_employee_raises_a_ticket_for_their_partner_numbered_in_its_series(self) -> None:
        ticket = self.raise_for(self.ada, category=self.laptops)
        assert (ticket.partner, ticket.reference, ticket.number) == (self.council, "WCC-000001", 1)
        assert (ticket.priority, ticket.status, ticket.requester, ticket.raised_by) == (
            "p3",
            "new",
            self.ada,
            self.ada,
        )
        assert ticket.requester_employment == self.council_emp
        assert ticket.complaint_stage is None
        assert events(ticket) == [("created", "new", "p3", True, False)]
        assert audit_actions(ticket) == ["servicedesk.ticket_raised"]

    def test_each_partner_numbers_its_own_tickets(self) -> None:
        first = self.raise_for(self.ada)
        second = self.raise_for(self.council_employee)
        police = self.raise_for(self.mary, partner=self.police)
        assert [first.reference, second.reference, police.reference] == [
            "WCC-000001",
            "WCC-000002",
            "WPOL-000001",
        ]
        assert police.requester_employment == self.shared_person_police

    def test_a_requester_of_several_partners_must_choose(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.raise_for(self.mary)
        assert caught.value.message_dict == {
            "partner": ["The requester works for several partners: choose the one this is for."]
        }
        assert Ticket.objects.for_partners([self.council, self.police]).count() == 0

    def test_it_refuses_a_partner_the_requester_does_not_work_for(self) -> None:
        with pytest.raises(ValidationError) as caught:
            self.raise_for(self.ada, partner=self.police)
        assert caught.value.message_dict == {
            "partner": ["The requester does not work for Wessex Constabulary."]
        }
        assert Ticket.objects.for_partner(self.police).count() == 0

    def test_an_agent_raises_one_on_someones_behalf(self) -> None:
        ticket = services.raise_ticket(actor=self.agent, requester=self.ada, details=self.details())
        assert (ticket.requester, ticket.raised_by, ticket.partner) == (self.ada, self.agent, self.council)

    def test_a_colleague_cannot_raise_one_on_someones_behalf(self) -> None:
        with pytest.raises(PermissionDenied):
            services.raise_ticket(actor=self.council_employee, requester=self.ada, details=self.details())
        assert Ticket.objects.for_partner(self.council).count() == 0

    def test_a_complaint_starts_at_stage_one_and_escalates_to_stage_two(self) -> None:
        ticket = self.raise_for(self.ada, ticket_type="complaint", service="hr")
        assert ticket.complaint_stage == 1
        services.resolve(actor=self.agent, ticket=ticket, resolution="We apologise; fixed.")
        ticket = services.escalate_complaint(actor=self.ada, ticket=ticket, reason="Not answered properly.")
        assert (ticket.complaint_stage, ticket.status, ticket.resolved_at) == (2, "reopened", None)
        with pytest.raises(ValidationError) as caught:
            services.escalate_complaint(actor=self.ada, ticket=ticket, reason="Again")
        assert caught.value.message_dict == {
            "reason": ["This complaint is at stage 2 already, the last stage."]
        }

    def test_an_incident_is_not_escalated_as_a_complaint(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(ValidationError) as caught:
            services.escalate_complaint(actor=self.agent, ticket=ticket, reason="Angry")
        assert caught.value.message_dict == {
            "reason": ["Only a complaint is escalated through the complaints stages."]
        }


class TestWorkflow(ServiceDeskTestCase):
    def test_a_ticket_goes_from_new_to_closed_with_one_event_and_one_audit_entry_per_change(self) -> None:
        ticket = self.raise_for(self.ada)
        services.assign(actor=self.agent, ticket=ticket, team=self.ict, assignee=self.agent)
        services.set_status(actor=self.agent, ticket=ticket, status="in_progress")
        services.set_status(actor=self.agent, ticket=ticket, status="waiting_requester", body="Which model?")
        services.reply(actor=self.ada, ticket=ticket, body="A ThinkPad T14.")
        services.add_note(actor=self.agent, ticket=ticket, body="Known fault with the dock.")
        services.reply(actor=self.agent, ticket=ticket, body="A new dock is on its way.")
        services.resolve(actor=self.agent, ticket=ticket, resolution="Dock replaced.")
        services.close(actor=self.ada, ticket=ticket)
        assert events(ticket) == [
            ("created", "new", "p3", True, False),
            ("assigned", "assigned", "p3", True, False),
            ("status", "in_progress", "p3", True, True),
            ("status", "waiting_requester", "p3", True, False),
            # The requester's reply puts the ticket back in progress.
            ("reply", "in_progress", "p3", True, False),
            ("note", "in_progress", "p3", False, False),
            ("reply", "in_progress", "p3", True, True),
            ("status", "resolved", "p3", True, True),
            ("status", "closed", "p3", True, False),
        ]
        assert audit_actions(ticket) == [
            "servicedesk.ticket_raised",
            "servicedesk.ticket_assigned",
            "servicedesk.ticket_status_changed",
            "servicedesk.ticket_status_changed",
            "servicedesk.ticket_replied",
            "servicedesk.ticket_noted",
            "servicedesk.ticket_replied",
            "servicedesk.ticket_resolved",
            "servicedesk.ticket_closed",
        ]
        ticket.refresh_from_db()
        assert ticket.resolved_at is not None and ticket.closed_at is not None

    def test_it_refuses_a_move_the_workflow_does_not_allow(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done.")
        with pytest.raises(ValidationError) as caught:
            services.set_status(actor=self.agent, ticket=ticket, status="in_progress")
        assert caught.value.message_dict == {
            "status": ["A ticket that is resolved cannot become in progress: it may become closed, reopened."]
        }
        ticket.refresh_from_db()
        assert ticket.status == "resolved"

    def test_a_closed_ticket_moves_nowhere(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done.")
        services.close(actor=self.agent, ticket=ticket)
        with pytest.raises(ValidationError) as caught:
            services.reopen(actor=self.ada, ticket=ticket, reason="Still broken")
        assert caught.value.message_dict == {
            "status": [
                "A ticket that is closed cannot become reopened: it may become nothing (it is closed)."
            ]
        }

    def test_it_sends_resolving_to_its_own_function(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(ValidationError) as caught:
            services.set_status(actor=self.agent, ticket=ticket, status="resolved")
        assert caught.value.message_dict == {"status": ["Use resolve to make a ticket resolved."]}

    def test_the_requester_reopens_within_ten_days_of_resolution(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done.")
        ticket = services.reopen(actor=self.ada, ticket=ticket, reason="It failed again.")
        assert (ticket.status, ticket.resolved_at) == ("reopened", None)
        assert events(ticket)[-1] == ("status", "reopened", "p3", True, False)

    def test_it_refuses_to_reopen_after_ten_days(self) -> None:
        ticket = self.raise_for(self.ada)
        services.resolve(actor=self.agent, ticket=ticket, resolution="Done.")
        eleven_days_ago = timezone.now() - timedelta(days=11)
        Ticket.objects.for_partner(self.council).filter(pk=ticket.pk).update(resolved_at=eleven_days_ago)
        with pytest.raises(ValidationError) as caught:
            services.reopen(actor=self.ada, ticket=ticket, reason="It failed again.")
        assert caught.value.message_dict == {
            "reason": ["This ticket was resolved more than 10 days ago: raise a new one."]
        }
        ticket.refresh_from_db()
        assert ticket.status == "resolved"

    def test_an_agent_changes_the_priority_with_a_reason_kept_internal(self) -> None:
        ticket = self.raise_for(self.ada)
        services.change_priority(
            actor=self.agent, ticket=ticket, priority="p1", reason="Whole floor is down."
        )
        assert events(ticket)[-1] == ("priority", "new", "p1", False, False)
        entry = AuditEvent.objects.for_partner(self.council).get(action="servicedesk.ticket_priority_changed")
        assert (entry.before, entry.after["priority"]) == ({"priority": "p3"}, "p1")

    def test_it_assigns_only_an_agent_of_the_partner(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(ValidationError) as caught:
            services.assign(actor=self.agent, ticket=ticket, assignee=self.police_agent)
        assert caught.value.message_dict == {
            "assignee": ["Police.Desk does not work this partner's tickets."]
        }
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee) == ("new", None)

    def test_an_attachment_is_stored_outside_the_database(self) -> None:
        ticket = self.raise_for(self.ada)
        found = services.add_attachment(
            actor=self.ada, ticket=ticket, filename="../error log.txt", content=b"E42"
        )
        assert (found.filename, found.size, found.public, found.content_type) == (
            "error-log.txt",
            3,
            True,
            "text/plain; charset=utf-8",
        )
        assert events(ticket)[-1] == ("attachment", "new", "p3", True, False)

    def test_it_refuses_an_attachment_of_the_wrong_kind(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(ValidationError):
            services.add_attachment(actor=self.ada, ticket=ticket, filename="run.exe", content=b"MZ")
        assert TicketEvent.objects.for_partner(self.council).filter(kind="attachment").count() == 0


class TestPermissionDeniedChangesNothing(ServiceDeskTestCase):
    def test_a_requester_cannot_add_an_internal_note_or_work_the_ticket(self) -> None:
        ticket = self.raise_for(self.ada)
        before = (events(ticket), audit_actions(ticket))
        with pytest.raises(PermissionDenied):
            services.add_note(actor=self.ada, ticket=ticket, body="Hmm")
        with pytest.raises(PermissionDenied):
            services.set_status(actor=self.ada, ticket=ticket, status="in_progress")
        with pytest.raises(PermissionDenied):
            services.resolve(actor=self.ada, ticket=ticket, resolution="Fixed it myself")
        with pytest.raises(PermissionDenied):
            services.change_priority(actor=self.ada, ticket=ticket, priority="p1", reason="Urgent!")
        assert (events(ticket), audit_actions(ticket)) == before
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority) == ("new", "p3")

    def test_a_colleague_cannot_reply_to_anothers_ticket(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(PermissionDenied, match="Only the requester or a service-desk agent may reply to"):
            services.reply(actor=self.council_employee, ticket=ticket, body="Me too")
        assert len(events(ticket)) == 1

    def test_an_agent_of_another_partner_cannot_work_the_ticket(self) -> None:
        ticket = self.raise_for(self.ada)
        with pytest.raises(PermissionDenied):
            services.assign(actor=self.police_agent, ticket=ticket, team=self.ict)
        ticket.refresh_from_db()
        assert (ticket.status, ticket.team) == ("new", None)
        assert audit_actions(ticket) == ["servicedesk.ticket_raised"]


class TestVisibility(ServiceDeskTestCase):
    def setUp(self) -> None:
        self.adas = self.raise_for(self.ada)
        self.colleagues = self.raise_for(self.council_employee)
        self.marys = self.raise_for(self.mary, partner=self.police)
        services.add_note(actor=self.agent, ticket=self.adas, body="Internal: VIP user")

    def visible(self, user: object) -> set[str]:
        return set(selectors.visible_tickets(user).values_list("reference", flat=True))

    def test_a_requester_sees_only_the_tickets_they_raised(self) -> None:
        assert self.visible(self.ada) == {"WCC-000001"}
        assert self.visible(self.council_employee) == {"WCC-000002"}
        assert self.visible(self.mary) == {"WPOL-000001"}

    def test_a_colleagues_ticket_answers_404(self) -> None:
        with pytest.raises(Http404):
            selectors.ticket_for(self.council_employee, ticket_id=self.adas.pk)

    def test_a_manager_sees_their_teams_tickets_and_not_others(self) -> None:
        assert self.visible(self.manager) == {"WCC-000001"}
        assert list(selectors.team_tickets(self.manager)) == [self.adas]

    def test_an_agent_sees_every_ticket_of_the_partners_they_serve(self) -> None:
        assert self.visible(self.agent) == {"WCC-000001", "WCC-000002", "WPOL-000001"}
        assert self.visible(self.police_agent) == {"WPOL-000001"}

    def test_an_agent_not_on_the_partner_gets_404(self) -> None:
        with pytest.raises(Http404):
            selectors.ticket_for(self.police_agent, ticket_id=self.adas.pk)

    def test_a_service_admin_sees_every_ticket_of_their_partners(self) -> None:
        assert self.visible(self.ops_admin) == {"WCC-000001", "WCC-000002", "WPOL-000001"}

    def test_someone_with_no_servicedesk_role_sees_nothing(self) -> None:
        assert self.visible(self.council_hr) == set()

    def test_internal_notes_are_never_returned_to_the_requester_or_manager(self) -> None:
        kinds = [e.kind for e in selectors.history(self.ada, ticket=self.adas)]
        assert kinds == ["created"]
        assert [e.kind for e in selectors.history(self.manager, ticket=self.adas)] == ["created"]
        assert [e.body for e in selectors.history(self.agent, ticket=self.adas)] == [
            "It shows a black screen since this morning.",
            "Internal: VIP user",
        ]
        assert [e.kind for e in selectors.history(self.ops_admin, ticket=self.adas)] == ["created", "note"]

    def test_history_refuses_a_viewer_who_may_not_see_the_ticket(self) -> None:
        with pytest.raises(Http404):
            selectors.history(self.council_employee, ticket=self.adas)

    def test_the_queue_lists_open_tickets_oldest_first(self) -> None:
        services.assign(actor=self.agent, ticket=self.colleagues, team=self.ict)
        services.resolve(actor=self.agent, ticket=self.marys, resolution="Done")
        queue = selectors.queue(self.agent)
        assert [t.reference for t in queue] == ["WCC-000001", "WCC-000002"]
        assert [t.reference for t in selectors.queue(self.agent, team=self.ict)] == ["WCC-000002"]
        assert [t.reference for t in selectors.queue(self.agent, partner=self.police, status="resolved")] == [
            "WPOL-000001"
        ]
        assert list(selectors.queue(self.police_agent)) == []

    def test_my_tickets_are_the_requesters_own(self) -> None:
        assert [t.reference for t in selectors.my_tickets(self.mary)] == ["WPOL-000001"]
        assert list(selectors.my_tickets(self.agent)) == []
