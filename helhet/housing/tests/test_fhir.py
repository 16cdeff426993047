"""Housing in FHIR: dwellings as Location, applications as Task, read through
the gate and logged like the pages."""

from rest_framework.test import APIClient

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.api import fhir, tokens
from helhet.housing.tests.builders import criteria, dwelling, waiting
from helhet.organisation.models import Unit


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def test_a_dwelling_is_a_valid_location_with_its_state_and_earmark(world):
    found = dwelling(world, earmarked_for="psykisk_helse", state="utleid")
    body = _client(world.users.mental).get(f"/fhir/r4/Location/{found.pk}").json()
    fhir.validate(body)
    assert body["resourceType"] == "Location" and body["name"] == "Bergtun 1"
    assert body["operationalStatus"]["code"] == "O"
    assert {"url": "urn:helhet:fhir:earmarked-for", "valueCode": "psykisk_helse"} in body[
        "extension"
    ]


def test_locations_are_searched_by_type_and_another_municipalitys_are_not_found(world):
    dwelling(world, kind="trygdebolig")
    dwelling(world, kind="utleiebolig", address="Elvegata 2")
    client = _client(world.users.officer)
    bundle = client.get("/fhir/r4/Location", {"type": "trygdebolig"}).json()
    assert bundle["total"] == 1 and bundle["entry"][0]["resource"]["name"] == "Bergtun 1"
    assert client.get("/fhir/r4/Location", {"type": "slott"}).status_code == 400
    elsewhere = testing.municipality(name="Kongsvinger")
    other = testing.staff(testing.unit(elsewhere, Unit.Kind.HOUSING), "saksbehandler", "annen")
    found = dwelling(world)
    response = _client(other).get(f"/fhir/r4/Location/{found.pk}")
    assert response.status_code == 404 and response.json()["resourceType"] == "OperationOutcome"


def test_an_application_is_a_task_the_housing_office_reads_and_the_read_is_logged(world):
    criteria(world)
    application = waiting(world, urgency="hoy")
    client = _client(world.users.officer)
    body = client.get(f"/fhir/r4/Task/{application.pk}").json()
    fhir.validate(body)
    assert body["status"] == "accepted" and body["priority"] == "urgent"
    assert body["businessStatus"]["coding"][0]["code"] == "venteliste"
    assert body["for"]["reference"] == f"Patient/{application.person_id}"
    assert "Innvilget" in body["output"][0]["valueString"]
    bundle = client.get("/fhir/r4/Task", {"patient": f"Patient/{application.person_id}"}).json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(application.pk)]
    assert AccessLogEntry.objects.filter(
        person=application.person, user=world.users.officer, category="sosial", granted=True
    ).exists()


def test_another_unit_is_refused_the_task_and_the_refusal_is_logged(world):
    criteria(world)
    application = waiting(world)
    client = _client(world.users.mental)
    response = client.get(f"/fhir/r4/Task/{application.pk}")
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"
    search = client.get("/fhir/r4/Task", {"patient": f"Patient/{application.person_id}"})
    assert search.status_code == 403
    assert (
        AccessLogEntry.objects.filter(
            person=application.person, user=world.users.mental, granted=False
        ).count()
        == 2
    )


def test_the_capability_statement_names_location_and_task(client):
    body = client.get("/fhir/r4/metadata").json()
    kinds = {r["type"] for r in body["rest"][0]["resource"]}
    assert {"Location", "Task"} <= kinds
