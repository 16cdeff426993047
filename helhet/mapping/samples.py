"""Sample builder for the URL walker (see helhet.access.registry). Tests only."""

import datetime as dt

from helhet.mapping import rules
from helhet.mapping.models import DomainScore, Mapping
from helhet.organisation.models import Unit


def mapping(person, ids) -> int:
    unit = Unit.objects.filter(municipality_id=person.municipality_id).first() or (
        Unit.objects.create(
            municipality_id=person.municipality_id,
            code="kartlegging",
            name="Kartlegging",
            kind=Unit.Kind.MENTAL_HEALTH,
        )
    )
    made = Mapping.objects.create(
        person=person,
        unit=unit,
        mapped_on=dt.date(2026, 1, 5),
        mapped_by_name="Prøve",
        person_present=True,
        cares_for_children=Mapping.Children.NO,
    )
    DomainScore.objects.bulk_create(
        DomainScore(mapping=made, domain=d, level=1) for d in rules.DOMAINS
    )
    return made.pk
