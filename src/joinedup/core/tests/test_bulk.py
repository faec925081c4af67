"""Bulk work's garbage-collector settings are put back as they were, even on an error."""

from __future__ import annotations

import gc

import pytest

from joinedup.core.bulk import fewer_collections


def test_it_freezes_and_collects_less_inside_and_restores_everything_after() -> None:
    before = gc.get_threshold()
    kept = [object() for _ in range(10)]
    with fewer_collections():
        assert gc.get_freeze_count() >= len(kept)
        assert gc.get_threshold()[0] > before[0]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_it_restores_the_collector_when_the_work_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("batch failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
