"""Login security: lockout, two factors for staff, OpenID Connect mapping,
session timeout, and no person data in application logs."""

import datetime as dt
import logging

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet import testing as t
from helhet.access import oidc
from helhet.access.logfilter import MaskNationalIds
from helhet.access.twofactor import IDP_TWO_FACTOR

pytestmark = pytest.mark.django_db


def _login(client, username, password=t.PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_repeated_failed_logins_lock_the_username(client):
    user = t.staff(t.municipality(), username="lise")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "lise", "feil-passord")
    locked = _login(client, "lise")
    assert locked.status_code == 429
    assert "midlertidig sperret" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_a_successful_login_before_the_limit_resets_the_count(client):
    t.staff(t.municipality(), username="per")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "per", "feil")
    assert _login(client, "per").status_code == 302


def test_staff_must_enrol_and_verify_a_second_factor_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    t.staff(t.municipality(), username="kim")
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        _login(client, "kim")
        response = client.get(reverse("people:search"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("access:otp_setup"))
        setup = client.get(response["Location"])
        assert "data:image/svg+xml;base64," in setup.content.decode()
        device = TOTPDevice.objects.get(confirmed=False)
        wrong = client.post(reverse("access:otp_setup"), {"token": "000000"})
        assert "Koden stemmer ikke" in wrong.content.decode()
        clock.shift(60)  # django-otp throttles after a wrong code
        client.post(reverse("access:otp_setup"), {"token": _code(device)})
        assert client.get(reverse("people:search")).status_code == 200

        client.post(reverse("logout"))
        _login(client, "kim")
        response = client.get(reverse("people:search"))
        assert response["Location"].startswith(reverse("access:otp_verify"))
        # A password alone cannot enrol another device.
        assert client.get(reverse("access:otp_setup"))["Location"].startswith(
            reverse("access:otp_verify")
        )
        clock.shift(60)  # a code is accepted once only
        device.refresh_from_db()
        client.post(reverse("access:otp_verify"), {"token": _code(device)})
        assert client.get(reverse("people:search")).status_code == 200


def test_demo_mode_does_not_require_a_second_factor(client, settings):
    settings.DEMO_MODE = True
    t.staff(t.municipality(), username="demo1")
    _login(client, "demo1")
    assert client.get(reverse("people:search")).status_code == 200


def test_a_person_in_the_portal_needs_no_totp(client, settings):
    from django.contrib.auth import get_user_model

    settings.DEMO_MODE = False
    get_user_model().objects.create_user("innbygger", password=t.PASSWORD)
    _login(client, "innbygger")
    # Straight to Min side, not to the TOTP pages.
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")


def test_identity_provider_two_factor_replaces_totp(client, settings):
    settings.DEMO_MODE = False
    user = t.staff(t.municipality(), username="sso")
    client.force_login(user)
    session = client.session
    session[IDP_TWO_FACTOR] = True
    session.save()
    assert client.get(reverse("people:search")).status_code == 200


def test_oidc_maps_pid_to_the_persons_user_and_staff_claim_to_username(settings):
    from django.contrib.auth import get_user_model

    muni = t.municipality()
    person = t.person(muni)
    person.user = get_user_model().objects.create_user("kari-portal")
    person.save()
    staff = t.staff(muni, username="ola.nordmann")
    assert list(oidc.users_for_claims({"pid": person.national_id})) == [person.user]
    assert list(oidc.users_for_claims({"pid": "12345678901"})) == []
    settings.OIDC_STAFF_CLAIM = "preferred_username"
    assert list(oidc.users_for_claims({"preferred_username": "OLA.NORDMANN"})) == [staff]
    assert list(oidc.users_for_claims({"preferred_username": "kari-portal"})) == []
    assert list(oidc.users_for_claims({})) == []


def test_oidc_two_factor_claims():
    assert oidc.idp_did_two_factor({"acr": "idporten-loa-high"})
    assert oidc.idp_did_two_factor({"amr": ["pwd", "mfa"]})
    assert not oidc.idp_did_two_factor({"acr": "idporten-loa-low", "amr": "pwd"})


def test_oidc_pages_are_not_found_when_not_configured(client, settings):
    settings.OIDC_ENABLED = False
    assert client.get(reverse("access:oidc_init")).status_code == 404
    assert "Logg inn med" not in client.get(reverse("login")).content.decode()


def test_login_page_offers_the_identity_provider_when_configured(client, settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_LABEL = "ID-porten"
    assert "Logg inn med ID-porten" in client.get(reverse("login")).content.decode()


def test_session_times_out_after_thirty_minutes_of_inactivity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert (
        settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher") or settings.PASSWORD_HASHERS
    )


def test_log_filter_masks_national_ids(caplog):
    logger = logging.getLogger("helhet.test")
    logger.addFilter(MaskNationalIds())
    with caplog.at_level(logging.WARNING, logger="helhet.test"):
        logger.warning("Not Found: /personer/%s/", "17059012345")
    assert "17059012345" not in caplog.text
    assert "***********" in caplog.text


def test_logging_never_writes_request_bodies():
    handlers = settings.LOGGING["handlers"].values()
    assert all("AdminEmailHandler" not in h["class"] for h in handlers)
    assert all("no_person_data" in h.get("filters", []) for h in handlers)
    assert "django.request" not in settings.LOGGING.get("loggers", {})


def test_oidc_login_maps_pid_and_skips_totp_after_idporten_two_factor(client, settings):
    from unittest import mock
    from urllib.parse import parse_qs, urlparse

    from django.contrib.auth import get_user_model
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    settings.DEMO_MODE = False
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "helhet"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "helhet.access.oidc.HelhetOIDCBackend",
    ]
    muni = t.municipality()
    person = t.person(muni)
    person.user = get_user_model().objects.create_user("kari-id")
    person.save()

    start = client.get(reverse("access:oidc_init"))
    assert start.status_code == 302
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    claims = {"pid": person.national_id, "acr": "idporten-loa-high"}
    with (
        mock.patch.object(OIDCAuthenticationBackend, "get_token", return_value={"id_token": "x"}),
        mock.patch.object(OIDCAuthenticationBackend, "verify_token", return_value=claims),
        mock.patch.object(OIDCAuthenticationBackend, "get_userinfo", return_value=claims),
    ):
        done = client.get(reverse("access:oidc_callback"), {"code": "c", "state": state})
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.user.pk
    assert client.session[IDP_TWO_FACTOR] is True
