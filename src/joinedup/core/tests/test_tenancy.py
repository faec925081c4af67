from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Count

from joinedup.audit.models import AuditEvent
from joinedup.core.tenancy import UnscopedQueryError
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
