import datetime as dt
import re

import pytest
import time_machine

from helhet import testing
from helhet.cooperation.models import Meeting
from helhet.cooperation.tests.builders import at, coordinated_person, group_with_member, meeting
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


def _unfold(ics: str) -> str:
    return ics.replace("\r\n ", "")


def test_the_invitation_is_an_ics_file_without_the_persons_name(client):
    _, _, coordinator, person = coordinated_person(given_name="Ingrid")
    group, _ = group_with_member(person, coordinator)
    planned = Meeting.objects.create(
        group=group,
        starts_at=at(2026, 3, 10, 14),
        duration_minutes=90,
        place="Helsehuset, møterom 2",
        agenda=f"Plan for {person.full_name}",
    )
    client.force_login(coordinator)
    response = client.get(f"/samarbeid/mote/{planned.pk}/invitasjon.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    ics = _unfold(response.content.decode())
    assert "\r\nBEGIN:VEVENT\r\n" in ics
    # 14:00 Oslo time in March is 13:00 UTC; 90 minutes.
    assert "DTSTART:20260310T130000Z" in ics and "DTEND:20260310T143000Z" in ics
    assert f"SUMMARY:Ansvarsgruppemøte AG-{group.pk}-{planned.pk}" in ics
    assert "LOCATION:Helsehuset\\, møterom 2" in ics
    assert f"/samarbeid/mote/{planned.pk}/" in ics
    assert "Ingrid" not in ics and person.family_name not in ics
    assert person.national_id not in ics


@time_machine.travel("2026-03-01 09:00 +0100", tick=False)
def test_the_calendar_feed_lists_my_meetings_without_names_and_needs_only_the_token(client):
    muni, unit, coordinator, person = coordinated_person(given_name="Ingrid")
    group, _ = group_with_member(person, coordinator)
    mine = meeting(group, at(2026, 3, 10, 14), status=Meeting.Status.PLANNED)
    meeting(group, at(2025, 6, 1))  # too old for the feed
    _, _, other_coordinator, other_person = coordinated_person()
    other_group, _ = group_with_member(other_person, other_coordinator)
    not_mine = meeting(other_group, at(2026, 3, 11), status=Meeting.Status.PLANNED)

    client.force_login(coordinator)
    page = client.post("/samarbeid/kalender/").content.decode()
    url = re.search(r'value="(http://testserver/samarbeid/kalender/[^"]+\.ics)"', page).group(1)
    client.logout()

    feed = _unfold(client.get(url).content.decode())
    assert f"UID:helhet-ansvarsgruppe-{mine.pk}@helhet" in feed
    assert f"helhet-ansvarsgruppe-{not_mine.pk}@" not in feed
    assert feed.count("BEGIN:VEVENT") == 1
    assert "Ingrid" not in feed and person.family_name not in feed

    # A new address revokes the old one.
    client.force_login(coordinator)
    client.post("/samarbeid/kalender/")
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get("/samarbeid/kalender/gjettet.ics").status_code == 404


def test_the_feed_stops_for_a_deactivated_user(client):
    _, _, coordinator, _ = coordinated_person()
    client.force_login(coordinator)
    page = client.post("/samarbeid/kalender/").content.decode()
    path = re.search(r'http://testserver(/samarbeid/kalender/[^"]+\.ics)', page).group(1)
    assert client.get(path).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    assert client.get(path).status_code == 404


def test_a_member_who_leaves_drops_out_of_the_feed(client):
    muni, unit, coordinator, person = coordinated_person()
    colleague = testing.staff(unit, Role.SERVICE_PROVIDER)
    group, _ = group_with_member(person, coordinator)
    member = group.members.create(kind="ansatt", user=colleague, name="Kollega")
    meeting(group, at(2030, 1, 1), status=Meeting.Status.PLANNED)
    client.force_login(colleague)
    page = client.post("/samarbeid/kalender/").content.decode()
    path = re.search(r'http://testserver(/samarbeid/kalender/[^"]+\.ics)', page).group(1)
    assert client.get(path).content.decode().count("BEGIN:VEVENT") == 1
    member.left_on = dt.date(2026, 1, 1)
    member.save()
    assert client.get(path).content.decode().count("BEGIN:VEVENT") == 0


@time_machine.travel("2026-03-01 09:00 +0100", tick=False)
def test_the_feed_carries_no_place_and_no_group_reference(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    home = Meeting.objects.create(
        group=group,
        starts_at=at(2026, 3, 10, 14),
        place="Hjemme hos Kari, Storgata 5",
        status=Meeting.Status.PLANNED,
    )
    client.force_login(coordinator)
    page = client.post("/samarbeid/kalender/").content.decode()
    path = re.search(r'http://testserver(/samarbeid/kalender/[^"]+\.ics)', page).group(1)
    client.logout()
    response = client.get(path)
    feed = _unfold(response.content.decode())
    assert "Storgata" not in feed and "LOCATION" not in feed
    assert f"AG-{group.pk}" not in feed
    assert "SUMMARY:Ansvarsgruppemøte\r\n" in feed
    assert f"/samarbeid/mote/{home.pk}/" in feed
    assert "no-store" in response["Cache-Control"]


def test_a_bare_carriage_return_in_the_place_cannot_add_properties(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    planned = Meeting.objects.create(
        group=group,
        starts_at=at(2030, 3, 10, 14),
        place="Rom 1\rATTENDEE:mailto:angriper@example.com\nX-EVIL:1\u2028Y",
        status=Meeting.Status.PLANNED,
    )
    client.force_login(coordinator)
    ics = client.get(f"/samarbeid/mote/{planned.pk}/invitasjon.ics").content.decode()
    lines = ics.split("\r\n")
    assert "\r" not in "".join(lines) and "\n" not in "".join(lines)
    assert not [line for line in lines if line.startswith(("ATTENDEE", "X-EVIL", "Y"))]
    unfolded = _unfold(ics)
    assert "LOCATION:Rom 1\\nATTENDEE:mailto:angriper@example.com\\nX-EVIL:1\\nY" in unfolded
