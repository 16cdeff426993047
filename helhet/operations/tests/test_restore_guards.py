"""A restore installs the access log's append-only triggers from the code,
not from the dump: a backup edited to drop them (checksums recomputed)
restores a log that still refuses every change."""

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
from helhet.access import dbguards, gate
from helhet.access.models import Action
from helhet.organisation.models import Role

QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MEDIA_ROOT.mkdir()


def _logged_row():
    muni = testing.municipality()
    user = testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER)
    gate.log_many(user, [testing.person(muni)], Action.LIST, what="før sikkerhetskopi")


def _drop_triggers(cursor):
    if connection.vendor == "sqlite":
        cursor.execute("DROP TRIGGER access_log_no_update")
        cursor.execute("DROP TRIGGER access_log_no_delete")
        # … and one that looks right but lets everything through.
        cursor.execute(
            f"CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {dbguards.TABLE} "
            "WHEN 0 BEGIN SELECT 1; END"
        )
    else:
        cursor.execute(f"DROP TRIGGER access_log_append_only ON {dbguards.TABLE}")
        cursor.execute(
            "CREATE OR REPLACE FUNCTION helhet_access_log_guard() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )


def _assert_append_only():
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {dbguards.TABLE} SET what = 'endret'")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {dbguards.TABLE}")


@pytest.mark.django_db
def test_guards_match_the_migrations():
    # The migrated test database has exactly the guards restore installs.
    assert dbguards.missing() == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_without_the_triggers_restores_with_them(tmp_path):
    _logged_row()
    with connection.cursor() as cursor:
        _drop_triggers(cursor)
    assert dbguards.missing() != []
    path = tmp_path / "uten-vern.tar"
    call_command("backup", str(path), **QUIET)  # a valid backup of a database without guards

    out = io.StringIO()
    call_command("restore", str(path), yes=True, stdout=out, stderr=io.StringIO())

    assert dbguards.missing() == []
    _assert_append_only()
    assert "vern" in out.getvalue()


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
            db.execute("DROP TRIGGER access_log_no_update")
            db.execute("DROP TRIGGER access_log_no_delete")
            db.commit()
            db.close()
            return work.read_bytes()

        _recompute(path, drop)
        call_command("restore", str(path), yes=True, **QUIET)
        assert dbguards.missing() == []
        _assert_append_only()
