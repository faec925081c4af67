"""The notifications API (api/notifications.py): a user lists and marks only their own; an
internal note never reaches the requester here either (issue 15: "internal notes are never shown
to requesters (web, API, email)"); anyone else's notification answers 404 and stays unread."""

from __future__ import annotations

from typing import Any

from joinedup.partnership.models import TokenScope
from joinedup.servicedesk import services
from joinedup.servicedesk.models import Notification
from joinedup.servicedesk.tests.base import ServiceDeskTestCase

# The resolution asks the satisfaction question (satisfaction.py).
RESOLVED_TEXT = "Restarted.\n\nHow satisfied are you with how this was handled? Answer with one click:"
URL = "/api/v1/servicedesk/notifications"


class TestNotificationsApi(ServiceDeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.raise_for(self.ada)
        services.add_note(actor=self.agent, ticket=self.ticket, body="Internal: asset stolen")
        services.reply(actor=self.agent, ticket=self.ticket, body="Please restart it.")
        services.resolve(actor=self.agent, ticket=self.ticket, resolution="Restarted.")
        self.first, self.second = (
            Notification.objects.for_partner(self.council).filter(user=self.ada).order_by("pk")
        )

    def listed(self, user: Any, query: str = "") -> list[tuple[str, str, bool]]:
        response = self.api(user).get(URL + query)
        assert response.status_code == 200
        return [(n["subject"], n["text"], n["read_at"] is None) for n in response.json()["items"]]

    def test_the_requester_lists_their_own_newest_first_without_the_internal_note(self) -> None:
        assert self.listed(self.ada) == [
            ("[WCC-000001] Resolved: Laptop will not start", RESOLVED_TEXT, True),
            ("[WCC-000001] Reply to your ticket: Laptop will not start", "Please restart it.", True),
        ]
        assert self.listed(self.agent) == []

    def test_it_marks_one_read_and_lists_only_the_unread(self) -> None:
        response = self.api(self.ada).post(f"{URL}/{self.first.pk}/read")
        assert response.status_code == 200 and response.json()["read_at"] is not None
        assert self.listed(self.ada, "?unread=true") == [
            ("[WCC-000001] Resolved: Laptop will not start", RESOLVED_TEXT, True)
        ]

    def test_anyone_elses_notification_answers_404_and_stays_unread(self) -> None:
        for user in (self.agent, self.mary, self.police_agent):
            assert self.api(user).post(f"{URL}/{self.first.pk}/read").status_code == 404
        self.first.refresh_from_db()
        assert self.first.read_at is None

    def test_it_marks_them_all_read_and_a_read_only_token_changes_nothing(self) -> None:
        assert self.api(self.ada, scope=TokenScope.READ).post(f"{URL}/read").status_code == 403
        assert Notification.objects.for_partner(self.council).filter(read_at__isnull=True).count() == 2
        response = self.api(self.ada).post(f"{URL}/read")
        assert (response.status_code, response.json()) == (200, {"marked": 2})
        assert self.listed(self.ada, "?unread=true") == []
