from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from joinedup.audit.models import AuditEvent
from joinedup.people.models import PayPoint, PayRate, TermsScheme
from joinedup.people.rules import pay_rate_on
from joinedup.people.schemes import loader
from joinedup.people.schemes_sync import schemes_sync
from joinedup.testing.base import FIXTURES


class TestSchemesSync(TestCase):
    def test_it_loads_every_scheme_file_with_its_dated_rates(self) -> None:
        schemes_sync(actor=FIXTURES)
        assert sorted(TermsScheme.objects.values_list("code", flat=True)) == sorted(
            s.code for s in loader.all_schemes()
        )
        for scheme in loader.all_schemes():
            for scale in scheme.scales:
                for point in scale.points:
                    if point.annual is None:
                        continue
                    stored = PayRate.objects.get(
                        point__scheme__code=scheme.code,
                        point__code=point.code,
                        effective_from=scale.effective_from,
                    )
                    assert stored.annual == point.annual

    def test_a_second_run_changes_nothing(self) -> None:
        schemes_sync(actor=FIXTURES)
        counts = (
            PayPoint.objects.count(),
            PayRate.objects.count(),
            AuditEvent.objects.unscoped(reason="t").count(),
        )
        report = schemes_sync(actor=FIXTURES)
        assert not report.changed
        assert (
            PayPoint.objects.count(),
            PayRate.objects.count(),
            AuditEvent.objects.unscoped(reason="t").count(),
        ) == counts

    def test_a_corrected_value_updates_its_rate_and_is_audited(self) -> None:
        schemes_sync(actor=FIXTURES)
        rate = PayRate.objects.filter(point__scheme__code="nhs_afc").order_by("pk").first()
        assert rate is not None
        right = rate.annual
        PayRate.objects.filter(pk=rate.pk).update(annual=right - 1)
        report = schemes_sync(actor=FIXTURES)
        rate.refresh_from_db()
        assert rate.annual == right
        assert report.rates_corrected[0]["now"] == right
        event = (
            AuditEvent.objects.unscoped(reason="t").filter(action="schemes.synced").order_by("-id").first()
        )
        assert event is not None and len(event.after["rates_corrected"]) == 1

    def test_the_njc_spine_point_deleted_in_april_2026_has_no_rate_after_it(self) -> None:
        njc = loader.load_scheme("njc")
        deletions = [(s.effective_from, code) for s in njc.scales for code in s.deleted]
        # The 2025 pay agreement deleted SCP2 from 1 April 2026: a file without it has lost that rule.
        assert deletions, "the NJC file records no deleted points"
        schemes_sync(actor=FIXTURES)
        when, code = deletions[0]
        point = PayPoint.objects.get(scheme__code="njc", code=code)
        assert point.withdrawn_from == when
        assert pay_rate_on(point, date(when.year - 1, 4, 1)) > Decimal(0)
        with pytest.raises(ValidationError, match="withdrawn"):
            pay_rate_on(point, when)
