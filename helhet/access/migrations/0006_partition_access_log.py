"""The access log partitioned by month on PostgreSQL (docs/deployment.md).

The log is by far the largest table of an installation (about a hundred rows
per person a year; a national installation reaches a billion rows). Range
partitions by month keep the current month's indexes small and hot, let the
leader's "last 30 days" read one or two partitions, and make archiving a
``DETACH PARTITION`` instead of a delete the append-only triggers forbid.

What partitioning costs, and how it is paid:

* A primary key or unique index must contain the partition key, so the key
  becomes ``(id, at)`` and the sealer's unique chain position becomes
  ``(chain_position, at)``. ``id`` stays unique because one sequence gives it
  out; a chain position stays unique because one sealer under an advisory lock
  gives it out, and ``helhet verify-log`` finds a gap or a repeat anyway.
* No foreign key can point at ``id`` alone, so the leader's review
  (``AccessReview.entry``) keeps its reference without a database constraint;
  log rows can never be deleted, so the reference cannot dangle.
* PostgreSQL 15 has no identity columns on partitioned tables: ``id`` takes
  its default from a sequence of its own, set past the rows copied over.

Rows are copied from the old table inside the migration's transaction.
Partitions are made from the oldest row's month to twelve months ahead, plus a
DEFAULT partition for anything outside (a wrong clock, tests travelling in
time); ``helhet seal-log`` creates the months ahead as time passes
(helhet/access/partitions.py). SQLite keeps the plain table.
"""

from django.db import migrations, models

from helhet.access import partitions

TABLE = partitions.TABLE
OLD = f"{TABLE}_unpartitioned"
SEQUENCE = "access_log_id_seq"


def _fetch(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        indexes = _fetch(
            cursor,
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')",
            [TABLE],
        )
        foreign_keys = _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        (oldest,) = _fetch(cursor, f"SELECT MIN(at) FROM {TABLE}")[0]
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (at)"
        )
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, at)")
        partitions.create(cursor, oldest)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(f"SELECT setval('{SEQUENCE}', COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)")
        cursor.execute(f"DROP TABLE {OLD}")
        for name, definition in indexes:
            if name == "access_log_unique_chain_position":
                definition = (
                    f"CREATE UNIQUE INDEX {name} ON {TABLE} (chain_position, at) "
                    "WHERE chain_position IS NOT NULL"
                )
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        cursor.execute(
            f"CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION helhet_access_log_guard()"
        )


class Migration(migrations.Migration):
    dependencies = [("access", "0005_access_log_chain")]

    operations = [
        migrations.AlterField(
            model_name="accessreview",
            name="entry",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=models.PROTECT,
                related_name="review",
                to="access.accesslogentry",
            ),
        ),
        # One way: going back would mean copying a billion rows into one table.
        migrations.RunPython(partition, migrations.RunPython.noop, elidable=False),
    ]
