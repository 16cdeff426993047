"""No browser or proxy keeps a copy of a response that may hold person data."""

import datetime as dt

import pytest

from helhet import testing
from helhet.cooperation.models import DirectoryEntry
from helhet.organisation.models import Role
from helhet.plans.tests.builders import make_story

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_pdfs_csv_api_fhir_and_refusals_are_not_stored(client):
    story = make_story()
    coordinator = story.plan.person.coordinator_assignments.get().coordinator
    client.force_login(coordinator)
    responses = {
        "page": client.get(f"/personer/{story.plan.person_id}/"),
        "pdf": client.get(f"/planer/{story.plan.pk}/pdf/"),
        "api": client.get("/api/v1/persons/"),
        "fhir": client.get(f"/fhir/r4/Patient/{story.plan.person_id}"),
        "refusal": client.get("/tilgang/kontroll/"),
        "not found": client.get("/finnes-ikke/"),
    }
    ke = testing.staff(testing.unit(story.municipality, kind="ke"), Role.COORDINATING_UNIT)
    client.force_login(ke)
    responses["csv"] = client.get("/koordinering/planoversikt.csv")
    client.logout()
    responses["login"] = client.get("/logg-inn/")
    assert {name: r.status_code for name, r in responses.items()} == {
        "page": 200,
        "pdf": 200,
        "api": 200,
        "fhir": 200,
        "refusal": 403,
        "not found": 404,
        "csv": 200,
        "login": 200,
    }
    assert [name for name, r in responses.items() if not _no_store(r)] == []


def test_the_public_service_directory_may_be_cached(client):
    muni = testing.municipality()
    unit = testing.unit(muni)
    DirectoryEntry.objects.create(
        unit=unit,
        municipality=muni,
        purpose="Hjelp",
        services="Samtaler",
        target_groups="Voksne",
        contact_person="Sentralbordet",
        phone="12345678",
        last_verified=dt.date(2026, 1, 1),
    )
    response = client.get(f"/samarbeid/tjenesteoversikt/{muni.number}/")
    assert response.status_code == 200
    assert not _no_store(response)
