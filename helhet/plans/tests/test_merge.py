"""Several people editing the same plan: a save from an older version is merged
field by field (``rules.merge``); only a field both changed is a conflict, and
the editor settles it instead of being refused again."""

import re

from hypothesis import given
from hypothesis import strategies as st

from helhet.plans import rules, services
from helhet.plans.forms import PlanForm
from helhet.plans.models import CrisisPlan, IndividualPlan, PlanVersion
from helhet.plans.services import StaleEdit

# --- the pure rule ------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        ("plan", "", "needs"),
        ("plan", "", "resources"),
        ("plan", "", "cooperation"),
        ("goals", "1", "text"),
        ("goals", "1", "status"),
        ("goals", "2", "text"),
        ("measures", "3", "how"),
        ("crisis_plan", "", "what_helps"),
    ]
)
VALUES = st.one_of(st.text(max_size=5), st.none(), st.booleans())
DOCS = st.dictionaries(KEYS, VALUES)


def _edit(base: dict, changes: dict) -> dict:
    """``base`` with some keys set and, where the value is the sentinel, removed."""
    result = dict(base)
    for key, value in changes.items():
        if value is rules.ABSENT:
            result.pop(key, None)
        else:
            result[key] = value
    return result


CHANGES = st.dictionaries(KEYS, st.one_of(VALUES, st.just(rules.ABSENT)))


@given(DOCS, CHANGES, CHANGES)
def test_disjoint_edits_always_merge_to_the_union(base, theirs_changes, my_changes):
    my_changes = {k: v for k, v in my_changes.items() if k not in theirs_changes}
    theirs, mine = _edit(base, theirs_changes), _edit(base, my_changes)
    merged = rules.merge(base, theirs, mine)
    assert merged.clean
    assert merged.values == _edit(_edit(base, theirs_changes), my_changes)


@given(DOCS, KEYS, st.text(min_size=1, max_size=5), st.text(min_size=1, max_size=5))
def test_the_same_field_changed_differently_by_both_is_a_conflict_naming_it(
    base, key, their_value, my_value
):
    if their_value == my_value or base.get(key) in (their_value, my_value):
        return
    theirs, mine = {**base, key: their_value}, {**base, key: my_value}
    merged = rules.merge(base, theirs, mine)
    assert [c.key for c in merged.conflicts] == [key]
    conflict = merged.conflicts[0]
    assert (conflict.theirs, conflict.mine) == (their_value, my_value)
    # Until the editor chooses, theirs stands.
    assert merged.values[key] == their_value


@given(DOCS, DOCS, DOCS)
def test_no_change_of_the_other_editor_is_ever_lost(base, theirs, mine):
    merged = rules.merge(base, theirs, mine)
    conflicting = {c.key for c in merged.conflicts}
    for key in set(base) | set(theirs):
        if theirs.get(key, rules.ABSENT) != base.get(key, rules.ABSENT):
            assert key in conflicting or merged.values.get(key, rules.ABSENT) == theirs.get(
                key, rules.ABSENT
            )


@given(DOCS, DOCS, DOCS)
def test_my_changes_are_kept_unless_they_conflict(base, theirs, mine):
    merged = rules.merge(base, theirs, mine)
    conflicting = {c.key for c in merged.conflicts}
    for key in set(base) | set(mine):
        if mine.get(key, rules.ABSENT) != base.get(key, rules.ABSENT) and key not in conflicting:
            assert merged.values.get(key, rules.ABSENT) == mine.get(key, rules.ABSENT)


def test_a_conflict_seen_and_answered_keeps_mine_but_a_newer_save_must_be_seen_first():
    key = ("plan", "", "needs")
    merged = rules.merge({key: "a"}, {key: "b"}, {key: "c"})
    assert rules.resolve(merged, {key: "b"}, ["needs"]).values[key] == "c"
    # Saved again since the editor was shown "b": not settled.
    again = rules.merge({key: "a"}, {key: "d"}, {key: "c"})
    assert rules.resolve(again, {key: "b"}, ["needs"]).conflicts
    # Shown, but the editor did not choose to keep theirs over it.
    assert rules.resolve(merged, {key: "b"}, []).conflicts


def test_crisis_plan_completeness_follows_the_guideline():
    day = {"name": "Kari", "role": "koordinator", "phone": "99 99 99 99", "when": "dag"}
    night = {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"}
    assert rules.crisis_plan_missing("Sover lite", "Tur", [day, night]) == []
    assert rules.crisis_plan_missing("Sover lite", "Tur", [{**day, "when": "alltid"}]) == []
    missing = rules.crisis_plan_missing("", " ", [day, {**night, "phone": ""}])
    assert missing == [
        "varselsignaler",
        "hva som hjelper",
        "hvem som kontaktes kveld og natt, med telefonnummer",
    ]


# --- the service -----------------------------------------------------------------------


def _settled(story) -> int:
    """The story writes some rows behind the service's back; a version of the plan
    as it stands makes it the base an editor opens. Returns that version."""
    plan = services.update_plan(
        plan_id=story.plan.pk, user=story.coordinator, version=story.plan.version, fields={}
    )
    story.plan = IndividualPlan.objects.get(pk=plan.pk)
    return story.plan.version


def _plan_fields(plan, **changes):
    """Every field of the plan form, as it stands (what the form is opened with)."""
    fields = {name: getattr(plan, name) for name in PlanForm._meta.fields}
    return {**fields, **changes}


def _as_posted(plan) -> dict:
    """The plan form as the browser posts it, unchanged."""
    fields = {name: value or "" for name, value in _plan_fields(plan).items()}
    return {**fields, "crisis_risk": "on" if plan.crisis_risk else ""}


def test_two_editors_of_different_fields_both_keep_their_change(story):
    v = _settled(story)
    plan = story.plan
    services.update_plan(
        plan_id=plan.pk, user=story.coordinator, version=v, fields=_plan_fields(plan, needs="Bolig")
    )
    # The second editor opened the form at v too, and changed another field.
    services.update_plan(
        plan_id=plan.pk,
        user=story.coordinator,
        version=v,
        fields=_plan_fields(plan, resources="Sterk vilje"),
    )
    plan = IndividualPlan.objects.get(pk=plan.pk)
    assert (plan.needs, plan.resources) == ("Bolig", "Sterk vilje")
    assert plan.version == v + 2


def test_a_goal_and_the_plan_edited_from_the_same_version_both_stay(story):
    v = _settled(story)
    services.save_goal(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        goal_id=story.goal.pk,
        fields={"text": "Nytt mål"},
    )
    services.update_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields=_plan_fields(story.plan, needs="Arbeid"),
    )
    story.goal.refresh_from_db()
    assert story.goal.text == "Nytt mål"
    assert IndividualPlan.objects.get(pk=story.plan.pk).needs == "Arbeid"


def test_the_same_field_from_the_same_version_is_refused_naming_who_and_the_field(story):
    v = _settled(story)
    services.update_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields=_plan_fields(story.plan, needs="Bolig"),
    )
    try:
        services.update_plan(
            plan_id=story.plan.pk,
            user=story.coordinator,
            version=v,
            fields=_plan_fields(story.plan, needs="Jobb"),
        )
    except StaleEdit as stale:
        (conflict,) = stale.conflicts
        assert conflict["name"] == "needs" and conflict["theirs"] == "Bolig"
        assert conflict["mine"] == "Jobb"
        assert conflict["changed_by"][0]["author"] == story.coordinator.get_full_name()
        assert conflict["changed_by"][0]["number"] == v + 1
    else:
        raise AssertionError("the second save of the same field was not refused")
    assert IndividualPlan.objects.get(pk=story.plan.pk).needs == "Bolig"


def test_one_measure_edited_in_different_fields_keeps_both(story):
    v = _settled(story)
    m = story.measure
    fields = {
        "title": m.title,
        "scope": m.scope,
        "responsible_unit": m.responsible_unit,
        "responsible_partner": None,
        "responsible_other": "",
        "how": m.how,
        "starts_on": None,
        "ends_on": None,
        "status": m.status,
    }
    services.save_measure(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        goal_id=m.goal_id,
        measure_id=m.pk,
        fields={**fields, "title": "Ny tittel"},
    )
    services.save_measure(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        goal_id=m.goal_id,
        measure_id=m.pk,
        fields={**fields, "responsible_unit": None, "responsible_other": "Personen selv"},
    )
    m.refresh_from_db()
    assert (m.title, m.responsible_unit, m.responsible_other) == (
        "Ny tittel",
        None,
        "Personen selv",
    )


def test_the_same_goal_text_by_both_is_a_conflict_but_its_status_is_not(story):
    v = _settled(story)
    goal = story.goal
    services.save_goal(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        goal_id=goal.pk,
        fields={"text": "Bo selv"},
    )
    services.save_goal(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        goal_id=goal.pk,
        fields={"status": "naadd"},
    )
    goal.refresh_from_db()
    assert (goal.text, goal.status) == ("Bo selv", "naadd")
    try:
        services.save_goal(
            plan_id=story.plan.pk,
            user=story.coordinator,
            version=v,
            goal_id=goal.pk,
            fields={"text": "Jobbe"},
        )
    except StaleEdit as stale:
        assert [c["name"] for c in stale.conflicts] == ["text"]
    else:
        raise AssertionError("two texts of the same goal were both taken")


def test_crisis_contacts_and_texts_merge_per_field(story):
    v = _settled(story)
    crisis = story.plan.crisis_plan
    fields = {name: getattr(crisis, name) for name in services.CRISIS_FIELDS}
    night = {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"}
    services.save_crisis_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields={**fields, "what_helps": "Musikk"},
    )
    services.save_crisis_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields={**fields, "contacts": [night]},
    )
    crisis = CrisisPlan.objects.get(pk=crisis.pk)
    assert (crisis.what_helps, crisis.contacts) == ("Musikk", [night])


# --- the pages -----------------------------------------------------------------------


def _post(client, story, data):
    return client.post(f"/planer/{story.plan.pk}/endre/", data)


def test_a_refused_save_shows_both_texts_links_to_compare_and_saves_the_choice(
    coordinator_client, story
):
    v = _settled(story)
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    form = {**_as_posted(plan), "version": v}
    assert _post(coordinator_client, story, {**form, "needs": "Bolig"}).status_code == 302
    # The other editor, from version v, changed needs and cooperation.
    mine = {**form, "needs": "Jobb og bolig", "cooperation": "NAV og DPS"}
    response = _post(coordinator_client, story, mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Bolig" in html and "Jobb og bolig" in html  # theirs and mine
    assert story.coordinator.get_full_name() in html
    assert f"sammenlign/?fra={v}&amp;til={v + 1}" in html
    assert 'name="velg_needs"' in html and 'name="velg_cooperation"' not in html
    seen = re.search(r'name="seen" value="(\d+)"', html).group(1)
    assert seen == str(v + 1)
    # Keeping their own (edited) text, the editor saves: nothing refused again.
    response = _post(coordinator_client, story, {**mine, "seen": seen, "velg_needs": "min"})
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert (plan.needs, plan.cooperation) == ("Jobb og bolig", "NAV og DPS")
    assert plan.version == v + 2 and PlanVersion.objects.filter(plan=plan).count() == v + 2


def test_choosing_the_saved_text_keeps_it_and_the_rest_of_my_change(coordinator_client, story):
    v = _settled(story)
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    form = {**_as_posted(plan), "version": v}
    _post(coordinator_client, story, {**form, "needs": "Bolig"})
    mine = {**form, "needs": "Jobb", "cooperation": "NAV"}
    assert _post(coordinator_client, story, mine).status_code == 409
    response = _post(coordinator_client, story, {**mine, "seen": str(v + 1), "velg_needs": "deres"})
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert (plan.needs, plan.cooperation) == ("Bolig", "NAV")


def test_removing_a_goal_after_another_field_changed_is_no_conflict(coordinator_client, story):
    v = _settled(story)
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    form = {**_as_posted(plan), "version": v}
    _post(coordinator_client, story, {**form, "needs": "Bolig"})
    response = coordinator_client.post(
        f"/planer/{story.plan.pk}/mal/{story.goal.pk}/fjern/", {"version": v}
    )
    assert response.status_code == 302
    assert not story.plan.goals.filter(pk=story.goal.pk).exists()


def test_a_first_crisis_plan_from_an_older_version_is_no_conflict(db):
    from helhet.plans.tests.builders import make_story

    story = make_story(complete=False)
    v = story.plan.version
    services.update_plan(
        plan_id=story.plan.pk, user=story.coordinator, version=v, fields={"needs": "Bolig"}
    )
    fields = {name: "" for name in services.CRISIS_FIELDS} | {"contacts": []}
    services.save_crisis_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        version=v,
        fields={**fields, "warning_signs": "Sover lite"},
    )
    assert CrisisPlan.objects.get(person=story.plan.person).warning_signs == "Sover lite"
    assert IndividualPlan.objects.get(pk=story.plan.pk).needs == "Bolig"
