import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.cooperation import services
from helhet.cooperation.models import CooperationRoutine
from helhet.cooperation.tests.builders import person
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db


def _routine(owner, units, review_due=dt.date(2027, 1, 1)):
    routine = CooperationRoutine.objects.create(
        municipality=units[0].municipality,
        title="Samarbeid " + " og ".join(u.name for u in units),
        content="Hvem gjør hva.",
        owner=owner,
        approved_by="Kommunalsjef",
        approved_on=dt.date(2025, 1, 1),
        version="1.0",
        review_due=review_due,
    )
    routine.units.set(units)
    return routine


def _setup():
    muni = testing.municipality()
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV")
    mental = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse")
    home = testing.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    housing = testing.unit(muni, Unit.Kind.HOUSING, name="Boligkontoret")
    leader = testing.staff(nav, Role.LEADER)
    return muni, nav, mental, home, housing, leader


def test_units_sharing_persons_without_a_routine_are_flagged():
    muni, nav, mental, home, housing, leader = _setup()
    for _ in range(2):
        p = person(muni)
        testing.service(p, nav)
        testing.service(p, mental)
    p = person(muni)
    testing.service(p, mental)
    testing.service(p, home)
    # A service that has ended does not make units share a person.
    p = person(muni)
    testing.service(p, nav)
    testing.service(p, housing, valid_to=dt.date(2021, 1, 1))
    # A person in another municipality does not count.
    other = testing.municipality()
    testing.service(person(other), testing.unit(other))

    gaps = services.routine_overview(municipality=muni, today=dt.date(2026, 6, 1))["gaps"]
    assert gaps == [(nav, mental, 2), (mental, home, 1)]

    _routine(leader, [nav, mental, housing])
    gaps = services.routine_overview(municipality=muni, today=dt.date(2026, 6, 1))["gaps"]
    assert gaps == [(mental, home, 1)]


def test_a_unit_of_a_host_municipality_sharing_a_person_is_a_gap_not_an_error():
    """Vertskommune: a person of this municipality served by another
    municipality's unit; the pair needs a routine like any other."""
    muni, nav, mental, home, housing, leader = _setup()
    host = testing.municipality(name="Vertskommune")
    host_unit = testing.unit(host, Unit.Kind.MENTAL_HEALTH, name="Felles DPS-team")
    p = person(muni)
    testing.service(p, nav)
    testing.service(p, host_unit)

    gaps = services.routine_overview(municipality=muni, today=dt.date(2026, 6, 1))["gaps"]

    assert gaps == [(nav, host_unit, 1)]


def test_the_pair_computation_takes_constant_queries(django_assert_max_num_queries):
    muni, nav, mental, home, housing, leader = _setup()
    units = [nav, mental, home, housing]
    for i in range(30):
        p = person(muni)
        testing.service(p, units[i % 4])
        testing.service(p, units[(i + 1) % 4])
    _routine(leader, [nav, mental])
    with django_assert_max_num_queries(5):
        overview = services.routine_overview(municipality=muni, today=dt.date(2026, 6, 1))
        assert len(overview["gaps"]) == 3


@time_machine.travel("2026-06-01 10:00 +0200", tick=False)
def test_the_routine_page_shows_gaps_and_routines_past_review(client):
    muni, nav, mental, home, housing, leader = _setup()
    p = person(muni)
    testing.service(p, mental)
    testing.service(p, home)
    _routine(leader, [nav, mental], review_due=dt.date(2026, 5, 1))
    _routine(leader, [home, housing], review_due=dt.date(2026, 12, 1))
    client.force_login(leader)
    page = client.get("/samarbeid/rutiner/").content.decode()
    gaps = page.split("Enheter som deler personer uten samarbeidsrutine")[1].split("<h2>")[0]
    assert "Hjemmetjenesten" in gaps and "Psykisk helse" in gaps and "NAV" not in gaps
    assert page.count("Revisjon forfalt") == 1


def test_a_routine_needs_two_parties_and_a_manager(client):
    muni, nav, mental, home, housing, leader = _setup()
    client.force_login(leader)
    data = {
        "title": "Samarbeid NAV og psykisk helse",
        "units": [nav.pk],
        "content": "Faste møter hver måned.",
        "approved_by": "Kommunalsjef",
        "approved_on": "2026-01-10",
        "version": "1.0",
        "review_due": "2027-01-10",
    }
    response = client.post("/samarbeid/rutiner/ny/", data)
    assert response.status_code == 400
    assert "minst to parter" in response.content.decode()
    assert not CooperationRoutine.objects.exists()
    assert (
        client.post("/samarbeid/rutiner/ny/", data | {"units": [nav.pk, mental.pk]}).status_code
        == 302
    )
    assert CooperationRoutine.objects.get().owner == leader

    provider = testing.staff(nav, Role.SERVICE_PROVIDER)
    client.force_login(provider)
    assert client.get("/samarbeid/rutiner/ny/").status_code == 403
