"""The coordinator picker shows how many persons each candidate already
coordinates, and warns above the municipality's own limit (not law)."""

import datetime as dt
import html

import pytest
import time_machine

from helhet import testing
from helhet.coordination.models import (
    CoordinatorAssignment,
    CoordinatorCaseloadSetting,
    caseload_warning,
)
from helhet.intake.tests.test_coordinator_requests import assign, granted  # noqa: F401
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


def coordinating(world, user, n, ended=0):
    for i in range(n + ended):
        CoordinatorAssignment.objects.create(
            person=testing.person(world.muni, born=dt.date(1960, 1, 1) + dt.timedelta(days=i)),
            offered_on=dt.date(2024, 1, 1),
            coordinator=user,
            ended_on=dt.date(2024, 6, 1) if i >= n else None,
        )


def request_page(client, world, granted):  # noqa: F811
    assign(client, world, granted)
    a = CoordinatorAssignment.objects.get(intake_decision=granted)
    client.force_login(world.users.provider_head)
    return a, html.unescape(client.get(f"/inntak/koordinator/{a.pk}/").content.decode())


def test_each_candidate_shows_how_many_persons_they_coordinate_now(client, world, granted):  # noqa: F811
    coordinating(world, world.users.provider, 3, ended=2)
    _a, page = request_page(client, world, granted)
    # Ended responsibilities do not count.
    assert (
        "Test Hjemmesykepleier – Tjenesteyter, Hjemmetjenesten (ingen registrert opplæring) – koordinator for 3 personer"
        in page
    )
    assert "over kommunens grense" not in page.split("Test Hjemmesykepleier")[1].split("<")[0]


def test_above_the_default_limit_of_ten_the_candidate_is_marked(client, world, granted):  # noqa: F811
    coordinating(world, world.users.provider, 10)
    _a, page = request_page(client, world, granted)
    assert "koordinator for 10 personer, over kommunens grense på 10" in page


def test_the_municipalitys_own_limit_applies_and_naming_warns_but_is_not_refused(
    client,
    world,
    granted,  # noqa: F811
):
    CoordinatorCaseloadSetting.objects.create(municipality=world.muni, warn_above=2)
    coordinating(world, world.users.provider, 2)
    a, page = request_page(client, world, granted)
    assert "koordinator for 2 personer, over kommunens grense på 2" in page
    response = client.post(
        f"/inntak/koordinator/{a.pk}/oppnevn/",
        {"coordinator": world.users.provider.pk, "named_on": "2025-03-10"},
        follow=True,
    )
    a.refresh_from_db()
    assert a.coordinator == world.users.provider
    text = html.unescape(response.content.decode())
    assert "Koordinatoren er oppnevnt." in text
    assert "er nå koordinator for 3 personer, flere enn kommunens grense på 2." in text


def test_another_municipalitys_limit_never_applies(world):
    other = testing.municipality(name="Nabo")
    CoordinatorCaseloadSetting.objects.create(municipality=other, warn_above=3)
    assert caseload_warning(world.muni.pk) == 10
    assert caseload_warning(other.pk) == 3


def test_the_coordinating_unit_sets_the_limit_and_bad_input_changes_nothing(client, world):
    client.force_login(world.users.ke)
    page = client.get("/koordinering/rutiner/").content.decode()
    assert 'value="10"' in page
    response = client.post("/koordinering/rutiner/koordinatorgrense/", {"warn_above": "0"})
    assert response.status_code == 400
    assert "Grensen må være minst 1." in response.content.decode()
    assert not CoordinatorCaseloadSetting.objects.exists()
    response = client.post("/koordinering/rutiner/koordinatorgrense/", {"warn_above": "8"})
    assert response.status_code == 302
    assert caseload_warning(world.muni.pk) == 8
    # Only the coordinating unit may change it.
    client.force_login(testing.staff(world.units.provider, Role.LEADER))
    response = client.post("/koordinering/rutiner/koordinatorgrense/", {"warn_above": "50"})
    assert response.status_code == 403
    assert caseload_warning(world.muni.pk) == 8
