"""Builders for the housing tests: plain functions that make what a test needs."""

import datetime as dt

from helhet import testing
from helhet.housing import services
from helhet.housing.models import Dwelling, DwellingType

TODAY = dt.date(2026, 6, 1)


def criteria(world, kind=DwellingType.RENTAL, refusals_kept=1):
    return services.add_criteria_version(
        user=world.users.officer,
        municipality_id=world.muni.pk,
        kind=kind,
        title="Kriterier for tildeling av utleieboliger",
        content="Hastegrad først, deretter ventetid.",
        change_note="",
        refusals_kept=refusals_kept,
        approved_on=dt.date(2026, 1, 15),
        approved_by="Kommunestyret",
    )


def dwelling(world, earmarked_for="", **fields):
    fields.setdefault("kind", DwellingType.RENTAL)
    if earmarked_for:
        fields.update(earmark_basis=Dwelling.EarmarkBasis.EASEMENT, earmark_unit=world.units.mental)
    return Dwelling.objects.create(
        municipality=world.muni,
        address=fields.pop("address", "Bergtun 1"),
        owner_kind=Dwelling.OwnerKind.FOUNDATION,
        owner_name="Boligstiftelsen",
        earmarked_for=earmarked_for,
        **fields,
    )


def waiting(world, urgency="middels", group="", decided=None, person=None):
    """An application granted onto the waiting list."""
    person = person or testing.person(world.muni)
    application = services.register_application(
        person=person,
        unit_id=world.units.housing.pk,
        kind=DwellingType.RENTAL,
        need="Trenger et sted å bo",
        received_on=dt.date(2026, 1, 2),
        channel="ansatt",
        registered_by=world.users.officer,
    )
    services.assess(
        application=application,
        urgency=urgency,
        assessment="Vurdert",
        group=group,
        day=dt.date(2026, 1, 10),
    )
    services.decide(
        application=application,
        user=world.users.officer,
        outcome="innvilget",
        reasons="Fyller kriteriene",
        day=decided or dt.date(2026, 2, 1),
    )
    application.refresh_from_db()
    return application
