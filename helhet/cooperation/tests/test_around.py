import datetime as dt

import pytest
from django.template.loader import render_to_string

from helhet import testing
from helhet.cooperation import services
from helhet.cooperation.models import DirectoryEntry, GroupMember
from helhet.cooperation.tests.builders import coordinated_person, group_with_member
from helhet.organisation.models import ExternalPartner, Role, Unit
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant

pytestmark = pytest.mark.django_db


def _world():
    muni, unit, coordinator, person = coordinated_person()
    coordinator.first_name, coordinator.last_name = "Kari", "Koordinator"
    coordinator.email = "kari.koordinator@kommune.no"
    coordinator.save()
    coordinator.staff.phone = "90000001"
    coordinator.staff.save()
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV Testby")
    testing.service(person, nav, name="Kvalifiseringsprogram")
    home = testing.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    testing.service(person, home, valid_to=dt.date(2021, 1, 1))  # ended: not around any more
    dps = testing.partner(muni, ExternalPartner.Kind.DPS)
    DirectoryEntry.objects.create(
        municipality=muni,
        unit=nav,
        purpose="Arbeid og velferd",
        services="Oppfølging",
        target_groups="Alle",
        contact_person="Nina NAV",
        phone="55553333",
        email="nav@testby.no",
        last_verified=dt.date(2026, 1, 1),
    )
    group, _ = group_with_member(person, coordinator)
    GroupMember.objects.create(group=group, kind="ekstern", partner=dps, name="Lege Lie")
    GroupMember.objects.create(group=group, kind="parorende", name="Mor Hansen", phone="91112222")
    plan = IndividualPlan.objects.create(
        person=person, status="aktiv", offered_on=dt.date(2026, 1, 1)
    )
    nav_adviser = testing.staff(nav, Role.NAV_ADVISER)
    Participant.objects.create(plan=plan, kind="ansatt", user=nav_adviser, unit=nav, name="x")
    goal = Goal.objects.create(plan=plan, text="Få meg jobb")
    Measure.objects.create(plan=plan, goal=goal, title="Arbeidstrening", responsible_partner=dps)
    return person, coordinator, nav_adviser, dps


def test_everyone_around_the_person_is_listed_with_contact_details():
    person, coordinator, nav_adviser, dps = _world()
    around = services.around_person(person=person)
    by_name = {c.name: c for c in around}

    assert around[0].name == "Kari Koordinator"
    assert around[0].roles == ["Koordinator", "Ansvarsgruppe"]
    assert around[0].phone == "90000001" and around[0].email == "kari.koordinator@kommune.no"
    assert "Deltaker i individuell plan" in by_name[nav_adviser.get_full_name()].roles
    assert by_name["Mor Hansen"].phone == "91112222"
    nav = by_name["NAV Testby"]
    assert nav.roles == ["Vedtak: Kvalifiseringsprogram"]
    assert (nav.contact_person, nav.phone, nav.email) == ("Nina NAV", "55553333", "nav@testby.no")
    assert by_name[dps.name].roles == ["Ansvarsgruppe", "Tiltak"]
    assert by_name[dps.name].in_directory is False
    assert "Hjemmetjenesten" not in by_name


def test_around_person_takes_constant_queries(django_assert_max_num_queries):
    person, *_ = _world()
    with django_assert_max_num_queries(7):
        around = services.around_person(person=person)
    assert len(around) >= 6


def test_the_include_template_renders_the_list():
    person, *_ = _world()
    html = render_to_string(
        "cooperation/_around_person.html", {"around": services.around_person(person=person)}
    )
    assert "Hvem er rundt personen" in html
    assert 'href="tel:55553333"' in html
    assert "Mangler i tjenesteoversikten" in html
