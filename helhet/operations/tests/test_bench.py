import io
import json

import pytest
from django.core.management import CommandError, call_command

from helhet import testing
from helhet.operations import bench
from helhet.organisation.models import Municipality

NAMES = [
    "floor",
    "overview",
    "workday",
    "person",
    "plan",
    "plan_save",
    "search",
    "compliance",
    "compliance_sql_floor",
    "compliance_revision",
    "compliance_compute",
    "audit_sample",
    "api_plans",
    "fhir_careplan",
]
CONSTANT = {"overview", "workday", "plan", "compliance", "compliance_revision", "api_plans"}
CONSTANT |= {"compliance_sql_floor", "compliance_compute", "audit_sample", "fhir_careplan"}


def quiet(message: str) -> None:
    pass


def bench_json(persons: int) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench",
        persons=persons,
        repeat=2,
        format="json",
        in_this_database=True,
        stdout=out,
        stderr=err,
    )
    assert "overview" in err.getvalue()  # progress goes to stderr, the JSON alone to stdout
    return json.loads(out.getvalue())


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_bench_reports_every_scenario_with_query_counts_that_do_not_grow_with_persons():
    small, larger = bench_json(20), bench_json(60)

    assert [r["name"] for r in small] == NAMES
    for r in small:
        assert set(r) == {"name", "median_ms", "p95_ms", "floor_ms", "ratio", "queries"}
        assert 0 < r["median_ms"] <= r["p95_ms"]
        assert r["queries"] > 0
    queries = {r["name"]: r["queries"] for r in small}
    assert {r["name"]: r["queries"] for r in larger if r["name"] in CONSTANT} == {
        name: queries[name] for name in CONSTANT
    }
    by_name = {r["name"]: r for r in larger}
    # The person page makes one or two health decisions (own units' services,
    # other units' services: people.services.visible_services), depending on the
    # demo person picked, never more: a fixed budget, whatever N.
    assert by_name["person"]["queries"] <= 45 and queries["person"] <= 45
    assert by_name["compliance_sql_floor"]["queries"] == 1  # one hand-written statement
    assert by_name["compliance_sql_floor"]["ratio"] == 1.0
    for r in larger:
        assert r["floor_ms"] > 0
        assert r["ratio"] == pytest.approx(r["median_ms"] / r["floor_ms"], rel=0.05)


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_the_sql_floor_computes_the_same_counts_as_the_compliance_report():
    bench.prepare(60, seed=1, progress=quiet)
    found = bench.targets()
    counts = bench.compliance_sql(found)

    assert counts == bench.compliance_revision(found)
    met, not_met, not_applicable = counts[None]
    assert met + not_met > 0  # the demo has active plans, some with the revision date passed


@pytest.mark.django_db(transaction=True)
def test_bench_refuses_a_database_with_real_data():
    real = testing.municipality(name="Ekte kommune")
    testing.person(real)
    with pytest.raises(CommandError, match="ikke er demodata") as refused:
        bench.prepare(20, seed=1, progress=quiet)
    assert refused.value.returncode == 2
    assert list(Municipality.objects.all()) == [real]


@pytest.mark.django_db
def test_each_request_is_measured_right_after_one_of_its_floor():
    order = []
    floor = bench.Scenario("gulv", "x", call=lambda t: order.append("gulv"))
    page = bench.Scenario("side", "x", call=lambda t: order.append("side"), floor="gulv")

    times, floor_times, queries = bench._measure(page, None, None, 3, paired=(floor, None))

    assert order == ["gulv", "side"] * 4  # one uncounted warm-up round
    assert len(times) == len(floor_times) == 3 and queries == 0


def test_percentile_is_a_measured_value():
    assert bench.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 95) == 5.0
    assert bench.percentile(list(map(float, range(1, 101))), 95) == 95.0
    assert bench.percentile([7.0], 95) == 7.0


def test_only_measures_the_named_scenarios_with_their_floors():
    chosen = [s.name for s in bench.chosen("compliance_revision, plan")]

    assert chosen == ["plan", "compliance_sql_floor", "compliance_revision"]
    assert [s.name for s in bench.chosen("")] == NAMES[1:]


def test_only_refuses_an_unknown_scenario_and_names_the_known_ones():
    with pytest.raises(CommandError, match="Ukjent scenario: oversikt. Kjente: overview") as no:
        call_command("bench", only="oversikt", stdout=io.StringIO(), stderr=io.StringIO())
    assert no.value.returncode == 2
