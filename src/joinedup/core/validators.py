"""Checks for UK identifiers and payroll codes that HR staff type or upload.

Each function takes the text as entered, returns it normalised (the form to store), and raises
``ValueError`` with a plain-English reason otherwise. They are pure, so they serve as
``Column.parse`` functions in :mod:`joinedup.core.tabular`, in Django forms and in services.
Messages follow the GOV.UK Design System style ("Enter a … like …") and never repeat the value
itself: the import report shows the value in a column of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "account_number",
    "ni_category",
    "ni_number",
    "postcode",
    "sort_code",
    "student_loan_plans",
    "tax_code",
]

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens and dashes between digit groups

# --- National Insurance number ----------------------------------------------------------------

# HMRC National Insurance Manual NIM39110, "What a NINO looks like": two prefix letters, six
# digits and a suffix that is always A, B, C or D. In the prefix, D, F, I, Q, U and V are used as
# neither the first nor the second letter, O is not used as the second letter, and the prefixes
# BG, GB, KN, NK, NT, TN and ZZ are not to be used. TN was the prefix of temporary numbers
# (TN + date of birth + M/F), which are no longer used; it gets a message of its own.
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")
_NINO_SHAPE = re.compile(r"[A-Z]{2}[0-9]{6}[A-Z]")
_NINO_UNALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NINO_NEVER_EITHER = "DFIQUV"
_NINO_FORMAT = (
    "Enter a National Insurance number that is 2 letters, 6 numbers, then A, B, C or D, like QQ 12 34 56 C"
)


def ni_number(value: str) -> str:
    """'qq 12 34 56 c' -> 'QQ123456C' (NIM39110)."""
    if _NINO.fullmatch(value) and value[:2] not in _NINO_UNALLOCATED:
        return value  # already normal: the usual case in an upload, so checked first
    nino = _SPACES.sub("", value).upper()
    if nino.startswith("TN"):
        raise ValueError(
            "TN numbers are temporary references that HMRC no longer uses: ask the person for "
            "their permanent National Insurance number"
        )
    if _NINO.fullmatch(nino) and nino[:2] not in _NINO_UNALLOCATED:
        return nino
    if not _NINO_SHAPE.fullmatch(nino):
        raise ValueError(_NINO_FORMAT)
    first, second, suffix = nino[0], nino[1], nino[8]
    if suffix not in "ABCD":
        raise ValueError("The last letter of a National Insurance number is always A, B, C or D")
    if first in _NINO_NEVER_EITHER:
        raise ValueError(f"No National Insurance number starts with {first}")
    if second in _NINO_NEVER_EITHER or second == "O":
        raise ValueError(f"No National Insurance number has {second} as its second letter")
    raise ValueError(f"HMRC does not allocate National Insurance numbers starting {nino[:2]}")


# --- bank details -------------------------------------------------------------------------------

_SORT_CODE = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9]{6,8}")


def sort_code(value: str) -> str:
    """'12-34-56', '12 34 56' or '123456' -> '123456'."""
    digits = _SEPARATORS.sub("", value)
    if _SORT_CODE.fullmatch(digits):
        return digits
    if re.fullmatch(r"[0-9]{5}", digits):
        raise ValueError(
            "Enter a sort code of 6 digits, like 30-94-57 (if it started with 0, the spreadsheet "
            "may have dropped the 0: format the column as text)"
        )
    raise ValueError("Enter a sort code of 6 digits, like 30-94-57")


def account_number(value: str) -> str:
    """An 8-digit UK account number; 6- and 7-digit ones are padded with leading zeros.

    BACS and HMRC take exactly 8 digits. Some older accounts have 6 or 7, and the banks' rule
    for those (Pay.UK / Vocalink modulus-checking specification) is to put zeros in front; the
    same padding undoes a spreadsheet dropping the leading 0 of an 8-digit number stored as a
    number. 9- and 10-digit numbers are refused, because turning them into 8 digits depends on
    the bank (some change the sort code too): the person's bank gives the 8-digit form.
    """
    digits = _SEPARATORS.sub("", value)
    if _ACCOUNT.fullmatch(digits):
        return digits.zfill(8)
    if re.fullmatch(r"[0-9]{9,10}", digits):
        raise ValueError(
            "Enter the 8-digit account number: for a 9 or 10-digit account, ask the bank for the "
            "8-digit number and sort code it uses for BACS payments"
        )
    raise ValueError("Enter an account number of 8 digits, like 00733445")


# --- postcode ----------------------------------------------------------------------------------

# The outward code's shapes A9, A99, A9A, AA9, AA99, AA9A and the letter rules of BS 7666 as
# used by Royal Mail: Q, V and X never come first; I, J and Z never second; the letter in A9A is
# one of ABCDEFGHJKPSTUW and in AA9A one of ABEHMNPRVWXY; the inward code's letters never
# include C, I, K, M, O or V. GIR 0AA (Girobank) is the one historic exception.
_OUTWARD = r"""
    (?:
        [A-PR-UWYZ][0-9][0-9]?
      | [A-PR-UWYZ][A-HK-Y][0-9][0-9]?
      | [A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]
      | [A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]
    )"""
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(_OUTWARD + _INWARD, re.VERBOSE)
_POSTCODE_NORMAL = re.compile(_OUTWARD + r"\ " + _INWARD, re.VERBOSE)


def postcode(value: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'."""
    if _POSTCODE_NORMAL.fullmatch(value):
        return value
    compact = _SPACES.sub("", value).upper()
    if compact == "GIR0AA" or _POSTCODE.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    raise ValueError("Enter a full UK postcode, like SW1A 1AA")


# --- PAYE -------------------------------------------------------------------------------------

# Shape of a PAYE tax code (HMRC "Tax codes" guidance; PAYE RTI specification, code suffix): an
# optional region prefix S (Scotland) or C (Wales); then a number with the suffix L, M, N or T
# (1257L, 0T), K and a number (K585), BR, D0/D1 (SD0-SD3 in Scotland), or NT; then optionally
# W1, M1 or X, meaning "operate on the week 1 / month 1 basis". It accepts a subset of what
# joinedup.payroll.engine.codes.parse_tax_code does; whether a code applies in a given tax year
# is the payroll rules' question, not this one's.
_TAX_CODE = re.compile(
    r"""
    (?P<prefix>[SC]?)
    (?:
        (?P<number>[0-9]{1,5})(?P<suffix>[LMNT])
      | K(?P<k_number>[0-9]{1,5})
      | (?P<flat>BR|D[0-9])
      | (?P<nt>NT)
    )
    (?P<marker>W1|M1|X)?
    """,
    re.VERBOSE,
)
_FLAT_CODES = {"": {"BR", "D0", "D1"}, "C": {"BR", "D0", "D1"}, "S": {"BR", "D0", "D1", "D2", "D3"}}
_TAX_CODE_FORMAT = "Enter a tax code like 1257L, S1257L, K585, BR or 0T, with W1, M1 or X after it if needed"


@lru_cache(maxsize=1024)  # a file holds few distinct codes (most staff have 1257L)
def tax_code(value: str) -> tuple[str, bool]:
    """'1257L', 's1257l', 'K585 W1', '0T M1', 'BR', 'NT' -> (code, week1_month1).

    The code comes back without its W1/M1/X marker, which becomes the flag: the marker is a
    basis of operation, kept with the employment's tax basis, not part of the code.
    """
    compact = _SPACES.sub("", value).upper()
    match = _TAX_CODE.fullmatch(compact)
    if not match:
        raise ValueError(_TAX_CODE_FORMAT)
    prefix, marker = match["prefix"], match["marker"]
    code = compact[: len(compact) - len(marker)] if marker else compact
    number = match["number"] or match["k_number"]
    if number and len(number) > 1 and number.startswith("0"):
        raise ValueError("A tax code's number never starts with 0 (except the code 0T)")
    if match["k_number"] is not None and int(match["k_number"]) == 0:
        raise ValueError("A K code needs a number of 1 or more, like K585")
    if match["nt"] and prefix:
        raise ValueError("NT takes no S or C in front of it")
    if match["flat"] and match["flat"] not in _FLAT_CODES[prefix]:
        where = {"": "the rest of the UK", "C": "Wales", "S": "Scotland"}[prefix]
        allowed = ", ".join(prefix + flat for flat in sorted(_FLAT_CODES[prefix]))
        raise ValueError(f"{code} is not a tax code for {where}: use one of {allowed}")
    return code, marker is not None


# NI category letters (HMRC "National Insurance category letters"; NIM01430 veterans, NIM01540
# freeport and investment zone): A standard, B married women's reduced rate, C over State Pension
# age, H apprentice under 25, J deferment, M under 21, Z under 21 deferring, V veteran; freeport
# F, I, L, S and investment zone N, E, D, K (standard, reduced rate, deferment, over SPA); X no
# liability (under 16), which the payroll rule files (payroll/engine/rules/*.toml) also carry.
# Mariners' letters (G, P, Q, R, T, W, Y) are not accepted here. Whether the payroll rules of a
# tax year cover a letter is the payroll engine's check, not this one's.
_NI_CATEGORIES = frozenset("ABCFHIJLMNSVZDEKX")


def ni_category(value: str) -> str:
    """One National Insurance category letter: A B C D E F H I J K L M N S V X Z."""
    letter = value.strip().upper()
    if len(letter) == 1 and letter in _NI_CATEGORIES:
        return letter
    raise ValueError("Enter a National Insurance category letter: one of " + " ".join(sorted(_NI_CATEGORIES)))


_PLAN_ORDER = ("1", "2", "4", "5", "PG")
_PLAN_SPELLINGS = {"1": "1", "2": "2", "4": "4", "5": "5", "PG": "PG", "PGL": "PG", "POSTGRADUATE": "PG"}
_PLAN_SPLIT = re.compile(r"[;,/&+\s]+")


@lru_cache(maxsize=256)  # few distinct values in a file
def student_loan_plans(value: str) -> tuple[str, ...]:
    """'1;2;PG' -> ('1', '2', 'PG'): student loan plans 1, 2, 4, 5 and the postgraduate loan.

    Separators ; , / & + and spaces are all read, a leading "Plan" is ignored, and the plans come
    back in a fixed order so the same set always stores the same way. Blank means no plan.
    """
    text = re.sub(r"\bPLAN\s*", " ", value.upper())
    plans: list[str] = []
    for item in _PLAN_SPLIT.split(text):
        if not item:
            continue
        plan = _PLAN_SPELLINGS.get(item)
        if plan is None:
            raise ValueError(f"{item} is not a student loan plan: use 1, 2, 4, 5 or PG")
        if plan in plans:
            label = "the postgraduate loan" if plan == "PG" else f"Plan {plan}"
            raise ValueError(f"{label} is listed twice")
        plans.append(plan)
    return tuple(sorted(plans, key=_PLAN_ORDER.index))
