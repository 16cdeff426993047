"""A municipality's own routines are data, not law: set per municipality by the
coordinating unit, cited by their own name, and never another municipality's."""

import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.coordination.models import LocalRoutine, naming_routine
from helhet.core.legal import REFERENCES
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


def ke_user(muni):
    return testing.staff(testing.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)


def test_the_law_table_names_no_municipalitys_routine():
    assert not any("kommunes rutine" in text.lower() for text in REFERENCES.values())
    assert REFERENCES["coordinator_naming"] == "helse- og omsorgstjenesteloven §§ 7-2 og 7-3"


def test_the_coordinating_unit_sets_its_municipalitys_own_deadline(client):
    muni = testing.municipality(name="Fjordvik")
    client.force_login(ke_user(muni))
    page = client.get("/koordinering/rutiner/").content.decode()
    assert "Kommunen har ikke satt en egen frist." in page
    response = client.post(
        "/koordinering/rutiner/",
        {"days": "10", "name": "Fjordvik kommunes rutine for koordinator", "adopted_on": ""},
    )
    assert response.status_code == 302
    routine = naming_routine(muni.pk)
    assert (routine.days, routine.name) == (10, "Fjordvik kommunes rutine for koordinator")
    assert "innen 10 dager" in client.get("/koordinering/rutiner/").content.decode()


def test_a_deadline_without_the_routines_name_is_refused_and_nothing_saved(client):
    muni = testing.municipality()
    client.force_login(ke_user(muni))
    response = client.post("/koordinering/rutiner/", {"days": "14", "name": " "})
    assert response.status_code == 400
    assert "Skriv navnet på kommunens egen rutine" in response.content.decode()
    assert not LocalRoutine.objects.exists()


def test_clearing_the_days_removes_the_local_deadline(client):
    muni = testing.municipality()
    LocalRoutine.objects.create(
        municipality=muni, kind=LocalRoutine.Kind.COORDINATOR_NAMING, days=14, name="R"
    )
    client.force_login(ke_user(muni))
    client.post("/koordinering/rutiner/", {"days": "", "name": ""})
    assert naming_routine(muni.pk) is None


def test_only_the_coordinating_unit_may_change_the_routines(client):
    muni = testing.municipality()
    client.force_login(testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER))
    response = client.post("/koordinering/rutiner/", {"days": "3", "name": "Egen"})
    assert response.status_code == 403
    assert not LocalRoutine.objects.exists()


def test_one_municipalitys_routine_never_applies_to_another():
    nes, fjordvik = testing.municipality(name="Nes"), testing.municipality(name="Fjordvik")
    LocalRoutine.objects.create(
        municipality=nes, kind=LocalRoutine.Kind.COORDINATOR_NAMING, days=14, name="Nes' rutine"
    )
    assert naming_routine(nes.pk).name == "Nes' rutine"
    assert naming_routine(fjordvik.pk) is None
