"""The tenancy rule in code: partner-owned rows are read only through a partner scope.

``Model.objects`` on a partner-owned model returns a queryset that refuses to run until it
has been scoped with ``for_partner`` / ``for_partners``. Forgetting the scope is therefore an
exception in development and tests, never a silent leak of another partner's rows.
System jobs that must see every partner (audit verification, migrations of data) say so with
``unscoped(reason=...)``, which is greppable and reviewed.

Django's own machinery (cascading deletes, forward foreign-key access) uses the model's base
manager, which is left unguarded on purpose: those paths start from an object already read
through a scope.

A reverse related manager (``split.shares``) is inside its parent's scope only when the child
model declares so in ``partner_shared_with``: the names of its foreign keys whose target row
always belongs to the same partner as the child. Any other reverse manager (``run.lines``,
whose secondment lines belong to the seconding partner, not to the run's) stays refused until
scoped. A guarded queryset used as a subquery (``__in=``, ``Exists``, ``Subquery``) is checked
when it is put into the outer query, as it is never fetched on its own; every queryset of a
``union``/``intersection``/``difference`` is checked; and ``raw`` SQL, which no filter reaches,
runs only from ``unscoped(reason=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import sql

# The partner, or its id. Any model serves: core sits below partnership and names no model of it.
Partner = models.Model

_M = TypeVar("_M", bound=models.Model)


class UnscopedQueryError(RuntimeError):
    """A partner-owned table was queried without a partner scope."""


_SCOPE_ADVICE = (
    "scope the query with .for_partner(partner) or .for_partners(partners) before reading or writing it."
)


def _unscoped_error(model: type[models.Model] | None, advice: str = _SCOPE_ADVICE) -> UnscopedQueryError:
    name = model.__name__ if model is not None else "This table"
    return UnscopedQueryError(f"{name} is partner-owned: {advice}")


class PartnerScopedQuery(sql.Query):
    """The SQL query of a guarded queryset. The scope is kept here, not on the queryset, so
    that it travels with the query wherever Django clones it to, including into another
    query as a subquery."""

    partner_scoped: bool = False
    unscoped_reason: str = ""

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        # Called when this query becomes part of another one (``__in=``, ``Exists``,
        # ``Subquery``): it is never fetched by itself, so this is the only place to check.
        if not self.partner_scoped:
            raise _unscoped_error(self.model)
        return super().resolve_expression(*args, **kwargs)


class PartnerScopedQuerySet(models.QuerySet[_M]):
    def __init__(
        self,
        model: type[_M] | None = None,
        query: sql.Query | None = None,
        using: str | None = None,
        hints: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(model, query if query is not None else PartnerScopedQuery(model), using, hints)

    @property
    def _scoped(self) -> bool:
        return bool(getattr(self.query, "partner_scoped", False))

    @_scoped.setter
    def _scoped(self, value: bool) -> None:
        self.query.partner_scoped = value  # type: ignore[attr-defined]  # a PartnerScopedQuery

    def _require_scope(self) -> None:
        if not self._scoped:
            raise _unscoped_error(self.model)

    def scope_filter(self, partner_ids: list[int]) -> models.Q:
        """Rows the given partners may see. Most partner-owned rows carry ``partner``;
        models seen through other rows (a person, through employments) override this."""
        return models.Q(partner__in=partner_ids)

    def for_partner(self, partner: Partner | int) -> Self:
        return self.for_partners([partner])

    def for_partners(self, partners: Iterable[Partner | int]) -> Self:
        ids = [p if isinstance(p, int) else p.pk for p in partners]
        clone = self.filter(self.scope_filter(ids))
        clone._scoped = True
        return clone

    def unscoped(self, *, reason: str) -> Self:
        if not reason.strip():
            raise ValueError("Say why this query may see every partner.")
        clone: Self = self._chain()  # type: ignore[attr-defined]  # private in the stubs
        clone._scoped = True
        clone.query.unscoped_reason = reason  # type: ignore[attr-defined]  # a PartnerScopedQuery
        return clone

    # Every way a queryset reaches the database passes one of these.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def _iterator(self, use_chunked_fetch: bool, chunk_size: int | None) -> Any:
        self._require_scope()
        return super()._iterator(use_chunked_fetch, chunk_size)  # type: ignore[misc]

    def count(self) -> int:
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()

    def _raw_delete(self, using: str | None) -> int:
        self._require_scope()
        return super()._raw_delete(using)

    def explain(self, *, format: str | None = None, **options: Any) -> str:
        self._require_scope()
        return super().explain(format=format, **options)

    def _combinator_query(self, combinator: str, *other_qs: Any, all: bool = False) -> Self:
        # union()/intersection()/difference() keep only the first queryset's query as the
        # outer one; the others ride along in ``combined_queries`` and would run unchecked.
        for other in (self, *other_qs):
            if isinstance(other, PartnerScopedQuerySet):
                other._require_scope()
        combined: Self = super()._combinator_query(combinator, *other_qs, all=all)  # type: ignore[misc]
        return combined

    def raw(self, raw_query: Any, params: Any = (), translations: Any = None, using: Any = None) -> Any:
        # Raw SQL ignores every filter, the scope included: only a query that has said why it
        # may see every partner (``unscoped``) may run it, and its SQL must scope itself.
        if not getattr(self.query, "unscoped_reason", ""):
            raise _unscoped_error(
                self.model,
                "raw SQL ignores .for_partner(); "
                "use .unscoped(reason=...).raw(...) and scope the SQL itself.",
            )
        return super().raw(raw_query, params, translations, using)


def shared_parents(model: type[models.Model]) -> tuple[str, ...]:
    """The foreign keys of ``model`` whose target always belongs to the same partner as the
    row (its ``partner_shared_with`` declaration)."""
    return tuple(getattr(model, "partner_shared_with", ()))


class PartnerScopedManager(models.Manager[_M]):
    """Default manager of partner-owned models. Creating rows needs no scope: ``create``
    and ``bulk_create`` take the partner from the row itself."""

    queryset_class: type[PartnerScopedQuerySet[Any]] = PartnerScopedQuerySet

    def __init__(self, queryset_class: type[PartnerScopedQuerySet[Any]] | None = None) -> None:
        super().__init__()
        if queryset_class is not None:
            self.queryset_class = queryset_class

    def get_queryset(self) -> PartnerScopedQuerySet[_M]:
        parent = getattr(self, "instance", None)
        queryset_class = self.queryset_class
        if parent is not None:
            # Django builds a related manager from the default manager's class, not from the
            # instance, so the model's own scope rule (``_ChargedQuerySet``…) is read from there.
            queryset_class = getattr(self.model._default_manager, "queryset_class", queryset_class)
        queryset = queryset_class(self.model, using=self._db)
        # A related manager reached from a parent row (``split.shares``) is inside that row's
        # scope only when the child declares that this foreign key always points to a row of
        # its own partner. Any other (``run.lines``, ``person.employments``) could list other
        # partners' rows, and stays refused until scoped.
        field = getattr(self, "field", None)
        if parent is not None and field is not None and field.name in shared_parents(self.model):
            queryset._scoped = True
        return queryset

    def for_partner(self, partner: Partner | int) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().for_partner(partner)

    def for_partners(self, partners: Iterable[Partner | int]) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().for_partners(partners)

    def unscoped(self, *, reason: str) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().unscoped(reason=reason)
