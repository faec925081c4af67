"""Tax code parsing: text such as ``S1257L``, ``K585``, ``CBR`` or ``1257L W1`` to a structure.

Grammar (HMRC 'Tax codes' guidance; PAYE spec v24 para 15 'Use of the code suffix'):

* optional region prefix: ``S`` Scotland, ``C`` Wales, none for the rest of the UK;
* then one of: a number with a suffix letter ``L``, ``M``, ``N`` or ``T`` (free pay, e.g. 1257L,
  0T); ``K`` and a number (additional pay, e.g. K585); ``BR`` or ``D`` and a digit (flat rate on
  all pay, e.g. SD1); ``NT`` (no tax; takes no prefix);
* optionally ``W1``, ``M1`` or ``X`` after it (with or without a space): operate on the
  week 1/month 1 basis whatever the payroll says.

Whether a flat code exists in a region in a given year (SD3 does in Scotland, D2 nowhere else) is
a rule-file question; :func:`joinedup.payroll.engine.paye` checks it.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass


class Region(enum.Enum):
    REST_OF_UK = "rest_of_uk"
    SCOTLAND = "scotland"
    WALES = "wales"


PREFIXES = {"": Region.REST_OF_UK, "S": Region.SCOTLAND, "C": Region.WALES}


class CodeKind(enum.Enum):
    ALLOWANCE = "allowance"  # number + suffix: free pay
    K = "k"  # K + number: additional pay
    FLAT = "flat"  # BR, D0, D1, ...: one rate on all pay
    NO_TAX = "no_tax"  # NT


@dataclass(frozen=True, slots=True)
class TaxCode:
    text: str  # normalised, e.g. "S1257L", "K585 W1"
    region: Region
    kind: CodeKind
    number: int = 0  # the code number for ALLOWANCE and K codes
    suffix: str = ""  # L, M, N or T for ALLOWANCE codes
    flat: str = ""  # "BR", "D0", ... for FLAT codes (without the prefix)
    week1_month1: bool = False  # the code carries a W1, M1 or X marker


_CODE = re.compile(
    r"""
    (?P<prefix>[SC]?)
    (?:
        (?P<number>\d{1,5})(?P<suffix>[LMNT])
      | K(?P<k_number>\d{1,5})
      | (?P<flat>BR|D\d)
      | (?P<nt>NT)
    )
    (?P<marker>W1|M1|X)?
    """,
    re.VERBOSE,
)


@functools.lru_cache(maxsize=4096)
def parse_tax_code(text: str) -> TaxCode:
    """Parse a tax code; raise ValueError with the reason for anything that is not one."""
    compact = re.sub(r"\s+", "", text).upper()
    match = _CODE.fullmatch(compact)
    if not match:
        raise ValueError(f"unknown tax code {text!r}")
    prefix = match.group("prefix")
    marker = match.group("marker")
    normal = compact if not marker else f"{compact[: -len(marker)]} {marker}"

    def code(kind: CodeKind, number: int = 0, suffix: str = "", flat: str = "") -> TaxCode:
        return TaxCode(normal, PREFIXES[prefix], kind, number, suffix, flat, marker is not None)

    if match.group("nt"):
        if prefix:
            raise ValueError(f"unknown tax code {text!r}: NT takes no S or C prefix")
        return code(CodeKind.NO_TAX)
    if match.group("flat"):
        return code(CodeKind.FLAT, flat=match.group("flat"))
    if match.group("k_number") is not None:
        number = int(match.group("k_number"))
        if number == 0:
            raise ValueError(f"unknown tax code {text!r}: a K code needs a number of 1 or more")
        return code(CodeKind.K, number=number)
    return code(CodeKind.ALLOWANCE, number=int(match.group("number")), suffix=match.group("suffix"))
