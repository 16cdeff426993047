"""Sample builders for the URL walker (see helhet.access.registry). Tests only."""

import datetime as dt

from helhet.around.models import ExternalService
from helhet.organisation.models import Unit


def external_service(person, ids) -> int:
    unit = Unit.objects.filter(municipality_id=person.municipality_id).first()
    if unit is None:
        unit = Unit.objects.create(
            municipality_id=person.municipality_id, code="walker-unit", name="Enhet", kind="annet"
        )
    return ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.GP,
        name="Fastlege",
        valid_from=dt.date(2026, 1, 1),
        unit=unit,
    ).pk
