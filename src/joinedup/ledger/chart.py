"""Loads and validates the chart-of-accounts template in ``rules/chart_public_body.toml``.

A mistake in the file raises :class:`ChartError` naming the file and the key, so a bad
template stops set-up before any partner gets half a chart. Nothing here imports Django."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).with_name("rules")
DEFAULT_CHART = RULES_DIR / "chart_public_body.toml"
ACCOUNT_TYPES = ("expense", "income", "asset", "liability")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


class ChartError(ValueError):
    """The chart template is malformed."""


@dataclass(frozen=True)
class TemplateAccount:
    code: str
    name: str
    type: str
    group: str
    inter_partner: bool = False


@dataclass(frozen=True)
class ChartTemplate:
    name: str
    source: str
    accounts: tuple[TemplateAccount, ...]
    payroll: dict[str, str]

    def account(self, code: str) -> TemplateAccount:
        for account in self.accounts:
            if account.code == code:
                return account
        raise KeyError(code)


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ChartError(f"{where}.{key}: expected a non-empty string, found {value!r}")
    return value.strip()


def parse_chart(data: dict[str, Any], *, filename: str = "chart") -> ChartTemplate:
    accounts: list[TemplateAccount] = []
    seen: set[str] = set()
    raw_accounts = data.get("account")
    if not isinstance(raw_accounts, list) or not raw_accounts:
        raise ChartError(f"{filename}: expected at least one [[account]]")
    for index, raw in enumerate(raw_accounts):
        where = f"{filename}: account[{index}]"
        unknown = set(raw) - {"code", "name", "type", "group", "inter_partner"}
        if unknown:
            raise ChartError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        code = _text(raw, "code", where)
        if not _CODE.match(code):
            raise ChartError(f"{where}.code: {code!r} is not an account code (A-Z, 0-9, '-', up to 20)")
        if code in seen:
            raise ChartError(f"{where}.code: {code!r} appears twice")
        seen.add(code)
        kind = _text(raw, "type", where)
        if kind not in ACCOUNT_TYPES:
            raise ChartError(f"{where}.type: {kind!r} is not one of {', '.join(ACCOUNT_TYPES)}")
        inter_partner = raw.get("inter_partner", False)
        if not isinstance(inter_partner, bool):
            raise ChartError(f"{where}.inter_partner: expected true or false")
        if inter_partner and kind not in ("asset", "liability"):
            raise ChartError(f"{where}.inter_partner: only a balance-sheet account holds partner balances")
        accounts.append(
            TemplateAccount(
                code=code,
                name=_text(raw, "name", where),
                type=kind,
                group=_text(raw, "group", where),
                inter_partner=inter_partner,
            )
        )
    payroll = data.get("payroll")
    if not isinstance(payroll, dict) or not payroll:
        raise ChartError(f"{filename}: expected a [payroll] table mapping payroll keys to codes")
    for key, code in payroll.items():
        if code not in seen:
            raise ChartError(f"{filename}: payroll.{key}: {code!r} is not an account of this chart")
    return ChartTemplate(
        name=_text(data, "name", filename),
        source=_text(data, "source", filename),
        accounts=tuple(accounts),
        payroll=dict(payroll),
    )


@functools.cache
def load_chart(path: Path = DEFAULT_CHART) -> ChartTemplate:
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ChartError(f"{path.name}: {exc}") from exc
    return parse_chart(data, filename=path.name)
