"""Malformed paging, counts and bodies get a Norwegian 400, never a server error."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.api import tokens
from helhet.api.fhir_import import MAX_BUNDLE_ENTRIES
from helhet.api.parsers import MAX_DEPTH
from helhet.organisation.models import Role
from helhet.people.models import Person

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"
LISTS = [
    "persons",
    "plans",
    "consents",
    "groups",
    "meetings",
    "applications",
    "decisions",
    "mappings",
    "deviations",
]
BAD_PAGING = [
    {"offset": "9223372036854775808"},
    {"offset": "99999999999999999999999"},
    {"offset": "-1"},
    {"offset": "1.5"},
    {"offset": "²"},
    {"offset": "٣"},
    {"offset": " 3"},
    {"limit": "9223372036854775808"},
    {"limit": "0"},
    {"limit": "-5"},
    {"limit": "abc"},
    {"limit": "²"},
]


@pytest.fixture
def ke(db):
    return t.staff(t.unit(t.municipality(), kind="ke"), Role.COORDINATING_UNIT)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


@pytest.mark.parametrize("name", LISTS)
def test_every_list_refuses_bad_paging_with_a_norwegian_400(ke, name):
    client = _client(ke)
    for params in BAD_PAGING:
        response = client.get(reverse(f"api:{name}"), params)
        assert response.status_code == 400, (name, params, response.status_code)
        [(field, [message])] = response.json().items()
        assert field in params and "heltall" in message


@pytest.mark.parametrize("name", LISTS)
def test_every_list_pages_within_the_bounds(ke, name):
    response = _client(ke).get(reverse(f"api:{name}"), {"offset": "1000000", "limit": "200"})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("count", ["²", "٣", "-1", "0", "201", "9223372036854775808", "x", ""])
def test_fhir_count_must_be_an_ascii_integer(ke, count):
    response = _client(ke).get(reverse("fhir:patients"), {"_count": count})
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "Må være et heltall" in body["issue"][0]["diagnostics"]


def _deep(depth: int):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_json_to_fhir_is_a_400(ke, depth):
    response = _client(ke).generic("POST", reverse("fhir:base"), _deep(depth), FHIR_JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "nøstet for dypt" in body["issue"][0]["diagnostics"]


def test_deeply_nested_json_to_the_rest_api_is_a_400(ke):
    body = '{"goals": ' + _deep(100_000) + "}"
    response = _client(ke).generic(
        "PATCH", reverse("api:plan", kwargs={"plan_id": 1}), body, "application/json"
    )
    assert response.status_code in (400, 404)
    assert response.status_code != 500


def test_a_too_large_body_is_refused(ke, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"resourceType": "Bundle", "type": "transaction", "x": "a" * 2000})
    response = _client(ke).generic("POST", reverse("fhir:base"), body, FHIR_JSON)
    assert response.status_code == 413
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_transaction_bundle_has_a_limit_and_nothing_is_written(ke):
    entry = {
        "resource": {
            "resourceType": "Patient",
            "identifier": [{"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "x"}],
        },
        "request": {"method": "POST", "url": "Patient"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry] * (MAX_BUNDLE_ENTRIES + 1),
    }
    response = _client(ke).generic("POST", reverse("fhir:base"), json.dumps(bundle), FHIR_JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert f"høyst {MAX_BUNDLE_ENTRIES} i én transaksjon" in body["issue"][0]["diagnostics"]
    assert not Person.objects.exists()
