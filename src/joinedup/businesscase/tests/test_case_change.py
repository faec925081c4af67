"""A case's horizon and partners changed after it was started (services.case_change): the horizon
is each version's, so a decided version keeps the horizon it was decided on while the change makes
a new version; partners are added and removed (never one that has decided); only the case's owner
changes it, and nothing changes on a refusal. The case is tests/base.py's "One back office": 5
years, the council and the constabulary, a saving line running to year 4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import services
from joinedup.businesscase.models import AllocationKey, Baseline, CasePartner, CaseVersion, Decision
from joinedup.businesscase.tests.base import BusinessCaseTestCase


class TestChangingTheCase(BusinessCaseTestCase):
    def versions(self) -> list[tuple[int, int]]:
        return [
            (v.number, v.horizon)
            for v in CaseVersion.objects.for_partner(self.shared).filter(case=self.case).order_by("number")
        ]

    def involved(self) -> list[tuple[str, bool]]:
        return [
            (r.partner.code, r.must_approve)
            for r in CasePartner.objects.for_partner(self.shared)
            .filter(case=self.case)
            .order_by("partner__code")
        ]

    def decide(self, outcome: str = "approved") -> None:
        services.decision_record(
            actor=self.council_finance,
            version=services.latest_version(self.case),
            partner=self.council,
            outcome=outcome,
            decided_on=date(2026, 6, 1),
            body="cabinet",
        )

    def change(
        self, years: int = 5, partners: list[Any] | None = None, must_approve: list[Any] | None = None
    ) -> CaseVersion:
        return services.case_change(
            actor=self.shared_finance,
            case=self.case,
            years=years,
            partners=partners if partners is not None else [self.council, self.police],
            must_approve=must_approve if must_approve is not None else [self.council, self.police],
        )

    def test_a_longer_horizon_before_any_decision_lands_on_version_1(self) -> None:
        version = self.change(years=8)
        assert version.number == 1
        assert self.versions() == [(1, 8)]
        self.case.refresh_from_db()
        assert self.case.years == 8
        event = AuditEvent.objects.for_partner(self.shared).get(action="businesscase.changed")
        assert (event.before["years"], event.after["years"], event.after["version"]) == (5, 8, 1)

    def test_after_an_approval_a_longer_horizon_makes_version_2_and_version_1_keeps_5_years(self) -> None:
        self.decide()
        version = self.change(years=8)
        assert version.number == 2
        assert self.versions() == [(1, 5), (2, 8)]
        assert Decision.objects.for_partner(self.council).get().version.number == 1
        page = self.signed_in(self.shared_finance)
        assert (
            "5 years (year 0 to 4)" in page.get(f"/businesscase/{self.case.pk}/?version=1").content.decode()
        )
        assert (
            "8 years (year 0 to 7)" in page.get(f"/businesscase/{self.case.pk}/?version=2").content.decode()
        )

    def test_nothing_changed_makes_no_version(self) -> None:
        self.decide()
        assert self.change().number == 1
        assert self.versions() == [(1, 5)]

    def test_a_horizon_shorter_than_a_line_is_refused_with_nothing_changed(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.change(years=3)
        assert refused.value.message_dict["years"] == [
            "These lines run past year 2: Fewer staff. Shorten them first."
        ]
        self.case.refresh_from_db()
        assert (self.case.years, self.versions()) == (5, [(1, 5)])

    def test_it_adds_the_fire_service_as_a_partner_that_must_approve(self) -> None:
        self.change(
            partners=[self.council, self.police, self.fire],
            must_approve=[self.council, self.police, self.fire],
        )
        assert self.involved() == [("WCC", True), ("WFRS", True), ("WPOL", True), ("WSS", False)]

    def test_removing_a_partner_takes_its_baseline_and_key_from_the_version(self) -> None:
        self.change(partners=[self.council], must_approve=[self.council])
        assert self.involved() == [("WCC", True), ("WSS", False)]
        assert list(
            Baseline.objects.for_partner(self.council)
            .filter(case=self.case)
            .values_list("partner__code", flat=True)
        ) == ["WCC"]
        assert [
            k.allocated.code for k in AllocationKey.objects.for_partner(self.shared).filter(case=self.case)
        ] == ["WCC"]

    def test_a_partner_that_has_decided_cannot_be_removed(self) -> None:
        services.decision_record(
            actor=self.police_finance,
            version=services.latest_version(self.case),
            partner=self.police,
            outcome="deferred",
            decided_on=date(2026, 6, 1),
            body="police_authority",
        )
        with pytest.raises(ValidationError) as refused:
            self.change(partners=[self.council], must_approve=[self.council])
        assert refused.value.message_dict["partners"] == [
            "Wessex Constabulary has recorded a decision on the case: it stays in it."
        ]
        assert self.involved() == [("WCC", True), ("WPOL", True), ("WSS", False)]

    def test_a_partners_finance_officer_may_not_change_the_owners_case(self) -> None:
        with pytest.raises(PermissionDenied):
            services.case_change(
                actor=self.council_finance,
                case=self.case,
                years=8,
                partners=[self.council],
                must_approve=[self.council],
            )
        self.case.refresh_from_db()
        assert (self.case.years, self.involved()) == (5, [("WCC", True), ("WPOL", True), ("WSS", False)])


class TestChangingTheCaseOverTheWebAndApi(BusinessCaseTestCase):
    def test_the_api_changes_the_horizon_and_partners(self) -> None:
        response = self.api(self.shared_finance).put(
            f"/api/v1/businesscases/{self.case.pk}",
            {
                "years": 7,
                "partner_ids": [self.council.pk, self.police.pk, self.fire.pk],
                "must_approve_ids": [self.council.pk],
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["years"], body["version"]) == (7, 1)
        assert body["partners"] == [
            {"partner": "WSS", "must_approve": False},
            {"partner": "WPOL", "must_approve": False},
            {"partner": "WCC", "must_approve": True},
            {"partner": "WFRS", "must_approve": False},
        ]

    def test_the_api_answers_404_to_another_partner_and_a_union_rep_and_403_to_a_partner(self) -> None:
        body = {"years": 7, "partner_ids": [self.council.pk], "must_approve_ids": [self.council.pk]}
        url = f"/api/v1/businesscases/{self.case.pk}"
        for user, status in ((self.fire_finance, 404), (self.union_rep, 404), (self.council_finance, 403)):
            with self.subTest(user.username):
                assert self.api(user).put(url, body, content_type="application/json").status_code == status
        self.case.refresh_from_db()
        assert self.case.years == 5

    def test_the_page_changes_the_horizon(self) -> None:
        client = self.signed_in(self.shared_finance)
        url = f"/businesscase/{self.case.pk}/edit"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "years": "6",
                "partners": [str(self.council.pk), str(self.police.pk)],
                "must_approve": [str(self.council.pk), str(self.police.pk)],
            },
            follow=True,
        )
        assert "One back office: horizon 6 years, 2 partners." in response.content.decode()
        assert self.signed_in(self.council_finance).get(url).status_code == 403
        assert self.signed_in(self.fire_finance).get(url).status_code == 404
