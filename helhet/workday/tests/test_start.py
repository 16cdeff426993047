"""«Min arbeidsdag»: each role sees its own sections, only through the gate,
logged, in a constant number of queries; every menu link opens."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Consent
from helhet.cooperation.models import ActionItem, GroupMember, Meeting, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.generate import DEMO_LOGINS
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan

PASSWORD = "demo-passord-1"
TODAY = dt.date(2026, 3, 2)


def _demo():
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("demo", persons=20, seed=1, password=PASSWORD, no_serve=True, **quiet)


@pytest.fixture
def demo(db):
    _demo()


def _get(client, username, url):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client.get(url)


@pytest.mark.django_db
def test_every_demo_login_gets_a_start_page_and_every_menu_link_opens(client, demo):
    from django.contrib.auth import get_user_model

    for username in DEMO_LOGINS:
        response = _get(client, username, "/")
        user = get_user_model().objects.get(username=username)
        if getattr(user, "staff", None) is None:
            assert response.status_code == 302
            assert response["Location"] == reverse("portal:home")
            response = client.get(response["Location"])
        else:
            assert response.status_code == 200, username
            assert "Min arbeidsdag" in response.content.decode()
        nav = response.content.decode().split("<nav", 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'href="([^"]+)"', nav)
        assert links, username
        for url in links:
            opened = client.get(url, follow=True)
            assert opened.status_code == 200, (username, url, opened.status_code)


@pytest.mark.django_db
def test_sections_follow_the_roles(client, demo):
    page = _get(client, "koordinator", "/").content.decode()
    assert "Personer jeg er koordinator for" in page
    page = _get(client, "leder", "/").content.decode()
    assert "Uvanlig tilgang å gå gjennom" in page
    assert "Personer jeg er koordinator for" not in page
    page = _get(client, "ke", "/").content.decode()
    assert "Individuelle planer i kommunen" in page
    page = _get(client, "admin", "/").content.decode()
    assert "Gå til administrasjonen" in page
    assert "Personer jeg er koordinator for" not in page
    assert "Saker og frister" not in page


@pytest.mark.django_db
def test_menu_hides_what_the_role_may_not_open(client, demo):
    page = _get(client, "revisor", "/").content.decode()
    assert reverse("audit:compliance") in page
    assert reverse("access:emergency") not in page
    assert reverse("people:search") not in page
    page = _get(client, "koordinator", "/").content.decode()
    assert reverse("access:review") not in page
    assert reverse("audit:compliance") not in page
    assert reverse("access:emergency") in page


def _coordinated(muni, coordinator, unit, n: int, today: dt.date):
    for i in range(n):
        person = testing.person(muni, given_name=f"P{i}")
        CoordinatorAssignment.objects.create(
            person=person, offered_on=today, coordinator=coordinator, named_on=today, unit=unit
        )
        IndividualPlan.objects.create(
            person=person,
            status="aktiv",
            offered_on=today,
            revision_due=today + dt.timedelta(days=i - 2),
        )
        group = ResponsibilityGroup.objects.create(person=person, created_on=today)
        meeting = Meeting.objects.create(
            group=group,
            starts_at=dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC),
            place="Kontoret",
        )
        member = GroupMember.objects.create(
            group=group, kind=GroupMember.Kind.STAFF, user=coordinator, name="K"
        )
        ActionItem.objects.create(
            group=group, raised_in=meeting, text="Ring NAV", owner=member, due_on=today
        )


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_the_coordinators_start_page_takes_as_many_queries_for_3_persons_as_for_30(client):
    muni = testing.municipality()
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH)
    coordinator = testing.staff(unit, Role.SERVICE_PROVIDER, username="k1")
    client.force_login(coordinator)
    _coordinated(muni, coordinator, unit, 3, TODAY)
    with CaptureQueriesContext(connection) as small:
        first = client.get("/")
    assert first.status_code == 200
    assert first.content.decode().count("Ring NAV") == 0  # counts only, no texts
    _coordinated(muni, coordinator, unit, 27, TODAY)
    with CaptureQueriesContext(connection) as large:
        second = client.get("/")
    assert second.status_code == 200
    assert len(large) == len(small)
    assert len(second.context["day"].my_persons) == 30


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_overdue_first_and_every_person_shown_is_logged(client):
    muni = testing.municipality()
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH)
    coordinator = testing.staff(unit, Role.SERVICE_PROVIDER, username="k1")
    _coordinated(muni, coordinator, unit, 4, TODAY)
    client.force_login(coordinator)
    rows = client.get("/").context["day"].my_persons
    # Revision due two days ago (P0) and yesterday (P1) are overdue: first.
    assert [r.person.given_name for r in rows[:2]] == ["P0", "P1"]
    assert rows[0].urgency == 0
    logged = AccessLogEntry.objects.filter(user=coordinator, what="min arbeidsdag")
    assert {e.person_id for e in logged} == {r.person.pk for r in rows}


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_a_person_the_gate_hides_is_not_on_the_start_page(client):
    muni = testing.municipality()
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH)
    coordinator = testing.staff(unit, Role.SERVICE_PROVIDER, username="k1")
    other = testing.municipality(name="Annen kommune")
    stranger = testing.person(other, given_name="Fremmed")
    # An assignment pointing at another municipality's person gives no relation here.
    CoordinatorAssignment.objects.create(
        person=stranger, offered_on=TODAY, coordinator=coordinator, named_on=TODAY
    )
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Fremmed" not in page
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_the_403_page_says_why_and_whom_to_ask(client):
    muni = testing.municipality()
    home = testing.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    testing.unit(muni, Unit.Kind.COORDINATING, name="Koordinerende enhet Testkommune")
    worker = testing.staff(home, Role.SERVICE_PROVIDER, username="vakt")
    boss = testing.staff(home, Role.LEADER, username="sjef")
    boss.first_name, boss.last_name = "Siv", "Sjef"
    boss.save()
    person = testing.person(muni)
    client.force_login(worker)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Ingen tjenstlig relasjon" in page
    assert "Siv Sjef (Hjemmetjenesten)" in page
    assert "Koordinerende enhet Testkommune" in page


@pytest.mark.django_db
def test_person_search_lists_my_persons_before_anything_is_typed(client):
    muni = testing.municipality()
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH)
    coordinator = testing.staff(unit, Role.SERVICE_PROVIDER, username="k1")
    mine = testing.person(muni, given_name="Mina")
    testing.service(testing.person(muni, given_name="Tjeneste"), unit)
    CoordinatorAssignment.objects.create(
        person=mine, offered_on=TODAY, coordinator=coordinator, named_on=TODAY, unit=unit
    )
    client.force_login(coordinator)
    page = client.get(reverse("people:search")).content.decode()
    assert "Mine personer" in page
    assert "Mina" in page
    assert "Tjeneste" not in page
    searched = client.get(reverse("people:search"), {"q": "Tjeneste"}).content.decode()
    assert "Mine personer" not in searched
