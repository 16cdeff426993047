"""Every URL in the project that takes the id of person-owned data refuses a
user without a basis — and logs the refusal.

The patterns are read from the URL resolver, so views other apps add later
are covered without touching this file: their keyword arguments must be
registered in ``helhet.access.registry`` (see its docstring), or this test
fails and says which.
"""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.access.tests.urlwalk import (
    ALL,
    PERSON_URLS,
    UNKNOWN_ID,
    declared,
    is_person,
    url_for,
    value_for,
)
from helhet.organisation.models import Role

_born = itertools.count()


def test_every_url_kwarg_is_declared():
    unknown = sorted(
        f"{name} <{arg}>" for name, kwargs in ALL for arg in kwargs if declared(name, arg) is None
    )
    assert unknown == [], (
        "Register these URL kwargs in helhet.access.registry (register_person_kwarg or "
        "register_not_person_kwarg in your AppConfig.ready()): " + ", ".join(unknown)
    )


def test_kwargs_declared_within_another_come_with_it():
    orphans = sorted(
        f"{name} <{arg}> without <{declared(name, arg).within}>"
        for name, kwargs in ALL
        for arg in kwargs
        if getattr(declared(name, arg), "within", None) and declared(name, arg).within not in kwargs
    )
    assert orphans == []


def test_the_walker_sees_the_known_person_urls():
    names = {n for n, _k in PERSON_URLS}
    assert {"people:detail", "plans:detail", "consent:detail", "access:person_log"} <= names


@pytest.fixture
def outsider_world(db):
    muni = t.municipality()
    outsider = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    return muni, outsider


@pytest.mark.parametrize(("name", "kwargs"), PERSON_URLS, ids=[n for n, _k in PERSON_URLS])
def test_person_url_refuses_and_logs_a_user_without_basis(client, outsider_world, name, kwargs):
    muni, outsider = outsider_world
    person = t.person(muni, born=dt.date(1960, 1, 1) + dt.timedelta(days=next(_born)))
    url = url_for(name, kwargs, person)
    client.force_login(outsider)
    statuses = {}
    for method in ("get", "post"):
        before = AccessLogEntry.objects.filter(person=person, granted=False).count()
        response = getattr(client, method)(url)
        statuses[method] = response.status_code
        assert response.status_code in (403, 404, 405), (
            f"{method.upper()} {name} gave {response.status_code} to a user without basis"
        )
        if response.status_code != 405:
            refused = AccessLogEntry.objects.filter(person=person, granted=False).count()
            assert refused > before, f"{method.upper()} {name} refused without logging it"
    assert set(statuses.values()) != {405}


@pytest.mark.parametrize(("name", "kwargs"), PERSON_URLS, ids=[n for n, _k in PERSON_URLS])
def test_person_url_answers_404_for_unknown_ids(client, outsider_world, name, kwargs):
    _muni, outsider = outsider_world
    values = {
        arg: UNKNOWN_ID if is_person(name, arg) else value_for(name, kwargs, arg, None, {})
        for arg in kwargs
    }
    client.force_login(outsider)
    response = client.get(reverse(name, kwargs=values))
    assert response.status_code in (404, 405)


@pytest.mark.parametrize(("name", "kwargs"), PERSON_URLS, ids=[n for n, _k in PERSON_URLS])
def test_person_url_sends_anonymous_users_to_login(client, outsider_world, name, kwargs):
    muni, _outsider = outsider_world
    person = t.person(muni, born=dt.date(1930, 1, 1) + dt.timedelta(days=next(_born)))
    response = client.get(url_for(name, kwargs, person))
    assert response.status_code in (302, 403, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
