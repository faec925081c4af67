"""Half of each payslip page left free on PostgreSQL, so the retention run's anonymising UPDATE
(privacy/retention.py: tax code, NI category and pension scheme blanked) is a heap-only tuple
update: none of those columns is indexed, and when the new row version fits on its page
PostgreSQL writes no entry in any of the table's six indexes. A whole page of payslips is
anonymised in one transaction, so the old versions are still there when the new ones go in:
the page needs room for both. With the default (100, pages packed) every row moved page and six
index entries were written for it; measured on 50,000 payslips, 5.2 s and 42 MB of WAL, at 50
0.6 s and 4 MB. The table is about 40% larger.

``ALTER TABLE … SET (fillfactor)`` does not rewrite the table: payslips written from now on
leave the room. Existing rows get it when the table is rewritten (``VACUUM FULL
payroll_payslip``, or pg_repack without the lock), a step for a maintenance window.
SQLite has no such setting."""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE payroll_payslip SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE payroll_payslip RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("payroll", "0010_pay_calendar")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
