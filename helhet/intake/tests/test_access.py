"""Every intake URL that takes an id reaches the person through the gate:
a staff member without a basis is refused, and the refusal is logged."""

import datetime as dt
import importlib
import re

import pytest
from django.urls import get_resolver

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.access.registry import NOT_PERSON_KWARGS, PERSON_KWARGS
from helhet.intake import access, services
from helhet.intake.tests.builders import application, decision
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


def intake_patterns():
    for pattern in get_resolver("helhet.intake.urls").url_patterns:
        yield str(pattern.pattern)


def test_every_url_kwarg_is_registered():
    for route in intake_patterns():
        for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route):
            assert kwarg in PERSON_KWARGS or kwarg in NOT_PERSON_KWARGS, (route, kwarg)


@pytest.mark.parametrize("route", [r for r in intake_patterns() if "_id>" in r])
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_basis_means_refused_and_logged(client, world, route, method):
    person = testing.person(world.muni)
    ids = {}
    for kwarg in re.findall(r"<(?:\w+:)?(\w+_id)>", route):
        if kwarg in PERSON_KWARGS:
            module, function = PERSON_KWARGS[kwarg].sample.split(":")
            ids[kwarg] = getattr(importlib.import_module(module), function)(person, ids)
    if "staff_id" in route:
        ids["staff_id"] = world.users.provider.staff.pk
    path = "/inntak/" + re.sub(
        r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), "kvittering")), route
    )
    stranger = testing.staff(testing.unit(world.muni), Role.SERVICE_PROVIDER)
    client.force_login(stranger)
    response = getattr(client, method)(path)
    assert response.status_code in (403, 404), path
    if ids and "staff_id" not in ids:
        assert AccessLogEntry.objects.filter(person=person, granted=False, flagged=True).exists()


def test_registry_functions_answer_none_for_unknown_or_bad_ids(world):
    app = application(world)
    d = decision(world, app)
    assert access.person_id_for_application_id(app.pk) == app.person_id
    assert access.person_id_for_decision_id(str(d.pk)) == app.person_id
    assert access.person_id_for_application_id("abc") is None
    assert access.person_id_for_request_id(999999) is None


def test_work_list_queries_do_not_grow_with_cases(client, world, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            app = application(world, received_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 20))
            if i % 2:
                decision(world, app, period_from=dt.date(2025, 2, 1))

    client.force_login(world.users.caseworker)
    make(3)
    with django_assert_max_num_queries(20):
        client.get("/inntak/arbeidsliste/")
    make(30)
    with django_assert_max_num_queries(20):
        page = client.get("/inntak/arbeidsliste/")
    assert len(services.work_items(user=world.users.caseworker, today=dt.date(2025, 3, 1))) > 30
    assert page.status_code == 200


def test_case_list_counts_up_to_a_bound_and_says_more_than_past_it(client, world, monkeypatch):
    for i in range(6):
        application(world, received_on=dt.date(2025, 1, 1) + dt.timedelta(days=i))
    client.force_login(world.users.caseworker)
    exact = client.get("/inntak/").content.decode()
    assert "Side 1 av" not in exact  # one page of 50: no pager

    monkeypatch.setattr("helhet.core.counting.BOUND", 2)
    monkeypatch.setattr("helhet.intake.views.CASES_PER_PAGE", 2)
    bounded = client.get("/inntak/").content.decode()
    assert "Side 1 av mer enn 1 (mer enn 2 i alt)" in bounded
    assert "side=2" in bounded
    last = client.get("/inntak/", {"side": "3"}).content.decode()
    assert "Side 3 av 3 (6 i alt)" in last
