"""Staff pick-lists: unit and role shown, only case roles of service units,
two people with the same name told apart; the consent form and plan
participants offer service units only."""

import pytest
from django.contrib.auth import get_user_model

from helhet import testing as t
from helhet.consent import services as consent_services
from helhet.cooperation.forms import MemberForm
from helhet.intake import services as intake_services
from helhet.organisation.models import Role, Unit
from helhet.plans.forms import ParticipantForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def muni():
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    nav = t.unit(muni, Unit.Kind.NAV, name="NAV Fjordvik")
    it = t.unit(muni, Unit.Kind.ADMINISTRATION, name="IT-avdelingen")
    audit = t.unit(muni, Unit.Kind.AUDIT, name="Kommunerevisjonen")
    head = t.unit(muni, Unit.Kind.SECTOR_HEAD, name="Kommunalsjef helse og velferd")
    for username, unit, role in [
        ("kari.a", home, Role.SERVICE_PROVIDER),
        ("kari.b", nav, Role.NAV_ADVISER),
        ("ola", home, Role.CASEWORKER),
        ("it", it, Role.SYSTEM_ADMIN),
        ("revisor", audit, Role.AUDITOR),
        ("sjef", head, Role.SECTOR_HEAD),
        ("kvalitet", home, Role.QUALITY),
    ]:
        user = t.staff(unit, role, username=username)
        user.first_name, user.last_name = (
            ("Kari", "Nordmann")
            if "kari" in username
            else (
                username.title(),
                "Hansen",
            )
        )
        user.save()
    t.staff(home, Role.CASEWORKER, username="ubekreftet", confirmed=False)
    return muni


def _labels(field) -> list[str]:
    return [label for value, label in field.choices if value != ""]


def test_participant_picker_shows_role_and_unit_and_tells_namesakes_apart(muni):
    form = ParticipantForm(municipality=muni)
    labels = _labels(form.fields["user"])
    assert labels == [
        "Ola Hansen – Saksbehandler, Hjemmetjenesten",
        "Kari Nordmann (brukernavn kari.a) – Tjenesteyter, Hjemmetjenesten",
        "Kari Nordmann (brukernavn kari.b) – NAV-veileder, NAV Fjordvik",
    ]
    # Only service units, never IT, the auditors or the head of sector's office.
    assert _labels(form.fields["unit"]) == ["Hjemmetjenesten", "NAV Fjordvik"]


def test_responsibility_group_and_coordinator_pickers_offer_case_staff_only(muni):
    person = t.person(muni)
    member = MemberForm(person=person)
    assert [u.username for u in member.fields["user"].queryset] == ["ola", "kari.a", "kari.b"]
    assert "Tjenesteyter, Hjemmetjenesten" in _labels(member.fields["user"])[1]
    candidates = intake_services.coordinator_candidates(municipality_id=muni.pk)
    assert [u.username for u in candidates] == ["ola", "kari.a", "kari.b"]


def test_a_saved_choice_outside_the_list_stays_selectable(muni):
    # A participant saved before (here: the quality officer) is not lost on edit.
    quality = get_user_model().objects.get(username="kvalitet")
    plan_user_ids = [quality.pk]
    from helhet.organisation import picklists

    assert quality in picklists.case_staff(muni.pk, include=plan_user_ids)
    assert quality not in picklists.case_staff(muni.pk)


def test_consent_form_offers_service_units_and_partners_only(muni):
    t.partner(muni)
    units, partners = consent_services.parties(municipality_id=muni.pk)
    assert [u.name for u in units] == ["Hjemmetjenesten", "NAV Fjordvik"]
    assert len(partners) == 1
