"""The demo's equality monitoring answers and the workforce-impact report a union rep reads.

Every demo person gets answers drawn, repeatably, from a plausible distribution: sex about two
women to one man (local government's workforce), ethnic groups in the shares of the 2021 Census
for England and Wales, about one in ten saying they are disabled, and some declining or never
answering. The council's HR and Payroll unit (the population's "HRP") joins the programme's scope,
as the service the programme replaces, so the council's report counts people in the hundreds and
its small groups are hidden ([c]) rather than every cell. Seeding twice adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.change import PROGRAMME
from joinedup.change import services as change
from joinedup.change.models import ChangeProgramme, ScopeUnit
from joinedup.partnership.models import Partner
from joinedup.people.models import OrgUnit, Person, ProtectedCharacteristics

SEED = 2021
# Census 2021, England and Wales, ethnic group (per cent of usual residents), with 4% declining
# and 8% never answering: the shares a monitoring return of a public employer roughly shows.
ETHNICITY = [
    ("white_british", 74.4), ("white_irish", 0.9), ("white_gypsy_traveller", 0.1), ("white_roma", 0.2),
    ("white_other", 6.2), ("asian_indian", 3.1), ("asian_pakistani", 2.7), ("asian_bangladeshi", 1.1),
    ("asian_chinese", 0.7), ("asian_other", 1.6), ("black_african", 2.5), ("black_caribbean", 1.0),
    ("black_other", 0.5), ("mixed_white_asian", 0.8), ("mixed_white_black_african", 0.4),
    ("mixed_white_black_caribbean", 0.8), ("mixed_other", 0.9), ("other_arab", 0.6), ("other_any", 1.6),
    ("prefer_not_to_say", 4.0), ("", 8.0),
]  # fmt: skip
SEX = [("female", 64.0), ("male", 32.0), ("prefer_not_to_say", 1.0), ("", 3.0)]
DISABILITY = [("yes", 9.0), ("no", 78.0), ("prefer_not_to_say", 4.0), ("", 9.0)]
SCOPE_UNIT = ("WCC", "HRP")


def _draw(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def seed_demo_impact(*, partners: dict[str, Partner], say: Callable[[str], None]) -> None:
    everyone = Person.objects.unscoped(reason="demo: equality answers for every demo person")
    answered = set(
        ProtectedCharacteristics.objects.unscoped(reason="demo: who has answers already").values_list(
            "person_id", flat=True
        )
    )
    rng = random.Random(SEED)  # noqa: S311 — made-up answers, repeatable
    rows = []
    for person_id in everyone.order_by("pk").values_list("pk", flat=True):
        sex, ethnicity, disability = _draw(rng, SEX), _draw(rng, ETHNICITY), _draw(rng, DISABILITY)
        if person_id not in answered and (sex or ethnicity or disability):
            rows.append(
                ProtectedCharacteristics(
                    person_id=person_id, sex=sex, ethnicity=ethnicity, disability=disability
                )
            )
    ProtectedCharacteristics.objects.bulk_create(rows, batch_size=2000)
    programme = ChangeProgramme.objects.for_partner(partners["WSS"]).filter(name=PROGRAMME).first()
    council, code = partners[SCOPE_UNIT[0]], SCOPE_UNIT[1]
    unit = OrgUnit.objects.for_partner(council).filter(code=code).first()
    if programme is not None and unit is not None:
        in_scope = ScopeUnit.objects.for_partner(programme.partner_id).filter(
            programme=programme, org_unit=unit
        )
        if not in_scope.exists():
            change.scope_add(actor=SEEDER, programme=programme, org_units=[unit])
    say(
        f"  Equality monitoring answers for {len(rows):,} people; "
        f"the impact report counts {council.code}'s HR and payroll"
    )
