"""Folding names and addresses into the character sets that BACS and HMRC accept.

Both formats are ASCII only. :func:`~joinedup.core.text.fold_to_ascii` (shared with the PDFs) first
turns letters with accents into their base letter (``Ó`` to ``O``, ``ü`` to ``u``), spells out the
letters that Unicode does not decompose (``ß`` to ``ss``, ``Æ`` to ``AE``, ``Ø`` to ``O``, ``Ł`` to
``L``) and straightens typographic quotes and dashes; each format then keeps its own set and decides
what happens to the rest.
"""

from __future__ import annotations

# Both live in the platform now (core/text.py), where the BACS writer (core/bacs.py) uses them too.
from joinedup.core.text import fold_to_ascii, keep_only

__all__ = ["fold_to_ascii", "keep_only"]
