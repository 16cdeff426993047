"""FHIR search as the specification has it: paging by links, total, _count,
_lastUpdated, the coordinating unit's search without a patient (through the
gate's list rule, logged), and unsupported parameters told, not ignored."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access.models import AccessBlock, AccessLogEntry
from helhet.api import tokens
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db
ACTIVE = IndividualPlan.Status.ACTIVE


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


@pytest.fixture
def world(db):
    muni = t.municipality()
    ke = t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    persons = [t.person(muni) for _ in range(5)]
    plans = [
        IndividualPlan.objects.create(person=p, status=ACTIVE, offered_on=dt.date(2026, 1, 5))
        for p in persons
    ]
    offered = t.person(muni)
    IndividualPlan.objects.create(
        person=offered, status=IndividualPlan.Status.OFFERED, offered_on=dt.date(2026, 1, 5)
    )
    blocked = t.person(muni, family_name="Sperresen")
    IndividualPlan.objects.create(person=blocked, status=ACTIVE, offered_on=dt.date(2026, 1, 5))
    AccessBlock.objects.create(person=blocked, staff_user=ke)
    return {"muni": muni, "ke": ke, "plans": plans, "blocked": blocked, "offered": offered}


def _ids(bundle: dict) -> list[str]:
    return [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"]


def _link(bundle: dict, relation: str) -> str | None:
    return next((x["url"] for x in bundle.get("link", []) if x["relation"] == relation), None)


def _follow(client: APIClient, url: str) -> dict:
    parts = urlsplit(url)
    response = client.get(parts.path, {k: v for k, [v] in parse_qs(parts.query).items()})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_coordinating_unit_searches_active_plans_without_a_patient(world):
    client = _client(world["ke"])
    response = client.get(reverse("fhir:care_plans"), {"status": "active", "_count": "2"})
    assert response.status_code == 200, response.content
    first = response.json()
    # Every active plan of the municipality but the blocked person's; not the offered one.
    assert first["total"] == 5
    assert len(_ids(first)) == 2
    assert _link(first, "previous") is None
    seen = _ids(first)
    page = first
    while _link(page, "next"):
        page = _follow(client, _link(page, "next"))
        assert _link(page, "previous")
        seen += _ids(page)
    assert sorted(seen, key=int) == sorted(str(p.pk) for p in world["plans"])
    assert "Sperresen" not in response.content.decode()
    # One list row per person shown, logged as the plan overview logs.
    shown = AccessLogEntry.objects.filter(
        granted=True, what__contains="CarePlan-søk", person__in=[p.person for p in world["plans"]]
    )
    assert shown.count() == 5
    assert not AccessLogEntry.objects.filter(person=world["blocked"], granted=True).exists()


def test_a_search_with_a_status_list_matches_either(world):
    client = _client(world["ke"])
    body = client.get(reverse("fhir:care_plans"), {"status": "draft,active"}).json()
    assert body["total"] == 6
    assert client.get(reverse("fhir:care_plans"), {"status": "on-hold"}).json()["total"] == 0


def test_staff_without_a_relation_finds_no_plans(world):
    stranger = t.staff(t.unit(world["muni"]), Role.SERVICE_PROVIDER)
    body = _client(stranger).get(reverse("fhir:care_plans"), {"status": "active"}).json()
    assert body["total"] == 0 and body["entry"] == []
    assert not AccessLogEntry.objects.filter(user=stranger, granted=True).exists()


def test_last_updated_with_prefixes(world):
    old, *recent = world["plans"]
    moment = timezone.make_aware(dt.datetime(2026, 2, 10, 12, 0))
    IndividualPlan.objects.filter(pk=old.pk).update(updated_at=moment)
    IndividualPlan.objects.filter(pk__in=[p.pk for p in recent]).update(
        updated_at=moment + dt.timedelta(days=30)
    )
    client = _client(world["ke"])

    def found(*values: str) -> set[int]:
        response = client.get(
            reverse("fhir:care_plans"), {"status": "active", "_lastUpdated": list(values)}
        )
        assert response.status_code == 200, response.content
        return {int(i) for i in _ids(response.json())}

    assert found("lt2026-03-01") == {old.pk}
    assert found("ge2026-03-01") == {p.pk for p in recent}
    assert found("2026-02-10") == {old.pk}
    assert found("gt2026-02-10") == {p.pk for p in recent}
    assert found("le2026-02") == {old.pk}
    assert found("ge2026-02-01", "lt2026-02-11") == {old.pk}
    assert found("ne2026") == set()
    body = client.get(reverse("fhir:care_plan", kwargs={"plan_id": old.pk})).json()
    assert body["meta"]["lastUpdated"].startswith("2026-02-10T")


@pytest.mark.parametrize("value", ["sa2026-01-01", "ge2026-02-30", "gefeil", "ge26-01-01"])
def test_a_malformed_last_updated_is_an_operation_outcome(world, value):
    response = _client(world["ke"]).get(reverse("fhir:care_plans"), {"_lastUpdated": value})
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["expression"] == ["_lastUpdated"]


def test_an_unsupported_parameter_is_an_error_unless_lenient(world):
    client = _client(world["ke"])
    strict = client.get(reverse("fhir:care_plans"), {"status": "active", "category": "x"})
    assert strict.status_code == 400
    issue = strict.json()["issue"][0]
    assert issue["expression"] == ["category"] and "støttes ikke" in issue["diagnostics"]
    lenient = client.get(
        reverse("fhir:care_plans"),
        {"status": "active", "category": "x"},
        HTTP_PREFER="handling=lenient",
    )
    assert lenient.status_code == 200
    body = lenient.json()
    assert body["total"] == 5
    [told] = [e for e in body["entry"] if e["search"]["mode"] == "outcome"]
    assert told["resource"]["issue"][0]["severity"] == "warning"
    assert "category" not in _link(body, "self")


def test_a_parameter_given_twice_is_refused(world):
    response = _client(world["ke"]).get(reverse("fhir:care_plans"), {"status": ["active", "draft"]})
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == ["status"]


@pytest.mark.parametrize(
    "name", ["patients", "care_plans", "care_teams", "consents", "questionnaire_responses"]
)
def test_every_search_pages_and_counts(world, name):
    response = _client(world["ke"]).get(reverse(f"fhir:{name}"), {"_count": "1", "_offset": "0"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "searchset" and isinstance(body["total"], int)
    assert len(_ids(body)) <= 1
    assert _link(body, "self") and _link(body, "first")
    assert (_link(body, "next") is not None) == (body["total"] > 1)


def test_the_patient_search_pages_by_links(world):
    client = _client(world["ke"])
    first = client.get(reverse("fhir:patients"), {"_count": "3"}).json()
    second = _follow(client, _link(first, "next"))
    assert first["total"] == second["total"] >= 6
    assert not set(_ids(first)) & set(_ids(second))


def test_the_capability_statement_declares_what_is_searched(world):
    body = APIClient().get(reverse("fhir:metadata")).json()
    declared = {
        r["type"]: {p["name"]: p["type"] for p in r.get("searchParam", [])}
        for r in body["rest"][0]["resource"]
    }
    assert declared["CarePlan"] == {
        "_id": "token",
        "_lastUpdated": "date",
        "patient": "reference",
        "subject": "reference",
        "identifier": "token",
        "status": "token",
    }
    assert declared["Patient"] == {"_id": "token", "identifier": "token"}
    assert declared["Task"] == {"_id": "token", "patient": "reference"}  # housing applications
    assert declared["RelatedPerson"] == {"_id": "token", "patient": "reference"}  # relatives
    assert set(declared) == {
        "Patient",
        "CarePlan",
        "CareTeam",
        "Consent",
        "QuestionnaireResponse",
        "Location",
        "Task",
        "Organization",
        "Practitioner",
        "ServiceRequest",
        "Communication",
        "RelatedPerson",
    }
