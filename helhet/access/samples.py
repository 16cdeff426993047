"""Sample builders for the URL walker (see helhet.access.registry).

Each is called as ``sample(person, ids)`` and returns the pk of a new object
that belongs to ``person``. Imported only by tests.
"""

import datetime as dt

from helhet.consent.models import Category, Consent
from helhet.plans.models import IndividualPlan


def person(person, ids) -> int:
    return person.pk


def plan(person, ids) -> int:
    existing = person.plans.first()
    if existing is not None:
        return existing.pk
    return IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    ).pk


def consent(person, ids) -> int:
    return Consent.objects.create(
        person=person,
        purpose="Samarbeid om individuell plan",
        categories=[Category.PLAN],
        covers_plan=True,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        given_how=Consent.GivenHow.SIGNED,
    ).pk
