"""PostgreSQL row-level security: the database's own copy of the tenancy rule.

The guarded manager (core/tenancy.py) is the first line of defence; this is the second. Every
table of a guarded model gets one policy, ``joinedup_partner_scope``, that shows a row only when

- its partner columns (the ones the model's ``scope_filter`` names: ``partner``, and
  ``charged_partner``, ``host_partner``… where the model says another partner sees it too)
  hold one of the partners in the transaction setting ``joinedup.partners``, or
- the transaction runs in a named system context (``joinedup.system`` is not empty).

Both settings are set with ``set_config(..., true)``, so they last until the end of the
transaction: a pooled connection cannot carry one request's partners into the next. With
neither set a query sees nothing and writes nothing.

Policies are applied by enumerating the guarded models after ``migrate`` (core/apps.py), so a
new domain gets them by declaring its models partner-owned; no migration is written for them.
They are enforced (ENABLE and FORCE) only with ``ROW_LEVEL_SECURITY`` on, which needs the
application to set a partner or system context on every path: see ``partner_context`` and
``system_context``. Enforcement also needs the application to connect as a role that owns no
table and has no BYPASSRLS; a superuser or table owner without FORCE is never filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

from joinedup.core.tenancy import PartnerScopedManager

PARTNERS_SETTING = "joinedup.partners"
SYSTEM_SETTING = "joinedup.system"
USER_SETTING = "joinedup.user_id"
POLICY = "joinedup_partner_scope"

CALLER_PARTNERS = "joinedup_caller_partners()"
IN_SYSTEM_CONTEXT = "joinedup_in_system_context()"

# A signed-in employee's own records, whichever partner employs them: their person, the rows
# of their employments (absences, payslips, P45s...), and the payslip lines and pay runs a
# payslip of theirs hangs from. The application still decides what they may read (an
# unapproved run's payslip is not shown); this only keeps every other person's rows out.
OWN_BY_FIELD = {
    "employment": "joinedup_employment_is_callers({column})",
    "person": "joinedup_person_is_callers({column})",
    "payslip": "joinedup_payslip_is_callers({column})",
}
OWN_BY_MODEL = {
    "people.Person": "user_id = joinedup_caller_user()",
    "payroll.PayRun": "joinedup_run_pays_caller(id)",
}


def enforced() -> bool:
    return bool(getattr(settings, "ROW_LEVEL_SECURITY", False))


def guarded_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if isinstance(m._default_manager, PartnerScopedManager)]


def partner_columns(model: type[models.Model]) -> list[str]:
    """The columns that make a row visible to a partner: the ``<field>__in`` lookups of the
    model's ``scope_filter``. A model whose scope is not a plain OR of those (a person, seen
    through employments) declares its own SQL as ``rls_condition`` on its queryset."""
    scope = model._default_manager.get_queryset().scope_filter([0])  # type: ignore[attr-defined]
    columns: list[str] = []

    def walk(node: models.Q) -> None:
        if (node.connector != models.Q.OR and len(node.children) > 1) or node.negated:
            raise ImproperlyConfigured(f"{model.__name__}: declare rls_condition for this scope.")
        for child in node.children:
            if isinstance(child, models.Q):
                walk(child)
                continue
            lookup = child[0] if isinstance(child, tuple) else ""
            name, _, op = lookup.rpartition("__")
            field = model._meta.get_field(name) if op == "in" and "__" not in name else None
            if not isinstance(field, models.ForeignKey):
                raise ImproperlyConfigured(f"{model.__name__}: declare rls_condition for this scope.")
            columns.append(field.column)

    walk(scope)
    return columns


def own_condition(model: type[models.Model]) -> str | None:
    """The arm for the signed-in user's own records (``OWN_BY_MODEL``, or the model's first
    link named in ``OWN_BY_FIELD``), or None for a model that holds no one's own records."""
    if model._meta.label in OWN_BY_MODEL:
        return OWN_BY_MODEL[model._meta.label]
    for name, template in OWN_BY_FIELD.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.ForeignKey):
            return template.format(column=field.column)
    return None


def condition(model: type[models.Model]) -> str:
    own = getattr(model._default_manager.get_queryset(), "rls_condition", None)
    if own is not None:
        visible = str(own(CALLER_PARTNERS))
    else:
        visible = " OR ".join(f"{column} = ANY ({CALLER_PARTNERS})" for column in partner_columns(model))
    arms = [IN_SYSTEM_CONTEXT, visible]
    mine = own_condition(model)
    if mine is not None:
        arms.append(mine)
    return " OR ".join(f"({arm})" for arm in arms)


def policy_statements(model: type[models.Model], *, enforce: bool) -> list[str]:
    table = model._meta.db_table
    using = condition(model)
    statements = [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({using}) WITH CHECK ({using})',
    ]
    if enforce:
        statements += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        ]
    else:
        statements += [
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
        ]
    return statements


def install(connection: BaseDatabaseWrapper, *, enforce: bool) -> int:
    """Create (or replace) the policy of every guarded table, and enforce them or not. Runs
    as the tables' owner: after ``migrate``, or in a test's own transaction."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # The application's own role runs ``migrate`` too (``joinedup demo``): with nothing to
        # migrate it owns nothing to alter, and the owner's policies stand.
        cursor.execute(
            "SELECT rolsuper OR EXISTS (SELECT 1 FROM pg_tables WHERE tableowner = current_user"
            " AND schemaname = 'public') FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            return 0
        for function in functions():
            cursor.execute(function)
        for model in guarded_models():
            for statement in policy_statements(model, enforce=enforce):
                cursor.execute(statement)
    return len(guarded_models())


FUNCTIONS = [
    # The caller's partners as the bigint[] each policy compares with: empty when unset.
    f"""
CREATE OR REPLACE FUNCTION joinedup_caller_partners() RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT string_to_array(coalesce(current_setting('{PARTNERS_SETTING}', true), ''), ',')::bigint[]
$$
""",
    f"""
CREATE OR REPLACE FUNCTION joinedup_in_system_context() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('{SYSTEM_SETTING}', true), '') <> ''
$$
""",
    # A person belongs to no partner: a partner sees one through an employment with it or a
    # secondment to it. The host of a secondment cannot see the home partner's employment row,
    # so the check runs in a system context of its own (the SET clause): it answers only yes
    # or no, for the partners it is given.
    f"""
CREATE OR REPLACE FUNCTION joinedup_caller_user() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(coalesce(current_setting('{USER_SETTING}', true), ''), '')::bigint
$$
""",
    # The own-records checks read people and payslips in a system context of their own (the
    # SET clause), as joinedup_person_visible does: they answer only whether a row hangs from
    # the signed-in user's person.
    """
CREATE OR REPLACE FUNCTION joinedup_person_is_callers(person bigint) RETURNS boolean
LANGUAGE sql STABLE
SET joinedup.system = 'own records policy: is this the signed-in user''s person'
AS $$
    SELECT EXISTS (SELECT 1 FROM people_person p
                   WHERE p.id = person AND p.user_id = joinedup_caller_user())
$$
""",
    """
CREATE OR REPLACE FUNCTION joinedup_employment_is_callers(employment bigint) RETURNS boolean
LANGUAGE sql STABLE
SET joinedup.system = 'own records policy: is this an employment of the signed-in user'
AS $$
    SELECT EXISTS (SELECT 1 FROM people_employment e JOIN people_person p ON p.id = e.person_id
                   WHERE e.id = employment AND p.user_id = joinedup_caller_user())
$$
""",
    """
CREATE OR REPLACE FUNCTION joinedup_payslip_is_callers(payslip bigint) RETURNS boolean
LANGUAGE sql STABLE
SET joinedup.system = 'own records policy: is this a payslip of the signed-in user'
AS $$
    SELECT EXISTS (SELECT 1 FROM payroll_payslip s JOIN people_employment e ON e.id = s.employment_id
                   JOIN people_person p ON p.id = e.person_id
                   WHERE s.id = payslip AND p.user_id = joinedup_caller_user())
$$
""",
    """
CREATE OR REPLACE FUNCTION joinedup_run_pays_caller(run bigint) RETURNS boolean
LANGUAGE sql STABLE
SET joinedup.system = 'own records policy: does this pay run hold a payslip of the signed-in user'
AS $$
    SELECT EXISTS (SELECT 1 FROM payroll_payslip s JOIN people_employment e ON e.id = s.employment_id
                   JOIN people_person p ON p.id = e.person_id
                   WHERE s.run_id = run AND p.user_id = joinedup_caller_user())
$$
""",
    """
CREATE OR REPLACE FUNCTION joinedup_person_visible(person bigint, partners bigint[])
RETURNS boolean LANGUAGE sql STABLE
SET joinedup.system = 'person policy: is the person employed by or seconded to a partner'
AS $$
    SELECT EXISTS (SELECT 1 FROM people_employment e
                   WHERE e.person_id = person AND e.partner_id = ANY (partners))
        OR EXISTS (SELECT 1 FROM people_secondment s JOIN people_employment e ON e.id = s.employment_id
                   WHERE e.person_id = person AND s.host_partner_id = ANY (partners))
$$
""",
]


def functions() -> list[str]:
    """The platform's functions, then those a domain declares for its own scope rules
    (``rls_functions`` on a guarded model's queryset), each once, before any policy uses them."""
    found = list(FUNCTIONS)
    for model in guarded_models():
        for function in getattr(model._default_manager.get_queryset(), "rls_functions", ()):
            if function not in found:
                found.append(function)
    return found


def post_migrate(using: str = DEFAULT_DB_ALIAS, app_config: Any = None, **kwargs: Any) -> None:
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    connection = connections[using]
    # A migrate inside a transaction is a test's (``joinedup demo`` in the suite): ALTER TABLE
    # there would meet the transaction's pending audit triggers, and the policies stand already.
    if connection.in_atomic_block:
        return
    if app_config is None or app_config is with_models[-1]:
        install(connection, enforce=enforced())


# --- Contexts -------------------------------------------------------------------------------------


def _set(settings_and_values: dict[str, str], using: str) -> dict[str, str]:
    # One statement for all the settings (each request sets three, and sets them back): each
    # pair reads its own setting's old value before setting it, and the names are distinct.
    names = list(settings_and_values)
    if not names:
        return {}
    pairs = ", ".join(["coalesce(current_setting(%s, true), ''), set_config(%s, %s, true)"] * len(names))
    params = [part for name in names for part in (name, name, settings_and_values[name])]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {pairs}", params)
        row = cursor.fetchone()
    return {name: row[2 * i] for i, name in enumerate(names)}


def _outermost(using: str) -> bool:
    """Whether an atomic block opened now begins the transaction (and its end ends it). A context
    set there is not set back when the block ends: the settings are the transaction's own
    (``set_config(..., true)``), and the commit or rollback that comes next discards them, which
    saves each request a statement. A nested context sets back the one around it."""
    connection = connections[using]
    return not connection.in_atomic_block and connection.get_autocommit()


@contextmanager
def partner_context(
    partners: Iterable[models.Model | int], *, user: Any = None, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """One transaction in which the database shows only these partners' rows, and the signed-in
    ``user``'s own records (and leaves any system context). The previous context comes back
    when it ends."""
    ids = ",".join(str(p if isinstance(p, int) else p.pk) for p in partners)
    outermost = _outermost(using)
    with transaction.atomic(using=using):
        if connections[using].vendor != "postgresql":
            yield
            return
        before = _set({PARTNERS_SETTING: ids, SYSTEM_SETTING: "", USER_SETTING: _user_id(user)}, using)
        try:
            yield
        finally:
            if not outermost and not connections[using].needs_rollback:
                _set(before, using)


@contextmanager
def system_context(reason: str, *, savepoint: bool = True, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One transaction that sees every partner's rows, for work that is not done for one
    caller: the CLI, background tasks, audit verification, demo seeding, bulk loaders. The
    reason is required and greppable (``system_context(``), like ``unscoped(reason=...)``.
    ``savepoint=False``: inside a transaction, no savepoint of its own (transaction.atomic's
    meaning), for a writer whose failure fails the caller's transaction anyway."""
    if not reason.strip():
        raise ValueError("Say why this work may see every partner.")
    outermost = _outermost(using)
    with transaction.atomic(using=using, savepoint=savepoint):
        if connections[using].vendor != "postgresql":
            yield
            return
        before = _set({SYSTEM_SETTING: reason}, using)
        try:
            yield
        finally:
            if not outermost and not connections[using].needs_rollback:
                _set(before, using)


def _user_id(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    return str(user.pk)


@contextmanager
def session_context(reason: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A named system context for a whole piece of work that commits as it goes (a command
    line, a background task, seeding the demo), where one transaction will not do: it holds for
    the connection's session, and each request's or writer's own ``partner_context`` still
    replaces it for its transaction. The previous value comes back when the work ends."""
    if not reason.strip():
        raise ValueError("Say why this work may see every partner.")
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, %s, false)",
            [SYSTEM_SETTING, SYSTEM_SETTING, reason],
        )
        before = cursor.fetchone()[0]
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, false)", [SYSTEM_SETTING, before])


def process_context(reason: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A named system context for every connection this process opens from now on (a command
    line's): set at connect time, so a command that needs no database opens none, and a
    reconnect keeps it. Each request's or writer's ``partner_context`` still replaces it for
    its own transaction."""
    if not reason.strip():
        raise ValueError("Say why this work may see every partner.")
    settings_dict = connections[using].settings_dict
    if "postgresql" not in str(settings_dict.get("ENGINE", "")):
        return
    # libpq's options string: a backslash escapes a space or a backslash.
    value = reason.replace("\\", "\\\\").replace(" ", "\\ ")
    options = settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c {SYSTEM_SETTING}={value}".strip()
    connections[using].close()


def caller_partners(user: Any) -> list[int]:
    """The partners a signed-in user holds a role on (of active partners); none when anonymous."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    memberships = user.memberships.filter(partner__active=True)
    return sorted(set(memberships.values_list("partner_id", flat=True)))


def set_caller(
    user: Any,
    *,
    partners_of: Callable[[Any], Iterable[int]] = caller_partners,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Make ``user``'s partners the context of the current request's transaction, for callers
    authenticated inside the view (the API's bearer tokens) rather than by the middleware.
    ``partners_of`` reads them, when the context is needed at all: the API passes the
    permissions' per-request read of the memberships, which its permission checks then reuse,
    rather than read them twice (the same partners: active ones, of an active user)."""
    connection = connections[using]
    if enforced() and connection.vendor == "postgresql" and connection.in_atomic_block:
        ids = ",".join(str(p) for p in partners_of(user))
        _set({PARTNERS_SETTING: ids, SYSTEM_SETTING: "", USER_SETTING: _user_id(user)}, using)


class PartnerContextMiddleware:
    """With ROW_LEVEL_SECURITY on, each request runs in one transaction whose partner context
    is the signed-in user's partners; anonymous requests see no partner's rows."""

    # Which partners a user's context holds; a layer above (partnership.middleware) answers
    # with the permissions' gated, per-request read instead.
    partners_of: Callable[[Any], Iterable[int]] = staticmethod(caller_partners)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enforced():
            return self.get_response(request)
        user = self.caller(request)
        with partner_context(self.partners_of(user), user=user):
            return self.get_response(request)

    def caller(self, request: HttpRequest) -> Any:
        """Whose context the request's transaction holds: the signed-in user (a layer above
        also knows the API's bearer tokens)."""
        return getattr(request, "user", None)
