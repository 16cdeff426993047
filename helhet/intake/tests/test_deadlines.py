"""Deadlines as the users see them on the work list, with the clock moved by
time_machine: the preliminary answer (fvl § 11a) and the 14-day naming rule."""

import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.coordination.models import CoordinatorAssignment, LocalRoutine
from helhet.intake import services
from helhet.intake.rules import State
from helhet.intake.tests.builders import application

pytestmark = pytest.mark.django_db


def on(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0)), tick=False)


def worklist(client, user):
    client.force_login(user)
    return client.get("/inntak/arbeidsliste/").content.decode()


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (dt.date(2025, 2, 7), None),
        (dt.date(2025, 2, 8), "Forfaller"),
        (dt.date(2025, 2, 15), "Forfaller"),
        (dt.date(2025, 2, 16), "Frist passert"),
    ],
)
def test_preliminary_answer_on_the_work_list_around_one_month(client, world, day, shown):
    app = application(world, received_on=dt.date(2025, 1, 15), acknowledged_on=dt.date(2025, 1, 16))
    with on(day):
        page = worklist(client, world.users.caseworker)
    if shown is None:
        assert "Foreløpig svar" not in page
    else:
        assert "Foreløpig svar (fvl. § 11a)" in page
        assert shown in page
        assert "15.02.2025" in page
        assert app.person.full_name in page


def test_recorded_preliminary_answer_leaves_the_work_list(client, world):
    app = application(world, received_on=dt.date(2025, 1, 15), acknowledged_on=dt.date(2025, 1, 16))
    with on(dt.date(2025, 2, 20)):
        client.force_login(world.users.caseworker)
        client.post(
            f"/inntak/soknad/{app.pk}/forelopig-svar/",
            {"sent_on": "2025-02-20", "reason": "Venter på DPS", "expected_by": "2025-03-15"},
        )
        page = worklist(client, world.users.caseworker)
    app.refresh_from_db()
    assert app.preliminary_sent_on == dt.date(2025, 2, 20)
    assert "Foreløpig svar" not in page


def test_only_the_receiving_unit_sees_the_deadline(client, world):
    application(world, received_on=dt.date(2025, 1, 15))
    with on(dt.date(2025, 2, 20)):
        assert "Foreløpig svar" not in worklist(client, world.users.nav)


def assignment(world, assigned_on):
    return CoordinatorAssignment.objects.create(
        person=testing.person(world.muni),
        offered_on=assigned_on,
        unit=world.units.provider,
        assigned_on=assigned_on,
        person_wishes="Ønsker noen fra hjemmetjenesten",
    )


@pytest.mark.parametrize(("days", "escalated"), [(14, False), (15, True)])
def test_naming_escalates_to_the_head_of_sector_on_day_15(client, world, days, escalated):
    a = assignment(world, dt.date(2025, 3, 3))
    with on(dt.date(2025, 3, 3) + dt.timedelta(days=days)):
        head_page = worklist(client, world.users.provider_head)
        sector_page = worklist(client, world.users.sector_head)
        items = services.work_items(
            user=world.users.ke, today=dt.date(2025, 3, 3) + dt.timedelta(days=days)
        )
        request_page = client.get(f"/inntak/koordinator/{a.pk}/")
    assert "Oppnevn koordinator" in head_page
    assert [i.kind for i in items] == [State.ESCALATED if escalated else State.DUE]
    if escalated:
        assert "Eskalert til kommunalsjef" in head_page
        assert a.person.full_name in sector_page
        # The head of sector may open the escalated case (a municipal routine).
        assert request_page.status_code == 200
    else:
        assert "Eskalert" not in head_page
        assert a.person.full_name not in sector_page
        assert request_page.status_code == 403


def test_reminder_run_stamps_the_escalation_date_once(world):
    a = assignment(world, dt.date(2025, 3, 3))
    assert services.record_escalations(today=dt.date(2025, 3, 17)) == 0
    assert services.record_escalations(today=dt.date(2025, 3, 18)) == 1
    assert services.record_escalations(today=dt.date(2025, 3, 19)) == 0
    a.refresh_from_db()
    assert a.escalated_on == dt.date(2025, 3, 18)


def test_late_naming_keeps_the_escalation_in_the_history(client, world):
    a = assignment(world, dt.date(2025, 3, 3))
    with on(dt.date(2025, 3, 25)):
        client.force_login(world.users.provider_head)
        client.post(
            f"/inntak/koordinator/{a.pk}/oppnevn/",
            {"coordinator": world.users.provider.pk, "named_on": "2025-03-25"},
        )
        page = client.get(f"/inntak/koordinator/{a.pk}/").content.decode()
    a.refresh_from_db()
    assert a.coordinator == world.users.provider
    assert a.escalated_on == dt.date(2025, 3, 18)
    assert "Utført for sent" in page


def test_without_its_own_routine_a_municipality_escalates_nothing(client, world):
    # The law sets no number of days for naming a coordinator (hol. §§ 7-2, 7-3);
    # with no routine of its own nothing is escalated and no deadline is shown.
    LocalRoutine.objects.filter(municipality=world.muni).delete()
    a = assignment(world, dt.date(2025, 3, 3))
    assert services.record_escalations(today=dt.date(2025, 6, 1)) == 0
    with on(dt.date(2025, 6, 1)):
        sector_page = worklist(client, world.users.sector_head)
        client.force_login(world.users.provider_head)
        request_page = client.get(f"/inntak/koordinator/{a.pk}/").content.decode()
    assert a.person.full_name not in sector_page
    assert "Kommunen har ikke satt en egen frist." in request_page
    assert "Eskalert" not in request_page


def test_escalation_uses_each_municipalitys_own_number_of_days(world):
    LocalRoutine.objects.filter(municipality=world.muni).update(days=7)
    other = testing.municipality(name="Annen")
    CoordinatorAssignment.objects.create(
        person=testing.person(other),
        offered_on=dt.date(2025, 3, 3),
        unit=testing.unit(other),
        assigned_on=dt.date(2025, 3, 3),
    )
    assignment(world, dt.date(2025, 3, 3))
    # Day 8 after assignment: past the local routine's 7 days; the other municipality has no routine.
    assert services.record_escalations(today=dt.date(2025, 3, 11)) == 1
    assert CoordinatorAssignment.objects.get(escalated_on__isnull=False).person.municipality == (
        world.muni
    )
