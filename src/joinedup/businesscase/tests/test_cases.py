"""The business case's versions, decisions and what each reader sees (issue 13's acceptance)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import Baseline, CaseVersion, Decision, OptionLine
from joinedup.businesscase.services import LineInput
from joinedup.businesscase.tests.base import BusinessCaseTestCase, pounds


class TestVersionsAndDecisions(BusinessCaseTestCase):
    def decide(
        self, user: object, partner: object, outcome: str, version: CaseVersion | None = None
    ) -> Decision:
        return services.decision_record(
            actor=user,
            version=version or services.latest_version(self.case),
            partner=partner,  # type: ignore[arg-type]
            outcome=outcome,
            decided_on=date(2026, 11, 3),
            body="cabinet" if partner == self.council else "police_authority",
            minutes_url="https://example.org/minutes/2026-11-03",
        )

    def change_the_saving(self, amount: str = "250") -> OptionLine:
        line = self.option.lines.order_by("pk")[1]
        return services.line_change(
            actor=self.shared_finance,
            line=line,
            to=LineInput(
                name="Fewer staff", kind="saving", amounts=pounds("0", amount, amount, amount, amount)
            ),
        )

    def versions(self) -> list[int]:
        return list(selectors.versions_of_case(self.case).values_list("number", flat=True))

    def test_it_starts_with_one_version_that_the_partners_but_not_the_owner_must_approve(self) -> None:
        assert self.versions() == [1]
        involved = selectors.involved_of(self.case)
        assert [(r.partner.code, r.must_approve) for r in involved] == [
            ("WSS", False),
            ("WPOL", True),
            ("WCC", True),
        ]

    def test_edits_before_any_decision_stay_on_the_same_version(self) -> None:
        self.change_the_saving()
        assert self.versions() == [1]

    def test_an_edit_after_a_decision_makes_a_new_version_and_the_decision_stays_on_the_old_one(self) -> None:
        deferred = self.decide(self.police_finance, self.police, "deferred")
        changed = self.change_the_saving("250")
        assert self.versions() == [1, 2]
        deferred.refresh_from_db()
        assert deferred.version.number == 1
        # Version 1's figures are as they were decided on; version 2 holds the change and a copy of
        # everything else (baselines, the other line, allocation keys).
        v1, v2 = selectors.versions_of_case(self.case)
        old = OptionLine.objects.for_partner(self.shared).filter(option__version=v1).order_by("pk")
        assert [line.amounts for line in old] == [["1000.00"], ["0", "300", "300", "300", "300"]]
        assert changed.option.version == v2
        new = OptionLine.objects.for_partner(self.shared).filter(option__version=v2).order_by("pk")
        assert [line.amounts for line in new] == [["1000.00"], ["0", "250", "250", "250", "250"]]
        assert Baseline.objects.for_partner(self.shared).filter(version=v2).count() == 2
        assert selectors.allocation_of(v2) == {"WCC": Decimal("60.0000"), "WPOL": Decimal("40.0000")}
        assert v2.reason == "Changed after a decision on version 1"
        assert (
            AuditEvent.objects.for_partner(self.shared).filter(action="businesscase.version_created").count()
            == 1
        )

    def test_the_partnership_approves_only_when_every_required_partner_approved_the_same_version(
        self,
    ) -> None:
        self.decide(self.council_finance, self.council, "approved")
        self.decide(self.police_finance, self.police, "deferred")
        assert selectors.partnership_approval(self.case) is None
        self.change_the_saving()  # the more information the police asked for: version 2
        # The council's approval stays on version 1: it has not approved version 2.
        self.decide(self.police_finance, self.police, "approved")
        assert selectors.partnership_approval(self.case) is None
        assert selectors.partnership_approval(self.case) is None
        self.decide(self.council_finance, self.council, "rejected")
        assert selectors.partnership_approval(self.case) is None

    def test_approval_by_every_required_partner_of_version_two_approves_the_case(self) -> None:
        self.decide(self.council_finance, self.council, "approved")
        self.decide(self.police_finance, self.police, "deferred")
        self.change_the_saving()
        self.decide(self.police_finance, self.police, "approved")
        self.decide(self.council_finance, self.council, "approved")
        approved = selectors.partnership_approval(self.case)
        assert approved is not None and approved.number == 2
        access = selectors.case_for(self.council_finance, case_id=self.case.pk)
        rows = selectors.version_rows(access)
        assert [(r.version.number, r.approved_by_partnership, r.latest) for r in rows] == [
            (2, True, True),
            (1, False, False),
        ]
        # The council's approval of version 1 is still shown on version 1.
        assert [(d.partner.code, d.outcome) for d in rows[1].decisions] == [
            ("WCC", "approved"),
            ("WPOL", "deferred"),
        ]

    def test_a_later_decision_on_the_same_version_replaces_the_earlier_one(self) -> None:
        self.decide(self.council_finance, self.council, "approved")
        self.decide(self.police_finance, self.police, "deferred")
        self.decide(self.police_finance, self.police, "approved")
        approved = selectors.partnership_approval(self.case)
        assert approved is not None and approved.number == 1
        self.decide(self.police_finance, self.police, "rejected")
        assert selectors.partnership_approval(self.case) is None

    def test_approval_with_conditions_counts_and_must_say_its_conditions(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.decide(self.council_finance, self.council, "approved_with_conditions")
        assert refused.value.message_dict == {"conditions": ["Say what the conditions are."]}
        services.decision_record(
            actor=self.council_finance,
            version=services.latest_version(self.case),
            partner=self.council,
            outcome="approved_with_conditions",
            decided_on=date(2026, 11, 3),
            body="cabinet",
            conditions="A report on savings to cabinet every six months",
        )
        self.decide(self.police_finance, self.police, "approved")
        approved = selectors.partnership_approval(self.case)
        assert approved is not None and approved.number == 1

    def test_it_refuses_a_decision_on_a_version_changed_since(self) -> None:
        self.decide(self.police_finance, self.police, "deferred")
        self.change_the_saving()
        v1 = selectors.versions_of_case(self.case).get(number=1)
        with pytest.raises(ValidationError) as refused:
            self.decide(self.council_finance, self.council, "approved", version=v1)
        assert refused.value.message_dict == {
            "version": ["Version 1 has been changed since: decide on version 2."]
        }
        assert Decision.objects.for_partner(self.council).filter(partner=self.council).count() == 0

    def test_only_a_partners_own_finance_officers_record_its_decision(self) -> None:
        with pytest.raises(PermissionDenied):
            self.decide(self.council_finance, self.police, "approved")
        with pytest.raises(PermissionDenied):
            self.decide(self.police_hr, self.police, "approved")
        assert Decision.objects.for_partners([self.council, self.police]).count() == 0

    def test_a_partner_not_involved_cannot_decide(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.decide(self.fire_finance, self.fire, "approved")
        assert refused.value.message_dict == {
            "partner": ["Wessex Fire and Rescue is not involved in this business case."]
        }

    def test_a_partners_finance_officer_cannot_change_the_case(self) -> None:
        with pytest.raises(PermissionDenied):
            services.option_add(
                actor=self.council_finance, case=self.case, kind="outsourcing", name="Outsource"
            )
        line = self.option.lines.order_by("pk")[0]
        with pytest.raises(PermissionDenied):
            services.line_change(
                actor=self.police_finance,
                line=line,
                to=LineInput(name="Set-up", kind="cost", amounts=pounds("1.00")),
            )
        assert selectors.versions_of_case(self.case).get().options.count() == 1
        line.refresh_from_db()
        assert line.amounts == ["1000.00"]


class TestWhatEachReaderSees(BusinessCaseTestCase):
    def test_a_partner_sees_its_own_share_and_the_totals_and_the_owner_every_share(self) -> None:
        council = selectors.case_for(self.council_finance, case_id=self.case.pk)
        (option,) = selectors.option_appraisals(council, selectors.version_for(council))
        # The hand-worked case of tests/base.py: NPV £1.92, payback year 4.
        assert option.result.net_present_value == Decimal("1.92")
        assert option.result.present_value_costs == Decimal("1100.00")
        assert option.result.present_value_savings == Decimal("1101.92")
        assert (option.result.payback_year, option.result.discounted_payback_year) == (4, 4)
        assert option.cumulative_discounted == (
            Decimal("-1100.00"),
            Decimal("-810.14"),
            Decimal("-530.09"),
            Decimal("-259.51"),
            Decimal("1.92"),
        )
        # 192 pence at 60:40 by largest remainder: 115.2 -> 115 and 76.8 -> 77.
        assert [(s.partner, s.costs, s.savings, s.net_present_value) for s in option.shares] == [
            ("WCC", Decimal("660.00"), Decimal("720.00"), Decimal("1.15"))
        ]
        owner = selectors.case_for(self.shared_finance, case_id=self.case.pk)
        (everything,) = selectors.option_appraisals(owner, selectors.version_for(owner))
        assert [(s.partner, s.net_present_value) for s in everything.shares] == [
            ("WCC", Decimal("1.15")),
            ("WPOL", Decimal("0.77")),
        ]

    def test_another_partners_baseline_detail_is_seen_only_when_it_shared_it(self) -> None:
        police = selectors.case_for(self.police_finance, case_id=self.case.pk)
        seen = selectors.baselines_of(police, selectors.version_for(police))
        assert [(r.partner.code, r.function) for r in seen.rows] == [("WPOL", "payroll")]
        assert seen.hidden_partners == ["Wessex County Council"]
        # The totals are the partnership's, the council's unshared row included.
        assert [(t.function, t.staff_cost, t.fte, t.non_staff_cost) for t in seen.totals] == [
            ("payroll", Decimal("600000.00"), Decimal("18.50"), Decimal("75000.00"))
        ]
        council = selectors.case_for(self.council_finance, case_id=self.case.pk)
        seen = selectors.baselines_of(council, selectors.version_for(council))
        assert [r.partner.code for r in seen.rows] == ["WPOL", "WCC"]
        assert seen.hidden_partners == []

    def test_the_owner_sees_every_partners_baseline(self) -> None:
        owner = selectors.case_for(self.shared_finance, case_id=self.case.pk)
        seen = selectors.baselines_of(owner, selectors.version_for(owner))
        assert sorted(r.partner.code for r in seen.rows) == ["WCC", "WPOL"]

    def test_sharing_is_the_partners_own_decision(self) -> None:
        with pytest.raises(PermissionDenied):
            services.baseline_share(
                actor=self.police_finance, case=self.case, partner=self.council, shared=True
            )
        assert (
            not Baseline.objects.for_partner(self.council).filter(partner=self.council, shared=True).exists()
        )

    def test_a_partner_not_involved_gets_404(self) -> None:
        with pytest.raises(Http404):
            selectors.case_for(self.fire_finance, case_id=self.case.pk)
        assert list(selectors.cases_visible_to(self.fire_finance)) == []

    def test_union_reps_see_the_published_versions_only(self) -> None:
        with pytest.raises(Http404):
            selectors.case_for(self.union_rep, case_id=self.case.pk)
        assert list(selectors.cases_visible_to(self.union_rep)) == []
        v1 = services.latest_version(self.case)
        services.version_publish(actor=self.shared_finance, version=v1)
        services.decision_record(
            actor=self.police_finance,
            version=v1,
            partner=self.police,
            outcome="deferred",
            decided_on=date(2026, 11, 3),
            body="police_authority",
        )
        services.option_add(actor=self.shared_finance, case=self.case, kind="outsourcing", name="Outsource")
        access = selectors.case_for(self.union_rep, case_id=self.case.pk)
        assert access.published_only
        assert [v.number for v in selectors.versions_of(access)] == [1]
        assert selectors.version_for(access).number == 1
        with pytest.raises(Http404):
            selectors.version_for(access, 2)
        (option,) = selectors.option_appraisals(access, selectors.version_for(access))
        assert option.shares == ()
        seen = selectors.baselines_of(access, selectors.version_for(access))
        assert seen.rows == []
        assert seen.total.staff_cost == Decimal("600000.00")
