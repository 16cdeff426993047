import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Category, ConsentScope
from helhet.cooperation import services
from helhet.cooperation.models import ActionItem, GroupMember, Meeting
from helhet.cooperation.tests.builders import (
    at,
    consent,
    coordinated_person,
    group_with_member,
    meeting,
)
from helhet.organisation.models import ExternalPartner, Role

pytestmark = pytest.mark.django_db


def _item(group, raised_in, owner, text):
    return ActionItem.objects.create(
        group=group, raised_in=raised_in, owner=owner, text=text, due_on=dt.date(2026, 3, 1)
    )


def test_open_action_items_are_carried_to_every_later_meeting_until_closed():
    _, _, coordinator, person = coordinated_person()
    group, member = group_with_member(person, coordinator)
    first = meeting(group, at(2026, 2, 1))
    second = meeting(group, at(2026, 3, 1))
    third = meeting(group, at(2026, 4, 1), status=Meeting.Status.PLANNED)
    housing = _item(group, first, member, "Søke om bolig")
    school = _item(group, first, member, "Kontakte skolen")
    late = _item(group, second, member, "Bestille time hos fastlege")

    assert set(services.carried_items(meeting=first)) == set()
    assert set(services.carried_items(meeting=second)) == {housing, school}

    # "Kontakte skolen" is closed at the second meeting: on that agenda, not the next.
    services.set_item_status(
        item=school, status=ActionItem.Status.CLOSED, meeting=second, now=at(2026, 3, 1, 11)
    )
    assert set(services.carried_items(meeting=second)) == {housing, school}
    assert set(services.carried_items(meeting=third)) == {housing, late}

    # Reopened, it is carried again.
    services.set_item_status(
        item=school, status=ActionItem.Status.ONGOING, meeting=None, now=at(2026, 3, 5)
    )
    assert set(services.carried_items(meeting=third)) == {housing, late, school}


def test_an_item_closed_between_meetings_leaves_the_next_agenda():
    _, _, coordinator, person = coordinated_person()
    group, member = group_with_member(person, coordinator)
    first = meeting(group, at(2026, 2, 1))
    second = meeting(group, at(2026, 3, 1), status=Meeting.Status.PLANNED)
    item = _item(group, first, member, "Søke om bolig")
    services.set_item_status(
        item=item, status=ActionItem.Status.CLOSED, meeting=None, now=at(2026, 2, 15)
    )
    assert list(services.carried_items(meeting=second)) == []


def test_the_meeting_page_shows_carried_items_on_the_agenda(client):
    _, _, coordinator, person = coordinated_person()
    group, member = group_with_member(person, coordinator)
    first = meeting(group, at(2026, 2, 1))
    second = meeting(group, at(2026, 3, 1))
    _item(group, first, member, "Søke om bolig")
    client.force_login(coordinator)
    page = client.get(f"/samarbeid/mote/{second.pk}/").content.decode()
    carried = page.split('id="carried"')[1].split("</table>")[0]
    assert "Søke om bolig" in carried
    assert AccessLogEntry.objects.filter(person=person, what="ansvarsgruppemøte").exists()


def test_an_external_member_needs_a_valid_consent_for_that_partner_and_cooperation():
    muni, _, coordinator, person = coordinated_person()
    dps = testing.partner(muni, ExternalPartner.Kind.DPS)
    gp = testing.partner(muni, ExternalPartner.Kind.GP)
    group, _ = group_with_member(person, coordinator)
    moment = at(2026, 6, 1)

    def add(partner):
        member = GroupMember(kind=GroupMember.Kind.PARTNER, partner=partner, name=partner.name)
        services.add_member(group=group, member=member, moment=moment)

    with pytest.raises(ValidationError, match="gyldig samtykke"):
        add(dps)
    consent(person, gp)  # another partner
    consent(person, dps, categories=["helse"])  # another category
    consent(person, dps, valid_to=dt.date(2026, 5, 31))  # expired
    # One consent naming DPS and cooperation, but not together: DPS may receive
    # health information, the GP cooperation.
    crossed = consent(person, gp)
    ConsentScope.objects.create(consent=crossed, partner=dps, category=Category.HEALTH)
    crossed.partners.add(dps)
    crossed.categories = sorted({*crossed.categories, Category.HEALTH})
    crossed.save()
    withdrawn = consent(person, dps)
    withdrawn.withdrawn_at = at(2026, 5, 1)
    withdrawn.save()
    with pytest.raises(ValidationError):
        add(dps)
    assert not group.members.filter(partner=dps).exists()

    consent(person, dps)
    add(dps)
    assert group.members.filter(partner=dps).exists()


@time_machine.travel("2026-06-01 10:00 +0200", tick=False)
def test_adding_an_external_member_without_consent_shows_an_error_and_stores_nothing(client):
    muni, _, coordinator, person = coordinated_person()
    dps = testing.partner(muni, ExternalPartner.Kind.DPS)
    group, _ = group_with_member(person, coordinator)
    client.force_login(coordinator)
    response = client.post(
        f"/samarbeid/gruppe/{group.pk}/medlemmer/",
        {"kind": "ekstern", "partner": dps.pk, "name": "Lege Lie"},
    )
    assert response.status_code == 400
    assert "ikke et gyldig samtykke" in response.content.decode()
    assert group.members.count() == 1

    consent(person, dps)
    response = client.post(
        f"/samarbeid/gruppe/{group.pk}/medlemmer/",
        {"kind": "ekstern", "partner": dps.pk, "name": "Lege Lie"},
    )
    assert response.status_code == 302
    assert group.members.filter(partner=dps, name="Lege Lie").exists()


@time_machine.travel("2026-03-10 10:00 +0100", tick=False)
def test_a_planned_meeting_in_the_past_is_refused(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    client.force_login(coordinator)
    data = {"day": "2026-03-09", "time": "12:00", "duration_minutes": 60, "place": "Rom 2"}
    response = client.post(f"/samarbeid/gruppe/{group.pk}/moter/ny/", data | {"status": "planlagt"})
    assert response.status_code == 400
    assert "kan ikke ligge tilbake i tid" in response.content.decode()
    assert not Meeting.objects.exists()

    # Registered as held it is fine; a held meeting tomorrow is not.
    assert (
        client.post(f"/samarbeid/gruppe/{group.pk}/moter/ny/", data | {"status": "holdt"})
    ).status_code == 302
    tomorrow = data | {"day": "2026-03-11", "status": "holdt"}
    response = client.post(f"/samarbeid/gruppe/{group.pk}/moter/ny/", tomorrow)
    assert "før det har funnet sted" in response.content.decode()
    assert Meeting.objects.count() == 1


@time_machine.travel("2026-03-10 10:00 +0100", tick=False)
def test_an_action_item_without_owner_is_refused(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    held = meeting(group, at(2026, 3, 10, 9))
    client.force_login(coordinator)
    response = client.post(
        f"/samarbeid/mote/{held.pk}/punkter/", {"text": "Søke bolig", "due_on": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "Oppfølgingspunktet må ha en ansvarlig." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_missed_meetings_are_shown_on_the_group_page(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator, created_on=dt.date(2026, 1, 1))
    group.frequency_weeks = 4
    group.save()
    meeting(group, at(2026, 1, 20))
    client.force_login(coordinator)
    with time_machine.travel("2026-04-10 12:00 +0200", tick=False):
        page = services.group_page(group=group, now=at(2026, 4, 10))
        html = client.get(f"/samarbeid/person/{person.pk}/").content.decode()
    # Last met 20.01.; due 17.02., 17.03. (and 14.04. not yet): two missed.
    assert page["missed"] == 2
    assert '<span class="badge bad">2</span>' in html
    assert "17.02.2026" in html


def test_staff_without_relation_to_the_person_is_refused(client):
    muni, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    held = meeting(group, at(2026, 2, 1))
    outsider = testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER)
    client.force_login(outsider)
    assert client.get(f"/samarbeid/person/{person.pk}/").status_code == 403
    assert client.get(f"/samarbeid/mote/{held.pk}/").status_code == 403
    assert client.get(f"/samarbeid/mote/{held.pk}/invitasjon.ics").status_code == 403


def test_another_municipality_sees_404(client):
    _, _, coordinator, person = coordinated_person()
    group, _ = group_with_member(person, coordinator)
    held = meeting(group, at(2026, 2, 1))
    other = testing.staff(testing.municipality(), Role.COORDINATING_UNIT)
    client.force_login(other)
    assert client.get(f"/samarbeid/mote/{held.pk}/").status_code == 404
    assert client.get("/samarbeid/mote/999999/").status_code == 404


def test_creating_a_group_adds_the_coordinator_as_member(client):
    _, _, coordinator, person = coordinated_person()
    client.force_login(coordinator)
    response = client.post(f"/samarbeid/person/{person.pk}/")
    assert response.status_code == 302
    member = person.responsibility_group.members.get()
    assert member.user == coordinator and member.role == "Koordinator"


def test_a_member_with_open_items_cannot_leave_the_group(client):
    _, _, coordinator, person = coordinated_person()
    group, member = group_with_member(person, coordinator)
    item = _item(group, meeting(group, at(2026, 2, 1)), member, "Søke om bolig")
    client.force_login(coordinator)
    url = f"/samarbeid/gruppe/{group.pk}/medlemmer/fjern/"
    page = client.post(url, {"member": member.pk}, follow=True).content.decode()
    assert "har åpne oppfølgingspunkter" in page
    item.status = ActionItem.Status.CLOSED
    item.save()
    client.post(url, {"member": member.pk})
    member.refresh_from_db()
    assert member.left_on is not None
