import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result
from helhet.housing.models import (
    Dwelling,
    EarmarkNotice,
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    HousingRoutineVersion,
    Offer,
)
from helhet.nav.models import ActivityCondition, NonComplianceDecision
from helhet.organisation.models import Municipality

User = get_user_model()


def make_demo(seed, reset=False):
    call_command(
        "demo",
        persons=60,
        seed=seed,
        password="demo-passord-1",
        no_serve=True,
        reset=reset,
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )


def picture():
    return (
        sorted(HousingApplication.objects.values_list("person__national_id", "kind", "status")),
        sorted(Offer.objects.values_list("dwelling__address", "answer", "refusal_reason")),
        sorted(EmergencyStay.objects.values_list("place", "started_on", "ended_on")),
    )


def pages_work_for_the_demo_logins(client):
    """The housing officer, the NAV adviser and the auditor can do their work."""
    client.force_login(User.objects.get(username="bolig"))
    application = HousingApplication.objects.filter(status="venteliste").first()
    for name, args in [
        ("housing:index", []),
        ("housing:waiting_list", []),
        ("housing:dwellings", []),
        ("housing:criteria_list", []),
        ("housing:statistics", []),
        ("housing:application", [application.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    waiting = client.get(reverse("housing:waiting_list")).content.decode()
    assert "Plass 1:" in waiting
    client.force_login(User.objects.get(username="nav"))
    stays = client.get(reverse("housing:stays")).content.decode()
    assert "Hotell eller camping" in stays or "Kommunens akuttbolig" in stays
    assert client.get(reverse("nav:index")).status_code == 200
    refusal = EmergencyRefusal.objects.first()
    for name, args in [
        ("housing:refusal", [refusal.pk]),
        ("housing:refusal_letter", [refusal.pk]),
        ("housing:routines", []),
        ("nav:statistics", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    decision = NonComplianceDecision.objects.first()
    letter = client.get(reverse("nav:noncompliance_letter", args=[decision.pk]))
    assert letter["Content-Type"] == "application/pdf"
    client.force_login(User.objects.get(username="bolig"))
    decided = HousingApplication.objects.filter(decision__isnull=False, status="venteliste").first()
    assert client.get(reverse("housing:letter", args=[decided.pk])).status_code == 200
    client.force_login(User.objects.get(username="revisor"))
    report = client.get(reverse("audit:compliance")).content.decode()
    assert "Skriftlige tildelingskriterier" in report


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_eidskogs_volumes_and_the_same_seed_gives_the_same_housing(client):
    make_demo(seed=5)
    assert 185 <= Dwelling.objects.count() <= 195
    assert Dwelling.objects.filter(kind="akuttbolig").count() == 2
    assert Dwelling.objects.filter(
        earmarked_for="psykisk_helse", earmark_basis="servitutt"
    ).exists()
    assert Offer.objects.filter(answer="avslatt").exists()
    assert EarmarkNotice.objects.exists()
    assert EmergencyStay.objects.filter(place__in=["hotell", "camping"]).exists()
    muni = Municipality.objects.get(is_demo=True)
    today = max(
        HousingApplication.objects.latest("received_on").received_on + dt.timedelta(days=5),
        NonComplianceDecision.objects.latest("decided_on").decided_on,
    )
    for criterion_id in (
        "housing_criteria_written",
        "housing_decisions_appeal",
        "emergency_housing_followed",
        "housing_need_in_plan",
        "housing_preliminary_answer",
        "emergency_refusal_decided",
        "activity_conditions_followed",
        "activity_noncompliance_decided",
    ):
        report = audit.build(
            municipality_id=muni.pk,
            start=today - dt.timedelta(days=365),
            end=today,
            criteria=[BY_ID[criterion_id]],
        )[0]
        assert report.outcomes, criterion_id
    written = audit.build(
        municipality_id=muni.pk,
        start=today - dt.timedelta(days=365),
        end=today,
        criteria=[BY_ID["housing_criteria_written"]],
    )[0]
    # Staffed dwellings have no written criteria in the demo, as an audit found.
    assert any(o.result == Result.NOT_MET for o in written.outcomes)
    noncompliance = audit.build(
        municipality_id=muni.pk,
        start=today - dt.timedelta(days=365),
        end=today,
        criteria=[BY_ID["activity_noncompliance_decided"]],
    )[0]
    # One decision in the demo printed four weeks: the report finds it.
    assert {o.result for o in noncompliance.outcomes} == {Result.MET, Result.NOT_MET}
    assert HousingRoutineVersion.objects.count() == 2
    assert ActivityCondition.objects.filter(decision__isnull=False).exists()
    pages_work_for_the_demo_logins(client)
    first = picture()
    make_demo(seed=5, reset=True)
    assert picture() == first
