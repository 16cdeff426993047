"""Builders for the audit tests: the smallest data that makes a criterion
met, not met, or not applicable."""

import datetime as dt
import itertools

from django.utils import timezone

from helhet import testing as t
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.coordination.models import CoordinatorAssignment
from helhet.intake.models import Application, Decision, SocialAssistanceFacts
from helhet.organisation.models import Role, Unit
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant

TODAY = dt.date(2026, 6, 15)
_born = itertools.count()


def person(muni, born: dt.date | None = None, **fields):
    """A person with a birth date of their own, so synthetic numbers never collide."""
    born = born or dt.date(1970, 1, 1) + dt.timedelta(days=next(_born))
    return t.person(muni, born=born, **fields)


def plan(person, status=IndividualPlan.Status.ACTIVE, **fields) -> IndividualPlan:
    fields.setdefault("offered_on", dt.date(2026, 1, 10))
    return IndividualPlan.objects.create(person=person, status=status, **fields)


def consent(person, units=(), partners=(), covers_plan=True, **fields) -> Consent:
    fields.setdefault("valid_from", dt.date(2026, 1, 1))
    fields.setdefault("valid_to", dt.date(2026, 12, 31))
    found = Consent.objects.create(
        person=person,
        purpose="Individuell plan",
        categories=[Category.PLAN],
        covers_plan=covers_plan,
        given_how=Consent.GivenHow.SIGNED,
        **fields,
    )
    for unit in units:
        ConsentScope.objects.create(consent=found, unit=unit, category=Category.PLAN)
    for partner in partners:
        ConsentScope.objects.create(consent=found, partner=partner, category=Category.PLAN)
    return found


def assignment(person, unit=None, coordinator=None, **fields) -> CoordinatorAssignment:
    fields.setdefault("offered_on", dt.date(2026, 1, 10))
    return CoordinatorAssignment.objects.create(
        person=person, unit=unit, coordinator=coordinator, **fields
    )


def complete_plan(person, unit) -> IndividualPlan:
    """An active plan with every item of forskrift § 19 a–i."""
    coordinator = t.staff(unit, Role.SERVICE_PROVIDER)
    found = plan(
        person,
        resources="Motivert",
        needs="Bolig og arbeid",
        person_contribution="Møter til avtaler",
        period_start=dt.date(2026, 1, 15),
        period_end=dt.date(2027, 1, 15),
        revision_due=dt.date(2026, 9, 1),
        cooperation="Samarbeid med fastlege",
    )
    goal = Goal.objects.create(plan=found, text="Egen bolig")
    Measure.objects.create(
        plan=found,
        goal=goal,
        title="Boligsøknad",
        scope="Ukentlig",
        responsible_unit=unit,
        how="Sammen med koordinator",
    )
    Participant.objects.create(
        plan=found,
        kind=Participant.Kind.STAFF,
        user=coordinator,
        unit=unit,
        name="K",
        contribution="Koordinerer",
    )
    assignment(
        person, unit, coordinator, assigned_on=dt.date(2026, 1, 10), named_on=dt.date(2026, 1, 12)
    )
    consent(person, units=[unit])
    return found


def application(
    person, unit, kind=Application.Kind.HEALTH_CARE, received=dt.date(2026, 3, 1), **fields
) -> Application:
    return Application.objects.create(
        person=person,
        unit=unit,
        kind=kind,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        received_on=received,
        summary="Søknad",
        registered_by=t.staff(unit, Role.CASEWORKER),
        **fields,
    )


def decision(
    app, outcome=Decision.Outcome.GRANTED, decided=dt.date(2026, 3, 20), **fields
) -> Decision:
    return Decision.objects.create(
        application=app,
        outcome=outcome,
        decided_on=decided,
        caseworker=app.registered_by,
        **fields,
    )


def nav_case(muni, nav, age=25, kind=Application.Kind.FINANCIAL, granted=True, **social):
    born = TODAY - dt.timedelta(days=age * 365 + 100)
    person = t.person(muni, born=born - dt.timedelta(days=next(_born) % 200))
    app = application(person, nav, kind=kind)
    SocialAssistanceFacts.objects.create(application=app, **social)
    return decision(
        app,
        Decision.Outcome.GRANTED if granted else Decision.Outcome.REFUSED,
        reasons="" if granted else "Inntekt over normen",
    )


def held_meeting(group, day, minutes="Referat"):
    from helhet.cooperation.models import Meeting

    return Meeting.objects.create(
        group=group,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        place="Rådhuset",
        status=Meeting.Status.HELD,
        minutes=minutes,
    )


def units(muni, n=2) -> list[Unit]:
    kinds = [Unit.Kind.MENTAL_HEALTH, Unit.Kind.HOME_CARE, Unit.Kind.HOUSING]
    return [t.unit(muni, kinds[i]) for i in range(n)]
