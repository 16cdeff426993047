"""«Gjør hjelpen ting bedre?» after meetings and plan evaluations, anonymous,
with small cells suppressed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet import testing as t
from helhet.cooperation.models import Meeting, ResponsibilityGroup
from helhet.organisation.models import Role
from helhet.plans import services as plan_services
from helhet.portal import rules
from helhet.portal.models import FeedbackAnswer, FeedbackGiven
from helhet.portal.tests.builders import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _held_meeting(person, days_ago=3):
    group, _created = ResponsibilityGroup.objects.get_or_create(
        person=person, defaults={"created_on": dt.date(2026, 1, 1)}
    )
    return Meeting.objects.create(
        group=group,
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        place="Rådhuset",
        status=Meeting.Status.HELD,
    )


def test_after_a_meeting_the_person_is_asked_and_answers_anonymously(client, w):
    meeting = _held_meeting(w.person)
    client.force_login(w.user)
    page = client.get(reverse("portal:feedback")).content.decode()
    when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
    assert f"Møtet {when}" in page
    response = client.post(
        reverse("portal:feedback"),
        {"occasion": f"mote-{meeting.pk}", "score": "4", "text": "Fint at NAV var med."},
    )
    assert response.status_code == 302
    answer = FeedbackAnswer.objects.get()
    assert (answer.score, answer.unit, answer.text) == (4, w.mental, "Fint at NAV var med.")
    assert answer.month.day == 1
    assert not any(f.name in ("person", "created_at") for f in FeedbackAnswer._meta.fields)
    assert FeedbackGiven.objects.filter(person=w.person, occasion=f"mote-{meeting.pk}").exists()
    assert f"Møtet {when}" not in client.get(reverse("portal:feedback")).content.decode()


def test_a_second_answer_or_an_unknown_occasion_is_refused(client, w):
    meeting = _held_meeting(w.person)
    client.force_login(w.user)
    data = {"occasion": f"mote-{meeting.pk}", "score": "5"}
    client.post(reverse("portal:feedback"), data)
    client.post(reverse("portal:feedback"), data)
    client.post(reverse("portal:feedback"), {"occasion": "mote-999999", "score": "1"})
    assert FeedbackAnswer.objects.count() == 1


def test_a_score_outside_one_to_five_is_refused(client, w):
    meeting = _held_meeting(w.person)
    client.force_login(w.user)
    response = client.post(
        reverse("portal:feedback"), {"occasion": f"mote-{meeting.pk}", "score": "9"}
    )
    assert response.status_code == 400
    assert not FeedbackAnswer.objects.exists()


def test_a_plan_evaluation_is_an_occasion(client, w):
    plan_services.update_plan(
        plan_id=w.plan.pk,
        user=w.coordinator,
        version=w.plan.version,
        fields={"revision_due": dt.date(2027, 6, 1)},
    )
    client.force_login(w.user)
    assert "Evalueringen av planen" in client.get(reverse("portal:feedback")).content.decode()


def test_the_leader_sees_aggregates_with_small_cells_suppressed(client, w):
    leader = t.staff(w.mental, Role.LEADER, username="leder")
    other_unit = t.unit(w.muni, name="Boligkontoret")
    month = dt.date(2026, 11, 1)
    for score in (5, 4, 4, 3, 5):
        FeedbackAnswer.objects.create(
            municipality=w.muni, unit=w.mental, occasion="mote", month=month, score=score
        )
    for score in (1, 2):
        FeedbackAnswer.objects.create(
            municipality=w.muni, unit=other_unit, occasion="mote", month=month, score=score
        )
    client.force_login(leader)
    page = client.get(reverse("portal:feedback_overview")).content.decode()
    assert "4,2" in page  # (5+4+4+3+5)/5
    assert "&lt;5" in page
    assert "1,5" not in page
    client.force_login(w.nurse)
    assert client.get(reverse("portal:feedback_overview")).status_code == 403


def test_aggregate_rule():
    assert rules.aggregate([1, 2, 3, 4]) == {"count": "<5", "suppressed": True}
    shown = rules.aggregate([1, 2, 3, 4, 5])
    assert shown["count"] == "5" and shown["mean"] == "3,0"
    assert shown["distribution"] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
