"""Finding persons by name or identity number through an index, not a scan.

Staff search by name words ("ola nord") or by the start of an identity number.
Matching every person with ``icontains`` reads the whole person table on each
search (docs/performance.md); so each database gets an index that answers the
same question — every word is part of the given or the family name, letters
compared without case:

* PostgreSQL: trigram GIN indexes (``pg_trgm``) on ``UPPER(given_name)`` and
  ``UPPER(family_name)``, the expressions Django's ``icontains`` compares, so the
  ordinary lookup uses them;
* SQLite: an FTS5 table with the trigram tokenizer over the two names, kept up to
  date by triggers (also for bulk inserts and restores), asked with MATCH, which
  folds case also for æ, ø and å (SQLite's own LIKE folds only A–Z).

A word shorter than three letters has no trigram; it is matched without the
index — rare, and bounded by the gate's list of persons the user may see.

Identity numbers are matched by range (``>= digits`` and ``< digits + ':'``, the
character after 9), which a B-tree index answers on both databases, where
``LIKE 'digits%'`` cannot use one on PostgreSQL with a non-C collation.
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# The FTS5 table on SQLite, and the migration that makes it.
FTS_TABLE = "people_person_name"
MIGRATION = "0005_name_search_index"
TRIGRAM = 3


def name_q(word: str, prefix: str = "") -> Q:
    """Persons (or rows whose ``prefix`` leads to a person) with ``word`` in a name."""
    if connection.vendor == "sqlite" and len(word) >= TRIGRAM:
        phrase = '"' + word.replace('"', '""') + '"'
        ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase])
        return Q(**{f"{prefix}id__in": ids})
    return Q(**{f"{prefix}given_name__icontains": word}) | Q(
        **{f"{prefix}family_name__icontains": word}
    )


def names_q(query: str, prefix: str = "") -> Q:
    """Every word of ``query`` in the given or the family name."""
    combined = Q()
    for word in query.split():
        combined &= name_q(word, prefix)
    return combined


def national_id_q(digits: str, prefix: str = "") -> Q:
    """Identity numbers starting with ``digits``."""
    return Q(**{f"{prefix}national_id__gte": digits, f"{prefix}national_id__lt": digits + ":"})


def ensure_sqlite_index(using: str = "default") -> bool:
    """Put the SQLite name index back if a later migration dropped its triggers.

    Django alters a SQLite table by copying it into a new one and dropping the old,
    which drops the old table's triggers with it; the FTS table would then silently
    stop following the names. Called after every ``migrate`` (people.apps). Returns
    whether anything was rebuilt."""
    import importlib

    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    migration = importlib.import_module(f"helhet.people.migrations.{MIGRATION}")
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            [FTS_TABLE, f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"],
        )
        if len(cursor.fetchall()) == 4:
            return False
        # Only where migration 0005 made the index: before it, making the table here
        # would make that migration fail.
        if ("people", MIGRATION) not in MigrationRecorder(conn).applied_migrations():
            return False
        for statement in [*migration.SQLITE_REVERSE, *migration.SQLITE]:
            cursor.execute(statement)
    return True
