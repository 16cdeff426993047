"""Sample builders for the access registry's URL walker: ``sample(person, ids)``
creates one intake object belonging to ``person`` and returns its pk. Each
sample is addressed to a unit of its own, so the walker's user has no basis.
Imported only by tests."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from helhet.coordination.models import CoordinatorAssignment
from helhet.intake.models import Appeal, Application, Decision
from helhet.organisation.models import Unit

_n = itertools.count(1)


def _unit(person, kind=Unit.Kind.ALLOCATION) -> Unit:
    n = next(_n)
    return Unit.objects.create(
        municipality_id=person.municipality_id,
        code=f"intake-sample-{kind}-{n}",
        name=f"Prøveenhet {n}",
        kind=kind,
    )


def _user():
    return get_user_model().objects.create_user(username=f"intake-sample-{next(_n)}")


def application(person, ids) -> int:
    if "application_id" in ids:
        return ids["application_id"]
    return Application.objects.create(
        person=person,
        unit=_unit(person),
        kind=Application.Kind.HEALTH_CARE,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        received_on=dt.date(2026, 1, 5),
        summary="Søknad om hjemmetjenester",
        registered_by=_user(),
    ).pk


def decision(person, ids) -> int:
    if "decision_id" in ids:
        return ids["decision_id"]
    app = Application.objects.get(pk=application(person, ids))
    user = _user()
    return Decision.objects.create(
        application=app,
        outcome=Decision.Outcome.GRANTED,
        decided_on=dt.date(2026, 1, 20),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        provider=_unit(person, Unit.Kind.HOME_CARE),
        period_from=dt.date(2026, 2, 1),
        evaluation_on=dt.date(2026, 5, 1),
        caseworker=user,
        approved_by=_user(),
        approved_on=dt.date(2026, 1, 20),
    ).pk


def appeal(person, ids) -> int:
    return Appeal.objects.create(
        decision_id=decision(person, ids),
        received_on=dt.date(2026, 2, 1),
        grounds="Uenig i omfanget",
        registered_by=_user(),
    ).pk


def request(person, ids) -> int:
    today = timezone.localdate()
    return CoordinatorAssignment.objects.create(
        person=person,
        offered_on=today,
        unit=_unit(person, Unit.Kind.MENTAL_HEALTH),
        assigned_on=today,
    ).pk
