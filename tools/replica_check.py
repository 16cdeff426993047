"""Reports against a live streaming standby (run by tools/replica-check; see
docs/deployment.md, "A hot standby for reports").

Expects HELHET_DATABASE_URL (the primary, migrated) and HELHET_REPLICA_DATABASE_URL
(a hot standby of it fed by streaming replication), and HELHET_STANDBY_STOP: the
command that stops the standby. Checks, in order:

1. reports read from the standby, and give the same figures as the primary;
2. with replay paused, a report says its figures are as old as the standby's last
   replayed commit — never newer — and does not count what was written since;
3. a standby further behind than HELHET_REPLICA_MAX_LAG_SECONDS is not used;
4. a standby that goes away in the middle of a report: the report runs again on
   the primary and nothing fails; the next report does not wait for it.

Exits non-zero with a message on the first check that fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from helhet import testing as t  # noqa: E402
from helhet.audit import services as audit_services  # noqa: E402
from helhet.core import replica  # noqa: E402
from helhet.people.models import Person  # noqa: E402

REPLICA = replica.REPLICA


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FEIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


class Counter:
    """Counts the queries a connection runs (Django's execute_wrapper)."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.sql.append(sql)
        return execute(sql, params, many, context)


def standby(sql: str) -> tuple:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def wait_caught_up(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        replica.reset()
        if replica._probe().reason == "caught up":
            return
        time.sleep(0.2)
    check(False, "standbyen tok igjen primærdatabasen innen 30 sekunder")


def persons(muni_id: int) -> int:
    return Person.objects.filter(municipality_id=muni_id).count()


def main() -> None:
    check(replica.configured(), "HELHET_REPLICA_DATABASE_URL er satt")
    muni = t.municipality(name="Replikakommune")
    for _ in range(5):
        t.person(muni)
    wait_caught_up()

    # 1. Reads go to the standby and give the primary's figures.
    on_standby, on_primary = Counter(), Counter()
    with (
        connections[REPLICA].execute_wrapper(on_standby),
        connections["default"].execute_wrapper(on_primary),
    ):
        replica.reset()
        report = audit_services.build(
            municipality_id=muni.pk, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        )
    check(
        len(on_standby.sql) > 1, f"rapporten leste fra standbyen ({len(on_standby.sql)} spørringer)"
    )
    # Besides the question how far the standby has come (and catalogue lookups), the
    # primary is read only for what never goes to a standby: access and login tables.
    data = [q for q in on_primary.sql if "pg_catalog" not in q and "pg_current_wal" not in q]
    check(
        all(any(f'"{app}_' in q for app in replica.PRIMARY_ONLY) for q in data),
        f"primærdatabasen ble bare lest for tilgang og pålogging ({len(data)} spørringer)",
    )
    token = replica._target.set("default")
    try:
        same = audit_services.build(
            municipality_id=muni.pk, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        )
    finally:
        replica._target.reset(token)
    check(
        [(r.criterion.id, r.total.met, r.total.not_met) for r in report]
        == [(r.criterion.id, r.total.met, r.total.not_met) for r in same],
        "tallene fra standbyen er de samme som fra primærdatabasen",
    )

    # 2. Replay paused: the report's moment is the standby's last commit.
    standby("SELECT pg_wal_replay_pause()")
    try:
        before = persons(muni.pk)
        time.sleep(1.1)
        t.person(muni)
        written_at = timezone.now()
        replica.reset()
        count, as_of = replica.run(lambda: persons(muni.pk))
        check(count == before, "en standby på pause teller ikke det som ble skrevet etterpå")
        check(
            as_of < written_at - dt.timedelta(seconds=1),
            f"rapporten sier den gjelder per {as_of:%H:%M:%S}, før skrivingen {written_at:%H:%M:%S}",
        )

        # 3. Too far behind: the primary answers, as of now.
        with override_settings(HELHET_REPLICA_MAX_LAG_SECONDS=0.5):
            replica.reset()
            count, as_of = replica.run(lambda: persons(muni.pk))
        check(count == before + 1, "en standby som ligger for langt etter brukes ikke")
        check(as_of >= written_at, "tallene fra primærdatabasen gjelder per nå")
    finally:
        standby("SELECT pg_wal_replay_resume()")
    wait_caught_up()

    # 4. The standby goes away in the middle of a report.
    stop = shlex.split(os.environ["HELHET_STANDBY_STOP"])
    attempts: list[str | None] = []

    def report_while_the_standby_stops() -> int:
        attempts.append(replica._target.get())
        if len(attempts) == 1:
            persons(muni.pk)  # a first read on the standby, then it goes away
            subprocess.run(stop, check=True)
        return persons(muni.pk)

    replica.reset()
    count, _ = replica.run(report_while_the_standby_stops)
    check(attempts == [REPLICA, "default"], "rapporten ble kjørt på nytt mot primærdatabasen")
    check(count == persons(muni.pk), "og ga riktige tall")
    replica.reset()
    started = time.monotonic()
    count, _ = replica.run(lambda: persons(muni.pk))
    waited = time.monotonic() - started
    check(count == persons(muni.pk), "en rapport med standbyen borte gir tall fra primærdatabasen")
    check(waited < 5, f"uten å vente lenge på standbyen ({waited:.1f} s)")
    print("Alle kontroller mot en levende standby bestått.")


if __name__ == "__main__":
    main()
