"""A change the page refuses after the gate granted is logged as refused."""

import pytest

from helhet import testing as t
from helhet.access import afterwards
from helhet.access.models import AccessLogEntry
from helhet.intake import samples
from helhet.intake.models import Decision
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    muni = t.municipality()
    person = t.person(muni)
    decision = Decision.objects.get(pk=samples.decision(person, {}))
    decision.approved_by = decision.approved_on = None
    decision.save()
    caseworker = t.staff(decision.application.unit, Role.CASEWORKER)
    return person, decision, caseworker


@pytest.mark.parametrize(
    ("url", "field"),
    [("/inntak/vedtak/{}/signer/", "approved_by"), ("/inntak/vedtak/{}/oppstart/", "started_on")],
)
def test_a_refused_sign_or_start_is_logged_as_refused(client, case, url, field):
    person, decision, caseworker = case
    client.force_login(caseworker)
    response = client.post(url.format(decision.pk), {"started_on": "2026-02-01"})
    assert response.status_code == 403
    last = AccessLogEntry.objects.filter(person=person).order_by("-id").first()
    assert last.granted is False and last.flagged
    assert last.user == caseworker
    decision.refresh_from_db()
    assert getattr(decision, field) is None


def test_nothing_extra_is_logged_when_the_gate_itself_refused(client, case):
    person, decision, _caseworker = case
    outsider = t.staff(t.unit(person.municipality), Role.SERVICE_PROVIDER)
    client.force_login(outsider)
    assert client.post(f"/inntak/vedtak/{decision.pk}/signer/").status_code in (403, 404)
    assert not AccessLogEntry.objects.filter(person=person, granted=True).exists()
    assert AccessLogEntry.objects.filter(person=person, user=outsider).count() <= 1


def test_outside_a_request_nothing_is_noted(case):
    person, _decision, caseworker = case
    assert afterwards.log_refusal(caseworker, "x") == 0
