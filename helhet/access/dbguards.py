"""The append-only logs' guards in the database, as this code's migrations make them.

Two tables keep their history append-only with triggers that live in the
database: the access log (migrations 0003, 0005 and, on PostgreSQL, 0006;
pjl. § 16) and the administration log (migration 0008). A database dump
carries those triggers, and a dump can be edited: drop the triggers,
recompute the backup's checksum, and a restore would bring back logs that
anyone can change. ``helhet restore`` therefore never trusts the dump's
guards: after the replay it drops whatever triggers the dump put on a guarded
table, installs the ones defined here (taken from the migrations' own SQL),
and checks they are in place (``missing``), or the restore fails.

A migration that changes these triggers later, or guards another table, must
change ``GUARDED`` too; ``test_guards_match_the_migrations`` fails until it does.
"""

import importlib
import re
from dataclasses import dataclass
from types import ModuleType

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.utils import CursorWrapper


def _migration(name: str) -> ModuleType:
    return importlib.import_module(f"helhet.access.migrations.{name}")


def _statement(statements: list[str], start: str) -> str:
    return next(s for s in statements if _normal(s).startswith(start))


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def _pg_body(sql: str) -> str:
    return _normal(sql.split("$$")[1])


@dataclass(frozen=True)
class Guarded:
    """One append-only table: its SQLite triggers by name, and on PostgreSQL
    one guard function and one row trigger calling it (also on every
    partition, when the table is partitioned)."""

    table: str
    sqlite_triggers: dict[str, str]
    pg_function: str
    pg_function_sql: str
    pg_trigger: str
    pg_trigger_sql: str

    @classmethod
    def from_migrations(
        cls,
        table: str,
        sqlite: dict[str, list[str]],
        pg_function: str,
        pg_function_sql: list[str],
        pg_trigger: str,
        pg_trigger_sql: list[str],
    ) -> "Guarded":
        """Each trigger's and function's latest definition, picked by name
        out of the SQL lists of the migration that last made it."""
        return cls(
            table=table,
            sqlite_triggers={
                name: _statement(statements, f"CREATE TRIGGER {name} ")
                for name, statements in sqlite.items()
            },
            pg_function=pg_function,
            pg_function_sql=_statement(
                pg_function_sql, f"CREATE OR REPLACE FUNCTION {pg_function}("
            ),
            pg_trigger=pg_trigger,
            pg_trigger_sql=_statement(pg_trigger_sql, f"CREATE TRIGGER {pg_trigger} "),
        )


_append_only = _migration("0003_append_only_triggers")
_chain = _migration("0005_access_log_chain")
_admin_log = _migration("0008_admin_log")

ACCESS_LOG = Guarded.from_migrations(
    table=_append_only.TABLE,
    sqlite={
        "access_log_no_delete": _append_only.SQLITE_CREATE,
        "access_log_no_update": _chain.SQLITE_CREATE,
    },
    pg_function="helhet_access_log_guard",
    pg_function_sql=_chain.POSTGRES_CREATE,
    # 0006 puts the same trigger on the partitioned table.
    pg_trigger="access_log_append_only",
    pg_trigger_sql=_append_only.POSTGRES_CREATE,
)
ADMIN_LOG = Guarded.from_migrations(
    table=_admin_log.TABLE,
    sqlite={
        "admin_log_no_update": _admin_log.SQLITE_CREATE,
        "admin_log_no_delete": _admin_log.SQLITE_CREATE,
    },
    pg_function="helhet_admin_log_guard",
    pg_function_sql=_admin_log.POSTGRES_CREATE,
    pg_trigger="admin_log_append_only",
    pg_trigger_sql=_admin_log.POSTGRES_CREATE,
)
GUARDED = (ACCESS_LOG, ADMIN_LOG)


def _pg_relations(table: str) -> str:
    # The table and, when it is partitioned (the access log), its partitions.
    return f"""
    SELECT c.oid FROM pg_class c WHERE c.relname = '{table}'
    UNION SELECT inhrelid FROM pg_inherits WHERE inhparent = '{table}'::regclass
"""


# --- installing --------------------------------------------------------------------


def reinstall(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop every trigger on the guarded tables and install this code's guards."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for guarded in GUARDED:
            if conn.vendor == "sqlite":
                _sqlite_reinstall(cursor, guarded)
            elif conn.vendor == "postgresql":
                _pg_reinstall(cursor, guarded)


def _sqlite_reinstall(cursor: CursorWrapper, guarded: Guarded) -> None:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
        [guarded.table],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    for sql in guarded.sqlite_triggers.values():
        cursor.execute(sql)


def _pg_reinstall(cursor: CursorWrapper, guarded: Guarded) -> None:
    # Triggers the dump put on the table or on any of its partitions; clones
    # of a partitioned table's trigger go with it.
    cursor.execute(
        "SELECT t.tgname, t.tgrelid::regclass::text FROM pg_trigger t "
        "WHERE NOT t.tgisinternal AND t.tgparentid = 0 "
        f"AND t.tgrelid IN ({_pg_relations(guarded.table)})"
    )
    for name, relation in cursor.fetchall():
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {relation}')
    cursor.execute(guarded.pg_function_sql)
    cursor.execute(guarded.pg_trigger_sql)


# --- checking ----------------------------------------------------------------------


def missing(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What is not as this code defines it: empty when every guard is in place."""
    conn = connections[using]
    problems = []
    with conn.cursor() as cursor:
        for guarded in GUARDED:
            if conn.vendor == "sqlite":
                found = _sqlite_missing(cursor, guarded)
            elif conn.vendor == "postgresql":
                found = _pg_missing(cursor, guarded)
            else:
                found = []
            problems += [f"{guarded.table}: {problem}" for problem in found]
    return problems


def _sqlite_missing(cursor: CursorWrapper, guarded: Guarded) -> list[str]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
        [guarded.table],
    )
    found = {name: _normal(sql) for name, sql in cursor.fetchall()}
    problems = [
        f"trigger {name}"
        for name, sql in guarded.sqlite_triggers.items()
        if found.pop(name, None) != _normal(sql)
    ]
    return problems + [f"unknown trigger {name}" for name in sorted(found)]


def _pg_missing(cursor: CursorWrapper, guarded: Guarded) -> list[str]:
    problems = []
    relations = _pg_relations(guarded.table)
    cursor.execute(
        "SELECT prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = current_schema()",
        [guarded.pg_function],
    )
    bodies = [_normal(row[0]) for row in cursor.fetchall()]
    if bodies != [_pg_body(guarded.pg_function_sql)]:
        problems.append(f"function {guarded.pg_function}")
    # The trigger, enabled, calling the guard, on the table and on every partition.
    cursor.execute(
        "SELECT c.relname, COUNT(t.oid) FROM pg_class c "
        "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = %s AND t.tgenabled = 'O' "
        "AND t.tgfoid IN (SELECT oid FROM pg_proc WHERE proname = %s) "
        f"WHERE c.oid IN ({relations}) GROUP BY c.relname",
        [guarded.pg_trigger, guarded.pg_function],
    )
    problems += [
        f"trigger {guarded.pg_trigger} on {rel}" for rel, count in cursor.fetchall() if not count
    ]
    cursor.execute(
        "SELECT t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgparentid = 0 "
        f"AND t.tgname <> %s AND t.tgrelid IN ({relations})",
        [guarded.pg_trigger],
    )
    problems += [f"unknown trigger {row[0]}" for row in cursor.fetchall()]
    return problems
