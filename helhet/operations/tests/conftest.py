import os
import shutil
import subprocess
import sys

import pytest

# Every wait on a child process is bounded: a test fails, it never hangs CI.
MIGRATE_TIMEOUT = 180


def helhet_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "helhet.manage", *args]


def sqlite_env(database, data_dir) -> dict:
    """The environment of a `helhet` child process on its own SQLite file."""
    env = dict(os.environ)
    env.update(
        HELHET_DATABASE_URL=f"sqlite:///{database}",
        HELHET_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """An empty, fully migrated SQLite file, made once; tests copy it."""
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "template.sqlite3"
    subprocess.run(
        helhet_command("migrate", "-v", "0"),
        env=sqlite_env(database, folder),
        check=True,
        timeout=MIGRATE_TIMEOUT,
    )
    return database


@pytest.fixture
def fresh_sqlite(migrated_sqlite, tmp_path):
    database = tmp_path / "helhet.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    return database
