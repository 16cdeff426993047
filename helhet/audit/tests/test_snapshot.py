"""The stored compliance report (docs/performance.md): the page reads a snapshot computed
nightly, on the day's first view or on request, says when it was computed, and
shows the same figures as a live computation."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from helhet import testing as t
from helhet.audit import services
from helhet.audit.criteria import BY_ID, CRITERIA, Declared, Scope, UndeclaredFact
from helhet.audit.models import ComplianceSnapshot
from helhet.audit.tests import builders as b
from helhet.organisation.models import Role
from helhet.people.models import Service

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 6, 15, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def world():
    """Persons served by two units, one plan with its revision date passed."""
    muni = t.municipality()
    mine, other = b.units(muni)
    for given_name in ("Anna", "Berit", "Carl"):
        person = b.person(muni, given_name=given_name)
        t.service(person, mine)
        t.service(person, other, basis=Service.Basis.OTHER, type_code="praktisk_bistand")
    b.plan(person, revision_due=dt.date(2026, 1, 1))
    leader = t.staff(mine, Role.LEADER)
    return muni, mine, leader


def tallies(reports) -> dict:
    def counts(tally):
        return (tally.met, tally.not_met, tally.not_applicable)

    return {
        r.criterion.id: (counts(r.total), {u: counts(x) for u, x in r.per_unit.items()})
        for r in reports
    }


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("audit:compliance"), params)


def stored_at() -> list:
    return sorted(ComplianceSnapshot.objects.values_list("pk", "computed_at"))


@time_machine.travel(MORNING, tick=False)
def test_the_stored_report_equals_the_live_computation_in_total_and_per_unit(world):
    muni, mine, _leader = world
    start, end = services.period(start=None, end=None, today=timezone.localdate())

    stored = services.stored_report(municipality_id=muni.pk, start=start, end=end)
    for_unit = services.stored_report(
        municipality_id=muni.pk, start=start, end=end, unit_id=mine.pk
    )

    assert tallies(stored.reports) == tallies(
        services.build(municipality_id=muni.pk, start=start, end=end)
    )
    assert tallies(for_unit.reports) == tallies(
        services.build(municipality_id=muni.pk, start=start, end=end, unit_ids={mine.pk})
    )
    assert stored.computed_at == timezone.now()
    assert tallies(stored.reports)["service_on_decision"][0] == (3, 3, 0)


@time_machine.travel(MORNING, tick=False)
def test_the_page_stores_the_report_once_and_then_reads_it_in_few_queries(
    client, world, django_assert_max_num_queries
):
    _muni, _mine, leader = world
    first = page(client, leader)
    assert "Beregnet 15.06.2026 kl. 09:30" in first.content.decode()  # Oslo time
    stored = stored_at()
    assert stored

    with time_machine.travel(MORNING + dt.timedelta(minutes=10), tick=False):
        with django_assert_max_num_queries(16):
            again = client.get(reverse("audit:compliance"))
    assert "Beregnet 15.06.2026 kl. 09:30" in again.content.decode()
    assert stored_at() == stored  # read, not recomputed


def test_the_page_reads_a_snapshot_in_the_same_queries_whatever_the_data(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    muni, mine, leader = world
    page(client, leader)
    with CaptureQueriesContext(connection) as few:
        page(client, leader)
    for _n in range(20):
        person = b.person(muni)
        t.service(person, mine, basis=Service.Basis.OTHER, type_code="praktisk_bistand")
        b.plan(person)
    start, end = services.period(start=None, end=None, today=timezone.localdate())
    services.stored_report(municipality_id=muni.pk, start=start, end=end, recompute=True)
    with CaptureQueriesContext(connection) as more:
        page(client, leader)
    assert len(more) == len(few)


def test_a_new_day_computes_anew_and_the_days_make_the_trend(client, world):
    _muni, _mine, leader = world
    with time_machine.travel(MORNING, tick=False):
        page(client, leader)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        text = page(client, leader).content.decode()
    assert "Beregnet 16.06.2026 kl. 09:30" in text
    days = sorted(set(ComplianceSnapshot.objects.values_list("day", flat=True)))
    assert days == [dt.date(2026, 6, 15), dt.date(2026, 6, 16)]
    assert '<th scope="col">15.06.2026</th>' in text and '<th scope="col">16.06.2026</th>' in text


def test_the_button_recomputes_for_the_shown_period_and_unit(client, world):
    _muni, mine, leader = world
    query = {"unit": mine.pk, "start": "01.01.2026", "end": "15.06.2026"}
    with time_machine.travel(MORNING, tick=False):
        page(client, leader, **query)
    with time_machine.travel(MORNING + dt.timedelta(minutes=20), tick=False):
        url = reverse("audit:recompute") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        response = client.post(url, follow=True)
    text = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("audit:compliance") + "?unit=")
    assert "Etterlevelsen er beregnet på nytt." in text
    assert "Beregnet 15.06.2026 kl. 09:50" in text
    assert set(ComplianceSnapshot.objects.values_list("computed_at", flat=True)) == {
        MORNING + dt.timedelta(minutes=20)
    }


def test_the_button_is_refused_to_those_who_may_not_see_the_report(client, world):
    muni, mine, _leader = world
    client.force_login(t.staff(mine, Role.SERVICE_PROVIDER))
    assert client.post(reverse("audit:recompute")).status_code == 403
    client.force_login(t.staff(t.unit(muni), Role.CASEWORKER))
    assert client.post(reverse("audit:recompute")).status_code == 403
    client.logout()
    assert client.post(reverse("audit:recompute")).status_code == 302  # to the login page
    assert not ComplianceSnapshot.objects.exists()


def test_the_button_only_posts(client, world):
    client.force_login(world[2])
    assert client.get(reverse("audit:recompute")).status_code == 405
    assert not ComplianceSnapshot.objects.exists()


def test_the_nightly_command_stores_today_and_replaces_it_when_run_again(world):
    muni, mine, _leader = world
    with time_machine.travel(MORNING, tick=False):
        out = io.StringIO()
        call_command("compliance-snapshot", stdout=out)
    assert "etterlevelsen for 15.06.2026 er lagret" in out.getvalue()
    whole = ComplianceSnapshot.objects.get(unit__isnull=True)
    assert (whole.day, whole.period_start, whole.period_end) == (
        dt.date(2026, 6, 15),
        dt.date(2025, 6, 15),
        dt.date(2026, 6, 15),
    )
    assert ComplianceSnapshot.objects.filter(unit=mine).exists()
    count = ComplianceSnapshot.objects.count()
    later = MORNING + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        call_command("compliance-snapshot", stdout=io.StringIO())
    assert ComplianceSnapshot.objects.count() == count
    assert set(ComplianceSnapshot.objects.values_list("computed_at", flat=True)) == {later}


def test_page_pdf_and_export_use_the_nightly_snapshot(client, world):
    muni, _mine, leader = world
    with time_machine.travel(MORNING, tick=False):
        call_command("compliance-snapshot", stdout=io.StringIO())
    stored = stored_at()
    with time_machine.travel(MORNING + dt.timedelta(hours=2), tick=False):
        assert "Beregnet 15.06.2026 kl. 09:30" in page(client, leader).content.decode()
        assert client.get(reverse("audit:compliance_pdf")).status_code == 200
        out = io.StringIO()
        call_command("compliance", "--municipality", muni.number, stdout=out)
    assert json.loads(out.getvalue())["computed_at"] == MORNING.isoformat()
    assert stored_at() == stored


def test_the_trend_of_a_unit_reads_the_stored_unit_columns(world):
    muni, mine, _leader = world
    for day in (dt.date(2026, 6, 14), dt.date(2026, 6, 15)):
        services.nightly_snapshot(municipality_id=muni.pk, today=day)
    start, end = services.period(start=None, end=None, today=dt.date(2026, 6, 15))

    trend = services.trend(municipality_id=muni.pk, unit_id=mine.pk, start=start, end=end)

    assert trend["days"] == [dt.date(2026, 6, 14), dt.date(2026, 6, 15)]
    rows = {c.id: cells for c, cells in trend["rows"]}
    assert rows["service_on_decision"] == [100, 100]  # the unit's services rest on decisions
    other_length = services.trend(
        municipality_id=muni.pk, unit_id=None, start=start + dt.timedelta(days=1), end=end
    )
    assert other_length["days"] == []


def test_the_revision_criterion_loads_no_plan_content(world, django_assert_num_queries):
    muni = world[0]
    start, end = services.period(start=None, end=None, today=b.TODAY)
    with django_assert_num_queries(2):  # the plans' status and date; the units involved
        (report,) = services.build(
            municipality_id=muni.pk,
            start=start,
            end=end,
            today=b.TODAY,
            criteria=[BY_ID["ip_revision_kept"]],
        )
    assert (report.total.met, report.total.not_met) == (0, 1)


def test_a_criterion_may_read_only_the_facts_it_declares(world):
    muni = world[0]
    scope = Scope(muni.pk, b.TODAY - dt.timedelta(days=365), b.TODAY, b.TODAY)
    declared = Declared(scope, frozenset({"plans"}))
    assert [row["status"] for row in declared.plans] == ["aktiv"]
    with pytest.raises(UndeclaredFact):
        declared.plan_facts  # noqa: B018 - the read is what is refused
    with pytest.raises(UndeclaredFact):
        declared.person_units(1)
    for criterion in CRITERIA:  # every declaration is honest: no criterion is refused
        criterion.evaluate(Declared(scope, criterion.needs))
