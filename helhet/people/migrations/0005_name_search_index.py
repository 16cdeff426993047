"""Indexes for the name search (helhet/people/search.py)."""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS people_person_given_trgm"
    " ON people_person USING gin (UPPER(given_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS people_person_family_trgm"
    " ON people_person USING gin (UPPER(family_name) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS people_person_given_trgm",
    "DROP INDEX IF EXISTS people_person_family_trgm",
]
# An external-content FTS5 table: it stores only the index, the names stay in
# people_person; the triggers keep it in step with every insert, update and delete.
SQLITE = [
    "CREATE VIRTUAL TABLE people_person_name USING fts5("
    "given_name, family_name, content='people_person', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER people_person_name_ai AFTER INSERT ON people_person BEGIN"
    " INSERT INTO people_person_name(rowid, given_name, family_name)"
    " VALUES (new.id, new.given_name, new.family_name); END",
    "CREATE TRIGGER people_person_name_ad AFTER DELETE ON people_person BEGIN"
    " INSERT INTO people_person_name(people_person_name, rowid, given_name, family_name)"
    " VALUES ('delete', old.id, old.given_name, old.family_name); END",
    "CREATE TRIGGER people_person_name_au AFTER UPDATE OF given_name, family_name"
    " ON people_person BEGIN"
    " INSERT INTO people_person_name(people_person_name, rowid, given_name, family_name)"
    " VALUES ('delete', old.id, old.given_name, old.family_name);"
    " INSERT INTO people_person_name(rowid, given_name, family_name)"
    " VALUES (new.id, new.given_name, new.family_name); END",
    "INSERT INTO people_person_name(people_person_name) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS people_person_name_ai",
    "DROP TRIGGER IF EXISTS people_person_name_ad",
    "DROP TRIGGER IF EXISTS people_person_name_au",
    "DROP TABLE IF EXISTS people_person_name",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("people", "0004_seed_service_types")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
