"""Notifications (servicedesk/notifications.py, web/servicedesk/notifications.py): one in the app
for each call of ``notify``, an email after the commit where mail is configured (subject as
given, with the ticket reference; Reply-To the service desk's mailbox), and a user reads and
marks only their own."""

from __future__ import annotations

import csv
import io
from typing import Any
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from joinedup.partnership.models import Role
from joinedup.servicedesk.models import Notification
from joinedup.servicedesk.notifications import SMTP_BACKEND, notify
from joinedup.testing.base import PartnerTestCase

REPLY_TO = "desk-replies@shared.example"


@override_settings(SERVICEDESK_REPLY_TO=REPLY_TO, SITE_URL="https://joinedup.example")
class TestNotify(PartnerTestCase):
    police_employee: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_employee.email = "employee@wessex.gov.uk"
        cls.council_employee.save(update_fields=["email"])
        cls.police_employee = cls.make_user("police.employee", [(cls.police, Role.EMPLOYEE)])

    def send(self, **kwargs: object) -> Notification:
        arguments: dict[str, object] = {
            "user": self.council_employee,
            "partner": self.council,
            "subject": "[WCC-000123] Reply to your request",
            "text": "Please restart the laptop.",
            "link": "/servicedesk/help/",
        }
        arguments.update(kwargs)
        with self.captureOnCommitCallbacks(execute=True):
            return notify(**arguments)  # type: ignore[arg-type]

    def test_it_keeps_the_notification_and_emails_it_after_commit_with_the_reply_to(self) -> None:
        made = self.send()
        assert (made.subject, made.text, made.link, made.read_at) == (
            "[WCC-000123] Reply to your request",
            "Please restart the laptop.",
            "/servicedesk/help/",
            None,
        )
        assert len(mail.outbox) == 1
        sent = mail.outbox[0]
        assert sent.subject == "[WCC-000123] Reply to your request"
        assert sent.to == ["employee@wessex.gov.uk"]
        assert sent.reply_to == [REPLY_TO]
        assert sent.body == "Please restart the laptop.\n\nhttps://joinedup.example/servicedesk/help/\n"

    def test_the_email_waits_for_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            notify(user=self.council_employee, partner=self.council, subject="S", text="T", link="")
        assert len(callbacks) == 1 and mail.outbox == []  # sent only by the commit

    @override_settings(EMAIL_BACKEND=SMTP_BACKEND, EMAIL_CONFIGURED=False)
    def test_it_sends_no_email_when_mail_is_not_configured(self) -> None:
        self.send()
        assert mail.outbox == []
        assert Notification.objects.for_partner(self.council).count() == 1

    def test_it_sends_no_email_when_asked_not_to_or_to_a_user_without_an_address(self) -> None:
        self.send(email=False)
        self.send(user=self.police_employee, partner=self.police)
        assert mail.outbox == []
        assert Notification.objects.for_partners([self.council, self.police]).count() == 2

    def test_a_mail_server_refusing_does_not_undo_the_notification(self) -> None:
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError):
            self.send()
        assert Notification.objects.for_partner(self.council).count() == 1

    def test_it_refuses_a_user_with_no_role_on_the_partner(self) -> None:
        with self.assertRaisesMessage(ValueError, "only to a user who holds a role on the partner"):
            self.send(partner=self.police)
        assert Notification.objects.for_partners([self.council, self.police]).count() == 0

    def test_it_refuses_a_link_that_is_not_a_path_in_the_site(self) -> None:
        for link in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
            with self.subTest(link=link), self.assertRaises(ValidationError):
                self.send(link=link)
        assert Notification.objects.for_partner(self.council).count() == 0 and mail.outbox == []


class TestTheNotificationsPage(PartnerTestCase):
    police_employee: Any
    first: Notification
    second: Notification
    theirs: Notification

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_employee = cls.make_user("police.employee", [(cls.police, Role.EMPLOYEE)])
        cls.first = notify(
            user=cls.council_employee,
            partner=cls.council,
            subject="First",
            text="One",
            link="/servicedesk/help/",
        )
        cls.second = notify(
            user=cls.council_employee, partner=cls.council, subject="Second", text="Two", link=""
        )
        cls.theirs = notify(
            user=cls.police_employee, partner=cls.police, subject="Theirs", text="Secret", link=""
        )

    def test_a_user_sees_only_their_own_and_the_header_counts_the_unread(self) -> None:
        page = self.signed_in(self.council_employee).get("/servicedesk/notifications/").content.decode()
        assert page.index("Second") < page.index("First")
        assert "Theirs" not in page and "Secret" not in page
        assert '2<span class="govuk-visually-hidden"> unread</span>' in page

    def test_opening_one_marks_it_read_and_follows_its_link(self) -> None:
        client = self.signed_in(self.council_employee)
        response = client.post(f"/servicedesk/notifications/{self.first.pk}/read")
        assert (response.status_code, response["Location"]) == (302, "/servicedesk/help/")
        assert Notification.objects.for_partner(self.council).get(pk=self.first.pk).read_at is not None
        page = client.get("/servicedesk/notifications/").content.decode()
        assert '1<span class="govuk-visually-hidden"> unread</span>' in page

    def test_the_unread_filter_narrows_the_list_and_the_csv_holds_exactly_those(self) -> None:
        client = self.signed_in(self.council_employee)
        client.post(f"/servicedesk/notifications/{self.first.pk}/read")
        page = client.get("/servicedesk/notifications/", {"state": "unread"}).content.decode()
        assert "Second" in page and "First" not in page
        table = list(
            csv.reader(
                io.StringIO(
                    client.get(
                        "/servicedesk/notifications/", {"state": "read", "format": "csv"}
                    ).content.decode("utf-8-sig")
                )
            )
        )
        assert [row[1:3] for row in table] == [["subject", "text"], ["First", "One"]]

    def test_sorting_by_subject_orders_the_list_and_the_download_is_only_the_users_own(self) -> None:
        client = self.signed_in(self.council_employee)
        page = client.get("/servicedesk/notifications/", {"sort": "subject"}).content.decode()
        assert page.index("First") < page.index("Second")
        body = client.get("/servicedesk/notifications/", {"format": "csv"}).content.decode()
        assert "Second" in body and "Theirs" not in body and "Secret" not in body

    def test_another_users_notification_answers_404_and_stays_unread(self) -> None:
        response = self.signed_in(self.council_employee).post(
            f"/servicedesk/notifications/{self.theirs.pk}/read"
        )
        assert response.status_code == 404
        assert Notification.objects.for_partner(self.police).get(pk=self.theirs.pk).read_at is None

    def test_mark_all_read_marks_only_the_users_own(self) -> None:
        client = self.signed_in(self.council_employee)
        client.post("/servicedesk/notifications/", {"form": "all"})
        council = Notification.objects.for_partner(self.council)
        assert council.filter(read_at__isnull=True).count() == 0
        assert Notification.objects.for_partner(self.police).get(pk=self.theirs.pk).read_at is None
        assert "unread</span>" not in client.get("/servicedesk/notifications/").content.decode()

    def test_the_header_shows_99_plus_past_ninety_nine_unread(self) -> None:
        for n in range(98):
            notify(user=self.council_employee, partner=self.council, subject=f"N{n}", text="", link="")
        page = self.signed_in(self.council_employee).get("/servicedesk/help/").content.decode()
        assert '2<span class="govuk-visually-hidden"> unread</span>' not in page
        assert '100<span class="govuk-visually-hidden"> unread</span>' not in page
        # 2 + 98 = 100 unread: past the 99 the header shows.
        assert '99+<span class="govuk-visually-hidden"> unread</span>' in page
