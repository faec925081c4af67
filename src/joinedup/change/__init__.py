"""Workforce change: change programmes and their proposed structures, people at risk,
collective consultation with the recognised unions, voluntary redundancy with statutory and
enhanced quotes and pension strain, TUPE and secondment plans, terms side by side, and the
workforce-impact reports a union representative may see (aggregates only).

May import: payroll, people, ledger, partnership, audit, core.
Entry points: ``joinedup change …`` (``redundancy-quote`` among them).
"""
