"""Around the person over the REST API: the same gate, categories and log as
the person page (docs/around.md, docs/api.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.api import tokens
from helhet.around.models import ExternalService, GpMessage, Referral, RelativeNeed
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.organisation.models import Role, Unit
from helhet.people.models import Relative

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def world():
    muni = t.municipality()
    mine = t.unit(muni)
    other = t.unit(muni, kind=Unit.Kind.HOME_CARE)
    user = t.staff(mine, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, mine)

    def rows(unit, name):
        gp = ExternalService.objects.create(
            person=person,
            kind=ExternalService.Kind.GP,
            name=name,
            valid_from=dt.date(2020, 1, 1),
            unit=unit,
        )
        referral = Referral.objects.create(
            person=person,
            direction="sendt",
            service="dps",
            counterpart="DPS Fjordvik",
            sent_on=dt.date(2026, 2, 1),
            unit=unit,
        )
        message = GpMessage.objects.create(
            person=person, direction="til", gp=gp, sent_on=dt.date(2026, 3, 1), unit=unit
        )
        return gp, referral, message

    relative = Relative.objects.create(person=person, name="Mor Testesen", relation="forelder")
    needs = [
        RelativeNeed.objects.create(
            relative=relative, kind="avlastning", mapped_on=dt.date(2026, 3, 1), unit=unit
        )
        for unit in (mine, other)
    ]
    return {
        "muni": muni,
        "mine": mine,
        "other": other,
        "user": user,
        "person": person,
        "own": rows(mine, "Fjordvik legesenter"),
        "theirs": rows(other, "Annet legesenter"),
        "relative": relative,
        "needs": needs,
    }


LISTS = ["api:external_services", "api:referrals", "api:gp_messages"]


@pytest.mark.parametrize("index,name", list(enumerate(LISTS)))
def test_lists_show_own_units_rows_and_other_units_only_with_consent(world, index, name):
    client = client_for(world["user"])
    own, theirs = world["own"][index], world["theirs"][index]
    assert _ids(client.get(reverse(name))) == {own.pk}
    assert _ids(client.get(reverse(name), {"person": world["person"].pk})) == {own.pk}
    consent = Consent.objects.create(
        person=world["person"],
        purpose="Samarbeid",
        categories=[Category.HEALTH],
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2099, 12, 31),
        given_how=Consent.GivenHow.SIGNED,
    )
    # The consent lets *my* unit read health information from the others (hpl. § 22).
    ConsentScope.objects.create(consent=consent, unit=world["mine"], category=Category.HEALTH)
    assert _ids(client.get(reverse(name), {"person": world["person"].pk})) == {own.pk, theirs.pk}
    assert AccessLogEntry.objects.filter(person=world["person"], granted=True).exists()


@pytest.mark.parametrize(
    "name,kwarg,index",
    [
        ("api:external_service", "external_id", 0),
        ("api:referral", "referral_id", 1),
        ("api:gp_message", "gp_message_id", 2),
    ],
)
def test_details_open_the_own_unit_and_refuse_another_unit_without_consent(
    world, name, kwarg, index
):
    client = client_for(world["user"])
    own, theirs = world["own"][index], world["theirs"][index]
    response = client.get(reverse(name, kwargs={kwarg: own.pk}))
    assert response.status_code == 200 and response.json()["id"] == own.pk
    assert client.get(reverse(name, kwargs={kwarg: theirs.pk})).status_code == 403
    assert AccessLogEntry.objects.filter(person=world["person"], granted=False).count() == 1


def test_staff_without_a_relation_are_refused_and_logged(world):
    stranger = t.staff(t.unit(world["muni"]), Role.SERVICE_PROVIDER)
    client = client_for(stranger)
    for name in [*LISTS, "api:relatives"]:
        assert _ids(client.get(reverse(name))) == set()
        response = client.get(reverse(name), {"person": world["person"].pk})
        assert response.status_code == 403, name
    response = client.get(reverse("api:relative", kwargs={"relative_id": world["relative"].pk}))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(person=world["person"], granted=False).count() == 5


def test_relatives_carry_only_the_needs_the_gate_opens(world):
    client = client_for(world["user"])
    mine, other = world["needs"]
    response = client.get(reverse("api:relatives"), {"person": world["person"].pk})
    assert _ids(response) == {world["relative"].pk}
    row = response.json()["results"][0]
    assert row["name"] == "Mor Testesen"
    assert [n["id"] for n in row["needs"]] == [mine.pk]
    detail = client.get(reverse("api:relative", kwargs={"relative_id": world["relative"].pk}))
    assert [n["id"] for n in detail.json()["needs"]] == [mine.pk]
    assert other.pk not in [
        n["id"] for n in client.get(reverse("api:relatives")).json()["results"][0]["needs"]
    ]
