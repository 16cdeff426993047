"""The access log's hash chain (tamper-evident log, pjl § 16; docs/operations.md).

``helhet seal-log`` sets ``chain_position`` and ``chain_hash`` on rows after
they are inserted. The append-only triggers of 0003 are replaced by ones that
allow exactly that update: both columns from NULL to a value, every other
column unchanged. Any other UPDATE is refused as before, and DELETE still only
inside ``purge_allowed()``.

SQLite's trigger names every column: a column added to the table later must
be added to ``COLUMNS`` in a new migration (a test in helhet/operations fails
until it is). PostgreSQL compares whole rows and needs no list.
"""

import importlib

from django.db import migrations, models

TABLE = "access_accesslogentry"
COLUMNS = [
    "id", "at", "municipality_id", "user_id", "username", "role", "unit", "person_id",
    "action", "category", "what", "basis", "basis_detail", "granted", "emergency",
    "emergency_access_id", "consent_id", "flagged",
]
SEALING_SQLITE = " AND ".join(
    ["OLD.chain_hash IS NULL", "OLD.chain_position IS NULL",
     "NEW.chain_hash IS NOT NULL", "NEW.chain_position IS NOT NULL"]
    + [f"NEW.{column} IS OLD.{column}" for column in COLUMNS]
)
SQLITE_CREATE = [
    "DROP TRIGGER IF EXISTS access_log_no_update",
    f"""CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({SEALING_SQLITE})
    BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END""",
]
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION helhet_access_log_guard() RETURNS trigger AS $$
    DECLARE
        unchanged {TABLE}%ROWTYPE;
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('helhet.access_log_purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        -- Sealing: the chain columns go from NULL to a value, once; nothing else changes
        -- (the whole row is compared, so a column added later is covered too).
        IF TG_OP = 'UPDATE'
            AND OLD.chain_hash IS NULL AND OLD.chain_position IS NULL
            AND NEW.chain_hash IS NOT NULL AND NEW.chain_position IS NOT NULL
        THEN
            unchanged := NEW;
            unchanged.chain_hash := NULL;
            unchanged.chain_position := NULL;
            IF unchanged IS NOT DISTINCT FROM OLD THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'access log is append-only';
    END;
    $$ LANGUAGE plpgsql""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


def _restore_0003_triggers(apps, schema_editor):
    """Backwards: 0003's triggers exactly, before the columns they name are dropped."""
    old = importlib.import_module("helhet.access.migrations.0003_append_only_triggers")
    statements = {
        "sqlite": old.SQLITE_DROP + old.SQLITE_CREATE,
        "postgresql": old.POSTGRES_DROP + old.POSTGRES_CREATE,
    }
    _run(statements)(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [("access", "0004_access_block")]

    operations = [
        migrations.AddField(
            model_name='accesslogentry',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='chain_position',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='accesslogentry',
            index=models.Index(condition=models.Q(('chain_hash__isnull', True)), fields=['id'], name='access_log_unsealed'),
        ),
        migrations.AddConstraint(
            model_name='accesslogentry',
            constraint=models.UniqueConstraint(condition=models.Q(('chain_position__isnull', False)), fields=('chain_position',), name='access_log_unique_chain_position'),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _restore_0003_triggers,
        ),
    ]
