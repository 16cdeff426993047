"""Sample builders for the URL walker (see helhet.access.registry). Tests only."""

import datetime as dt

from helhet.around.models import (
    ChildRelative,
    DischargeNotice,
    ExternalService,
    GpMessage,
    Referral,
)
from helhet.organisation.models import Unit
from helhet.people.models import Relative


def _unit(person) -> Unit:
    unit = Unit.objects.filter(municipality_id=person.municipality_id).first()
    if unit is None:
        unit = Unit.objects.create(
            municipality_id=person.municipality_id, code="walker-unit", name="Enhet", kind="annet"
        )
    return unit


def external_service(person, ids) -> int:
    unit = _unit(person)
    return ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.GP,
        name="Fastlege",
        valid_from=dt.date(2026, 1, 1),
        unit=unit,
    ).pk


def referral(person, ids) -> int:
    return Referral.objects.create(
        person=person,
        direction=Referral.Direction.SENT,
        service=Referral.Service.DPS,
        counterpart="DPS",
        sent_on=dt.date(2026, 1, 1),
        unit=_unit(person),
    ).pk


def discharge_notice(person, ids) -> int:
    return DischargeNotice.objects.create(
        person=person,
        source=DischargeNotice.Source.SPECIALIST,
        institution="DPS",
        received_on=dt.date(2026, 1, 1),
        discharge_on=dt.date(2026, 1, 10),
        unit=_unit(person),
    ).pk


def gp_message(person, ids) -> int:
    return GpMessage.objects.create(
        person=person,
        direction=GpMessage.Direction.FROM_GP,
        sent_on=dt.date(2026, 1, 1),
        text="Melding",
        unit=_unit(person),
    ).pk


def relative(person, ids) -> int:
    return Relative.objects.create(person=person, name="Pårørende", relation="forelder").pk


def child_relative(person, ids) -> int:
    return ChildRelative.objects.create(
        person=person,
        first_name="Barn",
        birth_year=2020,
        condition=ChildRelative.Condition.MENTAL,
        unit=_unit(person),
    ).pk
