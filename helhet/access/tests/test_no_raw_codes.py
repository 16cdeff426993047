"""No raw codes where a person reads: the staff access log and Min side's
«Hvem har sett opplysningene mine» name every basis in words."""

import re

import pytest
from django.urls import reverse

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.organisation.models import Role
from helhet.portal.tests.builders import world

pytestmark = pytest.mark.django_db


def _codes() -> list[str]:
    registered = [b.code for b in gate.BASES]
    return [*registered, gate.LIST, gate.REPRESENTATIVE, gate.LOG_REVIEW, "kommandolinje"]


def _log_every_basis(person, user):
    for code in _codes():
        AccessLogEntry.objects.create(
            municipality_id=person.municipality_id,
            user=user,
            username=user.username,
            role="Tjenesteyter",
            unit="Hjemmetjenesten",
            person=person,
            action=Action.VIEW,
            category=gate.BASIC,
            what="plan",
            basis=code,
            granted=True,
        )


def _assert_words_only(page: str):
    table = page[page.index("<table") : page.index("</table>")]
    for code in _codes():
        # A code with an underscore is never a word; any code alone in a cell
        # is the code shown as it is stored.
        if "_" in code:
            assert code not in table, code
        assert not re.search(rf">\s*{re.escape(code)}\s*<", table), code
    assert "Tjeneste etter vedtak" in table or "tjeneste etter vedtak" in table


def test_min_side_access_log_names_every_basis_in_words(client):
    w = world()
    _log_every_basis(w.person, w.coordinator)
    client.force_login(w.user)
    page = client.get(reverse("portal:access_log")).content.decode()
    _assert_words_only(page)
    assert "Koordinerende enhet (oversikt over planer)" in page
    assert "Søknad" in page or "søknad" in page  # the intake's bases, in their words


def test_staff_access_log_names_every_basis_in_words(client):
    w = world()
    _log_every_basis(w.person, w.coordinator)
    leader = t.staff(w.coordinator.staff.memberships.first().unit, Role.LEADER)
    client.force_login(leader)
    page = client.get(reverse("access:person_log", args=[w.person.pk])).content.decode()
    _assert_words_only(page)
    assert "Koordinerende enhet" in page
