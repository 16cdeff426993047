"""`helhet reminders` reminds the person of the consents they have given:
on Min side until seen, and by e-mail without any detail (docs/consent.md)."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from helhet import testing as t
from helhet.consent import services as consent_services
from helhet.consent.models import ConsentReminder
from helhet.portal.models import PortalAction, Representation
from helhet.portal.tests.builders import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    made = world()
    made.person.email = "kari@example.org"
    made.person.save()
    return made


def run(day: dt.date) -> str:
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 0)), tick=False):
        out = io.StringIO()
        call_command("reminders", base_url="https://helhet.example.no", stdout=out)
        return out.getvalue()


def half_a_year_in(w) -> dt.date:
    return w.consent.valid_from + dt.timedelta(days=182)


def test_the_person_is_reminded_once_by_mail_and_on_min_side(client, w):
    out = run(half_a_year_in(w))
    run(half_a_year_in(w))

    assert "consent_reminders=1 consent_mails=1" in out
    (sent,) = [m for m in mail.outbox if "kari@example.org" in m.to]
    assert "https://helhet.example.no/min-side/samtykker/" in sent.body
    assert w.consent.valid_to.strftime("%d.%m.%Y") in sent.body
    # Nothing that tells a reader of the mail which services the person gets.
    assert "Psykisk helse" not in sent.body and w.person.family_name not in sent.body
    reminder = ConsentReminder.objects.get()
    assert (reminder.kind, reminder.emailed) == (ConsentReminder.Kind.REMINDER, 1)
    client.force_login(w.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Påminnelse: Du har samtykket til «Samarbeid om individuell plan»" in page


def test_seeing_the_reminder_removes_it_and_is_recorded(client, w):
    run(half_a_year_in(w))
    reminder = ConsentReminder.objects.get()
    client.force_login(w.user)

    response = client.post(reverse("portal:reminder_seen", args=[reminder.pk]))

    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.seen_at is not None and reminder.seen_by == w.user
    assert PortalAction.objects.filter(person=w.person, kind="påminnelse lest").exists()
    assert "Påminnelse:" not in client.get(reverse("portal:home")).content.decode()
    # A second time changes nothing.
    assert client.post(reverse("portal:reminder_seen", args=[reminder.pk])).status_code == 302
    assert PortalAction.objects.filter(person=w.person, kind="påminnelse lest").count() == 1


def test_another_persons_reminder_cannot_be_marked(client, w):
    run(half_a_year_in(w))
    reminder = ConsentReminder.objects.get()
    other = world(username="ola")
    client.force_login(other.user)

    assert client.post(reverse("portal:reminder_seen", args=[reminder.pk])).status_code == 404
    assert ConsentReminder.objects.get().seen_at is None


def test_no_reminder_for_a_consent_withdrawn_earlier_the_same_day(w):
    with time_machine.travel(dt.datetime.combine(half_a_year_in(w), dt.time(5, 0)), tick=False):
        consent_services.withdraw(consent_id=w.consent.pk, actor=w.user)

    assert "consent_reminders=0" in run(half_a_year_in(w))  # the job runs at 06:00
    assert not ConsentReminder.objects.exists() and not mail.outbox


def test_before_the_end_the_person_and_their_guardian_are_told(w):
    guardian = get_user_model().objects.create_user(
        username="verge", password=t.PASSWORD, email="verge@example.org"
    )
    Representation.objects.create(
        person=w.person,
        representative=guardian,
        kind=Representation.Kind.GUARDIAN,
        consents=True,
        valid_from=w.consent.valid_from,
        valid_to=w.consent.valid_to,
        given_by=w.coordinator,
    )
    w.person.email = ""
    w.person.save()

    out = run(w.consent.valid_to - dt.timedelta(days=10))

    assert "consent_reminders=1 consent_mails=1" in out
    (sent,) = mail.outbox
    assert sent.to == ["verge@example.org"]
    assert "en du er verge eller fullmektig for" in sent.body
    assert "utløper" in sent.body
    assert ConsentReminder.objects.get().kind == ConsentReminder.Kind.EXPIRY


def test_a_person_without_an_address_still_sees_the_reminder_on_min_side(client, w):
    w.person.email = ""
    w.person.save()

    assert "consent_reminders=1 consent_mails=0" in run(half_a_year_in(w))
    assert ConsentReminder.objects.get().emailed == 0
    assert not mail.outbox
