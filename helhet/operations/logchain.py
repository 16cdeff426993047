"""The access log's hash chain: a changed or deleted row is found (docs/performance.md;
pasientjournalloven § 16 and Normen: the log must be trustworthy).

Rows are written by the access gate as before, without a hash. ``seal`` (``helhet
seal-log``, every minute from a timer, and first thing in ``helhet verify-log``)
takes the unsealed rows in id order and gives each the next position in the
chain and ``chain_hash = sha256(previous chain_hash + canonical row content)``.
Hashing inline on every insert would make every writer wait for the chain's head;
one sealer under a lock does it in batches instead.

Positions are given in sealing order, not id order: a transaction that took a
lower id may commit after a higher id was sealed, and is then sealed later with
the next position. ``verify`` walks the positions 1, 2, 3, ... and recomputes
every hash, so a changed row (any column, the hash included) and a deleted row
(a missing position) are both found.

What it does not catch, and how that is covered (docs/deployment.md):

* rows not yet sealed (at most a minute's worth) can be changed or deleted
  without a trace by someone who gets past the triggers;
* rows deleted from the end of the chain, or a chain recomputed from start to
  end by a database superuser, still verify. The head (position and hash) that
  ``verify-log`` prints must therefore be kept off the host; ``--head`` checks
  that a head kept earlier is still in the chain, unchanged.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from helhet.access.models import AccessLogEntry

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
# pg_advisory_xact_lock key: two sealers never give out the same position.
PG_LOCK_KEY = 0x48454C48  # "HELH"
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


def canonical(position: int, row: tuple) -> bytes:
    """The row as one line of JSON: values of FIELDS, the time in UTC with
    microseconds, prefixed by the form and the position (so rows cannot be
    reordered or moved to another chain)."""
    values = dict(zip(FIELDS, row, strict=True))
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [FORM, position, *values.values()], ensure_ascii=False, separators=(",", ":")
    ).encode()


def link(previous: str, position: int, row: tuple) -> str:
    return hashlib.sha256(previous.encode() + canonical(position, row)).hexdigest()


# --- sealing ---------------------------------------------------------------------


def seal(using: str = DEFAULT_DB_ALIAS, batch: int = BATCH) -> int:
    """Chain every row not yet sealed; returns how many were sealed. Safe to run
    in parallel with writers and with another sealer."""
    total = 0
    while True:
        sealed = _seal_batch(using, batch)
        total += sealed
        if sealed < batch:
            return total


def _seal_batch(using: str, batch: int) -> int:
    conn = connections[using]
    # SQLite: Helhet's connections begin transactions IMMEDIATE, i.e. holding the
    # write lock; PostgreSQL: an advisory lock held until commit.
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
        previous = head(using) or Head(0, GENESIS)
        rows = list(
            AccessLogEntry.objects.using(using)
            .filter(chain_hash__isnull=True)
            .order_by("id")
            .values_list(*FIELDS)[:batch]
        )
        updates = []
        position, chain = previous.position, previous.hash
        for row in rows:
            position += 1
            chain = link(chain, position, row)
            updates.append((chain, position, row[0]))
        if updates:
            _write(conn, updates)
    return len(rows)


def _write(conn, updates: list[tuple[str, int, int]]) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # One statement per batch: a round trip per row would be most of the time.
            rows = ", ".join(["(%s, %s::bigint, %s::bigint)"] * len(updates))
            cursor.execute(
                f"UPDATE {TABLE} AS entry SET chain_hash = sealed.hash, "
                f"chain_position = sealed.position FROM (VALUES {rows}) "
                "AS sealed (hash, position, id) "
                "WHERE entry.id = sealed.id AND entry.chain_hash IS NULL",
                [value for update in updates for value in update],
            )
        else:
            cursor.executemany(
                f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s "
                "WHERE id = %s AND chain_hash IS NULL",
                updates,
            )


def head(using: str = DEFAULT_DB_ALIAS) -> Head | None:
    last = (
        AccessLogEntry.objects.using(using)
        .filter(chain_position__isnull=False)
        .order_by("-chain_position")
        .values_list("chain_position", "chain_hash")
        .first()
    )
    return Head(*last) if last else None


def unsealed(using: str = DEFAULT_DB_ALIAS) -> int:
    return AccessLogEntry.objects.using(using).filter(chain_hash__isnull=True).count()


# --- verifying -------------------------------------------------------------------


def _chain(using: str) -> Iterator[tuple]:
    return (
        AccessLogEntry.objects.using(using)
        .filter(chain_position__isnull=False)
        .order_by("chain_position")
        .values_list("chain_position", "chain_hash", *FIELDS)
        .iterator(chunk_size=BATCH)
    )


def verify(using: str = DEFAULT_DB_ALIAS, expected_head: Head | None = None) -> Report:
    """Walk the chain from position 1 and recompute every hash; stop at the first
    problem. ``expected_head``, kept off the host earlier, must still be in the
    chain with the same hash."""
    expected, chain, checked = 1, GENESIS, 0
    kept_head_found = None
    for position, stored, *row in _chain(using):
        entry_id = row[0]
        if position != expected:
            return _broken(
                checked,
                using,
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
            return _broken(
                checked,
                using,
                _(
                    "Tilgangsloggen er endret: rad id %(id)s i posisjon %(position)s stemmer "
                    "ikke med kjeden (raden eller kjedeverdien er endret etter forsegling)."
                )
                % {"id": entry_id, "position": position},
                position,
                entry_id,
            )
        if expected_head and position == expected_head.position:
            kept_head_found = stored
        checked += 1
        expected += 1
    report = Report(
        checked=checked,
        head=Head(expected - 1, chain) if checked else None,
        unsealed=unsealed(using),
    )
    if expected_head:
        return _check_kept_head(report, expected_head, kept_head_found)
    return report


def _broken(checked, using, message, position, entry_id) -> Report:
    return Report(
        checked=checked,
        head=None,
        unsealed=unsealed(using),
        broken=message,
        broken_position=position,
        broken_id=entry_id,
    )


def _check_kept_head(report: Report, kept: Head, found: str | None) -> Report:
    if found is None:
        message = _(
            "Den lagrede kjedeverdien gjelder posisjon %(position)s, men kjeden slutter i "
            "posisjon %(last)s: rader er slettet fra slutten av tilgangsloggen."
        ) % {"position": kept.position, "last": report.head.position if report.head else 0}
    elif found != kept.hash:
        message = _(
            "Kjedeverdien i posisjon %(position)s stemmer ikke med den som ble lagret "
            "utenfor serveren: rader er slettet, eller tilgangsloggen er skrevet om."
        ) % {"position": kept.position}
    else:
        return report
    return Report(
        checked=report.checked,
        head=report.head,
        unsealed=report.unsealed,
        broken=message,
        broken_position=kept.position,
    )


def parse_head(text: str) -> Head:
    """``POSITION:HASH`` as printed by verify-log; ValueError if it is not."""
    position, _, digest = text.strip().partition(":")
    if not position.isdigit() or int(position) < 1 or len(digest) != 64:
        raise ValueError(text)
    int(digest, 16)
    return Head(int(position), digest.lower())
