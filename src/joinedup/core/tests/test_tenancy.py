from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery

from joinedup.audit.models import AuditEvent
from joinedup.core.tenancy import PartnerScopedManager, UnscopedQueryError, shared_parents
from joinedup.partnership.models import Partner
from joinedup.testing.base import PartnerTestCase


class TestPartnerScope(PartnerTestCase):
    def test_it_refuses_every_unscoped_read_and_write(self) -> None:
        attempts: dict[str, Callable[[], object]] = {
            "list": lambda: list(AuditEvent.objects.all()),
            "filter": lambda: list(AuditEvent.objects.filter(action="partner.created")),
            "get": lambda: AuditEvent.objects.get(seq=1, partner=self.council),
            "first": lambda: AuditEvent.objects.first(),
            "count": lambda: AuditEvent.objects.count(),
            "exists": lambda: AuditEvent.objects.exists(),
            "aggregate": lambda: AuditEvent.objects.aggregate(n=Count("id")),
            "iterator": lambda: list(AuditEvent.objects.iterator()),
            "values": lambda: list(AuditEvent.objects.values_list("id", flat=True)),
            "update": lambda: AuditEvent.objects.update(action="x"),
            "delete": lambda: AuditEvent.objects.all().delete(),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), pytest.raises(UnscopedQueryError, match="partner-owned"):
                attempt()

    def test_it_returns_only_the_scoped_partners_rows(self) -> None:
        council_events = list(AuditEvent.objects.for_partner(self.council))
        assert council_events
        assert {e.partner_id for e in council_events} == {self.council.pk}

    def test_it_returns_the_rows_of_several_partners_when_asked(self) -> None:
        both = AuditEvent.objects.for_partners([self.council, self.police]).values_list(
            "partner_id", flat=True
        )
        assert set(both) == {self.council.pk, self.police.pk}

    def test_a_scope_survives_further_filtering(self) -> None:
        scoped = AuditEvent.objects.for_partner(self.police).filter(action="partner.created").order_by("seq")
        assert [e.partner_id for e in scoped] == [self.police.pk]

    def test_an_unscoped_query_must_say_why(self) -> None:
        with pytest.raises(ValueError, match="Say why"):
            AuditEvent.objects.unscoped(reason=" ")
        everything = AuditEvent.objects.unscoped(reason="test of the escape hatch").count()
        assert everything > AuditEvent.objects.for_partner(self.council).count()


class TestCombinedAndRawQueries(PartnerTestCase):
    def test_it_refuses_a_union_that_carries_an_unscoped_queryset(self) -> None:
        # Only the first queryset's query is the outer one; the others would run unchecked.
        scoped = AuditEvent.objects.for_partner(self.council).values_list("id")
        combinations: dict[str, Callable[[], Iterable[object]]] = {
            "union": lambda: scoped.union(AuditEvent.objects.values_list("id")),
            "intersection": lambda: scoped.intersection(AuditEvent.objects.values_list("id")),
            "difference": lambda: scoped.difference(AuditEvent.objects.values_list("id")),
            "unscoped first": lambda: AuditEvent.objects.values_list("id").union(scoped),
        }
        for name, combine in combinations.items():
            with self.subTest(name), pytest.raises(UnscopedQueryError, match="partner-owned"):
                list(combine())

    def test_it_unites_scoped_querysets_of_two_partners(self) -> None:
        council = AuditEvent.objects.for_partner(self.council).order_by().values_list("partner_id", flat=True)
        police = AuditEvent.objects.for_partner(self.police).order_by().values_list("partner_id", flat=True)
        assert set(council.union(police)) == {self.council.pk, self.police.pk}

    def test_it_refuses_raw_sql_from_a_scoped_or_plain_queryset(self) -> None:
        # Raw SQL ignores .for_partner(), so a scope there would be a false comfort.
        for name, queryset in {
            "plain": AuditEvent.objects.all(),
            "scoped": AuditEvent.objects.for_partner(self.council),
        }.items():
            with self.subTest(name), pytest.raises(UnscopedQueryError, match="raw SQL ignores"):
                queryset.raw("select * from audit_auditevent")

    def test_raw_sql_runs_from_a_query_that_says_why_it_sees_every_partner(self) -> None:
        table = AuditEvent._meta.db_table
        rows = AuditEvent.objects.unscoped(reason="test: raw SQL that scopes itself").raw(
            f"select * from {table} where partner_id = %s",  # noqa: S608  # the table name is ours
            [self.police.pk],
        )
        assert {e.partner_id for e in rows} == {self.police.pk}


class TestSubqueries(PartnerTestCase):
    def test_it_refuses_an_unscoped_queryset_used_inside_another_query(self) -> None:
        # A subquery is compiled into its outer query, never fetched, so the fetch-time guard
        # alone would let it read every partner's rows.
        unscoped = AuditEvent.objects.filter(partner=OuterRef("pk"))
        attempts: dict[str, Callable[[], object]] = {
            "__in": lambda: list(
                AuditEvent.objects.for_partner(self.council).filter(id__in=AuditEvent.objects.values("id"))
            ),
            "Exists": lambda: list(Partner.objects.filter(Exists(unscoped))),
            "Subquery": lambda: list(Partner.objects.annotate(seq=Subquery(unscoped.values("seq")[:1]))),
            "exclude": lambda: list(Partner.objects.exclude(pk__in=AuditEvent.objects.values("partner_id"))),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), pytest.raises(UnscopedQueryError, match="AuditEvent is partner-owned"):
                attempt()

    def test_it_runs_a_scoped_queryset_as_a_subquery(self) -> None:
        council_only = AuditEvent.objects.for_partner(self.council).filter(partner=OuterRef("pk"))
        assert list(Partner.objects.filter(Exists(council_only)).values_list("code", flat=True)) == [
            self.council.code
        ]
        ids = AuditEvent.objects.for_partner(self.police).values("id")
        found = AuditEvent.objects.unscoped(reason="test: the subquery scopes it").filter(id__in=ids)
        assert {e.partner_id for e in found} == {self.police.pk}


# Models that carry a partner but are read without the guarded manager, and why.
UNGUARDED: dict[str, str] = {
    "partnership.Membership": "a user's roles per partner: it is what decides which partners a "
    "user may scope to, so it is read by user, never listed across partners",
    "audit.AuditChainHead": "the last hash of each partner's audit chain, read and locked only "
    "by record_event and chain verification for the partner they are given",
}


class TestEveryPartnerOwnedModelIsGuarded:
    def partner_owned(self) -> list[type[models.Model]]:
        return [
            model
            for model in apps.get_models()
            if hasattr(model, "partner_shared_with")
            or isinstance(model._default_manager, PartnerScopedManager)
            or any(
                field.name == "partner" and field.related_model is Partner
                for field in model._meta.get_fields()
                if field.is_relation and field.concrete
            )
        ]

    def test_every_model_with_a_partner_has_a_guarded_default_manager(self) -> None:
        unguarded = sorted(
            model._meta.label
            for model in self.partner_owned()
            if not isinstance(model._default_manager, PartnerScopedManager)
        )
        assert unguarded == sorted(UNGUARDED), "guard these, or add them to UNGUARDED with a reason"
        assert all(len(reason) > 40 for reason in UNGUARDED.values())

    def test_a_declared_shared_parent_is_a_foreign_key_to_a_guarded_model(self) -> None:
        for model in self.partner_owned():
            for name in shared_parents(model):
                field = model._meta.get_field(name)
                assert isinstance(field, models.ForeignKey), f"{model.__name__}.{name}"
                parent = field.related_model
                assert isinstance(parent, type), f"{model.__name__}.{name}"
                assert isinstance(parent._default_manager, PartnerScopedManager), f"{model.__name__}.{name}"
