"""``gate.decide_many``: for every person of a list, exactly the decision
``gate.decide`` gives (basis, detail, consent, emergency access), in a number
of queries that does not grow with the list."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, Action, EmergencyAccess
from helhet.consent.models import Category
from helhet.cooperation.models import GroupMember, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.housing.models import EmergencyStay, HousingApplication
from helhet.intake.models import Application
from helhet.nav.models import ActivityCondition
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan, Participant
from helhet.portal.models import Representation
from helhet.portal.tests.builders import person_with_login

pytestmark = pytest.mark.django_db

ACTIONS = [Action.VIEW, Action.EDIT, Action.CLOSE]


def _emergency(user, person, hours=1):
    now = timezone.now()
    return EmergencyAccess.objects.create(
        municipality=person.municipality,
        user=user,
        person=person,
        reason="Akutt behov for opplysninger om personen",
        granted_at=now,
        expires_at=now + dt.timedelta(hours=hours),
    )


def _plan(person):
    return IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )


@pytest.fixture
def world():
    """One person per lawful basis (and per way of being refused), and users
    of every kind that asks for a list."""
    muni, elsewhere = t.municipality(), t.municipality()
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    nav = t.unit(muni, Unit.Kind.NAV)
    housing = t.unit(muni, Unit.Kind.HOUSING)
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    provider = t.staff(mental, Role.SERVICE_PROVIDER)
    t.membership(provider, home, Role.LEADER)
    users = {
        "tjenesteyter": provider,
        "koordinator": t.staff(mental, Role.SERVICE_PROVIDER),
        "ke": t.staff(ke, Role.COORDINATING_UNIT),
        "nav": t.staff(nav, Role.NAV_ADVISER),
        "bolig": t.staff(housing, Role.CASEWORKER),
        "saksbehandler": t.staff(mental, Role.CASEWORKER),
        "revisor": t.staff(mental, Role.AUDITOR),
        "ukjent": AnonymousUser(),
    }
    persons = {
        name: t.person(muni)
        for name in (
            "tjeneste",
            "tjeneste_samtykke",
            "to_samtykker",
            "koordinert",
            "deltaker",
            "ansvarsgruppe",
            "boligsak",
            "midlertidig",
            "nav_sak",
            "inntak",
            "sperret",
            "sperret_nod",
            "nod",
            "ingen",
            "avsluttet_koordinator",
        )
    }
    persons["annen_kommune"] = t.person(elsewhere)
    p = persons
    for name in ("tjeneste", "tjeneste_samtykke", "to_samtykker", "sperret", "sperret_nod"):
        t.service(p[name], mental)
    t.service(p["tjeneste"], home, valid_from=dt.date(2019, 1, 1))
    t.consent(p["tjeneste_samtykke"], units=[mental], categories=[Category.PLAN, Category.HEALTH])
    # Two consents covering the same unit: the one valid longest is named.
    t.consent(p["to_samtykker"], units=[mental], valid_to=dt.date(2090, 1, 1))
    t.consent(p["to_samtykker"], units=[home], valid_to=dt.date(2095, 1, 1))
    t.consent(p["to_samtykker"], units=[mental], valid_to=dt.date(2098, 1, 1))
    for name in ("koordinert", "avsluttet_koordinator"):
        _plan(p[name])
        CoordinatorAssignment.objects.create(
            person=p[name],
            offered_on=dt.date(2026, 1, 5),
            unit=mental,
            coordinator=users["koordinator"],
            named_on=dt.date(2026, 1, 8),
            ended_on=dt.date(2026, 2, 1) if name == "avsluttet_koordinator" else None,
        )
    plan = _plan(p["deltaker"])
    Participant.objects.create(plan=plan, user=provider, unit=home, name="Tjenesteyter")
    group = ResponsibilityGroup.objects.create(
        person=p["ansvarsgruppe"], created_on=dt.date(2026, 1, 1)
    )
    GroupMember.objects.create(group=group, kind=GroupMember.Kind.STAFF, user=provider, name="Med")
    t.consent(p["ansvarsgruppe"], units=[home], categories=[Category.COOPERATION])
    HousingApplication.objects.create(
        person=p["boligsak"],
        unit=housing,
        kind="omsorgsbolig",
        need="Trenger bolig",
        received_on=dt.date(2026, 3, 1),
        channel=HousingApplication.Channel.STAFF,
    )
    EmergencyStay.objects.create(
        person=p["midlertidig"],
        unit=nav,
        place="akuttbolig",
        place_name="Akuttbolig 1",
        reason="Brann",
        decided_on=dt.date(2026, 5, 1),
        started_on=dt.date(2026, 5, 1),
        registered_by=users["nav"],
    )
    ActivityCondition.objects.create(
        person=p["nav_sak"],
        unit=nav,
        condition="Kurs",
        activity="Kurs",
        set_on=dt.date(2026, 3, 1),
        follow_up_by=users["nav"],
    )
    Application.objects.create(
        person=p["inntak"],
        unit=mental,
        kind=Application.Kind.HEALTH_CARE,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        summary="Trenger hjelp hjemme",
        received_on=dt.date(2026, 3, 1),
        registered_by=users["saksbehandler"],
    )
    for name in ("sperret", "sperret_nod"):
        AccessBlock.objects.create(person=p[name], staff_user=provider)
    _emergency(provider, p["sperret_nod"])
    _emergency(provider, p["nod"])
    _emergency(provider, p["nod"], hours=-1)  # expired: not the one named
    # The person themself and their proxy (Min side).
    own, own_user = person_with_login(muni, "kari-selv")
    p["egen"] = own
    users["egen"] = own_user
    proxy = get_user_model().objects.create_user(username="fullmektig", password=t.PASSWORD)
    today = timezone.localdate()
    Representation.objects.create(
        person=own,
        representative=proxy,
        kind=Representation.Kind.PROXY,
        valid_from=today,
        valid_to=today + dt.timedelta(days=100),
        given_by=own_user,
    )
    users["fullmektig"] = proxy
    units = {"psykisk": mental, "hjemme": home, "nav": nav, "bolig": housing}
    return {"users": users, "persons": persons, "units": units}


QUESTIONS = [
    (gate.BASIC, None),
    (Category.PLAN, None),
    (Category.COOPERATION, None),
    (Category.HEALTH, "psykisk"),
    (Category.HEALTH, None),
    (Category.SOCIAL, "nav"),
    (Category.SOCIAL, "bolig"),
    (Category.SOCIAL, "hjemme"),
]


def test_every_person_gets_the_decision_decide_gives(world):
    persons = list(world["persons"].values())
    compared = 0
    granted = set()
    for user_name, user in world["users"].items():
        for action in ACTIONS:
            for category, owner in QUESTIONS:
                owner_unit = world["units"][owner] if owner else None
                many = gate.decide_many(
                    user, persons, action, category=category, owner_unit=owner_unit
                )
                assert set(many) == {p.pk for p in persons}
                for name, person in world["persons"].items():
                    one = gate.decide(
                        user, person, action, category=category, owner_unit=owner_unit
                    )
                    assert many[person.pk] == one, (user_name, name, action, category, owner)
                    compared += 1
                    if one.granted:
                        granted.add((user_name, one.basis))
    assert compared == len(world["users"]) * len(ACTIONS) * len(QUESTIONS) * len(persons)
    # The matrix really exercises every basis, not only refusals.
    bases = {basis for _user, basis in granted}
    assert {
        gate.SELF,
        gate.REPRESENTATIVE,
        gate.COORDINATOR,
        gate.PLAN_PARTICIPANT,
        gate.SERVICE,
        gate.COORDINATING_UNIT,
        gate.EMERGENCY,
        "ansvarsgruppe",
        "boligsak",
        "nav_oppfolging",
        "soknad_til_enhet",
    } <= bases


def test_the_consent_named_is_the_one_decide_names(world):
    user = world["users"]["tjenesteyter"]
    person = world["persons"]["to_samtykker"]
    one = gate.decide(user, person, Action.VIEW, category=Category.PLAN)
    many = gate.decide_many(user, [person], Action.VIEW, category=Category.PLAN)
    assert one.granted and one.consent_id is not None
    assert many[person.pk].consent_id == one.consent_id
    assert "31.12.2098" not in one.detail and "01.01.2098" in one.detail


def test_a_block_refuses_and_only_emergency_access_opens(world):
    user = world["users"]["tjenesteyter"]
    blocked, opened = world["persons"]["sperret"], world["persons"]["sperret_nod"]
    many = gate.decide_many(user, [blocked, opened], Action.VIEW, category=gate.BASIC)
    assert not many[blocked.pk].granted and many[blocked.pk].basis == gate.BLOCKED
    assert many[opened.pk].granted and many[opened.pk].basis == gate.EMERGENCY
    assert "sperret deg" in many[opened.pk].detail


def _queries(user, persons, category, owner_unit=None):
    with CaptureQueriesContext(connection) as queries:
        gate.decide_many(user, persons, Action.VIEW, category=category, owner_unit=owner_unit)
    return len(queries)


@pytest.mark.parametrize("user_name", ["tjenesteyter", "ke", "nav", "bolig", "saksbehandler"])
def test_the_queries_do_not_grow_with_the_list(world, user_name):
    user = world["users"][user_name]
    persons = list(world["persons"].values())
    # A few of every kind: granted, refused, blocked, needing a consent.
    sample = [world["persons"][n] for n in ("tjeneste", "tjeneste_samtykke", "ingen", "sperret")]
    gate.decide_many(user, sample, Action.VIEW)  # the user's memberships, once
    for category, owner in [(gate.BASIC, None), (Category.PLAN, None), (Category.SOCIAL, "nav")]:
        owner_unit = world["units"][owner] if owner else None
        few = _queries(user, sample, category, owner_unit)
        many = _queries(user, persons, category, owner_unit)
        assert few == many, (category, few, many)
        assert many <= 15


def test_a_list_longer_than_one_batch_gets_the_same_decisions(world, monkeypatch):
    user = world["users"]["tjenesteyter"]
    persons = list(world["persons"].values())
    whole = gate.decide_many(user, persons, Action.VIEW, category=Category.PLAN)
    monkeypatch.setattr(gate, "_DECIDE_MANY_CHUNK", 4)
    assert gate.decide_many(user, persons, Action.VIEW, category=Category.PLAN) == whole
    assert len(whole) == len(persons)
