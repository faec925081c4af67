"""Demo people for the Wessex partnership: council staff on the NJC Green Book, constabulary
staff on Police Staff Council terms, firefighters on the Grey Book, the shared service's own
staff; a chief executive shared by the council and the fire service, a secondment, and a
completed TUPE transfer of back-office staff into Wessex Shared Services.

Bulk staff come from the synthetic population the benchmarks use (:mod:`joinedup.bench.population`)
and go through the same all-or-nothing import as a real upload does."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from joinedup.bench.population import (
    COUNCIL,
    FIRE,
    POLICE,
    SHARED_SERVICE,
    PeopleFactory,
    import_staff,
    make_posts,
    payable_points,
    standard_hours,
)
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, PayPoint, Post, PostHolding, TermsScheme
from joinedup.people.schemes_sync import schemes_sync
from joinedup.people.services import (
    PersonDetails,
    Terms,
    cost_share_decide,
    cost_split_set,
    employment_change_terms,
    employment_start,
    secondment_create,
    secondment_decide,
    tupe_transfer,
)

DEMO_SEED = 2026
# The demo's employers and the workforce each draws from the synthetic population.
WORKFORCES = {"WCC": COUNCIL, "WPOL": POLICE, "WFRS": FIRE, "WSS": SHARED_SERVICE}


def seed_people(
    *,
    partners: dict[str, Partner],
    employees: int,
    say: Callable[[str], None],
    shares: dict[str, float],
    actor: Any,
) -> None:
    """Posts and staff for each demo partner, from :mod:`joinedup.bench.population` (the
    generator the benchmarks use), through the same imports as a real upload; then the special
    cases the demo shows."""
    report = schemes_sync(actor=actor)
    say(f"Schemes: {report.schemes_created} loaded, {report.rates_created} dated pay rates")
    rng = random.Random(DEMO_SEED)  # noqa: S311 — repeatable demo data, not security
    factory = PeopleFactory(employees, DEMO_SEED)
    remaining = employees
    codes = list(WORKFORCES)
    for index, code in enumerate(codes):
        count = remaining if index == len(codes) - 1 else round(employees * shares[code])
        remaining -= count
        partner, force = partners[code], WORKFORCES[code]
        post_count = max(count // 3, 1)
        posts = make_posts(partner, force, post_count, rng, actor=actor)
        if count:
            import_staff(
                partner=partner,
                force=force,
                factory=factory,
                count=count,
                points=payable_points(force.scheme),
                posts=posts,
                hours=standard_hours(force.scheme),
                payroll_number=f"{code}{{:06d}}".format,
                actor=actor,
            )
        say(f"  {partner.name}: {count} staff on {force.scheme}, {post_count} posts")
    _special_cases(partners, actor, say)


def _special_cases(partners: dict[str, Partner], actor: Any, say: Callable[[str], None]) -> None:
    council, fire, police, shared = partners["WCC"], partners["WFRS"], partners["WPOL"], partners["WSS"]
    njc = TermsScheme.objects.get(code="njc")
    top = PayPoint.objects.filter(scheme=njc, withdrawn_from__isnull=True).order_by("-sort").first()
    if top is None:
        raise RuntimeError("The NJC scheme has no current points; run `joinedup schemes sync`.")
    chief = employment_start(
        actor=actor,
        partner=council,
        person=PersonDetails(
            given_name="Morwenna",
            family_name="Trelawney",
            date_of_birth=date(1968, 9, 2),
            ni_number="JM900001A",
            postcode="SO23 8UJ",
            gender="F",
            address_line1="The Castle",
            town="Winchester",
        ),
        payroll_number="WCC900001",
        start_date=date(2021, 1, 4),
        terms=Terms(
            contract_type="permanent",
            fte=Decimal(1),
            weekly_hours=Decimal(37),
            scheme=njc,
            pay_point=top,
            pension_scheme="lgps_main",
        ),
    )
    split = cost_split_set(
        actor=actor,
        employment=chief,
        effective_from=date(2024, 4, 1),
        effective_to=None,
        reason="Joint chief executive of the council and the fire authority",
        shares=[(council, Decimal(50)), (fire, Decimal(50))],
    )
    # The fire authority agreed to its half when it appointed her (each partner decides).
    for share in split.shares.for_partner(council).filter(charged_partner=fire):
        cost_share_decide(actor=actor, share=share, approve=True, note="Agreed by the fire authority")
    say("  Shared chief executive: Morwenna Trelawney, cost split 50/50 between WCC and WFRS (approved)")

    analyst = Employment.objects.for_partner(council).order_by("payroll_number").first()
    if analyst is None:
        raise RuntimeError("The council has no staff to second.")
    secondment = secondment_create(
        actor=actor,
        employment=analyst,
        host_partner=police,
        role_title="Interim finance business partner",
        start_date=date(2026, 6, 1),
        end_date=date(2027, 5, 31),
        recharge_percent=Decimal(100),
    )
    secondment_decide(actor=actor, secondment=secondment, approve=True, note="Agreed by the constabulary")
    say(f"  Secondment: {analyst.person.full_name} ({analyst.payroll_number}) from WCC to WPOL")

    # In steps rather than one join with DISTINCT: inside the seeding's one transaction the
    # planner has no statistics for the rows just imported, and on PostgreSQL at 100,000 staff
    # the join ran for over 12 minutes.
    hrp_posts = list(
        Post.objects.for_partner(council).filter(org_unit__code="HRP").values_list("pk", flat=True)
    )
    holders = set(
        PostHolding.objects.for_partner(council)
        .filter(post_id__in=hrp_posts)
        .values_list("employment_id", flat=True)
    )
    movers = list(
        Employment.objects.for_partner(council)
        .filter(pk__in=sorted(holders), start_date__lt=date(2025, 10, 1), end_date__isnull=True)
        .order_by("payroll_number")[:12]
    )
    if movers:
        tupe_transfer(
            actor=actor,
            from_partner=council,
            to_partner=shared,
            transfer_date=date(2025, 10, 1),
            reference="TUPE-2025-HRP",
            measures="No measures envisaged; terms and LGPS membership protected.",
            employments=movers,
        )
        say(f"  TUPE: {len(movers)} council HR and payroll staff moved to WSS on 1 October 2025")


# The demo users who have a record of their own: username, their employment at the partner they
# belong to (payroll number, NI number, date of birth, start date, NJC point by place from the
# top), so that the record a user opens is theirs, under their own name.
_DEMO_STAFF_USERS = [
    ("council.manager", "WCC900002", "JM900002A", date(1979, 3, 14), date(2015, 5, 11), 6),
    ("council.employee", "WCC900003", "JM900003A", date(1992, 11, 27), date(2022, 9, 5), 20),
]


def link_demo_users(*, partners: dict[str, Partner], users: dict[str, Any], actor: Any) -> None:
    """Give council.employee and council.manager employments at the council in their own
    names, linked to their sign-ins; council.manager is council.employee's line manager."""
    council = partners["WCC"]
    points = list(PayPoint.objects.filter(scheme__code="njc", withdrawn_from__isnull=True).order_by("-sort"))
    hired: dict[str, Employment] = {}
    for username, payroll_number, ni_number, born, started, place in _DEMO_STAFF_USERS:
        user = users[username]
        hired[username] = employment_start(
            actor=actor,
            partner=council,
            person=PersonDetails(
                given_name=user.first_name,
                family_name=user.last_name,
                date_of_birth=born,
                ni_number=ni_number,
                email=user.email,
                postcode="SO23 8UJ",
                address_line1="County Hall",
                bank_sort_code="400000",
                bank_account_number=f"00{payroll_number[-6:]}",
                bank_account_name=f"{user.first_name} {user.last_name}",
                town="Winchester",
            ),
            payroll_number=payroll_number,
            start_date=started,
            terms=Terms(
                contract_type="permanent",
                fte=Decimal(1),
                weekly_hours=Decimal(37),
                scheme=points[0].scheme,
                pay_point=points[min(place, len(points) - 1)],
                pension_scheme="lgps_main",
            ),
        )
        person = hired[username].person
        person.user = user
        person.save(update_fields=["user"])
    employment_change_terms(
        actor=actor,
        employment=hired["council.employee"],
        effective_from=date(2026, 4, 1),
        reason="New line manager",
        changes={"line_manager": hired["council.manager"]},
    )
