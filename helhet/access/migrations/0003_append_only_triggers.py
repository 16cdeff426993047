"""Database triggers that make the access log append-only (pjl § 16–18).

The model and its queryset already refuse changes; the triggers also stop raw
SQL and other clients. Deletion is possible only inside
``helhet.access.purge.purge_allowed()`` (flush, demo reset).
"""

from django.db import migrations

TABLE = "access_accesslogentry"

SQLITE_CREATE = [
    f"""CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END""",
    f"""CREATE TRIGGER access_log_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT helhet_access_log_purge()
    BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS access_log_no_update",
    "DROP TRIGGER IF EXISTS access_log_no_delete",
]
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION helhet_access_log_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('helhet.access_log_purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'access log is append-only';
    END;
    $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION helhet_access_log_guard()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS access_log_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS helhet_access_log_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("access", "0002_emergency_review_consent")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
