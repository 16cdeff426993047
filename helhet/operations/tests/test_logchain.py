"""The access log's hash chains find a changed or deleted row: one chain per month,
anchored in the chain before it, and the legacy chain of rows sealed before that
(docs/security.md, "The access log's chains")."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action, LogChainAnchor
from helhet.operations import logchain

pytestmark = pytest.mark.django_db
TABLE = logchain.TABLE
CHAIN_COLUMNS = {"chain_hash", "chain_position"}
NOVEMBER = dt.date(2026, 11, 1)
DECEMBER = dt.date(2026, 12, 1)
# Positions of November's chain: N + 1, N + 2, ...
N = logchain.base(NOVEMBER)


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=True) as t:
        yield t


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    user = t.staff(unit)
    persons = [t.person(muni) for _ in range(3)]
    for person in persons:
        t.service(person, unit)
        gate.check(user, person, Action.VIEW, category=gate.BASIC, what="personside")
    gate.check(user, t.person(muni), Action.VIEW, category=gate.BASIC, what="uten relasjon")
    return {"user": user, "persons": persons}


def verify_log(*args) -> str:
    out = io.StringIO()
    call_command("verify-log", *args, stdout=out)
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as refused:
        verify_log(*args)
    assert refused.value.returncode == 1
    return str(refused.value)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def triggers_off():
    """What someone with the database's owner or superuser rights can do. Undone
    with the test's transaction."""
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER access_log_no_update")
        sql("DROP TRIGGER access_log_no_delete")
    else:
        sql("SET LOCAL session_replication_role = replica")


def positions() -> dict[int, int]:
    """Entry id by chain position."""
    return dict(
        AccessLogEntry.objects.exclude(chain_position=None).values_list("chain_position", "id")
    )


def test_an_intact_log_verifies_and_prints_its_head(world):
    assert logchain.unsealed() == 4

    out = verify_log()

    assert out.startswith("OK, 4 rader kontrollert.\n")
    head = logchain.head()
    assert f"Siste kjedeverdi (lagre utenfor serveren): {N + 4}:{head.hash}" in out
    assert sorted(positions()) == [N + 1, N + 2, N + 3, N + 4]
    assert logchain.unsealed() == 0
    # Later rows continue the chain; the head kept earlier is still in it.
    gate.check(world["user"], world["persons"][0], Action.VIEW, category=gate.BASIC, what="igjen")
    assert verify_log("--head", str(head)).startswith("OK, 5 rader kontrollert.")


def test_rows_are_chained_in_sealing_order_and_each_is_sealed_once(world):
    call_command("seal-log", stdout=io.StringIO())
    gate.log_many(world["user"], world["persons"], Action.LIST, what="oversikt")

    assert logchain.seal() == 3
    assert logchain.seal() == 0
    assert sorted(positions()) == [N + p for p in range(1, 8)]
    sealed = AccessLogEntry.objects.get(chain_position=N + 5)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(
            f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s WHERE id = %s",
            ["0" * 64, 99, sealed.pk],
        )


def test_thousands_of_bulk_logged_rows_are_sealed_in_batches(world):
    gate.log_many(world["user"], world["persons"] * 400, Action.LIST, what="søk")

    assert logchain.seal(batch=500) == 1204
    assert verify_log().startswith("OK, 1204 rader kontrollert.")


def _other_value(entry: AccessLogEntry, name: str):
    field = AccessLogEntry._meta.get_field(name)
    value = getattr(entry, field.attname)
    if isinstance(value, bool):
        return not value
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value + dt.timedelta(seconds=1))
    if isinstance(value, str):
        return value + " (endret)"
    if value is not None and field.null:
        return None
    return (value or 0) + 1000


@pytest.mark.parametrize("name", ["what", "granted", "at", "username", "person_id", "flagged"])
def test_a_row_changed_after_sealing_is_found(world, name):
    logchain.seal()
    entry = AccessLogEntry.objects.get(chain_position=N + 2)
    triggers_off()
    sql(f"UPDATE {TABLE} SET {name} = %s WHERE id = %s", [_other_value(entry, name), entry.pk])

    message = broken()

    assert f"rad id {entry.pk} i posisjon {N + 2} stemmer ikke med kjeden" in message


def test_a_changed_chain_value_is_found(world):
    logchain.seal()
    entry = AccessLogEntry.objects.get(chain_position=N + 3)
    triggers_off()
    sql(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", ["0" * 64, entry.pk])

    assert f"rad id {entry.pk} i posisjon {N + 3}" in broken()


def test_a_deleted_row_is_found(world):
    logchain.seal()
    chain = positions()
    triggers_off()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[N + 2]])

    message = broken()

    assert f"posisjon {N + 2} finnes ikke" in message
    assert f"Neste rad er id {chain[N + 3]} i posisjon {N + 3}" in message


def test_rows_deleted_from_the_end_or_a_rewritten_chain_are_found_with_the_kept_head(world):
    logchain.seal()
    kept = logchain.head()
    triggers_off()
    sql(f"DELETE FROM {TABLE} WHERE chain_position = %s", [N + 4])
    # Without the head kept off the host, a cut-off tail looks like a shorter log.
    assert verify_log().startswith("OK, 3 rader kontrollert.")

    assert f"kjeden slutter i posisjon {N + 3}" in broken("--head", str(kept))

    # A new row takes the same position again, with another hash.
    gate.check(world["user"], world["persons"][0], Action.VIEW, category=gate.BASIC, what="ny")
    assert "stemmer ikke med den som ble lagret" in broken("--head", str(kept))


def test_a_malformed_head_or_month_is_refused():
    with pytest.raises(CommandError, match="POSISJON:SHA256") as refused:
        verify_log("--head", "12:ikke-en-hash")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="POSISJON:SHA256"):
        verify_log("--head", f"{202613 * logchain.MONTH + 1}:{'a' * 64}")
    for month in ["2026-13", "november", "2026-1-1"]:
        with pytest.raises(CommandError, match="ÅÅÅÅ-MM") as refused:
            verify_log("--month", month)
        assert refused.value.returncode == 2


# --- one chain per month ------------------------------------------------------------


def log_view(world, what: str) -> AccessLogEntry:
    gate.check(world["user"], world["persons"][0], Action.VIEW, category=gate.BASIC, what=what)
    return AccessLogEntry.objects.latest("id")


def test_each_month_is_a_chain_of_its_own_anchored_in_the_month_before(world, in_november):
    logchain.seal()
    november_head = logchain.month_head(NOVEMBER)
    in_november.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    first = log_view(world, "desember")
    log_view(world, "desember igjen")

    assert logchain.seal() == 2

    december = logchain.base(DECEMBER)
    assert AccessLogEntry.objects.get(pk=first.pk).chain_position == december + 1
    anchor = LogChainAnchor.objects.get(month=DECEMBER)
    assert (anchor.anchor_position, anchor.anchor_hash) == (
        november_head.position,
        november_head.hash,
    )
    out = verify_log("--month", "2026-12")
    assert out.startswith("OK, 2 rader kontrollert.")
    assert f"{december + 2}:" in out
    whole = verify_log()
    assert whole.startswith("OK, 6 rader kontrollert.")
    assert f"2026-11: {november_head}" in whole


def test_a_late_row_of_last_month_is_sealed_into_last_months_chain(world, in_november):
    logchain.seal()
    in_november.move_to(dt.datetime(2026, 12, 1, 0, 0, 5, tzinfo=dt.UTC))
    log_view(world, "desember")
    logchain.seal()
    # A transaction that began in November commits after December's chain began.
    late = AccessLogEntry.objects.create(
        at=dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC),
        municipality_id=world["persons"][0].municipality_id,
        username="sen",
        person=world["persons"][0],
        action=Action.VIEW,
        granted=True,
    )

    assert logchain.seal() == 1

    assert AccessLogEntry.objects.get(pk=late.pk).chain_position == N + 5
    assert verify_log("--month", "2026-11").startswith("OK, 5 rader kontrollert.")
    assert verify_log().startswith("OK, 6 rader kontrollert.")


def test_a_month_verified_alone_finds_its_anchor_gone_from_the_month_before(world, in_november):
    logchain.seal()
    in_november.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    log_view(world, "desember")
    logchain.seal()
    triggers_off()
    sql(f"DELETE FROM {TABLE} WHERE chain_position = %s", [N + 4])

    message = broken("--month", "2026-12")

    assert f"forankret i posisjon {N + 4} i kjeden før" in message
    # The November chain alone is a valid, shorter chain: the anchor is what shows the cut.
    assert verify_log("--month", "2026-11").startswith("OK, 3 rader kontrollert.")


def test_a_changed_or_deleted_anchor_is_found(world, in_november):
    logchain.seal()
    in_november.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    log_view(world, "desember")
    logchain.seal()
    anchor = LogChainAnchor.objects.get(month=DECEMBER)

    LogChainAnchor.objects.filter(pk=anchor.pk).update(anchor_hash="f" * 64)
    assert "forankret i posisjon" in broken("--month", "2026-12")

    LogChainAnchor.objects.filter(pk=anchor.pk).delete()
    assert "2026-12 mangler sitt ankerpunkt" in broken()


def test_rows_sealed_before_monthly_chains_still_verify_and_anchor_the_first_month(world):
    """The legacy chain: positions 1, 2, 3, ... across months, as sealed before
    migration access/0009. Nothing is rewritten; it verifies as before."""
    rows = list(AccessLogEntry.objects.order_by("id").values_list(*logchain.FIELDS))
    chain = logchain.GENESIS
    for position, row in enumerate(rows[:3], start=1):
        chain = logchain.link(chain, position, row)
        sql(
            f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s WHERE id = %s",
            [chain, position, row[0]],
        )

    assert logchain.seal() == 1

    anchor = LogChainAnchor.objects.get(month=NOVEMBER)
    assert (anchor.anchor_position, anchor.anchor_hash) == (3, chain)
    assert sorted(positions()) == [1, 2, 3, N + 1]
    out = verify_log()
    assert out.startswith("OK, 4 rader kontrollert.")
    assert f"før månedskjeder: 3:{chain}" in out
    triggers_off()
    sql(f"UPDATE {TABLE} SET what = 'endret' WHERE chain_position = 2")
    assert "i posisjon 2 stemmer ikke med kjeden" in broken()


def test_the_sealing_update_is_the_only_update_and_it_must_leave_every_column_alone(world):
    entry = AccessLogEntry.objects.order_by("id").first()
    for name in logchain.FIELDS:
        with pytest.raises(DatabaseError), transaction.atomic():
            sql(
                f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s, {name} = %s "
                "WHERE id = %s",
                ["a" * 64, 1, _other_value(entry, name), entry.pk],
            )
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", ["a" * 64, entry.pk])
    sql(
        f"UPDATE {TABLE} SET chain_hash = %s, chain_position = %s WHERE id = %s",
        ["a" * 64, 1, entry.pk],
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", ["b" * 64, entry.pk])


def test_the_chain_and_the_triggers_cover_every_column_of_the_access_log():
    """A new column must be added to logchain.FIELDS and to the SQLite trigger
    (a new access migration) on purpose, or a change to it would go unnoticed."""
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
    assert columns == set(logchain.FIELDS) | CHAIN_COLUMNS
    model_columns = {f.column for f in AccessLogEntry._meta.concrete_fields}
    assert model_columns == columns
