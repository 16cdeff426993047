"""The living plan: versions can be listed, read and compared."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helhet.plans import presenters, services
from helhet.plans.models import IndividualPlan, PlanVersion
from helhet.plans.services import StaleEdit


def _rename_goal(story, text, version):
    services.save_goal(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=version,
        goal_id=story.goal.pk,
        fields={"text": text},
    )


def test_every_change_is_a_version_with_author_and_diff(story):
    v = story.plan.version
    _rename_goal(story, "Ny formulering", v)
    stored = PlanVersion.objects.get(plan=story.plan, number=v + 1)
    assert stored.author == story.coordinator
    assert stored.author_name == story.coordinator.get_full_name()
    row = next(r for r in stored.changes if r["section"] == "goals" and r["field"] == "text")
    assert (row["item"], row["after"]) == (str(story.goal.pk), "Ny formulering")


def test_service_refuses_a_stale_version_and_changes_nothing(story):
    v = story.plan.version
    _rename_goal(story, "Første", v)
    with pytest.raises(StaleEdit):
        _rename_goal(story, "Andre", v)
    story.goal.refresh_from_db()
    assert story.goal.text == "Første"
    assert story.plan.versions.count() == 2


def test_history_lists_versions_with_time_and_author(coordinator_client, story):
    moment = dt.datetime(2026, 3, 14, 9, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        _rename_goal(story, "Ny formulering", story.plan.version)
    html = coordinator_client.get(f"/planer/{story.plan.pk}/historikk/").content.decode()
    assert "14.03.2026 09:30" in html
    assert "Mål endret" in html
    assert story.coordinator.get_full_name() in html


def test_an_old_version_can_be_read(coordinator_client, story):
    _rename_goal(story, "Ny formulering", story.plan.version)
    old = coordinator_client.get(f"/planer/{story.plan.pk}/versjon/1/")
    assert old.status_code == 200
    html = old.content.decode()
    assert "Dette er en tidligere versjon" in html
    assert "Ny formulering" not in html


def test_two_versions_are_compared_with_norwegian_labels(coordinator_client, story):
    v = story.plan.version
    services.update_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields={"revision_due": dt.date(2026, 9, 1), "needs": "Jobb"},
    )
    response = coordinator_client.get(f"/planer/{story.plan.pk}/sammenlign/?fra={v}&til={v + 1}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Neste revisjon" in html and "01.09.2026" in html
    assert "Behov for tjenester" in html and "Jobb" in html
    assert "revision_due" not in html


def test_compare_with_bad_or_unknown_numbers(coordinator_client, story):
    base = f"/planer/{story.plan.pk}/sammenlign/"
    assert coordinator_client.get(base + "?fra=a&til=1").status_code == 400
    assert coordinator_client.get(base + "?fra=1&til=99").status_code == 404


def test_diff_display_names_the_goal_of_a_measure(story):
    before = services.snapshot(plan=IndividualPlan.objects.get(pk=story.plan.pk))
    after = {**before, "measures": {}}
    rows = presenters.diff_display(before, after)
    goal_row = next(r for r in rows if r["field"] == "Mål")
    assert goal_row["before"] == story.goal.text
    assert goal_row["item"] == "Boveiledning"
    assert goal_row["after"] == "–"


def test_versions_saved_before_the_structured_crisis_plan_still_read_and_compare(
    coordinator_client, story
):
    # A version stored when the crisis plan had two free-text contact fields.
    old = PlanVersion.objects.get(plan=story.plan, number=story.plan.version)
    old.snapshot = {
        **old.snapshot,
        "crisis_plan": {"warning_signs": "Sover lite", "contacts_day": "Kontoret 99 99 99 99"},
    }
    old.save()
    services.update_plan(
        plan_id=story.plan.pk, user=story.coordinator, version=story.plan.version, fields={}
    )
    base = f"/planer/{story.plan.pk}/"
    page = coordinator_client.get(f"{base}versjon/{old.number}/")
    assert page.status_code == 200 and "Kontoret 99 99 99 99" in page.content.decode()
    compared = coordinator_client.get(
        f"{base}sammenlign/?fra={old.number}&til={old.number + 1}"
    ).content.decode()
    assert "Kontakt på dagtid" in compared and "Hvem som kontaktes" in compared
    assert "Legevakt, tlf. 116 117 – kveld og natt" in compared
