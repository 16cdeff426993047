import datetime as dt
import time

import pytest
from django.utils import timezone

from helhet import testing
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext
from helhet.intake import demo, rules, services
from helhet.intake.models import Appeal, Application, Decision, SocialAssistanceFacts
from helhet.organisation.models import Role, Unit
from helhet.people.models import Service

pytestmark = pytest.mark.django_db


def _context(persons=300):
    muni = testing.municipality(name="Fjordvik")
    units = {kind: testing.unit(muni, kind) for kind in Unit.Kind.values}
    for kind in units:
        units[kind].code = kind
        units[kind].save()
    users = {
        "saksbehandler": testing.staff(units["tildeling"], Role.CASEWORKER),
        "leder-tildeling": testing.staff(units["tildeling"], Role.LEADER),
        "ke": testing.staff(units["ke"], Role.COORDINATING_UNIT),
        "leder-ke": testing.staff(units["ke"], Role.LEADER),
        "nav": testing.staff(units["nav"], Role.NAV_ADVISER),
        "leder-nav": testing.staff(units["nav"], Role.LEADER),
        "leder": testing.staff(units["psykisk_rus"], Role.LEADER),
        "koordinator": testing.staff(units["psykisk_rus"], Role.SERVICE_PROVIDER),
        "ansatt-1": testing.staff(units["miljoarbeid"], Role.SERVICE_PROVIDER),
    }
    today = timezone.localdate()
    people = [
        testing.person(muni, born=today - dt.timedelta(days=365 * (18 + i % 60) + i))
        for i in range(persons)
    ]
    return DemoContext(
        seed=11,
        today=today,
        municipality=muni,
        units=units,
        users=users,
        persons=people,
        progress=lambda message: None,
    )


def test_demo_covers_every_state_and_the_broken_rules():
    ctx = _context()
    started = time.perf_counter()
    demo.populate(ctx)
    assert time.perf_counter() - started < 5
    today = ctx.today

    apps = list(Application.objects.select_related("person"))
    assert not Application.objects.filter(acknowledged_on__gt=today).exists()
    assert not Application.objects.filter(preliminary_sent_on__gt=today).exists()
    assert not Decision.objects.filter(decided_on__gt=today).exists()
    states = {
        rules.preliminary_answer_state(a.received_on, today, sent_on=a.preliminary_sent_on)
        for a in apps
        if a.is_open
    }
    assert rules.State.OVERDUE in states
    decisions = Decision.objects.all()
    assert decisions.filter(outcome="avslag").exists()
    assert decisions.filter(approved_by__isnull=True).exists()
    unstarted = decisions.filter(
        outcome="innvilget", approved_by__isnull=False, started_on__isnull=True
    ).exclude(application__kind="ip_koordinator")
    assert unstarted.exists()
    started_decisions = decisions.filter(started_on__isnull=False).exclude(
        application__kind="ip_koordinator"
    )
    assert (
        Service.objects.filter(
            decision_reference__in=[d.reference for d in started_decisions]
        ).count()
        == started_decisions.count()
    )
    assert Appeal.objects.exists()
    escalated = [
        a
        for a in CoordinatorAssignment.objects.filter(coordinator__isnull=True)
        if rules.naming_state(a.assigned_on, None, today, days=demo.NAMING_DAYS)
        == rules.State.ESCALATED
    ]
    assert len(escalated) >= 2
    assert all(a.escalated_on for a in escalated)

    young = SocialAssistanceFacts.objects.filter(application__decision__outcome="innvilget")
    assert young.exclude(activity_condition="").exists()
    assert young.filter(activity_condition="", weighty_reasons="").exists()

    # The demo logins have something on their work lists.
    for login in ["saksbehandler", "ke", "nav"]:
        assert services.work_items(user=ctx.users[login], today=today)
