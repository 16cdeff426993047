"""Persons and their representatives use Min side; every staff URL refuses them.

The URLs are read from the resolver (see urlwalk), so a new staff page, API
or FHIR endpoint is checked here without touching this file.
"""

import datetime as dt
import itertools

import pytest
from django.urls import resolve, reverse
from rest_framework.test import APIClient
from rest_framework.views import APIView

from helhet.access import staffonly
from helhet.access.models import AccessLogEntry
from helhet.access.tests.urlwalk import ALL, is_person, url_for
from helhet.organisation.models import Role
from helhet.portal.tests import builders

_born = itertools.count()


def _namespaces(name: str) -> list[str]:
    return name.split(":")[:-1]


STAFF_URLS = [(n, k) for n, k in ALL if staffonly.needs_staff(n, _namespaces(n))]


def _is_drf(name, kwargs) -> bool:
    view = resolve(reverse(name, kwargs=dict.fromkeys(kwargs, 1))).func
    return isinstance(getattr(view, "cls", None), type) and issubclass(view.cls, APIView)


# The API and FHIR views authenticate tokens themselves (DRF).
API_URLS = [(n, k) for n, k in STAFF_URLS if _is_drf(n, k)]


def test_the_staff_urls_include_pages_api_and_fhir():
    assert {"api:persons", "fhir:consents", "fhir:base"} <= {n for n, _k in API_URLS}
    names = {n for n, _k in STAFF_URLS}
    assert {
        "people:detail",
        "consent:person",
        "access:person_log",
        "api:persons",
        "fhir:consents",
        "portal:guardian_new",
    } <= names
    assert not names & {"portal:home", "portal:plan", "login", "cooperation:public_directory"}


@pytest.fixture
def portal_users(db):
    """The person with a login, and a relative whose proxy gives only
    «read plan» and «messages»."""
    world = builders.world(
        username="kari", born=dt.date(1985, 1, 1) + dt.timedelta(days=next(_born))
    )
    proxy, _representation = builders.proxy(world, read_plan=True, messages=True)
    return world, {"person": world.user, "proxy": proxy}


def _check(client, world, user, name, kwargs, methods=("get", "post")):
    url = url_for(name, kwargs, world.person)
    person_url = any(is_person(name, a) for a in kwargs)
    for method in methods:
        before = AccessLogEntry.objects.filter(person=world.person, granted=False).count()
        response = getattr(client, method)(url)
        assert response.status_code == 403, (
            f"{method.upper()} {name} gave {response.status_code} to {user.username}"
        )
        if person_url:
            entries = AccessLogEntry.objects.filter(person=world.person, granted=False)
            assert entries.count() > before, f"{method.upper()} {name}: refusal not logged"
            entry = entries.first()
            assert entry.flagged and entry.user == user


@pytest.mark.parametrize("who", ["person", "proxy"])
@pytest.mark.parametrize(("name", "kwargs"), STAFF_URLS, ids=[n for n, _k in STAFF_URLS])
def test_staff_url_refuses_portal_users_and_logs_it(client, portal_users, who, name, kwargs):
    world, users = portal_users
    client.force_login(users[who])
    _check(client, world, users[who], name, kwargs)


@pytest.mark.parametrize(("name", "kwargs"), API_URLS, ids=[n for n, _k in API_URLS])
def test_api_refuses_a_portal_user_authenticated_by_the_api_itself(portal_users, name, kwargs):
    # As a bearer token from ID-porten would: the page middleware sees no
    # user, the API's own permission must refuse.
    world, users = portal_users
    client = APIClient()
    client.force_authenticate(users["proxy"])
    _check(client, world, users["proxy"], name, kwargs, methods=("get",))


def test_refusal_is_in_norwegian_and_the_person_page_shows_nothing(client, portal_users):
    world, users = portal_users
    client.force_login(users["proxy"])
    response = client.get(f"/personer/{world.person.pk}/")
    text = response.content.decode()
    assert response.status_code == 403
    assert "Siden er for ansatte i kommunen" in text
    assert world.person.national_id not in text


def test_fhir_consent_search_refuses_a_proxy_with_an_operation_outcome(client, portal_users):
    world, users = portal_users
    client.force_login(users["proxy"])
    response = client.get(f"/fhir/r4/Consent?patient=Patient/{world.person.pk}")
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"
    assert "Siden er for ansatte" in response.json()["issue"][0]["diagnostics"]


def test_min_side_still_works_for_the_proxy_and_staff_pages_for_staff(client, portal_users):
    world, users = portal_users
    client.force_login(users["proxy"])
    assert client.get("/min-side/plan/").status_code == 200
    client.force_login(world.coordinator)
    assert client.get(f"/personer/{world.person.pk}/").status_code == 200


def test_a_staff_member_who_is_also_a_person_keeps_the_staff_pages(client, db):
    from helhet import testing as t

    muni = t.municipality()
    user = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    me = t.person(muni)
    me.user = user
    me.save()
    client.force_login(user)
    assert client.get("/personer/").status_code == 200
    assert client.get("/min-side/").status_code in (200, 302)
