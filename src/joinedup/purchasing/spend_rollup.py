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
the groups are folded (credit notes taken off) by the pure :mod:`joinedup.purchasing.spend`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, BigIntegerField, Count, Func, IntegerField

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.purchasing import spend
from joinedup.purchasing.models import InvoiceKind, InvoiceLine, InvoiceStatus, PaymentRun, SpendMonth

_BATCH = 5_000
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


def paid_line_groups(lines: Any) -> spend.SpendRows:
    """Paid lines of ``lines`` (a partner-scoped InvoiceLine queryset) grouped by partner,
    category, supplier and month, credit notes taken off: one query."""
    grouped = (
        lines.filter(invoice__status=InvoiceStatus.PAID)
        .annotate(month=MonthKey("invoice__invoice_date"))
        .values_list("partner_id", "category_id", "invoice__supplier_id", "month", "invoice__kind")
        .annotate(net=SumScaled("net", 100), quantity=SumScaled("quantity", 1000), lines=Count("id"))
        .order_by()
    )
    credit = InvoiceKind.CREDIT_NOTE.value
    return spend.SpendRows.from_groups(
        [
            (p, c, s, m, k == credit, int(n or 0), int(q or 0), int(count))
            for p, c, s, m, k, n, q, count in grouped
        ]
    )


def _rows(groups: spend.SpendRows) -> list[SpendMonth]:
    return [
        SpendMonth(
            partner_id=int(groups.partner[i]),
            month=int(groups.month[i]),
            category_id=int(groups.category[i]) or None,
            supplier_id=int(groups.supplier[i]),
            net=int(groups.net[i]),
            quantity=int(groups.quantity[i]),
            lines=int(groups.lines[i]),
        )
        for i in range(len(groups))
    ]


def add_paid_run(run: PaymentRun) -> int:
    """Add the lines of ``run``'s paid invoices to the roll-up; the rows touched."""
    groups = paid_line_groups(
        InvoiceLine.objects.for_partner(run.partner_id).filter(invoice__payment__run=run)
    )
    if len(groups) == 0:
        return 0
    months = sorted(set(groups.month.tolist()))
    # Runs of one partner paid at the same time add to the same cells: one at a time.
    list(Partner.objects.select_for_update().filter(pk=run.partner_id).values_list("pk", flat=True))
    held = {
        (row.month, row.category_id or 0, row.supplier_id): row
        for row in SpendMonth.objects.for_partner(run.partner_id)
        .filter(month__in=months)
        .order_by("pk")
        .select_for_update()
    }
    changed, new = [], []
    for row in _rows(groups):
        found = held.get((row.month, row.category_id or 0, row.supplier_id))
        if found is None:
            new.append(row)
            continue
        found.net += row.net
        found.quantity += row.quantity
        found.lines += row.lines
        changed.append(found)
    SpendMonth.objects.for_partner(run.partner_id).bulk_update(changed, ["net", "quantity", "lines"])
    SpendMonth.objects.bulk_create(new, batch_size=_BATCH)
    return len(changed) + len(new)


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
