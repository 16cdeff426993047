"""NAV decisions on financial assistance to young people: the rules block a
decision that breaks sosialtjenesteloven §§ 17, 20 a, 29 or the child's rights."""

import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.intake.models import Application, Decision, SocialAssistanceFacts
from helhet.intake.tests.builders import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 10, 0), tick=False):
        yield


@pytest.fixture
def nav_case(world):
    person = testing.person(world.muni, born=dt.date(2001, 6, 1))  # 23 at the decision
    app = application(
        world,
        person=person,
        unit=world.units.nav,
        kind=Application.Kind.FINANCIAL,
        received_on=dt.date(2025, 2, 20),
    )
    SocialAssistanceFacts.objects.create(application=app)
    return app


def grant(client, world, app):
    client.force_login(world.users.nav)
    return client.post(
        f"/inntak/soknad/{app.pk}/vedtak/",
        {
            "outcome": Decision.Outcome.GRANTED,
            "decided_on": "2025-03-05",
            "service_name": "Økonomisk stønad til livsopphold",
            "scope": "Kr 7 500 per måned",
            "provider": world.units.nav.pk,
            "period_from": "2025-03-01",
            "period_to": "2025-05-31",
            "evaluation_on": "2025-05-15",
        },
    )


def facts(client, app, **data):
    base = {
        "guidance_informed": "on",
        "guidance_wish": "onsker",
        "activity_condition": "Delta i jobbklubb tre dager i uken.",
        "kvp_criteria": "nei",
    }
    base.update(data)
    return client.post(f"/inntak/soknad/{app.pk}/nav/", {k: v for k, v in base.items() if v})


def test_under_30_without_activity_condition_or_reasons_is_blocked(client, world, nav_case):
    client.force_login(world.users.nav)
    facts(client, nav_case, activity_condition="")
    response = grant(client, world, nav_case)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Søkeren er under 30 år: still vilkår om aktivitet" in page
    assert "sosialtjenesteloven § 20 a" in page
    assert not Decision.objects.exists()


def test_weighty_reasons_documented_allow_assistance_without_condition(client, world, nav_case):
    client.force_login(world.users.nav)
    facts(
        client, nav_case, activity_condition="", weighty_reasons="Alvorlig syk, sykemeldt av lege."
    )
    assert grant(client, world, nav_case).status_code == 302
    assert Decision.objects.get().outcome == Decision.Outcome.GRANTED


def test_guidance_information_missing_blocks_the_decision(client, world, nav_case):
    client.force_login(world.users.nav)
    facts(client, nav_case, guidance_informed="", guidance_wish="")
    page = grant(client, world, nav_case).content.decode()
    assert "informert om og oppfordret til å søke opplysning, råd og veiledning" in page
    assert not Decision.objects.exists()


def test_kvp_must_be_assessed_before_assistance_with_activity_conditions(client, world, nav_case):
    client.force_login(world.users.nav)
    facts(client, nav_case, kvp_criteria="ja")
    assert "kvalifiseringsprogrammet" in grant(client, world, nav_case).content.decode()
    facts(client, nav_case, kvp_criteria="ja", kvp_assessed_on="2025-03-01")
    assert grant(client, world, nav_case).status_code == 302


def test_seventeen_year_old_must_be_heard_and_best_interests_assessed(client, world, nav_case):
    client.force_login(world.users.nav)
    facts(client, nav_case, covers_child_17="on")
    page = grant(client, world, nav_case).content.decode()
    assert "17-åringen som omfattes av søknaden må bli hørt" in page
    assert "barnets beste" in page
    facts(
        client,
        nav_case,
        covers_child_17="on",
        child_heard_on="2025-03-01",
        best_interests="Gutten ønsker å bo hjemme; stønaden sikrer det.",
    )
    assert grant(client, world, nav_case).status_code == 302


def test_caseworker_outside_nav_cannot_record_nav_facts(client, world, nav_case):
    client.force_login(world.users.caseworker)
    assert facts(client, nav_case).status_code == 403
