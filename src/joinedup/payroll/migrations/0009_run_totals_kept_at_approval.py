from django.db import migrations, models
from django.db.models import Sum

# The payslip figures a run's totals sum, as ``payroll.figures.SUMMARY_FIGURES`` named them when
# this migration was written. A figure added later is missing from what this keeps, so
# ``run_totals`` sums those runs' payslips again rather than read a partial set.
FIGURES = (
    "gross_pay",
    "tax",
    "ni_employee",
    "ni_employer",
    "ni_class1a",
    "pension_employee",
    "pension_employer",
    "student_loan",
    "postgraduate_loan",
    "deductions_after_tax",
    "net_pay",
)


def keep_totals_of_approved_runs(apps, schema_editor):
    """Runs already approved or paid get the totals approval now keeps, from their payslips
    (which cannot have changed since)."""
    from joinedup.core.rls import system_context

    PayRun = apps.get_model("payroll", "PayRun")
    Payslip = apps.get_model("payroll", "Payslip")
    alias = schema_editor.connection.alias
    with system_context("migration: keep the totals of runs already approved", using=alias):
        runs = PayRun._base_manager.using(alias).filter(status__in=["approved", "paid"], approved_totals__isnull=True)
        for run in runs.only("pk", "partner_id"):
            sums = (
                Payslip._base_manager.using(alias)
                .filter(partner_id=run.partner_id, run_id=run.pk)
                .aggregate(**{name: Sum(name) for name in FIGURES})
            )
            PayRun._base_manager.using(alias).filter(pk=run.pk).update(
                approved_totals={name: int(sums[name] or 0) for name in FIGURES}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0008_class1a_and_payments_after_leaving"),
    ]

    operations = [
        migrations.AddField(
            model_name="payrun",
            name="approved_totals",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(keep_totals_of_approved_runs, migrations.RunPython.noop, elidable=False),
    ]
