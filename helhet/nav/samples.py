"""Sample builders for the URL walker. Tests only."""

import datetime as dt

from django.contrib.auth import get_user_model

from helhet.nav.models import ActivityCondition, AdviceCase, QualificationProgramme
from helhet.organisation.models import Unit


def _unit(person):
    found = Unit.objects.filter(municipality=person.municipality, kind=Unit.Kind.NAV).first()
    return found or Unit.objects.create(
        municipality=person.municipality, kind=Unit.Kind.NAV, code="eksempel-nav", name="NAV"
    )


def condition(person, ids) -> int:
    user = get_user_model().objects.get_or_create(username="naveksempel")[0]
    return ActivityCondition.objects.create(
        person=person,
        unit=_unit(person),
        condition="Møte på kurs",
        activity="Jobbkurs",
        set_on=dt.date(2026, 3, 1),
        follow_up_by=user,
    ).pk


def programme(person, ids) -> int:
    return QualificationProgramme.objects.create(
        person=person,
        unit=_unit(person),
        state="vurdert",
        assessed_on=dt.date(2026, 3, 1),
        assessment="Vurdert",
    ).pk


def case(person, ids) -> int:
    return AdviceCase.objects.create(
        person=person, unit=_unit(person), kind="gjeld", opened_on=dt.date(2026, 3, 1), given="Råd"
    ).pk


def noncompliance(person, ids) -> int:
    from helhet.nav.models import NonComplianceDecision

    found = ActivityCondition.objects.get(pk=condition(person, ids))
    return NonComplianceDecision.objects.create(
        condition=found,
        decided_on=dt.date(2026, 4, 1),
        reduces=True,
        reasons="Møtte ikke",
        appeal_body="Statsforvalteren",
        appeal_weeks=3,
        decided_by=found.follow_up_by,
    ).pk
