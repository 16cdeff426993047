"""The plan page and the editor, as a coordinator uses them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhet import testing
from helhet.access.models import AccessLogEntry, Action
from helhet.organisation.models import Role
from helhet.plans.models import CrisisPlan, Goal, IndividualPlan, Measure, Participant
from helhet.plans.tests.builders import GOAL, make_story


def url(plan, suffix=""):
    return f"/planer/{plan.pk}/{suffix}"


def page(client, plan, suffix=""):
    response = client.get(url(plan, suffix))
    assert response.status_code == 200
    return response.content.decode()


# --- the plan page -----------------------------------------------------------------


def test_plan_page_shows_goals_with_measures_and_every_part(coordinator_client, story):
    html = page(coordinator_client, story.plan)
    assert GOAL in html
    assert "Boveiledning" in html and "2 timer i uka" in html and story.unit.name in html
    assert "116 117</a>" in html  # crisis plan: whom to call at night
    assert story.coordinator.get_full_name() in html
    assert "Samarbeid om individuell plan" in html  # consent
    assert "Fastlege og DPS om medisiner" in html
    assert "Planen har alt innholdet forskriften krever" in html


def test_plan_page_lists_what_is_missing_in_norwegian(client, db):
    story = make_story(complete=False)
    client.force_login(story.coordinator)
    html = page(client, story.plan)
    assert "Dette mangler i planen" in html
    assert "Planperiode og når planen skal justeres/revideres" in html
    assert "Samarbeid med andre tjenesteytere, institusjoner og etater" in html


def test_plan_page_flags_an_overdue_revision(coordinator_client, story):
    IndividualPlan.objects.filter(pk=story.plan.pk).update(
        revision_due=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "Revisjonen er forfalt" in page(coordinator_client, story.plan)


def test_participant_outside_the_consent_is_shown_as_not_covered(coordinator_client, story):
    partner = testing.partner(story.municipality)
    Participant.objects.create(plan=story.plan, kind="ekstern", partner=partner, name="DPS")
    html = page(coordinator_client, story.plan)
    assert 'class="badge bad">Nei' in html
    assert "Samtykke til planen og til deltakernes tilgang" in html  # h is missing


@pytest.fixture
def two_plans(db):
    small, large = make_story(), make_story()
    for n in range(12):
        goal = Goal.objects.create(plan=large.plan, text=f"Mål {n}")
        for m in range(3):
            Measure.objects.create(
                plan=large.plan, goal=goal, title=f"Tiltak {n}.{m}", responsible_other="meg"
            )
        Participant.objects.create(plan=large.plan, kind="parorende", name=f"Pårørende {n}")
    return small, large


def test_plan_page_queries_are_constant(client, two_plans, django_assert_max_num_queries):
    small, large = two_plans
    client.force_login(small.coordinator)
    with CaptureQueriesContext(connection) as baseline:
        page(client, small.plan)
    client.force_login(large.coordinator)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        html = page(client, large.plan)
    assert "Tiltak 11.2" in html


# --- access ----------------------------------------------------------------------


def test_unknown_plan_is_404(coordinator_client):
    assert coordinator_client.get("/planer/999999/").status_code == 404
    assert coordinator_client.get("/planer/999999/historikk/").status_code == 404


def test_user_without_basis_gets_403_and_the_attempt_is_logged(client, story):
    stranger = testing.staff(testing.unit(story.municipality), role=Role.SERVICE_PROVIDER)
    client.force_login(stranger)
    assert client.get(url(story.plan)).status_code == 403
    response = client.post(url(story.plan, "endre/"), {"version": story.plan.version})
    assert response.status_code == 403
    assert IndividualPlan.objects.get(pk=story.plan.pk).version == story.plan.version
    refused = AccessLogEntry.objects.filter(person=story.person, user=stranger, granted=False)
    assert refused.count() == 2


def test_other_municipality_cannot_see_the_plan_exists(client, story):
    other = testing.staff(testing.municipality(), role=Role.COORDINATING_UNIT)
    client.force_login(other)
    assert client.get(url(story.plan)).status_code == 404


def test_rows_of_another_plan_are_404(coordinator_client, story, db):
    other = make_story()
    assert coordinator_client.get(url(story.plan, f"mal/{other.goal.pk}/")).status_code == 404
    assert coordinator_client.get(url(story.plan, f"tiltak/{other.measure.pk}/")).status_code == 404
    assert coordinator_client.get(url(story.plan, "versjon/99/")).status_code == 404


# --- editing -------------------------------------------------------------------------


PLAN_FIELDS = {
    "resources": "Liker å lage mat",
    "needs": "Bolig",
    "person_contribution": "Møter opp",
    "relatives_contribution": "",
    "period_start": "2026-01-01",
    "period_end": "2027-12-31",
    "revision_due": "2026-06-01",
    "cooperation": "DPS",
}


def test_editing_the_plan_saves_a_new_version_with_author_and_diff(coordinator_client, story):
    before = story.plan.version
    response = coordinator_client.post(
        url(story.plan, "endre/"), {**PLAN_FIELDS, "version": before}
    )
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert plan.version == before + 1 and plan.resources == "Liker å lage mat"
    version = plan.versions.get(number=before + 1)
    assert version.author == story.coordinator
    assert "Ressurser" in version.summary or "ressurser" in version.summary
    assert {"section": "plan", "item": "", "field": "cooperation"}.items() <= next(
        row for row in version.changes if row["field"] == "cooperation"
    ).items()
    assert AccessLogEntry.objects.filter(action=Action.EDIT, person=story.person).exists()


def test_marking_a_crisis_risk_is_a_plan_version_shown_as_yes(coordinator_client, story):
    before = story.plan.version
    response = coordinator_client.post(
        url(story.plan, "endre/"), {**PLAN_FIELDS, "crisis_risk": "on", "version": before}
    )
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert plan.crisis_risk
    change = next(
        row for row in plan.versions.get(number=before + 1).changes if row["field"] == "crisis_risk"
    )
    assert (change["before"], change["after"]) == (False, True)
    page = coordinator_client.get(url(plan)).content.decode()
    assert "Planen viser risiko for krise" in page


def test_period_ending_before_it_starts_is_refused(coordinator_client, story):
    data = {**PLAN_FIELDS, "period_start": "2027-01-01", "period_end": "2026-01-01"}
    response = coordinator_client.post(url(story.plan, "endre/"), {**data, "version": 1})
    assert response.status_code == 200
    assert "Planperioden kan ikke slutte før den begynner." in response.content.decode()
    assert IndividualPlan.objects.get(pk=story.plan.pk).version == story.plan.version


def test_too_long_and_empty_goal_texts_are_refused(coordinator_client, story):
    v = story.plan.version
    long = coordinator_client.post(
        url(story.plan, "mal/ny/"), {"text": "x" * 1001, "status": "aktiv", "version": v}
    )
    assert long.status_code == 200 and "Sørg for at denne verdien har" in long.content.decode()
    empty = coordinator_client.post(
        url(story.plan, "mal/ny/"), {"text": "", "status": "aktiv", "version": v}
    )
    assert "feltet er påkrev" in empty.content.decode().lower()
    assert story.plan.goals.count() == 1
    assert IndividualPlan.objects.get(pk=story.plan.pk).version == v


def test_add_edit_and_remove_a_goal(coordinator_client, story):
    v = story.plan.version
    coordinator_client.post(
        url(story.plan, "mal/ny/"), {"text": "Få meg jobb", "status": "aktiv", "version": v}
    )
    goal = Goal.objects.get(plan=story.plan, text="Få meg jobb")
    coordinator_client.post(
        url(story.plan, f"mal/{goal.pk}/"),
        {"text": "Få meg deltidsjobb", "status": "aktiv", "version": v + 1},
    )
    goal.refresh_from_db()
    assert goal.text == "Få meg deltidsjobb"
    response = coordinator_client.post(url(story.plan, f"mal/{goal.pk}/fjern/"), {"version": v + 2})
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    summaries = list(story.plan.versions.order_by("number").values_list("summary", flat=True))
    assert summaries[-3:] == [
        "Mål lagt til",
        "Mål endret: mål (med personens egne ord)",
        "Mål fjernet",
    ]


MEASURE = {
    "title": "Arbeidstrening",
    "scope": "3 dager i uka",
    "responsible_unit": "",
    "responsible_partner": "",
    "responsible_other": "",
    "how": "Hos NAV",
    "starts_on": "2026-02-01",
    "ends_on": "",
    "status": "planlagt",
}


def test_measure_without_responsible_is_refused(coordinator_client, story):
    response = coordinator_client.post(
        url(story.plan, f"mal/{story.goal.pk}/tiltak/ny/"),
        {**MEASURE, "version": story.plan.version},
    )
    assert response.status_code == 200
    assert "Tiltaket må ha en ansvarlig." in response.content.decode()
    assert story.plan.measures.count() == 1


def test_measure_is_added_under_its_goal_and_edited(coordinator_client, story):
    v = story.plan.version
    data = {**MEASURE, "responsible_unit": story.unit.pk, "version": v}
    assert (
        coordinator_client.post(
            url(story.plan, f"mal/{story.goal.pk}/tiltak/ny/"), data
        ).status_code
        == 302
    )
    measure = Measure.objects.get(plan=story.plan, title="Arbeidstrening")
    assert measure.goal == story.goal
    data = {**data, "status": "pagar", "version": v + 1}
    assert (
        coordinator_client.post(url(story.plan, f"tiltak/{measure.pk}/"), data).status_code == 302
    )
    measure.refresh_from_db()
    assert measure.status == Measure.Status.ONGOING


def test_measure_responsible_must_be_a_unit_of_the_municipality(coordinator_client, story):
    foreign = testing.unit(testing.municipality())
    data = {**MEASURE, "responsible_unit": foreign.pk, "version": story.plan.version}
    response = coordinator_client.post(url(story.plan, f"mal/{story.goal.pk}/tiltak/ny/"), data)
    assert "Velg et gyldig valg" in response.content.decode()


def test_participants_staff_partner_and_relative(coordinator_client, story):
    colleague = testing.staff(story.unit)
    partner = testing.partner(story.municipality)
    v = story.plan.version
    rows = [
        {"kind": "ansatt", "user": colleague.pk, "contribution": "Samtaler"},
        # Not covered by the consent: saved once the editor confirms the warning.
        {"kind": "ekstern", "partner": partner.pk, "contribution": "Medisiner", "bekreft": "ja"},
        {"kind": "parorende", "name": "Søster Siri", "contribution": "Handler"},
    ]
    for n, row in enumerate(rows):
        response = coordinator_client.post(
            url(story.plan, "deltakere/ny/"), {**row, "version": v + n}
        )
        assert response.status_code == 302
    added = {p.name: p for p in story.plan.participants.all()}
    assert added[colleague.get_full_name()].unit == story.unit
    assert added[partner.name].partner == partner
    assert "Søster Siri" in added


def test_participant_from_another_municipality_or_without_name_is_refused(
    coordinator_client, story
):
    foreign = testing.staff(testing.municipality())
    v = story.plan.version
    response = coordinator_client.post(
        url(story.plan, "deltakere/ny/"), {"kind": "ansatt", "user": foreign.pk, "version": v}
    )
    assert "Velg et gyldig valg" in response.content.decode()
    response = coordinator_client.post(
        url(story.plan, "deltakere/ny/"), {"kind": "parorende", "version": v}
    )
    assert "Skriv navnet på den pårørende." in response.content.decode()
    assert story.plan.participants.count() == 1


def test_a_participant_the_consent_does_not_cover_is_warned_of_before_saving(
    coordinator_client, story
):
    partner = testing.partner(story.municipality)
    v = story.plan.version
    row = {"kind": "ekstern", "partner": partner.pk, "contribution": "Medisiner", "version": v}
    response = coordinator_client.post(url(story.plan, "deltakere/ny/"), row)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Samtykket dekker ikke denne deltakeren" in html and str(partner) in html
    assert f'href="/samtykker/person/{story.person.pk}/ny/"' in html
    assert not story.plan.participants.filter(partner=partner).exists()
    # Confirmed, it is saved (and the plan then lacks § 19 h until consent is given).
    response = coordinator_client.post(url(story.plan, "deltakere/ny/"), {**row, "bekreft": "ja"})
    assert response.status_code == 302
    assert story.plan.participants.filter(partner=partner).exists()
    # A party the consent covers is saved without a warning.
    covered = {"kind": "ansatt", "unit": story.unit.pk, "contribution": "Oppfølging"}
    response = coordinator_client.post(
        url(story.plan, "deltakere/ny/"), {**covered, "version": v + 1}
    )
    assert response.status_code == 302


def test_crisis_plan_is_written(client, db):
    story = make_story(complete=False)
    client.force_login(story.coordinator)
    data = {
        "warning_signs": "Slutter å svare",
        "what_helps": "Musikk",
        "what_does_not_help": "Mas",
        "medication": "Ingen nye medisiner uten fastlegen",
        "admission": "Frivillig innleggelse på DPS etter avtale",
        "own_words": "Jeg vil bli spurt først",
        "version": story.plan.version,
        **contact_rows(
            ("Kari Nordmann", "koordinator", "99 99 99 99", "dag"),
            ("Legevakt", "", "116 117", "natt"),
        ),
    }
    assert client.post(url(story.plan, "kriseplan/"), data).status_code == 302
    # The crisis plan is the person's, and the plan reaches it.
    assert CrisisPlan.objects.get(person=story.plan.person).what_helps == "Musikk"
    assert story.plan.crisis_plan.what_helps == "Musikk"
    assert story.plan.versions.latest("number").summary.startswith("Kriseplan endret")
    crisis = story.plan.crisis_plan
    assert crisis.is_complete and crisis.admission.startswith("Frivillig")
    assert [c["name"] for c in crisis.contacts] == ["Kari Nordmann", "Legevakt"]
    html = page(client, story.plan)
    for text in ("Mas", "Ingen nye medisiner", "Frivillig innleggelse", "Jeg vil bli spurt først"):
        assert text in html
    assert "Kari Nordmann (koordinator)" in html


def test_a_contact_row_needs_to_say_when_and_nothing_is_saved_without(client, db):
    story = make_story(complete=False)
    client.force_login(story.coordinator)
    data = {"warning_signs": "Slutter å svare", "version": story.plan.version}
    data |= contact_rows(("Kari Nordmann", "", "99 99 99 99", ""))
    response = client.post(url(story.plan, "kriseplan/"), data)
    assert response.status_code == 200
    assert "Velg når personen kan kontaktes." in response.content.decode()
    assert not CrisisPlan.objects.filter(person=story.plan.person).exists()


def contact_rows(*rows) -> dict:
    """The crisis plan's contact rows as the form posts them."""
    data = {"kontakt-TOTAL_FORMS": str(len(rows)), "kontakt-INITIAL_FORMS": "0"}
    for i, (name, role, phone, when) in enumerate(rows):
        data |= {
            f"kontakt-{i}-name": name,
            f"kontakt-{i}-role": role,
            f"kontakt-{i}-phone": phone,
            f"kontakt-{i}-when": when,
        }
    return data


def _offered(story):
    IndividualPlan.objects.filter(pk=story.plan.pk).update(
        status=IndividualPlan.Status.OFFERED, answered_on=None
    )


def test_accepting_the_offer_makes_the_plan_active(coordinator_client, story):
    _offered(story)
    today = timezone.localdate().isoformat()
    response = coordinator_client.post(
        url(story.plan, "svar/"),
        {"answer": "ja", "answered_on": today, "version": story.plan.version},
    )
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert plan.status == IndividualPlan.Status.ACTIVE and plan.answered_on == timezone.localdate()


def test_declining_is_recorded_with_date_and_freezes_the_plan(coordinator_client, story):
    _offered(story)
    today = timezone.localdate()
    coordinator_client.post(
        url(story.plan, "svar/"),
        {"answer": "nei", "answered_on": today.isoformat(), "version": story.plan.version},
    )
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert (plan.status, plan.answered_on) == (IndividualPlan.Status.DECLINED, today)
    response = coordinator_client.get(url(story.plan, "endre/"), follow=True)
    assert "Planen er ikke åpen og kan ikke endres." in response.content.decode()


def test_answer_before_the_offer_is_refused(coordinator_client, story):
    _offered(story)
    early = (story.plan.offered_on - dt.timedelta(days=1)).isoformat()
    response = coordinator_client.post(
        url(story.plan, "svar/"),
        {"answer": "ja", "answered_on": early, "version": story.plan.version},
    )
    assert "Datoen kan ikke være før planen ble tilbudt." in response.content.decode()
    assert IndividualPlan.objects.get(pk=story.plan.pk).status == IndividualPlan.Status.OFFERED


def test_closing_the_plan(coordinator_client, story):
    today = timezone.localdate()
    response = coordinator_client.post(
        url(story.plan, "avslutt/"), {"closed_on": today.isoformat(), "version": story.plan.version}
    )
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(pk=story.plan.pk)
    assert (plan.status, plan.closed_on) == (IndividualPlan.Status.CLOSED, today)
    assert "Endre planen" not in page(coordinator_client, story.plan)


# --- lost updates -------------------------------------------------------------------


def test_second_save_from_the_same_version_is_refused_with_409(client, story):
    v = story.plan.version
    first = client
    first.force_login(story.coordinator)
    edit = url(story.plan, f"mal/{story.goal.pk}/")
    assert (
        first.post(edit, {"text": "Først lagret", "status": "aktiv", "version": v}).status_code
        == 302
    )
    response = first.post(edit, {"text": "Andre forsøk", "status": "aktiv", "version": v})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Endringen din er ikke lagret" in html
    assert "Andre forsøk" in html  # the user's input is kept in the form
    story.goal.refresh_from_db()
    assert story.goal.text == "Først lagret"
    assert IndividualPlan.objects.get(pk=story.plan.pk).version == v + 1


def test_removing_a_goal_someone_changed_meanwhile_is_refused_until_seen(coordinator_client, story):
    v = story.plan.version
    edit = url(story.plan, f"mal/{story.goal.pk}/")
    coordinator_client.post(edit, {"text": "Endret av en annen", "status": "aktiv", "version": v})
    response = coordinator_client.post(
        url(story.plan, f"mal/{story.goal.pk}/fjern/"), {"version": v}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ingenting er fjernet" in html and f"Versjon {v + 1}" in html
    assert Goal.objects.filter(pk=story.goal.pk).exists()
    # Having seen the change, the editor removes it.
    response = coordinator_client.post(
        url(story.plan, f"mal/{story.goal.pk}/fjern/"), {"version": v, "seen": v + 1}
    )
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=story.goal.pk).exists()


def test_every_editor_page_opens_with_the_current_version(coordinator_client, story):
    IndividualPlan.objects.filter(pk=story.plan.pk).update(status=IndividualPlan.Status.OFFERED)
    participant = story.plan.participants.get()
    for suffix in [
        "endre/",
        "mal/ny/",
        f"mal/{story.goal.pk}/",
        f"mal/{story.goal.pk}/fjern/",
        f"mal/{story.goal.pk}/tiltak/ny/",
        f"tiltak/{story.measure.pk}/",
        f"tiltak/{story.measure.pk}/fjern/",
        "deltakere/ny/",
        f"deltakere/{participant.pk}/",
        f"deltakere/{participant.pk}/fjern/",
        "kriseplan/",
        "svar/",
        "avslutt/",
    ]:
        html = page(coordinator_client, story.plan, suffix)
        assert f'name="version" value="{story.plan.version}"' in html, suffix
