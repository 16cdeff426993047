"""Guardians and proxies (docs/consent.md): a guardian is registered only by
the coordinating unit or a unit head, with the guardianship's reference and
scope, flagged, shown to the leader and told to the person; proxies and
guardians are never staff accounts; the proxy form does not tell whether a
username exists."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.consent.models import Consent
from helhet.organisation.models import Role, Unit
from helhet.portal.models import PortalAction, Representation, StaffAct
from helhet.portal.tests.builders import world

pytestmark = pytest.mark.django_db
ALL_RIGHTS = ["read_plan", "edit_goals", "consents", "messages"]
EMAIL = "kari@example.org"


@pytest.fixture
def w():
    found = world()
    found.person.email = EMAIL
    found.person.save()
    found.ke = t.staff(t.unit(found.muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    found.accomplice = get_user_model().objects.create_user(
        username="kompis", password=t.PASSWORD, first_name="Kompis", last_name="Venn"
    )
    return found


def _guardian(w, username="kompis", **overrides) -> dict:
    data = {
        "username": username,
        "reference": "SF Innlandet 2026/4711",
        "rights": ALL_RIGHTS,
        "valid_from": "01.01.2026",
        "valid_to": "31.12.2027",
    }
    data.update(overrides)
    return data


def _post_guardian(client, w, **overrides):
    return client.post(
        reverse("portal:guardian_new", args=[w.person.pk]), _guardian(w, **overrides)
    )


def test_finding_3_staff_with_a_relation_cannot_make_a_portal_account_a_guardian(client, w):
    """Finding 3 as written: a staff member with a relation (the home-care
    nurse; also the named coordinator, who is not the coordinating unit) made
    any portal account a guardian with all rights, and through it read the
    plan, messages and access log and gave consents. Now refused and logged,
    and the account gets nothing."""
    for staff in (w.nurse, w.coordinator):
        client.force_login(staff)
        assert client.get(reverse("portal:guardian_new", args=[w.person.pk])).status_code == 200
        assert _post_guardian(client, w).status_code == 403
        refused = AccessLogEntry.objects.get(user=staff, action=Action.REGISTER_GUARDIAN)
        assert not refused.granted and refused.flagged
    assert not Representation.objects.filter(representative=w.accomplice).exists()
    assert not StaffAct.objects.exists()
    client.force_login(w.accomplice)
    for name in ("portal:plan", "portal:messages", "portal:access_log", "portal:consent_new"):
        assert client.get(reverse(name)).status_code == 403, name
    response = client.post(
        reverse("portal:consent_new"),
        {"purpose": "Alt", "valid_to": "01.06.2027", "scope": [f"u:{w.home_care.pk}:helse"]},
    )
    assert response.status_code == 403
    assert not Consent.objects.filter(purpose="Alt").exists()


def test_the_coordinating_unit_registers_a_guardian_visibly(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.ke)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_guardian(client, w, rights=["read_plan", "consents"])
    assert response.status_code == 302
    guardian = Representation.objects.get(representative=w.accomplice)
    assert guardian.kind == Representation.Kind.GUARDIAN
    assert guardian.reference == "SF Innlandet 2026/4711"
    assert guardian.read_plan and guardian.consents
    assert not guardian.edit_goals and not guardian.messages
    entry = AccessLogEntry.objects.get(action=Action.REGISTER_GUARDIAN)
    assert entry.granted and entry.flagged and entry.user == w.ke
    act = StaffAct.objects.get()
    assert act.kind == StaffAct.Kind.GUARDIAN and act.representation == guardian
    # Told to the person by e-mail without details, and on Min side.
    to = sorted(address for m in mail.outbox for address in m.to)
    assert EMAIL in to
    for message in mail.outbox:
        for detail in (w.person.family_name, "Kompis", "SF Innlandet", "Hjemmetjenesten"):
            assert detail not in message.body
    client.force_login(w.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "som verge for deg" in home and "SF Innlandet 2026/4711" in home
    # The leader sees it on the control page.
    leader = t.staff(t.unit(w.muni), Role.LEADER)
    client.force_login(leader)
    page = client.get(reverse("access:review")).content.decode()
    section = page.split("Verger registrert av ansatte", 1)[1]
    assert "SF Innlandet 2026/4711" in section and w.person.full_name in section
    assert "Merk som gjennomgått" in section


def test_a_unit_head_with_a_relation_registers_a_guardian(client, w):
    head = t.staff(w.home_care, Role.LEADER)
    client.force_login(head)
    assert _post_guardian(client, w).status_code == 302
    assert Representation.objects.filter(representative=w.accomplice).exists()


@pytest.mark.parametrize("case", ["no_relation", "emergency_only", "blocked"])
def test_registering_a_guardian_is_refused_without_a_relation(client, w, case):
    staff = t.staff(t.unit(w.muni, Unit.Kind.HOME_CARE), Role.LEADER)
    if case == "emergency_only":
        gate.grant_emergency(staff, w.person, reason="Akutt innleggelse, trenger kriseplanen nå.")
    elif case == "blocked":
        staff = w.ke
        AccessBlock.objects.create(person=w.person, staff_user=staff, created_by=w.user)
    client.force_login(staff)
    assert _post_guardian(client, w).status_code == 403
    assert not Representation.objects.filter(representative=w.accomplice).exists()
    assert AccessLogEntry.objects.filter(person=w.person, user=staff, granted=False).exists()


def test_the_guardianship_reference_and_scope_are_required(client, w):
    client.force_login(w.ke)
    response = _post_guardian(client, w, reference=" ")
    assert response.status_code == 400 and "referansen" in response.content.decode()
    response = _post_guardian(client, w, rights=[])
    assert response.status_code == 400 and "vergemålet omfatter" in response.content.decode()
    assert not Representation.objects.exists()
    assert not AccessLogEntry.objects.filter(action=Action.REGISTER_GUARDIAN).exists()


def test_a_staff_account_is_never_a_guardian(client, w):
    client.force_login(w.ke)
    for username in (w.nurse.username, w.ke.username):
        response = _post_guardian(client, w, username=username)
        assert response.status_code == 400
        assert "ikke som ansatt" in response.content.decode()
    admin = get_user_model().objects.create_user(username="drift", is_staff=True)
    assert _post_guardian(client, w, username=admin.username).status_code == 400
    assert not Representation.objects.filter(kind=Representation.Kind.GUARDIAN).exists()


def test_a_staff_account_is_never_a_proxy_and_the_form_does_not_reveal_usernames(client, w):
    client.force_login(w.user)
    url = reverse("portal:proxies")
    answers = []
    for username in (w.nurse.username, "finnes-ikke", w.coordinator.username):
        response = client.post(
            url, {"username": username, "rights": ["read_plan"], "valid_to": "01.01.2027"}
        )
        answers.append((response.status_code, _errors(response.content.decode())))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 400 and "ikke som ansatt" in answers[0][1]
    assert not Representation.objects.exists()
    refused = PortalAction.objects.filter(kind="fullmakt", accepted=False)
    assert refused.count() == 3 and len({a.detail for a in refused}) == 1


def _errors(page: str) -> str:
    """The error text of the page, without the echoed username."""
    start = page.index('class="errorlist')
    return page[start : page.index("</ul>", start)]


def test_the_service_refuses_a_staff_representative_too(w):
    from helhet.portal import services

    with pytest.raises(services.PortalRefused):
        services.give_representation(
            acting_user=w.user,
            person=w.person,
            representative=w.nurse,
            kind=Representation.Kind.PROXY,
            rights={"read_plan"},
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2026, 12, 31),
        )


def test_a_representative_never_registers_a_guardian_through_the_gate(w):
    from helhet.portal.tests.builders import proxy

    user, _representation = proxy(w, read_plan=True, consents=True, messages=True)
    assert not gate.decide(user, w.person, Action.REGISTER_GUARDIAN, category=gate.BASIC).granted
    assert gate.decide(user, w.person, Action.WITHDRAW_CONSENT, category=gate.BASIC).granted
    reader, _r = proxy(w, username="leser", read_plan=True)
    assert not gate.decide(reader, w.person, Action.REGISTER_CONSENT, category=gate.BASIC).granted
