"""Many callers at once, for the concurrency tests of issue 18.

``at_once`` runs each call in its own thread on its own database connection (Django's
connections are per thread), opened before a barrier so that every call starts together, as
requests arriving in the same instant would; the connections are closed at the end. It needs a
transactional test (``django_db(transaction=True)``): the calls see only what was committed.

``committed`` writes a test case's fixtures (its ``setUpTestData``) for such a test."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase

T = TypeVar("T", bound=TestCase)


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: Exception | None = None

    def describe(self) -> str:
        """What the caller was told: the error's class and message, or "ok"."""
        if self.error is None:
            return "ok"
        if isinstance(self.error, ValidationError) and hasattr(self.error, "error_dict"):
            return f"ValidationError {self.error.message_dict}"
        return f"{type(self.error).__name__}: {self.error}"


def at_once(calls: Sequence[Callable[[], Any]], *, timeout: float = 300.0) -> list[Outcome]:
    """Run every call at the same moment, each in a thread of its own; what each returned or
    raised, in the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout)
            try:
                outcomes[index] = Outcome(value=call())
            except Exception as exc:  # the outcome is what the test asserts
                outcomes[index] = Outcome(error=exc)
        except BaseException as exc:  # the barrier or the connection: the run is void
            failures.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if failures or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"{len(calls)} calls did not all run: {failures[:1] or 'timed out'}")
    return [outcome for outcome in outcomes if outcome is not None]


def tally(outcomes: Sequence[Outcome]) -> Counter[str]:
    """How many callers were told each thing."""
    return Counter(outcome.describe() for outcome in outcomes)


def committed(case: type[T]) -> type[T]:
    """A subclass of the test case ``case`` holding its fixtures, written by its own
    ``setUpTestData`` with real commits (its class attributes are the fixtures)."""
    scenario = cast("type[T]", type(f"Committed{case.__name__}", (case,), {"__module__": __name__}))
    scenario.setUpTestData()
    return scenario
