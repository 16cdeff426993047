"""Login with OpenID Connect as it will really happen: against a real OpenID
provider (oidc-provider-mock, a Flask server) on loopback. Nothing in the
login is mocked — Helhet redirects to the provider, the provider redirects
back with a code, and Helhet exchanges it over HTTP for a signed ID token,
checks the signature against the provider's keys and fetches userinfo.

The provider runs in a thread of the test process, bound to 127.0.0.1 on a
free port, and stops when the module's tests end (bounded wait).
"""

import contextlib
import logging
import os
import threading
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import werkzeug.serving
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet import testing as t
from helhet.access import recovery
from helhet.access.models import AdminLogEntry
from helhet.access.twofactor import IDP_TWO_FACTOR
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db

HTTP_TIMEOUT = 10


@contextlib.contextmanager
def _provider_on_loopback():
    from oidc_provider_mock import app

    # The provider speaks plain HTTP on loopback; authlib insists on HTTPS otherwise.
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(require_nonce=True), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous


@pytest.fixture(scope="module")
def provider_url():
    with _provider_on_loopback() as url:
        yield url


@pytest.fixture
def provider(provider_url, settings):
    config = requests.get(
        f"{provider_url}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT
    ).json()
    settings.DEMO_MODE = False
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "helhet"
    settings.OIDC_RP_CLIENT_SECRET = "helhet-hemmelighet"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = config["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = config["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = config["end_session_endpoint"]
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid profile"
    settings.OIDC_STAFF_CLAIM = "preferred_username"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "helhet.access.oidc.HelhetOIDCBackend",
    ]
    return provider_url


def _set_claims(provider_url: str, sub: str, claims: dict) -> None:
    response = requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=HTTP_TIMEOUT)
    assert response.status_code in {200, 204}


def _oidc_login(client, provider_url: str, sub: str, claims: dict):
    """The whole round trip: Helhet → provider (the user picks ``sub``) → Helhet."""
    _set_claims(provider_url, sub, claims)
    start = client.get(reverse("access:oidc_init"))
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider_url)
    # The provider's login form; the user "logs in" as ``sub``.
    answer = requests.post(
        authorize, data={"sub": sub}, allow_redirects=False, timeout=HTTP_TIMEOUT
    )
    assert answer.status_code == 302, answer.text[:500]
    back = urlparse(answer.headers["Location"])
    assert back.path == reverse("access:oidc_callback")
    assert "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_person_logs_in_by_pid(client, provider):
    muni = t.municipality()
    person = t.person(muni)
    person.user = get_user_model().objects.create_user("kari-portal")
    person.save()
    done = _oidc_login(
        client, provider, "kari", {"pid": person.national_id, "acr": "idporten-loa-substantial"}
    )
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.user.pk
    # Straight to Min side.
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")


def test_staff_member_by_the_staff_claim_with_two_factor_at_the_provider(client, provider):
    user = t.staff(t.municipality(), Role.COORDINATING_UNIT, "ola.nordmann")
    _oidc_login(
        client, provider, "ola", {"preferred_username": "Ola.Nordmann", "amr": ["pwd", "mfa"]}
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session[IDP_TWO_FACTOR] is True
    # No TOTP step: the provider did two factors.
    assert client.get(reverse("people:search")).status_code == 200


def test_totp_step_is_not_skipped_for_a_one_factor_login(client, provider):
    user = t.staff(t.municipality(), Role.COORDINATING_UNIT, "per.hansen")
    TOTPDevice.objects.create(user=user, name="Helhet", confirmed=True)
    _oidc_login(
        client, provider, "per", {"preferred_username": "per.hansen", "acr": "idporten-loa-low"}
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not client.session.get(IDP_TWO_FACTOR)
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:otp_verify"))


def test_an_unknown_pid_is_refused_and_logged(client, provider, caplog):
    t.person(t.municipality())
    unknown = "01010112345"
    with caplog.at_level(logging.WARNING, logger="helhet.access.oidc"):
        done = _oidc_login(client, provider, "ukjent", {"pid": unknown, "acr": "idporten-loa-high"})
    assert done.status_code == 302
    assert done["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "OpenID Connect login refused" in caplog.text
    assert unknown not in caplog.text
    page = client.get(reverse("login"))
    assert "Du har ingen bruker i Helhet" in page.content.decode()


def test_logout_ends_helhet_session_and_the_providers(client, provider):
    t.staff(t.municipality(), Role.COORDINATING_UNIT, "lise")
    _oidc_login(client, provider, "lise", {"preferred_username": "lise", "acr": "mfa"})
    assert "_auth_user_id" in client.session
    out = client.post(reverse("logout"))
    assert out.status_code == 302
    assert out["Location"].startswith(settings_end_session(provider))
    assert "id_token_hint=" in out["Location"]
    assert "_auth_user_id" not in client.session
    # The provider answers its end-session page.
    ended = requests.get(out["Location"], timeout=HTTP_TIMEOUT)
    assert ended.status_code == 200
    assert client.get(reverse("people:search"))["Location"].startswith(reverse("login"))


def settings_end_session(provider_url: str) -> str:
    return f"{provider_url}/oauth2/end_session"


def test_after_an_admin_reset_the_user_enrols_a_new_second_factor_through_the_provider(
    client, provider
):
    muni = t.municipality()
    user = t.staff(muni, Role.COORDINATING_UNIT, "anne")
    old = TOTPDevice.objects.create(user=user, name="Helhet", confirmed=True)
    admin = get_user_model().objects.create_superuser("sysadm", "", "x")
    recovery.reset_login(user=user, by=admin)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    # The password no longer works, whatever it was.
    client.post(reverse("login"), {"username": "anne", "password": t.PASSWORD})
    assert "_auth_user_id" not in client.session

    # Back in through the provider, which proved who it is...
    _oidc_login(
        client, provider, "anne", {"preferred_username": "anne", "acr": "idporten-loa-substantial"}
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    # ...and she enrols a new authenticator herself; the key is hers alone.
    setup = client.get(reverse("access:otp_setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("access:otp_setup"), {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    entries = AdminLogEntry.objects.filter(subject_user_id=user.pk, kind=AdminLogEntry.Kind.DEVICE)
    assert entries.filter(change=AdminLogEntry.Change.DELETED, actor="sysadm").exists()
    assert entries.filter(change=AdminLogEntry.Change.CREATED, actor="anne").exists()


def test_an_account_just_renamed_to_the_admins_identity_does_not_log_him_in(client, provider):
    """The administrator renames a colleague's account to his own identity at
    the provider: logging in there must not make him the colleague."""
    victim = t.staff(t.municipality(), Role.COORDINATING_UNIT, "kari.k")
    victim.username = "sysadm.privat"
    victim.save()
    _oidc_login(client, provider, "adm", {"preferred_username": "sysadm.privat", "acr": "mfa"})
    assert "_auth_user_id" not in client.session
    assert AdminLogEntry.objects.filter(
        subject_user_id=victim.pk, change=AdminLogEntry.Change.CHANGED, fields__contains="username"
    ).exists()
