"""Exact linear programming over small systems of equations with bounded variables.

Small-cell suppression has to know what a reader can *prove* about a hidden
count from the published lines; floating point could round a pinned cell into
a free one, so everything here is exact (ints, and Fractions only where a
pivot divides). The systems are tiny (tens of variables) and nearly always
0/±1, so a dense-free dictionary simplex with Bland's rule is fast enough and
easy to trust.
"""

from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction

Number = int | Fraction
Row = tuple[Mapping[Hashable, int], int]  # sum(coefficient * variable) == rhs


class Infeasible(Exception):
    pass


def _exact(value: Number) -> Number:
    if value.__class__ is Fraction and value.denominator == 1:
        return value.numerator
    return value


def _divide(a: Number, b: Number) -> Number:
    # Pivots of these 0/±1 systems are nearly always ±1: stay in ints then.
    if b == 1:
        return a
    if b == -1:
        return -a
    return _exact(Fraction(a) / b)


class Polytope:
    """``{x : every row holds, low[v] <= x[v] <= high[v]}`` with finite bounds.

    Raises ``Infeasible`` when no such x exists. ``start``, a point inside the
    bounds, is where the search begins; when it satisfies every row (the
    caller knows the true table) no first phase is needed. Variables outside
    the basis may therefore rest between their bounds, so a point returned is
    optimal but not always a vertex. The simplex state is kept between calls:
    each optimisation starts where the last one ended.
    """

    def __init__(
        self,
        rows: Sequence[Row],
        bounds: Mapping[Hashable, tuple[int, int]],
        start: Mapping[Hashable, int] | None = None,
    ):
        self.names = list(bounds)
        index = {name: i for i, name in enumerate(self.names)}
        self.low: list[Number] = [bounds[name][0] for name in self.names]
        self.high: list[Number] = [bounds[name][1] for name in self.names]
        self.value: list[Number] = [
            min(max(start[name], low), high) if start else low
            for name, low, high in zip(self.names, self.low, self.high, strict=True)
        ]
        self.basis: list[int] = []
        self.rows: list[dict[int, Number]] = []  # basis[i] + sum(rows[i][j] * x[j]) == const
        for coefficients, rhs in rows:
            row: dict[int, Number] = {index[k]: c for k, c in coefficients.items() if c}
            residual = rhs - sum(c * self.value[j] for j, c in row.items())
            if residual < 0:
                row, residual = {j: -c for j, c in row.items()}, -residual
            # |c| written out: abs() of int | Fraction is "object" to the type checker.
            spread = sum(
                (c if c >= 0 else -c) * (self.high[j] - self.low[j]) for j, c in row.items()
            )
            artificial = self._add_variable(0, residual + spread, residual)
            self.basis.append(artificial)
            self.rows.append(row)
        artificials = set(self.basis)
        if any(self.value[j] for j in artificials):
            self._optimise({j: 1 for j in artificials})
        if any(self.value[j] for j in artificials):
            raise Infeasible
        for j in artificials:
            self.high[j] = 0  # from now on an artificial can never move off 0

    def _add_variable(self, low: Number, high: Number, value: Number) -> int:
        self.low.append(low)
        self.high.append(high)
        self.value.append(value)
        return len(self.value) - 1

    def minimize(self, objective: Mapping[Hashable, int]) -> tuple[Number, dict]:
        """The least value of ``objective`` and a vertex reaching it."""
        index = {name: i for i, name in enumerate(self.names)}
        costs = {index[k]: c for k, c in objective.items() if c}
        self._optimise(costs)
        best = sum(c * self.value[j] for j, c in costs.items())
        return _exact(best), self.point()

    def maximize(self, objective: Mapping[Hashable, int]) -> tuple[Number, dict]:
        best, point = self.minimize({k: -c for k, c in objective.items()})
        return -best, point

    def point(self) -> dict:
        return {name: _exact(self.value[i]) for i, name in enumerate(self.names)}

    # --- the bounded-variable simplex --------------------------------------------

    def _optimise(self, costs: Mapping[int, int]) -> None:
        reduced: dict[int, Number] = {}
        in_basis = set(self.basis)
        for j, c in costs.items():
            if j not in in_basis:
                reduced[j] = reduced.get(j, 0) + c
        for i, b in enumerate(self.basis):
            if costs.get(b):
                for j, t in self.rows[i].items():
                    reduced[j] = reduced.get(j, 0) - costs[b] * t
        while True:
            entering = self._entering(reduced)
            if entering is None:
                return
            self._step(entering, reduced)

    def _entering(self, reduced) -> tuple[int, int] | None:
        # Bland's rule (lowest index) rules out cycling on degenerate vertices.
        for j in sorted(reduced):
            d = reduced[j]
            if d < 0 and self.value[j] < self.high[j]:
                return j, 1
            if d > 0 and self.value[j] > self.low[j]:
                return j, -1
        return None

    def _step(self, entering: tuple[int, int], reduced) -> None:
        j, direction = entering
        # Moving x[j] by direction * step moves basis[i] by -rows[i][j] * direction * step.
        room_j = self.high[j] - self.value[j] if direction > 0 else self.value[j] - self.low[j]
        step, leaving = room_j, None
        for i, b in enumerate(self.basis):
            rate = -self.rows[i].get(j, 0) * direction
            if rate < 0:
                room = _divide(self.value[b] - self.low[b], -rate)
            elif rate > 0:
                room = _divide(self.high[b] - self.value[b], rate)
            else:
                continue
            if room < step or (room == step and leaving is not None and b < self.basis[leaving]):
                step, leaving = room, i
        self.value[j] = _exact(self.value[j] + direction * step)
        for i, b in enumerate(self.basis):
            t = self.rows[i].get(j, 0)
            if t:
                self.value[b] = _exact(self.value[b] - t * direction * step)
        if leaving is not None:
            self._pivot(leaving, j, reduced)

    def _pivot(self, i: int, j: int, reduced) -> None:
        old = self.basis[i]
        row = self.rows[i]
        pivot = row.pop(j)
        new_row = {k: _divide(t, pivot) for k, t in row.items()}
        new_row[old] = _divide(1, pivot)
        self.rows[i], self.basis[i] = new_row, j
        # The leaving variable sits exactly on a bound: no rounding can drift it.
        for k, other in enumerate(self.rows):
            if k != i and j in other:
                factor = other.pop(j)
                _subtract(other, factor, new_row)
        if j in reduced:
            factor = reduced.pop(j)
            _subtract(reduced, factor, new_row)


def _subtract(target: dict, factor: Number, row: Mapping[int, Number]) -> None:
    for k, t in row.items():
        value = _exact(target.get(k, 0) - factor * t)
        if value:
            target[k] = value
        else:
            target.pop(k, None)
