"""Housing in the REST API shows what the pages show, and logs it."""

from rest_framework.test import APIClient

from helhet.access.models import AccessLogEntry
from helhet.api import tokens
from helhet.housing.tests.builders import criteria, dwelling, waiting


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def test_the_housing_office_lists_its_applications_and_each_is_logged(world):
    criteria(world)
    application = waiting(world)
    response = _client(world.users.officer).get("/api/v1/housing/applications/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [application.pk]
    assert AccessLogEntry.objects.filter(
        person=application.person, user=world.users.officer, category="sosial"
    ).exists()


def test_other_units_see_no_housing_applications(world):
    criteria(world)
    waiting(world)
    response = _client(world.users.nav).get("/api/v1/housing/applications/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_dwellings_filter_and_bad_filters_are_refused(world):
    dwelling(world, kind="trygdebolig")
    dwelling(world, kind="utleiebolig", address="Elvegata 2")
    client = _client(world.users.mental)
    found = client.get("/api/v1/housing/dwellings/", {"kind": "trygdebolig"}).json()["results"]
    assert [d["address"] for d in found] == ["Bergtun 1"]
    assert client.get("/api/v1/housing/dwellings/", {"kind": "slott"}).status_code == 400
