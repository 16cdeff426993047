"""The register's rules and the form evaluation."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.consent import rules, services
from helhet.consent.models import Category, Consent, ConsentEvent
from helhet.consent.services import Scope
from helhet.organisation.models import Unit
from helhet.testing import consent


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(2026, 3, 2), dt.date(2027, 3, 1)),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 30)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27)),
    ],
)
def test_default_end_is_twelve_months(start, expected):
    assert rules.default_valid_to(start) == expected


def test_period_rules():
    day = dt.date(2026, 1, 1)
    assert rules.period_errors(day, day) == {}
    assert "valid_to" in rules.period_errors(day, day - dt.timedelta(days=1))
    assert "valid_to" in rules.period_errors(day, dt.date(2029, 1, 2))


def test_staff_is_never_the_giver():
    assert "given_by" in rules.giver_errors("ansatt", "", "signert", is_staff_actor=True)
    assert "given_how" in rules.giver_errors("person", "", "digitalt", is_staff_actor=True)
    assert rules.giver_errors("verge", "Ola Verge", "signert", is_staff_actor=True) == {}


@pytest.mark.django_db
def test_plan_coverage_reads_only_plan_scopes():
    muni = t.municipality()
    nav, health = t.unit(muni, Unit.Kind.NAV), t.unit(muni, Unit.Kind.HOME_CARE)
    person = t.person(muni)
    consent(person, units=[nav], categories=[Category.PLAN])
    consent(person, units=[health], categories=[Category.HEALTH], covers_plan=False)
    covers, units, partners = services.plan_coverage(person_ids=[person.pk])[person.pk]
    assert covers and units == {nav.pk} and partners == set()


@pytest.mark.django_db
def test_evaluation_counts_given_declined_withdrawn_and_expired():
    muni = t.municipality()
    nav = t.unit(muni, Unit.Kind.NAV, name="NAV")
    people = [t.person(muni, born=dt.date(1980, 1, 1 + n)) for n in range(4)]
    offered = [Scope("u", nav.pk, c) for c in (Category.PLAN, Category.SOCIAL)]
    fields = {
        "purpose": "Samarbeid",
        "given_how": Consent.GivenHow.SIGNED,
        "form_version": "2026-1",
        "valid_from": dt.date(2026, 1, 1),
    }
    plan_only = {offered[0]}
    expired = services.register(
        person=people[0],
        actor=None,
        scopes=plan_only,
        offered=offered,
        valid_to=dt.date(2026, 2, 1),
        **fields,
    )
    withdrawn = services.register(
        person=people[1],
        actor=None,
        scopes=plan_only,
        offered=offered,
        valid_to=dt.date(2026, 12, 31),
        **fields,
    )
    services.withdraw(consent_id=withdrawn.pk, actor=None)
    renewed = services.register(
        person=people[2],
        actor=None,
        scopes=plan_only,
        offered=offered,
        valid_to=dt.date(2026, 2, 1),
        **fields,
    )
    services.register(
        person=people[2],
        actor=None,
        scopes=plan_only,
        offered=offered,
        valid_to=dt.date(2026, 12, 31),
        renews=renewed,
        **fields,
    )
    services.register(
        person=people[3],
        actor=None,
        scopes=set(),
        offered=offered,
        **fields,
        valid_to=dt.date(2026, 12, 31),
    )
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        result = services.evaluation(municipality_id=muni.pk)
    by_category = {label: tally for _v, label, tally in result["by_category"]}
    plan = by_category[Category.PLAN.label]
    social = by_category[Category.SOCIAL.label]
    assert (plan.given, plan.declined, plan.withdrawn, plan.expired_unrenewed) == (4, 1, 1, 1)
    assert (social.given, social.declined) == (0, 5)
    assert social.refusal_rate == 100 and plan.refusal_rate == 20
    assert expired.status(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)) == "utlopt"
    assert ConsentEvent.objects.filter(kind="fornyet", consent=renewed).exists()


@pytest.mark.django_db
def test_consent_history_is_append_only():
    muni = t.municipality()
    person = t.person(muni)
    event = ConsentEvent.objects.create(person=person, kind=ConsentEvent.Kind.PRINTED)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
