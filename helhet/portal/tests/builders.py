"""A small world for the portal's tests: a person with a login, an open plan
with a goal, a coordinator, and a home-care worker whose access to the plan
rests on the person's consent."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from helhet import testing as t
from helhet.consent import services as consent_services
from helhet.consent.models import Category, Consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.plans import services as plan_services
from helhet.plans.models import Goal, IndividualPlan
from helhet.portal.models import Representation


@dataclass
class World:
    muni: object
    mental: object
    home_care: object
    coordinator: object
    nurse: object
    person: object
    user: object
    plan: object
    goal: object
    consent: object


def person_with_login(muni, username: str, born=dt.date(1990, 5, 17), **fields):
    user = get_user_model().objects.create_user(
        username=username, password=t.PASSWORD, first_name="Kari", last_name="Bruker"
    )
    person = t.person(muni, born=born, **fields)
    person.user = user
    person.save()
    return person, user


def plan_with_goal(person, author, text="Jeg vil bo i egen leilighet."):
    plan = plan_services.create_plan(
        user=author,
        person=person,
        status=IndividualPlan.Status.ACTIVE,
        offered_on=dt.date(2026, 1, 5),
    )
    goal = Goal.objects.create(plan=plan, text=text)
    return plan, goal


def consent_for(person, unit, categories=(Category.PLAN,)):
    today = timezone.localdate()
    scopes = {consent_services.Scope("u", unit.pk, c) for c in categories}
    return consent_services.register(
        person=person,
        actor=person.user,
        scopes=scopes,
        offered=list(scopes),
        purpose="Samarbeid om individuell plan",
        given_by=Consent.GivenBy.PERSON,
        given_how=Consent.GivenHow.DIGITAL,
        valid_from=today,
        valid_to=today + dt.timedelta(days=300),
        covers_plan=True,
    )


def world(username="kari", born=dt.date(1990, 5, 17), goal="Jeg vil bo i egen leilighet.") -> World:
    muni = t.municipality()
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse og rus")
    home_care = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    coordinator = t.staff(mental, Role.SERVICE_PROVIDER, username=f"{username}-koordinator")
    nurse = t.staff(home_care, Role.SERVICE_PROVIDER, username=f"{username}-sykepleier")
    person, user = person_with_login(muni, username, born=born)
    CoordinatorAssignment.objects.create(
        person=person,
        offered_on=dt.date(2026, 1, 5),
        unit=mental,
        assigned_on=dt.date(2026, 1, 6),
        coordinator=coordinator,
        named_on=dt.date(2026, 1, 8),
        response=CoordinatorAssignment.Response.ACCEPTED,
    )
    t.service(person, home_care)
    plan, goal = plan_with_goal(person, coordinator, goal)
    consent = consent_for(person, home_care)
    return World(muni, mental, home_care, coordinator, nurse, person, user, plan, goal, consent)


def proxy(world_: World, username="fullmektig", **rights) -> tuple:
    user = get_user_model().objects.create_user(
        username=username, password=t.PASSWORD, first_name="Per", last_name="Fullmektig"
    )
    today = timezone.localdate()
    representation = Representation.objects.create(
        person=world_.person,
        representative=user,
        kind=Representation.Kind.PROXY,
        valid_from=today,
        valid_to=today + dt.timedelta(days=100),
        given_by=world_.user,
        **rights,
    )
    return user, representation
