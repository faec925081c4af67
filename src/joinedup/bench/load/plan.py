"""Who the load test's users are and what they read: ``joinedup bench load-prepare`` writes it
as JSON for the locustfile, against a database that holds the demo partnership.

Users are signed in here, once, by writing their sessions as Django's login does (the user's id,
backend and session hash), not through the sign-in form: a load test that signed in thousands of
times from 127.0.0.1 would measure password hashing and trip django-axes' lockout. The officers
are the demo's own (council.hr, payroll.officer, council.finance…); the employees are accounts
made for the load test (``load.employee.…``, no password) linked to people the demo paid in
October, as link_demo_users links the demo's two staff users. A second run finds them and only
makes new sessions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY

from joinedup.bench import BENCH
from joinedup.bench.demo.month import DEMO_PAY_DATE
from joinedup.bench.machine import database_label
from joinedup.bench.people import QUERY_MIX, query_text
from joinedup.bench.population import SEED
from joinedup.ledger.models import Period
from joinedup.partnership.models import Partner, Role, User
from joinedup.partnership.permissions import partner_ids_with
from joinedup.partnership.second_factor import authenticator_of
from joinedup.partnership.services import membership_grant, user_create
from joinedup.payroll.models import PayRun, Payslip, RunStatus
from joinedup.payroll.selectors import my_payslips
from joinedup.people.models import Employment, Person, Post

EMPLOYEE_PREFIX = "load.employee."
HR_OFFICERS = ("council.hr", "police.hr", "fire.hr", "shared.hr")
PAYROLL_OFFICERS = ("payroll.officer",)
FINANCE_OFFICERS = ("council.finance", "police.finance", "shared.finance")
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def prepare_plan(*, employee_accounts: int = 200, searches: int = 200, seed: int = SEED) -> dict[str, Any]:
    """The load plan: sessions and what each role reads. Raises ValueError without the demo."""
    if not Partner.objects.filter(code="WSS").exists():
        raise ValueError(
            "This database has no demo partnership: run `joinedup demo --no-serve --employees N` first."
        )
    rng = random.Random(seed)  # noqa: S311 — repeatable choices of pages, not security
    partners = list(Partner.objects.order_by("code"))
    ids = [p.pk for p in partners]
    employees = _employee_accounts(employee_accounts, partner_ids=ids, rng=rng)
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "database": database_label(),
        "population": {
            "employments": Employment.objects.for_partners(ids).count(),
            "people": Person.objects.for_partners(ids).count(),
        },
        "roles": {
            "employee": [
                {"user": user.username, "session": _session(user), "payslips": _payslip_ids(user)}
                for user in employees
            ],
            "hr": [_hr(user, searches=searches, rng=rng) for user in _users(HR_OFFICERS)],
            "payroll": [identity for user in _users(PAYROLL_OFFICERS) for identity in _payroll(user)],
            "finance": [_finance(user) for user in _users(FINANCE_OFFICERS)],
        },
    }


def _users(usernames: Sequence[str]) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ValueError(f"The demo's users {', '.join(missing)} are missing from this database.")
    return [found[name] for name in usernames]


def _session(user: User, **values: Any) -> str:
    """A new signed-in session for ``user``, holding what django.contrib.auth.login puts in one."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = _MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # A user whose role needs a second sign-in step has passed it, as django_otp.login records:
    # the load reads pages, it does not time the sign-in.
    device = authenticator_of(user)
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.update(values)
    store.create()
    return str(store.session_key)


@transaction.atomic
def _employee_accounts(count: int, *, partner_ids: list[int], rng: random.Random) -> list[User]:
    """``count`` employee accounts, each linked to a person paid in an approved run; the ones
    an earlier run made first."""
    users = list(User.objects.filter(username__startswith=EMPLOYEE_PREFIX).order_by("username")[:count])
    wanted = count - len(users)
    if wanted <= 0:
        return users
    paid = sorted(
        set(
            Payslip.objects.for_partners(partner_ids)
            .filter(
                run__status__in=[RunStatus.APPROVED, RunStatus.PAID],
                employment__person__user__isnull=True,
            )
            .values_list("employment__person_id", "employment__partner_id")
        )
    )
    # One employer each: a person employed twice is one account, at the first employer drawn.
    chosen: dict[int, int] = {}
    for person_id, partner_id in rng.sample(paid, min(len(paid), wanted * 2)):
        chosen.setdefault(person_id, partner_id)
    people = Person.objects.for_partners(partner_ids).in_bulk(list(chosen)[:wanted])
    by_id = Partner.objects.in_bulk(partner_ids)
    taken = User.objects.filter(username__startswith=EMPLOYEE_PREFIX).count()
    for number, (person_id, person) in enumerate(sorted(people.items()), start=taken + 1):
        user = user_create(
            actor=BENCH,
            username=f"{EMPLOYEE_PREFIX}{number:06d}",
            password=None,
            email="",
            full_name=person.full_name,
        )
        membership_grant(actor=BENCH, user=user, partner=by_id[chosen[person_id]], role=Role.EMPLOYEE)
        person.user = user
        person.save(update_fields=["user"])
        users.append(user)
    return users


def _payslip_ids(user: User) -> list[int]:
    return list(my_payslips(user).values_list("pk", flat=True))


def _hr(user: User, *, searches: int, rng: random.Random) -> dict[str, Any]:
    """What an HR officer searches for, with the person each search is after (a post title
    finds many; its record is the person it was drawn beside)."""
    ids = partner_ids_with(user, "people.view")
    pool = list(
        Employment.objects.for_partners(ids)
        .order_by("?")
        .values_list(
            "payroll_number", "person__given_name", "person__family_name", "person__ni_number", "person_id"
        )[:searches]
    )
    titles = sorted(set(Post.objects.for_partners(ids).values_list("title", flat=True)))
    planned = []
    for _ in range(searches):
        kind = QUERY_MIX.draw(rng)
        payroll, given, family, ni, person_id = rng.choice(pool)
        planned.append((query_text(kind, (payroll, given, family, ni), titles, rng=rng), person_id))
    return {"user": user.username, "session": _session(user), "searches": planned}


def _payroll(user: User) -> list[dict[str, Any]]:
    """One identity per partner the officer works for, each on that partner's runs."""
    ids = partner_ids_with(user, "payroll.view")
    return [
        {
            "user": user.username,
            "session": _session(user),
            "partner": partner_id,
            "switch": len(ids) > 1,
            "runs": list(PayRun.objects.for_partner(partner_id).order_by("pk").values_list("pk", flat=True)),
        }
        for partner_id in ids
    ]


def _finance(user: User) -> dict[str, Any]:
    """The demo's paid month and its financial year, at the officer's (one) partner."""
    ids = partner_ids_with(user, "ledger.view")
    partner_id = ids[0]
    month = (
        Period.objects.for_partner(partner_id)
        .filter(start_date__lte=DEMO_PAY_DATE, end_date__gte=DEMO_PAY_DATE)
        .get()
    )
    year = list(Period.objects.for_partner(partner_id).filter(year=month.year_id).order_by("start_date"))
    return {
        "user": user.username,
        "session": _session(user),
        "partner": partner_id,
        "switch": len(ids) > 1,
        "month": f"{month.start_date:%Y-%m}",
        "year": [f"{year[0].start_date:%Y-%m}", f"{year[-1].start_date:%Y-%m}"],
    }
