"""A partner's spend over £500 in the Local Government Transparency Code 2015 form, as CSV, from
its purchase-invoice journals. The rule (threshold, columns, source) is in
``rules/transparency_code_2015.toml``.

Until purchasing exists, a purchase-invoice journal is posted like any other with source
``purchase_invoice``; its expense lines say what was bought (account) for which department (cost
centre), and each line's description names the beneficiary (the supplier), falling back to the
journal's description. Irrecoverable VAT is part of the expense amount in the ledger and the
merchant category belongs to procurement-card transactions: neither is recorded yet, so both
columns are published empty rather than guessed."""

from __future__ import annotations

import io
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from joinedup.core import tabular
from joinedup.core.calendar import financial_year_of, financial_year_start
from joinedup.core.money import plain_pounds
from joinedup.ledger.models import AccountType, JournalLine, JournalSource
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise

RULES = Path(__file__).parent / "rules" / "transparency_code_2015.toml"


@dataclass(frozen=True)
class TransparencyRule:
    source: str
    threshold_pence: int
    columns: list[str]


@cache
def load_rule() -> TransparencyRule:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    return TransparencyRule(
        source=data["source"], threshold_pence=int(data["threshold_pence"]), columns=list(data["columns"])
    )


@dataclass(frozen=True)
class SpendRow:
    body: str
    date: date
    department: str
    beneficiary: str
    purpose: str
    amount: int  # pence
    journal_id: int

    def cells(self) -> list[Any]:
        return [
            self.body,
            self.date,
            self.department,
            self.beneficiary,
            self.purpose,
            plain_pounds(self.amount),
            "",
            "",
        ]


def year_start(day: date) -> date:
    """1 April of the financial year containing ``day``; before 1 April of year 1, the first date
    there is (that year began in year 0, which ``date`` cannot hold)."""
    year = financial_year_of(day)
    return financial_year_start(year) if year >= date.min.year else date.min


def spend_over_threshold(user: Any, *, partner: Partner, date_from: date, date_to: date) -> list[SpendRow]:
    """Each expense line of every purchase invoice dated in the range whose net expense exceeds
    the threshold, oldest first."""
    authorise(user, "ledger.view", partner)
    if date_to < date_from:
        raise ValidationError({"to": "The end of the range is before its start."})
    rule = load_rule()
    lines = list(
        JournalLine.objects.for_partner(partner)
        .filter(
            journal__source=JournalSource.PURCHASE_INVOICE,
            date__gte=date_from,
            date__lte=date_to,
            account__type=AccountType.EXPENSE,
        )
        .select_related("journal", "account", "cost_centre")
        .order_by("date", "journal_id", "id")
    )
    net: dict[int, int] = defaultdict(int)
    for line in lines:
        net[line.journal_id] += line.debit - line.credit
    return [
        SpendRow(
            body=partner.name,
            date=line.date,
            department=line.cost_centre.name if line.cost_centre else "",
            beneficiary=line.description or line.journal.description,
            purpose=line.account.name,
            amount=line.debit - line.credit,
            journal_id=line.journal_id,
        )
        for line in lines
        if net[line.journal_id] > rule.threshold_pence
    ]


def spend_csv(rows: list[SpendRow]) -> str:
    out = io.StringIO()
    tabular.write_csv([row.cells() for row in rows], load_rule().columns, out)
    return out.getvalue()
