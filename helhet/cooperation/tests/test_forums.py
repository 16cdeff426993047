import pytest

from helhet import testing
from helhet.cooperation.models import Forum, ForumDecision, ForumMeeting
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db


def test_a_forum_records_meetings_decisions_and_follow_up(client):
    muni = testing.municipality()
    head = testing.staff(testing.unit(muni, Unit.Kind.SECTOR_HEAD), Role.SECTOR_HEAD)
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV")
    client.force_login(head)
    response = client.post(
        "/samarbeid/forum/ny/",
        {
            "name": "Samhandlingsforum rus og psykisk helse",
            "purpose": "Felles tiltak",
            "units": [nav.pk],
        },
    )
    forum = Forum.objects.get()
    assert response.url == f"/samarbeid/forum/{forum.pk}/"

    bad = client.post(f"/samarbeid/forum/{forum.pk}/", {"held_on": "31.02.2026"})
    assert bad.status_code == 400 and not ForumMeeting.objects.exists()
    client.post(f"/samarbeid/forum/{forum.pk}/", {"held_on": "2026-02-10", "place": "Rådhuset"})
    meeting = ForumMeeting.objects.get()
    client.post(
        f"/samarbeid/forum/mote/{meeting.pk}/vedtak/",
        {"text": "Lage felles rutine for utskrivning fra DPS", "responsible": "Kommunalsjef"},
    )
    decision = ForumDecision.objects.get()
    page = client.get(f"/samarbeid/forum/{forum.pk}/").content.decode()
    assert "Lage felles rutine for utskrivning fra DPS" in page and "Til oppfølging" in page

    client.post(
        f"/samarbeid/forum/vedtak/{decision.pk}/",
        {"status": "gjennomfort", "follow_up": "Rutinen er vedtatt"},
    )
    decision.refresh_from_db()
    assert decision.status == "gjennomfort" and decision.follow_up == "Rutinen er vedtatt"


def test_forums_belong_to_one_municipality_and_only_managers_change_them(client):
    forum = Forum.objects.create(municipality=testing.municipality(), name="Forum", purpose="x")
    other = testing.staff(testing.municipality(), Role.SECTOR_HEAD)
    client.force_login(other)
    assert client.get(f"/samarbeid/forum/{forum.pk}/").status_code == 404
    provider = testing.staff(forum.municipality, Role.SERVICE_PROVIDER)
    client.force_login(provider)
    assert client.get(f"/samarbeid/forum/{forum.pk}/").status_code == 200
    assert (
        client.post(f"/samarbeid/forum/{forum.pk}/", {"held_on": "2026-02-10"}).status_code == 403
    )
