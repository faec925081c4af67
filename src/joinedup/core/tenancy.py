"""The tenancy rule in code: partner-owned rows are read only through a partner scope.

``Model.objects`` on a partner-owned model returns a queryset that refuses to run until it
has been scoped with ``for_partner`` / ``for_partners``. Forgetting the scope is therefore an
exception in development and tests, never a silent leak of another partner's rows.
System jobs that must see every partner (audit verification, migrations of data) say so with
``unscoped(reason=...)``, which is greppable and reviewed.

Django's own machinery (cascading deletes, forward foreign-key access) uses the model's base
manager, which is left unguarded on purpose: those paths start from an object already read
through a scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self, TypeVar

from django.db import models

# The partner, or its id. Any model serves: core sits below partnership and names no model of it.
Partner = models.Model

_M = TypeVar("_M", bound=models.Model)


class UnscopedQueryError(RuntimeError):
    """A partner-owned table was queried without a partner scope."""


class PartnerScopedQuerySet(models.QuerySet[_M]):
    _scoped: bool = False

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # private in the stubs
        clone._scoped = self._scoped
        return clone

    def _require_scope(self) -> None:
        if not self._scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} is partner-owned: scope the query with "
                f".for_partner(partner) or .for_partners(partners) before reading or writing it."
            )

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


class PartnerScopedManager(models.Manager[_M]):
    """Default manager of partner-owned models. Creating rows needs no scope: ``create``
    and ``bulk_create`` take the partner from the row itself."""

    queryset_class: type[PartnerScopedQuerySet[Any]] = PartnerScopedQuerySet

    def __init__(self, queryset_class: type[PartnerScopedQuerySet[Any]] | None = None) -> None:
        super().__init__()
        if queryset_class is not None:
            self.queryset_class = queryset_class

    def get_queryset(self) -> PartnerScopedQuerySet[_M]:
        queryset = self.queryset_class(self.model, using=self._db)
        # A related manager reached from a partner-owned row (``split.shares``) is already
        # inside that row's scope: its children belong to the same partner. One reached from
        # a row that belongs to no partner (``person.employments``) is not, and stays refused
        # until scoped, since it would list every partner's rows.
        parent = getattr(self, "instance", None)
        if parent is not None and getattr(parent, "partner_id", None) is not None:
            queryset._scoped = True
        return queryset

    def for_partner(self, partner: Partner | int) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().for_partner(partner)

    def for_partners(self, partners: Iterable[Partner | int]) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().for_partners(partners)

    def unscoped(self, *, reason: str) -> PartnerScopedQuerySet[_M]:
        return self.get_queryset().unscoped(reason=reason)
