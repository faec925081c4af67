"""A small restructure to test against: the council's and the constabulary's HR teams, brought
into one programme led by the council ("One HR service"); the fire service is not involved.

Posts are on an NJC scale (scheme code ``njc``, so they join the LGPS: change.oncosts) with the
2025 award's rates, and the employers' LGPS rates are the council's 18.0% and the constabulary's
19.5% from 1 April 2026. The structure takes effect on 1 May 2026 (tax year 2026-27): it deletes
the council's two-FTE adviser post and the constabulary's adviser post, takes the council's HR
manager down a grade, and creates a shared adviser post of 2.5 FTE at the council.

| post | partner | grade | FTE | held by |
|---|---|---|---|---|
| C-HRM HR manager (Winchester) | council | SCP5-SCP25 | 1 | Cara Jones |
| C-HRA HR adviser | council | SCP5-SCP12 | 2 | Ada Byron, Bob Hale |
| P-HRA HR adviser (Winchester) | constabulary | SCP5-SCP12 | 1 | Dan Ito |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.change import services
from joinedup.change.models import ChangeProgramme, ProposedStructure, StructureChange
from joinedup.partnership.models import Role
from joinedup.payroll.models import EmployerPensionRate
from joinedup.people.models import Employment, OrgUnit, PayPoint, Post, TermsScheme
from joinedup.people.services import org_unit_create, post_create
from joinedup.testing.people import PeopleTestCase, make_scheme

EFFECTIVE = date(2026, 5, 1)
RATES_FROM = date(2026, 4, 1)


class ChangeTestCase(PeopleTestCase):
    njc: TermsScheme
    n5: PayPoint
    n12: PayPoint
    n25: PayPoint
    council_hr_unit: OrgUnit
    police_hr_unit: OrgUnit
    manager_post: Post
    adviser_post: Post
    police_adviser_post: Post
    cara: Employment
    ada: Employment
    bob: Employment
    dan: Employment
    fire_hr: Any
    programme: ChangeProgramme
    structure: ProposedStructure
    shared_advisers: StructureChange

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fire_hr = cls.make_user("fire.hr", [(cls.fire, Role.HR_OFFICER)])
        cls.njc = make_scheme("njc")
        cls.n5, cls.n12, cls.n25 = PayPoint.objects.filter(scheme=cls.njc).order_by("sort")
        for partner, rate in ((cls.council, "18.0"), (cls.police, "19.5")):
            EmployerPensionRate.objects.create(
                partner=partner,
                pension_scheme="lgps_main",
                effective_from=RATES_FROM,
                rate_percent=Decimal(rate),
                source="test: the fund's rate for this employer",
            )
        cls.council_hr_unit = org_unit_create(
            actor=cls.shared_hr, partner=cls.council, code="CHR", name="Council HR team"
        )
        cls.police_hr_unit = org_unit_create(
            actor=cls.shared_hr, partner=cls.police, code="PHR", name="Police HR team"
        )
        cls.manager_post = cls.njc_post(
            cls.council, cls.council_hr_unit, "C-HRM", "HR manager", cls.n25, "1", location="Winchester"
        )
        cls.adviser_post = cls.njc_post(cls.council, cls.council_hr_unit, "C-HRA", "HR adviser", cls.n12, "2")
        cls.police_adviser_post = cls.njc_post(
            cls.police, cls.police_hr_unit, "P-HRA", "HR adviser", cls.n12, "1", location="Winchester"
        )
        njc_terms: dict[str, Any] = {"scheme": cls.njc, "pay_point": cls.n12}
        cls.cara = cls.hire(
            cls.council, "Cara", "Jones", "AB100001C", "WCC100001", post=cls.manager_post, **njc_terms
        )
        cls.ada = cls.hire(
            cls.council, "Ada", "Byron", "AB100002C", "WCC100002", post=cls.adviser_post, **njc_terms
        )
        cls.bob = cls.hire(
            cls.council, "Bob", "Hale", "AB100003C", "WCC100003", post=cls.adviser_post, **njc_terms
        )
        cls.dan = cls.hire(
            cls.police, "Dan", "Ito", "AB100004C", "WPOL100004", post=cls.police_adviser_post, **njc_terms
        )
        cls.programme = services.programme_create(
            actor=cls.shared_hr,
            partner=cls.council,
            name="One HR service",
            owner=cls.shared_hr,
            start_date=date(2026, 1, 5),
            description="One HR team for the council and the constabulary.",
            partners=[cls.police],
        )
        services.scope_add(
            actor=cls.shared_hr,
            programme=cls.programme,
            org_units=[cls.council_hr_unit, cls.police_hr_unit],
        )
        cls.structure = services.structure_create(
            actor=cls.shared_hr, programme=cls.programme, name="Shared HR team", effective_date=EFFECTIVE
        )
        services.structure_delete_post(actor=cls.shared_hr, structure=cls.structure, post=cls.adviser_post)
        services.structure_delete_post(
            actor=cls.shared_hr, structure=cls.structure, post=cls.police_adviser_post
        )
        services.structure_change_post(
            actor=cls.shared_hr,
            structure=cls.structure,
            post=cls.manager_post,
            proposal=services.PostProposal(grade_max=cls.n12, title="HR team leader"),
        )
        cls.shared_advisers = services.structure_create_post(
            actor=cls.shared_hr,
            structure=cls.structure,
            partner=cls.council,
            proposal=services.PostProposal(
                code="S-HRA",
                title="Shared HR adviser",
                org_unit=cls.council_hr_unit,
                scheme=cls.njc,
                grade_min=cls.n5,
                grade_max=cls.n12,
                budgeted_fte=Decimal("2.5"),
                cost_centre="CC-SHR",
                location="Winchester",
            ),
        )

    @classmethod
    def njc_post(
        cls, partner: Any, unit: OrgUnit, code: str, title: str, top: PayPoint, fte: str, location: str = ""
    ) -> Post:
        return post_create(
            actor=cls.shared_hr,
            partner=partner,
            code=code,
            title=title,
            org_unit=unit,
            scheme=cls.njc,
            grade_min=cls.n5,
            grade_max=top,
            budgeted_fte=Decimal(fte),
            cost_centre=f"CC-{code}",
            start_date=date(2020, 4, 1),
            location=location,
        )
