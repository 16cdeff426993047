"""The exact LP agrees with brute force on small bounded systems."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.mapping.polytope import Infeasible, Polytope


@st.composite
def systems(draw):
    names = [f"x{i}" for i in range(draw(st.integers(1, 4)))]
    bounds = {v: (0, draw(st.integers(0, 3))) for v in names}
    truth = {v: draw(st.integers(0, bounds[v][1])) for v in names}
    rows = []
    for _ in range(draw(st.integers(0, 3))):
        row = {v: draw(st.sampled_from([-1, 0, 1])) for v in names}
        rows.append((row, sum(c * truth[v] for v, c in row.items())))
    objective = {v: draw(st.sampled_from([-1, 0, 1])) for v in names}
    return names, bounds, truth, rows, objective


@settings(max_examples=300, deadline=None)
@given(systems(), st.booleans())
def test_bounds_match_the_integer_points_of_a_unimodular_system(system, from_truth):
    names, bounds, truth, rows, objective = system
    points = [
        dict(zip(names, p, strict=True))
        for p in product(*(range(bounds[v][1] + 1) for v in names))
        if all(sum(c * p[names.index(v)] for v, c in r.items()) == b for r, b in rows)
    ]
    lp = Polytope(rows, bounds, start=truth if from_truth else None)
    low, at_low = lp.minimize(objective)
    high, at_high = lp.maximize(objective)
    sizes = [sum(c * p[v] for v, c in objective.items()) for p in points]
    assert low <= min(sizes) and high >= max(sizes)
    for point in (at_low, at_high):
        assert all(sum(c * point[v] for v, c in r.items()) == b for r, b in rows)
        assert all(bounds[v][0] <= point[v] <= bounds[v][1] for v in names)
    # Up to three 0/±1 rows in at most four variables: an integral optimum exists
    # whenever the points found are integers, and then it is the brute-force one.
    if all(isinstance(point[v], int) for point in (at_low, at_high) for v in names):
        assert (low, high) == (min(sizes), max(sizes))


def test_no_point_is_infeasible():
    with pytest.raises(Infeasible):
        Polytope([({"x": 1, "y": 1}, 9)], {"x": (0, 4), "y": (0, 4)})


def test_a_fractional_vertex_is_exact():
    value, point = Polytope([({"x": 2}, 1)], {"x": (0, 1)}).minimize({"x": 1})
    assert value == point["x"] and str(value) == "1/2"
