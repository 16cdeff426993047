"""§ 19 a–i from the stored plan: one test per letter, missing and present."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helhet import testing
from helhet.consent.models import Category, ConsentScope
from helhet.coordination.models import CoordinatorAssignment
from helhet.plans import services
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant


def missing(plan) -> set[str]:
    return {letter for letter, _label in services.missing_items(plan=plan)}


def update(plan, **fields):
    IndividualPlan.objects.filter(pk=plan.pk).update(**fields)


def test_complete_plan_misses_nothing(story):
    assert services.missing_items(plan=story.plan) == []


def test_a_needs_goals_resources_and_needs(story):
    assert "a" not in missing(story.plan)
    update(story.plan, needs="  ")
    assert "a" in missing(story.plan)
    update(story.plan, needs="Hjelp med økonomi")
    Goal.objects.filter(plan=story.plan).update(status=Goal.Status.DROPPED)
    assert "a" in missing(story.plan)


def test_b_needs_a_participant(story):
    assert "b" not in missing(story.plan)
    story.plan.participants.all().delete()
    assert "b" in missing(story.plan)


def test_c_needs_a_named_coordinator(story):
    assert "c" not in missing(story.plan)
    CoordinatorAssignment.objects.filter(person=story.person).update(ended_on=dt.date(2026, 1, 1))
    assert "c" in missing(story.plan)


def test_c_a_unit_without_a_named_person_is_not_enough(story):
    CoordinatorAssignment.objects.filter(person=story.person).update(coordinator=None)
    assert "c" in missing(story.plan)


def test_d_needs_contributions(story):
    assert "d" not in missing(story.plan)
    Participant.objects.filter(plan=story.plan).update(contribution="")
    assert "d" in missing(story.plan)


def test_e_needs_scope_and_responsible_for_each_measure(story):
    assert "e" not in missing(story.plan)
    Measure.objects.filter(pk=story.measure.pk).update(scope="")
    assert "e" in missing(story.plan)


def test_f_needs_how_each_measure_is_carried_out(story):
    assert "f" not in missing(story.plan)
    Measure.objects.filter(pk=story.measure.pk).update(how="")
    assert "f" in missing(story.plan)


def test_g_needs_period_and_revision(story):
    assert "g" not in missing(story.plan)
    update(story.plan, revision_due=None)
    assert "g" in missing(story.plan)


def test_h_needs_a_valid_consent_covering_every_participant(story):
    assert "h" not in missing(story.plan)
    other_unit = testing.unit(story.municipality)
    Participant.objects.create(
        plan=story.plan, kind="ansatt", unit=other_unit, name="NAV", contribution="Arbeid"
    )
    assert "h" in missing(story.plan)
    ConsentScope.objects.create(consent=story.consent, unit=other_unit, category=Category.PLAN)
    assert "h" not in missing(story.plan)
    story.consent.withdrawn_at = timezone.now()
    story.consent.save()
    assert "h" in missing(story.plan)


def test_h_goes_missing_when_the_consent_expires(story):
    later = timezone.localdate() + dt.timedelta(days=301)
    with time_machine.travel(dt.datetime.combine(later, dt.time(12)), tick=False):
        assert "h" in missing(story.plan)


def test_i_needs_cooperation(story):
    assert "i" not in missing(story.plan)
    update(story.plan, cooperation="")
    assert "i" in missing(story.plan)


# One way each to take away exactly one § 19 letter from the complete story plan.
TAKE_AWAY = {
    "a": lambda story: update(story.plan, needs="  "),
    "b": lambda story: story.plan.participants.all().delete(),
    "c": lambda story: CoordinatorAssignment.objects.filter(person=story.person).update(
        ended_on=dt.date(2026, 1, 1)
    ),
    "d": lambda story: update(story.plan, person_contribution=""),
    "e": lambda story: Measure.objects.filter(pk=story.measure.pk).update(scope=""),
    "f": lambda story: Measure.objects.filter(pk=story.measure.pk).update(how=""),
    "g": lambda story: update(story.plan, revision_due=None),
    "h": lambda story: (
        type(story.consent).objects.filter(pk=story.consent.pk).update(withdrawn_at=timezone.now())
    ),
    "i": lambda story: update(story.plan, cooperation=""),
}


@pytest.mark.parametrize("letter", sorted(TAKE_AWAY))
def test_a_stored_plan_missing_one_letter_lacks_exactly_that_letter(story, letter):
    TAKE_AWAY[letter](story)
    assert [found for found, _label in services.missing_items(plan=story.plan)] == [letter]


def test_a_plan_without_participants_lacks_b_only(story):
    # The person and the coordinator have stated their contributions; with nobody
    # else taking part yet, § 19 d is not missing because b is.
    story.plan.participants.all().delete()
    assert missing(story.plan) == {"b"}


def test_an_overdue_revision_is_not_a_missing_g(story):
    update(story.plan, revision_due=timezone.localdate() - dt.timedelta(days=10))
    assert "g" not in missing(story.plan)
