"""Around the person: the pages go through the gate (category helse) and log."""

import datetime as dt

import pytest

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.around.models import ExternalService, NeedAssessment
from helhet.organisation.models import Role
from helhet.plans.models import CrisisPlan, IndividualPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    provider = t.staff(unit, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, unit, type_code="psykisk_helse_rus")
    stranger = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    return person, unit, provider, stranger


def test_staff_with_a_relation_records_the_assessed_need(client, world):
    person, unit, provider, _stranger = world
    client.force_login(provider)
    response = client.post(
        f"/rundt/person/{person.pk}/behov/",
        {"needs_coordinated": "ja", "assessed_on": "2026-03-01", "note": "DPS og NAV i tillegg"},
    )
    assert response.status_code == 302
    found = NeedAssessment.objects.get(person=person)
    assert found.needs_coordinated and found.unit == unit
    assert found.assessed_by == provider
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Ja, har behov" in page
    assert AccessLogEntry.objects.filter(person=person, category="helse", granted=True).exists()


def test_an_assessment_in_the_future_is_refused_in_norwegian(client, world):
    person, _unit, provider, _stranger = world
    client.force_login(provider)
    response = client.post(
        f"/rundt/person/{person.pk}/behov/",
        {"needs_coordinated": "ja", "assessed_on": "2999-01-01"},
    )
    assert response.status_code == 400
    assert "fram i tid" in response.content.decode()
    assert not NeedAssessment.objects.exists()


def test_external_services_are_recorded_and_edited(client, world):
    person, _unit, provider, _stranger = world
    client.force_login(provider)
    response = client.post(
        f"/rundt/person/{person.pk}/ekstern/ny/",
        {"kind": "dps", "name": "DPS Fjordvik", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    row = ExternalService.objects.get(person=person)
    response = client.post(
        f"/rundt/ekstern/{row.pk}/",
        {
            "kind": "dps",
            "name": "DPS Fjordvik",
            "valid_from": "2026-01-01",
            "valid_to": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "Sluttdato kan ikke være før startdato" in response.content.decode()


def test_staff_without_a_relation_are_refused_and_logged(client, world):
    person, _unit, _provider, stranger = world
    client.force_login(stranger)
    for url in (f"/rundt/person/{person.pk}/", f"/rundt/person/{person.pk}/behov/"):
        assert client.get(url).status_code == 403
    assert AccessLogEntry.objects.filter(person=person, granted=False).count() == 2
    assert not NeedAssessment.objects.exists()


def test_a_crisis_plan_without_an_ip_belongs_to_the_person(client, world):
    person, _unit, provider, _stranger = world
    client.force_login(provider)
    data = {
        "warning_signs": "Sover lite",
        "what_helps": "Tur",
        "what_does_not_help": "Mange folk",
        "own_words": "Jeg vil bli spurt",
        "kontakt-TOTAL_FORMS": "2",
        "kontakt-INITIAL_FORMS": "0",
        "kontakt-0-name": "Psykisk helse",
        "kontakt-0-phone": "99 99 99 99",
        "kontakt-0-when": "dag",
        "kontakt-1-name": "Legevakt",
        "kontakt-1-phone": "116 117",
        "kontakt-1-when": "natt",
    }
    assert client.post(f"/rundt/person/{person.pk}/kriseplan/", data).status_code == 302
    crisis = CrisisPlan.objects.get(person=person)
    assert crisis.is_complete and crisis.own_words == "Jeg vil bli spurt"
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Mange folk" in page and "116 117" in page
    # A row without when to call is refused with a message, and nothing changes.
    data["kontakt-1-when"] = ""
    response = client.post(f"/rundt/person/{person.pk}/kriseplan/", data)
    assert response.status_code == 400
    assert "Velg når personen kan kontaktes." in response.content.decode()
    assert CrisisPlan.objects.get(person=person).contacts == crisis.contacts


def test_with_an_open_plan_the_crisis_plan_is_edited_in_the_plan(client, world):
    person, _unit, provider, _stranger = world
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    client.force_login(provider)
    response = client.get(f"/rundt/person/{person.pk}/kriseplan/")
    assert response.status_code == 302
    assert response["Location"] == f"/planer/{plan.pk}/kriseplan/"
