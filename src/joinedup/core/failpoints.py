"""Failpoints: named places in long work where ``joinedup stress crash`` may interrupt it.

``failpoint("payrun.batch_counted")`` does nothing (one global read) unless the process was
started with ``JOINEDUP_FAILPOINTS`` naming a directory, which only the crash harness sets: the
points stay in the shipped code, dormant, as FoundationDB's and TiKV's failpoints do. A kill
drawn by a timer mostly lands in start-up or after the work (a pay run's batches take a second
after half a second of start-up), and a people import or a recharge run is one transaction
that nothing outside can see into; a failpoint puts the interruption exactly where it was
drawn, inside the work, whatever the machine's load. Once armed:

- without ``JOINEDUP_FAILPOINT_TARGET`` every hit is counted, one line naming the failpoint
  appended to ``DIR/hits``: an uninterrupted run tells the harness how often each is reached;
- with ``JOINEDUP_FAILPOINT_TARGET=NAME:K`` the K-th hit of NAME writes ``DIR/hit`` and holds
  its thread there until ``DIR/release`` appears. Seeing the file, the harness SIGKILLs the
  process from outside or stops PostgreSQL with ``pg_ctl -m immediate`` (or both), and
  releases a process it left alive, which carries on against the restarted server.

A failpoint inside a transaction interrupts the work with that transaction open; one given to
:func:`failpoint_on_commit` is reached just after the outermost transaction commits."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

VARIABLE = "JOINEDUP_FAILPOINTS"
TARGET_VARIABLE = "JOINEDUP_FAILPOINT_TARGET"
HITS = "hits"
HIT = "hit"
RELEASE = "release"
# A process whose harness died before releasing it carries on after this long.
HOLD_SECONDS = 600.0
_POLL = 0.005


@dataclass
class Armed:
    directory: Path
    target: tuple[str, int] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, name: str) -> None:
        if self.target is None:
            with self.lock, (self.directory / HITS).open("a", encoding="utf-8") as hits:
                hits.write(f"{name}\n")
            return
        wanted, k = self.target
        if name != wanted:
            return
        with self.lock:
            self.counts[name] = n = self.counts.get(name, 0) + 1
        if n != k:
            return
        # Written whole, then renamed: the harness never reads half a file.
        partial = self.directory / f"{HIT}.{os.getpid()}"
        partial.write_text(f"{name} {k} {os.getpid()}\n", encoding="utf-8")
        partial.replace(self.directory / HIT)
        release, deadline = self.directory / RELEASE, time.monotonic() + HOLD_SECONDS
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(_POLL)


def parse_target(text: str) -> tuple[str, int]:
    name, _, k = text.strip().rpartition(":")
    if not name or not k.isdigit() or int(k) < 1:
        raise ValueError(f"{TARGET_VARIABLE} is NAME:K with K at least 1, not {text!r}.")
    return name, int(k)


def from_environment(environ: Mapping[str, str] = os.environ) -> Armed | None:
    directory = environ.get(VARIABLE, "").strip()
    if not directory:
        return None
    target = environ.get(TARGET_VARIABLE, "").strip()
    return Armed(Path(directory), parse_target(target) if target else None)


_armed = from_environment()


def arm(armed: Armed | None) -> None:
    """Arm (or, with None, disarm) this process's failpoints: for tests of the mechanism."""
    global _armed
    _armed = armed


def failpoint(name: str) -> None:
    """The work has reached ``name`` (``domain.what_is_done``)."""
    if _armed is not None:
        _armed.hit(name)


def failpoint_on_commit(name: str) -> None:
    """``name`` is reached once the current transaction has committed."""
    if _armed is not None:
        transaction.on_commit(lambda: failpoint(name))
