"""Failed logins lock a username only from the address they came from."""

from django.conf import settings
from django.urls import reverse

from helhet import testing as t


def _login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_attacker_cannot_lock_a_colleague_out(client, db):
    t.staff(t.municipality(), username="kollega")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "kollega", "feil-passord", "203.0.113.9")
    # The attacker's address is locked for that username …
    locked = _login(client, "kollega", t.PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "midlertidig sperret" in locked.content.decode()
    # … the colleague at her own desk logs in as usual.
    assert _login(client, "kollega", t.PASSWORD, "198.51.100.4").status_code == 302
    assert "_auth_user_id" in client.session


def test_the_lockout_includes_the_address_and_the_check_does_not_warn():
    from django.core import checks

    assert ["username", "ip_address"] in settings.AXES_LOCKOUT_PARAMETERS
    assert "username" not in settings.AXES_LOCKOUT_PARAMETERS
    assert not [w for w in checks.run_checks() if w.id == "axes.W006"]
