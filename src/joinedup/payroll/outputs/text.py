"""Folding names and addresses into the character sets that BACS and HMRC accept.

Both formats are ASCII only. :func:`fold_to_ascii` first turns letters with accents into their base
letter (``Ó`` to ``O``, ``ü`` to ``u``), spells out the letters that Unicode does not decompose
(``ß`` to ``ss``, ``Æ`` to ``AE``, ``Ø`` to ``O``, ``Ł`` to ``L``) and straightens typographic quotes
and dashes; each format then keeps its own set and decides what happens to the rest.
"""

from __future__ import annotations

import re
import unicodedata

_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark (the usual apostrophe in typed names)
        "\u02bc": "'",  # modifier letter apostrophe
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u00a0": " ",  # no-break space
    }
)

_SPACES = re.compile(r" {2,}")


def fold_to_ascii(text: str) -> str:
    """Accented letters to their base letters and a few special letters spelled out; characters with no
    ASCII form are kept as they are, for the caller's character set to deal with."""
    if text.isascii():
        # Nothing to decompose: only the backtick among ASCII characters has a mapping.
        return text.replace("`", "'")
    spelled = text.translate(_SPELLED_OUT)
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
