"""The one way access-log rows can leave the database.

The table has triggers (migration 0003) that refuse every UPDATE and every
DELETE unless the connection has opened a purge with ``purge_allowed()``:
on SQLite through an application-defined SQL function that exists only in
Helhet's own connections (any other client fails closed), on PostgreSQL
through a session setting. Two callers only: ``flush`` (which wipes the whole
database by definition; tests use it) and ``purge_demo_municipality``.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from helhet.organisation.models import Municipality

_state = threading.local()
PG_SETTING = "helhet.access_log_purge"
SQLITE_FUNCTION = "helhet_access_log_purge"


def purging() -> bool:
    return bool(getattr(_state, "purging", False))


def _purging() -> int:
    return 1 if getattr(_state, "purging", False) else 0


@receiver(connection_created)
def _register_sqlite_function(
    sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _purging)


@contextmanager
def purge_allowed(using: str | None = None) -> Iterator[None]:
    from django.db import connections

    conn = connections[using] if using else connection
    _state.purging = True
    try:
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        yield
    finally:
        _state.purging = False
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [PG_SETTING])


def purge_demo_municipality(municipality: Municipality) -> int:
    """Delete the access log of a *demo* municipality (synthetic data), for
    ``helhet demo --reset``. A real municipality's log is never deleted."""
    from helhet.access.models import AccessLogEntry, AccessReview, EmergencyAccess

    if not municipality.is_demo:
        raise ValueError("Only a demo municipality's access log may be deleted.")
    with transaction.atomic(), purge_allowed():
        AccessReview.objects.filter(entry__municipality=municipality).delete()
        count, _ = AccessLogEntry.objects.filter(municipality=municipality).delete()
        EmergencyAccess.objects.filter(municipality=municipality).delete()
    return count
