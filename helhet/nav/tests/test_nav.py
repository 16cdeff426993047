"""NAV after the decision: conditions followed up, never a silent reduction,
the programme moving in order, advice recorded as such."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.nav import rules
from helhet.nav.models import (
    ActivityCondition,
    AdviceCase,
    Evaluation,
    NonComplianceDecision,
    QualificationProgramme,
)
from helhet.organisation.models import Role, Unit

D = dt.date


def test_an_evaluation_not_done_after_its_date_is_overdue():
    assert rules.overdue(D(2026, 5, 1), None, D(2026, 6, 1))
    assert not rules.overdue(D(2026, 5, 1), D(2026, 5, 2), D(2026, 6, 1))
    assert not rules.overdue(D(2026, 6, 2), None, D(2026, 6, 1))


def test_a_noncompliance_decision_without_reasons_is_refused():
    assert "begrunnes" in rules.noncompliance_errors(reduces=True, reasons=" ")["reasons"]
    assert rules.noncompliance_errors(reduces=True, reasons="Møtte ikke tre ganger.") == {}


@pytest.mark.parametrize(
    ("current", "target", "plan", "reason", "ok"),
    [
        ("vurdert", "tilbudt", "", "", True),
        ("vurdert", "startet", "Plan", "", False),
        ("tilbudt", "startet", "", "", False),
        ("tilbudt", "startet", "Arbeidstrening 3 dager", "", True),
        ("startet", "avsluttet", "", "", False),
        ("startet", "avsluttet", "", "arbeid", True),
        ("avsluttet", "startet", "Plan", "", False),
    ],
)
def test_the_programme_moves_in_order_with_a_plan_and_a_reason_for_ending(
    current, target, plan, reason, ok
):
    step = rules.programme_step(current=current, target=target, plan=plan, end_reason=reason)
    assert step.ok is ok
    assert bool(step.error) is not ok


def test_the_young_persons_view_is_missing_only_under_30():
    assert rules.view_missing(age=22, person_view="")
    assert not rules.view_missing(age=22, person_view="Vil heller jobbe")
    assert not rules.view_missing(age=35, person_view="")


@pytest.fixture
def world(db):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False):
        muni = testing.municipality(name="Selbu")
        nav = testing.unit(muni, Unit.Kind.NAV, "NAV Selbu")
        other = testing.unit(muni, Unit.Kind.HOME_CARE, "Hjemmetjenesten")
        adviser = testing.staff(nav, Role.NAV_ADVISER, "veileder")
        outsider = testing.staff(other, Role.SERVICE_PROVIDER, "sykepleier")
        person = testing.person(muni, born=D(2003, 4, 1))
        testing.service(person, nav)
        yield muni, nav, adviser, outsider, person


def _condition(client, world, first="15.05.2026"):
    _muni, _nav, adviser, _outsider, person = world
    client.force_login(adviser)
    client.post(
        reverse("nav:condition_new"),
        {
            "national_id": person.national_id,
            "condition": "Delta på jobbklubb to dager i uka",
            "activity": "Jobbklubb",
            "set_on": "01.05.2026",
            "first_evaluation": first,
        },
    )
    return ActivityCondition.objects.get(person=person)


def test_an_overdue_evaluation_shows_on_the_advisers_page(client, world):
    condition = _condition(client, world)
    page = client.get(reverse("nav:index")).content.decode()
    assert "Jobbklubb" in page and "Forfalt" in page
    assert condition.evaluations.count() == 1


def test_evaluating_sets_the_next_date_and_the_view_is_recorded(client, world):
    condition = _condition(client, world)
    url = reverse("nav:condition", args=[condition.pk])
    client.post(
        url,
        {"steg": "evaluering", "result": "delvis", "note": "Møtt 3 av 6", "next_on": "01.07.2026"},
    )
    client.post(url, {"steg": "syn", "person_view": "Vil heller ha arbeidstrening"})
    condition.refresh_from_db()
    assert condition.person_view == "Vil heller ha arbeidstrening"
    assert list(
        Evaluation.objects.filter(done_on__isnull=True).values_list("due_on", flat=True)
    ) == [D(2026, 7, 1)]
    assert "Forfalt" not in client.get(reverse("nav:index")).content.decode()


def test_a_reduction_is_a_decision_with_reasons_and_appeal_information(client, world):
    condition = _condition(client, world)
    url = reverse("nav:condition", args=[condition.pk])
    silent = client.post(url, {"steg": "brudd", "reduces": "1", "reasons": ""})
    assert silent.status_code == 400
    assert not NonComplianceDecision.objects.exists()
    client.post(url, {"steg": "brudd", "reduces": "1", "reasons": "Har ikke møtt på fire uker."})
    decision = NonComplianceDecision.objects.get()
    assert decision.appeal_body == "Statsforvalteren" and decision.appeal_weeks == 3
    assert "Klage til Statsforvalteren innen 3 uker" in client.get(url).content.decode()


def test_another_unit_is_refused_and_logged(client, world):
    condition = _condition(client, world)
    _muni, _nav, _adviser, outsider, person = world
    client.force_login(outsider)
    response = client.get(reverse("nav:condition", args=[condition.pk]))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(person=person, user=outsider, granted=False).exists()


def test_the_programme_cannot_start_without_a_plan(client, world):
    _muni, nav, adviser, _outsider, person = world
    programme = QualificationProgramme.objects.create(
        person=person, unit=nav, state="tilbudt", assessed_on=D(2026, 5, 1), assessment="Fyller"
    )
    client.force_login(adviser)
    url = reverse("nav:programme", args=[programme.pk])
    response = client.post(url, {"target": "startet", "plan": ""})
    assert response.status_code == 400
    assert "programplan" in response.content.decode()
    client.post(url, {"target": "startet", "plan": "Arbeidstrening og norskkurs"})
    programme.refresh_from_db()
    assert programme.state == "startet" and programme.started_on is not None


def test_advice_is_recorded_with_what_was_given_and_the_outcome(client, world):
    _muni, _nav, adviser, _outsider, person = world
    client.force_login(adviser)
    client.post(
        reverse("nav:advice_new"),
        {
            "national_id": person.national_id,
            "kind": "gjeld",
            "given": "Gjennomgang av gjeld, budsjett",
            "opened_on": "02.05.2026",
        },
    )
    case = AdviceCase.objects.get()
    early = client.post(
        reverse("nav:advice", args=[case.pk]), {"outcome": "budsjett", "closed_on": "01.05.2026"}
    )
    assert early.status_code == 400
    client.post(
        reverse("nav:advice", args=[case.pk]), {"outcome": "budsjett", "closed_on": "20.05.2026"}
    )
    case.refresh_from_db()
    assert case.outcome == "budsjett"


def test_a_person_the_adviser_cannot_reach_is_not_found(client, world):
    muni, _nav, adviser, _outsider, _person = world
    stranger = testing.person(muni)
    client.force_login(adviser)
    response = client.post(
        reverse("nav:advice_new"),
        {
            "national_id": stranger.national_id,
            "kind": "gjeld",
            "given": "x",
            "opened_on": "02.05.2026",
        },
    )
    assert response.status_code == 400
    assert not AdviceCase.objects.exists()


def test_the_compliance_report_shows_conditions_not_followed_up(world):
    from helhet.audit import services as audit
    from helhet.audit.criteria import BY_ID
    from helhet.audit.results import Result

    muni, nav, adviser, _outsider, person = world
    kept = ActivityCondition.objects.create(
        person=person,
        unit=nav,
        condition="Kurs",
        activity="Kurs",
        set_on=D(2026, 3, 1),
        follow_up_by=adviser,
        person_view="Greit for meg",
    )
    Evaluation.objects.create(condition=kept, due_on=D(2026, 4, 1), done_on=D(2026, 4, 1))
    Evaluation.objects.create(condition=kept, due_on=D(2026, 7, 1))
    forgotten = ActivityCondition.objects.create(
        person=testing.person(muni),
        unit=nav,
        condition="Kurs",
        activity="Kurs",
        set_on=D(2026, 3, 1),
        follow_up_by=adviser,
        person_view="Vil heller jobbe",
    )
    Evaluation.objects.create(condition=forgotten, due_on=D(2026, 4, 1))
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False):
        report = audit.build(
            municipality_id=muni.pk,
            start=D(2025, 6, 1),
            end=D(2026, 6, 1),
            criteria=[BY_ID["activity_conditions_followed"]],
        )[0]
    found = {o.person_id: (o.result, o.evidence) for o in report.outcomes}
    assert found[person.pk][0] == Result.MET
    assert found[forgotten.person_id] == (Result.NOT_MET, "Evalueringen 01.04.2026 er ikke gjort.")


def test_the_start_page_counts_overdue_evaluations_for_the_adviser(client, world):
    _condition(client, world)
    page = client.get(reverse("home")).content.decode()
    assert "1 evaluering av aktivitetsvilkår er forfalt" in page
    _muni, _nav, _adviser, outsider, _person = world
    client.force_login(outsider)
    assert "aktivitetsvilkår" not in client.get(reverse("home")).content.decode()
