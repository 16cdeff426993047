"""Referrals, discharge notices and aftercare: pages through the gate, alerts to
the coordinating unit and coordinator, and the audit criterion."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.around.models import AftercarePlan, DischargeNotice, Referral
from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result as R
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan

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
    provider = t.staff(unit, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, unit, type_code="psykisk_helse_rus")
    stranger = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    return muni, person, unit, provider, stranger


def _notice(person, unit, discharge_on, **fields):
    return DischargeNotice.objects.create(
        person=person,
        source=DischargeNotice.Source.SPECIALIST,
        institution="DPS Fjordvik, døgnpost",
        received_on=TODAY - dt.timedelta(days=3),
        discharge_on=discharge_on,
        unit=unit,
        **fields,
    )


def test_a_discharge_notice_leads_to_an_aftercare_plan_made_before_the_day(client, world):
    _muni, person, unit, provider, _stranger = world
    client.force_login(provider)
    response = client.post(
        f"/rundt/person/{person.pk}/utskrivning/ny/",
        {
            "source": "fengsel",
            "institution": "Fjordvik fengsel",
            "received_on": "2026-06-10",
            "discharge_on": "2026-06-25",
        },
    )
    notice = DischargeNotice.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/rundt/utskrivning/{notice.pk}/ettervern/"
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Utskrivning om 10 dager; mangler ettervernsplan" in page
    response = client.post(
        f"/rundt/utskrivning/{notice.pk}/ettervern/",
        {
            "made_on": "2026-06-15",
            "housing": "Kommunal leilighet i Storgata",
            "housing_ready_on": "2026-06-20",
            "follow_up": "Oppfølging fra psykisk helse og rus to ganger i uka",
            "follow_up_ready_on": "2026-06-25",
            "activity": "Arbeidstrening",
            "responsibilities": "Boligkontoret: nøkkel. Psykisk helse og rus: første besøk.",
        },
    )
    assert response.status_code == 302
    plan = AftercarePlan.objects.get(notice=notice)
    assert plan.unit == unit and plan.registered_by == provider
    notice.refresh_from_db()
    assert notice.acted_on == TODAY  # making the plan is acting on the notice
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Kommunal leilighet i Storgata" in page and "Varsel</strong>" not in page


def test_housing_ready_without_a_description_is_refused_and_nothing_is_stored(client, world):
    _muni, person, unit, provider, _stranger = world
    notice = _notice(person, unit, TODAY + dt.timedelta(days=5))
    client.force_login(provider)
    response = client.post(
        f"/rundt/utskrivning/{notice.pk}/ettervern/",
        {"made_on": "2026-06-15", "housing_ready_on": "2026-06-18"},
    )
    assert response.status_code == 400
    assert "Beskriv boligen" in response.content.decode()
    assert not AftercarePlan.objects.exists()


def test_a_referral_is_recorded_with_its_answer(client, world):
    _muni, person, _unit, provider, _stranger = world
    client.force_login(provider)
    data = {
        "direction": "sendt",
        "service": "avrusning",
        "counterpart": "Avrusningsenheten",
        "sent_on": "2026-05-01",
        "status": "tatt_imot",
    }
    response = client.post(f"/rundt/person/{person.pk}/henvisning/ny/", data)
    assert response.status_code == 400
    assert "Oppgi når svaret kom" in response.content.decode()
    assert not Referral.objects.exists()
    data.update(answered_on="2026-05-10", answer="Innkalt til avrusning 01.06.2026")
    assert client.post(f"/rundt/person/{person.pk}/henvisning/ny/", data).status_code == 302
    referral = Referral.objects.get(person=person)
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Innkalt til avrusning" in page and "Avrusning" in page
    assert client.get(f"/rundt/henvisning/{referral.pk}/").status_code == 200
    resource = client.get(f"/rundt/henvisning/{referral.pk}/fhir/").json()
    assert resource["resourceType"] == "ServiceRequest" and resource["status"] == "active"
    assert resource["code"]["text"] == "Avrusning"
    assert resource["performer"][0]["display"] == "Avrusningsenheten"
    assert "Innkalt til avrusning" in resource["note"][1]["text"]


def test_staff_without_a_relation_are_refused_the_new_pages_and_logged(client, world):
    _muni, person, unit, _provider, stranger = world
    notice = _notice(person, unit, TODAY + dt.timedelta(days=5))
    client.force_login(stranger)
    urls = [
        f"/rundt/person/{person.pk}/utskrivning/ny/",
        f"/rundt/utskrivning/{notice.pk}/",
        f"/rundt/utskrivning/{notice.pk}/ettervern/",
        f"/rundt/person/{person.pk}/henvisning/ny/",
        f"/rundt/person/{person.pk}/fastlege/",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert AccessLogEntry.objects.filter(person=person, granted=False).count() == len(urls)
    assert client.get("/rundt/utskrivninger/").content.decode().count(person.full_name) == 0


def test_the_coordinator_is_alerted_and_the_alert_goes_when_aftercare_is_in_place(client, world):
    _muni, person, unit, provider, _stranger = world
    coordinator = t.staff(unit, Role.SERVICE_PROVIDER)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 5), unit=unit, coordinator=coordinator
    )
    notice = _notice(person, unit, TODAY + dt.timedelta(days=4))
    client.force_login(coordinator)
    body = client.get("/koordinering/").content.decode()
    assert "Varslede utskrivninger uten ettervern" in body and person.full_name in body
    assert "mangler ettervernsplan" in client.get("/rundt/utskrivninger/").content.decode()
    assert AccessLogEntry.objects.filter(
        person=person, user=coordinator, what="varslet utskrivning", granted=True
    ).exists()
    AftercarePlan.objects.create(
        notice=notice,
        made_on=TODAY,
        housing="Bolig",
        housing_ready_on=TODAY,
        follow_up="Oppfølging",
        follow_up_ready_on=TODAY,
        unit=unit,
    )
    assert person.full_name not in client.get("/rundt/utskrivninger/").content.decode()


def test_the_overview_makes_the_same_queries_with_or_without_an_announced_discharge(client, world):
    """The overview logs its plans and its alerts in one statement, so an alert
    does not add queries (the bench's query counts stay equal at every size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    muni, person, unit, _provider, _stranger = world
    coordinator = t.staff(unit, Role.SERVICE_PROVIDER)
    for someone in (person, t.person(muni)):
        t.service(someone, unit, type_code="psykisk_helse_rus")
        CoordinatorAssignment.objects.create(
            person=someone, offered_on=dt.date(2026, 1, 5), unit=unit, coordinator=coordinator
        )
        IndividualPlan.objects.create(
            person=someone, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
        )
    client.force_login(coordinator)
    client.get("/koordinering/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/koordinering/").status_code == 200
        return len(captured)

    without = queries()
    _notice(person, unit, TODAY + dt.timedelta(days=4))
    assert queries() == without
    logged = AccessLogEntry.objects.filter(user=coordinator, person=person, granted=True)
    assert logged.filter(what="varslet utskrivning").exists()
    assert logged.filter(what="planoversikt").exists()


def test_the_coordinating_unit_sees_alerts_only_where_the_gate_opens_the_notice(client, world):
    muni, person, unit, _provider, _stranger = world
    ke = t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    _notice(person, unit, TODAY + dt.timedelta(days=4))
    client.force_login(ke)
    # The notice is the receiving unit's health record: without a consent
    # covering the coordinating unit, the alert is not shown to it.
    assert person.full_name not in client.get("/rundt/utskrivninger/").content.decode()


def _tally(muni):
    report = audit.build(
        municipality_id=muni.pk,
        start=dt.date(2025, 6, 15),
        end=TODAY,
        criteria=[BY_ID["discharge_aftercare"]],
    )[0]
    return (report.total.met, report.total.not_met, report.total.not_applicable), report


def test_the_criterion_counts_discharges_of_the_period_that_have_come(world):
    muni, person, unit, _provider, _stranger = world
    ready = _notice(person, unit, TODAY - dt.timedelta(days=10))
    AftercarePlan.objects.create(
        notice=ready,
        made_on=TODAY - dt.timedelta(days=20),
        housing="Bolig",
        housing_ready_on=TODAY - dt.timedelta(days=12),
        follow_up="Oppfølging",
        follow_up_ready_on=TODAY - dt.timedelta(days=10),
        unit=unit,
    )
    other = t.person(muni, born=dt.date(1980, 2, 2))
    _notice(other, unit, TODAY - dt.timedelta(days=2))  # out without aftercare
    _notice(other, unit, TODAY + dt.timedelta(days=5))  # not yet come: not counted
    _notice(other, unit, TODAY - dt.timedelta(days=3), cancelled=True)
    counts, report = _tally(muni)
    assert counts == (1, 1, 1)
    breach = next(o for o in report.outcomes if o.result == R.NOT_MET)
    assert breach.person_id == other.pk and "ettervernsplan" in breach.evidence
