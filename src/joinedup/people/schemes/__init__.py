"""National terms-and-conditions schemes (NJC Green Book, Police Staff Council, Grey Book, NHS
Agenda for Change) as dated, sourced data files in ``rules/`` and a pure typed loader."""

from __future__ import annotations

from joinedup.people.schemes.loader import (
    LeaveTier,
    Point,
    Scale,
    Scheme,
    SchemeError,
    SchemeLookupError,
    UnpublishedRateError,
    all_schemes,
    available_codes,
    load_scheme,
    load_scheme_file,
)

__all__ = [
    "LeaveTier",
    "Point",
    "Scale",
    "Scheme",
    "SchemeError",
    "SchemeLookupError",
    "UnpublishedRateError",
    "all_schemes",
    "available_codes",
    "load_scheme",
    "load_scheme_file",
]
