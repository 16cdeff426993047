"""Consent registered or withdrawn by staff is a privileged, visible act
(docs/consent.md): only with a case relation to the person, decided by the gate
(Action.REGISTER_CONSENT / WITHDRAW_CONSENT), flagged in the access log, listed
for the leader and told to the person on Min side and by an e-mail without
details."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.consent.models import Category, Consent, ConsentEvent
from helhet.cooperation import samples as cooperation_samples
from helhet.coordination.models import CoordinatorAssignment
from helhet.mapping.models import Mapping
from helhet.organisation.models import Role, Unit
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan
from helhet.portal.models import StaffAct
from helhet.testing import consent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
EMAIL = "kari.bruker@example.org"


class World:
    pass


@pytest.fixture
def w():
    """A person with a plan (coordinated from mental health), a responsibility
    group and a needs mapping recorded by mental health; a home-care nurse whose
    only relation is the home-care service she gives by decision."""
    with time_machine.travel(NOW, tick=False):
        world = World()
        world.muni = t.municipality()
        world.mental = t.unit(world.muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse og rus")
        world.home_care = t.unit(world.muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
        world.coordinator = t.staff(world.mental, Role.SERVICE_PROVIDER, username="koordinator")
        world.nurse = t.staff(world.home_care, Role.SERVICE_PROVIDER, username="sykepleier")
        world.leader = t.staff(t.unit(world.muni), Role.SECTOR_HEAD, username="kommunalsjef")
        world.user = get_user_model().objects.create_user(username="kari", email="")
        world.person = t.person(world.muni, email=EMAIL, given_name="Kari")
        world.person.user = world.user
        world.person.save()
        CoordinatorAssignment.objects.create(
            person=world.person,
            offered_on=dt.date(2026, 1, 5),
            unit=world.mental,
            assigned_on=dt.date(2026, 1, 6),
            coordinator=world.coordinator,
            named_on=dt.date(2026, 1, 8),
            response=CoordinatorAssignment.Response.ACCEPTED,
        )
        t.service(world.person, world.home_care)
        world.plan = plan_services.create_plan(
            user=world.coordinator,
            person=world.person,
            status=IndividualPlan.Status.ACTIVE,
            offered_on=dt.date(2026, 1, 5),
        )
        cooperation_samples.group(world.person, {})
        world.mapping = Mapping.objects.create(
            person=world.person,
            unit=world.mental,
            mapped_on=dt.date(2026, 1, 5),
            mapped_by_name="Kartlegger",
            person_present=True,
            cares_for_children=Mapping.Children.NO,
        )
    return world


def _reads(client, w) -> list[int]:
    """The three pages of finding 2: the plan, the responsibility group and
    mental health's needs mapping."""
    return [
        client.get(reverse("plans:detail", args=[w.plan.pk])).status_code,
        client.get(reverse("cooperation:group", args=[w.person.pk])).status_code,
        client.get(reverse("mapping:detail", args=[w.mapping.pk])).status_code,
    ]


def _every_box(w) -> list[str]:
    return [f"u:{w.home_care.pk}:{c}" for c in Category.values]


def _oral_consent(w, **overrides) -> dict:
    data = {
        "person": w.person.pk,
        "given_by": "person",
        "giver_name": "",
        "given_how": "muntlig",
        "given_on": "02.03.2026",
        "person_words": "Ja, dere kan snakke sammen.",
        "purpose": "Samarbeid",
        "valid_from": "02.03.2026",
        "valid_to": "01.03.2027",
        "form_version": "2026-1",
        "covers_plan": "on",
        "scope": _every_box(w),
    }
    data.update(overrides)
    return data


def _register(client, w, **overrides):
    return client.post(reverse("consent:create", args=[w.person.pk]), _oral_consent(w, **overrides))


@time_machine.travel(NOW, tick=False)
def test_finding_2_a_nurse_who_registers_her_own_consent_is_seen_by_leader_and_person(
    client, w, django_capture_on_commit_callbacks
):
    """Finding 2 as written: the home-care nurse registers an "oral consent by
    the person" for her own unit and every category, then reads the plan, the
    group and another unit's mapping. She has a case relation (the service),
    so the register accepts it — but never unseen: the act is flagged, on the
    leader's control page marked as opening her own unit, and the person is
    told at once, withdraws it, and the nurse is refused again."""
    client.force_login(w.nurse)
    assert _reads(client, w) == [403, 403, 403]
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, w)
    assert response.status_code == 302
    given = Consent.objects.get(person=w.person)
    assert given.noted_by == w.nurse and given.given_by == Consent.GivenBy.PERSON
    assert given.given_on == dt.date(2026, 3, 2)
    assert given.person_words == "Ja, dere kan snakke sammen."
    entry = AccessLogEntry.objects.get(action=Action.REGISTER_CONSENT)
    assert entry.granted and entry.flagged and entry.user == w.nurse
    act = StaffAct.objects.get()
    assert act.kind == StaffAct.Kind.CONSENT_GIVEN and act.log_entry == entry
    assert w.home_care.pk in act.actor_unit_ids
    # It opens her own unit (the case relation is real) — but not unseen.
    assert _reads(client, w) == [200, 200, 200]

    # The leader sees it, marked as opening the nurse's own unit.
    client.force_login(w.leader)
    page = client.get(reverse("access:review")).content.decode()
    section = page.split("Samtykker registrert av ansatte", 1)[1]
    assert "Åpnet tilgang for egen enhet" in section
    assert w.person.full_name in section and "Hjemmetjenesten" in section
    assert "Muntlig" in section and "Ja, dere kan snakke sammen." in section

    # The person is told by e-mail (no details) and on Min side.
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    client.force_login(w.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "registrerte" in home and "Samarbeid" in home

    # The person withdraws it on Min side: the nurse is refused again.
    client.post(reverse("portal:consent_withdraw", args=[given.pk]))
    client.force_login(w.nurse)
    assert _reads(client, w) == [403, 403, 403]


@time_machine.travel(NOW, tick=False)
def test_the_email_names_no_service_unit_person_or_employee(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.nurse)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, w, purpose="Oppfølging etter innleggelse ved DPS")
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    for detail in (
        w.person.given_name,
        w.person.family_name,
        w.person.national_id,
        "Hjemmetjenesten",
        "Psykisk helse",
        "DPS",
        "innleggelse",
        w.nurse.last_name,
        "sykepleier",
    ):
        assert detail not in text, detail
    assert "/min-side/" in message.body and "samtykke" in message.body


def _not_registered(w) -> None:
    assert not Consent.objects.filter(person=w.person).exists()
    assert not StaffAct.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("case", ["no_relation", "emergency_only", "blocked"])
@time_machine.travel(NOW, tick=False)
def test_registering_needs_a_case_relation_and_refusals_are_logged(client, w, case):
    staff = w.nurse
    if case == "no_relation":
        staff = t.staff(t.unit(w.muni, Unit.Kind.HOME_CARE), Role.SERVICE_PROVIDER)
    elif case == "emergency_only":
        staff = t.staff(t.unit(w.muni, Unit.Kind.HOME_CARE), Role.SERVICE_PROVIDER)
        gate.grant_emergency(staff, w.person, reason="Akutt innleggelse, trenger kriseplanen nå.")
    else:
        AccessBlock.objects.create(person=w.person, staff_user=staff, created_by=w.user)
    client.force_login(staff)
    response = _register(client, w)
    assert response.status_code == 403
    _not_registered(w)
    refused = AccessLogEntry.objects.filter(person=w.person, user=staff, granted=False)
    assert refused.exists() and all(e.flagged for e in refused)
    if case == "emergency_only":
        # The form may be read under emergency access; the act itself is refused.
        assert refused.filter(action=Action.REGISTER_CONSENT).exists()


def test_the_gate_refuses_register_consent_on_emergency_access_alone(w):
    staff = t.staff(t.unit(w.muni, Unit.Kind.HOME_CARE), Role.SERVICE_PROVIDER)
    gate.grant_emergency(staff, w.person, reason="Akutt innleggelse, trenger kriseplanen nå.")
    assert gate.decide(staff, w.person, Action.VIEW, category=gate.BASIC).granted
    decision = gate.check(
        staff, w.person, Action.REGISTER_CONSENT, category=gate.BASIC, what="test"
    )
    assert not decision.granted
    entry = AccessLogEntry.objects.get(action=Action.REGISTER_CONSENT)
    assert not entry.granted and entry.flagged


@time_machine.travel(NOW, tick=False)
def test_staff_cannot_be_the_giver_or_register_a_digital_consent(client, w):
    client.force_login(w.nurse)
    for overrides in ({"given_by": "ansatt"}, {"given_how": "digitalt"}):
        assert _register(client, w, **overrides).status_code == 400
    _not_registered(w)


@time_machine.travel(NOW, tick=False)
def test_when_it_was_given_is_required_and_not_in_the_future(client, w):
    client.force_login(w.nurse)
    assert "Dato samtykket" in _register(client, w, given_on="").content.decode()
    response = _register(client, w, given_on="03.03.2026", valid_from="03.03.2026")
    assert response.status_code == 400
    assert "fram i tid" in response.content.decode()
    response = _register(client, w, given_on="02.03.2026", valid_from="01.03.2026")
    assert "før det ble gitt" in response.content.decode()
    _not_registered(w)
    assert not AccessLogEntry.objects.filter(action=Action.REGISTER_CONSENT).exists()


# --- withdrawal on the person's behalf ---------------------------------------------------


def _withdraw(client, consent_, **data):
    return client.post(reverse("consent:withdraw", args=[consent_.pk]), data)


REQUEST = {"requested_how": "telefon", "requested_on": "02.03.2026", "confirm": "on"}


@time_machine.travel(NOW, tick=False)
def test_finding_2_staff_withdraw_someone_elses_consent_only_when_the_person_asked(
    client, w, django_capture_on_commit_callbacks
):
    """Finding 2, second part: staff withdrew a consent someone else
    registered. Now the person's request (how, when) is required, and the
    withdrawal is flagged, listed for the leader and told to the person."""
    given = consent(w.person, units=[w.mental], registered_by=w.coordinator)
    client.force_login(w.nurse)
    response = _withdraw(client, given, note="Vil ikke ha dette")
    assert response.status_code == 400
    given.refresh_from_db()
    assert given.withdrawn_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = _withdraw(client, given, note="Ringte", **REQUEST)
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.withdrawn_at is not None
    event = ConsentEvent.objects.get(consent=given, kind=ConsentEvent.Kind.WITHDRAWN)
    assert event.requested_how == "telefon" and event.requested_on == dt.date(2026, 3, 2)
    entry = AccessLogEntry.objects.get(action=Action.WITHDRAW_CONSENT)
    assert entry.granted and entry.flagged
    act = StaffAct.objects.get()
    assert act.kind == StaffAct.Kind.CONSENT_WITHDRAWN and act.consent == given
    assert len(mail.outbox) == 1 and w.person.family_name not in mail.outbox[0].body
    client.force_login(w.leader)
    section = client.get(reverse("access:review")).content.decode()
    section = section.split("Samtykker registrert av ansatte", 1)[1]
    assert "trukket tilbake av ansatt" in section and "på telefon 02.03.2026" in section
    client.force_login(w.user)
    assert "trakk" in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("case", ["no_relation", "emergency_only", "blocked"])
@time_machine.travel(NOW, tick=False)
def test_withdrawing_for_the_person_needs_a_case_relation(client, w, case):
    given = consent(w.person, units=[w.mental])
    staff = t.staff(t.unit(w.muni, Unit.Kind.HOME_CARE), Role.SERVICE_PROVIDER)
    if case == "emergency_only":
        gate.grant_emergency(staff, w.person, reason="Akutt innleggelse, trenger kriseplanen nå.")
    elif case == "blocked":
        staff = w.nurse
        AccessBlock.objects.create(person=w.person, staff_user=staff, created_by=w.user)
    client.force_login(staff)
    assert _withdraw(client, given, **REQUEST).status_code == 403
    given.refresh_from_db()
    assert given.withdrawn_at is None and not StaffAct.objects.exists()
    assert AccessLogEntry.objects.filter(person=w.person, user=staff, granted=False).exists()


@time_machine.travel(NOW, tick=False)
def test_the_persons_own_withdrawal_is_not_flagged(client, w):
    # The person withdraws on Min side (staff pages refuse portal users).
    given = consent(w.person, units=[w.mental])
    client.force_login(w.user)
    assert client.post(reverse("portal:consent_withdraw", args=[given.pk])).status_code == 302
    given.refresh_from_db()
    assert given.withdrawn_at is not None
    assert not StaffAct.objects.exists()
    assert not AccessLogEntry.objects.filter(flagged=True).exists()


@time_machine.travel(NOW, tick=False)
def test_the_person_marks_the_notice_as_seen(client, w, django_capture_on_commit_callbacks):
    client.force_login(w.nurse)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, w)
    act = StaffAct.objects.get()
    assert act.emailed == 1
    client.force_login(w.user)
    assert "registrerte" in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("portal:act_seen", args=[act.pk]))
    act.refresh_from_db()
    assert act.seen_at is not None and act.seen_by == w.user
    assert "registrerte" not in client.get(reverse("portal:home")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_mail_server_that_is_down_does_not_undo_the_act(
    client, w, django_capture_on_commit_callbacks, monkeypatch
):
    from helhet.portal import notices

    def down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notices, "send_mail", down)
    client.force_login(w.nurse)
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client, w).status_code == 302
    act = StaffAct.objects.get()
    assert act.emailed == 0 and act.consent.withdrawn_at is None


@time_machine.travel(NOW, tick=False)
def test_the_leader_marks_a_registration_as_reviewed(client, w):
    client.force_login(w.coordinator)
    assert _register(client, w, given_how="signert", person_words="").status_code == 302
    client.force_login(w.leader)
    page = client.get(reverse("access:review")).content.decode()
    section = page.split("Samtykker registrert av ansatte", 1)[1]
    # The coordinator opened home care, not her own unit: no such mark.
    assert "Åpnet tilgang for egen enhet" not in section
    assert "Signert skjema" in section and "skjemaversjon 2026-1" in section
    assert "Merk som gjennomgått" in section
    entry = StaffAct.objects.get().log_entry
    client.post(reverse("access:review_entry", args=[entry.pk]), {"note": "Kontrollert"})
    section = client.get(reverse("access:review")).content.decode()
    section = section.split("Samtykker registrert av ansatte", 1)[1]
    assert "Ingen samtykker registrert av ansatte å gjennomgå." in section
    every = client.get(reverse("access:review"), {"status": "alle"}).content.decode()
    every = every.split("Samtykker registrert av ansatte", 1)[1].split("Verger registrert", 1)[0]
    assert "Kontrollert" in every and w.person.full_name in every


def test_the_control_page_is_for_leaders_only(client, w):
    client.force_login(w.nurse)
    assert client.get(reverse("access:review")).status_code == 403
