"""A large synthetic access log on PostgreSQL, made quickly, and measured
(docs/performance.md, "The access log at scale").

Rows are made by the database itself (``INSERT … SELECT … FROM
generate_series``), a million per statement, so the rate measured is the
table's and its indexes', not Python's. Everything belongs to one new demo
municipality with synthetic persons and users (never real data):
``purge_demo_municipality`` or dropping the database removes it.

The mix follows what the gate writes in a working day (docs/performance.md):
most rows come from list pages (``gate.log_many``: a row per person shown),
the rest from person and plan pages, a few changes, refusals and emergency
access, flagged for the leader.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from helhet.access import partitions
from helhet.organisation.models import Municipality
from helhet.people import identity
from helhet.people.models import Person

TABLE = partitions.TABLE
BATCH = 1_000_000

# (share in per mille, action, category, what, basis, basis_detail, granted, flagged, emergency)
MIX = [
    (
        700,
        "oversikt",
        "plan",
        "koordineringsoversikt",
        "liste",
        "Vist i liste med tjenstlig relasjon",
        True,
        False,
        False,
    ),  # noqa: E501
    (
        100,
        "sok",
        "grunnopplysninger",
        "søk",
        "liste",
        "Vist i liste med tjenstlig relasjon",
        True,
        False,
        False,
    ),  # noqa: E501
    (120, "vis", "plan", "plan", "koordinator", "Koordinator for personen", True, False, False),
    (
        50,
        "vis",
        "grunnopplysninger",
        "personside",
        "tjeneste_vedtak",
        "Enheten gir tjeneste etter vedtak",
        True,
        False,
        False,
    ),  # noqa: E501
    (25, "endre", "plan", "plan", "koordinator", "Koordinator for personen", True, False, False),
    (
        4,
        "vis",
        "plan",
        "plan",
        "ingen",
        "Ingen tjenstlig relasjon til personen.",
        False,
        True,
        False,
    ),
    (
        1,
        "nodtilgang",
        "grunnopplysninger",
        "personside",
        "nodtilgang",
        "Nødtilgang til 05.12.2026 14:00: akutt innleggelse, trenger planen",
        True,
        True,
        True,
    ),  # noqa: E501
]
ROLES = ["Tjenesteyter", "Koordinator", "Koordinerende enhet", "Leder", "Saksbehandler"]
UNITS = [
    "Psykisk helse og rus",
    "Hjemmetjenesten sone nord",
    "Tildelingskontoret",
    "NAV-kontoret",
    "Fysio- og ergoterapi",
]  # noqa: E501


@dataclass(frozen=True)
class Generated:
    rows: int
    seconds: float
    municipality_id: int
    first: dt.datetime
    last: dt.datetime

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def make_people(
    persons: int, users: int, seed: int = 1
) -> tuple[Municipality, list[int], list[int]]:
    """A demo municipality with synthetic persons and user accounts."""
    rng = random.Random(seed)
    taken = set(Municipality.objects.values_list("number", flat=True))
    number = next(f"{n:04d}" for n in range(9000, 10000) if f"{n:04d}" not in taken)
    muni = Municipality.objects.create(
        number=number, name=f"Syntetisk tilgangslogg {number}", is_demo=True
    )
    numbers: set[str] = set()
    batch: list[Person] = []
    while len(batch) < persons:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 30000))
        national_id = identity.synthetic_national_id(rng, born, rng.choice("MK"))
        if national_id in numbers:
            continue
        numbers.add(national_id)
        batch.append(
            Person(
                municipality=muni,
                national_id=national_id,
                id_type=identity.FNR,
                given_name="Syntetisk",
                family_name=f"Person{len(batch) + 1}",
                birth_date=identity.birth_date(national_id),
                gender=identity.gender(national_id),
            )
        )
    person_ids = [p.pk for p in Person.objects.bulk_create(batch, batch_size=5000)]
    password = make_password(None)
    User = get_user_model()
    made = User.objects.bulk_create(
        [
            User(
                username=f"syntetisk-{muni.pk}-{n}",
                password=password,
                first_name="Syntetisk",
                last_name=f"Ansatt {n}",
            )
            for n in range(1, users + 1)
        ],
        batch_size=5000,
    )
    return muni, person_ids, [u.pk for u in made]


def _case() -> str:
    """The mix as one SQL CASE over ``n % 1000``, per column."""
    bounds, total = [], 0
    for share, *values in MIX:
        total += share
        bounds.append((total, values))
    assert total == 1000

    def column(index: int) -> str:
        parts = []
        for upper, values in bounds[:-1]:
            value = values[index]
            literal = (
                ("TRUE" if value else "FALSE") if isinstance(value, bool) else _quote(str(value))
            )
            parts.append(f"WHEN (n * 7) %% 1000 < {upper} THEN {literal}")
        last = bounds[-1][1][index]
        last_literal = (
            ("TRUE" if last else "FALSE") if isinstance(last, bool) else _quote(str(last))
        )
        return f"CASE {' '.join(parts)} ELSE {last_literal} END"

    return ", ".join(column(i) for i in range(8))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def insert_sql() -> str:
    roles = "ARRAY[" + ", ".join(_quote(r) for r in ROLES) + "]"
    units = "ARRAY[" + ", ".join(_quote(u) for u in UNITS) + "]"
    # The time runs evenly from the first to the last moment; persons and users
    # are spread by a hash of the row number, independently of the kind of row.
    return f"""
    INSERT INTO {TABLE} (at, municipality_id, user_id, username, role, unit, person_id,
        action, category, what, basis, basis_detail, granted, flagged, emergency)
    SELECT %(first)s::timestamptz + (n * %(step)s) * interval '1 microsecond',
        %(municipality)s,
        (%(users)s::bigint[])[1 + (hashint8(-n)::bigint + 2147483648) %% %(user_count)s],
        'syntetisk-' || %(municipality)s || '-'
            || (1 + (hashint8(-n)::bigint + 2147483648) %% %(user_count)s),
        ({roles})[1 + n %% {len(ROLES)}],
        ({units})[1 + n %% {len(UNITS)}],
        (%(persons)s::bigint[])[1 + (hashint8(n)::bigint + 2147483648) %% %(person_count)s],
        {_case()}
    FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS n
    """


def generate(
    *, rows: int, persons: int, users: int, days: int, seed: int = 1, report=None
) -> Generated:
    """Insert ``rows`` log rows spread over the last ``days`` days (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise ValueError("PostgreSQL only")
    muni, person_ids, user_ids = make_people(persons, users, seed)
    last = timezone.now().replace(microsecond=0)
    first = last - dt.timedelta(days=days)
    step = max(1, int(days * 86_400 * 1_000_000 / rows))
    with transaction.atomic(), connection.cursor() as cursor:
        partitions.create(cursor, first)
    started = time.perf_counter()
    sql = insert_sql()
    for start in range(1, rows + 1, BATCH):
        stop = min(rows, start + BATCH - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "first": first,
                    "step": step,
                    "municipality": muni.pk,
                    "users": user_ids,
                    "user_count": len(user_ids),
                    "persons": person_ids,
                    "person_count": len(person_ids),
                    "start": start,
                    "stop": stop,
                },
            )
        if report:
            report(stop, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Generated(rows, seconds, muni.pk, first, first + dt.timedelta(microseconds=step * rows))


def sizes() -> dict[str, int]:
    """Bytes of the log on disk: heap, indexes and TOAST of every partition, and rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_table_size(relid)), 0), "
            "COALESCE(SUM(pg_indexes_size(relid)), 0) "
            "FROM pg_partition_tree(%s) WHERE isleaf",
            [TABLE],
        )
        heap, indexes = cursor.fetchone()
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        (count,) = cursor.fetchone()
    return {"heap": int(heap), "indexes": int(indexes), "total": int(heap + indexes), "rows": count}
