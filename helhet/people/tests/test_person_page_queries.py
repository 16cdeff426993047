"""The person page asks the database a fixed number of questions, however much
the person has around them (docs/performance.md: query counts independent of the data)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhet import testing
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.consent.models import Category
from helhet.cooperation.models import GroupMember, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.people.models import Relative
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant

# The whole request: session, user, base template, the gate's two decisions
# (basic data, then the services of own and of other units) and their log rows.
MAX_QUERIES = 30


def _person_with(muni, coordinator, own_unit, rows: int):
    """A person the coordinator follows, with ``rows`` of every kind of related data."""
    person = testing.person(muni)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2025, 1, 1), unit=own_unit, coordinator=coordinator
    )
    for n in range(rows):
        CoordinatorAssignment.objects.create(
            person=person, offered_on=dt.date(2020, 1, 1 + n), ended_on=dt.date(2021, 1, 1)
        )
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2025, 2, 1)
    )
    goal = Goal.objects.create(plan=plan, text="Egen bolig")
    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2025, 3, 1))
    testing.consent(person, units=[own_unit], categories=[Category.HEALTH])
    for n in range(rows):
        other = testing.unit(muni, Unit.Kind.HOME_CARE, name=f"Enhet {rows}-{n}")
        member = testing.staff(other)
        testing.service(person, own_unit, name=f"Egen tjeneste {n}")
        testing.service(person, other, name=f"Annen tjeneste {n}")
        Relative.objects.create(person=person, name=f"Pårørende {n}", relation="mor")
        IndividualPlan.objects.create(
            person=person, status=IndividualPlan.Status.CLOSED, offered_on=dt.date(2019, 1, 1 + n)
        )
        Participant.objects.create(plan=plan, kind="ansatt", user=member, unit=other, name="x")
        GroupMember.objects.create(group=group, kind="parorende", name=f"Medlem {n}")
        Measure.objects.create(
            plan=plan, goal=goal, title=f"Tiltak {n}", responsible_partner=testing.partner(muni)
        )
    return person


@pytest.mark.django_db
def test_person_page_queries_do_not_grow_with_the_persons_data(
    client, django_assert_max_num_queries
):
    muni = testing.municipality()
    own_unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse")
    coordinator = testing.staff(own_unit, Role.SERVICE_PROVIDER)
    few = _person_with(muni, coordinator, own_unit, rows=1)
    many = _person_with(muni, coordinator, own_unit, rows=6)
    client.force_login(coordinator)
    client.get(f"/personer/{few.pk}/")  # the session's first save is not the page's

    counts = {}
    for person in (few, many):
        with CaptureQueriesContext(connection) as captured:
            with django_assert_max_num_queries(MAX_QUERIES):
                page = client.get(f"/personer/{person.pk}/").content.decode()
        counts[person.pk] = len(captured)
        assert "Annen tjeneste 0" in page and "Egen tjeneste 0" in page
        assert "Pårørende 0" in page and "Medlem 0" in page

    assert counts[few.pk] == counts[many.pk]
    assert "Annen tjeneste 5" in page and "Tiltak" not in page.split("Hvem er rundt")[0]


@pytest.mark.django_db
def test_each_decision_on_the_person_page_is_logged_once(client):
    muni = testing.municipality()
    own_unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse")
    coordinator = testing.staff(own_unit, Role.SERVICE_PROVIDER)
    person = _person_with(muni, coordinator, own_unit, rows=3)
    client.force_login(coordinator)

    assert client.get(f"/personer/{person.pk}/").status_code == 200

    log = AccessLogEntry.objects.filter(person=person, user=coordinator)
    assert sorted(log.values_list("what", "category", "granted")) == [
        ("personside", "grunndata", True),
        ("tjenester", Category.HEALTH, True),
        ("tjenester", Category.HEALTH, True),
    ]
    other_units = log.get(what="tjenester", consent__isnull=False)
    assert "samtykke gyldig" in other_units.basis_detail


@pytest.mark.django_db
def test_relations_are_shared_only_within_one_request(django_assert_max_num_queries):
    muni = testing.municipality()
    unit = testing.unit(muni)
    user = testing.staff(unit)
    person = testing.person(muni)
    with gate.same_request():
        assert not gate.decide(user, person, Action.VIEW, category=gate.BASIC).granted
        with django_assert_max_num_queries(1):  # the emergency access is always asked afresh
            assert not gate.decide(user, person, Action.VIEW, category=gate.BASIC).granted
    testing.service(person, unit)
    assert gate.decide(user, person, Action.VIEW, category=gate.BASIC).granted
