"""Messages to and from the GP: a message about the plan leaves only within the
person's consent to the GP, exports as a FHIR Communication through the gate,
and the criterion that the GP knows the plan and its changes."""

import datetime as dt
import json

import pytest
import time_machine

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.api import fhir as base_fhir
from helhet.around.models import ExternalService, GpMessage
from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result as R
from helhet.audit.tests import builders as b
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import ExternalPartner, Role
from helhet.plans.models import Goal, IndividualPlan, PlanVersion

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    coordinator = t.staff(unit, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, unit, type_code="psykisk_helse_rus")
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 5), unit=unit, coordinator=coordinator
    )
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 10)
    )
    Goal.objects.create(plan=plan, text="Egen bolig")
    practice = t.partner(muni, ExternalPartner.Kind.GP)
    gp = ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.GP,
        name="Fjordvik legesenter",
        partner=practice,
        valid_from=dt.date(2020, 1, 1),
        unit=unit,
    )
    return muni, person, unit, coordinator, plan, gp


def _post(client, person, gp):
    return client.post(
        f"/rundt/person/{person.pk}/fastlege/",
        {
            "direction": "til",
            "gp": gp.pk,
            "sent_on": "2026-06-15",
            "about_plan": "on",
            "what_changed": "Nytt mål: egen bolig",
            "plan_summary": "Egen bolig; arbeidstrening",
            "coordinator": "Test Koordinator",
        },
    )


def test_a_message_about_the_plan_needs_the_persons_consent_to_the_gp(client, world):
    _muni, person, _unit, coordinator, _plan, gp = world
    client.force_login(coordinator)
    draft = client.get(f"/rundt/person/{person.pk}/fastlege/?plan=1").content.decode()
    assert "Egen bolig" in draft  # the plan's goals start the message
    response = _post(client, person, gp)
    assert response.status_code == 400
    assert "samtykke dekker ikke at fastlegen får planen" in response.content.decode()
    assert not GpMessage.objects.exists()
    b.consent(person, partners=[gp.partner])
    assert _post(client, person, gp).status_code == 302
    message = GpMessage.objects.get(person=person)
    assert message.about_plan and message.unit_id == gp.unit_id
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Fastlegen fikk melding om planen 15.06.2026" in page


def test_a_message_from_the_gp_is_recorded_without_consent(client, world):
    _muni, person, _unit, coordinator, _plan, _gp = world
    client.force_login(coordinator)
    response = client.post(
        f"/rundt/person/{person.pk}/fastlege/",
        {"direction": "fra", "sent_on": "2026-06-14", "text": "Blodprøver tatt, normale"},
    )
    assert response.status_code == 302
    assert GpMessage.objects.get(person=person).direction == GpMessage.Direction.FROM_GP


def test_the_message_exports_as_a_valid_fhir_communication(client, world):
    muni, person, unit, coordinator, plan, gp = world
    message = GpMessage.objects.create(
        person=person,
        direction=GpMessage.Direction.TO_GP,
        gp=gp,
        sent_on=TODAY,
        about_plan=True,
        what_changed="Nytt mål",
        plan_summary="Egen bolig",
        coordinator="Test Koordinator",
        unit=unit,
    )
    client.force_login(coordinator)
    response = client.get(f"/rundt/fastlegemelding/{message.pk}/fhir/")
    assert response.status_code == 200
    resource = json.loads(response.content)
    base_fhir.validate(resource)
    assert resource["resourceType"] == "Communication"
    assert resource["recipient"][0]["display"] == gp.partner.name
    assert resource["subject"]["identifier"]["value"] == person.national_id
    assert resource["about"][0]["identifier"]["value"].endswith(f":{plan.pk}")
    texts = [p["contentString"] for p in resource["payload"]]
    assert "Koordinator: Test Koordinator" in texts
    assert AccessLogEntry.objects.filter(person=person, action="eksport", granted=True).exists()


def test_the_export_is_refused_and_logged_for_staff_without_a_relation(client, world):
    muni, person, unit, _coordinator, _plan, gp = world
    message = GpMessage.objects.create(
        person=person, direction=GpMessage.Direction.TO_GP, gp=gp, sent_on=TODAY, unit=unit
    )
    client.force_login(t.staff(t.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get(f"/rundt/fastlegemelding/{message.pk}/fhir/").status_code == 403
    assert AccessLogEntry.objects.filter(person=person, granted=False).exists()


def test_the_criterion_wants_a_message_after_the_latest_change_of_the_plan(world):
    muni, person, unit, _coordinator, plan, gp = world
    GpMessage.objects.create(
        person=person,
        direction=GpMessage.Direction.TO_GP,
        gp=gp,
        sent_on=dt.date(2026, 2, 1),
        about_plan=True,
        unit=unit,
    )
    no_gp = t.person(muni, born=dt.date(1981, 3, 3))
    IndividualPlan.objects.create(
        person=no_gp, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 10)
    )

    def tally():
        report = audit.build(
            municipality_id=muni.pk,
            start=dt.date(2025, 6, 15),
            end=TODAY,
            criteria=[BY_ID["gp_informed_of_plan"]],
        )[0]
        return (report.total.met, report.total.not_met, report.total.not_applicable), report

    assert tally()[0] == (1, 0, 1)
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        PlanVersion.objects.create(
            plan=plan, number=2, author_name="Test", summary="Nytt mål", snapshot={}
        )
    counts, report = tally()
    assert counts == (0, 1, 1)
    breach = next(o for o in report.outcomes if o.result == R.NOT_MET)
    assert "før planen ble endret 01.04.2026" in breach.evidence
