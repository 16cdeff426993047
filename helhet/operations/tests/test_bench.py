import io
import json

import pytest
from django.core.management import CommandError, call_command

from helhet import testing
from helhet.operations import bench
from helhet.organisation.models import Municipality

NAMES = ["floor", "overview", "person", "plan", "plan_save", "search"]


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


@pytest.mark.django_db(transaction=True)
def test_bench_reports_every_scenario_with_query_counts_that_do_not_grow_with_persons():
    small, larger = bench_json(20), bench_json(60)

    assert [r["name"] for r in small] == NAMES
    for r in small:
        assert set(r) == {"name", "median_ms", "p95_ms", "floor_ms", "ratio", "queries"}
        assert 0 < r["median_ms"] <= r["p95_ms"]
        assert r["queries"] > 0
    queries = {r["name"]: r["queries"] for r in small}
    for r in larger:
        if r["name"] in {"overview", "person", "plan"}:
            assert r["queries"] == queries[r["name"]], r["name"]


@pytest.mark.django_db(transaction=True)
def test_bench_refuses_a_database_with_real_data():
    real = testing.municipality(name="Ekte kommune")
    testing.person(real)
    with pytest.raises(CommandError, match="ikke er demodata") as refused:
        bench.prepare(20, seed=1, progress=quiet)
    assert refused.value.returncode == 2
    assert list(Municipality.objects.all()) == [real]


def test_percentile_is_a_measured_value():
    assert bench.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 95) == 5.0
    assert bench.percentile(list(map(float, range(1, 101))), 95) == 95.0
    assert bench.percentile([7.0], 95) == 7.0
