"""Administrators cannot pose as users: no known second factor, no known
password for someone else; they reset, and the user comes back in through a
channel the administrator does not control. Every change is in an
append-only administration log that leaders read."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet import testing as t
from helhet.access.models import AdminLogEntry, AppendOnlyError
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db

KNOWN_KEY = "3132333435363738393031323334353637383930"
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def production(settings):
    settings.DEMO_MODE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def world(production):
    with time_machine.travel(T0, tick=False):
        muni = t.municipality()
        victim = t.staff(muni, Role.COORDINATING_UNIT, "kari")
        victim.email = "kari@kommune.example"
        victim.save()
        TOTPDevice.objects.create(user=victim, name="Helhet", confirmed=True)
        admin = get_user_model().objects.create_superuser("sysadm", "sysadm@it.example", "x")
        leader = t.staff(muni, Role.LEADER, "leder")
    return {"muni": muni, "victim": victim, "admin": admin, "leader": leader}


def _admin_client(client, admin):
    client.force_login(admin)
    session = client.session
    # The administrator himself has passed two factors.
    session["helhet_idp_two_factor"] = True
    session.save()
    return client


def test_admin_cannot_add_a_totp_device_with_a_known_key_for_another_user(client, world):
    _admin_client(client, world["admin"])
    before = TOTPDevice.objects.count()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    response = client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": world["victim"].pk,
            "name": "min",
            "confirmed": "on",
            "key": KNOWN_KEY,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
        },
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.count() == before
    assert not TOTPDevice.objects.filter(key=KNOWN_KEY).exists()
    # Nor change an existing device's key, nor read it.
    device = TOTPDevice.objects.get(user=world["victim"])
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    client.post(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        {"user": world["victim"].pk, "name": "x", "key": KNOWN_KEY, "confirmed": "on"},
    )
    device.refresh_from_db()
    assert device.key != KNOWN_KEY


def test_admin_cannot_set_a_known_password_for_another_user_in_production(client, world):
    _admin_client(client, world["admin"])
    url = reverse("admin:auth_user_password_change", args=[world["victim"].pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"password1": "Admin-vet-dette-1", "password2": "Admin-vet-dette-1"}
    )
    assert response.status_code == 403
    world["victim"].refresh_from_db()
    assert not world["victim"].check_password("Admin-vet-dette-1")
    assert world["victim"].check_password(t.PASSWORD)
    # He cannot log in as her: the password he tried does not work.
    client.logout()
    login = client.post(reverse("login"), {"username": "kari", "password": "Admin-vet-dette-1"})
    assert "_auth_user_id" not in client.session
    assert login.status_code in {200, 429}


def test_a_new_account_made_by_the_admin_has_no_password_he_knows(client, world):
    _admin_client(client, world["admin"])
    form = client.get(reverse("admin:auth_user_add")).content.decode()
    assert 'name="password1"' not in form
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "ny",
            "first_name": "Ny",
            "last_name": "Ansatt",
            "email": "ny@k.example",
            "password1": "Admin-vet-dette-1",
            "password2": "Admin-vet-dette-1",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="ny")
    assert not user.has_usable_password()
    assert AdminLogEntry.objects.filter(
        kind=AdminLogEntry.Kind.USER,
        change=AdminLogEntry.Change.CREATED,
        subject_user_id=user.pk,
        actor="sysadm",
    ).exists()


def test_in_demo_mode_the_admin_may_still_hand_out_passwords(client, world, settings):
    settings.DEMO_MODE = True
    client.force_login(world["admin"])
    url = reverse("admin:auth_user_password_change", args=[world["victim"].pk])
    client.post(url, {"password1": "Demo-passord-42", "password2": "Demo-passord-42"})
    world["victim"].refresh_from_db()
    assert world["victim"].check_password("Demo-passord-42")


def _reset(client, world):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_login", "_selected_action": [world["victim"].pk]},
    )


def test_reset_removes_password_and_devices_and_sends_a_link_to_an_old_address(client, world):
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        _admin_client(client, world["admin"])
        assert _reset(client, world).status_code == 302
        victim = get_user_model().objects.get(pk=world["victim"].pk)
        assert not victim.has_usable_password()
        assert not TOTPDevice.objects.filter(user=victim).exists()
        assert [m.to for m in mail.outbox] == [["kari@kommune.example"]]
        link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
        changes = list(
            AdminLogEntry.objects.filter(subject_user_id=victim.pk).values_list("change", flat=True)
        )
        assert AdminLogEntry.Change.RESET in changes
        assert AdminLogEntry.Change.LINK_SENT in changes
        assert AdminLogEntry.Change.DELETED in changes  # the device

        # The user (not the admin) chooses a password through the link.
        client.logout()
        path = link.split("testserver", 1)[1]
        form_page = client.get(path, follow=True)
        assert form_page.status_code == 200
        set_url = form_page.redirect_chain[-1][0]
        client.post(
            set_url, {"new_password1": "Kari-sitt-eget-9", "new_password2": "Kari-sitt-eget-9"}
        )
        victim.refresh_from_db()
        assert victim.check_password("Kari-sitt-eget-9")
        # The link works once.
        again = client.get(path, follow=True)
        assert "Lenken er brukt eller utløpt" in again.content.decode()

        # Logging in, she enrols a new authenticator herself.
        client.post(reverse("login"), {"username": "kari", "password": "Kari-sitt-eget-9"})
        response = client.get(reverse("people:search"))
        assert response["Location"].startswith(reverse("access:otp_setup"))


def test_no_link_when_the_admin_just_changed_the_address(client, world):
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        _admin_client(client, world["admin"])
        victim = world["victim"]
        victim.email = "sysadm-privat@it.example"
        victim.save()
        _reset(client, world)
        assert mail.outbox == []
        assert AdminLogEntry.objects.filter(
            subject_user_id=victim.pk, change=AdminLogEntry.Change.LINK_REFUSED
        ).exists()
        # Asking for a link on the login side does not help either.
        client.logout()
        client.post(reverse("access:enrol_request"), {"username": "kari"})
        assert mail.outbox == []
    # After the quiet period the address counts as the user's own.
    with time_machine.travel(T0 + dt.timedelta(days=38), tick=False):
        client.post(reverse("access:enrol_request"), {"username": "kari"})
        assert [m.to for m in mail.outbox] == [["sysadm-privat@it.example"]]


def test_asking_for_a_link_does_not_reveal_whether_a_username_exists(client, world):
    known = client.post(reverse("access:enrol_request"), {"username": "kari"}, follow=True)
    unknown = client.post(reverse("access:enrol_request"), {"username": "finnesikke"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    text = "Hvis brukernavnet finnes"
    assert text in known.content.decode() and text in unknown.content.decode()


def test_administration_log_is_append_only(world):
    entry = AdminLogEntry.objects.first()
    assert entry is not None
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AdminLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AdminLogEntry.objects.update(summary="x")
    for sql in (
        "UPDATE access_adminlogentry SET summary = 'x'",
        "DELETE FROM access_adminlogentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AdminLogEntry.objects.filter(pk=entry.pk, summary=entry.summary).exists()


def test_leaders_read_the_administration_log_others_do_not(client, world, settings):
    settings.DEMO_MODE = True
    client.force_login(world["leader"])
    page = client.get(reverse("access:admin_log"))
    assert page.status_code == 200
    assert "Brukerkonto kari" in page.content.decode()
    client.force_login(world["victim"])
    assert client.get(reverse("access:admin_log")).status_code == 403


def test_the_log_shows_field_names_in_norwegian_not_codes(client, world, settings):
    settings.DEMO_MODE = True
    victim = world["victim"]
    victim.email = "ny@kommune.example"
    victim.save()
    client.force_login(world["leader"])
    page = client.get(reverse("access:admin_log")).content.decode()
    assert "e-post" in page
    assert ">email<" not in page


def test_logins_themselves_are_not_administrative_changes(client, world, settings):
    settings.DEMO_MODE = True
    before = AdminLogEntry.objects.count()
    client.post(reverse("login"), {"username": "leder", "password": t.PASSWORD})
    assert "_auth_user_id" in client.session
    assert AdminLogEntry.objects.count() == before


def test_giving_an_account_admin_rights_or_groups_is_logged(world):
    from django.contrib.auth.models import Group

    victim = world["victim"]
    victim.is_staff = True
    victim.save()
    victim.groups.add(Group.objects.create(name="Brukerstøtte"))
    fields = set()
    for entry in AdminLogEntry.objects.filter(subject_user_id=victim.pk):
        fields |= set(entry.field_list)
    assert {"is_staff", "groups"} <= fields


def test_units_and_municipalities_changed_in_the_admin_are_logged_with_who(client, world):
    _admin_client(client, world["admin"])
    response = client.post(
        reverse("admin:organisation_municipality_change", args=[world["muni"].pk]),
        {"number": world["muni"].number, "name": "Nytt navn"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:organisation_unit_add"),
        {"municipality": world["muni"].pk, "code": "ny-enhet", "name": "Ny enhet", "kind": "annet"},
    )
    assert response.status_code == 302
    entries = AdminLogEntry.objects.filter(actor="sysadm", municipality_id=world["muni"].pk)
    assert entries.filter(
        kind=AdminLogEntry.Kind.MUNICIPALITY,
        change=AdminLogEntry.Change.CHANGED,
        fields__contains="name",
    ).exists()
    assert entries.filter(
        kind=AdminLogEntry.Kind.UNIT, change=AdminLogEntry.Change.CREATED
    ).exists()
