"""Around the person over FHIR R4: Organization and Practitioner for outside
services, ServiceRequest for referrals, Communication for messages with the
GP, RelatedPerson for relatives — validated with fhir.resources, through the
same gate and log as the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.around.models import ExternalService, GpMessage
from helhet.around.tests.test_api import client_for, world  # noqa: F401 — the fixture
from helhet.organisation.models import ExternalPartner, Role
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"


def _get(client, url, status=200, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    return body


def test_outside_services_as_organization_and_the_gp_as_practitioner(world):  # noqa: F811
    client = client_for(world["user"])
    gp, _referral, _message = world["own"]
    gp.partner = t.partner(world["muni"], ExternalPartner.Kind.GP)
    gp.contact_person, gp.phone = "Dr. Lege", "12345678"
    gp.save()
    dps = ExternalService.objects.create(
        person=world["person"],
        kind=ExternalService.Kind.CHILD_WELFARE,
        name="Barnevernstjenesten i Fjordvik",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
        unit=world["mine"],
    )
    body = _get(client, reverse("fhir:organization", args=[dps.pk]))
    assert body["type"][0]["text"] == "Barnevernstjenesten" and body["active"] is False
    body = _get(client, reverse("fhir:organization", args=[gp.pk]))
    assert body["contact"][0]["name"]["text"] == "Dr. Lege"
    assert {"system": "urn:helhet:partner", "value": gp.partner.code} in body["identifier"]
    body = _get(client, reverse("fhir:practitioner", args=[gp.pk]))
    assert body["name"][0]["text"] == "Dr. Lege" and body["active"] is True
    _get(client, reverse("fhir:practitioner", args=[dps.pk]), status=404)
    # The search holds only the rows of units the gate opens: not the other unit's GP.
    bundle = _get(client, reverse("fhir:organizations"), patient=f"Patient/{world['person'].pk}")
    assert {e["resource"]["id"] for e in bundle["entry"]} == {str(gp.pk), str(dps.pk)}
    bundle = _get(client, reverse("fhir:practitioners"), patient=str(world["person"].pk))
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(gp.pk)]


def test_referrals_messages_and_relatives(world):  # noqa: F811
    client = client_for(world["user"])
    _gp, referral, message = world["own"]
    patient = f"Patient/{world['person'].pk}"
    body = _get(client, reverse("fhir:service_request", args=[referral.pk]))
    assert body["status"] == "active" and body["code"]["text"].startswith("Distrikts")
    bundle = _get(client, reverse("fhir:service_requests"), patient=patient)
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(referral.pk)]
    body = _get(client, reverse("fhir:communication", args=[message.pk]))
    assert body["sent"] == "2026-03-01"
    body = _get(client, reverse("fhir:related_person", args=[world["relative"].pk]))
    assert body["patient"]["reference"] == patient
    assert body["relationship"][0]["coding"][0]["code"] == "PRN"
    bundle = _get(client, reverse("fhir:related_persons"), patient=patient)
    assert [e["resource"]["name"][0]["text"] for e in bundle["entry"]] == ["Mor Testesen"]


def test_a_message_carrying_the_plan_needs_the_plan(world):  # noqa: F811
    client = client_for(world["user"])
    IndividualPlan.objects.create(
        person=world["person"], status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 1)
    )
    _gp, _referral, message = world["own"]
    GpMessage.objects.filter(pk=message.pk).update(about_plan=True)
    # A service provider without a part in the plan has no plan category.
    _get(client, reverse("fhir:communication", args=[message.pk]), status=403)
    bundle = _get(client, reverse("fhir:communications"), patient=f"Patient/{world['person'].pk}")
    assert bundle.get("entry", []) == []


def test_another_units_rows_and_strangers_are_refused_and_logged(world):  # noqa: F811
    client = client_for(world["user"])
    gp, referral, message = world["theirs"]
    for name, pk in [
        ("fhir:organization", gp.pk),
        ("fhir:service_request", referral.pk),
        ("fhir:communication", message.pk),
    ]:
        _get(client, reverse(name, args=[pk]), status=403)
    assert AccessLogEntry.objects.filter(person=world["person"], granted=False).count() == 3
    stranger = client_for(t.staff(t.unit(world["muni"]), Role.SERVICE_PROVIDER))
    patient = f"Patient/{world['person'].pk}"
    for name in ["fhir:organizations", "fhir:related_persons", "fhir:service_requests"]:
        _get(stranger, reverse(name), status=403, patient=patient)
    _get(stranger, reverse("fhir:related_person", args=[world["relative"].pk]), status=403)
    assert AccessLogEntry.objects.filter(person=world["person"], granted=False).count() == 7
