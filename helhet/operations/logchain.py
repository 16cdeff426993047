"""The access log's hash chains: a changed or deleted row is found (pasientjournalloven
§ 16 and Normen: the log must be trustworthy; docs/security.md, "The access log's chains").

Rows are written by the access gate without a hash. ``seal`` (``helhet seal-log``, every
minute, and first thing in ``helhet verify-log``) takes the unsealed rows and gives each
the next position in a chain and ``chain_hash = sha256(previous chain_hash + canonical
row content)``. Hashing inline on every insert would make every writer wait for the
chain's head; one sealer per chain does it in batches instead.

**One chain per month.** A row belongs to the chain of its month (``at`` in UTC), which
on PostgreSQL is its partition: a month is sealed alone (an advisory lock per month, so
two months seal in parallel) and verified alone (``verify-log --month YYYY-MM``), and
every query of the sealer and of a month's verification is bounded by the month, so
PostgreSQL reads that partition only. Positions say which chain a row is in:
``YYYYMM × 10¹⁰ + n`` for the month's n-th sealed row. Each month's chain starts from
an *anchor* (``LogChainAnchor``): the head of the chain before it — the nearest earlier
month's, or the legacy chain's — at the moment the month's first row was sealed. The
month's first hash is computed from the anchor's hash, and verifying the month checks
that the anchor is still in the earlier chain with that hash, so the months are linked
into one sequence without one month waiting for another: a row of last month that
commits after this month began is sealed into last month's chain.

**The legacy chain.** Rows sealed before monthly chains (migration ``access/0009``)
keep positions 1, 2, 3, ... in one chain across months, and are verified as before.

Positions are given in sealing order, not id order: a transaction that took a lower id
may commit after a higher id was sealed, and is then sealed later with the next
position. ``verify`` walks each chain's positions in order and recomputes every hash,
so a changed row (any column, the hash included) and a deleted row (a missing position)
are both found.

What it does not catch, and how that is covered (docs/deployment.md):

* rows not yet sealed (at most a minute's worth) can be changed or deleted without a
  trace by someone who gets past the triggers;
* rows deleted from the end of a chain, or chains recomputed from start to end by a
  database superuser, still verify. The heads that ``verify-log`` prints must therefore
  be kept off the host; ``--head`` checks that a head kept earlier is still in its
  chain, unchanged. A month's anchor also pins the previous month's chain up to the
  anchor's position.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from helhet.access.models import AccessLogEntry, LogChainAnchor

# The columns a row's hash covers, in this order. A new column of the access log
# must be added here deliberately (a test fails until it is): old rows keep their
# hashes, so a changed canonical form needs a new FORM and a migration plan.
FIELDS = (
    "id",
    "at",
    "municipality_id",
    "user_id",
    "username",
    "role",
    "unit",
    "person_id",
    "action",
    "category",
    "what",
    "basis",
    "basis_detail",
    "granted",
    "emergency",
    "emergency_access_id",
    "consent_id",
    "flagged",
)
FORM = "helhet-tilgangslogg-1"
GENESIS = "0" * 64
BATCH = 5000
# pg_advisory_xact_lock(key, month): two sealers never give out the same position
# in a month's chain; different months seal in parallel.
PG_LOCK_KEY = 0x48454C48  # "HELH"
# A month's chain has positions YYYYMM × MONTH + n; the legacy chain's are below MONTH.
MONTH = 10**10
TABLE = AccessLogEntry._meta.db_table


@dataclass(frozen=True)
class Head:
    position: int
    hash: str

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"


@dataclass(frozen=True)
class Report:
    checked: int
    head: Head | None
    unsealed: int
    # The first problem found, in Norwegian, with the row's id and position; None when intact.
    broken: str | None = None
    broken_position: int | None = None
    broken_id: int | None = None
    # Each chain's last position and hash, by month ("YYYY-MM"; "" for the legacy chain).
    heads: dict[str, Head] = field(default_factory=dict)


def canonical(position: int, row: tuple) -> bytes:
    """The row as one line of JSON: values of FIELDS, the time in UTC with
    microseconds, prefixed by the form and the position (so rows cannot be
    reordered or moved to another chain: the position names the month)."""
    values = dict(zip(FIELDS, row, strict=True))
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [FORM, position, *values.values()], ensure_ascii=False, separators=(",", ":")
    ).encode()


def link(previous: str, position: int, row: tuple) -> str:
    return hashlib.sha256(previous.encode() + canonical(position, row)).hexdigest()


# --- months ----------------------------------------------------------------------


def month_of(at: dt.datetime) -> dt.date:
    """The first day of the row's month, in UTC: the partition and the chain it is in."""
    utc = at.astimezone(UTC)
    return dt.date(utc.year, utc.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as a half-open range of times, in UTC (the partition's bounds)."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=UTC)
    end = next_month(month)
    return start, dt.datetime(end.year, end.month, 1, tzinfo=UTC)


def base(month: dt.date) -> int:
    """Position 0 of the month's chain: its n-th row has ``base + n``."""
    return (month.year * 100 + month.month) * MONTH


def chain_of(position: int) -> dt.date | None:
    """The month whose chain a position is in; None for the legacy chain."""
    key = position // MONTH
    if key == 0:
        return None
    return dt.date(key // 100, key % 100, 1)


def label(month: dt.date | None) -> str:
    return f"{month:%Y-%m}" if month else ""


def parse_month(text: str) -> dt.date:
    """``YYYY-MM``; ValueError if it is not."""
    day = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    if day.year < 1900:
        raise ValueError(text)
    return day


def _in_chain(using: str, month: dt.date | None) -> QuerySet[AccessLogEntry]:
    """The sealed rows of one chain, bounded by the month's dates when it is a month's."""
    rows = AccessLogEntry.objects.using(using)
    if month is None:
        return rows.filter(chain_position__gte=1, chain_position__lt=MONTH)
    start, end = bounds(month)
    return rows.filter(
        at__gte=start,
        at__lt=end,
        chain_position__gt=base(month),
        chain_position__lt=base(month) + MONTH,
    )


# --- sealing ---------------------------------------------------------------------


def seal(using: str = DEFAULT_DB_ALIAS, batch: int = BATCH) -> int:
    """Chain every row not yet sealed, month by month, oldest month first;
    returns how many were sealed. Safe to run in parallel with writers and with
    another sealer. Each step is bounded by a month, so PostgreSQL reads that
    month's partition only."""
    total, after = 0, None
    while (month := _oldest_unsealed_month(using, after)) is not None:
        total += seal_month(month, using=using, batch=batch)
        after = next_month(month)
    return total


def _oldest_unsealed_month(using: str, after: dt.date | None) -> dt.date | None:
    # The partial index (at, id) WHERE chain_hash IS NULL holds only the last
    # minute's rows: one small index probe per partition.
    rows = AccessLogEntry.objects.using(using).filter(chain_hash__isnull=True)
    if after is not None:
        rows = rows.filter(at__gte=bounds(after)[0])
    oldest = rows.order_by("at").values_list("at", flat=True).first()
    return month_of(oldest) if oldest else None


def seal_month(month: dt.date, *, using: str = DEFAULT_DB_ALIAS, batch: int = BATCH) -> int:
    """Chain the month's unsealed rows (the partition's, on PostgreSQL)."""
    total = 0
    while True:
        sealed = _seal_batch(using, month, batch)
        total += sealed
        if sealed < batch:
            return total


def _seal_batch(using: str, month: dt.date, batch: int) -> int:
    conn = connections[using]
    start, end = bounds(month)
    # SQLite: Helhet's connections begin transactions IMMEDIATE, i.e. holding the
    # write lock; PostgreSQL: an advisory lock for this month, held until commit.
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [PG_LOCK_KEY, month.year * 100 + month.month],
                )
        # In the order of the partial index (at, id): a batch is its first rows,
        # however many wait (a sealer behind by hours must not sort them all).
        rows = list(
            AccessLogEntry.objects.using(using)
            .filter(chain_hash__isnull=True, at__gte=start, at__lt=end)
            .order_by("at", "id")
            .values_list(*FIELDS)[:batch]
        )
        if not rows:
            return 0
        previous = month_head(month, using) or _anchor(month, using)
        updates = []
        position, chain = previous.position, previous.hash
        for row in rows:
            position += 1
            chain = link(chain, position, row)
            updates.append((chain, position, row[0], row[1]))
        _write(conn, updates, start, end)
    return len(rows)


def _anchor(month: dt.date, using: str) -> Head:
    """Start the month's chain: record the head of the chain before it (the
    nearest earlier month with a chain, else the legacy chain, else nothing)
    and return the month's position 0 with that hash to link from."""
    earlier = (
        LogChainAnchor.objects.using(using)
        .filter(month__lt=month)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    before = month_head(earlier, using) if earlier else legacy_head(using)
    before = before or Head(0, GENESIS)
    LogChainAnchor.objects.using(using).create(
        month=month, anchor_position=before.position, anchor_hash=before.hash
    )
    return Head(base(month), before.hash)


def _write(conn, updates: list[tuple[str, int, int, dt.datetime]], start, end) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # One statement per batch: a round trip per row would be most of the
            # time. Rows are matched by the whole key (id, at), and the month's
            # bounds let PostgreSQL touch that month's partition only.
            rows = ", ".join(["(%s, %s::bigint, %s::bigint, %s::timestamptz)"] * len(updates))
            cursor.execute(
                f"UPDATE {TABLE} AS entry SET chain_hash = sealed.hash, "
                f"chain_position = sealed.position FROM (VALUES {rows}) "
                "AS sealed (hash, position, id, at) "
                "WHERE entry.id = sealed.id AND entry.at = sealed.at "
                "AND entry.at >= %s AND entry.at < %s AND entry.chain_hash IS NULL",
                [value for update in updates for value in update] + [start, end],
            )
        else:
            cursor.executemany(
                f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s "
                "WHERE id = %s AND at = %s AND chain_hash IS NULL",
                [
                    (chain, position, entry_id, conn.ops.adapt_datetimefield_value(at))
                    for chain, position, entry_id, at in updates
                ],
            )


def month_head(month: dt.date, using: str = DEFAULT_DB_ALIAS) -> Head | None:
    """The last sealed row of the month's chain."""
    last = (
        _in_chain(using, month)
        .order_by("-chain_position")
        .values_list("chain_position", "chain_hash")
        .first()
    )
    return _head(last)


def _head(last: tuple[int | None, str | None] | None) -> Head | None:
    # A sealed row has both its position and its hash (``_in_chain`` reads only those).
    if last is None or last[0] is None or last[1] is None:
        return None
    return Head(last[0], last[1])


def legacy_head(using: str = DEFAULT_DB_ALIAS) -> Head | None:
    """The last row of the chain sealed before monthly chains."""
    last = (
        _in_chain(using, None)
        .order_by("-chain_position")
        .values_list("chain_position", "chain_hash")
        .first()
    )
    return _head(last)


def head(using: str = DEFAULT_DB_ALIAS) -> Head | None:
    """The newest month's chain head (the legacy chain's, before there is one)."""
    newest = (
        LogChainAnchor.objects.using(using)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return month_head(newest, using) if newest else legacy_head(using)


def heads(using: str = DEFAULT_DB_ALIAS) -> dict[str, Head]:
    """Every chain's head now, by month ("YYYY-MM"; "" for the legacy chain):
    one bounded index probe per month. ``helhet backup`` records them."""
    found = {}
    legacy = legacy_head(using)
    if legacy:
        found[""] = legacy
    for month in LogChainAnchor.objects.using(using).values_list("month", flat=True):
        last = month_head(month, using)
        if last:
            found[label(month)] = last
    return found


def hash_at(using: str, position: int) -> str | None:
    """The stored hash at a position of any chain, or None when no row has it."""
    return _hash_at(using, position)


def unsealed(using: str = DEFAULT_DB_ALIAS, month: dt.date | None = None) -> int:
    rows = AccessLogEntry.objects.using(using).filter(chain_hash__isnull=True)
    if month is not None:
        start, end = bounds(month)
        rows = rows.filter(at__gte=start, at__lt=end)
    return rows.count()


# --- verifying -------------------------------------------------------------------


class _Broken(Exception):
    def __init__(self, message: str, position: int | None, entry_id: int | None = None):
        super().__init__(message)
        self.message, self.position, self.entry_id = message, position, entry_id


def _walk(using: str, month: dt.date | None, start: Head) -> tuple[int, Head | None]:
    """Recompute one chain from ``start`` (its position 0 and the hash to link
    from); the rows checked and the chain's last head, or _Broken."""
    expected, chain, checked = start.position + 1, start.hash, 0
    rows = (
        _in_chain(using, month)
        .order_by("chain_position")
        .values_list("chain_position", "chain_hash", *FIELDS)
        .iterator(chunk_size=BATCH)
    )
    for position, stored, *row in rows:
        entry_id = row[0]
        if position != expected:
            raise _Broken(
                _(
                    "Tilgangsloggen mangler rader: posisjon %(missing)s finnes ikke (slettet?). "
                    "Neste rad er id %(id)s i posisjon %(position)s."
                )
                % {"missing": expected, "id": entry_id, "position": position},
                expected,
                entry_id,
            )
        chain = link(chain, position, tuple(row))
        if stored != chain:
            raise _Broken(
                _(
                    "Tilgangsloggen er endret: rad id %(id)s i posisjon %(position)s stemmer "
                    "ikke med kjeden (raden eller kjedeverdien er endret etter forsegling)."
                )
                % {"id": entry_id, "position": position},
                position,
                entry_id,
            )
        checked += 1
        expected += 1
    return checked, (Head(expected - 1, chain) if checked else None)


def _hash_at(using: str, position: int) -> str | None:
    """The stored hash at a position of any chain (bounded by its month when it
    is a month's), or None when no row has it."""
    return (
        _in_chain(using, chain_of(position))
        .filter(chain_position=position)
        .values_list("chain_hash", flat=True)
        .first()
    )


def _check_anchor(using: str, anchor: LogChainAnchor) -> None:
    """The month's anchor must still be in the chain before it, with the same hash."""
    if anchor.anchor_position == 0:
        found: str | None = GENESIS
    else:
        found = _hash_at(using, anchor.anchor_position)
    if found != anchor.anchor_hash:
        raise _Broken(
            _(
                "Kjeden for %(month)s er forankret i posisjon %(position)s i kjeden før, men "
                "den raden finnes ikke lenger eller har en annen kjedeverdi: rader er slettet "
                "eller tilgangsloggen er skrevet om."
            )
            % {"month": label(anchor.month), "position": anchor.anchor_position},
            anchor.anchor_position,
        )


def _verify_month(using: str, month: dt.date) -> tuple[int, Head | None]:
    anchor = LogChainAnchor.objects.using(using).filter(month=month).first()
    if anchor is None:
        first = (
            _in_chain(using, month)
            .order_by("chain_position")
            .values_list("chain_position", "id")
            .first()
        )
        if first is None:
            return 0, None
        raise _Broken(
            _(
                "Kjeden for %(month)s mangler sitt ankerpunkt (tabellen over kjedenes "
                "start er endret)."
            )
            % {"month": label(month)},
            first[0],
            first[1],
        )
    _check_anchor(using, anchor)
    return _walk(using, month, Head(base(month), anchor.anchor_hash))


def _chained_months(using: str) -> list[dt.date]:
    """Every month with a chain: those with an anchor, and any month with
    sealed rows but no anchor (found position by position, one index probe per
    month, so a deleted anchor is noticed)."""
    months = set(LogChainAnchor.objects.using(using).values_list("month", flat=True))
    position = MONTH
    rows = AccessLogEntry.objects.using(using)
    while (
        found := rows.filter(chain_position__gte=position)
        .order_by("chain_position")
        .values_list("chain_position", flat=True)
        .first()
    ) is not None:
        month = chain_of(found)
        assert month is not None
        months.add(month)
        position = base(next_month(month))
    return sorted(months)


def verify(
    using: str = DEFAULT_DB_ALIAS,
    expected_head: Head | None = None,
    month: dt.date | None = None,
) -> Report:
    """Recompute the chains and stop at the first problem: with ``month``, that
    month's chain and its anchor; else the legacy chain and every month's.
    ``expected_head``, kept off the host earlier, must still be in its chain
    with the same hash."""
    checked, heads = 0, {}
    try:
        if month is not None:
            months = [month]
        else:
            count, last = _walk(using, None, Head(0, GENESIS))
            checked += count
            if last:
                heads[""] = last
            months = _chained_months(using)
        for each in months:
            count, last = _verify_month(using, each)
            checked += count
            if last:
                heads[label(each)] = last
        if expected_head:
            _check_kept_head(using, expected_head, heads)
    except _Broken as broken:
        return Report(
            checked=checked,
            head=None,
            unsealed=unsealed(using, month),
            broken=broken.message,
            broken_position=broken.position,
            broken_id=broken.entry_id,
            heads=heads,
        )
    newest = heads[max(heads)] if heads else None
    return Report(checked=checked, head=newest, unsealed=unsealed(using, month), heads=heads)


def _check_kept_head(using: str, kept: Head, heads: dict[str, Head]) -> None:
    chain = chain_of(kept.position)
    found = _hash_at(using, kept.position)
    if found is None:
        last = month_head(chain, using) if chain else legacy_head(using)
        message = _(
            "Den lagrede kjedeverdien gjelder posisjon %(position)s, men kjeden slutter i "
            "posisjon %(last)s: rader er slettet fra slutten av tilgangsloggen."
        ) % {"position": kept.position, "last": last.position if last else 0}
    elif found != kept.hash:
        message = _(
            "Kjedeverdien i posisjon %(position)s stemmer ikke med den som ble lagret "
            "utenfor serveren: rader er slettet, eller tilgangsloggen er skrevet om."
        ) % {"position": kept.position}
    else:
        return
    raise _Broken(message, kept.position)


def parse_head(text: str) -> Head:
    """``POSITION:HASH`` as printed by verify-log; ValueError if it is not."""
    position, _sep, digest = text.strip().partition(":")
    if not position.isdigit() or int(position) < 1 or len(digest) != 64:
        raise ValueError(text)
    int(digest, 16)
    chain_of(int(position))  # a month 0 or 13 is no chain: ValueError
    return Head(int(position), digest.lower())
