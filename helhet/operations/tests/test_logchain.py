"""The access log's hash chain finds a changed or deleted row (issue 10)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.operations import logchain

pytestmark = pytest.mark.django_db
TABLE = logchain.TABLE
CHAIN_COLUMNS = {"chain_hash", "chain_position"}


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
    assert f"Siste kjedeverdi (lagre utenfor serveren): 4:{head.hash}" in out
    assert sorted(positions()) == [1, 2, 3, 4]
    assert logchain.unsealed() == 0
    # Later rows continue the chain; the head kept earlier is still in it.
    gate.check(world["user"], world["persons"][0], Action.VIEW, category=gate.BASIC, what="igjen")
    assert verify_log("--head", str(head)).startswith("OK, 5 rader kontrollert.")


def test_rows_are_chained_in_sealing_order_and_each_is_sealed_once(world):
    call_command("seal-log", stdout=io.StringIO())
    gate.log_many(world["user"], world["persons"], Action.LIST, what="oversikt")

    assert logchain.seal() == 3
    assert logchain.seal() == 0
    assert sorted(positions()) == [1, 2, 3, 4, 5, 6, 7]
    sealed = AccessLogEntry.objects.get(chain_position=5)
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
    entry = AccessLogEntry.objects.get(chain_position=2)
    triggers_off()
    sql(f"UPDATE {TABLE} SET {name} = %s WHERE id = %s", [_other_value(entry, name), entry.pk])

    message = broken()

    assert f"rad id {entry.pk} i posisjon 2 stemmer ikke med kjeden" in message


def test_a_changed_chain_value_is_found(world):
    logchain.seal()
    entry = AccessLogEntry.objects.get(chain_position=3)
    triggers_off()
    sql(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", ["0" * 64, entry.pk])

    assert f"rad id {entry.pk} i posisjon 3" in broken()


def test_a_deleted_row_is_found(world):
    logchain.seal()
    chain = positions()
    triggers_off()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[2]])

    message = broken()

    assert "posisjon 2 finnes ikke" in message
    assert f"Neste rad er id {chain[3]} i posisjon 3" in message


def test_rows_deleted_from_the_end_or_a_rewritten_chain_are_found_with_the_kept_head(world):
    logchain.seal()
    kept = logchain.head()
    triggers_off()
    sql(f"DELETE FROM {TABLE} WHERE chain_position = 4")
    # Without the head kept off the host, a cut-off tail looks like a shorter log.
    assert verify_log().startswith("OK, 3 rader kontrollert.")

    assert "kjeden slutter i posisjon 3" in broken("--head", str(kept))

    # A new row takes position 4 again, with another hash.
    gate.check(world["user"], world["persons"][0], Action.VIEW, category=gate.BASIC, what="ny")
    assert "stemmer ikke med den som ble lagret" in broken("--head", str(kept))


def test_a_malformed_head_is_refused():
    with pytest.raises(CommandError, match="POSISJON:SHA256") as refused:
        verify_log("--head", "12:ikke-en-hash")
    assert refused.value.returncode == 2


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
