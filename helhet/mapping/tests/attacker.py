"""An independent attacker for the suppression tests.

It knows what a reader of the report knows: every shown number, which numbers
add up to which total, that "<5" means 0–4, that ":" is some count, and that
no count exceeds the population. It enumerates *every* integer table consistent
with that (or, for large systems, searches for a table that refutes each
small group), and reports what it can pin down. Deliberately shares no code with
``helhet.mapping.suppression``.
"""

from fractions import Fraction
from itertools import combinations

from helhet.mapping.suppression import HIDDEN, SHOWN, SMALL

NODE_LIMIT = 60_000


class TooBig(Exception):
    pass


def leaks(values, lines, status, exhaustive=True) -> list[str]:
    """Every way the published numbers reveal a group of fewer than 5 persons.

    ``exhaustive`` lists every consistent table while there are few enough,
    else searches per group for one where it has another size (small tables
    only); otherwise exact rational algebra and interval reasoning stand in.
    """
    found = []
    for key, state in status.items():
        if state == SHOWN and values[key] < 5:
            found.append(f"shown cell {key}={values[key]}")
    found += _nested_differences(values, lines, status)
    found += _algebra_leaks(values, lines, status)
    found += _interval_leaks(values, lines, status)
    if exhaustive:
        try:
            found += _enumeration_leaks(values, lines, status)
        except TooBig:
            found += search_leaks(values, lines, status)
    return found


def _interval_leaks(values, lines, status) -> list[str]:
    """Hidden counts below 5 squeezed to one value by the bounds of the others."""
    shown = {k: v for k, v in values.items() if status[k] == SHOWN}
    ceiling = max(shown.values(), default=max(values.values()) * 3)
    bounds = {
        k: (v, v) if k in shown else (0, 4 if status[k] == SMALL else ceiling)
        for k, v in values.items()
    }
    for _sweep in range(100):
        before = dict(bounds)
        for line in lines:
            lo_sum = sum(bounds[k][0] for k in line.parts)
            hi_sum = sum(bounds[k][1] for k in line.parts)
            t_lo, t_hi = bounds[line.total]
            bounds[line.total] = (max(t_lo, lo_sum), min(t_hi, hi_sum))
            t_lo, t_hi = bounds[line.total]
            for k in line.parts:
                lo, hi = bounds[k]
                rest_lo, rest_hi = lo_sum - lo, hi_sum - hi
                bounds[k] = (max(lo, t_lo - rest_hi), min(hi, t_hi - rest_lo))
        if bounds == before:
            break
    return [
        f"{k} squeezed to {values[k]}"
        for k, (lo, hi) in bounds.items()
        if k not in shown and values[k] < 5 and lo == hi
    ]


def _nesting(lines) -> dict:
    inside: dict = {}
    for line in lines:
        inside.setdefault(line.total, set()).update(line.parts)
    changed = True
    while changed:
        changed = False
        for outer, members in inside.items():
            grown = set().union(members, *(inside.get(m, set()) for m in members))
            if grown != members:
                inside[outer], changed = grown, True
    return inside


def _algebra_leaks(values, lines, status) -> list[str]:
    """Groups below 5 whose size is a rational combination of the shown numbers."""
    hidden = sorted((k for k, s in status.items() if s != SHOWN), key=repr)
    column = {k: i for i, k in enumerate(hidden)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(hidden)
        for k in line.parts:
            if k in column:
                row[column[k]] += 1
        if line.total in column:
            row[column[line.total]] -= 1
        rows.append(row)
    basis = _rref(rows)

    def determined(coefficients) -> bool:
        vector = [Fraction(0)] * len(hidden)
        for k, c in coefficients.items():
            if k in column:
                vector[column[k]] += c
        for pivot, row in basis:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [a - factor * b for a, b in zip(vector, row, strict=True)]
        return not any(vector)

    groups = [({k: 1}, values[k]) for k in hidden]
    groups += [
        ({outer: 1, inner: -1}, values[outer] - values[inner])
        for outer, members in _nesting(lines).items()
        for inner in members
    ]
    groups += [
        (dict.fromkeys(g, 1), sum(values[k] for k in g))
        for g in _watched_groups(values, lines, status)
    ]
    return [f"group {g} determined as {v}" for g, v in groups if v < 5 and determined(g)]


def _rref(rows):
    basis = []
    for row in rows:
        row = list(row)
        for pivot, b in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * c for a, c in zip(row, b, strict=True)]
        nonzero = [i for i, a in enumerate(row) if a]
        if not nonzero:
            continue
        pivot = nonzero[0]
        row = [a / row[pivot] for a in row]
        basis = [
            (p, [a - b[pivot] * c for a, c in zip(b, row, strict=True)]) if b[pivot] else (p, b)
            for p, b in basis
        ]
        basis.append((pivot, row))
    return basis


def _nested_differences(values, lines, status) -> list[str]:
    """Differences of two shown totals where one group lies inside the other."""
    inside = _nesting(lines)
    return [
        f"{outer}-{inner}={values[outer] - values[inner]}"
        for outer, members in inside.items()
        for inner in members
        if status[outer] == SHOWN and status[inner] == SHOWN and values[outer] - values[inner] < 5
    ]


def _reader(values, status):
    """The hidden cells, their possible values and the shown numbers."""
    hidden = sorted((k for k, s in status.items() if s != SHOWN), key=repr)
    assert all(status[k] in (SMALL, HIDDEN) for k in hidden)
    known = {k: v for k, v in values.items() if status[k] == SHOWN}
    # No count exceeds the largest shown total (the population, always shown).
    ceiling = max(known.values(), default=max(values.values()) * 3)
    domains = {k: range(0, 5) if status[k] == SMALL else range(0, ceiling + 1) for k in hidden}
    return hidden, domains, known


def _small_groups(values, lines, status) -> list[tuple[str, dict]]:
    """(name, coefficients) of every group whose true size is below 5 and that
    is not simply shown: hidden cells, sums of hidden parts of a line, and
    differences of nested totals."""
    groups = [(str(k), {k: 1}) for k, s in status.items() if s != SHOWN and values[k] < 5]
    groups += [(f"group {g}", dict.fromkeys(g, 1)) for g in _watched_groups(values, lines, status)]
    groups += [
        (f"{outer}-{inner}", {outer: 1, inner: -1})
        for outer, members in _nesting(lines).items()
        for inner in members
        if values[outer] - values[inner] < 5
        and not (status[outer] == SHOWN and status[inner] == SHOWN)
    ]
    return groups


def _size(coefficients, table) -> int:
    return sum(c * table[k] for k, c in coefficients.items())


def _enumeration_leaks(values, lines, status) -> list[str]:
    """Groups below 5 with one size in every consistent table, listing them all."""
    hidden, domains, known = _reader(values, status)
    if not hidden:
        return []
    groups = _small_groups(values, lines, status)
    seen = {name: set() for name, _ in groups}
    for solution in _solutions(hidden, domains, lines, known):
        table = {**known, **solution}
        for name, coefficients in groups:
            seen[name].add(_size(coefficients, table))
    return [f"{name} pinned" for name, _ in groups if len(seen[name]) == 1]


def search_leaks(values, lines, status) -> list[str]:
    """Groups below 5 for which no consistent table of another size is found.

    For systems too large to list: per group, a depth-first search for one
    table where the group has another size, trying the group's own cells
    first and values far from the truth before it. A search that runs out of
    nodes counts as a leak, so this never passes a table it could not check.
    """
    hidden, domains, known = _reader(values, status)
    found = []
    for name, coefficients in _small_groups(values, lines, status):
        truth = _size(coefficients, values)
        members = [k for k in coefficients if k in domains]
        order = {
            k: sorted(domains[k], key=lambda v, k=k: (v == values[k], abs(v - values[k])))
            for k in hidden
        }
        try:
            witness = next(
                (
                    s
                    for s in _solutions(hidden, domains, lines, known, members, order)
                    if _size(coefficients, {**known, **s}) != truth
                ),
                None,
            )
        except TooBig:
            witness = None
        if witness is None:
            found.append(f"{name} pinned (or not refuted)")
    return found


def _watched_groups(values, lines, status) -> list[tuple]:
    """Sets of hidden parts of one line whose true size is below 5."""
    groups = set()
    for line in lines:
        hidden = [k for k in line.parts if status[k] != SHOWN]
        for size in range(2, len(hidden) + 1):
            for group in combinations(hidden, size):
                if sum(values[k] for k in group) < 5:
                    groups.add(group)
    return sorted(groups, key=repr)


def _solutions(hidden, domains, lines, known, first=(), order=None):
    """Every assignment of the hidden cells that satisfies all lines: the
    cells in ``first`` are branched on first, values in ``order`` if given."""
    nodes = [0]

    def propagate(assigned) -> bool:
        while True:
            forced = False
            for line in lines:
                value = {**known, **assigned}
                free = [k for k in (line.total, *line.parts) if k not in value]
                parts = sum(value[k] for k in line.parts if k in value)
                if not free:
                    if value[line.total] != parts:
                        return False
                elif len(free) == 1:
                    k = free[0]
                    v = parts if k == line.total else value[line.total] - parts
                    if v not in domains[k]:
                        return False
                    assigned[k] = v
                    forced = True
                elif line.total in value:
                    low = sum(domains[k].start for k in free)
                    high = sum(domains[k].stop - 1 for k in free)
                    if not parts + low <= value[line.total] <= parts + high:
                        return False
            if not forced:
                return True

    def search(assigned):
        nodes[0] += 1
        if nodes[0] > NODE_LIMIT:
            raise TooBig
        if not propagate(assigned):
            return
        free = [k for k in hidden if k not in assigned]
        if not free:
            yield dict(assigned)
            return
        key = min(free, key=lambda k: (k not in first, len(domains[k]), repr(k)))
        for candidate in order[key] if order else domains[key]:
            yield from search({**assigned, key: candidate})

    yield from search({})
