"""Name and number search through an index (helhet/people/search.py)."""

import pytest
from django.db import connection

from helhet import testing as t
from helhet.people import search
from helhet.people.models import Person


@pytest.fixture
def people():
    muni = t.municipality()
    return {
        "odegard": t.person(muni, given_name="Åse", family_name="Ødegård"),
        "nordmann": t.person(muni, given_name="Ola", family_name="Nordmann"),
        "hansen": t.person(muni, given_name="Ola Martin", family_name="Hansen-Berg"),
    }


def found(query: str) -> set[str]:
    return set(Person.objects.filter(search.names_q(query)).values_list("family_name", flat=True))


@pytest.mark.django_db
def test_a_name_is_found_by_any_part_of_it_whatever_the_case_also_for_aeoa(people):
    assert found("ødeg") == {"Ødegård"}
    assert found("ØDEGÅRD") == {"Ødegård"}
    assert found("åse") == {"Ødegård"}
    assert found("berg") == {"Hansen-Berg"}
    assert found("ola") == {"Nordmann", "Hansen-Berg"}


@pytest.mark.django_db
def test_every_word_must_match_the_given_or_the_family_name(people):
    assert found("ola nord") == {"Nordmann"}
    assert found("ola ødeg") == set()
    assert found("martin hansen") == {"Hansen-Berg"}


@pytest.mark.django_db
def test_words_too_short_for_the_index_are_still_matched(people):
    assert found("ol") == {"Nordmann", "Hansen-Berg"}


@pytest.mark.django_db
def test_the_index_follows_renames_and_deletions(people):
    people["nordmann"].family_name = "Fjellheim"
    people["nordmann"].save()
    assert found("nordmann") == set()
    assert found("fjellh") == {"Fjellheim"}
    people["odegard"].delete()
    assert found("ødeg") == set()


@pytest.mark.django_db
def test_identity_numbers_are_found_by_their_start(people):
    number = people["nordmann"].national_id
    hits = Person.objects.filter(search.national_id_q(number[:6]))
    assert people["nordmann"] in hits
    assert set(Person.objects.filter(search.national_id_q(number))) == {people["nordmann"]}
    assert not Person.objects.filter(search.national_id_q("99999999999")).exists()


@pytest.mark.django_db
def test_the_name_search_uses_the_index(people):
    sql, params = (
        Person.objects.filter(search.names_q("nordmann")).values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "people_person_family_trgm" in plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE" in plan


@pytest.mark.django_db
def test_sqlite_puts_the_index_back_when_a_migration_dropped_its_triggers(people):
    if connection.vendor != "sqlite":
        assert search.ensure_sqlite_index() is False  # nothing to keep on PostgreSQL
        return
    assert search.ensure_sqlite_index() is False  # all in place
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER people_person_name_au")
    assert search.ensure_sqlite_index() is True
    people["nordmann"].family_name = "Fjellheim"
    people["nordmann"].save()
    assert found("fjellh") == {"Fjellheim"}


@pytest.mark.django_db(transaction=True)
def test_a_restore_puts_the_sqlite_name_index_back(people, tmp_path):
    from helhet.operations import backup

    if connection.vendor != "sqlite":
        assert search.ensure_sqlite_index() is False  # PostgreSQL's index is in the dump
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER people_person_name_ai")
    archive = tmp_path / "backup.tar.gz"
    backup.create(archive)
    backup.restore(archive, confirm=lambda manifest: True)
    t.person(people["nordmann"].municipality, given_name="Ny", family_name="Fjellstad")
    assert found("fjellst") == {"Fjellstad"}
