"""The access log at national scale: only the indexes the queries use, and one
hash chain per month (docs/performance.md, docs/security.md).

Indexes. The single-column indexes Django made for ``at``, ``flagged`` and the
foreign keys ``municipality``, ``person``, ``emergency_access`` and ``consent``
are dropped: ``(person, at)`` and ``(municipality, flagged, at)`` start with
the first two, ``at`` is the partition key on PostgreSQL (a date bound prunes
to the months asked for), no query asks for ``flagged`` alone, and the last two
hold on a few rows only, so partial indexes over those rows replace them (a
deleted consent or emergency access is still checked against the log without a
scan). ``user`` keeps its index: a user's deletion is checked against the log
(PROTECT). The leader's review's ``(municipality, flagged, at)`` becomes
``(municipality, at, id) WHERE flagged``: one row in a few hundred is flagged, and
the full index was the largest of all (its two insertion points per
municipality left its pages half full). The person's ``(person, at)`` becomes ``(person, at, id)``: pages are read
newest first by the key ``(at, id)``, so a page is the index's next rows, not
a sort of the person's whole period. The sealer's work list becomes ``(at, id)`` of the unsealed rows, so
it takes one month at a time.

The dropping is done by name, found in the database, not by ``AlterField``:
SQLite would rebuild the table for that, and the rebuilt table would have lost
the append-only triggers. On PostgreSQL dropping a partitioned table's index
drops it on every partition; ``CREATE INDEX`` on it makes one on each.

Monthly chains. Rows sealed before this migration keep their positions (1, 2,
3, ...): that chain is verified as before. Rows sealed after it go to the chain
of their month, positions ``YYYYMM × 10¹⁰ + n``, and each month's chain starts
from an anchor (``LogChainAnchor``): the head of the chain before it. Nothing is
rewritten, so no existing hash changes.
"""

import django.utils.timezone
from django.db import migrations, models

TABLE = "access_accesslogentry"
DROPPED = ["at", "flagged", "municipality_id", "person_id", "emergency_access_id", "consent_id"]


def _single_column_indexes(schema_editor, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["columns"] == [column]
        and info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and not info.get("foreign_key")
    ]


def drop_single_column_indexes(apps, schema_editor):
    for column in DROPPED:
        for name in _single_column_indexes(schema_editor, column):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_single_column_indexes(apps, schema_editor):
    for column in DROPPED:
        if not _single_column_indexes(schema_editor, column):
            schema_editor.execute(
                f'CREATE INDEX "{TABLE}_{column}_single" ON {TABLE} ("{column}")'
            )


def _fk(to, related_name, null=True, blank=True):
    return models.ForeignKey(
        blank=blank,
        db_index=False,
        null=null,
        on_delete=models.deletion.PROTECT,
        related_name=related_name,
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0008_admin_log"),
        ("consent", "0005_imported_consents"),
        ("organisation", "0004_unit_kinds_administration_audit"),
        ("people", "0004_seed_service_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="LogChainAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True)),
                ("anchor_position", models.BigIntegerField()),
                ("anchor_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"ordering": ["month"]},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="at",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="consent",
                    field=_fk("consent.consent", "+"),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="emergency_access",
                    field=_fk("access.emergencyaccess", "entries"),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="flagged",
                    field=models.BooleanField(default=False),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="municipality",
                    field=_fk("organisation.municipality", "+", null=False, blank=False),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="person",
                    field=_fk("people.person", "access_log", blank=False),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, restore_single_column_indexes),
            ],
        ),
        migrations.RemoveIndex(model_name="accesslogentry", name="access_log_unsealed"),
        migrations.RemoveIndex(model_name="accesslogentry", name="access_acce_municip_3e2b81_idx"),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("flagged", True)),
                fields=["municipality", "at", "id"],
                name="access_log_flagged",
            ),
        ),
        migrations.RemoveIndex(model_name="accesslogentry", name="access_acce_person__230574_idx"),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["person", "at", "id"], name="access_log_person"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("chain_hash__isnull", True)),
                fields=["at", "id"],
                name="access_log_unsealed_by_time",
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("emergency_access__isnull", False)),
                fields=["emergency_access"],
                name="access_log_emergency",
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("consent__isnull", False)),
                fields=["consent"],
                name="access_log_consent",
            ),
        ),
    ]
