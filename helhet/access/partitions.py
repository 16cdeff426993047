"""Monthly partitions of the access log on PostgreSQL (migration 0006).

New months are made twelve months ahead, so rows always have a month of
their own to land in; the DEFAULT partition takes only what falls outside (a
wrong clock, a test travelling in time). ``helhet seal-log`` runs every minute
and calls ``ensure``: one catalogue query when nothing is missing.
"""

import datetime as dt

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.utils import DatabaseError
from django.utils import timezone

TABLE = "access_accesslogentry"
MONTHS_AHEAD = 12


def month(day: dt.date, ahead: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + ahead
    return dt.date(index // 12, index % 12 + 1, 1)


def name(first: dt.date) -> str:
    return f"{TABLE}_{first:%Y_%m}"


def wanted(oldest: dt.date | None, today: dt.date) -> list[dt.date]:
    """First days of the months that should have a partition."""
    start = month(min(oldest, today) if oldest else today)
    months, end = [], month(today, MONTHS_AHEAD)
    while start <= end:
        months.append(start)
        start = month(start, 1)
    return months


def existing(cursor: CursorWrapper) -> set[str]:
    cursor.execute(
        "SELECT child.relname FROM pg_inherits "
        "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
        "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "WHERE parent.relname = %s",
        [TABLE],
    )
    return {row[0] for row in cursor.fetchall()}


def create(
    cursor: CursorWrapper, oldest: dt.datetime | None = None, today: dt.date | None = None
) -> list[str]:
    """Create the missing monthly partitions and the DEFAULT one; return the new names."""
    today = today or timezone.now().date()
    have = existing(cursor)
    made = []
    for first in wanted(oldest.date() if oldest else None, today):
        if name(first) in have:
            continue
        # Bounds in UTC, written out, so the session's time zone cannot move them.
        cursor.execute(
            f"CREATE TABLE {name(first)} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{first.isoformat()} 00:00:00+00') "
            f"TO ('{month(first, 1).isoformat()} 00:00:00+00')"
        )
        made.append(name(first))
    if f"{TABLE}_default" not in have:
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        made.append(f"{TABLE}_default")
    return made


def ensure(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Make the months ahead that do not exist yet (PostgreSQL; nothing on SQLite).

    A month that already has rows in the DEFAULT partition cannot be made (the
    rows would be in the wrong partition); it is left to DEFAULT, which still
    keeps every row, and the error is reported to the caller.
    """
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    try:
        with transaction.atomic(using=using), conn.cursor() as cursor:
            return create(cursor)
    except DatabaseError as error:
        raise PartitionError(str(error)) from error


class PartitionError(Exception):
    pass
