"""Users' voice at system level (hol. § 3-10): recorded by leaders, read by
staff, refused to others, judged by the criterion — nothing registered is no
data, not a breach."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.audit import rules
from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result as R
from helhet.organisation.models import Role
from helhet.voice.models import Consultation, UserBody

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield TODAY


def test_the_rule_counts_consultations_and_never_calls_an_empty_register_a_breach():
    assert rules.user_involvement(0, 0, 0, 0).result == R.NOT_APPLICABLE
    assert "Ingen data" in rules.user_involvement(0, 0, 0, 0).evidence
    assert rules.user_involvement(1, 0, 0, 1).result == R.NOT_MET
    found = rules.user_involvement(2, 3, 2, 1)
    assert found.result == R.MET and "3 ganger hørt" in found.evidence


def test_a_leader_records_a_council_and_a_consultation_and_the_criterion_shows_it(client):
    muni = t.municipality()
    leader = t.staff(t.unit(muni), Role.LEADER)
    client.force_login(leader)
    response = client.post(
        "/brukerstemme/organ/ny/",
        {"kind": "brukerrad", "name": "Brukerrådet", "active_from": "2025-01-01"},
    )
    assert response.status_code == 302
    body = UserBody.objects.get(municipality=muni)
    response = client.post(
        "/brukerstemme/medvirkning/ny/",
        {
            "body": body.pk,
            "held_on": "2026-05-01",
            "topic": "rutine",
            "subject": "Rutine for ansvarsgrupper",
            "outcome_on": "2026-05-20",
        },
    )
    assert response.status_code == 400
    assert "Beskriv hva det førte til" in response.content.decode()
    assert not Consultation.objects.exists()
    data = {
        "body": body.pk,
        "held_on": "2026-05-01",
        "topic": "rutine",
        "subject": "Rutine for ansvarsgrupper",
        "outcome": "Rutinen endret",
        "outcome_on": "2026-05-20",
    }
    assert client.post("/brukerstemme/medvirkning/ny/", data).status_code == 302
    assert "Rutinen endret" in client.get("/brukerstemme/").content.decode()
    report = audit.build(
        municipality_id=muni.pk,
        start=dt.date(2025, 6, 15),
        end=TODAY,
        criteria=[BY_ID["user_involvement_system"]],
    )[0]
    assert (report.total.met, report.total.not_met) == (1, 0)


def test_a_service_provider_reads_but_may_not_record_and_a_non_staff_user_is_refused(client):
    muni = t.municipality()
    provider = t.staff(t.unit(muni), Role.SERVICE_PROVIDER)
    client.force_login(provider)
    assert client.get("/brukerstemme/").status_code == 200
    assert client.get("/brukerstemme/organ/ny/").status_code == 403
    client.force_login(_citizen())
    assert client.get("/brukerstemme/").status_code == 403


def _citizen():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("innbygger", password=t.PASSWORD)
