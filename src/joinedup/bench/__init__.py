"""Synthetic data: the demo partnership and the benchmarks, on one population generator."""

from joinedup.core.actors import SystemActor

# Who the audit trail says set up and ran a benchmark (its partners, users, imports and runs).
BENCH = SystemActor(reason="joinedup bench: benchmark set-up and runs")
