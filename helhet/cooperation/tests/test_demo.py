import datetime as dt

import pytest
from django.utils import timezone

from helhet import testing
from helhet.consent.models import Category
from helhet.cooperation import demo, services
from helhet.cooperation.models import (
    ActionItem,
    DirectoryEntry,
    Forum,
    GroupMember,
    Meeting,
    ResponsibilityGroup,
)
from helhet.cooperation.tests.builders import consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext
from helhet.organisation.models import ExternalPartner, Role, Unit
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db


def _context():
    muni = testing.municipality()
    units = {kind: testing.unit(muni, kind) for kind in Unit.Kind.values}
    partners = {
        "dps": testing.partner(muni, ExternalPartner.Kind.DPS),
        "fastlege-1": testing.partner(muni, ExternalPartner.Kind.GP),
    }
    users = {
        "leder": testing.staff(units["kommunalsjef"], Role.LEADER),
        "koordinator": testing.staff(units["psykisk_rus"], Role.SERVICE_PROVIDER),
    }
    persons = []
    for i in range(40):
        person = testing.person(muni, born=dt.date(1970 + i, 1 + i % 12, 1 + i % 28))
        testing.service(person, units["psykisk_rus"])
        testing.service(person, units["bolig" if i % 2 else "nav"])
        IndividualPlan.objects.create(person=person, status="aktiv", offered_on=dt.date(2025, 1, 1))
        CoordinatorAssignment.objects.create(
            person=person,
            offered_on=dt.date(2025, 1, 1),
            unit=units["psykisk_rus"],
            coordinator=users["koordinator"],
        )
        if i % 3 == 0:
            consent(
                person,
                partners["dps"],
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2027, 12, 31),
            )
        elif i % 3 == 1:  # DPS may have health information, but not join the group
            consent(
                person,
                partners["dps"],
                categories=[Category.HEALTH],
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2027, 12, 31),
            )
        persons.append(person)
    return DemoContext(
        seed=7,
        today=timezone.localdate(),
        municipality=muni,
        units=units,
        partners=partners,
        users=users,
        persons=persons,
        progress=lambda message: None,
    )


def test_demo_data_covers_every_overview_with_cases_that_break_the_rules():
    ctx = _context()
    demo.populate(ctx)
    today = ctx.today

    rows = services.directory_rows(municipality=ctx.municipality, today=today)
    assert DirectoryEntry.objects.count() == len(rows) - 1  # the head of sector has none
    assert any(r.stale for r in rows) and any(r.entry and not r.stale for r in rows)

    overview = services.routine_overview(municipality=ctx.municipality, today=today)
    assert overview["routines"] and overview["overdue"]
    assert overview["gaps"]  # psykisk_rus and bolig share persons without a routine

    assert ResponsibilityGroup.objects.count() > 10
    assert ActionItem.objects.filter(status="lukket").exists()
    assert ActionItem.objects.filter(status__in=["apen", "pagar"]).exists()
    assert Meeting.objects.filter(status="planlagt", starts_at__gt=timezone.now()).exists()
    assert not Meeting.objects.filter(status="planlagt", starts_at__lt=timezone.now()).exists()
    assert Forum.objects.count() == 2

    # External members only where the person consented to cooperation with them.
    external = list(GroupMember.objects.filter(kind="ekstern").select_related("group__person"))
    assert external
    for member in external:
        assert services.partner_consent_valid(
            person=member.group.person, partner=member.partner, moment=timezone.now()
        )


def test_demo_data_is_deterministic():
    ctx = _context()
    demo.populate(ctx)
    first = list(Meeting.objects.order_by("id").values_list("starts_at", "status"))
    Meeting.objects.all().delete()
    ResponsibilityGroup.objects.all().delete()
    DirectoryEntry.objects.all().delete()
    Forum.objects.all().delete()
    demo.populate(ctx)
    assert list(Meeting.objects.order_by("id").values_list("starts_at", "status")) == first
