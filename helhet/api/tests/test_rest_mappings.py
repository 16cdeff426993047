"""Needs mappings over the API: the gate's category "kartlegging", decided per
owning unit (hpl § 22), logged like the mapping pages."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessLogEntry, Action
from helhet.api import tokens
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.mapping.models import DomainScore, Mapping
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def mapping(person, unit, day=dt.date(2026, 3, 1)) -> Mapping:
    found = Mapping.objects.create(
        person=person,
        unit=unit,
        mapped_on=day,
        mapped_by_name="Kari Kartlegger",
        person_present=True,
        cares_for_children=Mapping.Children.NO,
    )
    DomainScore.objects.create(mapping=found, domain="bolig", level=3, note="Bor hos venner")
    return found


@pytest.fixture
def world(db):
    muni = t.municipality()
    mine = t.unit(muni)
    other = t.unit(muni, kind=Unit.Kind.HOME_CARE)
    user = t.staff(mine, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, mine)
    return {
        "muni": muni,
        "mine": mine,
        "other": other,
        "user": user,
        "person": person,
        "own": mapping(person, mine),
        "theirs": mapping(person, other, dt.date(2026, 4, 1)),
    }


def consent_for(person, unit) -> Consent:
    found = Consent.objects.create(
        person=person,
        purpose="Kartlegging",
        categories=[Category.MAPPING],
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2099, 12, 31),
        given_how=Consent.GivenHow.SIGNED,
    )
    ConsentScope.objects.create(consent=found, unit=unit, category=Category.MAPPING)
    return found


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_own_units_mappings_with_scores_and_logs_each_person(world):
    response = client_for(world["user"]).get(reverse("api:mappings"))
    assert _ids(response) == {world["own"].pk}
    row = response.json()["results"][0]
    assert row["scores"] == [{"domain": "bolig", "level": 3}]
    logged = AccessLogEntry.objects.get(user=world["user"], action=Action.LIST)
    assert (logged.person_id, logged.category, logged.granted) == (
        world["person"].pk,
        Category.MAPPING,
        True,
    )


def test_another_units_mapping_needs_the_persons_consent(world):
    client = client_for(world["user"])
    url = reverse("api:mappings")
    assert _ids(client.get(url, {"person": world["person"].pk})) == {world["own"].pk}
    detail = reverse("api:mapping", kwargs={"mapping_id": world["theirs"].pk})
    assert client.get(detail).status_code == 403
    consent = consent_for(world["person"], world["mine"])
    both = client.get(url, {"person": world["person"].pk})
    assert _ids(both) == {world["own"].pk, world["theirs"].pk}
    assert AccessLogEntry.objects.filter(
        user=world["user"], category=Category.MAPPING, consent=consent, granted=True
    ).exists()
    body = client.get(detail).json()
    assert body["scores"] == [{"domain": "bolig", "level": 3, "note": "Bor hos venner"}]


def test_filters_on_date_round_and_unit(world):
    client = client_for(world["user"])
    consent_for(world["person"], world["mine"])
    url = reverse("api:mappings")
    person = world["person"].pk
    april = {"person": person, "mapped_from": "2026-03-15", "mapped_to": "2026-12-31"}
    assert _ids(client.get(url, april)) == {world["theirs"].pk}
    assert _ids(client.get(url, {"person": person, "unit": world["mine"].pk})) == {world["own"].pk}
    assert _ids(client.get(url, {"round": 999999})) == set()
    bad = client.get(url, {"mapped_from": "1. mars"})
    assert bad.status_code == 400
    assert "mapped_from" in bad.json()


def test_without_basis_refused_and_logged(world):
    stranger = t.person(world["muni"])
    stranger_mapping = mapping(stranger, world["mine"])
    client = client_for(world["user"])
    detail = reverse("api:mapping", kwargs={"mapping_id": stranger_mapping.pk})
    assert client.get(detail).status_code == 403
    assert client.get(reverse("api:mappings"), {"person": stranger.pk}).status_code == 403
    refused = AccessLogEntry.objects.filter(person=stranger, granted=False, flagged=True)
    assert refused.count() == 2
    assert stranger_mapping.pk not in _ids(client.get(reverse("api:mappings")))


def test_another_municipality_and_anonymous(world):
    elsewhere = t.municipality()
    foreign = mapping(t.person(elsewhere), t.unit(elsewhere))
    client = client_for(world["user"])
    assert client.get(reverse("api:mapping", kwargs={"mapping_id": foreign.pk})).status_code == 404
    assert client.get(reverse("api:mappings"), {"person": foreign.person_id}).status_code == 404
    assert APIClient().get(reverse("api:mappings")).status_code == 403
    assert APIClient().get(reverse("api:mapping", kwargs={"mapping_id": 1})).status_code == 403


def test_a_role_without_person_access_sees_no_mappings(world):
    auditor = t.staff(world["mine"], Role.AUDITOR)
    client = client_for(auditor)
    assert _ids(client.get(reverse("api:mappings"))) == set()
    detail = reverse("api:mapping", kwargs={"mapping_id": world["own"].pk})
    assert client.get(detail).status_code == 403
    assert AccessLogEntry.objects.filter(user=auditor, granted=False, flagged=True).count() == 1


def test_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    client = client_for(world["user"])
    url = reverse("api:mappings")
    for _ in range(12):
        person = t.person(world["muni"])
        t.service(person, world["mine"])
        mapping(person, world["mine"])
        mapping(person, world["mine"], dt.date(2026, 5, 1))
    with django_assert_max_num_queries(10):
        assert len(_ids(client.get(url))) == 25
