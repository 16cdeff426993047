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
