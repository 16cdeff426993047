"""Outside services as plan participants and responsibility-group members, only
within the person's consent naming their practice or office (hpl. § 22;
forskrift om individuell plan § 19 h)."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.around.models import ExternalService
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.cooperation.models import GroupMember, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import ExternalPartner, Role
from helhet.plans.models import IndividualPlan, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    coordinator = t.staff(unit, Role.SERVICE_PROVIDER)
    person = t.person(muni)
    t.service(person, unit, type_code="psykisk_helse_rus")
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 5), unit=unit, coordinator=coordinator
    )
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 10)
    )
    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 1, 10))
    office = t.partner(muni, ExternalPartner.Kind.OTHER)
    service = ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.CORRECTIONAL,
        name="Friomsorgskontoret",
        partner=office,
        contact_person="Per Saksbehandler",
        valid_from=dt.date(2026, 1, 1),
        unit=unit,
    )
    return muni, person, unit, coordinator, plan, group, office, service


def _consent(person, office, *categories):
    consent = Consent.objects.create(
        person=person,
        purpose="Samarbeid med kriminalomsorgen",
        categories=list(categories),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 12, 31),
        given_how=Consent.GivenHow.SIGNED,
    )
    for category in categories:
        ConsentScope.objects.create(consent=consent, partner=office, category=category)


def test_without_consent_the_service_joins_neither_plan_nor_group(client, world):
    _muni, person, _unit, coordinator, plan, group, _office, service = world
    client.force_login(coordinator)
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Legg til i planen" not in page and "Legg til i ansvarsgruppen" not in page
    for target in ("plan", "gruppe"):
        response = client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": target})
        assert response.status_code == 302
        page = client.get(f"/rundt/person/{person.pk}/").content.decode()
        assert "personens samtykke omfatter ikke" in page
    assert not Participant.objects.filter(plan=plan).exists()
    assert not GroupMember.objects.filter(group=group).exists()


def test_with_consent_the_service_joins_the_plan_and_the_group(client, world):
    _muni, person, _unit, coordinator, plan, group, office, service = world
    _consent(person, office, Category.PLAN, Category.COOPERATION)
    client.force_login(coordinator)
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Legg til i planen" in page and "Legg til i ansvarsgruppen" in page
    client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "plan"})
    client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "gruppe"})
    participant = Participant.objects.get(plan=plan)
    assert (participant.partner, participant.name) == (office, "Per Saksbehandler")
    assert IndividualPlan.objects.get(pk=plan.pk).version > plan.version
    member = GroupMember.objects.get(group=group)
    assert member.kind == GroupMember.Kind.PARTNER and member.role == "Kriminalomsorgen"
    # Twice is refused with a reason, not a second row.
    client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "gruppe"})
    assert GroupMember.objects.filter(group=group).count() == 1


def test_consent_for_the_group_alone_does_not_put_the_service_in_the_plan(client, world):
    _muni, person, _unit, coordinator, plan, group, office, service = world
    _consent(person, office, Category.COOPERATION)
    client.force_login(coordinator)
    client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "plan"})
    client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "gruppe"})
    assert not Participant.objects.filter(plan=plan).exists()
    assert GroupMember.objects.filter(group=group).count() == 1


def test_a_service_without_a_partner_in_the_directory_cannot_join(client, world):
    _muni, person, unit, coordinator, plan, _group, _office, _service = world
    loose = ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.FOLLOW_UP,
        name="Oppfølgingstjenesten",
        valid_from=dt.date(2026, 1, 1),
        unit=unit,
    )
    client.force_login(coordinator)
    client.post(f"/rundt/ekstern/{loose.pk}/delta/", {"target": "plan"})
    page = client.get(f"/rundt/person/{person.pk}/").content.decode()
    assert "Knytt tjenesten til en samarbeidspartner" in page
    assert not Participant.objects.filter(plan=plan).exists()


def test_staff_without_a_relation_are_refused_and_logged(client, world):
    muni, person, _unit, _coordinator, _plan, group, office, service = world
    _consent(person, office, Category.PLAN, Category.COOPERATION)
    client.force_login(t.staff(t.unit(muni), Role.SERVICE_PROVIDER))
    response = client.post(f"/rundt/ekstern/{service.pk}/delta/", {"target": "gruppe"})
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(person=person, granted=False).count() == 1
    assert not GroupMember.objects.filter(group=group).exists()


def test_the_plan_shows_the_services_outside_the_municipality(client, world):
    _muni, person, _unit, coordinator, plan, _group, _office, _service = world
    client.force_login(coordinator)
    page = client.get(f"/planer/{plan.pk}/").content.decode()
    assert "Kriminalomsorgen: Friomsorgskontoret (Per Saksbehandler)" in page
    assert AccessLogEntry.objects.filter(
        person=person, category="helse", what="tjenester utenfor kommunen", granted=True
    ).exists()
