"""The paths around the gate, tried as a staff member would, now fail safe.

Each test reproduces one finding as it was reported (a block ignored by
intake, read access used to close a plan, lists and the API showing what the
page refuses, the access log opened on a bare relation) and checks that it is
refused, logged as refused, and that nothing changed.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.api import tokens
from helhet.consent.models import Category
from helhet.cooperation.models import GroupMember, Meeting, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.intake.models import Application, Decision
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan
from helhet.testing import consent

pytestmark = pytest.mark.django_db

# Every test runs on one fixed day: consents, services and plans are dated around it.
TODAY = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    _token, raw = tokens.issue(user, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def refused_rows(user, person, **fields):
    return AccessLogEntry.objects.filter(user=user, person=person, granted=False, **fields)


def granted_rows(user, person, **fields):
    return AccessLogEntry.objects.filter(user=user, person=person, granted=True, **fields)


# --- 1. A person's block is ignored by intake ----------------------------------------


@pytest.fixture
def case():
    muni = t.municipality(name="Nes")
    allocation = t.unit(muni, Unit.Kind.ALLOCATION, "Tildelingskontoret")
    provider = t.unit(muni, Unit.Kind.HOME_CARE, "Hjemmetjenesten")
    caseworker = t.staff(allocation, Role.CASEWORKER, "saksbehandler")
    head = t.staff(allocation, Role.LEADER, "tildelingsleder")
    person = t.person(muni, given_name="Sigrid", family_name="Sperresen")
    application = Application.objects.create(
        person=person,
        unit=allocation,
        kind=Application.Kind.HEALTH_CARE,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        summary="Trenger hjelp hjemme",
        registered_by=caseworker,
        received_on=dt.date(2026, 5, 2),
        status=Application.Status.DECIDED,
    )
    decision = Decision.objects.create(
        application=application,
        caseworker=caseworker,
        approved_by=head,
        approved_on=dt.date(2026, 5, 12),
        outcome=Decision.Outcome.GRANTED,
        decided_on=dt.date(2026, 5, 12),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        provider=provider,
        period_from=dt.date(2026, 5, 15),
        evaluation_on=dt.date(2026, 8, 10),
    )
    return {
        "muni": muni,
        "allocation": allocation,
        "provider": provider,
        "caseworker": caseworker,
        "head": head,
        "person": person,
        "application": application,
        "decision": decision,
    }


def test_finding_1_a_block_holds_on_every_intake_page_list_and_the_api(client, case):
    caseworker, person = case["caseworker"], case["person"]
    application, decision = case["application"], case["decision"]
    pages = [
        reverse("intake:application", args=[application.pk]),
        reverse("intake:letter", args=[application.pk, "kvittering"]),
        reverse("intake:decision", args=[decision.pk]),
        reverse("intake:decision_letter", args=[decision.pk]),
    ]
    client.force_login(caseworker)
    # Before the block the caseworker processes the case (fvl. § 11a).
    assert client.get(pages[0]).status_code == 200
    assert "Sperresen" in client.get(reverse("intake:cases")).content.decode()

    AccessBlock.objects.create(person=person, staff_user=caseworker, created_by=None)
    before = AccessLogEntry.objects.filter(granted=True).count()

    for page in pages:
        response = client.get(page)
        assert response.status_code == 403, page
        assert "Sperret av personen" in response.content.decode(), page
    assert "Sperresen" not in client.get(reverse("intake:cases")).content.decode()
    assert "Sperresen" not in client.get(reverse("intake:worklist")).content.decode()
    rest = api(caseworker)
    assert rest.get(f"/api/v1/applications/{application.pk}/").status_code in (403, 404)
    assert rest.get(f"/api/v1/decisions/{decision.pk}/").status_code in (403, 404)
    listed = rest.get("/api/v1/applications/").json()
    assert application.pk not in [row["id"] for row in listed["results"]]
    decisions = rest.get("/api/v1/decisions/").json()
    assert decision.pk not in [row["id"] for row in decisions["results"]]

    assert refused_rows(caseworker, person, basis=gate.BLOCKED).count() >= 6
    # Nothing was logged as granted after the block.
    assert AccessLogEntry.objects.filter(granted=True).count() == before


def test_finding_1_intake_acts_after_a_block_are_refused_and_change_nothing(client, case):
    head, person, decision = case["head"], case["person"], case["decision"]
    decision.approved_by = None
    decision.approved_on = None
    decision.save(update_fields=["approved_by", "approved_on"])
    AccessBlock.objects.create(person=person, staff_user=head, created_by=None)
    client.force_login(head)
    response = client.post(reverse("intake:sign", args=[decision.pk]))
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.approved_by_id is None
    assert refused_rows(head, person, action=Action.SIGN, basis=gate.BLOCKED).exists()


def test_intake_bases_are_the_gates(case):
    """Every intake basis is decided by the gate, with the record as subject."""
    caseworker, head, person = case["caseworker"], case["head"], case["person"]
    application, decision = case["application"], case["decision"]
    nurse = t.staff(case["provider"], Role.SERVICE_PROVIDER)
    category = Category.HEALTH
    on_application = gate.decide(
        caseworker, person, Action.VIEW, category=category, subject=application
    )
    assert on_application.granted and on_application.basis == "soknad_til_enhet"
    # The providing unit of the signed decision reads it and confirms the start.
    started = gate.decide(nurse, person, Action.START, category=category, subject=decision)
    assert started.granted and started.basis == "utforende_enhet"
    # ... but does not sign it; the unit head does, not the caseworker who wrote it.
    assert not gate.decide(nurse, person, Action.SIGN, category=category, subject=decision).granted
    assert gate.decide(head, person, Action.SIGN, category=category, subject=decision).granted
    assert not gate.decide(
        caseworker, person, Action.SIGN, category=category, subject=decision
    ).granted
    # Without the record, the provider's basis does not hold.
    assert not gate.decide(nurse, person, Action.VIEW, category=category).granted


def test_the_unit_head_names_a_coordinator_and_the_head_of_sector_only_when_escalated(case):
    muni, person = case["muni"], case["person"]
    unit = t.unit(muni, Unit.Kind.MENTAL_HEALTH, "Psykisk helse")
    unit_head = t.staff(unit, Role.LEADER)
    sector_head = t.staff(t.unit(muni, Unit.Kind.SECTOR_HEAD), Role.SECTOR_HEAD)
    assignment = CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 6, 1), unit=unit, assigned_on=dt.date(2026, 6, 1)
    )
    assert gate.decide(
        unit_head, person, Action.EDIT, category=Category.PLAN, subject=assignment
    ).granted
    assert not gate.decide(
        sector_head, person, Action.VIEW, category=Category.PLAN, subject=assignment
    ).granted
    assignment.escalated_on = dt.date(2026, 6, 9)
    assignment.save(update_fields=["escalated_on"])
    assert gate.decide(
        sector_head, person, Action.VIEW, category=Category.PLAN, subject=assignment
    ).granted
    AccessBlock.objects.create(person=person, staff_user=sector_head, created_by=None)
    refused = gate.decide(
        sector_head, person, Action.VIEW, category=Category.PLAN, subject=assignment
    )
    assert not refused.granted and refused.basis == gate.BLOCKED


# --- 5. Read access is write access ----------------------------------------------------


@pytest.fixture
def plan_world():
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE, "Hjemmetjenesten")
    ke = t.unit(muni, Unit.Kind.COORDINATING, "Koordinerende enhet")
    person = t.person(muni, given_name="Per", family_name="Plansen")
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    t.service(person, home)
    return {"muni": muni, "home": home, "ke": ke, "person": person, "plan": plan}


def test_finding_5_a_service_unit_with_a_consent_to_read_the_plan_cannot_close_it(
    client, plan_world
):
    person, plan = plan_world["person"], plan_world["plan"]
    nurse = t.staff(plan_world["home"], Role.SERVICE_PROVIDER)
    consent(person, units=[plan_world["home"]], categories=[Category.PLAN])
    client.force_login(nurse)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    assert (
        "Avslutt planen" not in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    )

    response = client.post(
        reverse("plans:close", args=[plan.pk]),
        {"version": plan.version, "closed_on": "2026-06-10"},
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == IndividualPlan.Status.ACTIVE
    assert refused_rows(nurse, person, action=Action.CLOSE).exists()
    assert not granted_rows(nurse, person, action=Action.CLOSE).exists()


def test_the_coordinator_and_the_coordinating_unit_close_the_plan(client, plan_world):
    person, plan = plan_world["person"], plan_world["plan"]
    coordinator = t.staff(plan_world["home"], Role.SERVICE_PROVIDER)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 1), coordinator=coordinator
    )
    ke = t.staff(plan_world["ke"], Role.COORDINATING_UNIT)
    assert gate.decide(coordinator, person, Action.CLOSE, category=Category.PLAN).granted
    assert gate.decide(ke, person, Action.CLOSE, category=Category.PLAN).granted
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:close", args=[plan.pk]),
        {"version": plan.version, "closed_on": "2026-06-10"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == IndividualPlan.Status.CLOSED
    assert granted_rows(coordinator, person, action=Action.CLOSE).exists()


def test_a_service_unit_offers_a_plan_without_a_consent(client, plan_world):
    muni, home = plan_world["muni"], plan_world["home"]
    person = t.person(muni, born=dt.date(1990, 3, 3))
    t.service(person, home)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    assert not gate.decide(nurse, person, Action.VIEW, category=Category.PLAN).granted
    client.force_login(nurse)
    response = client.post(reverse("plans:offer", args=[person.pk]), {"offered_on": "2026-06-10"})
    assert response.status_code == 302
    assert person.plans.filter(status=IndividualPlan.Status.OFFERED).exists()
    assert granted_rows(nurse, person, action=Action.OFFER).exists()


# --- the administrative acts other apps ask the gate for ----------------------------------


def test_consent_may_be_registered_and_withdrawn_on_a_case_relation_only(plan_world):
    person, home = plan_world["person"], plan_world["home"]
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    ke = t.staff(plan_world["ke"], Role.COORDINATING_UNIT)
    stranger = t.staff(t.unit(plan_world["muni"], Unit.Kind.NAV), Role.NAV_ADVISER)
    for act in (Action.REGISTER_CONSENT, Action.WITHDRAW_CONSENT):
        assert gate.check(nurse, person, act, category=gate.BASIC, what="samtykke").granted
        assert gate.check(ke, person, act, category=gate.BASIC, what="samtykke").granted
        assert not gate.check(stranger, person, act, category=gate.BASIC, what="samtykke").granted
    # Emergency access opens reading, never an administrative act.
    gate.grant_emergency(stranger, person, reason="Akutt innleggelse, trenger oversikten nå.")
    assert gate.decide(stranger, person, Action.VIEW, category=gate.BASIC).granted
    refused = gate.check(
        stranger, person, Action.REGISTER_CONSENT, category=gate.BASIC, what="samtykke"
    )
    assert not refused.granted
    assert refused_rows(stranger, person, action=Action.REGISTER_CONSENT).count() == 2
    # A block stops it too.
    AccessBlock.objects.create(person=person, staff_user=nurse, created_by=None)
    assert not gate.decide(nurse, person, Action.REGISTER_CONSENT, category=gate.BASIC).granted


def test_a_guardian_is_registered_by_the_coordinating_unit_or_a_unit_head(plan_world):
    person, home = plan_world["person"], plan_world["home"]
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    head = t.staff(home, Role.LEADER)
    ke = t.staff(plan_world["ke"], Role.COORDINATING_UNIT)
    other_head = t.staff(t.unit(plan_world["muni"], Unit.Kind.NAV), Role.LEADER)
    assert not gate.decide(nurse, person, Action.REGISTER_GUARDIAN, category=gate.BASIC).granted
    assert gate.decide(head, person, Action.REGISTER_GUARDIAN, category=gate.BASIC).granted
    assert gate.decide(ke, person, Action.REGISTER_GUARDIAN, category=gate.BASIC).granted
    assert not gate.decide(
        other_head, person, Action.REGISTER_GUARDIAN, category=gate.BASIC
    ).granted


# --- 6. Lists and the API show what the page refuses --------------------------------------


@pytest.fixture
def cooperation_world(plan_world):
    person = plan_world["person"]
    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 1, 5))
    coordinator = t.staff(plan_world["home"], Role.SERVICE_PROVIDER, "koordinatoren")
    GroupMember.objects.create(
        group=group, kind=GroupMember.Kind.STAFF, user=coordinator, name="Koordinatoren"
    )
    CoordinatorAssignment.objects.create(
        person=person, offered_on=dt.date(2026, 1, 1), coordinator=coordinator
    )
    meeting = Meeting.objects.create(
        group=group,
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 20, 10)),
        place="Hjemme hos Per, Storgata 1",
    )
    return {**plan_world, "group": group, "meeting": meeting, "coordinator": coordinator}


def test_finding_6_lists_and_the_api_show_nothing_the_page_refuses(client, cooperation_world):
    person, plan = cooperation_world["person"], cooperation_world["plan"]
    nurse = t.staff(cooperation_world["home"], Role.SERVICE_PROVIDER)
    client.force_login(nurse)
    # The pages refuse: a service relation without the person's consent.
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 403
    assert client.get(reverse("cooperation:group", args=[person.pk])).status_code == 403

    rest = api(nurse)
    assert rest.get("/api/v1/plans/", {"person": person.pk}).status_code == 403
    assert rest.get("/api/v1/plans/").json()["results"] == []
    assert rest.get("/api/v1/groups/").json()["results"] == []
    assert rest.get("/api/v1/groups/", {"person": person.pk}).status_code == 403
    meetings = rest.get("/api/v1/meetings/").content.decode()
    assert "Storgata" not in meetings
    assert rest.get("/api/v1/meetings/", {"person": person.pk}).status_code == 403
    overview = client.get(reverse("coordination:overview")).content.decode()
    assert "Plansen" not in overview
    export = client.get(reverse("coordination:overview-csv"))
    csv = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Plansen" not in csv
    # What was refused is logged as refused; nothing was logged as shown.
    assert refused_rows(nurse, person).exists()
    assert not granted_rows(nurse, person, category=Category.PLAN).exists()
    assert not granted_rows(nurse, person, category=Category.COOPERATION).exists()


def test_lists_log_the_category_they_really_show(client, cooperation_world):
    person = cooperation_world["person"]
    nurse = t.staff(cooperation_world["home"], Role.SERVICE_PROVIDER)
    consent(
        person,
        units=[cooperation_world["home"]],
        categories=[Category.PLAN, Category.COOPERATION],
    )
    rest = api(nurse)
    plans = rest.get("/api/v1/plans/").json()["results"]
    assert [p["id"] for p in plans] == [cooperation_world["plan"].pk]
    assert "Storgata" in rest.get("/api/v1/meetings/").content.decode()
    assert granted_rows(nurse, person, action=Action.LIST, category=Category.PLAN).exists()
    assert granted_rows(nurse, person, action=Action.LIST, category=Category.COOPERATION).exists()
    client.force_login(nurse)
    assert "Plansen" in client.get(reverse("coordination:overview")).content.decode()


def test_the_coordinating_unit_keeps_its_statutory_overview(client, cooperation_world):
    ke = t.staff(cooperation_world["ke"], Role.COORDINATING_UNIT)
    client.force_login(ke)
    assert "Plansen" in client.get(reverse("coordination:overview")).content.decode()
    assert granted_rows(
        ke, cooperation_world["person"], action=Action.LIST, category=Category.PLAN
    ).exists()


# --- 7. The access log opens on a bare relation -----------------------------------------


def test_finding_7_the_access_log_is_not_for_a_bare_relation(client, cooperation_world):
    person, home = cooperation_world["person"], cooperation_world["home"]
    nav = t.unit(cooperation_world["muni"], Unit.Kind.NAV, "NAV Testby")
    nav_adviser = t.staff(nav, Role.NAV_ADVISER, "navveileder")
    t.service(person, nav)
    consent(person, units=[nav], categories=[Category.HEALTH, Category.SOCIAL])
    # NAV reads social records; a doctor reads in an emergency with a written reason.
    gate.check(nav_adviser, person, Action.VIEW, category=Category.SOCIAL, what="sosialsak")
    doctor = t.staff(t.unit(cooperation_world["muni"], Unit.Kind.MENTAL_HEALTH), Role.CASEWORKER)
    gate.grant_emergency(
        doctor, person, reason="Innlagt akutt etter overdose, trenger medisinlisten."
    )
    url = reverse("access:person_log", args=[person.pk])

    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 403
    assert refused_rows(nurse, person, what=gate.ACCESS_LOG).exists()

    # The coordinator sees reads of data he may read himself, not NAV's social
    # records, and not the written reason of the emergency access.
    client.force_login(cooperation_world["coordinator"])
    page = client.get(url).content.decode()
    assert "sosialsak" not in page
    assert "overdose" not in page
    assert "Nødtilgang" in page

    # The leader who reviews access sees it all.
    client.force_login(t.staff(home, Role.LEADER))
    page = client.get(url).content.decode()
    assert "sosialsak" in page and "overdose" in page
