"""Sample builders for the URL walker (see helhet.access.registry).

Each is called as ``sample(person, ids)`` and returns the pk of a new object
that belongs to ``person``. Imported only by tests.
"""

import datetime as dt

from helhet.consent.models import Category, Consent
from helhet.people.models import Person
from helhet.plans.models import IndividualPlan

# Ids made so far in one walk, by kwarg (the walker's own bookkeeping).
Ids = dict[str, int]


def person(person: Person, ids: Ids) -> int:
    pk: int = person.pk
    return pk


def plan(person: Person, ids: Ids) -> int:
    existing = person.plans.first()
    if existing is not None:
        pk: int = existing.pk
        return pk
    return IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    ).pk


def consent(person: Person, ids: Ids) -> int:
    return Consent.objects.create(
        person=person,
        purpose="Samarbeid om individuell plan",
        categories=[Category.PLAN],
        covers_plan=True,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        given_how=Consent.GivenHow.SIGNED,
    ).pk
