"""Small-cell suppression for published statistics (docs/mapping.md).

A published count of fewer than 5 persons is shown as "<5" (primary
suppression). Because tables carry totals, a hidden cell could be recovered by
subtraction; so more cells are hidden, shown as ":" (secondary suppression),
until no hidden count below 5 can be worked out from what is shown.

":" says nothing about the size of the number: if it meant "5 or more", a
reader could pin cells at the bounds (a population of 5 with one ":" cell would
make it exactly 5 and every "<5" beside it 0). In the rare case where "<5"
cells pin each other (four "<5" cells in a group of 16 are all 4), one of them
is relabelled ":".

The tables are given as *lines*: a total and the parts that add up to it. The
reader is assumed to know every shown number, every line, that a "<5" cell is
0–4 and that no count exceeds the largest shown total. We then refuse, and
hide one more cell, while any of these holds:

* a line has exactly one hidden entry (plain subtraction);
* the hidden parts of a line with a shown total add up to fewer than 5
  (the difference of two shown totals is then a group smaller than 5);
* a "<5" cell, or a sum of "<5" cells in one line that is below 5, follows from
  the lines by linear algebra (chains of subtractions across tables);
* a group below 5 (a hidden cell, such a sum, or the difference of two nested
  totals) has the same size in every integer table consistent with all lines
  and bounds at once. Reading line by line is not enough: combining several
  published totals with the 0–4 of "<5" can force cells to 0 that no single
  line pins, so this is decided exactly over the whole system (``_Reader``).

Which cell to hide next is a shown part of the offending line: preferably one
whose other lines already hide something (so hidden cells close into
rectangles instead of spreading), then the one the caller values least, then
the smallest. *Anchors* (the number of persons in the whole
population and in each published group) stay shown; callers keep them at 5 or
more by merging small groups before building tables.
"""

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from helhet.mapping import polytope

THRESHOLD = 5
SHOWN = "vist"
SMALL = "under5"
HIDDEN = "skjult"
MARK = {SMALL: "<5", HIDDEN: ":"}

# Linear algebra modulo a large prime: exact for these 0/±1 systems, and an
# accidental zero could only hide more, never less (see _in_row_space).
_PRIME = (1 << 61) - 1
_SUBSET_LIMIT = 10


@dataclass(frozen=True)
class Line:
    total: Hashable
    parts: tuple

    @property
    def entries(self) -> tuple:
        return (self.total, *self.parts)


def suppress(
    values: Mapping[Hashable, int],
    lines: Sequence[Line],
    anchors: Iterable[Hashable] = (),
    worth: Callable[[Hashable], int] = lambda key: 0,
) -> dict[Hashable, str]:
    """The status (SHOWN, SMALL or HIDDEN) of every cell in ``values``.

    ``worth`` ranks how much a reader loses when a cell is hidden; among
    equally safe choices the least worth is hidden first.
    """
    anchors = frozenset(anchors)
    small_anchors = [a for a in anchors if values[a] < THRESHOLD]
    if small_anchors:
        raise ValueError(f"anchors below the threshold: {small_anchors}")
    status = {k: (SMALL if v < THRESHOLD else SHOWN) for k, v in values.items()}
    nested = [
        (outer, inner)
        for outer, inner in _nested_pairs(lines)
        if values[outer] - values[inner] < THRESHOLD
    ]
    while True:
        problem = _first_problem(values, lines, status, nested)
        if problem is None:
            return status
        cell = _next_to_hide(problem, values, lines, status, anchors, worth)
        if cell is not None:
            status[cell] = HIDDEN
            continue
        rest = [k for k, s in status.items() if s == SHOWN and k not in anchors]
        if rest:
            # Nothing left to hide near the problem: hide all but anchors.
            status.update(dict.fromkeys(rest, HIDDEN))
            continue
        # Only "<5" labels are left to give away; ":" claims no bound.
        return {k: (HIDDEN if s == SMALL else s) for k, s in status.items()}


def _hidden(status, keys) -> list:
    return [k for k in keys if status[k] != SHOWN]


def _nested_pairs(lines) -> list[tuple]:
    """(outer, inner) for every group lying inside another, through any chain of lines."""
    inside: dict = {}
    for line in lines:
        inside.setdefault(line.total, set()).update(line.parts)
    changed = True
    while changed:
        changed = False
        for members in inside.values():
            grown = members.union(*(inside.get(m, ()) for m in members))
            if grown != members:
                members |= grown
                changed = True
    return sorted(((o, i) for o, members in inside.items() for i in members), key=repr)


LOCAL, ALGEBRA, BOUNDS = "local", "algebra", "bounds"


@dataclass(frozen=True)
class Problem:
    kind: str
    line: Line
    # Cells whose hiding fixes the problem most directly, best first.
    preferred: tuple = ()


def _first_problem(values, lines, status, nested) -> Problem | None:
    for line in lines:
        if _local_problem(values, line, status):
            return Problem(LOCAL, line)
    hidden = [k for k, s in status.items() if s != SHOWN]
    if not hidden and not nested:
        return None
    problem = _algebra_problem(values, lines, status, hidden, nested)
    if problem is not None or not hidden:
        return problem
    return _exact_problem(values, lines, status, hidden, nested)


def _local_problem(values, line: Line, status) -> bool:
    hidden = _hidden(status, line.entries)
    if len(hidden) == 1:
        return True
    if status[line.total] != SHOWN:
        return False
    hidden_parts = _hidden(status, line.parts)
    return bool(hidden_parts) and sum(values[k] for k in hidden_parts) < THRESHOLD


# --- exact consequences of the lines ---------------------------------------------


def _algebra_problem(values, lines, status, hidden, nested) -> Problem | None:
    """A group below 5 whose size follows exactly from the shown numbers."""
    index = {k: i for i, k in enumerate(hidden)}
    basis = _row_echelon([_equation(line, status, index) for line in lines])

    def determined(coefficients: dict) -> bool:
        vector = {index[k]: c % _PRIME for k, c in coefficients.items() if status[k] != SHOWN}
        return _in_row_space(basis, {i: c for i, c in vector.items() if c})

    for key in hidden:
        if values[key] < THRESHOLD and determined({key: 1}):
            return Problem(ALGEBRA, _line_with(key, lines, status))
    # The difference of two totals, one inside the other, is a group too.
    for outer, inner in nested:
        if determined({outer: 1, inner: -1}):
            return Problem(ALGEBRA, _line_with(inner, lines, status), (inner, outer))
    for line in lines:
        small = [k for k in line.parts if status[k] != SHOWN and values[k] < THRESHOLD]
        for size in range(2, min(len(small), _SUBSET_LIMIT) + 1):
            for group in combinations(small, size):
                if sum(values[k] for k in group) < THRESHOLD and determined(
                    dict.fromkeys(group, 1)
                ):
                    return Problem(ALGEBRA, line)
    return None


def _equation(line: Line, status, index) -> dict[int, int]:
    row: dict[int, int] = {}
    for key in line.parts:
        if status[key] != SHOWN:
            row[index[key]] = (row.get(index[key], 0) + 1) % _PRIME
    if status[line.total] != SHOWN:
        row[index[line.total]] = (row.get(index[line.total], 0) - 1) % _PRIME
    return {c: v for c, v in row.items() if v}


def _row_echelon(rows: list[dict[int, int]]) -> list[tuple[int, dict[int, int]]]:
    """Reduced rows as (pivot column, row with 1 at the pivot)."""
    basis: list[tuple[int, dict[int, int]]] = []
    for row in rows:
        row = _reduce(basis, dict(row))
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        basis = [(p, _eliminate(r, row, pivot)) for p, r in basis]
        basis.append((pivot, row))
    return basis


def _eliminate(target: dict[int, int], row: dict[int, int], pivot: int) -> dict[int, int]:
    factor = target.get(pivot, 0)
    if not factor:
        return target
    result = dict(target)
    for c, v in row.items():
        result[c] = (result.get(c, 0) - factor * v) % _PRIME
    return {c: v for c, v in result.items() if v}


def _reduce(basis, vector: dict[int, int]) -> dict[int, int]:
    for pivot, row in basis:
        vector = _eliminate(vector, row, pivot)
    return vector


def _in_row_space(basis, vector: dict[int, int]) -> bool:
    # A combination that exists over the rationals exists modulo the prime too,
    # so "determined" is never missed; a false "determined" only hides more.
    return not _reduce(basis, vector)


# --- what every consistent table agrees on ---------------------------------------


def _exact_problem(values, lines, status, hidden, nested) -> Problem | None:
    """A group below 5 that has the same size in every integer table the reader
    cannot rule out, found by exact linear programming over all lines at once."""
    shown = {k: v for k, v in values.items() if status[k] == SHOWN}
    ceiling = max(shown.values(), default=max(values.values()))
    bounds = {k: (0, THRESHOLD - 1 if status[k] == SMALL else ceiling) for k in hidden}
    rows = [_row(line, shown) for line in lines]
    try:
        reader = _Reader(rows, bounds, {k: values[k] for k in hidden})
    except polytope.Infeasible:  # pragma: no cover - the true table always fits
        raise AssertionError("the true table breaks its own lines") from None
    # Two tables far from the true one refute most small cells at once.
    reader.explore({k: 1 for k in hidden if values[k] < THRESHOLD})
    for coefficients, problem in _watched(values, lines, status, hidden, nested):
        free = {k: c for k, c in coefficients.items() if k not in shown}
        if reader.pinned(free):
            return problem()
    return None


def _row(line: Line, shown) -> polytope.Row:
    coefficients: dict = {}
    for key, sign in ((line.total, -1), *((k, 1) for k in line.parts)):
        if key not in shown:
            coefficients[key] = coefficients.get(key, 0) + sign
    constant = shown.get(line.total, 0) - sum(shown[k] for k in line.parts if k in shown)
    return coefficients, constant


def _watched(values, lines, status, hidden, nested):
    """(coefficients, problem) for every group whose true size is below 5; the
    problem is built only when needed."""
    for key in hidden:
        if values[key] < THRESHOLD:
            yield {key: 1}, lambda key=key: Problem(BOUNDS, _line_with(key, lines, status))
    for outer, inner in nested:
        yield (
            {outer: 1, inner: -1},
            lambda o=outer, i=inner: Problem(BOUNDS, _line_with(i, lines, status), (i, o)),
        )
    for line in lines:
        small = [k for k in line.parts if status[k] != SHOWN and values[k] < THRESHOLD]
        for size in range(2, min(len(small), _SUBSET_LIMIT) + 1):
            for group in combinations(small, size):
                if sum(values[k] for k in group) < THRESHOLD:
                    yield dict.fromkeys(group, 1), lambda line=line: Problem(BOUNDS, line)


class _Reader:
    """What a reader can prove about a linear combination of hidden counts.

    A combination is *pinned* when every integer table consistent with the
    published numbers gives it the same value. Integer tables found on the way
    are kept: most combinations differ between two of them, so only the rest
    need a linear program.

    Integrality matters. One table with its margins, or two breakdowns sharing
    the level totals, is a network flow: its matrix is totally unimodular, so
    every vertex of the LP is an integer table and LP bounds are integer bounds.
    Three breakdowns sharing the level totals are not (an odd cycle of levels
    across them defeats Ghouila-Houri's criterion), so a fractional vertex is
    followed by a bounded branch and bound; when that runs out of budget the
    combination counts as pinned, which only hides more.
    """

    def __init__(self, rows, bounds, truth):
        self.rows, self.bounds = rows, bounds
        self.lp = polytope.Polytope(rows, bounds, start=truth)
        self.tables = [truth]

    def explore(self, coefficients: dict) -> None:
        for _value, vertex in (self.lp.minimize(coefficients), self.lp.maximize(coefficients)):
            if _integral(vertex):
                self.tables.append(vertex)

    def pinned(self, coefficients: dict) -> bool:
        if not coefficients:
            return True
        truth = _apply(coefficients, self.tables[0])
        if any(_apply(coefficients, t) != truth for t in self.tables[1:]):
            return False
        low, vertex = self.lp.minimize(coefficients)
        if low < truth and self._keep(vertex, coefficients, (None, truth - 1)):
            return False
        high, vertex = self.lp.maximize(coefficients)
        return not (high > truth and self._keep(vertex, coefficients, (truth + 1, None)))

    def _keep(self, vertex, coefficients, wanted) -> bool:
        """Keep an integer table whose combination lies in ``wanted``, if one exists."""
        table = (
            vertex
            if _integral(vertex)
            else _integer_table(self.rows, self.bounds, coefficients, wanted)
        )
        if table is None:
            return False
        self.tables.append(table)
        return True


_BRANCH_LIMIT = 200
_COMBINATION = object()  # the extra variable holding the combination's value


def _integer_table(rows, bounds, coefficients, wanted) -> dict | None:
    """An integer table with the combination in ``wanted`` (low, high; None is
    open), or None if there is none or the search budget runs out."""
    total = _COMBINATION
    floor = sum(min(c * bounds[k][0], c * bounds[k][1]) for k, c in coefficients.items())
    ceiling = sum(max(c * bounds[k][0], c * bounds[k][1]) for k, c in coefficients.items())
    low, high = wanted
    low, high = (
        max(floor, low if low is not None else floor),
        min(ceiling, high if high is not None else ceiling),
    )
    if low > high:
        return None
    rows = [*rows, ({**coefficients, total: -1}, 0)]
    pending, budget = [{**bounds, total: (low, high)}], _BRANCH_LIMIT
    while pending and budget:
        budget -= 1
        box = pending.pop()
        try:
            vertex = polytope.Polytope(rows, box).point()
        except polytope.Infeasible:
            continue
        fractional = next((k for k, v in vertex.items() if not isinstance(v, int)), None)
        if fractional is None:
            del vertex[total]
            return vertex
        v, (lo, hi) = vertex[fractional], box[fractional]
        pending.append({**box, fractional: (lo, math.floor(v))})
        pending.append({**box, fractional: (math.ceil(v), hi)})
    return None


def _apply(coefficients, table) -> int:
    return sum(c * table[k] for k, c in coefficients.items())


def _integral(table) -> bool:
    return all(isinstance(v, int) for v in table.values())


# --- choosing the complement -----------------------------------------------------


def _line_with(key, lines, status) -> Line:
    """Among lines holding ``key``, the one with most room to hide another cell."""
    holding = [line for line in lines if key in line.entries]
    return max(holding, key=lambda line: len(line.parts) - len(_hidden(status, line.parts)))


def _next_to_hide(problem: Problem, values, lines, status, anchors, worth):
    """The cell to hide next for a problem in ``line``, or None if none helps."""
    for key in problem.preferred:
        if status[key] == SHOWN and key not in anchors:
            return key
    line = problem.line
    candidates = [k for k in line.parts if status[k] == SHOWN and k not in anchors]
    if not candidates and status[line.total] == SHOWN and line.total not in anchors:
        candidates = [line.total]
    if not candidates and problem.kind == BOUNDS:
        # "<5" cells pinned by their bound (e.g. four 4s making 16): relabel one
        # as ":", which claims no bound.
        candidates = [k for k in line.parts if status[k] == SMALL]
    if not candidates:
        hidden = set(_hidden(status, line.entries))
        candidates = sorted(
            {
                k
                for other in lines
                if hidden & set(other.entries)
                for k in other.parts
                if status[k] == SHOWN and k not in anchors
            },
            key=repr,
        )
    if not candidates:
        return None

    def new_singles(key) -> int:
        # Hiding a cell in a line with nothing hidden yet leaves that line one
        # subtraction from revealing it: one more cell to hide later. Cells in
        # lines that already hide something close into rectangles instead.
        return sum(
            1
            for other in lines
            if other is not line and key in other.entries and not _hidden(status, other.entries)
        )

    return min(candidates, key=lambda k: (new_singles(k), worth(k), values[k], repr(k)))
