"""What Min side refuses after the gate granted is logged as refused."""

import pytest
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.portal.models import Representation
from helhet.portal.tests.builders import proxy, world

pytestmark = pytest.mark.django_db


def _last(person):
    return AccessLogEntry.objects.filter(person=person).order_by("-id").first()


def test_a_proxy_giving_a_proxy_is_logged_as_refused(client):
    w = world()
    user, _representation = proxy(w, read_plan=True, consents=True)

    client.force_login(user)
    client.post(
        reverse("portal:proxies"),
        {"username": user.username, "rights": ["read_plan"], "valid_to": "01.01.2027"},
    )
    assert Representation.objects.count() == 1
    last = _last(w.person)
    assert (last.user, last.granted, last.flagged) == (user, False, True)
    assert "Bare personen selv" in last.basis_detail


def test_a_proxy_revoking_a_proxy_is_logged_as_refused(client):
    w = world()
    user, representation = proxy(w, read_plan=True, consents=True)
    client.force_login(user)
    client.post(reverse("portal:proxy_revoke", args=[representation.pk]))
    representation.refresh_from_db()
    assert representation.revoked_at is None
    last = _last(w.person)
    assert (last.user, last.granted) == (user, False)
