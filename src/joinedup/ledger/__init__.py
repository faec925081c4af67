"""Each partner's double-entry ledger: chart of accounts, cost centres, financial years and
periods, balanced immutable journals, budgets, reports (trial balance, budget against actual).

Knows nothing of payroll or people: other domains post through ``services.post_source_journal``
with an idempotency key; system key prefixes are reserved. May import: partnership, audit, core.
Entry points: ``joinedup ledger setup|trial-balance|post|budgets|close``.
"""
