"""On PostgreSQL the database itself keeps the ledger's promises, so code that bypasses the
application (a script, a bulk load, a bug) cannot post an unbalanced or altered journal.

* A journal's lines balance at commit: a DEFERRABLE INITIALLY DEFERRED constraint trigger on
  the lines sums the journal's lines when the transaction commits (or at SET CONSTRAINTS ...
  IMMEDIATE). Constraint triggers fire once per row; to keep a journal of N lines from costing
  N sums, the check remembers the last journal it found balanced in a transaction-local
  setting, and every INSERT statement into the lines forgets it, so a journal is never
  trusted across lines added after its check.
* Lines are written with their journal, in the transaction that created it, for the journal's
  partner and period. A column the ORM does not know, ``created_xact``, records the creating
  transaction (top level, so savepoints do not matter); one statement-level check per INSERT
  compares it, so a balanced pair slipped into last month's journal is refused too.
* UPDATE and DELETE of journals and lines are refused: corrections are reversing journals.
  (TRUNCATE stays possible for the table owner: the test suite's flush uses it.)

SQLite has no such triggers: there the service's checks and the models' guards are the defence."""

from django.db import migrations

CREATE = """
ALTER TABLE ledger_journal ADD COLUMN created_xact xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'posted journals cannot change: % on % refused; post a reversing journal',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journal_immutable
    BEFORE UPDATE OR DELETE ON ledger_journal
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_journalline_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_lines_inserted() RETURNS trigger AS $$
DECLARE
    bad bigint;
BEGIN
    PERFORM set_config('ledger.balanced_journal', '', true);
    SELECT a.journal_id INTO bad
      FROM added a JOIN ledger_journal j ON j.id = a.journal_id
     WHERE j.created_xact <> pg_current_xact_id()
        OR a.partner_id <> j.partner_id
        OR a.period_id <> j.period_id
        OR a.date <> j.date
     LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'journal %: lines are written with their journal, for its partner, period and date', bad
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalline_written_with_journal
    AFTER INSERT ON ledger_journalline
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_inserted();

CREATE FUNCTION ledger_journal_must_balance() RETURNS trigger AS $$
DECLARE
    difference numeric;
BEGIN
    IF current_setting('ledger.balanced_journal', true) = NEW.journal_id::text THEN
        RETURN NULL;
    END IF;
    -- One line alone cannot balance: each line's own check makes it a non-zero debit or credit.
    SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0)
      INTO difference
      FROM ledger_journalline WHERE journal_id = NEW.journal_id;
    IF difference <> 0 THEN
        RAISE EXCEPTION 'journal % does not balance: debits minus credits is % pence',
            NEW.journal_id, difference
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config('ledger.balanced_journal', NEW.journal_id::text, true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_journalline_balanced
    AFTER INSERT ON ledger_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_journal_must_balance();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_journalline_balanced ON ledger_journalline;
DROP FUNCTION IF EXISTS ledger_journal_must_balance();
DROP TRIGGER IF EXISTS ledger_journalline_written_with_journal ON ledger_journalline;
DROP FUNCTION IF EXISTS ledger_lines_inserted();
DROP TRIGGER IF EXISTS ledger_journalline_immutable ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_journal_immutable ON ledger_journal;
DROP FUNCTION IF EXISTS ledger_refuse_change();
ALTER TABLE ledger_journal DROP COLUMN IF EXISTS created_xact;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_accounts_journals")]
    operations = [migrations.RunPython(create, drop)]
