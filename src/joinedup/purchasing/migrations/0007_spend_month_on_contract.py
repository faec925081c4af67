from collections import defaultdict

from django.db import migrations, models
from django.db.models import Count, Q


def move_lines_bought_under_contracts(apps, schema_editor):
    """Rows the roll-up already holds were written before it told contract spend apart, so all
    now say "not on contract". Move the paid lines whose invoice, or its order, is linked to a
    contract (``spend_rollup.on_contract``'s rule) to rows on contract: the same rows a
    ``joinedup purchasing spend-rebuild`` would write, without reading every line."""
    from joinedup.core.rls import system_context
    from joinedup.purchasing.spend_rollup import MonthKey, SumScaled

    InvoiceLine = apps.get_model("purchasing", "InvoiceLine")
    SpendMonth = apps.get_model("purchasing", "SpendMonth")
    alias = schema_editor.connection.alias
    with system_context("migration: tell spend on contract apart in the roll-up", using=alias):
        groups = (
            InvoiceLine._base_manager.using(alias)
            .filter(invoice__status="paid")
            .filter(Q(invoice__contract__isnull=False) | Q(invoice__order__contract__isnull=False))
            .annotate(month=MonthKey("invoice__invoice_date"))
            .values_list("partner_id", "category_id", "invoice__supplier_id", "month", "invoice__kind")
            .annotate(net=SumScaled("net", 100), quantity=SumScaled("quantity", 1000), lines=Count("id"))
            .order_by()
        )
        moved = defaultdict(lambda: [0, 0, 0])
        for partner, category, supplier, month, kind, net, quantity, lines in groups:
            sign = -1 if kind == "credit_note" else 1
            cell = moved[(partner, category, supplier, month)]
            cell[0] += sign * int(net or 0)
            cell[1] += sign * int(quantity or 0)
            cell[2] += int(lines)
        rows = SpendMonth._base_manager.using(alias)
        for (partner, category, supplier, month), (net, quantity, lines) in moved.items():
            off = rows.filter(
                partner_id=partner, category_id=category, supplier_id=supplier, month=month, on_contract=False
            ).first()
            if off is None:
                continue  # not in the roll-up (paid before it existed): spend-rebuild adds it
            if off.lines <= lines:
                off.delete()
            else:
                rows.filter(pk=off.pk).update(
                    net=off.net - net, quantity=off.quantity - quantity, lines=off.lines - lines
                )
            rows.create(
                partner_id=partner,
                category_id=category,
                supplier_id=supplier,
                month=month,
                on_contract=True,
                net=net,
                quantity=quantity,
                lines=lines,
            )


def fold_contract_spend_back(apps, schema_editor):
    """Backwards: add each row on contract into its row not on contract, so the rows stay one a
    cell once the column goes."""
    from joinedup.core.rls import system_context

    SpendMonth = apps.get_model("purchasing", "SpendMonth")
    alias = schema_editor.connection.alias
    with system_context("migration: fold spend on contract back into the roll-up", using=alias):
        rows = SpendMonth._base_manager.using(alias)
        for on in rows.filter(on_contract=True):
            cell = dict(partner_id=on.partner_id, category_id=on.category_id, supplier_id=on.supplier_id)
            off = rows.filter(month=on.month, on_contract=False, **cell).first()
            if off is None:
                rows.filter(pk=on.pk).update(on_contract=False)
                continue
            rows.filter(pk=off.pk).update(
                net=off.net + on.net, quantity=off.quantity + on.quantity, lines=off.lines + on.lines
            )
            on.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0005_service_desk_agent_role"),
        ("purchasing", "0006_spend_month"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="spendmonth",
            options={"ordering": ["partner_id", "month", "category_id", "supplier_id", "on_contract"]},
        ),
        migrations.RemoveConstraint(
            model_name="spendmonth",
            name="purchasing_spend_month_once",
        ),
        migrations.RemoveConstraint(
            model_name="spendmonth",
            name="purchasing_spend_month_once_uncategorised",
        ),
        migrations.AddField(
            model_name="spendmonth",
            name="on_contract",
            field=models.BooleanField(default=False),
        ),
        migrations.AddConstraint(
            model_name="spendmonth",
            constraint=models.UniqueConstraint(
                condition=models.Q(("category__isnull", False)),
                fields=("partner", "month", "category", "supplier", "on_contract"),
                name="purchasing_spend_month_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="spendmonth",
            constraint=models.UniqueConstraint(
                condition=models.Q(("category__isnull", True)),
                fields=("partner", "month", "supplier", "on_contract"),
                name="purchasing_spend_month_once_uncategorised",
            ),
        ),
        migrations.RunPython(move_lines_bought_under_contracts, fold_contract_spend_back, elidable=False),
    ]
