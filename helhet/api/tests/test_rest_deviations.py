"""Deviations over the API: what quality's pages show the user, no more; who
a deviation concerns only through the gate."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessLogEntry, Action
from helhet.api.tests.test_rest_mappings import client_for
from helhet.organisation.models import Role, Unit
from helhet.quality import services as quality_services

pytestmark = pytest.mark.django_db


def deviation(reporter, unit, person=None, day=dt.date(2026, 2, 1), **fields):
    fields.setdefault("kind", "rutine")
    fields.setdefault("severity", "lav")
    return quality_services.report(
        user=reporter,
        person=person,
        unit=unit,
        title=fields.pop("title", "Rutine ikke fulgt"),
        description="Utskrivningsmelding kom ikke fram.",
        occurred_on=day,
        reported_on=day,
        **fields,
    )


@pytest.fixture
def world(db):
    muni = t.municipality()
    mine = t.unit(muni)
    other = t.unit(muni, kind=Unit.Kind.HOME_CARE)
    reporter = t.staff(mine, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, mine)
    return {
        "muni": muni,
        "mine": mine,
        "other": other,
        "reporter": reporter,
        "leader": t.staff(mine, Role.LEADER),
        "quality": t.staff(other, Role.QUALITY),
        "person": person,
        "about_person": deviation(reporter, mine, person),
        "theirs": deviation(t.staff(other), other, day=dt.date(2026, 3, 1), severity="alvorlig"),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_role_sees_what_the_pages_show(world):
    url = reverse("api:deviations")
    assert _ids(client_for(world["reporter"]).get(url)) == {world["about_person"].pk}
    assert _ids(client_for(world["leader"]).get(url)) == {world["about_person"].pk}
    everything = {world["about_person"].pk, world["theirs"].pk}
    assert _ids(client_for(world["quality"]).get(url)) == everything
    outsider = t.staff(world["other"], Role.SERVICE_PROVIDER)
    assert _ids(client_for(outsider).get(url)) == set()


def test_lists_say_only_whether_a_person_is_concerned(world):
    rows = client_for(world["quality"]).get(reverse("api:deviations")).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[world["about_person"].pk]["concerns_person"] is True
    assert by_id[world["theirs"].pk]["concerns_person"] is False
    assert all("person" not in row for row in rows)
    assert not AccessLogEntry.objects.filter(person=world["person"], action=Action.LIST).exists()


def test_detail_names_the_person_only_with_a_basis(world):
    found = world["about_person"]
    url = reverse("api:deviation", kwargs={"deviation_id": found.pk})
    with_basis = client_for(world["reporter"]).get(url).json()
    assert with_basis["person"] == world["person"].pk
    assert with_basis["person_name"] == world["person"].full_name
    assert AccessLogEntry.objects.filter(
        user=world["reporter"], person=world["person"], action=Action.VIEW, granted=True
    ).exists()
    without = client_for(world["quality"]).get(url).json()
    assert (without["person"], without["person_name"]) == (None, None)
    assert without["description"] == "Utskrivningsmelding kom ikke fram."
    # The handler needs the deviation, not the person: nothing read, nothing flagged.
    assert not AccessLogEntry.objects.filter(user=world["quality"]).exists()


def test_filters(world):
    client = client_for(world["quality"])
    url = reverse("api:deviations")
    assert _ids(client.get(url, {"unit": world["other"].pk})) == {world["theirs"].pk}
    assert _ids(client.get(url, {"reported_from": "2026-02-15"})) == {world["theirs"].pk}
    assert _ids(client.get(url, {"reported_to": "2026-02-15"})) == {world["about_person"].pk}
    assert _ids(client.get(url, {"severity": "alvorlig", "status": "meldt"})) == {
        world["theirs"].pk
    }
    bad = client.get(url, {"status": "ukjent", "reported_from": "15.02.2026"})
    assert bad.status_code == 400
    assert {"status", "reported_from"} <= set(bad.json())


def test_refusals(world):
    theirs = reverse("api:deviation", kwargs={"deviation_id": world["theirs"].pk})
    assert client_for(world["leader"]).get(theirs).status_code == 404
    elsewhere = t.municipality()
    foreign = deviation(t.staff(t.unit(elsewhere), Role.QUALITY), elsewhere.units.first())
    foreign_url = reverse("api:deviation", kwargs={"deviation_id": foreign.pk})
    assert client_for(world["quality"]).get(foreign_url).status_code == 404
    assert foreign.pk not in _ids(client_for(world["quality"]).get(reverse("api:deviations")))
    assert APIClient().get(reverse("api:deviations")).status_code == 403
    not_staff = APIClient()
    not_staff.force_authenticate(get_user_model().objects.create_user("uten-ansatt"))
    response = not_staff.get(reverse("api:deviations"))
    assert response.status_code == 403
    assert "ansatte" in response.json()["detail"]


def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(20):
        deviation(world["reporter"], world["mine"], world["person"], title=f"Avvik {n}")
    client = client_for(world["quality"])
    with django_assert_max_num_queries(6):
        assert len(_ids(client.get(reverse("api:deviations")))) == 22
