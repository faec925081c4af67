"""The proposed structure: costed against the establishment to the penny, applied exactly as
shown through the people module's services, and only once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.change import selectors, services
from joinedup.change.oncosts import employer_ni_a_year, post_cost
from joinedup.change.restructure import PostShape
from joinedup.change.tests.base import EFFECTIVE, ChangeTestCase
from joinedup.payroll.engine.ruleset import load_rules
from joinedup.people.models import Post, PostHolding

RULES_2026 = load_rules(2026)
D = Decimal


def applying_on(day: date) -> Any:
    """Today, as the service sees it."""
    return mock.patch("joinedup.change.services.timezone.localdate", return_value=day)


def row(r: selectors.ComparisonRow) -> tuple[object, ...]:
    return (r.partner, r.grade, r.current_fte, r.current.total, r.proposed_fte, r.proposed.total)


class TestOnCosts:
    def test_employer_ni_is_the_secondary_rate_above_the_secondary_threshold(self) -> None:
        # SSCBA 1992 s.9, 2026-27 rule file: 15% above the ST of £5,000 a year.
        # (33,699 - 5,000) x 15% = 4,304.85
        assert employer_ni_a_year(RULES_2026, D("33699.00")) == D("4304.85")
        assert employer_ni_a_year(RULES_2026, D("5000.00")) == D("0.00")
        assert employer_ni_a_year(RULES_2026, D("4000.00")) == D("0.00")

    def test_employer_ni_rounds_half_a_penny_down(self) -> None:
        # NIM11002: 0.10 x 15% = 1.5p, and a half penny is disregarded.
        assert employer_ni_a_year(RULES_2026, D("5000.10")) == D("0.01")

    def test_a_post_of_two_and_a_half_fte_is_two_full_time_people_and_one_half_time(self) -> None:
        # Full time SCP12 £28,598: NI (28,598 - 5,000) x 15% = 3,539.70, pension 18% = 5,147.64.
        # Half time £14,299: NI (14,299 - 5,000) x 15% = 1,394.85, pension 18% = 2,573.82.
        cost = post_cost(RULES_2026, annual_rate=D("28598.00"), fte=D("2.5"), pension_rate=D("18.0"))
        assert (cost.salary, cost.employer_ni, cost.employer_pension) == (
            D("71495.00"),
            D("8474.25"),
            D("12869.10"),
        )
        assert cost.total == D("92838.35")


class TestComparison(ChangeTestCase):
    def test_it_compares_fte_and_cost_by_partner_and_grade_to_the_penny(self) -> None:
        # Costed on 1 May 2026 at the 2025 award, 2026-27 NI, the council's LGPS 18.0% and the
        # constabulary's 19.5% (see tests/base.py). Per full-time person:
        #   SCP25 £33,699: NI 4,304.85, pension 18% 6,065.82 -> 44,069.67
        #   SCP12 £28,598: NI 3,539.70, pension 18% 5,147.64 -> 37,285.34; 19.5% 5,576.61 -> 37,714.31
        # Proposed council SCP12: team leader 37,285.34 + shared advisers 2.5 FTE 92,838.35.
        found = selectors.structure_comparison(self.council_hr, structure=self.structure)
        assert found.tax_year == "2026-27"
        assert [row(r) for r in found.rows] == [
            ("WCC", "SCP12", D("2.0000"), D("74570.68"), D("3.5"), D("130123.69")),
            ("WCC", "SCP25", D("1.0000"), D("44069.67"), D("0"), D("0")),
            ("WPOL", "SCP12", D("1.0000"), D("37714.31"), D("0"), D("0")),
        ]
        assert [row(r) for r in found.partners] == [
            ("WCC", "", D("3.0000"), D("118640.35"), D("3.5"), D("130123.69")),
            ("WPOL", "", D("1.0000"), D("37714.31"), D("0"), D("0")),
        ]
        assert row(found.total) == ("", "", D("4.0000"), D("156354.66"), D("3.5"), D("130123.69"))
        assert found.total.cost_change == D("-26230.97")
        assert found.total.current.employer_ni == D("4304.85") + 2 * D("3539.70") + D("3539.70")
        assert found.notes == []

    def test_the_police_read_the_same_comparison_as_the_council(self) -> None:
        council = selectors.structure_comparison(self.council_hr, structure=self.structure)
        police = selectors.structure_comparison(self.police_hr, structure=self.structure)
        assert [row(r) for r in police.rows] == [row(r) for r in council.rows]

    def test_a_partner_without_an_employer_rate_is_costed_without_pension_and_told_so(self) -> None:
        self.structure.effective_date = date(2026, 3, 31)  # before the rates of 1 April 2026
        self.structure.save()
        found = selectors.structure_comparison(self.council_hr, structure=self.structure)
        assert found.notes == [
            "Wessex Constabulary has no employer rate for lgps_main on 31 March 2026: none is counted.",
            "Wessex County Council has no employer rate for lgps_main on 31 March 2026: none is counted.",
        ]
        assert found.total.current.employer_pension == D("0")

    def test_it_refuses_to_change_a_post_outside_the_scope(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.structure_delete_post(
                actor=self.shared_hr, structure=self.structure, post=self.council_post
            )
        assert refused.value.message_dict == {
            "post": ["Post C-HR-01 is not in the programme's scope; add it first."]
        }

    def test_it_refuses_a_change_that_leaves_the_post_as_it_is(self) -> None:
        other = services.structure_create(
            actor=self.shared_hr, programme=self.programme, name="Option B", effective_date=EFFECTIVE
        )
        with pytest.raises(ValidationError, match="The proposal leaves the post as it is"):
            services.structure_change_post(
                actor=self.shared_hr,
                structure=other,
                post=self.manager_post,
                proposal=services.PostProposal(grade_max=self.n25, title="HR manager"),
            )


def establishment(*posts: Post) -> list[tuple[object, ...]]:
    return [
        (
            p.partner.code,
            p.code,
            p.title,
            p.scheme.code,
            p.grade_min.code,
            p.grade_max.code,
            p.budgeted_fte,
            p.location,
            p.start_date,
            p.end_date,
        )
        for p in posts
    ]


class TestApplying(ChangeTestCase):
    def live_scope(self) -> list[Post]:
        return [
            p
            for p in selectors.scope_posts_of(self.programme)
            if p.start_date <= EFFECTIVE and (p.end_date is None or p.end_date >= EFFECTIVE)
        ]

    def test_it_makes_the_establishment_exactly_the_proposal(self) -> None:
        _, proposed = selectors.current_and_proposed(self.structure)
        with applying_on(EFFECTIVE):
            done = services.structure_apply(actor=self.shared_hr, structure=self.structure)
        assert done.message == (
            "Shared HR team applied: 1 posts created, 1 changed, 2 ended on 30 April 2026."
        )
        current, still_proposed = selectors.current_and_proposed(self.structure)

        def ignore_ids(shapes: list[PostShape]) -> list[PostShape]:
            return sorted(
                (replace(s, post_id=None, change_id=None) for s in shapes),
                key=lambda s: (s.partner_id, s.code),
            )

        assert ignore_ids(current) == ignore_ids(proposed)
        assert current == still_proposed  # nothing left to apply
        assert establishment(*self.live_scope()) == [
            (
                "WCC",
                "C-HRM",
                "HR team leader",
                "njc",
                "SCP5",
                "SCP12",
                D("1.0000"),
                "Winchester",
                date(2020, 4, 1),
                None,
            ),
            (
                "WCC",
                "S-HRA",
                "Shared HR adviser",
                "njc",
                "SCP5",
                "SCP12",
                D("2.5000"),
                "Winchester",
                EFFECTIVE,
                None,
            ),
        ]
        ended = Post.objects.for_partners([self.council, self.police]).filter(code__in=["C-HRA", "P-HRA"])
        assert {(p.code, p.end_date) for p in ended} == {
            ("C-HRA", date(2026, 4, 30)),
            ("P-HRA", date(2026, 4, 30)),
        }
        # The holders of the deleted posts stop holding them the day they end.
        assert {
            h.employment.payroll_number: h.end_date
            for h in PostHolding.objects.for_partners([self.council, self.police]).filter(post__in=ended)
        } == {"WCC100002": date(2026, 4, 30), "WCC100003": date(2026, 4, 30), "WPOL100004": date(2026, 4, 30)}

    def test_it_changes_the_establishment_through_the_people_services_audited(self) -> None:
        with applying_on(EFFECTIVE):
            services.structure_apply(actor=self.shared_hr, structure=self.structure)
        council = AuditEvent.objects.for_partner(self.council)
        assert council.filter(action="post.created", after__code="S-HRA").count() == 1
        changed = council.get(action="post.changed", object_id=str(self.manager_post.pk))
        assert changed.before == {"title": "HR manager", "grade_max": "SCP25"}
        assert changed.after["grade_max"] == "SCP12"
        assert council.filter(action="post.ended", object_id=str(self.adviser_post.pk)).count() == 1
        assert AuditEvent.objects.for_partner(self.police).filter(action="post.ended").count() == 1
        applied = council.get(action="change.structure_applied")
        assert applied.after == {
            "effective_date": "2026-05-01",
            "created": ["S-HRA"],
            "changed": ["C-HRM"],
            "ended": ["C-HRA", "P-HRA"],
            "at_risk": 4,
        }

    def test_applying_twice_changes_nothing_more_and_says_so(self) -> None:
        with applying_on(EFFECTIVE):
            services.structure_apply(actor=self.shared_hr, structure=self.structure)
        partners = [self.council, self.police]
        posts = establishment(*Post.objects.for_partners(partners).order_by("partner_id", "code"))
        events = AuditEvent.objects.for_partners(partners).count()
        with applying_on(date(2026, 6, 1)):
            again = services.structure_apply(actor=self.shared_hr, structure=self.structure)
        assert again.already and (again.created, again.changed, again.ended) == ([], [], [])
        assert again.message.startswith("Shared HR team was applied on ")
        assert again.message.endswith(
            "by shared.hr; the establishment already matches it, so nothing was changed."
        )
        assert establishment(*Post.objects.for_partners(partners).order_by("partner_id", "code")) == posts
        assert AuditEvent.objects.for_partners(partners).count() == events

    def test_it_refuses_to_apply_before_the_effective_date_and_changes_nothing(self) -> None:
        with applying_on(date(2026, 4, 30)), pytest.raises(ValidationError) as refused:
            services.structure_apply(actor=self.shared_hr, structure=self.structure)
        assert refused.value.messages == [
            "Shared HR team takes effect on 1 May 2026; apply it on or after that day."
        ]
        self.structure.refresh_from_db()
        assert self.structure.applied_at is None
        assert Post.objects.for_partner(self.council).filter(code="S-HRA").count() == 0

    def test_it_refuses_a_user_who_cannot_apply_change_at_every_partner_and_changes_nothing(self) -> None:
        # council_hr may apply change at the council only; the structure ends a police post.
        partners = [self.council, self.police]
        posts = establishment(*Post.objects.for_partners(partners).order_by("partner_id", "code"))
        events = AuditEvent.objects.for_partners(partners).count()
        for actor in (self.council_hr, self.ops_admin):  # service administrators do not apply
            with applying_on(EFFECTIVE), pytest.raises(PermissionDenied):
                services.structure_apply(actor=actor, structure=self.structure)
        assert establishment(*Post.objects.for_partners(partners).order_by("partner_id", "code")) == posts
        assert AuditEvent.objects.for_partners(partners).count() == events
        self.structure.refresh_from_db()
        assert self.structure.applied_at is None

    def test_an_applied_structure_takes_no_further_changes(self) -> None:
        with applying_on(EFFECTIVE):
            services.structure_apply(actor=self.shared_hr, structure=self.structure)
        self.structure.refresh_from_db()
        with pytest.raises(ValidationError, match="The structure has been applied"):
            services.structure_delete_post(
                actor=self.shared_hr, structure=self.structure, post=self.manager_post
            )
