"""The country a request comes from, for the processor access gate (issue 17).

From the header the front proxy sets (``JOINEDUP_COUNTRY_HEADER``, e.g. ``CF-IPCountry``: the
proxy must set or strip it, or a client could name its own country), or else from the table of
address ranges (``JOINEDUP_COUNTRY_IP_RANGES``: CIDR -> ISO 3166-1 alpha-2, a mapping or the path
of a TOML file with a ``[ranges]`` table), matched on ``REMOTE_ADDR``, most specific range first.
None when neither says (or the header says ``XX``, a proxy's "unknown").

The middleware (privacy/middleware.py) puts the answer in ``REQUEST_COUNTRY`` for the life of
the request; outside a request it holds ``NOT_A_REQUEST`` and the gate checks no country (the
command line and background jobs run on the platform, not from a browser)."""

from __future__ import annotations

import ipaddress
import tomllib
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from joinedup.privacy.transfers import country_name

NOT_A_REQUEST = "-"
REQUEST_COUNTRY: ContextVar[str | None] = ContextVar("joinedup_request_country", default=NOT_A_REQUEST)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _code(value: str) -> str | None:
    code = value.strip().upper()
    return code if country_name(code) is not None else None


@cache
def _table(source: Any) -> tuple[tuple[Network, str], ...]:
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle:
            ranges = tomllib.load(handle).get("ranges", {})
    else:
        ranges = dict(source)
    table = []
    for cidr, country in ranges.items():
        code = _code(country)
        if code is None:
            raise ValueError(
                f"JOINEDUP_COUNTRY_IP_RANGES: {country!r} for {cidr} is not an ISO country code."
            )
        table.append((ipaddress.ip_network(cidr, strict=False), code))
    return tuple(sorted(table, key=lambda entry: -entry[0].prefixlen))


def ip_ranges() -> tuple[tuple[Network, str], ...]:
    source = getattr(settings, "JOINEDUP_COUNTRY_IP_RANGES", None) or {}
    # A mapping is cached by its items (settings overridden in a test give a new table).
    return _table(source if isinstance(source, str | Path) else tuple(sorted(source.items())))


def country_of_address(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    for network, code in ip_ranges():
        if network.version == ip.version and ip in network:
            return code
    return None


def country_of(request: HttpRequest) -> str | None:
    header = getattr(settings, "JOINEDUP_COUNTRY_HEADER", "")
    if header:
        value = request.headers.get(header, "")
        if value:
            return _code(value)
    return country_of_address(request.META.get("REMOTE_ADDR", ""))
