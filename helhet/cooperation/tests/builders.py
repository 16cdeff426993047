"""Small builders for cooperation tests, on top of helhet.testing."""

import datetime as dt
import itertools

from django.utils import timezone

from helhet import testing
from helhet.consent.models import Category
from helhet.cooperation.models import GroupMember, Meeting, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit

_births = itertools.count()

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def person(muni, **fields):
    """A person with a birth date of their own: the synthetic national ids of
    many persons born the same day may collide."""
    n = next(_births)
    return testing.person(muni, born=dt.date(1950 + n % 60, 1 + n % 12, 1 + n % 28), **fields)


def coordinated_person(given_name="Kari"):
    """A municipality, a coordinator (a user) and the person they coordinate."""
    muni = testing.municipality()
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH)
    coordinator = testing.staff(unit, Role.SERVICE_PROVIDER)
    the_person = person(muni, given_name=given_name)
    CoordinatorAssignment.objects.create(
        person=the_person,
        offered_on=dt.date(2026, 1, 5),
        response=CoordinatorAssignment.Response.ACCEPTED,
        unit=unit,
        coordinator=coordinator,
        named_on=dt.date(2026, 1, 10),
    )
    return muni, unit, coordinator, the_person


def group_with_member(person, coordinator, created_on=dt.date(2026, 1, 1)):
    group = ResponsibilityGroup.objects.create(person=person, created_on=created_on)
    member = GroupMember.objects.create(
        group=group, kind=GroupMember.Kind.STAFF, user=coordinator, name="Koordinator"
    )
    return group, member


def meeting(group, starts_at, status=Meeting.Status.HELD):
    return Meeting.objects.create(group=group, starts_at=starts_at, place="Rådhuset", status=status)


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def consent(person, partner, categories=(Category.COOPERATION,), **fields):
    """A consent naming ``partner`` for ``categories``, one scope per category."""
    fields.setdefault("valid_from", dt.date(2026, 1, 1))
    fields.setdefault("valid_to", dt.date(2026, 12, 31))
    fields.setdefault("purpose", "Samarbeid i ansvarsgruppen")
    return testing.consent(
        person, partners=[partner], categories=categories, covers_plan=False, **fields
    )
