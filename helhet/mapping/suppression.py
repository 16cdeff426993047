"""Small-cell suppression for published statistics (DOMAIN.md §4.7).

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
* a "<5" cell is pinned to one value by the bounds above (interval reasoning).

Which cell to hide next is a shown part of the offending line: preferably one
whose other lines already hide something (so hidden cells close into
rectangles instead of spreading), then the one the caller values least, then
the smallest. *Anchors* (the number of persons in the whole
population and in each published group) stay shown; callers keep them at 5 or
more by merging small groups before building tables.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

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
    line = _bounds_problem(values, lines, status, hidden)
    return Problem(BOUNDS, line) if line is not None else None


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


# --- bounds ------------------------------------------------------------------------


def _bounds_problem(values, lines, status, hidden) -> Line | None:
    ceiling = max(values.values(), default=0)
    low = dict.fromkeys(hidden, 0)
    high = {k: (THRESHOLD - 1 if status[k] == SMALL else ceiling) for k in hidden}
    known = {k: v for k, v in values.items() if status[k] == SHOWN}
    for _round in range(50):
        changed = False
        for line in lines:
            changed |= _tighten(line, known, low, high)
        if not changed:
            break
    for key in hidden:
        if status[key] == SMALL and low[key] >= high[key]:
            return _line_with(key, lines, status)
    return None


def _tighten(line: Line, known, low, high) -> bool:
    """Narrow each hidden entry of ``total = sum(parts)`` by the others' bounds."""

    def lo(k):
        return known[k] if k in known else low[k]

    def hi(k):
        return known[k] if k in known else high[k]

    changed = False
    parts_lo = sum(lo(k) for k in line.parts)
    parts_hi = sum(hi(k) for k in line.parts)
    if line.total not in known:
        changed |= _narrow(line.total, parts_lo, parts_hi, low, high)
    for k in line.parts:
        if k in known:
            continue
        others_lo, others_hi = parts_lo - lo(k), parts_hi - hi(k)
        changed |= _narrow(k, lo(line.total) - others_hi, hi(line.total) - others_lo, low, high)
        parts_lo, parts_hi = others_lo + lo(k), others_hi + hi(k)
    return changed


def _narrow(key, new_low, new_high, low, high) -> bool:
    changed = False
    if new_low > low[key]:
        low[key], changed = new_low, True
    if new_high < high[key]:
        high[key], changed = new_high, True
    return changed


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
