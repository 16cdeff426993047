"""Reports on a read replica (docs/deployment.md, "A hot standby for reports").

Reports and statistics read many rows and can run for seconds; on a large
installation they should not compete with the caseworkers' pages. With
``HELHET_REPLICA_DATABASE_URL`` set (a PostgreSQL hot standby), reads made
inside ``reporting()`` go to the ``replica`` alias. Only the aggregate
computations are wrapped — never the access gate's decisions, the access log,
sessions or any write, which all stay on the primary: a decision about access
must see a withdrawn consent at once, and a replica lags, which a report can
afford as long as it says how old its figures are.

Before a report reads from the standby it asks both servers how far behind
the standby is (``choose``):

* caught up (it has replayed everything the primary had written when asked):
  the report holds as of that moment;
* behind, but less than ``HELHET_REPLICA_MAX_LAG_SECONDS``: the report holds as
  of the standby's last replayed commit — never claimed to be newer;
* further behind, unreachable, or not a standby at all: the report reads the
  primary, and the standby is not asked again for
  ``HELHET_REPLICA_RETRY_SECONDS``.

A standby that goes away while a report runs on it makes the report run again
on the primary: nothing fails for the user. ``tools/replica-check`` tests all
of this against a live streaming standby on the same machine.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Never read from the replica, even inside a report: who may see what, and the log of it.
PRIMARY_ONLY = frozenset({"access", "auth", "sessions", "otp_totp", "otp_static", "axes"})

# The database the reads of the running report go to (None: the router does not route).
_target: ContextVar[str | None] = ContextVar("replica_target", default=None)

P = ParamSpec("P")
T = TypeVar("T")


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _max_lag() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "HELHET_REPLICA_MAX_LAG_SECONDS", 60)))


def _retry_after() -> float:
    return float(getattr(settings, "HELHET_REPLICA_RETRY_SECONDS", 30))


# --- the decision (pure) -------------------------------------------------------------


def lsn(text: str) -> int:
    """A PostgreSQL log sequence number ("16/B374D848") as an integer."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class Choice:
    database: str
    as_of: dt.datetime  # the figures hold at least as of this moment
    reason: str


def choose(
    *,
    primary_now: dt.datetime,
    primary_lsn: int,
    in_recovery: bool,
    replayed_lsn: int | None,
    last_replayed_commit: dt.datetime | None,
    max_lag: dt.timedelta,
) -> Choice:
    """Where a report reads, and as of when its figures hold.

    ``primary_lsn`` and ``primary_now`` are read from the primary *before* the
    standby is asked, so a standby that has replayed up to ``primary_lsn`` holds
    everything committed before ``primary_now``."""
    if not in_recovery or replayed_lsn is None:
        # A server that is not a standby may be anything (a stale copy, a promoted
        # old standby); its figures cannot be dated, so the primary answers.
        return Choice(DEFAULT_DB_ALIAS, primary_now, "not a standby")
    if replayed_lsn >= primary_lsn:
        return Choice(REPLICA, primary_now, "caught up")
    if last_replayed_commit is None or primary_now - last_replayed_commit > max_lag:
        return Choice(DEFAULT_DB_ALIAS, primary_now, "too far behind")
    return Choice(REPLICA, last_replayed_commit, "behind")


# --- asking the servers -------------------------------------------------------------

_lock = threading.Lock()
_down_until = 0.0


def _mark_down(reason: str) -> None:
    global _down_until
    with _lock:
        _down_until = time.monotonic() + _retry_after()
    logger.warning("Reports read the primary: the standby %s", reason)


def _close_standby() -> None:
    # A broken connection would otherwise be reused by the next report.
    if configured():
        connections[REPLICA].close_if_unusable_or_obsolete()


def _is_down() -> bool:
    return time.monotonic() < _down_until


def reset() -> None:
    """Forget that the standby was down (tests, and after a failover)."""
    global _down_until
    with _lock:
        _down_until = 0.0


def _probe() -> Choice:
    now = timezone.now()
    if not configured() or _is_down():
        return Choice(DEFAULT_DB_ALIAS, now, "none")
    primary, standby = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    if standby.vendor != "postgresql" or primary.vendor != "postgresql":
        # Only a test mirror of the default database: the same rows, now.
        return Choice(REPLICA, now, "mirror")
    try:
        with primary.cursor() as cursor:
            cursor.execute("SELECT now(), pg_current_wal_lsn()::text")
            primary_now, primary_lsn = cursor.fetchone()
        with standby.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " pg_last_xact_replay_timestamp()"
            )
            in_recovery, replayed, last_commit = cursor.fetchone()
    except (DatabaseError, InterfaceError) as error:
        _close_standby()
        _mark_down(f"does not answer ({error.__class__.__name__})")
        return Choice(DEFAULT_DB_ALIAS, now, "unreachable")
    choice = choose(
        primary_now=primary_now,
        primary_lsn=lsn(primary_lsn),
        in_recovery=bool(in_recovery),
        replayed_lsn=lsn(replayed) if replayed else None,
        last_replayed_commit=last_commit,
        max_lag=_max_lag(),
    )
    if choice.database != REPLICA:
        _mark_down(choice.reason)
    return choice


# --- running a report ---------------------------------------------------------------


def run(report: Callable[[], T]) -> tuple[T, dt.datetime]:
    """Run ``report`` with its reads on the standby when it is usable, else on the
    primary; a standby failing mid-way makes it run again on the primary.

    Returns the result and the moment its figures hold as of. Nested reports
    read where the outer one does."""
    if _target.get() is not None:
        return report(), timezone.now()
    choice = _probe()
    token = _target.set(choice.database)
    try:
        return report(), choice.as_of
    except (DatabaseError, InterfaceError) as error:
        if choice.database != REPLICA:
            raise
        _close_standby()
        _mark_down(f"failed during a report ({error.__class__.__name__})")
    finally:
        _target.reset(token)
    token = _target.set(DEFAULT_DB_ALIAS)
    try:
        return report(), timezone.now()
    finally:
        _target.reset(token)


def reporting() -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorator: the function is a report (see ``run``)."""

    def decorate(func: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(func)
        def inner(*args: P.args, **kwargs: P.kwargs) -> T:
            result, _ = run(lambda: func(*args, **kwargs))
            return result

        return inner

    return decorate


class ReportRouter:
    """Django database router: report reads to the replica, everything else as usual."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        target = _target.get()
        if target == REPLICA and model._meta.app_label not in PRIMARY_ONLY:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica is a copy of the primary: the same rows on both.
        return True

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        # The standby gets its schema by replication, never by migrate.
        return db != REPLICA
