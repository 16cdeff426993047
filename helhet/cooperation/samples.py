"""Sample builders for the access registry's URL walker: ``sample(person, ids)``
creates one cooperation object belonging to ``person`` and returns its pk.
Ids already built for the same URL are reused, so nested ids agree. The
group's only member is a user of its own, so the walker's user has no basis.
Imported only by tests."""

import datetime as dt
import itertools
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from helhet.cooperation.models import (
    ActionItem,
    Attachment,
    GroupMember,
    Meeting,
    Message,
    ResponsibilityGroup,
)

_n = itertools.count(1)


def _user():
    return get_user_model().objects.create_user(username=f"cooperation-sample-{next(_n)}")


def group(person, ids) -> int:
    if "group_id" in ids:
        return ids["group_id"]
    made, _created = ResponsibilityGroup.objects.get_or_create(
        person=person, defaults={"created_on": dt.date(2026, 1, 5)}
    )
    return made.pk


def meeting(person, ids) -> int:
    if "meeting_id" in ids:
        return ids["meeting_id"]
    return Meeting.objects.create(
        group_id=group(person, ids),
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 2, 10)),
        place="Rådhuset",
    ).pk


def item(person, ids) -> int:
    made = Meeting.objects.get(pk=meeting(person, ids))
    owner = GroupMember.objects.create(
        group_id=made.group_id, kind=GroupMember.Kind.STAFF, user=_user(), name="Prøvemedlem"
    )
    return ActionItem.objects.create(
        group_id=made.group_id,
        raised_in=made,
        text="Søke om støttekontakt",
        owner=owner,
        due_on=dt.date(2026, 3, 1),
    ).pk


def attachment(person, ids) -> int:
    author = _user()
    message = Message.objects.create(
        person=person, author=author, author_name=author.username, body="Epikrise vedlagt"
    )
    stored = uuid.uuid4().hex
    # No bytes on disk: the gate refuses before the file is opened.
    return Attachment.objects.create(
        message=message,
        original_name="epikrise.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        stored_name=stored,
        file=f"cooperation/{stored}",
    ).pk
