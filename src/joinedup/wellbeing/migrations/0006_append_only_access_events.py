"""On PostgreSQL the database itself refuses UPDATE and DELETE on a case's access events, as it
does on audit events (audit migration 0002), so even code that bypasses the application cannot
quietly remove the record of who read a case. The application's role also loses UPDATE and
TRUNCATE on the table after every migrate (audit/append_only.py, registered by
wellbeing/apps.py). TRUNCATE stays possible for the table's owner: the test suite's flush uses it.

One DELETE is let through: a partner's exit erasure (privacy/exit.py, issue 17), which removes
everything the leaving partner owns once it has confirmed receipt of its export (the events are
in that export). It names the partner in the transaction-local setting ``joinedup.partner_exit``
(CaseAccessEvent.erase_for_partner_exit), and the trigger lets a DELETE of that partner's rows
through, and nothing else. So the application's role keeps DELETE, unlike on audit events:
a role able to run arbitrary SQL could name a partner and delete its events, which it could not
do to the audit chain; erasure itself is recorded in the global audit chain.

SQLite has no roles or triggers of this kind here: the model refuses the change instead."""

from django.db import migrations

CREATE = """
CREATE FUNCTION wellbeing_access_event_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('joinedup.partner_exit', true) = OLD.partner_id::text THEN
        RETURN OLD;
    END IF;
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
