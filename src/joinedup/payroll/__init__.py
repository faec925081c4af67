"""Pay runs: inputs from HR, calculation in idempotent batches, variance checks, four-eyes
approval, payslips, BACS, RTI FPS, journals posted to each charged partner's ledger, payment on
marking paid, take-on balances, P45s and P60s (``year_end/``).

``engine/`` is pure (no Django; contract ``engine-pure``) with dated rule files in
``engine/rules/``. The payslip's money fields are declared once in ``figures``; figures to date
come from ``year_to_date``. May import: people, ledger, partnership, audit, core.
Entry points: ``joinedup payroll …`` (run, approve, close, journal, fps, bacs, p45, p60, take-on,
post-journal, post-payment, calculate).
"""
