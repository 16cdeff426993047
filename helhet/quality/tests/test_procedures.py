"""Procedures: versioned, owned, reviewed, and acknowledged by staff."""

import pytest
from django.urls import reverse

from helhet import testing as t
from helhet.organisation.models import Role
from helhet.quality.models import Acknowledgement, Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    return muni, unit, t.staff(unit, Role.LEADER), t.staff(unit, Role.SERVICE_PROVIDER)


def create(client, leader, unit, **extra):
    client.force_login(leader)
    data = {
        "title": "Vold og trusler",
        "unit": unit.pk,
        "review_due": "01.03.2027",
        "content": "Ingen samtaler alene med kjent risiko.",
        "approved_on": "01.06.2026",
        **extra,
    }
    return client.post(reverse("quality:procedure_new"), data)


def test_leader_creates_a_procedure_with_a_first_version(client, world):
    _muni, unit, leader, _staff = world
    assert create(client, leader, unit).status_code == 302
    procedure = Procedure.objects.get()
    assert procedure.owner == leader
    assert list(procedure.versions.values_list("number", flat=True)) == [1]


def test_service_provider_cannot_create_or_change_procedures(client, world):
    _muni, unit, leader, staff = world
    assert create(client, staff, unit).status_code == 403
    create(client, leader, unit)
    client.force_login(staff)
    url = reverse("quality:procedure", args=[Procedure.objects.get().pk])
    response = client.post(url, {"content": "x", "change_note": "y", "approved_on": "01.06.2026"})
    assert response.status_code == 403


def test_bad_date_is_refused_and_nothing_saved(client, world):
    _muni, unit, leader, _staff = world
    response = create(client, leader, unit, review_due="31.02.2027")
    assert response.status_code == 200
    assert not Procedure.objects.exists()


def test_staff_acknowledge_and_a_new_version_asks_again(client, world):
    _muni, unit, leader, staff = world
    create(client, leader, unit)
    procedure = Procedure.objects.get()
    url = reverse("quality:procedure", args=[procedure.pk])
    client.force_login(staff)
    client.post(reverse("quality:acknowledge", args=[procedure.pk]))
    client.post(reverse("quality:acknowledge", args=[procedure.pk]))
    assert Acknowledgement.objects.filter(user=staff).count() == 1
    assert "Du har bekreftet at du har lest" in client.get(url).content.decode()
    client.force_login(leader)
    client.post(
        url, {"content": "Alarm alltid på.", "change_note": "Alarm", "approved_on": "10.06.2026"}
    )
    assert list(procedure.versions.values_list("number", flat=True)) == [2, 1]
    client.force_login(staff)
    listing = client.get(reverse("quality:procedures")).content.decode()
    assert "Ikke lest" in listing
    assert "Jeg har lest og forstått rutinen" in client.get(url).content.decode()


def test_another_municipalitys_procedure_is_404(client, world):
    _muni, unit, leader, _staff = world
    create(client, leader, unit)
    client.force_login(t.staff(t.unit(t.municipality()), Role.LEADER))
    url = reverse("quality:procedure", args=[Procedure.objects.get().pk])
    assert client.get(url).status_code == 404
