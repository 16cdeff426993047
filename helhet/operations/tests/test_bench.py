import io
import json

import pytest
from django.core.management import CommandError, call_command

from helhet import testing
from helhet.operations import bench
from helhet.organisation.models import Municipality
from helhet.people.models import Person

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


OLD_FIELDS = {"name", "median_ms", "p95_ms", "floor_ms", "ratio", "queries"}
SPREAD_FIELDS = {"runs", "median_ms_min", "median_ms_max", "ratio_min", "ratio_max"}
SPREAD_FIELDS |= {"queries_by_run", "queries_equal"}


def bench_json(persons: int, **options) -> list[dict]:
    return json.loads(bench_output(persons, **options)[0])


def bench_output(persons: int, **options) -> tuple[str, str]:
    """The JSON on stdout and the progress on stderr of one in-process bench run."""
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench",
        persons=persons,
        repeat=2,
        format="json",
        in_this_database=True,
        stdout=out,
        stderr=err,
        **options,
    )
    assert "floor: " in err.getvalue()  # progress goes to stderr, the JSON alone to stdout
    return out.getvalue(), err.getvalue()


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_bench_reports_every_scenario_with_query_counts_that_do_not_grow_with_persons():
    small, larger = bench_json(20), bench_json(60)

    assert [r["name"] for r in small] == NAMES
    for r in small:
        assert set(r) == OLD_FIELDS | SPREAD_FIELDS
        assert r["runs"] == 1 and r["ratio_min"] == r["ratio"] == r["ratio_max"]
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
def test_runs_reports_the_spread_of_repeated_runs_with_the_same_query_counts():
    results = bench_json(20, runs=2, only="plan,compliance_revision")

    assert [r["name"] for r in results] == [
        "floor",
        "plan",
        "compliance_sql_floor",
        "compliance_revision",
    ]
    for r in results:
        assert r["runs"] == 2
        assert r["ratio_min"] <= r["ratio"] <= r["ratio_max"]
        assert r["median_ms_min"] <= r["median_ms"] <= r["median_ms_max"]
        assert len(r["queries_by_run"]) == 2 and r["queries_equal"]
        assert r["queries_by_run"] == [r["queries"], r["queries"]]


def test_text_output_shows_the_spread_and_names_a_query_count_that_changed():
    def result(name, queries):
        times = [bench.Sample([10.0, 12.0], 5.0, queries[0]), bench.Sample([20.0], 5.0, queries[1])]
        return bench._result(name, times)

    steady, changing = result("plan", (29, 29)), result("overview", (17, 20))
    text = bench.as_text([steady, changing])

    assert (steady.ratio_min, steady.ratio, steady.ratio_max) == (2.2, 3.1, 4.0)
    assert (steady.median_ms_min, steady.median_ms, steady.median_ms_max) == (11.0, 15.5, 20.0)
    assert "2.2–4.0" in text and "11.0–20.0" in text
    assert "17–20*" in text
    assert "overview: ulikt antall spørringer i kjøringene (17, 20)" in text
    assert "plan: ulikt" not in text


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_keep_measures_the_same_demo_again_without_generating_it():
    first, generating = bench_output(20, keep=True, only="plan")
    demo = Municipality.objects.get(is_demo=True)

    second, reusing = bench_output(20, keep=True, only="plan")

    assert "Lager demokommune med 20 personer (frø 1)" in generating
    assert "Gjenbruker demodata for 20 personer (frø 1" in reusing
    assert "Lager demokommune" not in reusing
    assert list(Municipality.objects.all()) == [demo]  # the same rows, not a new demo
    shape = [(r["name"], r["queries"]) for r in json.loads(first)]
    assert [(r["name"], r["queries"]) for r in json.loads(second)] == shape


@pytest.mark.load
@pytest.mark.django_db(transaction=True)
def test_keep_makes_the_demo_anew_when_persons_or_seed_differ():
    bench_output(20, keep=True, only="plan")
    old = Municipality.objects.get(is_demo=True)

    _, err = bench_output(30, keep=True, only="plan")

    assert "Gjenbruker" not in err and "Lager demokommune med 30 personer" in err
    demo = Municipality.objects.get(is_demo=True)
    assert demo.pk != old.pk
    assert Person.objects.filter(municipality=demo).count() == 30
    assert bench.reusable(30, seed=1) is not None
    assert bench.reusable(30, seed=2) is None and bench.reusable(20, seed=1) is None


@pytest.mark.django_db(transaction=True)
def test_keep_does_not_reuse_a_database_that_also_holds_real_data():
    bench.prepare(20, seed=1, progress=quiet)
    assert bench.reusable(20, seed=1) is not None
    testing.person(testing.municipality(name="Ekte kommune"))

    assert bench.reusable(20, seed=1) is None
    with pytest.raises(CommandError, match="ikke er demodata") as refused:
        call_command(
            "bench",
            persons=20,
            keep=True,
            in_this_database=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert refused.value.returncode == 2


@pytest.mark.parametrize(
    "options, message",
    [
        ({"keep": True}, "--keep krever --database-url eller --sqlite-file"),
        ({"sqlite_file": "a.sqlite3", "database_url": "sqlite:////tmp/b"}, "ikke begge"),
        ({"sqlite_file": "/finnes/ikke/bench.sqlite3"}, "Mappen /finnes/ikke finnes ikke"),
        ({"runs": 0}, "--runs må være mellom 1 og 1 000"),
    ],
)
def test_bench_refuses_options_that_cannot_work_before_it_starts(options, message):
    with pytest.raises(CommandError, match=message) as no:
        call_command("bench", **options, stdout=io.StringIO(), stderr=io.StringIO())
    assert no.value.returncode == 2


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
