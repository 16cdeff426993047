"""The gate's decisions: relation first, then consent for what crosses units."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.consent import services as consent_services
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan, Participant
from helhet.testing import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    muni = t.municipality()
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    nav = t.unit(muni, Unit.Kind.NAV)
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    person = t.person(muni)
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    return {"muni": muni, "mental": mental, "nav": nav, "ke": ke, "person": person, "plan": plan}


def test_service_unit_reads_basic_data_on_its_decision_alone(world):
    user = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    decision = gate.decide(user, world["person"], Action.VIEW, category=gate.BASIC)
    assert decision.granted and decision.basis == gate.SERVICE


def test_service_unit_needs_consent_to_read_the_shared_plan(world):
    user = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    refused = gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN)
    assert not refused.granted
    assert "samtykke" in refused.detail
    given = consent(world["person"], units=[world["mental"]], categories=[Category.PLAN])
    granted = gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN)
    assert granted.granted and granted.consent_id == given.pk


def test_consent_for_another_unit_or_category_does_not_help(world):
    user = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    consent(world["person"], units=[world["nav"]], categories=[Category.PLAN])
    consent(world["person"], units=[world["mental"]], categories=[Category.HEALTH])
    assert not gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted


def test_unit_reads_its_own_records_without_consent_but_not_another_units(world):
    user = t.staff(world["nav"], Role.NAV_ADVISER)
    t.service(world["person"], world["nav"])
    own = gate.decide(
        user, world["person"], Action.VIEW, category=Category.SOCIAL, owner_unit=world["nav"]
    )
    other = gate.decide(
        user, world["person"], Action.VIEW, category=Category.HEALTH, owner_unit=world["mental"]
    )
    unknown_owner = gate.decide(user, world["person"], Action.VIEW, category=Category.SOCIAL)
    assert own.granted
    assert not other.granted
    assert not unknown_owner.granted


def test_coordinator_reads_the_plan_without_consent_but_not_health_records(world):
    user = t.staff(world["mental"])
    CoordinatorAssignment.objects.create(
        person=world["person"], offered_on=dt.date(2026, 1, 1), coordinator=user
    )
    assert (
        gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).basis
        == gate.COORDINATOR
    )
    assert not gate.decide(
        user, world["person"], Action.VIEW, category=Category.HEALTH, owner_unit=world["nav"]
    ).granted


def test_plan_participant_needs_consent_covering_their_unit(world):
    user = t.staff(world["nav"], Role.NAV_ADVISER)
    Participant.objects.create(
        plan=world["plan"], kind="ansatt", user=user, unit=world["nav"], name="NAV"
    )
    assert not gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted
    consent(world["person"], units=[world["nav"]], categories=[Category.PLAN])
    decision = gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN)
    assert decision.granted and decision.basis == gate.PLAN_PARTICIPANT


def test_coordinating_unit_sees_plans_but_not_persons_without_a_case(world):
    user = t.staff(world["ke"], Role.COORDINATING_UNIT)
    assert gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted
    stranger = t.person(world["muni"])
    assert not gate.decide(user, stranger, Action.VIEW, category=gate.BASIC).granted


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDITOR, Role.QUALITY, Role.SECTOR_HEAD])
def test_roles_without_case_work_have_no_person_access(world, role):
    user = t.staff(world["mental"], role)
    t.service(world["person"], world["mental"])
    consent(world["person"], units=[world["mental"]], categories=Category.values)
    decision = gate.decide(user, world["person"], Action.VIEW, category=gate.BASIC)
    assert not decision.granted
    assert gate.accessible_persons(user).count() == 0


def test_other_municipality_never_has_access(world):
    elsewhere = t.unit(t.municipality())
    user = t.staff(elsewhere)
    assert not gate.decide(user, world["person"], Action.VIEW, category=gate.BASIC).granted


def test_withdrawal_removes_access_at_once(world):
    user = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    given = consent(world["person"], units=[world["mental"]], categories=[Category.PLAN])
    assert gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted
    consent_services.withdraw(consent_id=given.pk, actor=None)
    assert not gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted


def test_expired_consent_no_longer_counts(world):
    user = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    consent(
        world["person"],
        units=[world["mental"]],
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 6, 30),
    )
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)):
        assert gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)):
        assert not gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted


def test_emergency_access_lasts_two_hours_and_is_flagged(world):
    user = t.staff(world["mental"])
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        grant = gate.grant_emergency(
            user, world["person"], reason="Personen er innlagt akutt, trenger kriseplan"
        )
        decision = gate.check(
            user, world["person"], Action.VIEW, category=Category.PLAN, what="plan"
        )
        assert decision.granted and decision.basis == gate.EMERGENCY
        assert world["person"] in gate.accessible_persons(user)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 1, tzinfo=dt.UTC)):
        assert not gate.decide(user, world["person"], Action.VIEW, category=Category.PLAN).granted
    entries = AccessLogEntry.objects.filter(person=world["person"], emergency=True)
    assert entries.count() == 2
    assert all(e.flagged and e.emergency_access_id == grant.pk for e in entries)


def test_emergency_needs_a_real_reason(world):
    user = t.staff(world["mental"])
    with pytest.raises(gate.EmergencyRefused):
        gate.grant_emergency(user, world["person"], reason="trenger det")
    assert not AccessLogEntry.objects.exists()


def test_system_administrator_cannot_break_the_glass(world):
    user = t.staff(world["mental"], Role.SYSTEM_ADMIN)
    with pytest.raises(gate.EmergencyRefused):
        gate.grant_emergency(user, world["person"], reason="Jeg vil bare se hva som står her inne")


def test_check_logs_refusals_flagged_with_the_reason(world):
    user = t.staff(world["mental"])
    gate.check(user, world["person"], Action.VIEW, category=Category.PLAN, what="plan")
    entry = AccessLogEntry.objects.get()
    assert not entry.granted and entry.flagged
    assert entry.basis_detail == "Ingen tjenstlig relasjon til personen."
    assert entry.username == user.username


def test_registered_relation_opens_basic_data_and_uses_consent_for_the_rest(world):
    user = t.staff(world["nav"], Role.NAV_ADVISER)
    members = {(user.pk, world["person"].pk)}
    gate.register_relation(
        basis="testgruppe",
        label="Medlem av ansvarsgruppe",
        holds=lambda u, p: (u.pk, p.pk) in members,
        person_ids=lambda u: [p for (uid, p) in members if uid == u.pk],
    )
    try:
        assert (
            gate.decide(user, world["person"], Action.VIEW, category=gate.BASIC).basis
            == "testgruppe"
        )
        assert not gate.decide(
            user, world["person"], Action.VIEW, category=Category.COOPERATION
        ).granted
        consent(world["person"], units=[world["nav"]], categories=[Category.COOPERATION])
        assert gate.decide(
            user, world["person"], Action.VIEW, category=Category.COOPERATION
        ).granted
        assert list(gate.accessible_persons(user)) == [world["person"]]
    finally:
        gate.unregister_basis("testgruppe")


def test_accessible_persons_query_count_does_not_grow(world, django_assert_max_num_queries):
    user = t.staff(world["mental"])
    for n in range(20):
        t.service(t.person(world["muni"], born=dt.date(1980, 1, 1 + n)), world["mental"])
    with django_assert_max_num_queries(3):
        persons = list(gate.accessible_persons(user))
    assert len(persons) == 20
    with django_assert_max_num_queries(2):
        gate.log_many(user, persons, Action.SEARCH, what="søk")
    assert AccessLogEntry.objects.filter(basis=gate.LIST).count() == 20


def test_accessible_plans_are_the_plans_of_accessible_persons(world):
    """The coordinating unit's short cut gives exactly the general answer."""
    muni = world["muni"]
    ke = t.staff(world["ke"], Role.COORDINATING_UNIT)
    provider = t.staff(world["mental"])
    t.service(world["person"], world["mental"])
    blocked, unblocked, released = (t.person(muni) for _ in range(3))
    elsewhere = t.person(t.municipality(name="Annen kommune"))
    for person in (blocked, unblocked, released, elsewhere):
        IndividualPlan.objects.create(
            person=person, status=IndividualPlan.Status.OFFERED, offered_on=dt.date(2026, 1, 5)
        )
    for person in (blocked, released):
        AccessBlock.objects.create(person=person, staff_user=ke, created_by=ke)
    gate.grant_emergency(ke, released, reason="Akutt innleggelse, trenger kriseplanen.")

    for user in (ke, provider):
        for category in (gate.BASIC, Category.PLAN):
            persons = set(gate.accessible_persons(user, category=category))
            expected = set(IndividualPlan.objects.filter(person__in=persons))
            plans = gate.accessible_plans(user, IndividualPlan.objects.all(), category=category)
            assert set(plans) == expected
    # The service unit knows the person but may not read the plan without a consent.
    assert world["person"] in set(gate.accessible_persons(provider))
    assert not gate.accessible_plans(provider, IndividualPlan.objects.all()).exists()
    ke_sees = {p.person for p in gate.accessible_plans(ke, IndividualPlan.objects.all())}
    assert ke_sees == {world["person"], unblocked, released}


def test_lists_per_category_agree_with_the_gate_person_by_person(world):
    """``accessible_persons(user, category)`` is ``decide`` for every person:
    a list never shows a category the person's page would refuse."""
    muni, mental, nav = world["muni"], world["mental"], world["nav"]
    user = t.staff(mental, Role.CASEWORKER)
    other = t.staff(nav)
    persons = [t.person(muni, born=dt.date(1960, 1, 1 + n)) for n in range(7)]
    served, consented, coordinated, participant, blocked, plain, emergency = persons
    for person in (served, consented, blocked):
        t.service(person, mental)
    consent(consented, units=[mental], categories=[Category.PLAN, Category.HEALTH])
    CoordinatorAssignment.objects.create(
        person=coordinated, offered_on=dt.date(2026, 1, 1), coordinator=user, unit=nav
    )
    consent(coordinated, units=[nav], categories=[Category.SOCIAL])
    plan = IndividualPlan.objects.create(
        person=participant, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    Participant.objects.create(
        plan=plan, kind=Participant.Kind.STAFF, user=user, unit=nav, name="Saksbehandler"
    )
    consent(participant, units=[nav], categories=[Category.COOPERATION])
    AccessBlock.objects.create(person=blocked, staff_user=user, created_by=other)
    t.service(plain, nav)
    gate.grant_emergency(user, emergency, reason="Akutt innleggelse, trenger oversikten nå.")
    for category in gate.CATEGORIES:
        listed = set(
            gate.accessible_persons(user, category=category).filter(pk__in=[p.pk for p in persons])
        )
        expected = {
            p for p in persons if gate.decide(user, p, Action.VIEW, category=category).granted
        }
        assert listed == expected, category
    assert served in set(gate.accessible_persons(user))
    assert served not in set(gate.accessible_persons(user, category=Category.PLAN))
