from __future__ import annotations

import re
from typing import Any

import pytest

from joinedup.ledger.chart import ChartError, load_chart, parse_chart


def chart(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Test",
        "source": "Test",
        "account": [
            {"code": "1000", "name": "Salaries", "type": "expense", "group": "Employees"},
            {"code": "B400", "name": "HMRC", "type": "liability", "group": "PAYE and NI"},
        ],
        "payroll": {"salaries": "1000", "hmrc": "B400"},
    }
    data.update(changes)
    return data


def test_the_shipped_template_loads_with_every_heading_of_a_public_bodys_accounts() -> None:
    template = load_chart()
    groups = {a.group for a in template.accounts}
    assert {
        "Employees",
        "Premises-related expenditure",
        "Transport-related expenditure",
        "Supplies and services",
        "Third-party payments",
        "Income",
        "Bank",
        "Creditors",
        "Debtors",
        "PAYE and NI",
        "Pension fund",
    } <= groups
    assert {a.code for a in template.accounts if a.inter_partner} == {"B210", "B310"}


def test_a_well_formed_chart_parses() -> None:
    parsed = parse_chart(chart())
    assert [a.code for a in parsed.accounts] == ["1000", "B400"]
    assert parsed.payroll == {"salaries": "1000", "hmrc": "B400"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"account": [{"code": "1000", "name": "A", "type": "cost", "group": "G"}]},
            "account[0].type: 'cost' is not one of expense, income, asset, liability",
        ),
        (
            {"account": [{"code": "1000", "name": "A", "type": "expense", "group": "G"}] * 2},
            "account[1].code: '1000' appears twice",
        ),
        ({"payroll": {"salaries": "7777"}}, "payroll.salaries: '7777' is not an account of this chart"),
        (
            {
                "account": [
                    {"code": "1000", "name": "A", "type": "expense", "group": "G", "inter_partner": True}
                ]
            },
            "only a balance-sheet account holds partner balances",
        ),
        (
            {"account": [{"code": "x y", "name": "A", "type": "expense", "group": "G"}]},
            "is not an account code",
        ),
    ],
)
def test_a_malformed_chart_is_refused_naming_the_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ChartError, match=re.escape(message)):
        parse_chart(chart(**changes))
