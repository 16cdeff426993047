"""The stored § 19 completeness is never different from the live rule.

The coordinating unit's overview reads ``PlanCompleteness`` instead of asking
``rules.missing_items`` for every plan (issue 10). These tests change plans,
coordinators and consents through the real services, let time pass, and after
every step require the stored answer of every plan, and the plan page's, to
equal the live one.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhet import testing
from helhet.consent import services as consent_services
from helhet.consent.models import Consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.intake import services as intake_services
from helhet.organisation.models import Role
from helhet.plans import completeness, rules, services
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant, PlanCompleteness

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class World:
    """Two persons with an active plan and a goal each, two units, a partner, a coordinator."""

    def __init__(self):
        self.muni = testing.municipality()
        self.units = [testing.unit(self.muni), testing.unit(self.muni)]
        self.partner = testing.partner(self.muni)
        self.staff = testing.staff(self.units[0], role=Role.SERVICE_PROVIDER)
        self.plans = []
        for _n in range(2):
            person = testing.person(self.muni)
            plan = services.create_plan(
                self.staff,
                person=person,
                status=IndividualPlan.Status.ACTIVE,
                offered_on=timezone.localdate() - dt.timedelta(days=20),
            )
            Goal.objects.create(plan=plan, text="Klare meg selv")
            self.plans.append(plan)

    def version(self, plan) -> int:
        return IndividualPlan.objects.get(pk=plan.pk).version


def _text(data) -> str:
    return data.draw(st.sampled_from(["", "  ", "Noe skrevet"]))


def update_plan(world, plan, data):
    today = timezone.localdate()
    fields = {
        name: _text(data) for name in ("resources", "needs", "person_contribution", "cooperation")
    }
    dated = data.draw(st.booleans())
    fields |= {
        "period_start": today if dated else None,
        "period_end": today + dt.timedelta(days=300) if dated else None,
        "revision_due": today + dt.timedelta(days=data.draw(st.integers(-5, 90)))
        if dated
        else None,
    }
    services.update_plan(plan.pk, world.staff, world.version(plan), fields)


def add_goal(world, plan, data):
    status = data.draw(st.sampled_from(Goal.Status.values))
    fields = {"text": "Bo i egen leilighet", "status": status}
    services.save_goal(plan.pk, world.staff, world.version(plan), None, fields)


def change_goal(world, plan, data):
    goal = plan.goals.order_by("?").first()
    if goal:
        status = data.draw(st.sampled_from(Goal.Status.values))
        fields = {"text": goal.text, "status": status}
        services.save_goal(plan.pk, world.staff, world.version(plan), goal.pk, fields)


def add_measure(world, plan, data):
    goal = plan.goals.first()
    if goal:
        fields = {
            "title": "Boveiledning",
            "scope": _text(data),
            "how": _text(data),
            "responsible_unit": data.draw(st.sampled_from([None, world.units[0]])),
            "responsible_other": data.draw(st.sampled_from(["", "Personen selv"])),
            "status": data.draw(st.sampled_from(Measure.Status.values)),
        }
        try:
            services.save_measure(plan.pk, world.staff, world.version(plan), goal.pk, None, fields)
        except ValidationError:
            pass  # no responsible: refused, nothing saved


def add_participant(world, plan, data):
    kind = data.draw(st.sampled_from(Participant.Kind.values))
    fields = {"kind": kind, "name": "Deltaker", "contribution": _text(data)}
    if kind == Participant.Kind.STAFF:
        fields["unit"] = data.draw(st.sampled_from(world.units))
    elif kind == Participant.Kind.PARTNER:
        fields["partner"] = world.partner
    services.save_participant(plan.pk, world.staff, world.version(plan), None, fields)


def remove_row(world, plan, data):
    model = data.draw(st.sampled_from([Goal, Measure, Participant]))
    row = model.objects.filter(plan=plan).order_by("?").first()
    if row:
        services.remove_row(plan.pk, world.staff, world.version(plan), model, row.pk)


def name_coordinator(world, plan, data):
    assignment = CoordinatorAssignment.objects.create(
        person=plan.person,
        offered_on=timezone.localdate(),
        unit=data.draw(st.sampled_from(world.units)),
        assigned_on=timezone.localdate(),
    )
    if data.draw(st.booleans()):
        intake_services.name_coordinator(assignment, world.staff, world.staff, timezone.localdate())


def end_coordinator(world, plan, data):
    assignment = plan.person.coordinator_assignments.filter(ended_on__isnull=True).first()
    if assignment:
        assignment.ended_on = timezone.localdate()
        assignment.save()


def grant_consent(world, plan, data):
    offered = consent_services.all_scopes(world.units, [world.partner])
    scopes = set(data.draw(st.lists(st.sampled_from(offered), max_size=4)))
    starts = timezone.localdate() + dt.timedelta(days=data.draw(st.integers(-3, 3)))
    try:
        consent_services.register(
            plan.person,
            world.staff,
            scopes=scopes,
            offered=offered,
            purpose="Samarbeid om individuell plan",
            covers_plan=data.draw(st.booleans()),
            valid_from=starts,
            valid_to=starts + dt.timedelta(days=data.draw(st.integers(0, 6))),
            given_how=Consent.GivenHow.SIGNED,
        )
    except ValidationError:
        pass  # the plan alone, no category ticked: refused, nothing saved


def withdraw_consent(world, plan, data):
    consent = plan.person.consents.filter(withdrawn_at__isnull=True).first()
    if consent:
        consent_services.withdraw(consent.pk, world.staff)


def let_time_pass(traveller, data):
    traveller.shift(dt.timedelta(hours=data.draw(st.sampled_from([5, 24, 48, 24 * 5]))))


STEPS = [
    update_plan,
    add_goal,
    change_goal,
    add_measure,
    add_participant,
    remove_row,
    name_coordinator,
    end_coordinator,
    grant_consent,
    withdraw_consent,
    None,  # time passes
]


def assert_stored_equals_live():
    completeness.refresh(IndividualPlan.objects.all())
    plans = list(IndividualPlan.objects.all())
    live = services.facts_for(plans)
    stored = {c.plan_id: c for c in PlanCompleteness.objects.all()}
    for plan in plans:
        letters = "".join(letter for letter, _label in rules.missing_items(live[plan.pk]))
        assert stored[plan.pk].missing == letters
        # The plan page reads the same facts from what it has loaded.
        page = services.plan_page(plan.pk)["missing"]
        assert "".join(letter for letter, _label in page) == letters
        current = (
            plan.person.coordinator_assignments.filter(ended_on__isnull=True)
            .order_by("offered_on", "pk")
            .last()
        )
        assert stored[plan.pk].assignment_id == (current.pk if current else None)


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_stored_completeness_equals_the_rule_after_any_sequence_of_changes(data):
    with time_machine.travel(START, tick=False) as traveller, transaction.atomic():
        world = World()
        assert_stored_equals_live()
        for step in data.draw(st.lists(st.sampled_from(STEPS), min_size=1, max_size=15)):
            if step is None:
                let_time_pass(traveller, data)
            else:
                step(world, data.draw(st.sampled_from(world.plans)), data)
            assert_stored_equals_live()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_consent_that_expires_makes_the_stored_answer_stale(story):
    with time_machine.travel(START, tick=False) as traveller:
        story.consent.valid_from = timezone.localdate() - dt.timedelta(days=1)
        story.consent.valid_to = timezone.localdate() + dt.timedelta(days=2)
        story.consent.save()
        completeness.refresh(IndividualPlan.objects.all())
        assert "h" not in PlanCompleteness.objects.get(plan=story.plan).missing
        traveller.shift(dt.timedelta(days=3))
        assert completeness.refresh(IndividualPlan.objects.all()) == 1
        assert "h" in PlanCompleteness.objects.get(plan=story.plan).missing


@pytest.mark.django_db
def test_every_change_of_a_fact_deletes_the_stored_answer(story):
    def stored() -> bool:
        return PlanCompleteness.objects.filter(plan=story.plan).exists()

    changes = [
        lambda: story.goal.save(),
        lambda: story.measure.save(),
        lambda: story.plan.participants.first().save(),
        lambda: story.plan.save(),
        lambda: story.person.coordinator_assignments.first().save(),
        lambda: story.consent.save(),
        lambda: story.consent.scopes.first().save(),
        lambda: story.consent.units.clear(),
        lambda: story.unit.consents.add(story.consent),
    ]
    for change in changes:
        completeness.refresh(IndividualPlan.objects.all())
        assert stored()
        change()
        assert not stored()


@pytest.mark.django_db
def test_refresh_needs_one_query_when_everything_is_fresh(story, django_assert_num_queries):
    completeness.refresh(IndividualPlan.objects.all())
    with django_assert_num_queries(1):
        assert completeness.refresh(IndividualPlan.objects.all()) == 0


@pytest.mark.django_db
def test_a_withdrawal_taking_effect_later_today_is_computed_once_then_again_when_it_takes_effect(
    story, django_assert_num_queries
):
    with time_machine.travel(START, tick=False) as traveller:
        story.consent.valid_from = timezone.localdate() - dt.timedelta(days=1)
        story.consent.valid_to = timezone.localdate() + dt.timedelta(days=30)
        story.consent.withdrawn_at = timezone.now() + dt.timedelta(hours=3)
        story.consent.save()
        assert completeness.refresh(IndividualPlan.objects.all()) == 1
        assert "h" not in PlanCompleteness.objects.get(plan=story.plan).missing

        # Until the withdrawal takes effect, every view reads the stored answer.
        traveller.shift(dt.timedelta(hours=2))
        with django_assert_num_queries(1):
            assert completeness.refresh(IndividualPlan.objects.all()) == 0

        traveller.shift(dt.timedelta(hours=1, seconds=1))
        assert completeness.refresh(IndividualPlan.objects.all()) == 1
        assert "h" in PlanCompleteness.objects.get(plan=story.plan).missing
        assert completeness.refresh(IndividualPlan.objects.all()) == 0
