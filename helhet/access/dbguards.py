"""The access log's guards in the database, as this code's migrations make them.

The triggers that keep the access log append-only (migrations 0003, 0005 and,
on PostgreSQL, 0006) live in the database, so a database dump carries them,
and a dump can be edited: drop the triggers, recompute the backup's checksum,
and a restore would bring back a log that anyone can change. ``helhet
restore`` therefore never trusts the dump's guards: after the replay it drops
whatever triggers the dump put on the log, installs the ones defined here
(taken from the migrations' own SQL), and checks they are in place
(``missing``), or the restore fails.

A migration that changes these triggers later must change this module too;
``test_guards_match_the_migrations`` fails until it does.
"""

import importlib
import re

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "access_accesslogentry"
_append_only = importlib.import_module("helhet.access.migrations.0003_append_only_triggers")
_chain = importlib.import_module("helhet.access.migrations.0005_access_log_chain")


def _create(statements: list[str], name: str) -> str:
    return next(s for s in statements if s.lstrip().startswith(f"CREATE TRIGGER {name} "))


SQLITE_TRIGGERS = {
    "access_log_no_delete": _create(_append_only.SQLITE_CREATE, "access_log_no_delete"),
    "access_log_no_update": _create(_chain.SQLITE_CREATE, "access_log_no_update"),
}
PG_FUNCTION = "helhet_access_log_guard"
PG_FUNCTION_SQL = _chain.POSTGRES_CREATE[0]
PG_TRIGGER = "access_log_append_only"
PG_TRIGGER_SQL = (
    f"CREATE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
)


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def _pg_body(sql: str) -> str:
    return _normal(sql.split("$$")[1])


# --- installing --------------------------------------------------------------------


def reinstall(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop every trigger on the access log and install this code's guards."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            _sqlite_reinstall(cursor)
        elif conn.vendor == "postgresql":
            _pg_reinstall(cursor)


def _sqlite_reinstall(cursor) -> None:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    for sql in SQLITE_TRIGGERS.values():
        cursor.execute(sql)


_PG_LOG_RELATIONS = f"""
    SELECT c.oid FROM pg_class c WHERE c.relname = '{TABLE}'
    UNION SELECT inhrelid FROM pg_inherits WHERE inhparent = '{TABLE}'::regclass
"""


def _pg_reinstall(cursor) -> None:
    # Triggers the dump put on the log or on any of its monthly partitions;
    # clones of a partitioned table's trigger go with it.
    cursor.execute(
        "SELECT t.tgname, t.tgrelid::regclass::text FROM pg_trigger t "
        f"WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgrelid IN ({_PG_LOG_RELATIONS})"
    )
    for name, relation in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {relation}')
    cursor.execute(PG_FUNCTION_SQL)
    cursor.execute(PG_TRIGGER_SQL)


# --- checking ----------------------------------------------------------------------


def missing(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What is not as this code defines it: empty when every guard is in place."""
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            return _sqlite_missing(cursor)
        if conn.vendor == "postgresql":
            return _pg_missing(cursor)
    return []


def _sqlite_missing(cursor) -> list[str]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
    )
    found = {name: _normal(sql) for name, sql in cursor.fetchall()}
    problems = [
        f"trigger {name}"
        for name, sql in SQLITE_TRIGGERS.items()
        if found.pop(name, None) != _normal(sql)
    ]
    return problems + [f"unknown trigger {name}" for name in sorted(found)]


def _pg_missing(cursor) -> list[str]:
    problems = []
    cursor.execute(
        "SELECT prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = current_schema()",
        [PG_FUNCTION],
    )
    bodies = [_normal(row[0]) for row in cursor.fetchall()]
    if bodies != [_pg_body(PG_FUNCTION_SQL)]:
        problems.append(f"function {PG_FUNCTION}")
    # The trigger, enabled, calling the guard, on the log and on every partition.
    cursor.execute(
        "SELECT c.relname, COUNT(t.oid) FROM pg_class c "
        "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = %s AND t.tgenabled = 'O' "
        "AND t.tgfoid IN (SELECT oid FROM pg_proc WHERE proname = %s) "
        f"WHERE c.oid IN ({_PG_LOG_RELATIONS}) GROUP BY c.relname",
        [PG_TRIGGER, PG_FUNCTION],
    )
    problems += [f"trigger {PG_TRIGGER} on {rel}" for rel, count in cursor.fetchall() if not count]
    cursor.execute(
        "SELECT t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgparentid = 0 "
        f"AND t.tgname <> %s AND t.tgrelid IN ({_PG_LOG_RELATIONS})",
        [PG_TRIGGER],
    )
    problems += [f"unknown trigger {row[0]}" for row in cursor.fetchall()]
    return problems
