"""Staff at scale (bench/cloning.py), on PostgreSQL: above the threshold the first employees go
through the import and the rest are copies made in SQL, each a new person with their own NI
number, one employment with the next payroll number, its template's terms and post holding; a
copied employee's subject-access export holds their own employment and terms."""

from __future__ import annotations

import random
from unittest import mock, skipUnless

from django.db import connection
from django.test import TestCase

from joinedup.bench import BENCH, cloning
from joinedup.bench.population import COUNCIL
from joinedup.partnership.services import partner_create
from joinedup.people.models import Employment, EmploymentTerms, Person, PostHolding
from joinedup.people.schemes_sync import schemes_sync
from joinedup.privacy import sar


@skipUnless(connection.vendor == "postgresql", "the copies are made by PostgreSQL's SQL")
class TestStaffAtScale(TestCase):
    def test_the_copies_are_new_people_each_with_one_employment_terms_and_holding_like_their_template(
        self,
    ) -> None:
        schemes_sync(actor=BENCH)
        council = partner_create(actor=BENCH, name="Clones", code="CLONE", kind=COUNCIL.kind)
        with (
            mock.patch.object(cloning, "FAST_ABOVE", 50),
            mock.patch.object(cloning, "TEMPLATE", 30),
            mock.patch.object(cloning, "BATCH", 40),
        ):
            cloning.staff_at_scale(council, 130, random.Random(1), seed=7, payroll_prefix="C", say=print)
        employments = Employment.objects.for_partner(council).order_by("pk")
        assert employments.count() == 130
        assert list(employments.values_list("payroll_number", flat=True)) == [
            f"C{n:07d}" for n in range(1, 131)
        ]
        people = Person.objects.for_partner(council)
        assert people.count() == 130
        assert len(set(people.values_list("ni_number", flat=True))) == 130
        terms = EmploymentTerms.objects.for_partner(council)
        assert terms.count() == 130
        assert terms.values("employment").distinct().count() == 130
        template = list(employments[:30])
        copy = employments[30 + 31]  # the 32nd copy: of the second template employee
        assert (copy.start_date, copy.pay_frequency) == (template[1].start_date, template[1].pay_frequency)
        copied_terms = terms.get(employment=copy)
        template_terms = terms.get(employment=template[1])
        assert (copied_terms.pay_point_id, copied_terms.fte, copied_terms.tax_code) == (
            template_terms.pay_point_id,
            template_terms.fte,
            template_terms.tax_code,
        )
        holdings = PostHolding.objects.for_partner(council)
        held_in_template = holdings.filter(employment__in=template).count()
        # 100 copies: three full rounds of the 30 templates and the first 10 again.
        first_ten = holdings.filter(employment__in=template[:10]).count()
        assert holdings.count() == held_in_template * 4 + first_ten
        export = sar.export_person(actor=BENCH, partner=council, person_id=copy.person_id)
        assert [e["payroll_number"] for e in export["employments"]] == ["C0000062"]
        assert [t["id"] for t in export["terms"]] == [copied_terms.pk]

    def test_below_the_threshold_everyone_goes_through_the_import(self) -> None:
        schemes_sync(actor=BENCH)
        council = partner_create(actor=BENCH, name="Imported", code="IMPORTED", kind=COUNCIL.kind)
        with mock.patch.object(cloning, "copy_staff") as copy_staff:
            cloning.staff_at_scale(council, 40, random.Random(1), seed=7, payroll_prefix="I", say=print)
        copy_staff.assert_not_called()
        assert Employment.objects.for_partner(council).count() == 40
