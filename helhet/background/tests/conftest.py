import pytest

# The child-process helpers of the operations tests: a migrated SQLite file per test.
from helhet.operations.tests.conftest import fresh_sqlite, migrated_sqlite  # noqa: F401

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def queue(settings):
    """The real database queue instead of the test settings' immediate backend."""
    settings.TASKS = DATABASE_QUEUE
    return settings


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """django-tasks-db's worker loop closes connections it takes for stale
    (``close_old_connections``). Inside a test's transaction on PostgreSQL the
    connection is not in autocommit, so it would close the test's own connection;
    SQLite's in-memory test database ignores the close. A real worker runs in
    autocommit and is left as it is."""
    from django.db import connection
    from django_tasks_db.management.commands import db_worker

    real = db_worker.close_old_connections

    def close_unless_in_a_test_transaction(**kwargs):
        if not connection.in_atomic_block:
            real(**kwargs)

    monkeypatch.setattr(db_worker, "close_old_connections", close_unless_in_a_test_transaction)
