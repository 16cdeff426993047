import datetime as dt

import pytest

from helhet import testing
from helhet.access import gate
from helhet.access.models import AccessLogEntry
from helhet.cooperation.models import GroupMember, ResponsibilityGroup


@pytest.mark.django_db
def test_a_group_member_reaches_the_person_until_leaving_the_group(client):
    muni = testing.municipality()
    member = testing.staff(testing.unit(muni))
    person = testing.person(muni)
    client.force_login(member)
    assert client.get(f"/personer/{person.pk}/").status_code == 403

    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 1, 5))
    membership = GroupMember.objects.create(
        group=group, kind=GroupMember.Kind.STAFF, user=member, name="Medlem"
    )
    assert client.get(f"/personer/{person.pk}/").status_code == 200
    assert person in gate.accessible_persons(member)
    assert AccessLogEntry.objects.filter(
        person=person, granted=True, basis="ansvarsgruppe"
    ).exists()

    membership.left_on = dt.date(2026, 6, 1)
    membership.save()
    assert client.get(f"/personer/{person.pk}/").status_code == 403
    assert person not in gate.accessible_persons(member)
