"""The records of processing and processors over the API and on the pages (issue 17): the DPO's,
another partner's answering 404, a non-DPO refused with nothing changed, downloads safe to open."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from joinedup.audit.models import AuditEvent
from joinedup.partnership.models import Partner, Role
from joinedup.privacy import records
from joinedup.privacy.models import ProcessingRecord, Processor, ProcessorEngagement
from joinedup.testing.base import PartnerTestCase


class TestPrivacyInterfaces(PartnerTestCase):
    council_dpo: Any
    council_users: ProcessingRecord
    police_users: ProcessingRecord

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_dpo = cls.make_user("council.dpo", [(cls.council, Role.DATA_PROTECTION_OFFICER)])
        records.records_generate(actor=cls.shared_dpo, partner=cls.council)
        records.records_generate(actor=cls.shared_dpo, partner=cls.police)
        cls.police_users = ProcessingRecord.objects.for_partner(cls.police).get(key="partnership.users")
        cls.council_users = ProcessingRecord.objects.for_partner(cls.council).get(key="partnership.users")

    def url(self, partner: Partner, rest: str = "") -> str:
        return f"/api/v1/privacy/partners/{partner.pk}/{rest}"

    def patch(self, user: Any, url: str, body: dict[str, object]) -> Any:
        return self.api(user).patch(url, data=json.dumps(body), content_type="application/json")

    def test_the_dpo_lists_and_edits_the_partners_records(self) -> None:
        listed = self.api(self.council_dpo).get(self.url(self.council, "records"))
        assert listed.status_code == 200
        assert [r["key"] for r in listed.json()] == ["audit.events", "partnership.users"]
        edited = self.patch(
            self.council_dpo,
            self.url(self.council, f"records/{self.council_users.pk}"),
            {"recipients": ["Wessex Shared Services", " "]},
        )
        assert edited.status_code == 200
        assert edited.json()["recipients"] == ["Wessex Shared Services"]
        assert edited.json()["edited"] is True
        event = AuditEvent.objects.for_partner(self.council).get(action="privacy.record_edited")
        assert event.after == {"recipients": "Wessex Shared Services"}

    def test_another_partners_record_is_not_found(self) -> None:
        # The police's record asked for through the council (the DPO's own partner), and the
        # police asked for by a DPO of the council only: both 404, and nothing changes.
        through_council = self.patch(
            self.council_dpo, self.url(self.council, f"records/{self.police_users.pk}"), {"purpose": "Taken"}
        )
        assert through_council.status_code == 404
        assert self.api(self.council_dpo).get(self.url(self.police, "records")).status_code == 404
        self.police_users.refresh_from_db()
        assert (
            self.police_users.purpose
            == "Giving staff access to the services they are entitled to, and no more"
        )

    def test_a_member_who_is_not_the_dpo_is_refused_and_nothing_changes(self) -> None:
        refused = self.patch(
            self.council_hr, self.url(self.council, f"records/{self.council_users.pk}"), {"purpose": "Mine"}
        )
        assert refused.status_code == 403
        generate = self.api(self.council_hr).post(
            self.url(self.council, "records/generate"), data="{}", content_type="application/json"
        )
        assert generate.status_code == 403
        self.council_users.refresh_from_db()
        assert self.council_users.edited is False
        assert (
            not AuditEvent.objects.for_partner(self.council).filter(action="privacy.record_edited").exists()
        )

    def test_the_dpo_registers_engages_and_approves_a_processor_over_the_api(self) -> None:
        client = self.api(self.council_dpo)
        made = client.post(
            self.url(self.council, "processors"),
            data=json.dumps({"name": "Bureau Ltd", "kind": "contractor", "country": "us"}),
            content_type="application/json",
        )
        assert made.status_code == 201
        assert made.json()["country_name"] == "United States"
        engaged = client.post(
            self.url(self.council, "engagements"),
            data=json.dumps(
                {
                    "processor_id": made.json()["id"],
                    "record_keys": ["partnership.users"],
                    "review_due": "2026-01-31",
                    "transfer_mechanism": "adequacy",
                }
            ),
            content_type="application/json",
        )
        assert engaged.status_code == 201
        # Reviewed by 31 January 2026, long past: overdue.
        assert engaged.json()["review_overdue"] is True
        approval = self.url(self.council, f"engagements/{engaged.json()['id']}/approval")
        body = json.dumps({"record_keys": ["partnership.users"], "countries": ["GB"]})
        refused = self.api(self.council_hr).post(approval, data=body, content_type="application/json")
        assert refused.status_code == 403
        assert ProcessorEngagement.objects.for_partner(self.council).get().status == "proposed"
        approved = client.post(approval, data=body, content_type="application/json")
        assert approved.status_code == 200
        assert approved.json()["approved_countries"] == ["GB", "US"]
        # The police have not engaged it: the council's engagement is not theirs to approve.
        foreign = self.api(self.shared_dpo).post(
            self.url(self.police, f"engagements/{engaged.json()['id']}/approval"),
            data=body,
            content_type="application/json",
        )
        assert foreign.status_code == 404

    def test_the_pages_show_records_and_download_them_with_formulas_neutralised(self) -> None:
        records.record_edit(
            actor=self.council_dpo,
            record=self.council_users,
            changes={"purpose": '=HYPERLINK("http://evil.example","x")'},
        )
        browser = self.signed_in(self.council_dpo)
        page = browser.get("/data-protection/records/")
        assert page.status_code == 200
        assert "Edited" in page.content.decode()
        download = browser.get("/data-protection/records.csv")
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert rows[0][:2] == ["Business function", "Purpose of processing"]
        assert rows[2][:2] == ["partnership", '\'=HYPERLINK("http://evil.example","x")']
        assert browser.get("/data-protection/records.xlsx").status_code == 200
        assert browser.get(f"/data-protection/records/{self.police_users.pk}/").status_code == 404
        saved = browser.post(
            f"/data-protection/records/{self.council_users.pk}/",
            {name: getattr(self.council_users, name) for name in records.EDITABLE} | {"purpose": "Access"},
        )
        assert saved.status_code == 302
        self.council_users.refresh_from_db()
        assert self.council_users.purpose == "Access"
        assert self.signed_in(self.council_hr).get("/data-protection/records/").status_code == 403
        refreshed = browser.post("/data-protection/records/", {"form": "refresh"}, follow=True)
        assert (
            "Records refreshed: 0 added, 0 refreshed, 0 edited with a changed declaration, 0 withdrawn."
            in (refreshed.content.decode())
        )

    def test_the_processors_page_highlights_an_overdue_review(self) -> None:
        processor = Processor.objects.create(name="Old Bureau", kind="contractor", country="GB")
        ProcessorEngagement.objects.create(
            partner=self.council,
            processor=processor,
            record_keys=["partnership.users"],
            review_due="2020-01-31",
        )
        browser = self.signed_in(self.council_dpo)
        page = browser.get("/data-protection/processors/").content.decode()
        assert "Old Bureau" in page and "Overdue" in page
        download = browser.get("/data-protection/processors.csv").content.decode("utf-8-sig")
        assert download.splitlines()[1].endswith(",2020-01-31,yes")
