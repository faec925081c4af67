"""Redactable content (issue 17): events from here on are hash version 2, their hash covering
the digest of their content rather than the content, so the content can be redacted when the
records it describes are erased. Existing events stay version 1 and verify as before.

On PostgreSQL the append-only trigger of 0002 now lets exactly one UPDATE through: the one
``audit_redact_events`` makes (a SECURITY DEFINER function, so the application's role, which
holds no UPDATE on the table, can call it; it sets ``joinedup.audit_redaction`` for its own
length only). The trigger checks the row itself too: a version 2 event not yet redacted, its
content replaced by the redaction mark and nothing else changed but ``redacted_at`` and
``redacted_by_seq``, which must name an ``audit.events_redacted`` event of the same chain that
lists it. Setting the flag by hand therefore allows no more than a redaction the chain records."""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
DECLARE
    redactable CONSTANT text[] := ARRAY['before', 'after', 'redacted_at', 'redacted_by_seq'];
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('joinedup.audit_redaction', true), '') = 'on'
       AND OLD.hash_version = 2 AND OLD.redacted_at IS NULL AND OLD.action <> 'audit.events_redacted'
       AND NEW.redacted_at IS NOT NULL
       AND NEW.before = '{"redacted": true}'::jsonb AND NEW.after = '{"redacted": true}'::jsonb
       AND to_jsonb(NEW) - redactable = to_jsonb(OLD) - redactable
       AND EXISTS (
           SELECT 1 FROM audit_auditevent r
           WHERE r.partner_id IS NOT DISTINCT FROM OLD.partner_id AND r.seq = NEW.redacted_by_seq
             AND r.seq > OLD.seq AND r.action = 'audit.events_redacted'
             AND r.after -> 'seqs' @> to_jsonb(OLD.seq))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION audit_redact_events(chain bigint, seqs bigint[], by_seq bigint, at timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
SET joinedup.audit_redaction = 'on'
AS $$
DECLARE
    changed integer;
BEGIN
    UPDATE audit_auditevent
       SET before = '{"redacted": true}'::jsonb, after = '{"redacted": true}'::jsonb,
           redacted_at = at, redacted_by_seq = by_seq
     WHERE partner_id = chain AND seq = ANY (seqs) AND redacted_at IS NULL;
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS audit_redact_events(bigint, bigint[], bigint, timestamptz);
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
