"""Municipalities, units and roles as the rest of Helhet relies on them
(docs/people-and-organisation.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from helhet import testing as t
from helhet.organisation.models import Membership, Municipality, Role, Unit
from helhet.organisation.services import memberships_of

pytestmark = pytest.mark.django_db


def test_a_municipality_number_is_four_digits_with_a_norwegian_message():
    with pytest.raises(ValidationError) as refused:
        Municipality(number="123", name="Feil").full_clean()
    assert refused.value.message_dict["number"] == ["Kommunenummer er fire siffer."]
    Municipality(number="5001", name="Riktig").full_clean()  # four digits pass


@pytest.mark.parametrize("kind", sorted(Unit.NOT_SERVICE_KINDS))
def test_offices_that_give_no_services_are_never_offered_as_service_units(kind):
    muni = t.municipality()
    office = t.unit(muni, kind)
    home_care = t.unit(muni, Unit.Kind.HOME_CARE)
    t.unit(t.municipality(), Unit.Kind.HOME_CARE)  # another municipality's
    assert not office.gives_services()
    assert home_care.gives_services()
    assert list(Unit.services_of(muni.pk)) == [home_care]


def test_every_other_kind_gives_services_including_annen_enhet():
    muni = t.municipality()
    kinds = [k for k in Unit.Kind.values if k not in Unit.NOT_SERVICE_KINDS]
    assert Unit.Kind.OTHER in kinds
    assert all(t.unit(muni, kind).gives_services() for kind in kinds)


def test_a_units_letters_use_its_own_contact_else_the_municipalitys():
    muni = t.municipality()
    muni.address, muni.phone, muni.email = "Rådhuset, 9999 Sted", "11 22 33 44", "post@k.example"
    muni.save()
    unit = t.unit(muni)
    unit.phone = "55 66 77 88"
    unit.save()
    assert unit.contact == {
        "address": "Rådhuset, 9999 Sted",
        "phone": "55 66 77 88",
        "email": "post@k.example",
    }


def test_a_unit_code_is_unique_within_its_municipality_only():
    muni, other = t.municipality(), t.municipality()
    Unit.objects.create(municipality=muni, code="psyk", name="Psykisk helse", kind="psykisk_rus")
    Unit.objects.create(municipality=other, code="psyk", name="Psykisk helse", kind="psykisk_rus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(municipality=muni, code="psyk", name="Kopi", kind="psykisk_rus")
    assert Unit.objects.filter(code="psyk").count() == 2


def test_one_role_once_per_unit_but_several_roles_and_units_per_staff_member():
    muni = t.municipality()
    first, second = t.unit(muni), t.unit(muni, Unit.Kind.COORDINATING)
    user = t.staff(first, Role.SERVICE_PROVIDER)
    t.membership(user, first, Role.LEADER)
    t.membership(user, second, Role.COORDINATING_UNIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        t.membership(user, first, Role.LEADER)
    held = {(m.unit, m.role) for m in user.staff.memberships.all()}
    assert held == {
        (first, Role.SERVICE_PROVIDER),
        (first, Role.LEADER),
        (second, Role.COORDINATING_UNIT),
    }


def test_a_waiting_role_counts_for_nothing_until_confirmed():
    muni = t.municipality()
    unit = t.unit(muni)
    user = t.staff(unit, Role.SERVICE_PROVIDER)
    waiting = t.membership(user, unit, Role.LEADER, confirmed=False)
    staff = user.staff
    assert [m.role for m in staff.memberships.all()] == [Role.SERVICE_PROVIDER]
    assert {m.role for m in staff.all_memberships.all()} == {Role.SERVICE_PROVIDER, Role.LEADER}
    assert [m.role for m in memberships_of(user=user)] == [Role.SERVICE_PROVIDER]
    assert list(Membership.objects.pending()) == [waiting]


def test_a_user_who_is_not_staff_has_no_memberships():
    from django.contrib.auth.models import AnonymousUser

    assert memberships_of(user=AnonymousUser()) == []


def test_the_confirmation_page_is_for_heads_only(client, settings):
    settings.DEMO_MODE = True  # no TOTP step
    muni = t.municipality()
    unit = t.unit(muni)
    worker = t.staff(unit, Role.SERVICE_PROVIDER, "tjenesteyter1")
    leader = t.staff(unit, Role.LEADER, "leder1")
    t.membership(worker, t.unit(muni), Role.CASEWORKER, confirmed=False)
    url = reverse("organisation:memberships")

    client.force_login(worker)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Siden er for ledere og kommunalsjefer." in refused.content.decode()

    client.force_login(leader)
    assert client.get(url).status_code == 200


def test_confirm_membership_without_an_id_lists_the_waiting_ones(capsys):
    muni = t.municipality()
    unit = t.unit(muni, name="Hjemmetjenesten")
    user = t.staff(unit, Role.SERVICE_PROVIDER, "venter1")
    waiting = t.membership(user, unit, Role.LEADER, confirmed=False)
    call_command("confirm-membership")
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{waiting.pk}\tventer1\tHjemmetjenesten\tleder"]
