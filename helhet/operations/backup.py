"""Backups that are checked before they are trusted (docs/operations.md: "backups can
be taken and restored and are verified").

A backup is a tar file holding ``manifest.json``, the database dump and the
uploaded files (``MEDIA_ROOT``: attachments the database refers to):

* SQLite: a page-by-page copy made with SQLite's online backup API, so it is
  consistent while the application keeps writing (WAL readers are not blocked);
* PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot.

The manifest names the format, the Helhet version, the database vendor, when
the backup was taken, the applied migrations, and the size and SHA-256 of the
dump and of every file. Restore
refuses a file that is damaged (checksum, truncation, not our format) or foreign
(another vendor, another database structure than this code's) *before* it
touches the database, so a bad file can never replace good data. After the
replay it installs the append-only triggers of the access log and the
administration log from this code, not from the dump (helhet.access.dbguards),
and checks that they are there.

The manifest also holds the head of every chain of the access log (each month's
and the legacy chain's, helhet.operations.logchain), read *before* the dump:
chains only grow, so every head is in the dump. After the replay, restore checks
that each head is in the restored log with the same hash, and fails otherwise;
``helhet verify-log --no-seal`` then recomputes the chains themselves
(docs/security.md, "The access log's chains").
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import dbguards
from helhet.operations import logchain
from helhet.people import search as people_search

FORMAT = "helhet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"
CHUNK = 1024 * 1024
# A restore waits at most this long for other sessions' locks, then fails
# (and, being one transaction, changes nothing) instead of hanging.
PG_LOCK_TIMEOUT = "60s"


class BackupError(Exception):
    """A backup that cannot be taken or must not be restored; the message is for the operator."""


def helhet_version() -> str:
    try:
        return version("helhet")
    except PackageNotFoundError:
        return "ukjent"


# --- taking a backup -------------------------------------------------------------


def create(path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup of the live database to ``path``; returns its manifest.

    The file appears only when complete (written beside it, then renamed), so a
    backup interrupted by a crash never looks like a good one.
    """
    conn = connections[using]
    _supported(conn.vendor)
    path = Path(path).resolve()
    if not path.parent.is_dir():
        raise BackupError(_("Mappen %(dir)s finnes ikke.") % {"dir": path.parent})
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".helhet-backup-") as work:
        # Before the dump: chains only grow, so the dump holds every head read now.
        chain_heads = {name: str(head) for name, head in logchain.heads(using).items()}
        dump = Path(work) / DUMP_NAMES[conn.vendor]
        if conn.vendor == "sqlite":
            _sqlite_dump(conn, dump)
            migrations = _sqlite_migrations(dump)
        else:
            migrations = sorted(MigrationRecorder(conn).applied_migrations())
            _pg_dump(conn, dump)
        # Attachments are written once and never changed, so files copied after
        # the database snapshot include every file the snapshot refers to.
        files = _media_files()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "helhet_version": helhet_version(),
            "vendor": conn.vendor,
            "created_at": timezone.now().isoformat(),
            "migrations": [list(key) for key in migrations],
            "dump": _entry(dump.name, dump),
            "files": [_entry(f"{FILES}/{name}", source) for name, source in files],
            "access_log_chain_heads": chain_heads,
        }
        partial = Path(work) / "backup.tar"
        # The SQLite file compresses well; pg_dump's custom format is compressed already.
        with tarfile.open(partial, "w:gz" if conn.vendor == "sqlite" else "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for entry, (_name, source) in zip(manifest["files"], files, strict=True):
                tar.add(source, arcname=entry["name"], recursive=False)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    return manifest


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        (source.relative_to(root).as_posix(), source)
        for source in root.rglob("*")
        if source.is_file() and not source.is_symlink()
    )


def _entry(name: str, source: Path) -> dict:
    return {"name": name, "size": source.stat().st_size, "sha256": _sha256(source)}


def _supported(vendor: str) -> None:
    if vendor not in DUMP_NAMES:
        raise BackupError(_("Sikkerhetskopi støttes bare for SQLite og PostgreSQL."))


def _sqlite_dump(conn, target: Path) -> None:
    conn.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        conn.connection.backup(copy)
        # One self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _sqlite_migrations(dump: Path) -> list:
    copy = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        return sorted(copy.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError as error:
        raise BackupError(_("Databasen er ikke satt opp (kjør «helhet migrate»).")) from error
    finally:
        copy.close()


def _pg_dump(conn, target: Path) -> None:
    _run_pg(
        conn,
        ["pg_dump", "--format=custom", "--no-password", f"--file={target}"],
        _("pg_dump feilet"),
    )


# --- reading and checking a backup -----------------------------------------------


@contextmanager
def opened(path: Path) -> Iterator[tuple[dict, Path]]:
    """The manifest and a folder with the extracted dump and files, all checked;
    raises ``BackupError`` for a file that is missing, damaged or not a Helhet
    backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Finner ikke filen %(path)s.") % {"path": path})
    with tempfile.TemporaryDirectory(prefix="helhet-restore-") as work:
        try:
            tar = tarfile.open(path, "r:*")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(
                _("Filen er ikke en sikkerhetskopi fra Helhet, eller den er skadet.")
            ) from error
        try:
            with tar:
                manifest = _manifest(tar)
                for entry in [manifest["dump"], *manifest["files"]]:
                    _extract_checked(tar, entry, Path(work) / entry["name"])
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise BackupError(
                _(
                    "Sikkerhetskopien er skadet eller ufullstendig (filen er avkortet eller ødelagt)."
                )
            ) from error
        yield manifest, Path(work)


def _not_ours() -> BackupError:
    return BackupError(_("Filen er ikke en sikkerhetskopi fra Helhet."))


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError) as error:
        raise _not_ours() from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours()
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Sikkerhetskopien har formatversjon %(found)s; denne Helhet leser versjon %(ours)s.")
            % {"found": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    files = manifest.get("files")
    valid = (
        manifest.get("vendor") in DUMP_NAMES
        and isinstance(manifest.get("migrations"), list)
        and _valid_entry(manifest.get("dump"))
        and manifest["dump"]["name"] == DUMP_NAMES[manifest["vendor"]]
        and isinstance(files, list)
        and all(_valid_entry(f) and _safe_file_name(f["name"]) for f in files)
    )
    if not valid:
        raise _not_ours()
    return manifest


def _valid_entry(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
    )


def _safe_file_name(name: str) -> bool:
    """Only plain relative paths under files/: a crafted backup must not write
    outside the upload folder."""
    parts = PurePosixPath(name).parts
    return (
        len(parts) >= 2
        and parts[0] == FILES
        and not PurePosixPath(name).is_absolute()
        and all(part not in {"", ".", ".."} and "\\" not in part for part in parts)
    )


def _extract_checked(tar: tarfile.TarFile, expected: dict, target: Path) -> None:
    try:
        member = tar.extractfile(expected["name"])
    except KeyError as error:
        raise BackupError(
            _("Sikkerhetskopien er ufullstendig: %(name)s mangler.") % {"name": expected["name"]}
        ) from error
    if member is None:
        raise _not_ours()
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            _("Sikkerhetskopien er skadet: sjekksummen (SHA-256) stemmer ikke med innholdet.")
        )


def check_fits(manifest: dict, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse a backup from another database vendor or another database structure."""
    vendor = connections[using].vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            _(
                "Sikkerhetskopien er tatt fra %(theirs)s, men denne installasjonen bruker "
                "%(ours)s. Den kan ikke gjenopprettes her."
            )
            % {"theirs": manifest["vendor"], "ours": vendor}
        )
    theirs = {tuple(key) for key in manifest["migrations"]}
    ours = code_migrations()
    if theirs != ours:
        raise BackupError(
            _(
                "Sikkerhetskopien passer ikke til denne versjonen av Helhet: databasestrukturen "
                "er ulik (%(missing)s migreringer mangler i kopien, %(extra)s er ukjente her). "
                "Den ble laget med Helhet %(version)s; gjenopprett med den versjonen."
            )
            % {
                "missing": len(ours - theirs),
                "extra": len(theirs - ours),
                "version": manifest.get("helhet_version", "?"),
            }
        )


def code_migrations() -> set:
    """Every migration this code defines, as (app, name)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


# --- restoring -------------------------------------------------------------------


def restore(
    path: Path, confirm: Callable[[dict], bool], using: str = DEFAULT_DB_ALIAS
) -> dict | None:
    """Replace the database's content with the backup's, after every check has
    passed and ``confirm(manifest)`` said yes; returns the manifest, or None
    when not confirmed (nothing changed)."""
    conn = connections[using]
    _supported(conn.vendor)
    with opened(path) as (manifest, folder):
        check_fits(manifest, using)
        if not confirm(manifest):
            return None
        # Files first: an extra file is harmless, a row without its file is not.
        _restore_files(manifest, folder)
        dump = folder / manifest["dump"]["name"]
        if conn.vendor == "sqlite":
            _sqlite_restore(conn, dump)
        else:
            _pg_restore(conn, dump)
    _reinstall_guards(using)
    # The SQLite name index follows the person table by triggers of its own
    # (helhet/people/search.py); a dump without them would leave search blind to
    # new names, so they are put back (and the index rebuilt) as after a migration.
    people_search.ensure_sqlite_index(using)
    _check_chain_heads(manifest, using)
    return manifest


def _check_chain_heads(manifest: dict, using: str) -> None:
    """Each access-log chain's head recorded at backup time must be in the
    restored log with the same hash (a backup from before monthly chains has
    none recorded)."""
    recorded = manifest.get("access_log_chain_heads") or {}
    wrong = []
    for name, text in sorted(recorded.items()):
        try:
            head = logchain.parse_head(str(text))
        except ValueError:
            wrong.append(name or "før månedskjeder")
            continue
        if logchain.hash_at(using, head.position) != head.hash:
            wrong.append(name or "før månedskjeder")
    if wrong:
        raise BackupError(
            _(
                "Databasen er gjenopprettet, men tilgangsloggen stemmer ikke med "
                "kjedeverdiene sikkerhetskopien ble tatt med (%(what)s). Ikke ta databasen i "
                "bruk; kontakt driftsleverandøren."
            )
            % {"what": ", ".join(wrong)}
        )


def _reinstall_guards(using: str) -> None:
    """The append-only triggers of the access log and the administration log
    from this code, never from the dump: a dump edited to drop them (its
    checksum recomputed) would otherwise restore logs anyone can change
    (pjl. § 16)."""
    dbguards.reinstall(using)
    problems = dbguards.missing(using)
    if problems:
        raise BackupError(
            _(
                "Databasen er gjenopprettet, men loggenes vern mangler etterpå "
                "(%(what)s). Ikke ta databasen i bruk; kontakt driftsleverandøren."
            )
            % {"what": ", ".join(problems)}
        )


def _restore_files(manifest: dict, folder: Path) -> None:
    """Put every backed-up file back in MEDIA_ROOT (files added later stay: the
    restored database does not refer to them)."""
    root = Path(settings.MEDIA_ROOT)
    for entry in manifest["files"]:
        target = root / PurePosixPath(entry["name"]).relative_to(FILES)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(folder / entry["name"], partial)
        os.replace(partial, target)


def _sqlite_restore(conn, dump: Path) -> None:
    if conn.in_atomic_block:
        raise BackupError(_("Kan ikke gjenopprette inne i en åpen transaksjon."))
    conn.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        # One step: readers see either the old database or the restored one.
        source.backup(conn.connection)
    finally:
        source.close()


def _pg_restore(conn, dump: Path) -> None:
    if conn.in_atomic_block:
        raise BackupError(_("Kan ikke gjenopprette inne i en åpen transaksjon."))
    # Not `pg_restore --clean`: it drops the access log's partitions' inherited
    # keys one by one, which PostgreSQL refuses. One psql transaction drops our
    # tables and replays the dump instead; an error rolls all of it back.
    clean = _pg_clean_sql(conn)
    # Our own session must not hold locks on the tables that are dropped.
    conn.close()
    env = {**pg_environment(conn.settings_dict), "PGOPTIONS": f"-c lock_timeout={PG_LOCK_TIMEOUT}"}
    failure = _("pg_restore feilet; databasen er uendret")
    script = ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)]
    replay = ["psql", "--quiet", "--no-psqlrc", "--no-password", "--single-transaction"]
    replay += ["--set=ON_ERROR_STOP=1", f"--command={clean}", "--file=-"]
    try:
        reader = subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        done = subprocess.run(
            replay, env=env, stdin=reader.stdout, capture_output=True, text=True, check=False
        )
        # Both are pipes (stdout= and stderr= above).
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.close()
        read_error = reader.stderr.read().decode(errors="replace")
        reader.wait()
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s finnes ikke. Installer PostgreSQL-klienten (postgresql-client).")
            % {"program": error.filename}
        ) from error
    if reader.returncode or done.returncode:
        raise BackupError(f"{failure}: {(read_error + done.stderr).strip()[-1000:]}")


def _pg_clean_sql(conn) -> str:
    """DROP statements for every table and function of this database's public schema
    (not functions of installed extensions: those are not in the dump's charge)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT format('DROP TABLE IF EXISTS %I CASCADE;', tablename) FROM pg_tables "
            "WHERE schemaname = 'public' "
            "UNION ALL SELECT format('DROP FUNCTION IF EXISTS %s CASCADE;', p.oid::regprocedure) "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND NOT EXISTS "
            "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
        return " ".join(row[0] for row in cursor.fetchall())


# --- PostgreSQL client programs --------------------------------------------------

_PG_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "NAME": "PGDATABASE"}
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def pg_environment(settings_dict: dict) -> dict:
    """Connection settings for pg_dump/pg_restore as libpq environment
    variables, so the password never appears on a command line (``ps``)."""
    env = dict(os.environ)
    for key, variable in _PG_SETTINGS.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _PG_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def _run_pg(conn, command: list, failure: str, extra_env: dict | None = None) -> None:
    env = {**pg_environment(conn.settings_dict), **(extra_env or {})}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s finnes ikke. Installer PostgreSQL-klienten (postgresql-client).")
            % {"program": command[0]}
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{failure}: {done.stderr.strip()[-1000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
