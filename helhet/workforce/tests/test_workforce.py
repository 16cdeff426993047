"""Staff competence and safety: rules from the regulations, pages, criteria."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.audit import rules as audit_rules
from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result as R
from helhet.organisation.models import Role, Unit
from helhet.workforce import rules
from helhet.workforce.models import SafetyAssessment, TrainingRecord, TrainingRequirement

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield TODAY


def test_a_training_expires_after_its_months_and_one_without_months_does_not():
    done = dt.date(2024, 6, 15)
    assert rules.training_valid(done, 24, dt.date(2026, 6, 15))
    assert not rules.training_valid(done, 24, dt.date(2026, 6, 16))
    assert rules.training_valid(done, None, dt.date(2036, 1, 1))
    assert not rules.training_valid(None, None, TODAY)


def test_the_safety_rule_wants_measures_and_a_review_not_passed():
    # aml. § 3-1 andre ledd c: kartlegge farer og vurdere risiko — med tiltak.
    assert not rules.safety_assessed(False, None, False, TODAY)[0]
    assert not rules.safety_assessed(True, TODAY, False, TODAY)[0]
    assert not rules.safety_assessed(True, TODAY - dt.timedelta(days=1), True, TODAY)[0]
    assert rules.safety_assessed(True, TODAY, True, TODAY)[0]
    assert audit_rules.staff_competence(0, 0, 0, []).result == R.NOT_APPLICABLE
    assert audit_rules.staff_competence(1, 1, 2, ["Ola: Vold"]).result == R.NOT_MET


def test_a_leader_records_the_plan_and_the_criteria_judge_the_units(client):
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    leader = t.staff(home, Role.LEADER)
    client.force_login(leader)
    response = client.post(
        "/ansatte/opplaering/krav/ny/",
        {"unit": home.pk, "name": "Vold og trusler", "valid_months": "24"},
    )
    assert response.status_code == 302
    requirement = TrainingRequirement.objects.get(unit=home)
    response = client.post(
        "/ansatte/opplaering/ny/",
        {"requirement": requirement.pk, "staff": nurse.staff.pk, "completed_on": "2026-01-10"},
    )
    assert response.status_code == 302
    page = client.get("/ansatte/").content.decode()
    assert "Vold og trusler" in page and "Mangler" in page  # the leader has not had it
    response = client.post(
        "/ansatte/sikkerhet/ny/",
        {
            "unit": home.pk,
            "concern": "hjemmebesok",
            "assessed_on": "2026-06-01",
            "risks": "Alene hjemme hos brukere",
            "measures": "To ansatte ved kjent risiko",
            "review_due": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert "Neste gjennomgang må være etter vurderingen" in response.content.decode()
    assert not SafetyAssessment.objects.exists()

    def result(criterion_id):
        report = audit.build(
            municipality_id=muni.pk,
            start=dt.date(2025, 6, 15),
            end=TODAY,
            criteria=[BY_ID[criterion_id]],
        )[0]
        return {o.subject: o.result for o in report.outcomes}

    assert result("staff_competence")[home.name] == R.NOT_MET
    TrainingRecord.objects.create(
        requirement=requirement, staff=leader.staff, completed_on=dt.date(2026, 2, 1)
    )
    assert result("staff_competence")[home.name] == R.MET
    # No risk assessment registered at all: the register is not in use, «Ingen data».
    assert result("staff_safety") == {}
    SafetyAssessment.objects.create(
        unit=home,
        concern="hjemmebesok",
        assessed_on=dt.date(2026, 6, 1),
        risks="Alene",
        measures="To ansatte",
        review_due=dt.date(2027, 6, 1),
    )
    assert result("staff_safety") == {home.name: R.MET}
    # Once it is in use, a unit with home visits and no assessment is a breach.
    north = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten nord")
    assert result("staff_safety") == {home.name: R.MET, north.name: R.NOT_MET}


def test_a_service_provider_is_refused_the_staff_pages(client):
    muni = t.municipality()
    client.force_login(t.staff(t.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get("/ansatte/").status_code == 403
    assert client.get("/ansatte/sikkerhet/ny/").status_code == 403
