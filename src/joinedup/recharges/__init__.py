"""The shared service's monthly recharge: cost pools, dated service agreements, driver
readings, the recharge run (largest-remainder allocation in pence), secondment recharges,
statements of charges, inter-partner reconciliation, the Transparency Code spend export.

May import: payroll, people, ledger, partnership, audit, core.
Entry points: ``joinedup recharges run|statement|reconcile|readings|transparency``.
"""
