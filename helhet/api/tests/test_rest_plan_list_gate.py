"""The REST plan list (and the gate's list rules under it) shows exactly the
plans whose person ``gate.decide`` would open, person by person: every basis,
a block, another municipality, consents withdrawn, expired or for another
category (docs/performance.md: the list is computed from the user's bases in
one query, so it must be shown to give the gate's answer)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, Action
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan, Participant

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def with_plan(muni, **fields):
    person = t.person(muni, **fields)
    IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    return person


@time_machine.travel(NOW, tick=False)
def test_the_plan_list_holds_exactly_the_persons_the_gate_opens():
    muni = t.municipality()
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    nav = t.unit(muni, Unit.Kind.NAV)
    user = t.staff(mental, Role.SERVICE_PROVIDER)
    other = t.staff(mental, Role.SERVICE_PROVIDER)
    p = {name: with_plan(muni, given_name=name) for name in NAMES}

    def coordinate(person, unit=None):
        CoordinatorAssignment.objects.create(
            person=person, offered_on=dt.date(2026, 1, 1), coordinator=user, unit=unit
        )

    # Coordinator: reads the plan without a consent (hol. § 7-2).
    coordinate(p["koordinert"])
    # Coordinator, but the person blocked the user.
    coordinate(p["sperret"])
    AccessBlock.objects.create(person=p["sperret"], staff_user=user, created_by=other)
    # Blocked, but under emergency access: reading opens, flagged.
    coordinate(p["sperret_nod"])
    AccessBlock.objects.create(person=p["sperret_nod"], staff_user=user, created_by=other)
    gate.grant_emergency(user, p["sperret_nod"], reason="Akutt innleggelse, trenger planen nå.")
    # Emergency access alone.
    gate.grant_emergency(user, p["nod"], reason="Akutt innleggelse, trenger planen nå.")
    # A service by decision: the plan only with a valid consent naming the unit.
    for name in ("tjeneste", "tjeneste_samtykke", "trukket", "utlopt", "annen_kategori"):
        t.service(p[name], mental)
    t.consent(p["tjeneste_samtykke"], units=[mental])
    withdrawn = t.consent(p["trukket"], units=[mental])
    withdrawn.withdrawn_at = NOW - dt.timedelta(days=1)
    withdrawn.save()
    t.consent(p["utlopt"], units=[mental], valid_to=dt.date(2026, 6, 1))
    t.consent(p["annen_kategori"], units=[mental], categories=[Category.HEALTH])
    # A consent naming a unit the user does not act for.
    t.service(p["annen_enhet"], mental)
    t.consent(p["annen_enhet"], units=[nav])
    # Plan participant for NAV: a consent naming NAV (the unit they take part for).
    for name in ("deltaker_samtykke", "deltaker"):
        Participant.objects.create(plan=p[name].plans.get(), user=user, unit=nav)
    t.consent(p["deltaker_samtykke"], units=[nav])
    # A consent, but no relation at all.
    t.consent(p["bare_samtykke"], units=[mental])
    # Another municipality: a relation there does not exist for the user.
    elsewhere = t.municipality(name="Nabokommune")
    coordinate(with_plan(elsewhere, given_name="nabo"))
    t.service(with_plan(elsewhere, given_name="nabo_tjeneste"), mental)

    client = Client()
    client.force_login(user)
    response = client.get(reverse("api:plans"), {"limit": 200})
    assert response.status_code == 200
    listed = {row["person"] for row in response.json()["results"]}

    everyone = [plan.person for plan in IndividualPlan.objects.select_related("person")]
    opened = {
        person.pk
        for person in everyone
        if gate.decide(user, person, Action.LIST, category=Category.PLAN).granted
    }
    assert listed == opened
    assert {n for n, person in p.items() if person.pk in listed} == {
        "koordinert",
        "sperret_nod",
        "nod",
        "tjeneste_samtykke",
        "deltaker_samtykke",
    }
    # The person list (basic data) likewise: every relation, no consent needed.
    basic = {person.pk for person in gate.accessible_persons(user)}
    assert basic == {
        person.pk
        for person in everyone
        if gate.decide(user, person, Action.LIST, category=gate.BASIC).granted
    }
    assert {n for n, person in p.items() if person.pk in basic} == set(NAMES) - {
        "sperret",
        "bare_samtykke",
        "ingen",
    }


NAMES = [
    "koordinert",
    "sperret",
    "sperret_nod",
    "nod",
    "tjeneste",
    "tjeneste_samtykke",
    "trukket",
    "utlopt",
    "annen_kategori",
    "annen_enhet",
    "deltaker_samtykke",
    "deltaker",
    "bare_samtykke",
    "ingen",
]


@time_machine.travel(NOW, tick=False)
def test_a_consent_withdrawn_later_today_counts_until_it_is_withdrawn():
    muni = t.municipality()
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    user = t.staff(mental, Role.SERVICE_PROVIDER)
    person = with_plan(muni)
    t.service(person, mental)
    consent = t.consent(person, units=[mental])
    consent.withdrawn_at = timezone.now() + dt.timedelta(hours=2)
    consent.save()

    def listed() -> set[int]:
        # Logged in afresh each time: a session idle for hours has expired.
        client = Client()
        client.force_login(user)
        return {row["person"] for row in client.get(reverse("api:plans")).json()["results"]}

    assert listed() == {person.pk}
    assert gate.decide(user, person, Action.LIST, category=Category.PLAN).granted
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        assert listed() == set()
        assert not gate.decide(user, person, Action.LIST, category=Category.PLAN).granted
