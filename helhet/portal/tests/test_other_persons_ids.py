"""A person can never reach another person's data through any portal URL.

Every portal URL is walked (read from the URL resolver, so a new URL is
covered without touching this file): logged in as one person, with the other
person's ids wherever the URL takes one, by GET and by POST. The answer is
403, 404 or 405; nothing of the other person's changes; every attempt on an
existing id is on the other person's access log as refused; and pages without
ids never show the other person's data.
"""

import datetime as dt

import pytest
from django.urls import reverse

from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.access.tests.urlwalk import ALL
from helhet.consent.models import ConsentReminder
from helhet.cooperation.services import post_message
from helhet.portal.models import StaffAct
from helhet.portal.tests.builders import proxy, world

PORTAL = [(name, kwargs) for name, kwargs in ALL if name.startswith("portal:")]


def test_the_walk_sees_every_portal_url():
    names = {name for name, _kwargs in PORTAL}
    assert {"portal:home", "portal:goal_edit", "portal:consent_withdraw"} <= names
    assert len(PORTAL) >= 20


@pytest.fixture
def two(db):
    me = world("meg", born=dt.date(1991, 1, 1))
    other = world("annen", born=dt.date(1980, 2, 2), goal="Jeg vil lære å kjøre bil.")
    other.block = AccessBlock.objects.create(
        person=other.person, staff_user=other.nurse, created_by=other.user
    )
    other.reminder = ConsentReminder.objects.create(
        consent=other.consent, kind=ConsentReminder.Kind.REMINDER, created_on=dt.date.today()
    )
    _user, other.representation = proxy(other, username="annens-fullmektig", read_plan=True)
    decision = gate.decide(other.coordinator, other.person, Action.VIEW, category=gate.BASIC)
    other.act = StaffAct.objects.create(
        person=other.person,
        kind=StaffAct.Kind.CONSENT_GIVEN,
        actor=other.coordinator,
        consent=other.consent,
        log_entry=gate.log(
            other.coordinator, other.person, Action.VIEW, decision, category=gate.BASIC
        ),
    )
    post_message(person=other.person, user=other.user, body="Hemmelig melding fra den andre")
    return me, other


def _ids_of(other) -> dict:
    return {
        "goal_id": other.goal.pk,
        "consent_id": other.consent.pk,
        "block_id": other.block.pk,
        "representation_id": other.representation.pk,
        "reminder_id": other.reminder.pk,
        "act_id": other.act.pk,
        "person_id": other.person.pk,
    }


def _state(other) -> tuple:
    other.goal.refresh_from_db()
    other.consent.refresh_from_db()
    other.block.refresh_from_db()
    other.representation.refresh_from_db()
    other.reminder.refresh_from_db()
    other.act.refresh_from_db()
    other.plan.refresh_from_db()
    return (
        other.goal.text,
        other.consent.withdrawn_at,
        other.block.lifted_at,
        other.representation.revoked_at,
        other.reminder.seen_at,
        other.act.seen_at,
        other.plan.version,
        other.plan.goals.count(),
    )


@pytest.mark.parametrize(("name", "kwargs"), PORTAL, ids=[n for n, _k in PORTAL])
def test_a_person_cannot_reach_another_persons_data(client, two, name, kwargs):
    me, other = two
    client.force_login(me.user)
    before = _state(other)
    url = reverse(name, kwargs={arg: _ids_of(other)[arg] for arg in kwargs})
    payload = {
        "version": other.plan.version,
        "text": "Kapret",
        "status": "aktiv",
        "staff_user": other.nurse.pk,
        "body": "Kapret",
    }
    for method in ("get", "post"):
        refused_before = AccessLogEntry.objects.filter(person=other.person, granted=False).count()
        response = getattr(client, method)(url, payload if method == "post" else None)
        if kwargs:
            assert response.status_code in (403, 404, 405), f"{method} {name}"
            if response.status_code != 405:
                refused = AccessLogEntry.objects.filter(person=other.person, granted=False)
                assert refused.count() > refused_before, f"{method} {name} was not logged"
        else:
            html = response.get("Content-Type", "").startswith("text/html")
            body = response.content.decode() if html else ""
            for secret in (other.person.full_name, other.goal.text, "Hemmelig melding"):
                assert secret not in body, f"{method} {name} showed {secret!r}"
        assert _state(other) == before, f"{method} {name} changed the other person's data"
    granted = AccessLogEntry.objects.filter(person=other.person, user=me.user, granted=True)
    assert not granted.exists()
