"""Housing decisions as letters, refusal of temporary housing as a decision,
and the municipality's own routine kept with its versions."""

import datetime as dt
import io

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.core.legal import appeal_route
from helhet.housing import services
from helhet.housing.models import (
    EmergencyRefusal,
    EmergencyStay,
    HousingRoutine,
    HousingRoutineVersion,
)
from helhet.housing.tests.builders import criteria, waiting
from helhet.organisation.models import Role


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(p.extract_text() for p in pages).replace("\n", " ")


def test_the_allocation_letter_gives_reasons_criteria_and_the_appeals_board(client, world):
    criteria(world)
    application = waiting(world)
    client.force_login(world.users.officer)
    text = _text(client.get(reverse("housing:letter", args=[application.pk])))
    assert "Vedtak om tildeling av kommunal bolig" in text
    assert "Fyller kriteriene" in text  # the reasons
    assert "Kriterier for tildeling av utleieboliger" in text and "versjon 1" in text
    assert "klagenemnd" in text and "3 uker" in text
    assert "Statsforvalteren" not in text
    assert AccessLogEntry.objects.filter(
        person=application.person, user=world.users.officer, granted=True
    ).exists()


def test_a_refusal_letter_says_it_is_refused(client, world):
    criteria(world)
    person = testing.person(world.muni)
    application = services.register_application(
        person=person,
        unit_id=world.units.housing.pk,
        kind="utleiebolig",
        need="Bor hos mor",
        received_on=world.today,
        channel="ansatt",
    )
    services.assess(
        application=application, urgency="lav", assessment="Har bolig", group="", day=world.today
    )
    services.decide(
        application=application,
        user=world.users.officer,
        outcome="avslag",
        reasons="Har en bolig som dekker behovet.",
        day=world.today,
    )
    client.force_login(world.users.officer)
    text = _text(client.get(reverse("housing:letter", args=[application.pk])))
    assert "Avslag på søknad om kommunal bolig" in text and "avslått" in text


def test_no_letter_before_a_decision_and_none_for_another_unit(client, world):
    criteria(world)
    application = waiting(world)
    client.force_login(world.users.mental)
    assert client.get(reverse("housing:letter", args=[application.pk])).status_code == 403
    assert AccessLogEntry.objects.filter(
        person=application.person, user=world.users.mental, granted=False
    ).exists()
    pending = services.register_application(
        person=testing.person(world.muni),
        unit_id=world.units.housing.pk,
        kind="utleiebolig",
        need="x",
        received_on=world.today,
        channel="ansatt",
    )
    client.force_login(world.users.officer)
    assert client.get(reverse("housing:letter", args=[pending.pk])).status_code == 404


def _refuse(client, world, **extra):
    client.force_login(world.users.nav)
    person = testing.person(world.muni)
    data = {
        "national_id": person.national_id,
        "asked_on": "30.05.2026",
        "reasons": "Du har avtale om å bo hos din bror ut måneden.",
        "other_help": "Hjelp til å søke kommunal bolig.",
        **extra,
    }
    return person, client.post(reverse("housing:refusal_new"), data)


def test_nav_refuses_temporary_housing_as_a_decision_with_appeal_to_the_state_governor(
    client, world
):
    person, response = _refuse(client, world)
    refusal = EmergencyRefusal.objects.get(person=person)
    assert response.status_code == 302
    route = appeal_route("bolig_midlertidig")
    assert (refusal.appeal_body, refusal.appeal_weeks) == (str(route.appeal_body), 3)
    page = client.get(reverse("housing:refusal", args=[refusal.pk])).content.decode()
    assert "Statsforvalteren" in page
    text = _text(client.get(reverse("housing:refusal_letter", args=[refusal.pk])))
    assert "Avslag på midlertidig botilbud" in text
    assert "bo hos din bror" in text and "Statsforvalteren" in text and "3 uker" in text
    assert "sosialtjenesteloven § 27" in text
    assert person.full_name in client.get(reverse("housing:stays")).content.decode()


def test_a_refusal_without_reasons_is_not_a_decision(client, world):
    _person, response = _refuse(client, world, reasons="  ")
    assert response.status_code == 400
    assert not EmergencyRefusal.objects.exists()


def test_only_nav_refuses_and_others_cannot_read_the_refusal(client, world):
    client.force_login(world.users.officer)
    assert client.get(reverse("housing:refusal_new")).status_code == 403
    person, _response = _refuse(client, world)
    refusal = EmergencyRefusal.objects.get()
    client.force_login(world.users.officer)
    assert client.get(reverse("housing:refusal", args=[refusal.pk])).status_code == 403
    assert AccessLogEntry.objects.filter(
        person=person, user=world.users.officer, granted=False
    ).exists()


def test_the_stay_letter_is_a_decision_with_appeal_information(client, world):
    person = testing.person(world.muni)
    stay = services.register_stay(
        person=person,
        unit_id=world.units.nav.pk,
        user=world.users.nav,
        place=EmergencyStay.Place.HOTEL,
        place_name="Skotterud hotell",
        reason="Mistet leiligheten",
        decided_on=world.today,
        started_on=world.today,
    )
    client.force_login(world.users.nav)
    text = _text(client.get(reverse("housing:stay_letter", args=[stay.pk])))
    assert "Skotterud hotell" in text and "Statsforvalteren" in text


def test_a_leader_sets_the_limit_and_each_change_is_kept(client, world):
    leader = testing.staff(world.units.nav, Role.LEADER, "navleder")
    client.force_login(leader)
    url = reverse("housing:routines")
    response = client.post(
        url,
        {
            "days": "14",
            "name": "Rutine for midlertidig botilbud, rev. 2026",
            "adopted_on": "01.05.2026",
            "change_note": "Kortere grense etter revisjonen",
        },
    )
    assert response.status_code == 302
    assert HousingRoutine.objects.get(municipality=world.muni).emergency_stay_days == 14
    removed = client.post(url, {"days": "", "name": "", "change_note": "Grensen oppheves"})
    assert removed.status_code == 302
    assert not HousingRoutine.objects.filter(municipality=world.muni).exists()
    versions = list(
        HousingRoutineVersion.objects.order_by("number").values_list(
            "number", "emergency_stay_days", "changed_by"
        )
    )
    assert versions == [(1, 14, leader.pk), (2, None, leader.pk)]
    page = client.get(url).content.decode()
    assert "Kortere grense etter revisjonen" in page and "Ingen grense" in page


def test_the_routine_needs_a_reason_and_a_name_and_only_leaders_change_it(client, world):
    leader = testing.staff(world.units.housing, Role.LEADER, "boligleder")
    client.force_login(leader)
    url = reverse("housing:routines")
    assert client.post(url, {"days": "30", "name": "Rutine", "change_note": ""}).status_code == 400
    assert client.post(url, {"days": "30", "name": "", "change_note": "Ny"}).status_code == 400
    assert client.post(url, {"days": "999", "name": "R", "change_note": "Ny"}).status_code == 400
    assert HousingRoutine.objects.get(municipality=world.muni).emergency_stay_days == 21
    client.force_login(world.users.officer)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"days": "30", "name": "R", "change_note": "Ny"})
    assert refused.status_code == 403
    assert not HousingRoutineVersion.objects.exists()


def test_a_refused_application_closes_for_the_office_eight_weeks_after_the_decision(client, world):
    criteria(world)
    application = services.register_application(
        person=testing.person(world.muni),
        unit_id=world.units.housing.pk,
        kind="utleiebolig",
        need="x",
        received_on=world.today,
        channel="ansatt",
    )
    services.assess(
        application=application, urgency="lav", assessment="Har bolig", group="", day=world.today
    )
    services.decide(
        application=application,
        user=world.users.officer,
        outcome="avslag",
        reasons="Har bolig.",
        day=world.today,
    )
    url = reverse("housing:application", args=[application.pk])
    with time_machine.travel(dt.datetime(2026, 7, 27, 10, 0), tick=False):
        client.force_login(world.users.officer)
        assert client.get(url).status_code == 200
    with time_machine.travel(dt.datetime(2026, 7, 28, 10, 0), tick=False):
        client.force_login(world.users.officer)
        assert client.get(url).status_code == 403
