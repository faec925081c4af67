"""The one synthetic population that the demo, the benchmarks and tests draw from."""

from __future__ import annotations

import random

from django.test import TestCase

from joinedup.bench import population
from joinedup.core import tabular, validators
from joinedup.people.imports import EMPLOYMENT_COLUMNS
from joinedup.people.models import Person
from joinedup.people.schemes_sync import schemes_sync
from joinedup.testing.base import FIXTURES


class TestGeneratedData(TestCase):
    def test_generated_rows_are_valid_and_avoid_ni_prefixes_already_held(self) -> None:
        schemes_sync(actor=FIXTURES)
        taken = population.free_ni_prefixes(1, random.Random(population.SEED))[0]
        Person.objects.create(
            given_name="Ada", family_name="Lovelace", date_of_birth="1980-12-10", ni_number=f"{taken}123456A"
        )
        factory = population.PeopleFactory(200)
        rows = [
            factory.row(
                factory.human(),
                payroll_number=f"E{n:07d}",
                force=population.COUNCIL,
                points=population.payable_points("njc"),
                hours=population.standard_hours("njc"),
                posts=["P000001"],
            )
            for n in range(200)
        ]
        nis = [row[4] for row in rows]
        assert len(set(nis)) == 200
        assert all(validators.ni_number(ni) == ni and not ni.startswith(taken) for ni in nis)
        parsed = tabular.read_rows(population.encode(rows, "csv"), EMPLOYMENT_COLUMNS, filename="x.csv")
        assert parsed.ok, parsed.errors[:5]
        assert {len(row) for row in rows} == {len(EMPLOYMENT_COLUMNS.columns)}
