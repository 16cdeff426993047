"""NAV after the decision: the condition tied to the decision it was set in,
the non-compliance decision as a letter, statistics with small numbers
suppressed, and the same records read through the REST API."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.api import tokens
from helhet.intake.models import Application, Decision
from helhet.nav import rules, services
from helhet.nav.models import ActivityCondition, AdviceCase, QualificationProgramme
from helhet.organisation.models import Role, Unit

D = dt.date


@pytest.fixture
def world(db):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False):
        muni = testing.municipality(name="Selbu")
        nav = testing.unit(muni, Unit.Kind.NAV, "NAV Selbu")
        other = testing.unit(muni, Unit.Kind.HOME_CARE, "Hjemmetjenesten")
        adviser = testing.staff(nav, Role.NAV_ADVISER, "veileder")
        outsider = testing.staff(other, Role.SERVICE_PROVIDER, "sykepleier")
        person = testing.person(muni, born=D(2003, 4, 1))
        testing.service(person, nav)
        yield muni, nav, adviser, outsider, person


def _decision(person, unit, user, kind="okonomisk", outcome="innvilget"):
    application = Application.objects.create(
        person=person,
        unit=unit,
        kind=kind,
        channel="skriftlig",
        source="person",
        received_on=D(2026, 4, 20),
        summary="Søknad om stønad til livsopphold",
        registered_by=user,
        status="vedtatt",
    )
    return Decision.objects.create(
        application=application,
        outcome=outcome,
        decided_on=D(2026, 4, 28),
        reasons="Fyller vilkårene",
        caseworker=user,
    )


def _new_condition(client, person, **extra):
    return client.post(
        reverse("nav:condition_new"),
        {
            "national_id": person.national_id,
            "condition": "Delta på jobbklubb to dager i uka",
            "activity": "Jobbklubb",
            "first_evaluation": "15.06.2026",
            **extra,
        },
    )


def test_a_condition_can_only_be_tied_to_a_granted_financial_decision_for_the_same_person():
    def error(**kw):
        args = {"decision_person_id": 1, "person_id": 1, "decision_kind": "okonomisk"}
        return rules.decision_link_error(**{**args, "granted": True, **kw})

    assert error() == ""
    assert "annen person" in error(person_id=2)
    assert "§ 18" in error(decision_kind="helse_omsorg")
    assert "avslag" in error(granted=False).lower()


def test_the_condition_is_set_in_the_decision_it_names(client, world):
    _muni, nav, adviser, _outsider, person = world
    decision = _decision(person, nav, adviser)
    client.force_login(adviser)
    response = _new_condition(client, person, decision_reference=decision.reference)
    condition = ActivityCondition.objects.get()
    assert response.status_code == 302
    assert condition.decision == decision and condition.set_on == D(2026, 4, 28)
    page = client.get(reverse("nav:condition", args=[condition.pk])).content.decode()
    assert decision.reference in page


def test_another_persons_decision_or_a_wrong_reference_is_refused_and_nothing_saved(client, world):
    muni, nav, adviser, _outsider, person = world
    other = testing.person(muni)
    testing.service(other, nav)
    theirs = _decision(other, nav, adviser)
    client.force_login(adviser)
    response = _new_condition(client, person, decision_reference=theirs.reference)
    assert response.status_code == 400
    assert "Fant ikke et vedtak" in response.content.decode()
    assert _new_condition(client, person, decision_reference="vedtak 12").status_code == 400
    assert _new_condition(client, person).status_code == 400  # neither date nor decision
    assert not ActivityCondition.objects.exists()


def test_an_older_condition_is_linked_afterwards_on_its_page(client, world):
    _muni, nav, adviser, _outsider, person = world
    decision = _decision(person, nav, adviser)
    client.force_login(adviser)
    _new_condition(client, person, set_on="28.04.2026")
    condition = ActivityCondition.objects.get()
    url = reverse("nav:condition", args=[condition.pk])
    assert "Ikke knyttet til vedtaket" in client.get(url).content.decode()
    client.post(url, {"steg": "vedtak", "decision": decision.pk})
    condition.refresh_from_db()
    assert condition.decision == decision


def _noncompliance(world):
    _muni, nav, adviser, _outsider, person = world
    condition = services.set_condition(
        person=person,
        unit_id=nav.pk,
        user=adviser,
        evaluations=[D(2026, 5, 15)],
        condition="Møte på jobbklubb",
        activity="Jobbklubb",
        set_on=D(2026, 5, 1),
    )
    return services.decide_noncompliance(
        condition=condition,
        user=adviser,
        reduces=True,
        reasons="Har ikke møtt på fire uker uten å gi beskjed.",
        day=D(2026, 6, 1),
    )


def test_the_noncompliance_decision_is_a_letter_with_reasons_and_appeal(client, world):
    decision = _noncompliance(world)
    _muni, _nav, adviser, _outsider, person = world
    client.force_login(adviser)
    response = client.get(reverse("nav:noncompliance_letter", args=[decision.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    assert "fire uker uten å gi beskjed" in text
    assert "Statsforvalteren" in text and "3 uker" in text
    assert "redusert" in text
    assert decision.appeal_law.startswith("sosialtjenesteloven § 48")
    assert AccessLogEntry.objects.filter(person=person, user=adviser, granted=True).exists()


def test_another_unit_cannot_print_the_letter_and_is_logged(client, world):
    decision = _noncompliance(world)
    _muni, _nav, _adviser, outsider, person = world
    client.force_login(outsider)
    response = client.get(reverse("nav:noncompliance_letter", args=[decision.pk]))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(person=person, user=outsider, granted=False).exists()


def test_statistics_suppress_small_numbers(client, world):
    muni, nav, adviser, _outsider, _person = world
    for kind, n in (("gjeld", 6), ("okonomi", 5), ("informasjon", 5)):
        for _i in range(n):
            AdviceCase.objects.create(
                person=testing.person(muni),
                unit=nav,
                kind=kind,
                opened_on=D(2026, 3, 1),
                given="Råd",
                outcome="avtale",
            )
    for _i in range(2):
        p = testing.person(muni)
        QualificationProgramme.objects.create(
            person=p, unit=nav, state="startet", assessed_on=D(2026, 2, 1), assessment="Fyller"
        )
    client.force_login(adviser)
    page = client.get(reverse("nav:statistics"))
    assert page.status_code == 200
    report = page.context["report"]
    advice = {c.label: c.shown for c in report["advice_cells"]}
    assert advice["Gjeldsrådgivning"] == "6" and advice["Saker i alt"] == "16"
    programme = {c.label: c.shown for c in report["programme_cells"]}
    assert programme["Startet"] in ("<5", ":")
    assert "2" not in programme.values()


def test_statistics_are_refused_outside_nav_leaders_and_audit(client, world):
    _muni, _nav, _adviser, outsider, _person = world
    client.force_login(outsider)
    assert client.get(reverse("nav:statistics")).status_code == 403


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'test')[1]}")
    return client


def test_the_api_lists_the_offices_conditions_and_logs_each_person(world):
    decision = _noncompliance(world)
    _muni, _nav, adviser, outsider, person = world
    listed = _api(adviser).get("/api/v1/nav/conditions/")
    assert [r["id"] for r in listed.json()["results"]] == [decision.condition_id]
    detail = _api(adviser).get(f"/api/v1/nav/conditions/{decision.condition_id}/").json()
    assert detail["noncompliance"][0]["reduces"] is True
    assert AccessLogEntry.objects.filter(
        person=person, user=adviser, category="sosial", granted=True
    ).exists()
    assert _api(outsider).get("/api/v1/nav/conditions/").json()["results"] == []


def test_the_api_refuses_and_logs_what_the_page_refuses(world):
    decision = _noncompliance(world)
    _muni, _nav, _adviser, outsider, person = world
    client = _api(outsider)
    assert client.get(f"/api/v1/nav/conditions/{decision.condition_id}/").status_code == 403
    assert client.get("/api/v1/nav/programmes/", {"person": person.pk}).status_code == 403
    assert client.get("/api/v1/nav/advice/", {"kind": "ukjent"}).status_code == 400
    assert AccessLogEntry.objects.filter(person=person, user=outsider, granted=False).count() == 2
