"""KE's workflow for IP/coordinator requests (hol §§ 7-1 to 7-3, a municipal routine)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from helhet import testing
from helhet.coordination.models import CoordinatorAssignment, LocalRoutine
from helhet.intake import letters
from helhet.intake.models import Application
from helhet.intake.tests.builders import application, decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


@pytest.fixture
def granted(world):
    app = application(world, unit=world.units.ke, kind=Application.Kind.COORDINATION)
    return decision(
        world,
        app,
        service_name="Koordinator",
        scope="Koordinator og individuell plan",
        provider=world.units.provider,
    )


def assign(client, world, granted):
    client.force_login(world.users.ke)
    return client.post(
        f"/inntak/vedtak/{granted.pk}/koordinatoransvar/",
        {
            "unit": world.units.provider.pk,
            "wishes": "Ønsker en kvinnelig koordinator",
            "assigned_on": "2025-03-10",
        },
    )


def test_ke_registers_an_ip_request_addressed_to_its_unit(client, world):
    client.force_login(world.users.ke)
    person = testing.person(world.muni)
    response = client.post(
        "/inntak/ny/",
        {
            "unit": world.units.ke.pk,
            "national_id": person.national_id,
            "kind": Application.Kind.COORDINATION,
            "channel": Application.Channel.WRITTEN,
            "source": Application.Source.GP,
            "source_name": "Fastlege Hansen",
            "received_on": "2025-03-05",
            "summary": "Fastlegen ber om koordinator.",
        },
    )
    app = Application.objects.get()
    assert response.status_code == 302
    page = client.get(f"/inntak/soknad/{app.pk}/").content.decode()
    assert "Fastlege Hansen" in page
    assert "Fatt vedtak" in page


def test_ke_assigns_responsibility_and_the_unit_head_names_a_coordinator(client, world, granted):
    response = assign(client, world, granted)
    a = CoordinatorAssignment.objects.get()
    assert response["Location"] == f"/inntak/koordinator/{a.pk}/"
    assert (a.unit, a.assigned_on, a.person_wishes) == (
        world.units.provider,
        dt.date(2025, 3, 10),
        "Ønsker en kvinnelig koordinator",
    )
    page = client.get(response["Location"]).content.decode()
    assert "24.03.2025" in page  # the 14-day deadline
    client.force_login(world.users.provider_head)
    client.post(
        f"/inntak/koordinator/{a.pk}/oppnevn/",
        {"coordinator": world.users.provider.pk, "named_on": "2025-03-10"},
    )
    a.refresh_from_db()
    assert (a.coordinator, a.named_by) == (world.users.provider, world.users.provider_head)
    # KE now owes the person a letter naming the coordinator.
    client.force_login(world.users.ke)
    assert (
        "Send brev om koordinator til personen"
        in client.get("/inntak/arbeidsliste/").content.decode()
    )
    pdf = client.get(f"/inntak/koordinator/{a.pk}/brev.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    html = letters.letter_html("coordinator", {"assignment": a, "person": a.person})
    assert "Din koordinator er Test Hjemmesykepleier ved Hjemmetjenesten." in html
    # The letter cites the law, and the municipality's own routine by its own name.
    assert "helse- og omsorgstjenesteloven §§ 7-2 og 7-3" in html
    assert "Kommunens egen rutine: Nes kommunes rutine for koordinerende enhet: innen 14" in html
    client.post(f"/inntak/koordinator/{a.pk}/brev-sendt/", {"day": "2025-03-10"})
    a.refresh_from_db()
    assert a.letter_sent_on == dt.date(2025, 3, 10)


@pytest.mark.parametrize("who", ["no_staff", "other_municipality"])
def test_naming_someone_who_is_not_staff_of_the_municipality_is_refused(
    client, world, granted, who
):
    assign(client, world, granted)
    a = CoordinatorAssignment.objects.get()
    if who == "no_staff":
        outsider = get_user_model().objects.create_user(username="privatperson")
    else:
        outsider = testing.staff(testing.unit(testing.municipality(name="Eidskog")))
    client.force_login(world.users.provider_head)
    response = client.post(
        f"/inntak/koordinator/{a.pk}/oppnevn/",
        {"coordinator": outsider.pk, "named_on": "2025-03-10"},
    )
    assert response.status_code == 400
    assert "Koordinatoren må være ansatt i kommunen." in response.content.decode()
    a.refresh_from_db()
    assert a.coordinator is None


def test_only_the_units_head_or_ke_may_name(client, world, granted):
    assign(client, world, granted)
    a = CoordinatorAssignment.objects.get()
    client.force_login(world.users.caseworker)
    response = client.post(
        f"/inntak/koordinator/{a.pk}/oppnevn/",
        {"coordinator": world.users.provider.pk, "named_on": "2025-03-10"},
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.coordinator is None


def test_assigning_twice_or_before_signature_is_refused(client, world, granted):
    assign(client, world, granted)
    second = assign(client, world, granted)
    assert second.status_code == 400
    assert "allerede tildelt" in second.content.decode()
    unsigned = decision(
        world,
        application(world, unit=world.units.ke, kind=Application.Kind.COORDINATION),
        signed=False,
        service_name="Koordinator",
    )
    response = assign(client, world, unsigned)
    assert "signert av leder" in response.content.decode()
    assert CoordinatorAssignment.objects.count() == 1


def test_training_dates_are_shown_and_edited_by_ke(client, world, granted):
    client.force_login(world.users.ke)
    staff = world.users.provider.staff
    response = client.post(
        f"/inntak/koordinatorer/{staff.pk}/opplaering/", {"coordinator_trained_on": "2024-10-01"}
    )
    assert response.status_code == 302
    assert "01.10.2024" in client.get("/inntak/koordinatorer/").content.decode()
    future = client.post(
        f"/inntak/koordinatorer/{staff.pk}/opplaering/", {"coordinator_trained_on": "2026-01-01"}
    )
    assert "kan ikke være fram i tid" in future.content.decode()
    assign(client, world, granted)
    a = CoordinatorAssignment.objects.get()
    page = client.get(f"/inntak/koordinator/{a.pk}/").content.decode()
    assert "koordinatoropplæring 01.10.2024" in page
    client.force_login(world.users.caseworker)
    assert client.get("/inntak/koordinatorer/").status_code == 403


def test_the_coordinator_letter_cites_no_routine_where_the_municipality_set_none(world):
    LocalRoutine.objects.filter(municipality=world.muni).delete()
    a = CoordinatorAssignment.objects.create(
        person=testing.person(world.muni),
        offered_on=dt.date(2025, 3, 3),
        unit=world.units.provider,
        assigned_on=dt.date(2025, 3, 3),
        coordinator=world.users.provider,
        named_on=dt.date(2025, 3, 5),
    )
    html = letters.letter_html("coordinator", {"assignment": a, "person": a.person})
    assert "helse- og omsorgstjenesteloven §§ 7-2 og 7-3" in html
    assert "rutine" not in html.lower()
