"""`helhet reminders`: one mail per user per day, counts and a link only."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from helhet.coordination.models import CoordinatorAssignment
from helhet.intake.models import ReminderSent
from helhet.intake.tests.builders import application

pytestmark = pytest.mark.django_db


def run(day: dt.date) -> None:
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 0)), tick=False):
        call_command("reminders", base_url="https://helhet.nes.example")


def mails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_running_twice_sends_one_mail(world):
    app = application(world, received_on=dt.date(2025, 1, 15))
    run(dt.date(2025, 2, 16))
    run(dt.date(2025, 2, 16))
    sent = mails_to(world.users.caseworker)
    assert len(sent) == 1
    body = sent[0].body
    assert "Frist passert: 1" in body
    assert "Forfaller: 1" in body  # the acknowledgement not yet sent
    assert "https://helhet.nes.example/inntak/arbeidsliste/" in body
    # No person data leaves the system by mail.
    assert app.person.family_name not in body
    assert app.person.national_id not in body
    assert ReminderSent.objects.filter(user=world.users.caseworker).count() == 2


def test_next_day_sends_again_and_nothing_when_nothing_is_due(world):
    application(world, received_on=dt.date(2025, 1, 15))
    run(dt.date(2025, 2, 16))
    run(dt.date(2025, 2, 17))
    assert len(mails_to(world.users.caseworker)) == 2
    assert mails_to(world.users.provider) == []


def test_escalation_reaches_the_head_of_sector_and_is_stamped(world):
    from helhet import testing

    a = CoordinatorAssignment.objects.create(
        person=testing.person(world.muni),
        offered_on=dt.date(2025, 3, 3),
        unit=world.units.provider,
        assigned_on=dt.date(2025, 3, 3),
    )
    run(dt.date(2025, 3, 17))
    assert mails_to(world.users.sector_head) == []
    run(dt.date(2025, 3, 18))
    sent = mails_to(world.users.sector_head)
    assert len(sent) == 1
    assert "Eskalert: 1" in sent[0].body
    a.refresh_from_db()
    assert a.escalated_on == dt.date(2025, 3, 18)


def test_a_failing_mail_records_nothing_so_the_next_run_retries(world, monkeypatch):
    application(world, received_on=dt.date(2025, 1, 15))

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("helhet.intake.reminders.send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        run(dt.date(2025, 2, 16))
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    run(dt.date(2025, 2, 16))
    assert len(mails_to(world.users.caseworker)) == 1
