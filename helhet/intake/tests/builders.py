import datetime as dt
import itertools

from helhet import testing
from helhet.intake.models import Application, Decision

_born = itertools.count(1)


def new_person(world):
    """A person with a birth date of their own, so synthetic numbers never collide."""
    return testing.person(
        world.muni, born=dt.date(1950, 1, 1) + dt.timedelta(days=37 * next(_born))
    )


def application(world, person=None, unit=None, kind=Application.Kind.HEALTH_CARE, **fields):
    fields.setdefault("received_on", dt.date(2025, 1, 15))
    return Application.objects.create(
        person=person or new_person(world),
        unit=unit or world.units.allocation,
        kind=kind,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        summary="Trenger hjelp hjemme",
        registered_by=world.users.caseworker,
        **fields,
    )


def decision(world, app, signed=True, **fields):
    fields.setdefault("outcome", Decision.Outcome.GRANTED)
    fields.setdefault("decided_on", app.received_on + dt.timedelta(days=10))
    if fields["outcome"] == Decision.Outcome.GRANTED:
        fields.setdefault("service_name", "Hjemmesykepleie")
        fields.setdefault("scope", "2 besøk per uke")
        fields.setdefault("provider", world.units.provider)
        fields.setdefault("period_from", fields["decided_on"] + dt.timedelta(days=3))
        fields.setdefault("evaluation_on", fields["decided_on"] + dt.timedelta(days=90))
    app.status = Application.Status.DECIDED
    app.save(update_fields=["status"])
    caseworker = world.users.ke if app.unit_id == world.units.ke.pk else world.users.caseworker
    head = world.users.ke_head if app.unit_id == world.units.ke.pk else world.users.head
    return Decision.objects.create(
        application=app,
        caseworker=caseworker,
        approved_by=head if signed else None,
        approved_on=fields["decided_on"] if signed else None,
        **fields,
    )
