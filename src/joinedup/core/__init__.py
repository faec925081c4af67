"""Platform: what every domain stands on, knowing no domain.

Owns: the tenancy guard (``tenancy``) and PostgreSQL row-level security (``rls``), the system
actor (``actors``), the vocabulary of money (``money``) and dates the law counts (``calendar``),
all-or-nothing imports and formula-safe exports (``tabular``), the PDF house style (``pdf``),
field encryption (``crypto``), bulk writes (``bulk``), request ids and environment parsing.
May import: Django and third-party libraries only; ``money`` and ``calendar`` are pure (no
Django) so the payroll engine can use them (contract ``vocabulary-pure``).
Entry points: ``joinedup serve``, ``joinedup worker``.
"""
