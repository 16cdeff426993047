import datetime as dt

import pytest
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Consent
from helhet.cooperation.models import ResponsibilityGroup
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"


def _no_empty_extensions(data) -> None:
    """FHIR ext-1, which the models do not check: an extension has a value."""
    if isinstance(data, dict):
        for ext in data.get("extension", []):
            assert any(k.startswith("value") for k in ext) or ext.get("extension"), ext
        for value in data.values():
            _no_empty_extensions(value)
    elif isinstance(data, list):
        for value in data:
            _no_empty_extensions(value)


def _valid(resource: dict) -> dict:
    """Validate with fhir.resources' own R4 models, independently of the app."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    _no_empty_extensions(resource)
    return resource


def _get(client, url, status=200, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    return _valid(response.json())


def _bruker(demo):
    return demo.ctx.persons[0]


def test_capability_statement(demo):
    body = _get(APIClient(), reverse("fhir:metadata"))
    assert body["resourceType"] == "CapabilityStatement"
    assert body["fhirVersion"] == "4.0.1"
    assert {r["type"] for r in body["rest"][0]["resource"]} >= {
        "Patient",
        "CarePlan",
        "CareTeam",
        "Consent",
    }


def test_patient_read_and_search_by_identifier(demo):
    person = _bruker(demo)
    client = demo.client("koordinator")
    patient = _get(client, reverse("fhir:patient", kwargs={"person_id": person.pk}))
    assert patient["identifier"][0]["value"] == person.national_id
    assert patient["identifier"][0]["system"].startswith("urn:oid:2.16.578.1.12.4.1.4.")
    found = _get(client, reverse("fhir:patients"), identifier=f"{FNR}|{person.national_id}")
    assert found["type"] == "searchset"
    assert [e["resource"]["id"] for e in found["entry"]] == [str(person.pk)]


def test_care_plan_read_and_search(demo):
    person = _bruker(demo)
    plan = IndividualPlan.objects.get(person=person, status="aktiv")
    client = demo.client("koordinator")
    care_plan = _get(client, reverse("fhir:care_plan", kwargs={"plan_id": plan.pk}))
    kinds = [c["resourceType"] for c in care_plan["contained"]]
    assert "Goal" in kinds and "CareTeam" in kinds
    assert care_plan["activity"]
    assert care_plan["identifier"][0]["value"] == f"urn:helhet:plan:9999:{plan.pk}"
    found = _get(client, reverse("fhir:care_plans"), patient=f"Patient/{person.pk}")
    assert str(plan.pk) in [e["resource"]["id"] for e in found["entry"]]


def test_every_emitted_resource_validates(demo):
    client = demo.client("ke")
    plans = IndividualPlan.objects.filter(person__municipality=demo.ctx.municipality)
    assert plans.exists()
    for plan in plans:
        _get(client, reverse("fhir:care_plan", kwargs={"plan_id": plan.pk}))
        bundle = _get(client, reverse("fhir:consents"), patient=f"Patient/{plan.person_id}")
        for entry in bundle["entry"]:
            _valid(entry["resource"])
    coordinator = demo.client("koordinator")
    groups = ResponsibilityGroup.objects.filter(
        person__coordinator_assignments__coordinator=demo.user("koordinator"),
        person__coordinator_assignments__ended_on__isnull=True,
    )
    for group in groups:
        _get(coordinator, reverse("fhir:care_team", kwargs={"group_id": group.pk}))
    consents = Consent.objects.filter(person=_bruker(demo))
    for consent in consents:
        _get(coordinator, reverse("fhir:consent", kwargs={"consent_id": consent.pk}))
    _get(APIClient(), reverse("fhir:metadata"))


def test_gate_refuses_and_logs_fhir_reads(demo):
    stranger = t.person(demo.ctx.municipality, born=dt.date(1969, 4, 5))
    client = demo.client("tjenesteyter")
    for url, params in [
        (reverse("fhir:patient", kwargs={"person_id": stranger.pk}), {}),
        (reverse("fhir:care_plans"), {"patient": f"Patient/{stranger.pk}"}),
        (reverse("fhir:consents"), {"patient": f"Patient/{stranger.pk}"}),
    ]:
        before = AccessLogEntry.objects.filter(person=stranger, granted=False).count()
        body = _get(client, url, status=403, **params)
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["code"] == "forbidden"
        assert AccessLogEntry.objects.filter(person=stranger, granted=False).count() == before + 1


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/fhir/r4/Observation/1", {}, 404),
        ("/fhir/r4/Patient/abc", {}, 404),
        ("/fhir/r4/Patient/987654321", {}, 404),
        ("/fhir/r4/Patient", {"name": "Kari"}, 400),
        ("/fhir/r4/Patient", {"_count": "0"}, 400),
        ("/fhir/r4/CarePlan", {"status": "aktiv"}, 400),
        ("/fhir/r4/CarePlan", {"_lastUpdated": "sa2026-01-01"}, 400),
        ("/fhir/r4/CarePlan", {"_lastUpdated": "ge2026-13-01"}, 400),
        ("/fhir/r4/Consent", {"_lastUpdated": "ge2026-01-01"}, 400),
        ("/fhir/r4/CareTeam", {"patient:Patient": "1"}, 400),
        ("/fhir/r4/Patient", {"identifier": "urn:feil|123"}, 400),
    ],
)
def test_errors_are_operation_outcomes(demo, url, params, status):
    response = demo.client("koordinator").get(url, params)
    assert response.status_code == status
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert _valid(response.json())["resourceType"] == "OperationOutcome"


def test_anonymous_gets_an_operation_outcome(demo):
    response = APIClient().get(reverse("fhir:patients"))
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


def test_mappings_as_questionnaire_responses(demo):
    from helhet.mapping.models import Mapping

    client = demo.client("koordinator")
    mine = Mapping.objects.filter(
        person__coordinator_assignments__coordinator=demo.user("koordinator"),
        unit__code="psykisk_rus",
    )
    assert mine.exists()
    for mapping in mine:
        response = _get(
            client, reverse("fhir:questionnaire_response", kwargs={"mapping_id": mapping.pk})
        )
        assert response["subject"]["reference"] == f"Patient/{mapping.person_id}"
        assert len([i for i in response["item"] if i["answer"][0].get("valueCoding")]) == 8
    person_id = mine.first().person_id
    found = _get(client, reverse("fhir:questionnaire_responses"), patient=f"Patient/{person_id}")
    assert found["total"] >= 1


def test_unacceptable_format_is_an_operation_outcome(demo):
    response = demo.client("koordinator").get(
        reverse("fhir:patients"), HTTP_ACCEPT="application/xml"
    )
    assert response.status_code == 406
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert response.json()["resourceType"] == "OperationOutcome"


def test_patient_search_counts_up_to_a_bound_and_leaves_total_out_past_it(demo, monkeypatch):
    client = demo.client("koordinator")
    counted = _get(client, reverse("fhir:patients"), _count="2")
    assert counted["total"] > 3 and len(counted["entry"]) == 2

    # Counted to BOUND rows past the page: 2 + 1 = 3 rows, and there are more.
    monkeypatch.setattr("helhet.api.fhir_search.BOUND", 1)
    bounded = _get(client, reverse("fhir:patients"), _count="2")
    assert "total" not in bounded and len(bounded["entry"]) == 2
    _valid(bounded)
