"""HR records: persons, employments across partners, dated terms on national schemes, posts
and establishment, shared posts with cost splits, secondments, TUPE transfers, absence.

Services are a package split by reason to change (``services/``: persons, employments,
establishment, sharing, transfers, absence). NI category age rules live in ``ni_categories``.
May import: partnership, audit, core (never payroll, ledger or an interface).
Entry points: ``joinedup people import|template``, ``joinedup schemes sync``.
"""
