"""Where a processor may take a partner's personal data, and on what mechanism (UK GDPR Chapter V).

A transfer to a country outside the UK is a restricted transfer unless UK adequacy regulations
cover it (rules/adequacy.toml); otherwise it needs an appropriate safeguard under Article 46:
the ICO's international data transfer agreement (IDTA) or its Addendum to the EU standard
contractual clauses, each with a transfer risk assessment (ICO, 'Transfer risk assessments'),
whose date is recorded."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

RULES = Path(__file__).parent / "rules" / "adequacy.toml"
UK = "GB"


@cache
def _adequacy() -> dict[str, Any]:
    with RULES.open("rb") as handle:
        return tomllib.load(handle)


def country_name(code: str) -> str | None:
    """The ISO 3166-1 alpha-2 country's name, or None for a code that is not one."""
    found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return found.name if found is not None else None


def adequacy(code: str) -> str:
    """ "uk" at home; "full" or "partial" where UK adequacy regulations cover the country; ""
    where a transfer there is restricted."""
    code = code.upper()
    if code == UK:
        return "uk"
    rules = _adequacy()
    if code in rules["full"]:
        return "full"
    return "partial" if code in rules["partial"] else ""


def transfer_errors(*, country: str, mechanism: str, assessed_on: date | None) -> dict[str, str]:
    """What is wrong with taking data to ``country`` on ``mechanism`` (empty: nothing)."""
    cover = adequacy(country)
    if mechanism == "none":
        return (
            {}
            if cover == "uk"
            else {"transfer_mechanism": f"{country} is outside the UK: name the transfer mechanism."}
        )
    if cover == "uk":
        return {"transfer_mechanism": "Processing in the UK is not a restricted transfer: choose none."}
    if mechanism == "adequacy":
        return (
            {}
            if cover
            else {
                "transfer_mechanism": f"No UK adequacy regulations cover {country}: "
                "use an IDTA or the Addendum."
            }
        )
    if mechanism in ("idta", "addendum"):
        return (
            {}
            if assessed_on
            else {
                "transfer_risk_assessed_on": "An IDTA or the Addendum needs the transfer risk "
                "assessment's date."
            }
        )
    return {"transfer_mechanism": "Not a transfer mechanism."}
