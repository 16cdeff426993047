"""Deviations: anyone reports, the responsible leader handles, statistics and learning."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.organisation.models import Role, Unit
from helhet.quality import rules
from helhet.quality.models import Deviation

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world():
    muni = t.municipality()
    nav = t.unit(muni, Unit.Kind.NAV)
    care = t.unit(muni, Unit.Kind.HOME_CARE)
    return {
        "muni": muni,
        "nav": nav,
        "care": care,
        "adviser": t.staff(nav, Role.NAV_ADVISER),
        "nav_leader": t.staff(nav, Role.LEADER),
        "care_leader": t.staff(care, Role.LEADER),
        "quality": t.staff(t.unit(muni, Unit.Kind.OTHER), Role.QUALITY),
    }


def report(client, user, unit, **extra):
    client.force_login(user)
    data = {
        "unit": unit.pk,
        "kind": "vold",
        "severity": "lav",
        "title": "Trussel i mottaket",
        "description": "Bruker truet veileder.",
        "occurred_on": "14.06.2026",
        **extra,
    }
    return client.post(reverse("quality:report"), data)


def test_deadline_follows_severity_and_violence_is_always_serious():
    assert rules.deadline_for("tjeneste", "lav", TODAY) == TODAY + dt.timedelta(days=30)
    assert rules.deadline_for("tjeneste", "middels", TODAY) == TODAY + dt.timedelta(days=14)
    assert rules.deadline_for("vold", "lav", TODAY) == TODAY + dt.timedelta(days=7)
    assert rules.must_inform_top_management("vold", "lav")
    assert not rules.must_inform_top_management("tjeneste", "middels")


def test_nav_staff_report_violence_into_the_same_register(client, world):
    response = report(client, world["adviser"], world["nav"])
    deviation = Deviation.objects.get()
    assert response.status_code == 302
    assert deviation.deadline == dt.date(2026, 6, 22)
    assert deviation.reported_by == world["adviser"] and deviation.person is None
    page = client.get(reverse("quality:deviation", args=[deviation.pk])).content.decode()
    assert "Toppledelsen informert" in page and "Ikke ennå" in page


def test_a_future_date_is_refused_and_nothing_saved(client, world):
    response = report(client, world["adviser"], world["nav"], occurred_on="20.06.2026")
    assert response.status_code == 200
    assert "Hendelsen kan ikke ha skjedd etter i dag." in response.content.decode()
    assert not Deviation.objects.exists()


def test_person_reference_only_for_a_person_the_gate_allows(client, world):
    muni = world["muni"]
    served = t.person(muni, born=dt.date(1991, 2, 3))
    stranger = t.person(muni, born=dt.date(1992, 3, 4))
    t.service(served, world["nav"])
    refused = report(client, world["adviser"], world["nav"], national_id=stranger.national_id)
    assert "Fant ingen person du har tjenstlig relasjon til" in refused.content.decode()
    assert not Deviation.objects.exists()
    report(client, world["adviser"], world["nav"], national_id=served.national_id)
    assert Deviation.objects.get().person == served
    assert AccessLogEntry.objects.filter(person=served, user=world["adviser"]).exists()


def test_the_handler_without_basis_does_not_see_the_persons_name(client, world):
    served = t.person(world["muni"], born=dt.date(1991, 2, 3))
    t.service(served, world["nav"])
    report(client, world["adviser"], world["nav"], national_id=served.national_id)
    deviation = Deviation.objects.get()
    client.force_login(world["quality"])
    page = client.get(reverse("quality:deviation", args=[deviation.pk])).content.decode()
    assert served.family_name not in page
    assert "du har ikke tjenstlig grunnlag" in page
    client.force_login(world["nav_leader"])
    page = client.get(reverse("quality:deviation", args=[deviation.pk])).content.decode()
    assert served.family_name in page


def test_who_sees_which_deviations(client, world):
    report(client, world["adviser"], world["nav"])
    url = reverse("quality:deviation", args=[Deviation.objects.get().pk])
    for user, status in (
        ("adviser", 200),
        ("nav_leader", 200),
        ("quality", 200),
        ("care_leader", 404),
    ):
        client.force_login(world[user])
        assert client.get(url).status_code == status, user
    outsider = t.staff(t.unit(t.municipality()), Role.QUALITY)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_leader_handles_step_by_step(client, world):
    report(client, world["adviser"], world["nav"])
    deviation = Deviation.objects.get()
    url = reverse("quality:deviation", args=[deviation.pk])
    client.force_login(world["adviser"])
    assert client.post(url, {"assessment": "Alvorlig"}).status_code == 403
    client.force_login(world["nav_leader"])
    empty = client.post(url, {"assessment": " "})
    assert empty.status_code == 400 and "Skriv vurderingen din." in empty.content.decode()
    client.post(url, {"assessment": "Alvorlig hendelse; alenearbeid"})
    client.post(url, {"cause": "Ingen alarm", "measures": "Alarm i alle samtalerom"})
    client.post(url, {"learning": "To ansatte i samtaler med kjent risiko"})
    deviation.refresh_from_db()
    assert deviation.status == "lukket" and deviation.closed_on == TODAY
    assert deviation.handled_by == world["nav_leader"]
    client.post(reverse("quality:inform_top", args=[deviation.pk]))
    deviation.refresh_from_db()
    assert deviation.top_management_informed_on == TODAY


def test_steps_cannot_be_skipped():
    assert rules.step_errors("meldt", "lukket", {"learning": "x"}) == {
        "__all__": "Avviket må behandles ett steg av gangen."
    }
    assert rules.step_errors("lukket", "lukket", {}) == {"__all__": "Avviket er lukket."}
    assert rules.step_errors("vurdert", "tiltak", {"cause": "c"}) == {
        "measures": "Beskriv tiltakene som er besluttet."
    }


def test_statistics_per_unit_and_month_with_learning(client, world):
    for day, closed in ((dt.date(2026, 4, 2), None), (dt.date(2026, 5, 3), dt.date(2026, 5, 9))):
        Deviation.objects.create(
            municipality=world["muni"],
            unit=world["care"],
            kind="tjeneste",
            severity="middels",
            title="Medisin",
            description="Glemt",
            occurred_on=day,
            reported_on=day,
            reported_by=world["care_leader"],
            deadline=day + dt.timedelta(days=14),
            status="lukket" if closed else "meldt",
            closed_on=closed,
            learning="Dobbeltkontroll ved vaktskifte" if closed else "",
        )
    client.force_login(world["quality"])
    page = client.get(reverse("quality:statistics")).content.decode()
    care = world["care"].name
    assert f"<td>2026-04</td><td>{care}</td><td>1</td>" in page
    assert f"<td>2026-05</td><td>{care}</td><td>1</td>" in page
    assert "Dobbeltkontroll ved vaktskifte" in page
    assert f'<td>{care}</td><td><span class="badge bad">1</span></td>' in page


def test_demo_has_deviations_in_every_state_and_a_violence_incident():
    call_command(
        "demo",
        persons=30,
        seed=5,
        password="demo-passord-1",
        no_serve=True,
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )
    deviations = Deviation.objects.all()
    assert set(deviations.values_list("status", flat=True)) == set(Deviation.Status.values)
    assert deviations.filter(kind="vold", unit__code="nav", closed_on__isnull=True).exists()
    overdue = [d for d in deviations if rules.is_overdue(d.deadline, d.closed_on, TODAY)]
    assert overdue
    assert deviations.filter(person__isnull=False).exists()


def test_person_lookups_answer_for_a_user_without_a_request(world):
    """Services take the user, so a command or a task asks them as a page does."""
    from helhet.quality import services

    served = t.person(world["muni"], born=dt.date(1991, 2, 3))
    t.service(served, world["nav"])
    adviser, quality = world["adviser"], world["quality"]
    assert services.person_reference(user=adviser, national_id=served.national_id) == served
    assert services.person_reference(user=quality, national_id=served.national_id) is None
    deviation = services.report(
        user=adviser,
        person=served,
        unit=world["nav"],
        kind="tjeneste",
        severity="lav",
        title="Glemt avtale",
        description="Avtalen ble ikke fulgt opp.",
        occurred_on=TODAY,
        reported_on=TODAY,
    )
    assert services.shown_person(user=adviser, deviation=deviation) == served.full_name
    assert services.shown_person(user=quality, deviation=deviation) is None
