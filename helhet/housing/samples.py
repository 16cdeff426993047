"""Sample builders for the URL walker (see helhet.access.registry). Tests only."""

import datetime as dt

from django.contrib.auth import get_user_model

from helhet.housing.models import (
    Dwelling,
    DwellingType,
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    Offer,
)
from helhet.organisation.models import Unit


def _unit(person, kind):
    found = Unit.objects.filter(municipality=person.municipality, kind=kind).first()
    return found or Unit.objects.create(
        municipality=person.municipality, kind=kind, code=f"eksempel-{kind}", name=f"Enhet {kind}"
    )


def _user():
    return get_user_model().objects.get_or_create(username="boligeksempel")[0]


def application(person, ids) -> int:
    if "application_id" in ids:
        return ids["application_id"]
    return HousingApplication.objects.create(
        person=person,
        unit=_unit(person, Unit.Kind.HOUSING),
        kind=DwellingType.RENTAL,
        received_on=dt.date(2026, 2, 1),
        channel=HousingApplication.Channel.STAFF,
        need="Trenger bolig",
    ).pk


def offer(person, ids) -> int:
    app = HousingApplication.objects.get(pk=application(person, ids))
    dwelling = Dwelling.objects.create(
        municipality=person.municipality,
        address="Eksempelveien 1",
        kind=DwellingType.RENTAL,
        owner_kind=Dwelling.OwnerKind.MUNICIPALITY,
        owner_name="Kommunen",
    )
    return Offer.objects.create(
        application=app,
        dwelling=dwelling,
        offered_on=dt.date(2026, 3, 1),
        offered_by=_user(),
        position=1,
    ).pk


def stay(person, ids) -> int:
    return EmergencyStay.objects.create(
        person=person,
        unit=_unit(person, Unit.Kind.NAV),
        place=EmergencyStay.Place.HOTEL,
        place_name="Hotell",
        reason="Mistet boligen",
        decided_on=dt.date(2026, 3, 1),
        started_on=dt.date(2026, 3, 1),
        registered_by=_user(),
    ).pk


def refusal(person, ids) -> int:
    return EmergencyRefusal.objects.create(
        person=person,
        unit=_unit(person, Unit.Kind.NAV),
        asked_on=dt.date(2026, 3, 1),
        decided_on=dt.date(2026, 3, 2),
        reasons="Har et sted å bo",
        decided_by=_user(),
        appeal_body="Statsforvalteren",
        appeal_weeks=3,
        appeal_law="sosialtjenesteloven § 48; forvaltningsloven § 29",
    ).pk
