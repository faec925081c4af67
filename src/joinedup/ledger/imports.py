"""All-or-nothing imports of journals and budgets from CSV or XLSX (``joinedup ledger post`` and
``joinedup ledger budgets``).

The whole file is read and checked first; every problem is reported by spreadsheet row, column
and reason; nothing is written unless every row is good. Amounts are written in pounds and
pence, as finance staff keep them (``1,234.50``), and held as integer pence from there on."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.core import tabular
from joinedup.core.money import pounds_to_pence
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.ledger.models import REVENUE_TYPES, Account, CostCentre, Journal, Period
from joinedup.ledger.services import LineInput, budget_set, journal_import_post
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise

MAX_ROWS = 100_000

JOURNAL_COLUMNS = RowSpec(
    [
        Column("date", tabular.iso_date(), example="2026-08-14", help="The journal's date."),
        Column("account", tabular.text(max_length=20), example="4200"),
        Column("cost_centre", tabular.text(max_length=30), required=False, default="", example="HR"),
        Column(
            "counterparty",
            tabular.text(max_length=20),
            required=False,
            default="",
            help="The other partner's code, on inter-partner accounts.",
        ),
        Column(
            "debit", tabular.decimal(places=2, min=0), required=False, default=Decimal(0), example="12.50"
        ),
        Column("credit", tabular.decimal(places=2, min=0), required=False, default=Decimal(0)),
        Column("description", tabular.text(max_length=200), required=False, default=""),
        Column(
            "journal",
            tabular.text(max_length=50),
            required=False,
            default="",
            help="Rows with the same reference form one journal (default: one journal per date).",
        ),
    ]
)

BUDGET_COLUMNS = RowSpec(
    [
        Column("cost_centre", tabular.text(max_length=30), example="HR"),
        Column("account", tabular.text(max_length=20), example="1000"),
        Column("period", tabular.regex(r"\d{4}-\d{2}", "Write the month like 2026-08"), example="2026-08"),
        Column("amount", tabular.decimal(places=2), example="125000.00"),
    ]
)


def _pence(pounds: Decimal) -> int:
    # The parser refuses more than two places; pounds_to_pence would refuse them too.
    return pounds_to_pence(pounds)


@dataclass
class ImportResult:
    """What an import did, or every reason it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    journals: list[Journal] = field(default_factory=list)
    already_posted: int = 0  # journals of this same file posted by an earlier run
    budgets: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def import_journal(
    *, actor: Any, partner: Partner, source: bytes, filename: str = "", description: str = ""
) -> ImportResult:
    """Post the journals of a file: rows grouped by the ``journal`` column, or by date when it
    is blank. Each journal is keyed by the file's content and its reference, so importing the
    same file again posts nothing twice. If any row of any journal is bad, nothing is posted."""
    authorise(actor, "ledger.post", partner)
    parsed = tabular.read_rows(source, JOURNAL_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    result = ImportResult(rows=len(parsed.rows))
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for number, row in parsed.numbered():
        ref = row.get("journal") or (row["date"].isoformat() if "date" in row else "")
        groups[ref].append((number, row))
    for ref, rows in groups.items():
        dates = {row["date"] for _, row in rows if "date" in row}
        if len(dates) > 1:
            for number, row in rows[1:]:
                if row.get("date") != rows[0][1].get("date"):
                    parsed.add_error(
                        number, "date", f"Journal {ref!r} is dated {rows[0][1]['date']} on row {rows[0][0]}"
                    )
    if any(error.row <= tabular.HEADER_ROW for error in parsed.errors):
        # The file or its header is wrong: its rows cannot be read as journals at all.
        result.errors = parsed.errors
        return result
    # A journal with a row that did not parse is reported by that row alone; every other journal
    # is still tried against the ledger (and undone), so one pass names every bad row.
    unreadable = {error.row for error in parsed.errors}

    digest = hashlib.sha256(source).hexdigest()[:16]
    label = description.strip() or f"Imported from {filename or 'a file'}"
    with transaction.atomic():
        for ref, rows in groups.items():
            if any(number in unreadable for number, _ in rows):
                continue
            lines = [
                LineInput(
                    account=row["account"],
                    debit=_pence(row["debit"]),
                    credit=_pence(row["credit"]),
                    cost_centre=row["cost_centre"],
                    counterparty=row["counterparty"],
                    description=row["description"],
                )
                for _, row in rows
            ]
            key = f"import:{digest}:{ref}"
            existed = Journal.objects.for_partner(partner).filter(idempotency_key=key).exists()
            try:
                journal = journal_import_post(
                    actor=actor,
                    partner=partner,
                    date=rows[0][1]["date"],
                    lines=lines,
                    description=f"{label} ({ref})"[:200],
                    digest=digest,
                    ref=ref,
                    source_ref=(filename or "")[:100],
                )
            except ValidationError as exc:
                _row_errors(exc, rows, ref, parsed)
                continue
            if existed:
                result.already_posted += 1
            else:
                result.journals.append(journal)
        if not parsed.ok:
            # Journals that were good are undone with the bad: the file goes in whole or not at all.
            transaction.set_rollback(True)
    result.errors = parsed.errors
    if result.errors:
        result.journals = []
        result.already_posted = 0
    return result


def _row_errors(
    exc: ValidationError, rows: list[tuple[int, dict[str, Any]]], ref: str, parsed: tabular.ParseResult
) -> None:
    """The service names ``lines[3].account``; a person wants row 5, column account."""
    first = rows[0][0]
    for key, messages in exc.message_dict.items():
        match = _LINE_FIELD.match(key)
        for message in messages:
            if match is not None:
                number, row = rows[int(match[1])]
                column = match[2] or "debit"
                parsed.add_error(number, column, message, row.get(column, ""))
            elif key == "date":
                parsed.add_error(first, "date", message, rows[0][1]["date"])
            else:
                last = rows[-1][0]
                where = f"row {first}" if first == last else f"rows {first} to {last}"
                parsed.add_error(first, "journal", f"Journal {ref!r} ({where}): {message}")


def import_budgets(*, actor: Any, partner: Partner, source: bytes, filename: str = "") -> ImportResult:
    """Set the budget of each row (cost centre, account, month): replacing what was set before.
    A cell named twice in the file is an error, as is anything the ledger does not know."""
    authorise(actor, "ledger.budget", partner)
    parsed = tabular.read_rows(source, BUDGET_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    result = ImportResult(rows=len(parsed.rows))
    accounts = {a.code: a for a in Account.objects.for_partner(partner)}
    centres = {c.code: c for c in CostCentre.objects.for_partner(partner)}
    periods = {f"{p.start_date:%Y-%m}": p for p in Period.objects.for_partner(partner).select_related("year")}
    seen: dict[tuple[str, str, str], int] = {}
    good: list[tuple[CostCentre, Account, Period, int]] = []
    for number, row in parsed.numbered():
        centre = centres.get(row.get("cost_centre", ""))
        account = accounts.get(row.get("account", ""))
        period = periods.get(row.get("period", ""))
        if "cost_centre" in row and centre is None:
            parsed.add_error(
                number, "cost_centre", f"{partner.name} has no such cost centre", row["cost_centre"]
            )
        if "account" in row:
            if account is None:
                parsed.add_error(number, "account", f"{partner.name} has no such account", row["account"])
            elif account.type not in REVENUE_TYPES:
                parsed.add_error(
                    number, "account", "Budgets are set on expense and income accounts", row["account"]
                )
        if "period" in row and period is None:
            parsed.add_error(
                number, "period", f"{partner.name} has no financial period for that month", row["period"]
            )
        cell = (row.get("cost_centre", ""), row.get("account", ""), row.get("period", ""))
        if all(cell):
            if cell in seen:
                parsed.add_error(number, "period", f"This budget is also on row {seen[cell]}", row["period"])
            else:
                seen[cell] = number
        if centre and account and period and "amount" in row and account.type in REVENUE_TYPES:
            good.append((centre, account, period, _pence(row["amount"])))
    if not parsed.ok:
        result.errors = parsed.errors
        return result
    with transaction.atomic():
        for centre, account, period, amount in good:
            budget_set(actor=actor, cost_centre=centre, account=account, period=period, amount=amount)
    result.budgets = len(good)
    return result
