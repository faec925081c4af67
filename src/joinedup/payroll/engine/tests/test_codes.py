"""Tax code parsing (HMRC 'Tax codes'; PAYE spec v24 para 15)."""

from __future__ import annotations

import pytest

from joinedup.payroll.engine.codes import CodeKind, Region, parse_tax_code


@pytest.mark.parametrize(
    ("text", "region", "kind", "number", "suffix", "flat", "week1"),
    [
        ("1257L", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1257, "L", "", False),
        ("1257M", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1257, "M", "", False),
        ("1257N", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1257, "N", "", False),
        ("1100T", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1100, "T", "", False),
        ("0T", Region.REST_OF_UK, CodeKind.ALLOWANCE, 0, "T", "", False),
        ("S1257L", Region.SCOTLAND, CodeKind.ALLOWANCE, 1257, "L", "", False),
        ("C1257L", Region.WALES, CodeKind.ALLOWANCE, 1257, "L", "", False),
        ("K585", Region.REST_OF_UK, CodeKind.K, 585, "", "", False),
        ("SK630", Region.SCOTLAND, CodeKind.K, 630, "", "", False),
        ("CK45", Region.WALES, CodeKind.K, 45, "", "", False),
        ("BR", Region.REST_OF_UK, CodeKind.FLAT, 0, "", "BR", False),
        ("SBR", Region.SCOTLAND, CodeKind.FLAT, 0, "", "BR", False),
        ("CBR", Region.WALES, CodeKind.FLAT, 0, "", "BR", False),
        ("D0", Region.REST_OF_UK, CodeKind.FLAT, 0, "", "D0", False),
        ("SD3", Region.SCOTLAND, CodeKind.FLAT, 0, "", "D3", False),
        ("CD1", Region.WALES, CodeKind.FLAT, 0, "", "D1", False),
        ("NT", Region.REST_OF_UK, CodeKind.NO_TAX, 0, "", "", False),
        ("1257L W1", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1257, "L", "", True),
        ("1257LM1", Region.REST_OF_UK, CodeKind.ALLOWANCE, 1257, "L", "", True),
        ("s1257l x", Region.SCOTLAND, CodeKind.ALLOWANCE, 1257, "L", "", True),
        ("K585 W1", Region.REST_OF_UK, CodeKind.K, 585, "", "", True),
    ],
)
def test_it_reads_the_prefix_number_suffix_and_basis_marker(
    text: str, region: Region, kind: CodeKind, number: int, suffix: str, flat: str, week1: bool
) -> None:
    code = parse_tax_code(text)
    assert (code.region, code.kind, code.number, code.suffix, code.flat, code.week1_month1) == (
        region, kind, number, suffix, flat, week1,
    )  # fmt: skip


def test_it_normalises_the_text_of_a_code() -> None:
    assert parse_tax_code(" s1257l  w1 ").text == "S1257L W1"
    assert parse_tax_code("k585").text == "K585"


@pytest.mark.parametrize(
    "text", ["", "L", "1257", "1257P", "K", "K0", "XBR", "SNT", "CNT", "1257L W2", "12345678L", "D", "BR1"]
)
def test_it_rejects_anything_that_is_not_a_tax_code(text: str) -> None:
    with pytest.raises(ValueError, match="unknown tax code"):
        parse_tax_code(text)
