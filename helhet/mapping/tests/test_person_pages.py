"""The per-person mapping: form, history, screening, referral, IP in one step, evaluation."""

import datetime as dt

import pytest

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.coordination.models import CoordinatorAssignment
from helhet.mapping import services
from helhet.mapping.access import person_id_for_mapping_id
from helhet.mapping.models import Level, Mapping, Referral, Screening
from helhet.mapping.tests.builders import TODAY, form_data, mapping
from helhet.organisation.models import Role, Unit
from helhet.plans.models import Goal, IndividualPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def world():
    muni = testing.municipality()
    unit = testing.unit(muni, name="Psykisk helse og rus")
    worker = testing.staff(unit, Role.SERVICE_PROVIDER, username="miljo")
    person = testing.person(muni, given_name="Ola", family_name="Nordmann")
    testing.service(person, unit)
    return muni, unit, worker, person


def login(client, user):
    client.force_login(user)
    return client


def test_worker_with_a_service_maps_a_person_and_the_access_is_logged(client, world):
    muni, unit, worker, person = world
    login(client, worker)
    response = client.post(
        f"/kartlegging/person/{person.pk}/ny/", form_data(unit=unit.pk, bolig=Level.SERIOUS)
    )
    saved = Mapping.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/kartlegging/{saved.pk}/"
    assert saved.scores.count() == 8
    assert saved.scores.get(domain="bolig").level == Level.SERIOUS
    assert saved.mapped_by == worker and saved.person_present
    assert AccessLogEntry.objects.filter(
        person=person, category="kartlegging", granted=True, action="endre"
    ).exists()
    page = client.get(f"/kartlegging/{saved.pk}/").content.decode()
    assert "Alvorlig problem" in page and "01.06.2026" in page


def test_a_mapping_can_show_a_risk_of_crisis(client, world):
    _muni, unit, worker, person = world
    login(client, worker)
    data = form_data(unit=unit.pk, psykisk=Level.SERIOUS) | {"crisis_risk": "on"}
    assert client.post(f"/kartlegging/person/{person.pk}/ny/", data).status_code == 302
    saved = Mapping.objects.get(person=person)
    assert saved.crisis_risk
    page = client.get(f"/kartlegging/{saved.pk}/").content.decode()
    assert "personen skal ha kriseplan" in page


def test_a_mapping_dated_in_the_future_is_refused(client, world):
    _muni, unit, worker, person = world
    login(client, worker)
    response = client.post(
        f"/kartlegging/person/{person.pk}/ny/", form_data(day="2026-06-16", unit=unit.pk)
    )
    assert response.status_code == 400
    assert "En kartlegging kan ikke være datert fram i tid." in response.content.decode()
    assert not Mapping.objects.exists()


@pytest.mark.parametrize("bad", ["4", "-1", "alvorlig", ""])
def test_a_level_outside_the_scale_is_refused(client, world, bad):
    _muni, unit, worker, person = world
    login(client, worker)
    data = form_data(unit=unit.pk)
    data["level_rus"] = bad
    response = client.post(f"/kartlegging/person/{person.pk}/ny/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rusmiddelbruk" in page and ("utenfor skalaen" in page or "Velg et nivå" in page)
    assert not Mapping.objects.exists()


def test_a_unit_the_worker_is_not_in_cannot_be_chosen(client, world):
    muni, _unit, worker, person = world
    other = testing.unit(muni, Unit.Kind.NAV)
    login(client, worker)
    response = client.post(f"/kartlegging/person/{person.pk}/ny/", form_data(unit=other.pk))
    assert response.status_code == 400
    assert not Mapping.objects.exists()


def test_staff_without_relation_is_refused_and_flagged(client, world):
    muni, unit, _worker, person = world
    stranger = testing.staff(testing.unit(muni, Unit.Kind.HOME_CARE))
    made = mapping(stranger, person, unit)
    login(client, stranger)
    assert client.get(f"/kartlegging/person/{person.pk}/").status_code == 403
    assert client.get(f"/kartlegging/{made.pk}/").status_code == 403
    assert AccessLogEntry.objects.filter(person=person, granted=False, flagged=True).count() == 2


def test_another_municipalitys_person_and_mapping_do_not_exist(client, world):
    _muni, unit, worker, person = world
    made = mapping(worker, person, unit)
    outsider = testing.staff(testing.unit(testing.municipality()), Role.COORDINATING_UNIT)
    login(client, outsider)
    assert client.get(f"/kartlegging/person/{person.pk}/").status_code == 404
    assert client.get(f"/kartlegging/{made.pk}/").status_code == 404
    assert client.get("/kartlegging/999999/").status_code == 404


def test_person_id_for_mapping_id(world):
    _muni, unit, worker, person = world
    made = mapping(worker, person, unit)
    assert person_id_for_mapping_id(made.pk) == person.pk
    assert person_id_for_mapping_id(str(made.pk)) == person.pk
    assert person_id_for_mapping_id(made.pk + 1000) is None
    assert person_id_for_mapping_id("abc") is None


def test_history_shows_change_per_domain_with_a_text_alternative(client, world):
    _muni, unit, worker, person = world
    mapping(worker, person, unit, dt.date(2024, 5, 1), bolig=Level.SERIOUS, rus=Level.MODERATE)
    mapping(worker, person, unit, dt.date(2025, 5, 1), bolig=Level.MODERATE, rus=Level.UNKNOWN)
    mapping(worker, person, unit, dt.date(2026, 5, 1), bolig=Level.NONE, rus=Level.SERIOUS)
    login(client, worker)
    page = client.get(f"/kartlegging/person/{person.pk}/").content.decode()
    assert page.count('role="img"') == 8
    # The chart's description and the table carry the numbers for screen readers.
    assert (
        "01.05.2024: Alvorlig problem. 01.05.2025: Moderat problem. 01.05.2026: Ingen eller lite problem."
        in page
    )
    assert "3 – Alvorlig problem" in page and "1 – Ingen eller lite problem" in page
    bolig_row = page[page.index('<th scope="row">Bolig</th>') :].split("</tr>")[0]
    assert "Bedre" in bolig_row
    rus_row = page[page.index('<th scope="row">Rusmiddelbruk</th>') :].split("</tr>")[0]
    assert "Ikke kjent" in rus_row and "Verre" in rus_row


def test_audit_is_stored_as_answers_and_score(client, world):
    _muni, unit, worker, person = world
    made = mapping(worker, person, unit)
    login(client, worker)
    answers = {f"item_{n}": "2" for n in range(1, 9)} | {"item_9": "0", "item_10": "1"}
    response = client.post(f"/kartlegging/{made.pk}/screening/audit/", answers)
    assert response.status_code == 302
    screening = Screening.objects.get(mapping=made, instrument="audit")
    assert screening.answers == [2] * 8 + [0, 1]
    assert screening.score == 18 and screening.result == "skadelig"
    assert "Skadelig bruk" in client.get(f"/kartlegging/{made.pk}/").content.decode()


def test_a_screening_answer_outside_the_scale_is_refused(client, world):
    _muni, unit, worker, person = world
    made = mapping(worker, person, unit)
    login(client, worker)
    answers = {f"item_{n}": "0" for n in range(1, 12)} | {"item_10": "3"}
    response = client.post(f"/kartlegging/{made.pk}/screening/dudit/", answers)
    assert response.status_code == 400
    assert "Svaret på spørsmål 10 er utenfor skalaen." in response.content.decode()
    assert not Screening.objects.exists()
    assert client.get(f"/kartlegging/{made.pk}/screening/ukjent/").status_code == 404


def test_a_need_becomes_a_referral_in_one_step(client, world):
    muni, unit, worker, person = world
    housing = testing.unit(muni, Unit.Kind.HOUSING, name="Boligkontoret")
    made = mapping(worker, person, unit, bolig=Level.SERIOUS)
    login(client, worker)
    response = client.post(
        f"/kartlegging/{made.pk}/henvis/", {"unit": housing.pk, "need": "Trenger egnet bolig"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.unit, referral.need, referral.created_by) == (
        housing,
        "Trenger egnet bolig",
        worker,
    )
    empty = client.post(f"/kartlegging/{made.pk}/henvis/", {"unit": housing.pk, "need": ""})
    assert empty.status_code == 400
    assert "Beskriv behovet" in empty.content.decode()
    foreign = testing.unit(testing.municipality())
    assert (
        client.post(
            f"/kartlegging/{made.pk}/henvis/", {"unit": foreign.pk, "need": "x"}
        ).status_code
        == 400
    )
    assert Referral.objects.count() == 1


def test_an_individual_plan_is_offered_in_one_step_once(client, world):
    _muni, unit, worker, person = world
    made = mapping(worker, person, unit)
    login(client, worker)
    response = client.post(f"/kartlegging/{made.pk}/be-om-ip/")
    plan = IndividualPlan.objects.get(person=person)
    assert response.status_code == 302
    assert (plan.status, plan.offered_on) == ("tilbudt", TODAY)
    made.refresh_from_db()
    assert made.requested_plan == plan
    again = client.post(f"/kartlegging/{made.pk}/be-om-ip/", follow=True)
    assert "allerede en åpen plan" in again.content.decode()
    assert IndividualPlan.objects.filter(person=person).count() == 1


def test_plan_evaluation_shows_whether_the_goals_domain_moved(client, world):
    _muni, unit, worker, person = world
    mapping(worker, person, unit, dt.date(2025, 1, 10), bolig=Level.SERIOUS, arbeid=Level.MODERATE)
    plan = IndividualPlan.objects.create(
        person=person,
        status="aktiv",
        offered_on=dt.date(2025, 2, 1),
        period_start=dt.date(2025, 2, 1),
    )
    # The coordinator reads the plan without a separate consent (hol § 7-2).
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2025, 2, 1), coordinator=worker, unit=unit
    )
    housing_goal = Goal.objects.create(plan=plan, text="Jeg vil ha min egen leilighet")
    work_goal = Goal.objects.create(plan=plan, text="Jeg vil jobbe litt", position=1)
    mapping(worker, person, unit, dt.date(2026, 1, 10), bolig=Level.NONE, arbeid=Level.SERIOUS)
    login(client, worker)
    response = client.post(
        f"/kartlegging/plan/{plan.pk}/evaluering/",
        {f"goal_{housing_goal.pk}": "bolig", f"goal_{work_goal.pk}": "arbeid"},
    )
    assert response.status_code == 302
    page = client.get(f"/kartlegging/plan/{plan.pk}/evaluering/").content.decode()
    housing_row = page[page.index("Jeg vil ha min egen leilighet") :].split("</tr>")[0]
    assert "Alvorlig problem" in housing_row and "Ingen eller lite problem" in housing_row
    assert "Bedre" in housing_row
    work_row = page[page.index("Jeg vil jobbe litt</td>") :].split("</tr>")[0]
    assert "Verre" in work_row
    bad = client.post(f"/kartlegging/plan/{plan.pk}/evaluering/", {f"goal_{work_goal.pk}": "fly"})
    assert bad.status_code == 400
    assert work_goal.mapping_domain.domain == "arbeid"


def test_another_units_mappings_need_the_persons_consent(client, world):
    muni, unit, worker, person = world
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV")
    adviser = testing.staff(nav, Role.NAV_ADVISER)
    testing.service(person, nav)
    mapping(adviser, person, nav, dt.date(2026, 2, 1), okonomi=Level.SERIOUS)
    own = mapping(worker, person, unit, dt.date(2026, 3, 1), okonomi=Level.MODERATE)
    login(client, worker)
    page = client.get(f"/kartlegging/person/{person.pk}/").content.decode()
    assert "01.03.2026" in page and "01.02.2026" not in page
    assert "Kartlegginger fra andre enheter vises ikke" in page
    navs = Mapping.objects.exclude(pk=own.pk).get()
    assert client.get(f"/kartlegging/{navs.pk}/").status_code == 403


def test_mapping_in_an_open_round_is_attached_to_it(world):
    muni, unit, worker, person = world

    ke = testing.staff(testing.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    the_round = services.open_round(
        user=ke,
        municipality_id=muni.pk,
        name="Runde 2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        units=[unit],
    )
    inside = mapping(worker, person, unit, dt.date(2026, 3, 1))
    before = mapping(worker, person, unit, dt.date(2025, 12, 31))
    assert inside.round == the_round and before.round is None
