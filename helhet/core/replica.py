"""Reports on a read replica (docs/performance.md; docs/deployment.md).

Reports and statistics read many rows and can run for seconds; on a large
installation they should not compete with the caseworkers' pages. With
``HELHET_REPLICA_DATABASE_URL`` set (a PostgreSQL hot standby), reads made
inside ``reporting()`` go to the ``replica`` alias. Only the aggregate
computations are wrapped — never the access gate's decisions, the access log,
sessions or any write, which all stay on the primary: a decision about access
must see a withdrawn consent at once, and a replica lags by a few seconds,
which a report can afford. Without a replica the router changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
# Never read from the replica, even inside a report: who may see what, and the log of it.
PRIMARY_ONLY = frozenset({"access", "auth", "sessions", "otp_totp", "otp_static", "axes"})

_reporting: ContextVar[bool] = ContextVar("reporting", default=False)


@contextmanager
def reporting() -> Iterator[None]:
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class ReportRouter:
    """Django database router: report reads to the replica, everything else as usual."""

    def db_for_read(self, model, **hints):
        if _reporting.get() and configured() and model._meta.app_label not in PRIMARY_ONLY:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: the same rows on both.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The standby gets its schema by replication, never by migrate.
        return db != REPLICA
