"""People fixtures on top of the partnership test base: a small scheme with a dated pay
award, an establishment per partner, and people — one of them employed by two partners."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.people.models import (
    Employment,
    IncrementRule,
    OrgUnit,
    PayPoint,
    PayRate,
    Post,
    Proration,
    TermsScheme,
)
from joinedup.people.services import PersonDetails, Terms, employment_start, org_unit_create, post_create
from joinedup.testing.base import PartnerTestCase

AWARD_2025 = date(2025, 4, 1)


def make_scheme(code: str = "njc-test") -> TermsScheme:
    """A three-point spine with the 2024/25 and 2025/26 values of NJC SCP 5, 12 and 25
    (NJC pay agreement 2025: +3.2% from 1 April 2025)."""
    scheme = TermsScheme.objects.create(
        code=code,
        name="Test Green Book",
        standard_weekly_hours=Decimal(37),
        increment_rule=IncrementRule.APRIL_1,
        proration=Proration.CALENDAR_DAYS,
        leave_rules=[{"min_years": 0, "days": 25}, {"min_years": 5, "days": 30}],
    )
    for sort, (code_, before, after) in enumerate(
        [
            ("SCP5", "25183.00", "25989.00"),
            ("SCP12", "27711.00", "28598.00"),
            ("SCP25", "32654.00", "33699.00"),
        ],
        start=1,
    ):
        point = PayPoint.objects.create(scheme=scheme, code=code_, label=code_, sort=sort)
        PayRate.objects.create(
            point=point, effective_from=date(2024, 4, 1), annual=Decimal(before), source="test"
        )
        PayRate.objects.create(point=point, effective_from=AWARD_2025, annual=Decimal(after), source="test")
    return scheme


class PeopleTestCase(PartnerTestCase):
    scheme: TermsScheme
    scp5: PayPoint
    scp12: PayPoint
    scp25: PayPoint
    council_unit: OrgUnit
    police_unit: OrgUnit
    council_post: Post
    police_post: Post
    council_emp: Employment
    police_emp: Employment
    shared_person_council: Employment
    shared_person_police: Employment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.scheme = make_scheme()
        cls.scp5, cls.scp12, cls.scp25 = PayPoint.objects.filter(scheme=cls.scheme).order_by("sort")
        cls.council_unit = org_unit_create(
            actor=cls.shared_hr, partner=cls.council, code="HR", name="Council HR"
        )
        cls.police_unit = org_unit_create(
            actor=cls.shared_hr, partner=cls.police, code="FIN", name="Police Finance"
        )
        cls.council_post = cls.make_post(cls.council, cls.council_unit, "C-HR-01", "HR adviser", Decimal(2))
        cls.police_post = cls.make_post(
            cls.police, cls.police_unit, "P-FIN-01", "Finance officer", Decimal(1)
        )
        cls.council_emp = cls.hire(
            cls.council, "Ada", "Lovelace", "AB123456C", "WCC000001", post=cls.council_post
        )
        cls.police_emp = cls.hire(
            cls.police, "Grace", "Hopper", "CE654321A", "WPOL000001", post=cls.police_post
        )
        cls.shared_person_council = cls.hire(cls.council, "Mary", "Seacole", "JM112233D", "WCC000002")
        cls.shared_person_police = cls.hire(
            cls.police, "Mary", "Seacole", "JM112233D", "WPOL000002", fte=Decimal("0.4")
        )

    @classmethod
    def make_post(cls, partner: Any, unit: OrgUnit, code: str, title: str, fte: Decimal) -> Post:
        return post_create(
            actor=cls.shared_hr,
            partner=partner,
            code=code,
            title=title,
            org_unit=unit,
            scheme=cls.scheme,
            grade_min=cls.scp5,
            grade_max=cls.scp25,
            budgeted_fte=fte,
            cost_centre=f"CC-{code}",
            start_date=date(2020, 4, 1),
        )

    @classmethod
    def terms(cls, **overrides: Any) -> Terms:
        values: dict[str, Any] = {
            "contract_type": "permanent",
            "fte": Decimal(1),
            "weekly_hours": Decimal(37),
            "scheme": cls.scheme,
            "pay_point": cls.scp12,
            "pension_scheme": "lgps_main",
        }
        values.update(overrides)
        return Terms(**values)

    @classmethod
    def hire(
        cls,
        partner: Any,
        given: str,
        family: str,
        ni: str,
        payroll: str,
        *,
        start: date = date(2022, 6, 1),
        post: Post | None = None,
        **terms: Any,
    ) -> Employment:
        return employment_start(
            actor=cls.shared_hr,
            partner=partner,
            person=PersonDetails(
                given_name=given,
                family_name=family,
                date_of_birth=date(1985, 3, 14),
                ni_number=ni,
                postcode="SO23 8UJ",
                bank_sort_code="20-00-00",
                bank_account_number="12345678",
            ),
            payroll_number=payroll,
            start_date=start,
            terms=cls.terms(**terms),
            post=post,
        )
