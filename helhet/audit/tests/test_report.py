"""The compliance report: agrees with a direct count, takes a constant number
of queries, and refuses bad input from the command line."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhet.audit import services
from helhet.audit.criteria import CRITERIA
from helhet.audit.models import ComplianceSnapshot
from helhet.intake import rules as intake_rules
from helhet.organisation.models import Municipality
from helhet.people.models import Service
from helhet.plans import rules as plan_rules
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan
from helhet.quality.models import Deviation

DEVNULL = open("/dev/null", "w")  # noqa: SIM115 - shared sink for the demo's progress


def make_demo(persons: int, reset: bool = False) -> Municipality:
    call_command(
        "demo",
        persons=persons,
        seed=7,
        password="demo-passord-1",
        no_serve=True,
        reset=reset,
        stdout=DEVNULL,
        stderr=DEVNULL,
    )
    return Municipality.objects.get(number="9999")


def by_id(reports) -> dict:
    return {r.criterion.id: r for r in reports}


def compliance(*args) -> tuple[dict | str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("compliance", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def demo(db):
    return make_demo(60)


def test_demo_numbers_agree_with_a_direct_count(demo):
    today = timezone.localdate()
    reports = by_id(
        services.build(municipality_id=demo.pk, start=today - dt.timedelta(days=365), end=today)
    )
    active = list(IndividualPlan.objects.filter(person__municipality=demo, status="aktiv"))
    facts = plan_services.facts_for(plans=active)
    complete = sum(1 for p in active if not plan_rules.missing_items(facts[p.pk]))
    assert complete > 0 and len(active) - complete > 0
    content = reports["ip_content_complete"].total
    assert (content.met, content.not_met) == (complete, len(active) - complete)
    # A plan without a revision date lacks § 19 g and is counted there, not here.
    overdue = sum(1 for p in active if p.revision_due is not None and p.revision_due < today)
    assert reports["ip_revision_kept"].total.not_met == overdue

    services_in_period = Service.objects.filter(person__municipality=demo).exclude(
        valid_to__lt=today - dt.timedelta(days=365)
    )
    # Only types that need a decision (pbrl. § 2-7) count; low-threshold offers,
    # NAV and housing never do.
    without = sum(
        1
        for s in services_in_period.select_related("type")
        if (s.type is None or s.type.needs_decision)
        and intake_rules.service_decision_check(s.basis, s.valid_from, s.valid_to).result
        == intake_rules.Result.NOT_MET
    )
    assert reports["service_on_decision"].total.not_met == without
    low_threshold = services_in_period.filter(type__needs_decision=False).count()
    assert low_threshold > 0

    deviations = Deviation.objects.filter(
        municipality=demo, reported_on__gte=today - dt.timedelta(days=365)
    )
    overdue_open = deviations.filter(closed_on__isnull=True, deadline__lt=today).count()
    late_closed = sum(1 for d in deviations if d.closed_on and d.closed_on > d.deadline)
    assert reports["deviations_in_time"].total.not_met == overdue_open + late_closed


def _queries_per_criterion(muni) -> dict[str, int]:
    today = timezone.localdate()
    counts = {}
    for criterion in CRITERIA:
        with CaptureQueriesContext(connection) as captured:
            services.build(
                municipality_id=muni.pk,
                start=today - dt.timedelta(days=365),
                end=today,
                criteria=[criterion],
            )
        counts[criterion.id] = len(captured.captured_queries)
    return counts


@pytest.mark.django_db(transaction=True)
def test_queries_per_criterion_do_not_grow_with_the_number_of_persons():
    small = _queries_per_criterion(make_demo(30))
    large_muni = make_demo(90, reset=True)
    assert Service.objects.filter(person__municipality=large_muni).count() > 100
    assert _queries_per_criterion(large_muni) == small
    assert max(small.values()) <= 12


def test_json_has_the_fields_per_criterion(demo):
    out, _err = compliance("--format", "json", "--from", "01.01.2026", "--to", "2026-12-31")
    document = json.loads(out)
    assert document["municipality"] == "9999"
    assert [c["id"] for c in document["criteria"]] == [c.id for c in CRITERIA]
    first = document["criteria"][0]
    assert set(first) >= {"id", "title", "legal_basis", "met", "not_met", "not_applicable", "rate"}
    assert first["legal_basis"].startswith("helse- og omsorgstjenesteloven")
    rated = [c for c in document["criteria"] if c["met"] + c["not_met"]]
    assert all(c["rate"] == round(c["met"] / (c["met"] + c["not_met"]), 3) for c in rated)


def test_csv_and_unit_filter(demo):
    out, _err = compliance("--format", "csv", "--unit", "nav")
    lines = out.strip().splitlines()
    assert lines[0] == "id,title,legal_basis,met,not_met,not_applicable,rate"
    assert len(lines) == len(CRITERIA) + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "finnes-ikke"], "Ukjent enhet «finnes-ikke»."),
        (["--from", "2026-05-01", "--to", "2026-04-01"], "Perioden slutter før den begynner."),
        (["--from", "31.02.2026"], "Ugyldig dato «31.02.2026». Bruk dd.mm.åååå."),
        (["--municipality", "0000"], "Ukjent kommunenummer «0000»."),
    ],
)
def test_bad_input_exits_with_code_2_and_writes_nothing(demo, args, message):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("compliance", *args, stdout=out)
    assert error.value.returncode == 2
    assert str(error.value) == message
    assert out.getvalue() == ""


def test_snapshot_stores_one_report_per_scope_and_day_and_feeds_the_trend(demo):
    out, _err = compliance("--snapshot")
    assert "etterlevelsen for" in out and "er lagret" in out
    first = sorted(ComplianceSnapshot.objects.values_list("unit_id", flat=True), key=str)
    compliance("--snapshot")
    assert sorted(ComplianceSnapshot.objects.values_list("unit_id", flat=True), key=str) == first
    whole = ComplianceSnapshot.objects.get(unit__isnull=True)
    # As a set: PostgreSQL's jsonb keeps no key order; the page orders by CRITERIA.
    assert set(whole.results) == {c.id for c in CRITERIA}
    start, end = services.period(start=None, end=None, today=timezone.localdate())
    trend = services.trend(municipality_id=demo.pk, unit_id=None, start=start, end=end)
    assert trend["days"] == [timezone.localdate()]
    assert len(trend["rows"]) == len(CRITERIA)
