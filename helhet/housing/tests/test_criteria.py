"""The housing criteria in the compliance report: one case that meets each,
one that fails it, and none reported as a breach that is not one."""

import datetime as dt

from helhet import testing
from helhet.audit import services
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result
from helhet.core.legal import REFERENCES
from helhet.housing.models import EmergencyStay, HousingDecision, HousingRoutine
from helhet.housing.tests.builders import criteria, dwelling, waiting
from helhet.mapping.models import DomainScore, Level, Mapping
from helhet.plans.models import IndividualPlan

HOUSING = [
    "emergency_refusal_decided",
    "activity_noncompliance_decided",
    "housing_criteria_written",
    "housing_decisions_appeal",
    "emergency_housing_followed",
    "housing_need_in_plan",
]


def run(world, criterion_id):
    report = services.build(
        municipality_id=world.muni.pk,
        start=dt.date(2025, 6, 1),
        end=world.today,
        criteria=[BY_ID[criterion_id]],
    )[0]
    return [(o.result, o.evidence) for o in report.outcomes]


def test_each_housing_criterion_cites_law_and_explains_its_method():
    for criterion_id in HOUSING:
        criterion = BY_ID[criterion_id]
        assert criterion.legal_basis in REFERENCES
        assert criterion.definition and criterion.population
        assert criterion.met_when and criterion.blind_spots
    assert "boligsosialloven" in REFERENCES["housing_act"]
    assert "§ 27" in REFERENCES["emergency_housing"]


def test_a_dwelling_type_without_written_criteria_is_not_met(world):
    dwelling(world, kind="trygdebolig")
    dwelling(world, kind="utleiebolig")
    dwelling(world, kind="akuttbolig", address="Akuttbolig 1")
    criteria(world, kind="utleiebolig")
    found = run(world, "housing_criteria_written")
    assert sorted(r for r, _e in found) == sorted([Result.MET, Result.NOT_MET])
    assert any("Trygdebolig" in e for r, e in found if r == Result.NOT_MET)


def test_a_decision_with_reasons_criteria_and_the_appeal_board_is_met(world):
    criteria(world)
    waiting(world)
    [(result, evidence)] = run(world, "housing_decisions_appeal")
    assert result == Result.MET
    assert "kommunens klagenemnd" in evidence and "3 uker" in evidence


def test_a_decision_printing_the_wrong_appeal_route_is_not_met(world):
    criteria(world)
    application = waiting(world)
    HousingDecision.objects.filter(application=application).update(
        appeal_body="Statsforvalteren", appeal_weeks=4
    )
    [(result, evidence)] = run(world, "housing_decisions_appeal")
    assert result == Result.NOT_MET
    assert "feil klageinstans" in evidence


def _stay(world, **fields):
    return EmergencyStay.objects.create(
        person=testing.person(world.muni),
        unit=world.units.nav,
        place=fields.pop("place", "camping"),
        place_name="Campingplassen",
        reason="Uten bolig",
        decided_on=fields.get("started_on"),
        registered_by=world.users.nav,
        **fields,
    )


def test_an_emergency_stay_past_the_local_limit_without_follow_up_is_not_met(world):
    _stay(world, started_on=dt.date(2026, 4, 1))
    _stay(world, started_on=dt.date(2026, 4, 1), follow_up="Søkt bolig, visning 3.6.")
    _stay(world, started_on=dt.date(2026, 5, 25))
    found = run(world, "emergency_housing_followed")
    results = sorted(r for r, _e in found)
    assert results == sorted([Result.NOT_MET, Result.MET, Result.MET])
    [failing] = [e for r, e in found if r == Result.NOT_MET]
    assert "campingplass" in failing and "Rutine for midlertidig botilbud" in failing


def test_without_a_local_limit_the_length_of_a_stay_is_not_judged(world):
    HousingRoutine.objects.all().delete()
    _stay(world, started_on=dt.date(2025, 10, 1))
    [(result, _evidence)] = run(world, "emergency_housing_followed")
    assert result == Result.NOT_APPLICABLE


def test_a_housing_need_in_the_plan_without_an_application_is_not_met(world):
    with_need = testing.person(world.muni)
    applied = testing.person(world.muni)
    for person in (with_need, applied):
        IndividualPlan.objects.create(
            person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
        )
        mapping = Mapping.objects.create(
            person=person,
            unit=world.units.mental,
            mapped_on=dt.date(2026, 3, 1),
            mapped_by_name="Kartlegger",
            person_present=True,
        )
        DomainScore.objects.create(mapping=mapping, domain="bolig", level=Level.SERIOUS)
    criteria(world)
    waiting(world, person=applied)
    found = {o[0] for o in run(world, "housing_need_in_plan")}
    assert found == {Result.MET, Result.NOT_MET}


def test_a_refusal_of_temporary_housing_with_the_right_route_is_met_and_a_wrong_one_not(world):
    from helhet.housing.models import EmergencyRefusal

    right = services_refuse(world)
    wrong = services_refuse(world)
    EmergencyRefusal.objects.filter(pk=wrong.pk).update(appeal_body="Fylkesmannen", appeal_weeks=4)
    found = {e: r for r, e in run(world, "emergency_refusal_decided")}
    assert sorted(found.values()) == sorted([Result.MET, Result.NOT_MET])
    assert any("Statsforvalteren" in e and r == Result.MET for e, r in found.items())
    assert right.appeal_weeks == 3


def services_refuse(world):
    from helhet.housing import services as housing_services

    return housing_services.refuse_emergency(
        person=testing.person(world.muni),
        unit_id=world.units.nav.pk,
        user=world.users.nav,
        asked_on=world.today,
        reasons="Har et sted å bo hos familie.",
        other_help="",
        day=world.today,
    )


def test_a_noncompliance_decision_is_judged_by_reasons_and_route(world):
    from helhet.nav import services as nav_services
    from helhet.nav.models import NonComplianceDecision

    condition = nav_services.set_condition(
        person=testing.person(world.muni),
        unit_id=world.units.nav.pk,
        user=world.users.nav,
        evaluations=[world.today],
        condition="Jobbklubb",
        activity="Jobbklubb",
        set_on=dt.date(2026, 3, 1),
    )
    nav_services.decide_noncompliance(
        condition=condition,
        user=world.users.nav,
        reduces=True,
        reasons="Møtte ikke.",
        day=world.today,
    )
    silent = NonComplianceDecision.objects.create(
        condition=condition,
        decided_on=world.today,
        reduces=True,
        reasons=" ",
        appeal_body="Statsforvalteren",
        appeal_weeks=3,
        decided_by=world.users.nav,
    )
    found = run(world, "activity_noncompliance_decided")
    assert sorted(r for r, _e in found) == sorted([Result.MET, Result.NOT_MET])
    assert [e for r, e in found if r == Result.NOT_MET] == ["Vedtaket er ikke begrunnet."]
    assert silent.reasons == " "
