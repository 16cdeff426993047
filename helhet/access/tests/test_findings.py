"""One test per finding of the attacker's review of the gate's side doors
(docs/security.md, "What was found"), written from outside: HTTP answers,
access-log rows and database state only, so they hold however the fixes are
built. Each reproduces the finding as it was reported and demands that the
door is now shut.
"""

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry, Action
from helhet.access.tests.adversarial import form_data
from helhet.consent.models import Category, Consent
from helhet.cooperation import services as cooperation_services
from helhet.cooperation.models import GroupMember, Meeting, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.intake.models import Application, Decision
from helhet.organisation.models import Membership, Role, StaffMember, Unit
from helhet.plans.models import IndividualPlan
from helhet.portal.models import Representation
from helhet.testing import consent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _refused(response) -> bool:
    return response.status_code in (403, 404)


def _log(person, user):
    return AccessLogEntry.objects.filter(person=person, user=user)


def _person_with_plan(muni, **fields):
    person = t.person(muni, **fields)
    plan = IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    return person, plan


def _safe_client() -> Client:
    """A client that returns a server error as a 500 answer instead of raising."""
    return Client(raise_request_exception=False)


# --- 1 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f1_a_block_also_stops_intake(client):
    """1. A person's block is ignored by intake: case page, receipt and decision-letter PDFs, the case list and /api/v1/applications/<id>/ answer 200."""
    muni = t.municipality()
    allocation = t.unit(muni, Unit.Kind.ALLOCATION)
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    caseworker = t.staff(allocation, Role.CASEWORKER)
    other = t.staff(allocation, Role.CASEWORKER)
    head = t.staff(allocation, Role.LEADER)
    person = t.person(muni, family_name="Sperresen")
    application = Application.objects.create(
        person=person,
        unit=allocation,
        kind=Application.Kind.HEALTH_CARE,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        received_on=dt.date(2026, 5, 1),
        summary="Søknad om hjemmetjenester",
        registered_by=other,
    )
    decision = Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.GRANTED,
        decided_on=dt.date(2026, 5, 10),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        provider=home,
        period_from=dt.date(2026, 5, 15),
        evaluation_on=dt.date(2026, 8, 1),
        caseworker=other,
        approved_by=head,
        approved_on=dt.date(2026, 5, 10),
    )
    AccessBlock.objects.create(person=person, staff_user=caseworker)
    client.force_login(caseworker)

    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    doors = [
        reverse("intake:application", args=[application.pk]),
        reverse("intake:letter", args=[application.pk, "kvittering"]),
        reverse("intake:decision_letter", args=[decision.pk]),
        reverse("api:application", args=[application.pk]),
        reverse("api:decision", args=[decision.pk]),
    ]
    for url in doors:
        before = _log(person, caseworker).filter(granted=False).count()
        response = client.get(url)
        assert _refused(response), f"{url}: {response.status_code} to a blocked caseworker"
        assert _log(person, caseworker).filter(granted=False).count() > before, url
    cases = client.get(reverse("intake:cases"))
    assert "Sperresen" not in cases.content.decode()
    listed = client.get(reverse("api:applications"), {"person": person.pk})
    assert _refused(listed) or listed.json()["count"] == 0
    assert not _log(person, caseworker).filter(granted=True).exists()


# --- 2 ------------------------------------------------------------------------------


def _consent_form(person, units) -> dict:
    return {
        "person": person.pk,
        "given_by": "person",
        "giver_name": "",
        "given_how": "muntlig",
        "purpose": "Samarbeid om tjenestene",
        "valid_from": TODAY.strftime("%d.%m.%Y"),
        "valid_to": (TODAY + dt.timedelta(days=300)).strftime("%d.%m.%Y"),
        "form_version": "2026-1",
        "covers_plan": "on",
        "scope": [f"u:{u.pk}:{c}" for u in units for c in Category.values],
    }


@time_machine.travel(NOW, tick=False)
def test_f2_staff_cannot_satisfy_the_consent_check_unseen(client):
    """2. Staff satisfy the consent check themselves: a home-care nurse registers an "oral consent" covering her own unit and every category, then reads plan, group and another unit's mapping."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    leader = t.staff(home, Role.LEADER)
    person, plan = _person_with_plan(muni, email="person@example.invalid")
    t.service(person, home)
    ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 2, 1))
    client.force_login(nurse)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 403
    mail.outbox.clear()

    client.post(reverse("consent:create", args=[person.pk]), _consent_form(person, [home, mental]))

    registered = Consent.objects.filter(person=person).first()
    if registered is None:
        return  # refused outright: the door is shut
    # Allowed only as a privileged, visible act: flagged in the access log,
    # listed for the leader, and told to the person (no details).
    assert _log(person, nurse).filter(flagged=True, granted=True).exists(), (
        "a consent registered by staff is not flagged in the access log"
    )
    assert [m for m in mail.outbox if "person@example.invalid" in m.to], (
        "the person was not told that staff registered a consent"
    )
    client.force_login(leader)
    review = client.get(reverse("access:review")).content.decode()
    assert "Samtykker registrert av ansatte" in review
    assert nurse.last_name in review


@time_machine.travel(NOW, tick=False)
def test_f2_staff_cannot_quietly_withdraw_someone_elses_consent(client):
    """2. Staff can also withdraw a consent that someone else registered."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    clerk = t.staff(ke, Role.COORDINATING_UNIT)
    person, _plan = _person_with_plan(muni, email="person@example.invalid")
    t.service(person, home)
    given = consent(person, units=[ke], categories=Category.values, registered_by=clerk)
    client.force_login(nurse)
    mail.outbox.clear()

    client.post(reverse("consent:withdraw", args=[given.pk]), {"note": "Ryddet bort"})

    given.refresh_from_db()
    if given.withdrawn_at is None:
        return  # refused: the door is shut
    # Only as the person's own wish, recorded and told to the person.
    assert [m for m in mail.outbox if "person@example.invalid" in m.to], (
        "staff withdrew another's consent and the person was not told"
    )


# --- 3 ------------------------------------------------------------------------------


def _guardian_form(username) -> dict:
    return {
        "username": username,
        "rights": ["read_plan", "edit_goals", "consents", "messages"],
        "valid_from": TODAY.strftime("%d.%m.%Y"),
        "valid_to": (TODAY + dt.timedelta(days=300)).strftime("%d.%m.%Y"),
    }


@time_machine.travel(NOW, tick=False)
def test_f3_a_staff_member_with_a_relation_cannot_make_a_guardian(client):
    """3. Any staff member with a relation makes any portal account a guardian with all rights (/min-side/ansatt/verge/<id>/)."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    person, _plan = _person_with_plan(muni)
    t.service(person, home)
    accomplice = get_user_model().objects.create_user(username="medhjelper", password=t.PASSWORD)
    client.force_login(nurse)

    response = client.post(
        reverse("portal:guardian_new", args=[person.pk]), _guardian_form("medhjelper")
    )

    assert not Representation.objects.filter(representative=accomplice).exists(), (
        f"a home-care nurse registered a guardian ({response.status_code})"
    )
    # and the would-be guardian reads nothing through the portal
    client.force_login(accomplice)
    assert client.get(reverse("portal:plan")).status_code in (302, 403, 404)


@time_machine.travel(NOW, tick=False)
def test_f3_guardians_and_proxies_are_never_staff_accounts(client):
    """3. The proxy form also accepts staff accounts and reveals whether a username exists."""
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    officer = t.staff(ke, Role.COORDINATING_UNIT)
    colleague = t.staff(ke, Role.SERVICE_PROVIDER, username="kollega")
    person, _plan = _person_with_plan(muni)
    person.user = get_user_model().objects.create_user(username="personen")
    person.save(update_fields=["user"])
    CoordinatorAssignment.objects.create(person=person, offered_on=TODAY, coordinator=officer)

    client.force_login(officer)
    client.post(reverse("portal:guardian_new", args=[person.pk]), _guardian_form("kollega"))
    assert not Representation.objects.filter(representative=colleague).exists(), (
        "a staff account was made a guardian"
    )

    client.force_login(person.user)
    form = _guardian_form("kollega")
    del form["valid_from"]
    staff_answer = client.post(reverse("portal:proxies"), form)
    assert not Representation.objects.filter(representative=colleague).exists(), (
        "a staff account was made a proxy"
    )
    form["username"] = "finnes-ikke-i-det-hele-tatt"
    unknown_answer = client.post(reverse("portal:proxies"), form)
    assert staff_answer.status_code == unknown_answer.status_code
    staff_text = staff_answer.content.decode().replace("kollega", "X")
    unknown_text = unknown_answer.content.decode().replace("finnes-ikke-i-det-hele-tatt", "X")
    assert _errors(staff_text) == _errors(unknown_text), (
        "the proxy form answers differently for a staff username and an unknown one"
    )


def _errors(html: str) -> list[str]:
    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', html, re.S)


# --- 4 ------------------------------------------------------------------------------


def _admin(muni, unit):
    admin = get_user_model().objects.create_user(
        username="sysadmin", password=t.PASSWORD, is_staff=True, is_superuser=True
    )
    member = StaffMember.objects.create(user=admin, municipality=muni)
    Membership.objects.create(staff=member, unit=unit, role=Role.SYSTEM_ADMIN)
    return admin


@time_machine.travel(NOW, tick=False)
def test_f4_an_administrator_cannot_give_himself_person_access(client):
    """4. The system administrator adds himself a coordinating-unit membership in /systemadmin/."""
    muni = t.municipality()
    it = t.unit(muni, Unit.Kind.OTHER)
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    admin = _admin(muni, it)
    person, _plan = _person_with_plan(muni)
    client.force_login(admin)
    url = reverse("admin:organisation_staffmember_change", args=[admin.staff.pk])
    page = client.get(url).content.decode()
    # The membership inline's prefix follows the relation's name.
    prefix = re.search(r'name="(\w*memberships)-TOTAL_FORMS"', page).group(1)
    data = form_data(page, f"{prefix}-TOTAL_FORMS")
    assert data, "the administrator's own staff page has no membership form"
    row = int(data[f"{prefix}-TOTAL_FORMS"]) - 1  # the empty extra row
    data[f"{prefix}-{row}-unit"] = str(ke.pk)
    data[f"{prefix}-{row}-role"] = Role.COORDINATING_UNIT
    data["_save"] = "Lagre"
    client.post(url, data)

    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 403, (
        f"the administrator opened a person after adding himself to the coordinating unit "
        f"({response.status_code}; memberships: "
        f"{list(admin.staff.memberships.values_list('unit__name', 'role'))})"
    )


@time_machine.travel(NOW, tick=False)
def test_f4_an_administrator_cannot_pose_as_another_user(client, settings):
    """4. In production mode the administrator adds a TOTP device with a key he knows to another user and resets that user's password, then logs in as them."""
    settings.DEMO_MODE = False
    muni = t.municipality()
    it = t.unit(muni, Unit.Kind.OTHER)
    admin = _admin(muni, it)
    victim = t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    own = TOTPDevice.objects.create(user=admin, name="admin", confirmed=True)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = own.persistent_id
    session.save()

    add = reverse("admin:otp_totp_totpdevice_add")
    page = client.get(add)
    data = form_data(page.content.decode(), "key") if page.status_code == 200 else {}
    data.update(
        {"user": str(victim.pk), "name": "kjent", "key": "3132333435363738393031323334353637383930"}
    )
    data["confirmed"] = "on"
    client.post(add, data)
    assert not TOTPDevice.objects.filter(user=victim).exists(), (
        "the administrator created a second factor for another user"
    )

    change = reverse("admin:auth_user_password_change", args=[victim.pk])
    page = client.get(change)
    data = form_data(page.content.decode(), "password1") if page.status_code == 200 else {}
    data.update({"password1": "kjent-passord-4711", "password2": "kjent-passord-4711"})
    client.post(change, data)
    victim.refresh_from_db()
    assert not victim.check_password("kjent-passord-4711"), (
        "the administrator set a password he knows on another user"
    )


# --- 5 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f5_reading_the_plan_does_not_allow_closing_it(client):
    """5. Read access is write access: a service unit with a consent to read the plan closes the plan."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    person, plan = _person_with_plan(muni)
    t.service(person, home)
    consent(person, units=[home], categories=[Category.PLAN])
    client.force_login(nurse)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200

    url = reverse("plans:close", args=[plan.pk])
    page = client.get(url)
    data = form_data(page.content.decode(), "closed_on") if page.status_code == 200 else {}
    data = data or {"version": plan.version, "closed_on": TODAY.strftime("%d.%m.%Y")}
    response = client.post(url, data)

    plan.refresh_from_db()
    assert plan.status == IndividualPlan.Status.ACTIVE, (
        f"a reading service unit closed the plan ({response.status_code})"
    )
    assert _refused(response)
    assert _log(person, nurse).filter(granted=False).exists()


# --- 6 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f6_lists_and_api_show_no_more_than_the_plan_page(client):
    """6. Lists and the API show what the page refuses: /api/v1/plans/?person=, the coordination overview and its CSV where /planer/<id>/ refuses."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    person, plan = _person_with_plan(muni, family_name="Planløsesen")
    t.service(person, home)  # a relation, but no consent to the plan
    client.force_login(nurse)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 403

    listed = client.get(reverse("api:plans"), {"person": person.pk})
    assert _refused(listed) or listed.json()["count"] == 0, listed.content[:300]
    for name in ("coordination:overview", "coordination:overview-csv"):
        response = client.get(reverse(name))
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Planløsesen" not in text.decode("utf-8-sig", errors="replace"), name


@time_machine.travel(NOW, tick=False)
def test_f6_group_and_meeting_lists_show_no_more_than_the_cooperation_page(client):
    """6. Where /samarbeid/person/<id>/ refuses, /api/v1/groups/ and /meetings/ show meeting times and places."""
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    officer = t.staff(ke, Role.COORDINATING_UNIT)
    person, _plan = _person_with_plan(muni)
    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 2, 1))
    Meeting.objects.create(
        group=group,
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 10, 10)),
        place="Møterom Hemmeligvik",
    )
    client.force_login(officer)
    assert client.get(reverse("cooperation:group", args=[person.pk])).status_code == 403

    for name in ("api:groups", "api:meetings"):
        response = client.get(reverse(name), {"person": person.pk})
        assert _refused(response) or response.json()["count"] == 0, (
            f"{name}: {response.content[:300]!r}"
        )
        assert "Hemmeligvik" not in response.content.decode()


# --- 7 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f7_the_access_log_page_needs_more_than_a_bare_relation(client):
    """7. The access-log page of a person opens on a bare relation and shows other units' reads and the written reason of an emergency access."""
    muni = t.municipality()
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    mental = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    nurse = t.staff(home, Role.SERVICE_PROVIDER)
    doctor = t.staff(mental, Role.SERVICE_PROVIDER)
    coordinator = t.staff(mental, Role.SERVICE_PROVIDER)
    person, _plan = _person_with_plan(muni)
    t.service(person, home)
    t.service(person, mental)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=TODAY, unit=mental, coordinator=coordinator
    )
    gate.check(
        nurse,
        person,
        Action.VIEW,
        category=Category.HEALTH,
        what="sårstell-journal",
        owner_unit=home,
    )
    gate.grant_emergency(doctor, person, reason="Innlagt etter overdose, trenger medisinliste nå")
    url = reverse("access:person_log", args=[person.pk])

    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 403, "a bare service relation opened the access log"
    assert _log(person, nurse).filter(granted=False).exists()

    client.force_login(coordinator)
    text = client.get(url).content.decode()
    assert "overdose" not in text, "the coordinator sees another's emergency reason"
    assert "sårstell-journal" not in text, "the coordinator sees another unit's health read"


# --- 8 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f8_a_limited_proxy_reaches_no_staff_page(client):
    """8. Portal users reach staff URLs: a relative with a proxy for "read plan, messages" reads national id, address, consents and access log through staff pages and /fhir/r4/Consent."""
    muni = t.municipality()
    person, _plan = _person_with_plan(muni, address="Hemmeligveien 7")
    person.user = get_user_model().objects.create_user(username="personen")
    person.save(update_fields=["user"])
    consent(person, categories=[Category.PLAN])
    relative = get_user_model().objects.create_user(username="slektning")
    Representation.objects.create(
        person=person,
        representative=relative,
        kind=Representation.Kind.PROXY,
        read_plan=True,
        messages=True,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2099, 12, 31),
        given_by=person.user,
    )
    client.force_login(relative)
    pages = [
        reverse("people:detail", args=[person.pk]),
        reverse("consent:person", args=[person.pk]),
        reverse("access:person_log", args=[person.pk]),
        reverse("fhir:patient", args=[person.pk]),
        reverse("fhir:consents") + f"?patient={person.pk}",
    ]
    for url in pages:
        response = client.get(url)
        text = response.content.decode()
        assert _refused(response), f"{url}: {response.status_code} to a limited proxy"
        assert person.national_id not in text and "Hemmeligveien" not in text, url


# --- 9 ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_f9_the_plan_overview_csv_neutralises_formulas(client):
    """9. CSV formula injection in planoversikt.csv (names reach it raw)."""
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    officer = t.staff(ke, Role.COORDINATING_UNIT)
    _person_with_plan(muni, given_name='=HYPERLINK("http://x.invalid")', family_name="+SUM(A1)")
    _person_with_plan(muni, given_name="@cmd", family_name="-2+3")
    client.force_login(officer)
    response = client.get(reverse("coordination:overview-csv"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= 3
    dangerous = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    assert dangerous == []


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("api:consents", {"offset": "9223372036854775808"}),
        ("api:persons", {"offset": "9223372036854775808"}),
        ("fhir:patients", {"_count": "²"}),
    ],
)
def test_f9_out_of_range_parameters_are_a_clear_error(name, query):
    """9. Server errors on ?offset=9223372036854775808 (/api/v1/consents/, /persons/) and ?_count=² (FHIR)."""
    muni = t.municipality()
    client = _safe_client()
    client.force_login(t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT))
    response = client.get(reverse(name), query)
    assert response.status_code == 400, f"{name}?{query}: {response.status_code}"


def test_f9_deeply_nested_json_is_a_clear_error():
    """9. Server error on deeply nested JSON posted to /fhir/r4/."""
    muni = t.municipality()
    client = _safe_client()
    client.force_login(t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT))
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post(reverse("fhir:base"), nested, content_type="application/fhir+json")
    assert response.status_code == 400


def test_f9_fhir_transaction_bundles_are_bounded():
    """9. Unbounded FHIR transaction bundles."""
    muni = t.municipality()
    client = _safe_client()
    client.force_login(t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT))
    goal = {
        "resourceType": "Goal",
        "lifecycleStatus": "proposed",
        "description": {"text": "Mål"},
        "subject": {"reference": "Patient/1"},
    }
    entry = {"resource": goal, "request": {"method": "POST", "url": "Goal"}}
    # 10 000 entries stay under Django's 2.5 MB request limit: the bound asked
    # for is on the number of entries, not only on the bytes.
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [entry] * 10_000}
    rows = AccessLogEntry.objects.count()
    response = client.post(
        reverse("fhir:base"), json.dumps(bundle), content_type="application/fhir+json"
    )
    assert response.status_code in (400, 413), response.status_code
    assert AccessLogEntry.objects.count() == rows  # refused before any entry was read


@time_machine.travel(NOW, tick=False)
def test_f9_calendar_files_are_well_formed_and_the_feed_carries_no_places(client):
    """9. A bare CR in a meeting place breaks the .ics feed, and the login-less calendar feed carries free-text places such as a home address."""
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    coordinator = t.staff(ke, Role.COORDINATING_UNIT)
    person, _plan = _person_with_plan(muni)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=TODAY, unit=ke, coordinator=coordinator
    )
    group = ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 2, 1))
    GroupMember.objects.create(group=group, kind=GroupMember.Kind.STAFF, user=coordinator)
    meeting = Meeting.objects.create(
        group=group,
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 10, 10)),
        place="Hjemme hos Kari\rStorgata 1",
    )
    client.force_login(coordinator)
    ics = client.get(reverse("cooperation:meeting_ics", args=[meeting.pk])).content
    assert b"\r" not in ics.replace(b"\r\n", b""), "a bare CR in the .ics file"

    token = cooperation_services.issue_feed_token(user=coordinator)
    feed = Client().get(reverse("cooperation:feed", args=[token]))
    assert feed.status_code == 200
    assert "Storgata" not in feed.content.decode(), "the login-less feed carries the place"


@time_machine.travel(NOW, tick=False)
def test_f9_refused_portal_requests_on_cooperation_urls_are_logged(client):
    """9. Refused portal requests on cooperation URLs are not logged."""
    muni = t.municipality()
    person, _plan = _person_with_plan(muni)
    ResponsibilityGroup.objects.create(person=person, created_on=dt.date(2026, 2, 1))
    stranger = t.person(muni)
    stranger.user = get_user_model().objects.create_user(username="fremmed")
    stranger.save(update_fields=["user"])
    client.force_login(stranger.user)
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("cooperation:group", args=[person.pk]))
        assert _refused(response)
    assert _log(person, stranger.user).filter(granted=False).count() >= 2


@time_machine.travel(NOW, tick=False)
def test_f9_refused_administrative_posts_are_logged_as_refused(client):
    """9. Refused POSTs (sign, start, assign) are logged as granted."""
    muni = t.municipality()
    allocation = t.unit(muni, Unit.Kind.ALLOCATION)
    home = t.unit(muni, Unit.Kind.HOME_CARE)
    caseworker = t.staff(allocation, Role.CASEWORKER)
    author = t.staff(allocation, Role.CASEWORKER)
    person = t.person(muni)
    application = Application.objects.create(
        person=person,
        unit=allocation,
        kind=Application.Kind.HEALTH_CARE,
        channel=Application.Channel.WRITTEN,
        source=Application.Source.PERSON,
        received_on=dt.date(2026, 5, 1),
        summary="Søknad",
        registered_by=author,
    )
    decision = Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.GRANTED,
        decided_on=dt.date(2026, 5, 10),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        provider=home,
        period_from=dt.date(2026, 5, 15),
        evaluation_on=dt.date(2026, 8, 1),
        caseworker=author,
    )
    client.force_login(caseworker)  # reads the case; may not sign, start or assign
    for name in ("intake:sign", "intake:confirm_start", "intake:assign"):
        rows = set(_log(person, caseworker).values_list("pk", flat=True))
        response = client.post(reverse(name, args=[decision.pk]))
        new = _log(person, caseworker).exclude(pk__in=rows)
        assert _refused(response), f"{name}: {response.status_code}"
        assert new.filter(granted=False).exists(), f"{name}: the refusal is not logged"
        assert not new.filter(granted=True).exists(), f"{name}: a refused act logged as granted"
    decision.refresh_from_db()
    assert decision.approved_by_id is None


def test_f9_a_stranger_cannot_lock_a_colleague_out(client):
    """9. Lockout per username lets anyone lock a colleague out."""
    t.staff(t.municipality(), username="kollega")
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
        client.post(
            reverse("login"),
            {"username": "kollega", "password": "feil"},
            REMOTE_ADDR="203.0.113.66",
        )
    own = Client()
    response = own.post(
        reverse("login"),
        {"username": "kollega", "password": t.PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302, "a stranger's failed attempts locked the colleague out"
    assert "_auth_user_id" in own.session


@time_machine.travel(NOW, tick=False)
def test_f9_person_data_is_never_cached(client, settings, tmp_path):
    """9. No Cache-Control: no-store on person pages, PDFs, CSV and attachments."""
    settings.MEDIA_ROOT = tmp_path
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    coordinator = t.staff(ke, Role.COORDINATING_UNIT)
    person, plan = _person_with_plan(muni)
    CoordinatorAssignment.objects.create(
        person=person, offered_on=TODAY, unit=ke, coordinator=coordinator
    )
    consent(person, units=[ke], categories=Category.values)
    client.force_login(coordinator)
    message = cooperation_services.post_message(
        person=person,
        user=coordinator,
        body="Vedlagt",
        upload=SimpleUploadedFile(
            "notat.pdf", b"%PDF-1.4\n%referat\n", content_type="application/pdf"
        ),
    )
    urls = [
        reverse("people:detail", args=[person.pk]),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:pdf", args=[plan.pk]),
        reverse("coordination:overview-csv"),
        reverse("api:person", args=[person.pk]),
        reverse("cooperation:attachment", args=[message.attachments.get().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert "no-store" in response.get("Cache-Control", ""), f"{url}: may be cached"


def _log_triggers() -> dict[str, str]:
    """The access log's triggers: name → the SQL that makes it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'access_accesslogentry'"
            )
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'access_accesslogentry'::regclass AND NOT tgisinternal"
            )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_f9_restore_recreates_the_append_only_triggers(tmp_path, settings):
    """9. A backup whose manifest hash is recomputed after dropping the append-only triggers restores without them."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MEDIA_ROOT.mkdir()
    muni = t.municipality()
    gate.check(t.staff(muni), t.person(muni), Action.VIEW, category=gate.BASIC, what="før kopi")
    triggers = _log_triggers()
    assert triggers, "the access log has no triggers to begin with"
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    try:
        # The attacker's backup: taken from a database whose triggers were
        # dropped, so its manifest hash is right for the trigger-less dump.
        with connection.cursor() as cursor:
            for name in triggers:
                on = "" if connection.vendor == "sqlite" else " ON access_accesslogentry"
                cursor.execute(f"DROP TRIGGER {name}{on}")
        call_command("backup", str(tmp_path / "kopi.tar"), **quiet)
        call_command("restore", str(tmp_path / "kopi.tar"), yes=True, **quiet)

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE access_accesslogentry SET what = 'endret'")
    finally:
        missing = {n: sql for n, sql in triggers.items() if n not in _log_triggers()}
        with connection.cursor() as cursor:
            for sql in missing.values():
                cursor.execute(sql)


def test_f9_production_is_the_default_and_needs_a_secret_key():
    """9. HELHET_DEMO_MODE defaults to on (with an insecure fallback key), so a deployment that forgets the variable runs as a demo."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELHET_")}
    env["HELHET_DATA_DIR"] = str(Path(django_settings.DATA_DIR))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    env["DJANGO_SETTINGS_MODULE"] = "helhet.settings"
    show = (
        "import django; django.setup(); from django.conf import settings as s; print(s.DEMO_MODE)"
    )

    with_key = subprocess.run(
        [sys.executable, "-c", show],
        env={**env, "HELHET_SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert with_key.stdout.strip() == "False", with_key.stdout + with_key.stderr

    without_key = subprocess.run(
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, timeout=120
    )
    assert without_key.returncode != 0, "production started without a secret key"
