"""Builders for the plans tests: plain functions that make what a test needs."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from helhet import testing
from helhet.consent.models import Consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.plans import services
from helhet.plans.models import CrisisPlan, Goal, IndividualPlan, Measure, Participant

GOAL = "Jeg vil bo i egen leilighet og klare meg selv"


@dataclass
class Story:
    """A municipality with one person, their coordinator and a complete plan."""

    municipality: object
    unit: object
    coordinator: object
    person: object
    plan: IndividualPlan
    goal: Goal
    measure: Measure
    consent: Consent


def make_story(username: str | None = None, complete: bool = True) -> Story:
    muni = testing.municipality()
    unit = testing.unit(muni)
    coordinator = testing.staff(unit, role=Role.SERVICE_PROVIDER, username=username)
    person = testing.person(muni)
    today = timezone.localdate()
    CoordinatorAssignment.objects.create(
        person=person,
        offered_on=today - dt.timedelta(days=60),
        unit=unit,
        coordinator=coordinator,
        named_on=today - dt.timedelta(days=50),
        response=CoordinatorAssignment.Response.ACCEPTED,
    )
    plan = services.create_plan(
        user=coordinator,
        person=person,
        status=IndividualPlan.Status.ACTIVE,
        offered_on=today - dt.timedelta(days=40),
        answered_on=today - dt.timedelta(days=35),
    )
    consent = testing.consent(
        person,
        units=[unit],
        purpose="Samarbeid om individuell plan",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=300),
    )
    goal = Goal.objects.create(plan=plan, text=GOAL)
    measure = Measure.objects.create(
        plan=plan,
        goal=goal,
        title="Boveiledning",
        scope="2 timer i uka" if complete else "",
        responsible_unit=unit,
        how="Hjemmebesøk tirsdag og torsdag",
    )
    if complete:
        IndividualPlan.objects.filter(pk=plan.pk).update(
            resources="God til å lage mat",
            needs="Hjelp med økonomi",
            person_contribution="Møter til avtaler",
            relatives_contribution="Søster handler",
            period_start=today - dt.timedelta(days=30),
            period_end=today + dt.timedelta(days=700),
            revision_due=today + dt.timedelta(days=90),
            cooperation="Fastlege og DPS om medisiner",
        )
        Participant.objects.create(
            plan=plan,
            kind=Participant.Kind.STAFF,
            user=coordinator,
            unit=unit,
            name=coordinator.get_full_name(),
            contribution="Koordinerer og følger opp",
        )
        CrisisPlan.objects.create(
            person=plan.person,
            warning_signs="Sover dårlig",
            what_helps="Å gå tur",
            contacts=[
                {"name": "Koordinator", "role": "", "phone": "", "when": "dag"},
                {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"},
            ],
        )
    plan.refresh_from_db()
    return Story(muni, unit, coordinator, person, plan, goal, measure, consent)
