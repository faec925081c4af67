"""Ticket notifications (servicedesk/services.py, through notifications.notify): the requester is
told of an agent's public reply, a wait on them and the resolution; the assignee (or the team's
agents) of the requester's reply and reopening; a new assignee of the assignment. Only public
text is sent: an internal note tells nobody, in the app or by email (issue 15: "internal notes
are never shown to requesters (web, API, email)")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from joinedup.servicedesk import services
from joinedup.servicedesk.models import Notification, Ticket
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

REPLY_TO = "desk@shared.example"


@override_settings(SERVICEDESK_REPLY_TO=REPLY_TO, SITE_URL="https://joinedup.example")
class TestTicketNotifications(ServiceDeskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for user, address in ((cls.ada, "ada@wessex.gov.uk"), (cls.agent, "desk@shared.gov.uk")):
            user.email = address
            user.save(update_fields=["email"])

    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.raise_for(self.ada)

    def notes_of(self, user: Any) -> list[tuple[str, str, str]]:
        found = Notification.objects.for_partner(self.council).filter(user=user).order_by("pk")
        return [(n.subject, n.text, n.link) for n in found]

    def test_an_agents_reply_tells_the_requester_in_the_app_and_by_email_after_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.reply(actor=self.agent, ticket=self.ticket, body="Please hold the power button.")
        link = f"/servicedesk/tickets/{self.ticket.pk}/"
        subject = "[WCC-000001] Reply to your ticket: Laptop will not start"
        assert self.notes_of(self.ada) == [(subject, "Please hold the power button.", link)]
        assert [(m.subject, m.to, m.reply_to, m.body) for m in mail.outbox] == [
            (
                subject,
                ["ada@wessex.gov.uk"],
                [REPLY_TO],
                f"Please hold the power button.\n\nhttps://joinedup.example{link}\n",
            )
        ]

    def test_an_internal_note_tells_nobody(self) -> None:
        services.assign(actor=self.agent, ticket=self.ticket, team=self.ict)
        with self.captureOnCommitCallbacks(execute=True):
            services.add_note(actor=self.agent, ticket=self.ticket, body="Internal: user broke it")
        assert Notification.objects.for_partner(self.council).filter(text__contains="Internal").count() == 0
        assert mail.outbox == []

    def test_a_note_on_the_web_page_sends_nothing_and_a_reply_sends_only_the_reply(self) -> None:
        client = self.signed_in(self.agent)
        url = f"/servicedesk/tickets/{self.ticket.pk}/"
        with self.captureOnCommitCallbacks(execute=True):
            assert (
                client.post(url, {"form": "note", "note-body": "Asset tag 4471 is stolen"}).status_code == 302
            )
        assert self.notes_of(self.ada) == [] and mail.outbox == []
        with self.captureOnCommitCallbacks(execute=True):
            assert (
                client.post(url, {"form": "reply", "reply-body": "A new laptop is on its way."}).status_code
                == 302
            )
        assert [n[1] for n in self.notes_of(self.ada)] == ["A new laptop is on its way."]
        assert [m.body.split("\n")[0] for m in mail.outbox] == ["A new laptop is on its way."]
        assert all("4471" not in m.body and "4471" not in m.subject for m in mail.outbox)

    def test_waiting_on_the_requester_and_resolving_tell_the_requester(self) -> None:
        services.set_status(
            actor=self.agent, ticket=self.ticket, status="waiting_requester", body="Which model?"
        )
        services.set_status(actor=self.agent, ticket=self.ticket, status="in_progress")
        services.resolve(actor=self.agent, ticket=self.ticket, resolution="Battery replaced.")
        assert [n[:2] for n in self.notes_of(self.ada)] == [
            ("[WCC-000001] Waiting on you: Laptop will not start", "Which model?"),
            (
                "[WCC-000001] Resolved: Laptop will not start",
                "Battery replaced.\n\nHow satisfied are you with how this was handled? "
                "Answer with one click:",
            ),
        ]

    def test_the_requesters_reply_and_reopening_tell_the_assignee_and_not_the_requester(self) -> None:
        services.assign(actor=self.agent, ticket=self.ticket, team=self.ict, assignee=self.agent)
        services.reply(actor=self.ada, ticket=self.ticket, body="It beeps three times.")
        services.resolve(actor=self.agent, ticket=self.ticket, resolution="Memory reseated.")
        services.reopen(actor=self.ada, ticket=self.ticket, reason="Beeping again.")
        name = services.name_of(self.ada)
        assert [n[:2] for n in self.notes_of(self.agent)] == [
            (f"[WCC-000001] Reply from {name}: Laptop will not start", "It beeps three times."),
            (f"[WCC-000001] Reopened by {name}: Laptop will not start", "Beeping again."),
        ]
        assert [n[0] for n in self.notes_of(self.ada)] == ["[WCC-000001] Resolved: Laptop will not start"]

    def test_with_no_assignee_the_teams_agents_of_the_partner_are_told(self) -> None:
        services.assign(actor=self.agent, ticket=self.ticket, team=self.ict)
        self.ict.members.add(self.police_agent)  # an agent of the constabulary only: not told
        services.reply(actor=self.ada, ticket=self.ticket, body="Any news?")
        assert [n[1] for n in self.notes_of(self.agent)] == ["Any news?"]
        assert Notification.objects.for_partner(self.council).filter(user=self.police_agent).count() == 0

    def test_an_assignment_tells_the_new_assignee_once(self) -> None:
        services.assign(actor=self.agent, ticket=self.ticket, assignee=self.agent)
        assert self.notes_of(self.agent) == []  # assigning it to oneself tells nobody
        colleague = self.make_user("second.desk", [(self.council, "service_desk_agent")])
        self.ict.members.add(colleague)
        services.assign(actor=self.agent, ticket=self.ticket, assignee=colleague)
        services.assign(actor=self.agent, ticket=self.ticket, team=self.ict, assignee=colleague)
        assert Notification.objects.for_partner(self.council).filter(user=colleague).count() == 1
        assert Notification.objects.for_partner(self.council).get(user=colleague).subject == (
            "[WCC-000001] Assigned to you: Laptop will not start"
        )

    def test_a_reply_refused_tells_nobody(self) -> None:
        services.resolve(actor=self.agent, ticket=self.ticket, resolution="Done.")
        before = Notification.objects.for_partner(self.council).count()
        with pytest.raises(ValidationError, match="This ticket is resolved: reopen it to reply"):
            services.reply(actor=self.agent, ticket=self.ticket, body="More")
        assert Notification.objects.for_partner(self.council).count() == before
        assert Ticket.objects.for_partner(self.council).get().status == "resolved"
