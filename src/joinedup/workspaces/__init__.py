"""Workspaces (issue 19): what is waiting for a user on the partner they work on, role by role.

Selectors only: each tile is a count for the current user on the current partner, with the
address of the filtered list behind it, read through the other domains' partner-scoped managers
and selectors. The home page and ``GET /api/v1/me/worklist`` show the same tiles.

May import: privacy, businesscase, change, recharges, purchasing, servicedesk, wellbeing, payroll,
people, ledger, partnership, audit, core. Nothing imports it but the interfaces (web, api, cli),
the demo and the benchmarks.

Entry point: ``selectors.worklist(user, partner=..., today=...)``.
"""
