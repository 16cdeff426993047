"""Proxies and guardians act for the person within the rights given, and every
action records who acted for whom."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Consent
from helhet.organisation.models import Role, Unit
from helhet.plans.models import PlanVersion
from helhet.portal.models import PortalAction, Representation
from helhet.portal.tests.builders import proxy, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_the_person_gives_a_proxy_in_the_portal(client, w):
    get_user_model().objects.create_user(username="sonja", password=t.PASSWORD)
    client.force_login(w.user)
    response = client.post(
        reverse("portal:proxies"),
        {"username": "sonja", "rights": ["read_plan", "messages"], "valid_to": "01.01.2027"},
    )
    assert response.status_code == 302
    given = Representation.objects.get(representative__username="sonja")
    assert given.kind == Representation.Kind.PROXY
    assert given.given_by == w.user
    assert given.read_plan and given.messages and not given.edit_goals and not given.consents


def test_a_proxy_edits_a_goal_on_behalf_of_the_person(client, w):
    user, representation = proxy(w, read_plan=True, edit_goals=True)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home")).content.decode()
    assert "Du handler som Fullmektig for" in page
    client.post(
        reverse("portal:goal_edit", args=[w.goal.pk]),
        {"version": w.plan.version, "text": "Skrevet av fullmektig", "status": "aktiv"},
    )
    version = PlanVersion.objects.filter(plan=w.plan).order_by("-number").first()
    assert version.author == user
    assert f"på vegne av {w.person.full_name}" in version.summary
    action = PortalAction.objects.get(kind="mål")
    assert action.actor == user and action.person == w.person
    assert action.representation == representation
    entry = AccessLogEntry.objects.filter(person=w.person, user=user, action="endre").first()
    assert entry.granted and entry.basis == "representant"


def test_a_proxy_beyond_the_rights_given_is_refused_and_logged(client, w):
    user, _representation = proxy(w, read_plan=True)
    client.force_login(user)
    assert client.get(reverse("portal:plan")).status_code == 200
    response = client.post(
        reverse("portal:goal_edit", args=[w.goal.pk]),
        {"version": w.plan.version, "text": "Kapret", "status": "aktiv"},
    )
    assert response.status_code == 403
    w.goal.refresh_from_db()
    assert w.goal.text != "Kapret"
    assert client.post(reverse("portal:consent_withdraw", args=[w.consent.pk])).status_code == 403
    w.consent.refresh_from_db()
    assert w.consent.withdrawn_at is None
    refused = AccessLogEntry.objects.filter(person=w.person, user=user, granted=False)
    assert refused.count() == 2
    # The staff pages ask the same gate: the proxy cannot go round the portal.
    response = client.post(reverse("consent:withdraw", args=[w.consent.pk]))
    assert response.status_code == 403


def test_a_proxy_cannot_give_proxies(client, w):
    user, _representation = proxy(w, read_plan=True, consents=True)
    client.force_login(user)
    response = client.post(
        reverse("portal:proxies"),
        {"username": user.username, "rights": ["read_plan"], "valid_to": "01.01.2027"},
    )
    assert response.status_code == 302
    assert Representation.objects.count() == 1


def test_a_proxy_gives_consent_as_proxy(client, w):
    user, _representation = proxy(w, consents=True)
    client.force_login(user)
    client.post(
        reverse("portal:consent_new"),
        {"purpose": "Bolig", "valid_to": "01.06.2027", "scope": [f"u:{w.mental.pk}:plan"]},
    )
    consent = Consent.objects.get(purpose="Bolig")
    assert consent.given_by == Consent.GivenBy.PROXY
    assert consent.giver_name == user.get_full_name()
    assert consent.registered_by == user


def test_revoked_or_expired_proxy_loses_access_at_once(client, w):
    user, representation = proxy(w, read_plan=True)
    client.force_login(user)
    assert client.get(reverse("portal:plan")).status_code == 200
    client.force_login(w.user)
    client.post(reverse("portal:proxy_revoke", args=[representation.pk]))
    client.force_login(user)
    assert client.get(reverse("portal:plan")).status_code == 403
    user2, _r = proxy(w, username="tidsbegrenset", read_plan=True)
    client.force_login(user2)
    assert client.get(reverse("portal:plan")).status_code == 200
    with time_machine.travel(dt.date.today() + dt.timedelta(days=200)):
        client.force_login(user2)
        assert client.get(reverse("portal:plan")).status_code == 403


def test_a_representative_of_two_chooses_and_the_choice_is_checked(client, w):
    user, first = proxy(w, read_plan=True)
    other = world("ola", born=dt.date(1970, 2, 2))
    second = Representation.objects.create(
        person=other.person,
        representative=user,
        kind=Representation.Kind.PROXY,
        valid_from=first.valid_from,
        valid_to=first.valid_to,
        given_by=other.user,
    )
    client.force_login(user)
    assert client.get(reverse("portal:plan"))["Location"] == reverse("portal:choose")
    client.post(reverse("portal:choose"), {"acting": second.pk})
    assert other.goal.text in client.get(reverse("portal:plan")).content.decode()
    # A forged choice (a representation of someone else) is not taken.
    foreign = proxy(w, username="annen", read_plan=True)[1]
    response = client.post(reverse("portal:choose"), {"acting": foreign.pk})
    assert response.status_code == 400


def test_staff_register_a_guardian_through_the_gate(client, w):
    get_user_model().objects.create_user(username="verge", password=t.PASSWORD)
    ke = t.staff(t.unit(w.muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    client.force_login(ke)
    url = reverse("portal:guardian_new", args=[w.person.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "username": "verge",
            "reference": "SF 2026/1234",
            "rights": ["read_plan", "consents"],
            "valid_from": "01.01.2026",
            "valid_to": "31.12.2027",
        },
    )
    guardian = Representation.objects.get(representative__username="verge")
    assert guardian.kind == Representation.Kind.GUARDIAN and guardian.given_by == ke
    assert guardian.reference == "SF 2026/1234"
    outsider = t.staff(t.unit(w.muni), Role.SERVICE_PROVIDER)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert AccessLogEntry.objects.filter(person=w.person, user=outsider, granted=False).exists()


def test_the_gate_never_opens_one_units_records_to_a_proxy(w):
    from helhet.access import gate
    from helhet.access.models import Action

    user, _representation = proxy(w, read_plan=True, consents=True, messages=True)
    assert gate.decide(user, w.person, Action.VIEW, category="plan").granted
    assert gate.decide(user, w.person, Action.VIEW, category="samarbeid").granted
    for category in ("helse", "sosial", "kartlegging"):
        decision = gate.decide(user, w.person, Action.VIEW, category=category)
        assert not decision.granted and decision.basis == gate.REPRESENTATIVE
    stranger = world("ola", born=dt.date(1970, 2, 2))
    assert not gate.decide(user, stranger.person, Action.VIEW, category="grunndata").granted
