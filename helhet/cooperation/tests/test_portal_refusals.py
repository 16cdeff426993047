"""A person or proxy on the cooperation pages is refused, and the attempt is
on the access log of the person whose data the URL names."""

import pytest
from django.contrib.auth import get_user_model

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.cooperation.models import Meeting
from helhet.cooperation.tests.builders import at, coordinated_person, group_with_member

pytestmark = pytest.mark.django_db


def test_a_person_asking_for_someone_elses_group_and_meeting_is_refused_and_logged(client):
    _, _, coordinator, other = coordinated_person()
    group, _ = group_with_member(other, coordinator)
    meeting = Meeting.objects.create(group=group, starts_at=at(2030, 1, 1, 10), place="Rom 1")
    _, _, _, me = coordinated_person()
    me.user = get_user_model().objects.create_user(username="meg", password=testing.PASSWORD)
    me.save()
    client.force_login(me.user)
    for method, url in [
        ("get", f"/samarbeid/person/{other.pk}/"),
        ("get", f"/samarbeid/mote/{meeting.pk}/"),
        ("post", f"/samarbeid/mote/{meeting.pk}/referat/"),
        ("post", f"/samarbeid/gruppe/{group.pk}/medlemmer/fjern/"),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    refused = AccessLogEntry.objects.filter(person=other, user=me.user)
    assert refused.count() == 4
    assert all(not e.granted and e.flagged for e in refused)
    assert {e.action for e in refused} == {"vis", "endre"}
