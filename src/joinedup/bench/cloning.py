"""Staff at scale for a benchmark that measures something other than the import: the first
``TEMPLATE`` employees go in through the employments import as every benchmark's do
(:func:`joinedup.bench.population.council_staff`), and the rest are copies of them made by
PostgreSQL itself (``INSERT … SELECT`` over ``generate_series``), a batch of ``BATCH`` a
statement: each copy a new person (a fresh National Insurance number under a prefix no person
holds yet) with the employment, terms and post holding of the template row it copies, its own
payroll number running on from the template's. The import writes about 13,000 employees a
minute, so 1,000,000 took over an hour; the copies take about a minute.

Only on PostgreSQL and only above ``FAST_ABOVE`` employees; below, or on SQLite, everyone goes
through the import. Copies share their template's name, birthday and address: what a benchmark
reads by id or by partner does not care, a search by name would (do not use this for one). No
audit event is written for the copies (the import writes one a file, naming no person)."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Model

from joinedup.bench.population import council_staff, free_ni_prefixes
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.people.models import Employment, EmploymentTerms, Person, PostHolding

TEMPLATE = 20_000
FAST_ABOVE = 100_000
BATCH = 100_000
PER_PREFIX = 1_000_000  # numbers under one NI prefix: six digits
REASON = "benchmark: copying template staff in SQL"

__all__ = ["BATCH", "FAST_ABOVE", "TEMPLATE", "copy_staff", "staff_at_scale"]


def staff_at_scale(
    partner: Partner,
    employees: int,
    rng: random.Random,
    *,
    seed: int,
    payroll_prefix: str,
    say: Callable[[str], None],
) -> None:
    """``council_staff`` for any size: through the import up to ``FAST_ABOVE`` employees (or on
    SQLite), else ``TEMPLATE`` through the import and the rest copied in SQL."""
    if employees <= FAST_ABOVE or connection.vendor != "postgresql":
        council_staff(partner, employees, rng, seed=seed, payroll_prefix=payroll_prefix, say=say)
        return
    council_staff(partner, TEMPLATE, rng, seed=seed, payroll_prefix=payroll_prefix, say=say)
    copy_staff(partner, employees - TEMPLATE, seed=seed, payroll_prefix=payroll_prefix, say=say)


def _columns(model: type[Model], **overrides: str) -> tuple[str, str]:
    """The insert's column list and the select's expressions: every column but the id, from the
    template row ``t`` unless overridden."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(connection.ops.quote_name(f.column))
        values.append(overrides.get(f.column, f"t.{connection.ops.quote_name(f.column)}"))
    return ", ".join(names), ", ".join(values)


def _statement() -> str:
    person = _columns(Person, ni_number="s.ni", created_at="now()")
    employment = _columns(Employment, person_id="p.id", payroll_number="s.payroll")
    terms = _columns(EmploymentTerms, employment_id="e.id")
    holding = _columns(PostHolding, employment_id="e.id")
    tables = {
        m: connection.ops.quote_name(m._meta.db_table)
        for m in (Person, Employment, EmploymentTerms, PostHolding)
    }
    # One statement a batch: the people, then their employments joined back by NI number, then
    # the terms and holdings joined by payroll number (both unique, both returned). In order, so
    # the ids follow the payroll numbers, as the import's do.
    return f"""
    WITH s AS (
        SELECT r, b.*,
            (%(prefixes)s::text[])[r / {PER_PREFIX} + 1] || lpad((r %% {PER_PREFIX})::text, 6, '0')
                || substr('ABCD', r %% 4 + 1, 1) AS ni,
            %(payroll_prefix)s || lpad((r + %(first)s)::text, 7, '0') AS payroll
        FROM generate_series(%(low)s, %(high)s) AS r
        JOIN bench_template b ON b.n = r %% %(templates)s
    ), p AS (
        INSERT INTO {tables[Person]} ({person[0]})
        SELECT {person[1]} FROM s JOIN {tables[Person]} t ON t.id = s.person_id ORDER BY s.r
        RETURNING id, ni_number
    ), e AS (
        INSERT INTO {tables[Employment]} ({employment[0]})
        SELECT {employment[1]} FROM s JOIN p ON p.ni_number = s.ni
            JOIN {tables[Employment]} t ON t.id = s.employment_id ORDER BY s.r
        RETURNING id, payroll_number
    ), terms AS (
        INSERT INTO {tables[EmploymentTerms]} ({terms[0]})
        SELECT {terms[1]} FROM s JOIN e ON e.payroll_number = s.payroll
            JOIN {tables[EmploymentTerms]} t ON t.id = s.terms_id
    ), holdings AS (
        INSERT INTO {tables[PostHolding]} ({holding[0]})
        SELECT {holding[1]} FROM s JOIN e ON e.payroll_number = s.payroll
            JOIN {tables[PostHolding]} t ON t.id = s.holding_id
    )
    SELECT count(*) FROM e
    """  # noqa: S608 — table and column names from the models, values as parameters


def copy_staff(
    partner: Partner, count: int, *, seed: int, payroll_prefix: str, say: Callable[[str], None]
) -> int:
    """Employ ``count`` more people at ``partner``, copies of its employees so far (each with one
    set of terms and at most one post holding, as the import makes them), ``BATCH`` a
    transaction. Returns how many were employed."""
    if connection.vendor != "postgresql":
        raise RuntimeError("Copying staff in SQL needs PostgreSQL.")
    rng = random.Random(seed + 1)  # noqa: S311 — repeatable benchmark data, not security
    with rls.system_context(REASON):
        prefixes = free_ni_prefixes(-(-count // PER_PREFIX), rng)
        first = Employment.objects.for_partner(partner).count() + 1
    tables = {
        m: connection.ops.quote_name(m._meta.db_table) for m in (Employment, EmploymentTerms, PostHolding)
    }
    statement = _statement()
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_template")
        with rls.system_context(REASON):
            cursor.execute(
                f"""CREATE TEMP TABLE bench_template AS
                SELECT (row_number() OVER (ORDER BY e.id) - 1)::int AS n, e.id AS employment_id,
                    e.person_id, t.id AS terms_id, h.id AS holding_id
                FROM {tables[Employment]} e
                JOIN {tables[EmploymentTerms]} t ON t.employment_id = e.id
                LEFT JOIN {tables[PostHolding]} h ON h.employment_id = e.id
                WHERE e.partner_id = %s""",  # noqa: S608 — table names from the models
                [partner.pk],
            )
            cursor.execute("CREATE UNIQUE INDEX ON bench_template (n)")
            cursor.execute("SELECT count(*) FROM bench_template")
            templates = cursor.fetchone()[0]
        if templates != first - 1:
            raise RuntimeError(f"{partner.code}: each template employee needs exactly one set of terms.")
        for low in range(0, count, BATCH):
            high = min(low + BATCH, count) - 1
            with transaction.atomic(), rls.system_context(REASON, savepoint=False):
                cursor.execute(
                    statement,
                    {
                        "prefixes": prefixes,
                        "payroll_prefix": payroll_prefix,
                        "first": first,
                        "low": low,
                        "high": high,
                        "templates": templates,
                    },
                )
                done += cursor.fetchone()[0]
            say(f"Copying employments {first - 1 + done:,}/{first - 1 + count:,}")
        cursor.execute("DROP TABLE bench_template")
        # A database that had grown to this size would have been analysed on the way.
        for model in (Person, Employment, EmploymentTerms, PostHolding):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return done
