"""A restore installs the append-only triggers of the access log and the
administration log from the code, not from the dump: a backup edited to drop
them (checksums recomputed) restores logs that still refuse every change."""

import hashlib
import io
import json
import sqlite3
import tarfile

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection

from helhet import testing
from helhet.access import adminlog, dbguards, gate
from helhet.access.models import AccessLogEntry, Action, AdminLogEntry
from helhet.organisation.models import Role

QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MEDIA_ROOT.mkdir()


ACCESS_LOG = dbguards.ACCESS_LOG.table
ADMIN_LOG = dbguards.ADMIN_LOG.table


def _logged_row():
    muni = testing.municipality()
    user = testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER)
    gate.log_many(user, [testing.person(muni)], Action.LIST, what="før sikkerhetskopi")
    adminlog.write(
        kind=AdminLogEntry.Kind.USER,
        change=AdminLogEntry.Change.CREATED,
        summary="før sikkerhetskopi",
        municipality_id=muni.pk,
        actor=user,
    )


def _drop_triggers(cursor, table):
    """The table's guards dropped, and a look-alike that lets everything
    through put in their place."""
    if connection.vendor == "sqlite":
        names = {ACCESS_LOG: "access_log", ADMIN_LOG: "admin_log"}
        cursor.execute(f"DROP TRIGGER {names[table]}_no_update")
        cursor.execute(f"DROP TRIGGER {names[table]}_no_delete")
        cursor.execute(
            f"CREATE TRIGGER {names[table]}_no_update BEFORE UPDATE ON {table} "
            "WHEN 0 BEGIN SELECT 1; END"
        )
    else:
        guarded = {g.table: g for g in dbguards.GUARDED}[table]
        cursor.execute(f"DROP TRIGGER {guarded.pg_trigger} ON {table}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {guarded.pg_function}() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )


def _assert_append_only():
    for table, column in [(ACCESS_LOG, "what"), (ADMIN_LOG, "summary")]:
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = 'endret'")
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    assert AccessLogEntry.objects.filter(what="før sikkerhetskopi").exists()
    assert AdminLogEntry.objects.filter(summary="før sikkerhetskopi").exists()


def _tables_with_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            # Clones on the access log's partitions belong to the partitioned table's trigger.
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgparentid = 0"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_guards_match_the_migrations():
    # Both append-only logs are guarded, and no migration puts a trigger on a
    # table restore would leave to the dump.
    assert {g.table for g in dbguards.GUARDED} == {
        AccessLogEntry._meta.db_table,
        AdminLogEntry._meta.db_table,
    }
    # Besides them, only SQLite's name index follows the person table by triggers,
    # which restore puts back too (people.search.ensure_sqlite_index).
    name_index = {"people_person"} if connection.vendor == "sqlite" else set()
    assert _tables_with_triggers() == {ACCESS_LOG, ADMIN_LOG} | name_index
    # The migrated test database has exactly the guards restore installs.
    assert dbguards.missing() == []


@pytest.mark.django_db
@pytest.mark.parametrize("table", [ACCESS_LOG, ADMIN_LOG])
def test_a_changed_guard_on_either_log_is_found_and_reinstalled(table):
    with connection.cursor() as cursor:
        _drop_triggers(cursor, table)
    problems = dbguards.missing()
    assert problems and all(problem.startswith(f"{table}: ") for problem in problems)

    dbguards.reinstall()

    assert dbguards.missing() == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_without_the_triggers_restores_with_them(tmp_path):
    _logged_row()
    with connection.cursor() as cursor:
        _drop_triggers(cursor, ACCESS_LOG)
        _drop_triggers(cursor, ADMIN_LOG)
    assert {p.split(":")[0] for p in dbguards.missing()} == {ACCESS_LOG, ADMIN_LOG}
    path = tmp_path / "uten-vern.tar"
    call_command("backup", str(path), **QUIET)  # a valid backup of a database without guards

    out = io.StringIO()
    call_command("restore", str(path), yes=True, stdout=out, stderr=io.StringIO())

    assert dbguards.missing() == []
    _assert_append_only()
    assert "administrasjonsloggen" in out.getvalue()


def _recompute(path, change_dump):
    """The backup with its dump changed and the manifest's checksum recomputed,
    as someone who can write the backup folder could do."""
    with tarfile.open(path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members.pop("manifest.json"))
    name = manifest["dump"]["name"]
    members[name] = change_dump(members[name])
    manifest["dump"].update(
        size=len(members[name]), sha256=hashlib.sha256(members[name]).hexdigest()
    )
    with tarfile.open(path, "w") as tar:
        for member, data in [("manifest.json", json.dumps(manifest).encode()), *members.items()]:
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


# An edited SQLite dump is a database file anyone can open; PostgreSQL's
# custom-format dump is covered by the test above (a backup taken without them).
if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):

    @pytest.mark.django_db(transaction=True)
    def test_an_edited_sqlite_dump_without_triggers_restores_with_them(tmp_path):
        _logged_row()
        path = tmp_path / "helhet.tar"
        call_command("backup", str(path), **QUIET)

        def drop(data: bytes) -> bytes:
            work = tmp_path / "dump.sqlite3"
            work.write_bytes(data)
            db = sqlite3.connect(work)
            for trigger in [
                "access_log_no_update",
                "access_log_no_delete",
                "admin_log_no_update",
                "admin_log_no_delete",
            ]:
                db.execute(f"DROP TRIGGER {trigger}")
            db.commit()
            db.close()
            return work.read_bytes()

        _recompute(path, drop)
        call_command("restore", str(path), yes=True, **QUIET)
        assert dbguards.missing() == []
        _assert_append_only()
