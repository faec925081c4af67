"""What every check of the shared demo may read: the demo is seeded once, by
``tests/test_demo_shared.py``, for all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import TestCase

    from joinedup.partnership.models import Partner
    from joinedup.people.models import Person

    _Base = TestCase
else:
    _Base = object


class DemoChecks(_Base):
    """A mixin of checks; ``TestTheDemoPartnership`` runs them against one seeded demo."""

    partners: dict[str, Partner]
    users: dict[str, Any]
    rhys: Person
