"""The access review's pages and API (web/privacy/access_review.py, api/privacy_access_review.py):
the DPO's partner page and exports, the sensitive reads by date, the nominee's decisions, and
404/403 with nothing changed for everyone else."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.test import Client

from joinedup.partnership.models import Role
from joinedup.partnership.permissions import CURRENT_PARTNER_SESSION_KEY as SESSION_KEY
from joinedup.privacy.models import AccessReview
from joinedup.privacy.tests.reviewbase import NOW, ReviewTestCase, at
from joinedup.wellbeing.models import AccessPart, CaseAccessEvent
from joinedup.wellbeing.tests.casebase import CaseTestCase


def on(client: Client, partner: Any) -> Client:
    session = client.session
    session[SESSION_KEY] = partner.pk
    session.save()
    return client


@at(NOW)
class TestThePages(ReviewTestCase):
    def test_the_dpo_sees_the_roles_and_downloads_them(self) -> None:
        client = on(self.signed_in(self.shared_dpo), self.council)
        page = client.get("/data-protection/access-review/")
        assert page.status_code == 200
        assert b"council.manager" in page.content
        download = client.get("/data-protection/access-review/roles.csv")
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert rows[0] == ["User id", "Username", "Name", "Role", "Held since"]
        assert sorted((r[1], r[3]) for r in rows[1:])[:3] == [
            ("council.employee", "Employee"),
            ("council.hr", "HR officer"),
            ("council.manager", "Manager"),
        ]
        assert len(rows) == 10
        assert client.get("/data-protection/access-review/roles.xlsx")["Content-Type"].startswith(
            "application/vnd.openxmlformats"
        )

    def test_a_role_filter_narrows_the_holders_and_their_csv_holds_exactly_those(self) -> None:
        client = on(self.signed_in(self.shared_dpo), self.council)
        page = client.get("/data-protection/access-review/", {"role": Role.MANAGER})
        assert [(m.user.username, m.role) for m in page.context["page"]] == [("council.manager", "manager")]
        download = client.get("/data-protection/access-review/", {"role": Role.MANAGER, "format": "csv"})
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
            (str(self.council_manager.pk), "council.manager", "Manager")
        ]

    def test_sorting_by_user_orders_the_holders(self) -> None:
        client = on(self.signed_in(self.shared_dpo), self.council)
        page = client.get(
            "/data-protection/access-review/", {"search": "council", "sort": "user", "order": "desc"}
        )
        assert [m.user.username for m in page.context["page"]] == [
            "council.manager",
            "council.hr",
            "council.employee",
        ]

    def test_the_dpo_opens_a_review_and_the_nominee_revokes_a_role_on_its_page(self) -> None:
        dpo = on(self.signed_in(self.shared_dpo), self.council)
        with at(NOW):
            made = dpo.post(
                "/data-protection/access-review/",
                {"nominee_id": self.council_manager.pk, "due_on": "2029-03-31"},
            )
        assert made.status_code == 302
        review_id = int(made["Location"].rstrip("/").rsplit("/", 1)[1])
        line = self.line(self.reviews()[0], self.union_rep, Role.UNION_REP)
        manager = on(self.signed_in(self.council_manager), self.council)
        mine = manager.get("/data-protection/access-review/mine/")
        assert f'href="/data-protection/access-review/{review_id}/"'.encode() in mine.content
        with at(NOW + timedelta(days=1)):
            done = manager.post(
                f"/data-protection/access-review/{review_id}/", {"line_id": line.pk, "action": "revoke"}
            )
        assert done.status_code == 302
        assert not self.holds(self.union_rep, self.council, Role.UNION_REP)

    def reviews(self) -> list[Any]:
        return list(AccessReview.objects.for_partner(self.council).order_by("pk"))

    def test_the_dpo_cannot_decide_and_another_partners_user_gets_404_with_nothing_changed(self) -> None:
        review = self.opened()
        line = self.line(review, self.union_rep, Role.UNION_REP)
        before = self.state(self.council)
        url = f"/data-protection/access-review/{review.pk}/"
        dpo = on(self.signed_in(self.shared_dpo), self.council)
        assert dpo.get(url).status_code == 200
        with at(NOW):
            assert dpo.post(url, {"line_id": line.pk, "action": "revoke"}).status_code == 403
        for user in (self.police_dpo, self.police_hr):
            client = self.signed_in(user)
            assert client.get(url).status_code == 404
            with at(NOW):
                assert client.post(url, {"line_id": line.pk, "action": "revoke"}).status_code == 404
        hr = self.signed_in(self.council_hr)
        assert hr.get(url).status_code == 403
        assert hr.post(url, {"line_id": line.pk, "action": "certify"}).status_code == 403
        for path in ("/data-protection/access-review/", "/data-protection/access-review/roles.csv"):
            assert hr.get(path).status_code == 403
        with at(NOW):
            refused = on(self.signed_in(self.council_manager), self.council).post(
                "/data-protection/access-review/",
                {"nominee_id": self.council_manager.pk, "due_on": "2029-04-30"},
            )
        assert refused.status_code == 403
        assert self.state(self.council) == before


@at(NOW)
class TestSensitiveReads(CaseTestCase):
    police_dpo: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])

    def test_case_reads_are_listed_by_date_and_exported(self) -> None:
        case = self.opened()
        for day, part in ((1, AccessPart.NOTES), (10, AccessPart.ATTACHMENTS)):
            CaseAccessEvent.objects.create(
                case=case,
                partner_id=self.council.pk,
                actor=self.oh_clinician,
                actor_label="Oh.Clinician",
                part=part,
                at=NOW + timedelta(days=day),
            )
        api = self.api(self.shared_dpo)
        url = f"/api/v1/privacy/partners/{self.council.pk}/sensitive-reads"
        every = api.get(url).json()["items"]
        assert [(r["what"], r["subject"], r["reader_id"]) for r in every] == [
            ("Occupational-health case: attachments", f"case {case.pk}", self.oh_clinician.pk),
            ("Occupational-health case: clinical notes", f"case {case.pk}", self.oh_clinician.pk),
        ]
        early = api.get(url, {"since": "2029-03-01", "until": "2029-03-05"}).json()["items"]
        assert [r["what"] for r in early] == ["Occupational-health case: clinical notes"]
        client = on(self.signed_in(self.shared_dpo), self.council)
        download = client.get("/data-protection/access-review/reads.csv?since=2029-03-06")
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert [r[3] for r in rows] == ["What", "Occupational-health case: attachments"]
        page = client.get("/data-protection/access-review/?since=2029-03-06")
        assert page.content.count(b"Occupational-health case:") == 1

    def test_another_partners_dpo_gets_404_and_a_non_dpo_403(self) -> None:
        url = f"/api/v1/privacy/partners/{self.council.pk}/sensitive-reads"
        assert self.api(self.police_dpo).get(url).status_code == 404
        assert self.api(self.council_hr).get(url).status_code == 403
        assert self.api(self.oh_clinician).get(url).status_code == 403


@at(NOW)
class TestTheApi(ReviewTestCase):
    def test_the_dpo_opens_a_review_and_the_nominee_certifies_and_revokes(self) -> None:
        with at(NOW):
            made = self.api(self.shared_dpo).post(
                f"/api/v1/privacy/partners/{self.council.pk}/access-reviews",
                {"nominee_id": self.council_manager.pk, "due_on": "2029-03-31"},
                content_type="application/json",
            )
        assert made.status_code == 201
        body = made.json()
        assert (body["status"], body["due_on"], len(body["lines"])) == ("open", "2029-03-31", 9)
        lines = {(line["username"], line["role"]): line["id"] for line in body["lines"]}
        manager = self.api(self.council_manager)
        base = f"/api/v1/privacy/access-reviews/{body['id']}/lines"
        with at(NOW):
            kept = manager.post(
                f"{base}/{lines[('council.hr', 'hr_officer')]}/certify", {}, content_type="application/json"
            )
            gone = manager.post(
                f"{base}/{lines[('union.rep', 'union_rep')]}/revoke", {}, content_type="application/json"
            )
        assert (kept.status_code, kept.json()["decision"]) == (200, "certified")
        assert (gone.status_code, gone.json()["decision"]) == (200, "revoked")
        assert not self.holds(self.union_rep, self.council, Role.UNION_REP)
        seen = manager.get(f"/api/v1/privacy/access-reviews/{body['id']}")
        assert seen.status_code == 200
        roles = self.api(self.shared_dpo).get(f"/api/v1/privacy/partners/{self.council.pk}/roles").json()
        assert roles["count"] == 8

    def test_another_partners_review_is_404_and_others_get_403_with_nothing_changed(self) -> None:
        review = self.opened()
        line = self.line(review, self.union_rep, Role.UNION_REP)
        before = self.state(self.council)
        url = f"/api/v1/privacy/access-reviews/{review.pk}"
        for user in (self.police_dpo, self.police_hr):
            api = self.api(user)
            assert api.get(url).status_code == 404
            with at(NOW):
                assert (
                    api.post(f"{url}/lines/{line.pk}/revoke", {}, content_type="application/json").status_code
                    == 404
                )
            assert api.get(f"/api/v1/privacy/partners/{self.council.pk}/access-reviews").status_code == 404
        for user in (self.shared_dpo, self.council_hr, self.ops_admin):
            with at(NOW):
                refused = self.api(user).post(
                    f"{url}/lines/{line.pk}/revoke", {}, content_type="application/json"
                )
            assert refused.status_code == 403
        with at(NOW):
            opened = self.api(self.council_manager).post(
                f"/api/v1/privacy/partners/{self.council.pk}/access-reviews",
                {"nominee_id": self.council_manager.pk, "due_on": "2029-04-30"},
                content_type="application/json",
            )
        assert opened.status_code == 403
        assert self.state(self.council) == before
