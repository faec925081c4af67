"""BACS Standard 18 for pay runs. The writer and reader live in the platform (``core/bacs.py``) so
that purchasing's payment runs use the same code without importing payroll; this module keeps
payroll's names where they were."""

from __future__ import annotations

from joinedup.core.bacs import (
    ALLOWED,
    CONTRA_DEBIT,
    CREDIT,
    CRLF,
    LABEL_LENGTH,
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_TOTAL,
    RECORD_LENGTH,
    Bacs18Error,
    Bacs18File,
    Bacs18Record,
    BacsCredit,
    bacs18,
    bacs_text,
    julian,
    parse_bacs18,
)

__all__ = [
    "ALLOWED",
    "CONTRA_DEBIT",
    "CREDIT",
    "CRLF",
    "LABEL_LENGTH",
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MAX_TOTAL",
    "RECORD_LENGTH",
    "Bacs18Error",
    "Bacs18File",
    "Bacs18Record",
    "BacsCredit",
    "bacs18",
    "bacs_text",
    "julian",
    "parse_bacs18",
]
