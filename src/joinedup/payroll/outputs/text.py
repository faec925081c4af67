"""Folding names and addresses into the character sets that BACS and HMRC accept.

Both formats are ASCII only. :func:`~joinedup.core.text.fold_to_ascii` (shared with the PDFs) first
turns letters with accents into their base letter (``Ó`` to ``O``, ``ü`` to ``u``), spells out the
letters that Unicode does not decompose (``ß`` to ``ss``, ``Æ`` to ``AE``, ``Ø`` to ``O``, ``Ł`` to
``L``) and straightens typographic quotes and dashes; each format then keeps its own set and decides
what happens to the rest.
"""

from __future__ import annotations

import re

from joinedup.core.text import fold_to_ascii

__all__ = ["fold_to_ascii", "keep_only"]

_SPACES = re.compile(r" {2,}")


def keep_only(text: str, allowed: frozenset[str], *, drop: str = "") -> str:
    """Fold to ASCII, drop the characters in ``drop``, turn any other character outside ``allowed`` into a
    space, then collapse runs of spaces and trim the ends."""
    folded = fold_to_ascii(text)
    if allowed.issuperset(folded):  # the usual case: nothing to replace
        return _SPACES.sub(" ", folded).strip()
    out = []
    for ch in folded:
        if ch in allowed:
            out.append(ch)
        elif ch not in drop:
            out.append(" ")
    return _SPACES.sub(" ", "".join(out)).strip()
