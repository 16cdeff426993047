"""One definition of an open plan: the list query and the single-plan check agree."""

import datetime as dt

import pytest

from helhet import testing as t
from helhet.plans import rules
from helhet.plans.models import IndividualPlan


@pytest.mark.django_db
def test_open_queryset_and_single_plan_check_agree_for_every_status():
    muni = t.municipality()
    plans = [
        IndividualPlan.objects.create(
            person=t.person(muni), status=status, offered_on=dt.date(2026, 1, 5)
        )
        for status in IndividualPlan.Status.values
    ]
    listed = set(IndividualPlan.objects.open().values_list("pk", flat=True))
    assert listed == {plan.pk for plan in plans if rules.is_open(plan.status)}
    # Offered and active plans are worked on; declined and closed ones are history.
    assert {p.status for p in plans if p.pk in listed} == {"tilbudt", "aktiv"}


@pytest.mark.django_db
def test_open_is_reachable_from_the_person():
    person = t.person(t.municipality())
    IndividualPlan.objects.create(person=person, status="avsluttet", offered_on=dt.date(2025, 1, 5))
    assert person.plans.open().first() is None
    current = IndividualPlan.objects.create(
        person=person, status="tilbudt", offered_on=dt.date(2026, 1, 5)
    )
    assert person.plans.open().get() == current
