"""On PostgreSQL the database itself refuses UPDATE and DELETE on a case's access events, as it
does on audit events (audit migration 0002), so even code that bypasses the application cannot
quietly remove the record of who read a case. The application's role also loses UPDATE, DELETE
and TRUNCATE on the table after every migrate (audit/append_only.py, registered by
wellbeing/apps.py). TRUNCATE stays possible for the table's owner: the test suite's flush uses it.

SQLite has no roles or triggers of this kind here: the model refuses the change instead."""

from django.db import migrations

CREATE = """
CREATE FUNCTION wellbeing_access_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case access events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER wellbeing_access_event_append_only
    BEFORE UPDATE OR DELETE ON wellbeing_caseaccessevent
    FOR EACH ROW EXECUTE FUNCTION wellbeing_access_event_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS wellbeing_access_event_append_only ON wellbeing_caseaccessevent;
DROP FUNCTION IF EXISTS wellbeing_access_event_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0005_case_legal_holds_and_erasures")]
    operations = [migrations.RunPython(create, drop)]
