"""Breach-log fixtures: the shared-services DPO (every partner), a DPO of the council only and one
of the constabulary only, and a clock frozen at ``NOW``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from joinedup.audit.models import AuditEvent
from joinedup.core import rls
from joinedup.partnership.models import Role
from joinedup.privacy import breach as services
from joinedup.privacy.models import AffectedPartner, Breach
from joinedup.testing.base import PartnerTestCase

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
AWARE = NOW - timedelta(hours=10)


def at(when: datetime) -> mock._patch[Any]:
    return mock.patch("django.utils.timezone.now", new=lambda: when)


def facts(**changes: Any) -> services.BreachFacts:
    values: dict[str, Any] = {
        "summary": "Payslips for October e-mailed to the wrong distribution list.",
        "occurred_at": AWARE - timedelta(hours=2),
        "aware_at": AWARE,
        "data_categories": "Names, pay, National Insurance numbers",
        "cause": "Autocomplete picked the wrong list",
        "containment": "Recall requested; recipients asked to delete",
    }
    return services.BreachFacts(**{**values, **changes})


class BreachTestCase(PartnerTestCase):
    council_dpo: Any
    police_dpo: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council_dpo = cls.make_user("council.dpo", [(cls.council, Role.DATA_PROTECTION_OFFICER)])
        cls.police_dpo = cls.make_user("police.dpo", [(cls.police, Role.DATA_PROTECTION_OFFICER)])

    def record(self, actor: Any = None, partner: Any = None, people: int = 212) -> AffectedPartner:
        with at(NOW):
            return services.breach_record(
                actor=actor or self.shared_dpo,
                partner=partner or self.council,
                facts=facts(),
                impact=services.Impact(people_affected=people, people_categories="Employees"),
            )

    @staticmethod
    def state() -> tuple[Any, ...]:
        """Everything the breach log holds and the audit events written, every partner's."""
        with rls.system_context("test: the whole breach log"):
            rows = AffectedPartner.objects.unscoped(reason="test: the whole breach log")
            return (
                list(Breach.objects.order_by("pk").values()),
                list(rows.order_by("pk").values()),
                AuditEvent.objects.unscoped(reason="test: every event").count(),
            )
