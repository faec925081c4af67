"""Redactable content (issue 17): events from here on are hash version 2, their hash covering
the digest of their content rather than the content, so the content can be redacted when the
records it describes are erased. Existing events stay version 1 and verify as before.

On PostgreSQL the append-only trigger of 0002 now lets exactly one UPDATE through: the one
``audit_redact_events(chain, by_seq, at)`` makes. It is a SECURITY DEFINER function, so the
application's role, which holds no UPDATE on the table, can call it; it redacts exactly the
events that the ``audit.events_redacted`` event ``by_seq`` lists, reading that list once, and
sets ``joinedup.audit_redaction`` to ``by_seq`` for its own length only. The trigger checks each
row too: a version 2 event, not yet redacted and not itself a redaction event, its content
replaced by the redaction mark and nothing else changed but ``redacted_at`` and
``redacted_by_seq``, which must equal the setting and name a later ``audit.events_redacted`` event
of the same chain. An owner who sets the flag by hand gets no more than a redaction mark pointing
at a redaction event; whether that event lists the row, ``joinedup audit verify`` checks."""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
DECLARE
    redactable CONSTANT text[] := ARRAY['before', 'after', 'redacted_at', 'redacted_by_seq'];
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.redacted_by_seq::text = coalesce(current_setting('joinedup.audit_redaction', true), '')
       AND OLD.hash_version = 2 AND OLD.redacted_at IS NULL AND OLD.action <> 'audit.events_redacted'
       AND NEW.redacted_at IS NOT NULL AND NEW.redacted_by_seq > OLD.seq
       AND NEW.before = '{"redacted": true}'::jsonb AND NEW.after = '{"redacted": true}'::jsonb
       AND to_jsonb(NEW) - redactable = to_jsonb(OLD) - redactable
       AND EXISTS (
           SELECT 1 FROM audit_auditevent r
           WHERE r.partner_id IS NOT DISTINCT FROM OLD.partner_id AND r.seq = NEW.redacted_by_seq
             AND r.action = 'audit.events_redacted')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION audit_redact_events(chain bigint, by_seq bigint, at timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
SET joinedup.audit_redaction = ''
AS $$
DECLARE
    listed bigint[];
    changed integer;
BEGIN
    SELECT array_agg(value::bigint) INTO listed
      FROM audit_auditevent r, jsonb_array_elements_text(r.after -> 'seqs') value
     WHERE r.partner_id = chain AND r.seq = by_seq AND r.action = 'audit.events_redacted'
       AND r.redacted_at IS NULL;
    IF listed IS NULL THEN
        RAISE EXCEPTION 'no audit.events_redacted event seq % lists events of chain %', by_seq, chain;
    END IF;
    -- SET LOCAL's kind, undone when this function returns (its SET clause).
    PERFORM set_config('joinedup.audit_redaction', by_seq::text, true);
    UPDATE audit_auditevent
       SET before = '{"redacted": true}'::jsonb, after = '{"redacted": true}'::jsonb,
           redacted_at = at, redacted_by_seq = by_seq
     WHERE partner_id = chain AND seq = ANY (listed) AND seq < by_seq AND redacted_at IS NULL;
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS audit_redact_events(bigint, bigint, timestamptz);
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_one_global_chain_head")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="content_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_by_seq",
            field=models.PositiveBigIntegerField(
                blank=True, help_text="The seq of the audit.events_redacted event in this chain.", null=True
            ),
        ),
        migrations.RunPython(create, drop),
    ]
