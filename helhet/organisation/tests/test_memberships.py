"""Separation of duties: a membership registered by the system administrator
takes effect only when a unit head confirms it, and nobody confirms their own."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import Action, AdminLogEntry
from helhet.consent.models import Category
from helhet.organisation import services
from helhet.organisation.models import Membership, Role, StaffMember, Unit
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.DEMO_MODE = True  # no TOTP step in these page tests
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING, "Koordinerende enhet")
    person = t.person(muni)
    IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    leader = t.staff(ke, Role.LEADER, "keleder")
    admin = get_user_model().objects.create_superuser("sysadm", "sysadm@kommune.example", "x")
    return {"muni": muni, "ke": ke, "person": person, "leader": leader, "admin": admin}


def _add_membership_in_admin(client, world) -> None:
    """The system administrator adds himself as staff with a KE membership in /systemadmin/."""
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {
            "user": world["admin"].pk,
            "municipality": world["muni"].pk,
            "title": "",
            "phone": "",
            "coordinator_trained_on": "",
            "all_memberships-TOTAL_FORMS": "1",
            "all_memberships-INITIAL_FORMS": "0",
            "all_memberships-MIN_NUM_FORMS": "0",
            "all_memberships-MAX_NUM_FORMS": "1000",
            "all_memberships-0-unit": world["ke"].pk,
            "all_memberships-0-role": Role.COORDINATING_UNIT,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_admin_who_adds_himself_a_ke_membership_gets_no_person_access_until_a_leader_confirms(
    client, world
):
    client.force_login(world["admin"])
    _add_membership_in_admin(client, world)
    membership = Membership.objects.get(staff__user=world["admin"])
    assert not membership.is_confirmed
    assert membership.created_by == world["admin"]

    # Not in force: the gate, the person page and the plan refuse.
    admin = _fresh(world["admin"])
    assert not gate.decide(admin, world["person"], Action.VIEW, category=Category.PLAN).granted
    assert not gate.has_case_role(admin)
    page = client.get(reverse("people:detail", args=[world["person"].pk]))
    assert page.status_code in {403, 404}

    # He cannot confirm it himself: the page is for heads only...
    assert client.get(reverse("organisation:memberships")).status_code == 403
    # ...and the service refuses his own membership whatever his roles.
    with pytest.raises(services.ConfirmationRefused):
        services.confirm(membership_id=membership.pk, by=admin)
    membership.refresh_from_db()
    assert not membership.is_confirmed

    # The leader of the unit sees it waiting and confirms it.
    client.force_login(world["leader"])
    listing = client.get(reverse("organisation:memberships"))
    assert "sysadm" in listing.content.decode()
    client.post(
        reverse("organisation:memberships"), {"membership": membership.pk, "handling": "bekreft"}
    )
    membership.refresh_from_db()
    assert membership.is_confirmed and membership.confirmed_by == world["leader"]
    assert gate.decide(
        _fresh(world["admin"]), world["person"], Action.VIEW, category=Category.PLAN
    ).granted

    # Both acts are in the administration log, which the leader reads.
    changes = set(
        AdminLogEntry.objects.filter(kind=AdminLogEntry.Kind.MEMBERSHIP).values_list(
            "change", flat=True
        )
    )
    assert {AdminLogEntry.Change.CREATED, AdminLogEntry.Change.CONFIRMED} <= changes
    log = client.get(reverse("access:admin_log")).content.decode()
    assert "Tilknytning: sysadm, Koordinerende enhet" in log


def test_nobody_confirms_their_own_membership_not_even_a_leader(client, world):
    # The leader is registered (by the administrator) as KE worker as well.
    pending = t.membership(world["leader"], world["ke"], Role.COORDINATING_UNIT, confirmed=False)
    client.force_login(world["leader"])
    assert (
        "Ingen tilknytninger venter"
        in client.get(reverse("organisation:memberships")).content.decode()
    )
    response = client.post(
        reverse("organisation:memberships"), {"membership": pending.pk, "handling": "bekreft"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert not pending.is_confirmed


def test_a_pending_leader_membership_confirms_nothing(world):
    """An administrator who makes himself leader of the unit too is still only pending."""
    sysadm = t.staff(world["ke"], Role.LEADER, "adm2", confirmed=False)
    other = t.staff(world["ke"], Role.COORDINATING_UNIT, "ny", confirmed=False)
    with pytest.raises(services.ConfirmationRefused):
        services.confirm(membership_id=other.staff.all_memberships.get().pk, by=sysadm)
    assert services.pending_for(user=sysadm) == []


def test_head_of_sector_confirms_where_the_unit_has_no_leader(world):
    nav = t.unit(world["muni"], Unit.Kind.NAV)
    sector = t.unit(world["muni"], Unit.Kind.SECTOR_HEAD)
    head = t.staff(sector, Role.SECTOR_HEAD, "kommunalsjef")
    worker = t.staff(nav, Role.NAV_ADVISER, "veileder", confirmed=False)
    pending = worker.staff.all_memberships.get()
    # The KE leader is not the NAV unit's head.
    assert not services.may_confirm(user=world["leader"], membership=pending)
    assert [m.pk for m in services.pending_for(user=head)] == [pending.pk]
    services.confirm(membership_id=pending.pk, by=head)
    pending.refresh_from_db()
    assert pending.is_confirmed
    # Where the unit has a leader, the head of sector does not step in.
    late = t.membership(worker, world["ke"], Role.COORDINATING_UNIT, confirmed=False)
    assert not services.may_confirm(user=head, membership=late)


def test_changing_unit_or_role_of_a_confirmed_membership_needs_a_new_confirmation(world):
    worker = t.staff(world["ke"], Role.SERVICE_PROVIDER, "endres")
    membership = worker.staff.all_memberships.get()
    assert membership.is_confirmed
    membership.role = Role.COORDINATING_UNIT
    membership.save()
    membership.refresh_from_db()
    assert not membership.is_confirmed
    assert not gate.has_case_role(_fresh(worker))


def test_rejected_membership_is_removed_and_logged(client, world):
    worker = t.staff(world["ke"], Role.COORDINATING_UNIT, "avvises", confirmed=False)
    pending = worker.staff.all_memberships.get()
    client.force_login(world["leader"])
    client.post(
        reverse("organisation:memberships"), {"membership": pending.pk, "handling": "avvis"}
    )
    assert not Membership.objects.filter(pk=pending.pk).exists()
    assert AdminLogEntry.objects.filter(
        change=AdminLogEntry.Change.REJECTED, subject_user_id=worker.pk
    ).exists()


def test_bad_input_on_the_confirmation_page_changes_nothing(client, world):
    worker = t.staff(world["ke"], Role.COORDINATING_UNIT, "rot", confirmed=False)
    pending = worker.staff.all_memberships.get()
    client.force_login(world["leader"])
    for data in (
        {"membership": "x", "handling": "bekreft"},
        {"membership": pending.pk, "handling": "slett"},
        {"membership": 99999999, "handling": "bekreft"},
    ):
        response = client.post(reverse("organisation:memberships"), data, follow=True)
        assert response.status_code == 200
    pending.refresh_from_db()
    assert not pending.is_confirmed


def test_leaders_of_another_municipality_cannot_confirm(world):
    other = t.municipality()
    foreign_leader = t.staff(t.unit(other, Unit.Kind.COORDINATING), Role.LEADER)
    worker = t.staff(world["ke"], Role.COORDINATING_UNIT, "fremmed", confirmed=False)
    with pytest.raises(services.ConfirmationRefused):
        services.confirm(membership_id=worker.staff.all_memberships.get().pk, by=foreign_leader)


def test_start_up_confirmation_only_where_nobody_in_helhet_can(world):
    fresh = t.municipality()
    unit = t.unit(fresh, Unit.Kind.COORDINATING)
    first = t.staff(unit, Role.LEADER, "forsteleder", confirmed=False)
    membership = first.staff.all_memberships.get()
    call_command("confirm-membership", str(membership.pk))
    membership.refresh_from_db()
    assert membership.is_confirmed and membership.confirmed_by is None
    second = t.staff(unit, Role.COORDINATING_UNIT, "andre", confirmed=False)
    with pytest.raises(CommandError):
        call_command("confirm-membership", str(second.staff.all_memberships.get().pk))


def test_staff_import_creates_memberships_that_wait_for_confirmation(world):
    """Any administrative channel, not only the admin, registers pending memberships."""
    staff = StaffMember.objects.create(
        user=get_user_model().objects.create_user("imp"), municipality=world["muni"]
    )
    Membership.objects.create(staff=staff, unit=world["ke"], role=Role.COORDINATING_UNIT)
    assert not gate.has_case_role(_fresh(staff.user))
    assert AdminLogEntry.objects.filter(
        kind=AdminLogEntry.Kind.MEMBERSHIP, change=AdminLogEntry.Change.CREATED, actor=""
    ).exists()


def test_every_reader_of_roles_ignores_a_waiting_membership(client, world):
    """Not only the gate: the leader's pages, intake, mapping, quality,
    cooperation and audit see a waiting membership as no membership."""
    from helhet.audit import services as audit_services
    from helhet.intake import access as intake_access
    from helhet.mapping import access as mapping_access
    from helhet.quality import services as quality_services

    sector = t.unit(world["muni"], Unit.Kind.SECTOR_HEAD)
    waiting = t.staff(sector, Role.SECTOR_HEAD, "ventende", confirmed=False)
    t.membership(waiting, sector, Role.AUDITOR, confirmed=False)
    t.membership(waiting, world["ke"], Role.LEADER, confirmed=False)
    user = _fresh(waiting)
    assert not intake_access.has_role(user, Role.SECTOR_HEAD)
    assert not mapping_access.can_see_statistics(user)
    assert services.roles_of(user=user) == set()
    assert quality_services.led_units(user=user) == set()
    assert not audit_services.may_sample(user=user)
    client.force_login(user)
    assert client.get(reverse("access:review")).status_code == 403
    assert client.get(reverse("access:admin_log")).status_code == 403
    assert client.get(reverse("organisation:memberships")).status_code == 403


def test_who_registered_a_membership_does_not_confirm_it(world):
    """A leader who is also administrator registers a colleague's membership:
    another head must confirm it."""
    worker = t.staff(world["ke"], Role.SERVICE_PROVIDER, "kollega")
    pending = t.membership(worker, world["ke"], Role.COORDINATING_UNIT, confirmed=False)
    pending.created_by = world["leader"]
    pending.save()
    with pytest.raises(services.ConfirmationRefused):
        services.confirm(membership_id=pending.pk, by=world["leader"])
    second_leader = t.staff(world["ke"], Role.LEADER, "nestleder")
    services.confirm(membership_id=pending.pk, by=second_leader)
    pending.refresh_from_db()
    assert pending.is_confirmed
