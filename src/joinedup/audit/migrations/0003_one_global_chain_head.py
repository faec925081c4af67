import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_refuse_audit_changes_on_postgresql"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="auditchainhead",
            name="audit_head_one_global",
        ),
        migrations.AddConstraint(
            model_name="auditchainhead",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce(
                    "partner", models.Value(0), output_field=models.BigIntegerField()
                ),
                condition=models.Q(("partner__isnull", True)),
                name="audit_head_one_global",
            ),
        ),
    ]
