"""Compliance results over the API: audit's report as counts, for the roles
that see the compliance page, for their own municipality only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.api.tests.test_rest_mappings import client_for
from helhet.audit.criteria import CRITERIA
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db

URL = "api:compliance"


def test_every_criterion_with_its_legal_basis_and_units(demo):
    response = demo.client("leder").get(reverse(URL), {"start": "2025-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == ("2025-01-01", "2026-06-30")
    assert [c["id"] for c in body["criteria"]] == [c.id for c in CRITERIA]
    first = body["criteria"][0]
    assert first["title"] and first["legal_basis"]
    assert sum(c["met"] + c["not_met"] for c in body["criteria"]) > 0
    assert any(c["units"] for c in body["criteria"])
    unit_row = next(c["units"][0] for c in body["criteria"] if c["units"])
    assert set(unit_row) == {"unit", "name", "met", "not_met", "not_applicable"}


def test_aggregates_only_no_person(demo):
    text = demo.client("revisor").get(reverse(URL)).content.decode()
    person = demo.ctx.persons[0]
    assert person.family_name not in text
    assert person.national_id not in text
    assert '"person' not in text


def test_another_municipality_sees_its_own_counts(demo):
    elsewhere = t.municipality()
    leader = t.staff(t.unit(elsewhere), Role.LEADER)
    body = client_for(leader).get(reverse(URL)).json()
    assert all(c["met"] == c["not_met"] == 0 for c in body["criteria"])


@pytest.mark.parametrize("login", ["tjenesteyter", "koordinator", "admin"])
def test_roles_without_the_compliance_page_are_refused(demo, login):
    response = demo.client(login).get(reverse(URL))
    assert response.status_code == 403
    assert "Etterlevelsen" in response.json()["detail"]


def test_anonymous_is_refused():
    assert APIClient().get(reverse(URL)).status_code == 403


def test_a_default_start_before_the_calendar_begins_at_its_start(demo):
    response = demo.client("leder").get(reverse(URL), {"end": "0001-03-01"})
    assert response.status_code == 200
    assert response.json()["start"] == "0001-01-01"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "01.02.2026"}, "end"),
        ({"start": "2026-05-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_bad_periods_are_a_clear_400(demo, params, field):
    response = demo.client("leder").get(reverse(URL), params)
    assert response.status_code == 400
    assert field in response.json()
