"""Purchasing (issue 14): procure-to-pay for every partner, run as that partner. The supplier
register (one for the partnership, with each partner's status and private notes, and bank
details that take effect only when a second person has verified them), procurement categories
mapped to each partner's ledger accounts, requisitions approved under the partner's scheme of
delegation with a budget check, purchase orders numbered per partner, receipts and returns;
invoices, three-way match, payment runs and the contracts register build on the same records.

May import: payroll, people, ledger, partnership, audit, core.
Entry points: the services and selectors; pages in ``web/purchasing/``, the API in
``api/purchasing.py``.
"""
