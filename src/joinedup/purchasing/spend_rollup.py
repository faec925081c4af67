"""The monthly roll-up of paid spend (``SpendMonth``) that the spend analysis reads.

Two ways in, both from the invoices themselves:

- :func:`add_paid_run`, called by ``payments.payment_run_mark_paid`` in its transaction, after
  its invoices became paid: adds that run's lines. A run is marked paid once (the service locks
  it and refuses a run already paid), so its lines are added once.
- :func:`rebuild`, which deletes a partner's rows and recomputes them from every paid line: it
  gives the same rows however often it runs (after a bulk load, or to check the roll-up).
  :func:`spend_rebuild` is it as a service (authorised, one audit event), for
  ``joinedup purchasing spend-rebuild``: a database with invoices paid before the roll-up existed.

Lines are grouped in the database (one query, integers of pence and thousandths of a unit), and
the groups are folded (credit notes taken off) by the pure :mod:`joinedup.purchasing.spend`.

**On contract.** Each row also says whether its lines were bought under a contract, for the
off-contract figure (``contracts.off_contract_rows``). The rule is the contracts register's
(``contracts.py``): a line is on contract when its invoice is linked to a contract, or its
invoice's order is. Linking is where the register checks that the contract is live, with the
invoice's supplier, and one the partner let or may call off (``contracts.invoice_set_contract``,
``order_set_contract``); spend against a contract counts the same links (``contract_spend``). A
link can be made or removed after the invoice is paid, so those two services call
:func:`move_invoices` in their transaction, which moves the invoice's lines to the other side."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.purchasing import spend
from joinedup.purchasing.models import InvoiceKind, InvoiceLine, InvoiceStatus, PaymentRun, SpendMonth

_BATCH = 5_000
logger = logging.getLogger(__name__)
REBUILD_READ = "spend roll-up rebuild: every paid line of the partners named"


class MonthKey(Func):
    """The month of a date as one integer (year x 12 + month - 1), in SQL each database runs
    natively: Django's own Trunc/Extract call a Python function per row on SQLite."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(substr(%(expressions)s, 1, 4) AS INTEGER) * 12 "
            "+ CAST(substr(%(expressions)s, 6, 2) AS INTEGER) - 1)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(YEAR FROM %(expressions)s)::int * 12 "
            "+ EXTRACT(MONTH FROM %(expressions)s)::int - 1)",
            **extra,
        )


class SumScaled(Aggregate):
    """SUM of a decimal column as an integer of its smallest unit (pence; thousandths of a unit).
    SQLite keeps decimals as binary floats, so each row is rounded to an integer before adding;
    PostgreSQL adds exact numerics and converts once."""

    function = "SUM"
    output_field = BigIntegerField()

    def __init__(self, expression: Any, scale: int) -> None:
        self.scale = scale
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"SUM(CAST(ROUND(%(expressions)s * {self.scale}) AS INTEGER))",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"(SUM(%(expressions)s) * {self.scale})::bigint", **extra
        )


def on_contract() -> Case:
    """Whether an invoice line was bought under a contract (the rule above), in SQL."""
    return Case(
        When(
            Q(invoice__contract__isnull=False) | Q(invoice__order__contract__isnull=False), then=Value(True)
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def paid_line_groups(lines: Any) -> spend.SpendRows:
    """Paid lines of ``lines`` (a partner-scoped InvoiceLine queryset) grouped by partner,
    category, supplier, month and whether on contract, credit notes taken off: one query."""
    grouped = (
        lines.filter(invoice__status=InvoiceStatus.PAID)
        .annotate(month=MonthKey("invoice__invoice_date"), on_contract=on_contract())
        .values_list(
            "partner_id", "category_id", "invoice__supplier_id", "month", "on_contract", "invoice__kind"
        )
        .annotate(net=SumScaled("net", 100), quantity=SumScaled("quantity", 1000), lines=Count("id"))
        .order_by()
    )
    credit = InvoiceKind.CREDIT_NOTE.value
    return spend.SpendRows.from_groups(
        [
            (p, c, s, m, bool(on), k == credit, int(n or 0), int(q or 0), int(count))
            for p, c, s, m, on, k, n, q, count in grouped
        ]
    )


def _rows(groups: spend.SpendRows) -> list[SpendMonth]:
    return [
        SpendMonth(
            partner_id=int(groups.partner[i]),
            month=int(groups.month[i]),
            category_id=int(groups.category[i]) or None,
            supplier_id=int(groups.supplier[i]),
            on_contract=bool(groups.on_contract[i]),
            net=int(groups.net[i]),
            quantity=int(groups.quantity[i]),
            lines=int(groups.lines[i]),
        )
        for i in range(len(groups))
    ]


def _key(row: SpendMonth) -> tuple[int, int, int, bool]:
    return (row.month, row.category_id or 0, row.supplier_id, row.on_contract)


class NotHeldError(Exception):
    """Lines to take off the roll-up that it does not hold (raised before anything changes)."""


def _apply(partner_id: int, rows: list[SpendMonth], sign: int) -> int:
    """Add (``sign`` 1) or take off (-1) ``rows`` of one partner to its roll-up, row by row; a
    row left with no lines is deleted, as a rebuild would not write it. The rows touched."""
    if not rows:
        return 0
    # Runs of one partner paid (or its invoices relinked) at the same time change the same
    # cells: one at a time.
    list(Partner.objects.select_for_update().filter(pk=partner_id).values_list("pk", flat=True))
    held = {
        _key(row): row
        for row in SpendMonth.objects.for_partner(partner_id)
        .filter(month__in=sorted({row.month for row in rows}))
        .order_by("pk")
        .select_for_update()
    }
    changed: dict[int, SpendMonth] = {}
    new: list[SpendMonth] = []
    for row in rows:
        found = held.get(_key(row))
        if sign < 0 and (found is None or found.lines < row.lines):
            raise NotHeldError(f"The spend roll-up does not hold {row}.")
        if found is None:
            new.append(row)
            continue
        found.net += sign * row.net
        found.quantity += sign * row.quantity
        found.lines += sign * row.lines
        changed[found.pk] = found
    empty = [pk for pk, row in changed.items() if row.lines <= 0]
    SpendMonth.objects.for_partner(partner_id).filter(pk__in=empty).delete()
    SpendMonth.objects.for_partner(partner_id).bulk_update(
        [row for pk, row in changed.items() if pk not in empty], ["net", "quantity", "lines"]
    )
    SpendMonth.objects.bulk_create(new, batch_size=_BATCH)
    return len(changed) + len(new)


def add_paid_run(run: PaymentRun) -> int:
    """Add the lines of ``run``'s paid invoices to the roll-up; the rows touched."""
    groups = paid_line_groups(
        InvoiceLine.objects.for_partner(run.partner_id).filter(invoice__payment__run=run)
    )
    return _apply(run.partner_id, _rows(groups), 1)


def move_invoices(*, partner_id: int, invoice_ids: Sequence[int]) -> int:
    """After a link change flipped whether these invoices of one partner are on contract: move
    their paid lines from the other side of the roll-up to the side they are on now. Call it in
    the transaction that changed the link, only for invoices whose side changed; unpaid invoices
    are not in the roll-up and are left alone. The rows touched."""
    if not invoice_ids:
        return 0
    now = _rows(
        paid_line_groups(InvoiceLine.objects.for_partner(partner_id).filter(invoice_id__in=list(invoice_ids)))
    )
    if not now:
        return 0
    before = [
        SpendMonth(
            partner_id=row.partner_id,
            month=row.month,
            category_id=row.category_id,
            supplier_id=row.supplier_id,
            on_contract=not row.on_contract,
            net=row.net,
            quantity=row.quantity,
            lines=row.lines,
        )
        for row in now
    ]
    try:
        taken = _apply(partner_id, before, -1)
    except NotHeldError:
        # Paid before the roll-up existed and not rebuilt since: it holds none of these lines,
        # so there is nothing to move; ``spend-rebuild`` adds them on the right side.
        logger.warning(
            "spend roll-up: invoices %s of partner %s not held; not moved", list(invoice_ids), partner_id
        )
        return 0
    return taken + _apply(partner_id, now, 1)


def rebuild(partner_ids: list[int]) -> int:
    """Recompute these partners' roll-up from every paid line; the rows written. Run it in a
    transaction (and, across partners, a system context): it deletes before it writes."""
    SpendMonth.objects.for_partners(partner_ids).delete()
    rows = _rows(paid_line_groups(InvoiceLine.objects.for_partners(partner_ids)))
    SpendMonth.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


@transaction.atomic
def spend_rebuild(*, actor: Any, partners: Sequence[Partner]) -> dict[str, int]:
    """Rebuild the roll-up of ``partners`` (each needs ``purchasing.setup``) from their paid
    lines, in one transaction; the rows written, by partner code. One audit event on the global
    chain records the run: it spans partners, and the rows it replaces are derived, not entered."""
    for partner in partners:
        authorise(actor, "purchasing.setup", partner)
    with rls.system_context(REBUILD_READ):
        written = {partner.code: rebuild([partner.pk]) for partner in partners}
    record_event(
        actor=actor,
        partner=None,
        action="purchasing.spend_rebuilt",
        object_type="purchasing.spendmonth",
        after={"partners": list(written), "rows": written, "total": sum(written.values())},
    )
    return written
