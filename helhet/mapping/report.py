"""The municipal report from mappings, as pure functions over plain rows.

One person counts once per year, with their last mapping that year. Every
number in the report comes from here with its suppression status, so the page,
the chart, the CSV and the XLSX show exactly the same cells.

Group sizes are kept at 5 or more by merging: age groups with a neighbour,
units into "Andre enheter"; a breakdown that would leave one group is not
shown (it would repeat the total). Each domain is then one system of lines —
the domain's distribution, and per breakdown a table of groups × levels whose
margins are the group sizes and that distribution — suppressed together, so a
number hidden in one table cannot be recovered from another.
"""

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from helhet.mapping import rules, suppression
from helhet.mapping.models import Domain, Level
from helhet.mapping.suppression import THRESHOLD, Line

# Shown in the order a reader expects, "not known" last.
DISPLAY_LEVELS = (Level.NONE, Level.MODERATE, Level.SERIOUS, Level.UNKNOWN)
BUCKETS = ("0", "1", "2", "3+")
AGE, GENDER, UNIT = "alder", "kjonn", "enhet"
OTHER_UNITS = "andre"


@dataclass(frozen=True)
class PersonRow:
    age_group: str
    gender: str
    unit_id: int
    levels: dict


@dataclass(frozen=True)
class Cell:
    value: int
    status: str

    @property
    def shown(self) -> bool:
        return self.status == suppression.SHOWN

    @property
    def display(self) -> str:
        return str(self.value) if self.shown else suppression.MARK[self.status]

    def share_of(self, total: "Cell") -> float | None:
        if not (self.shown and total.shown and total.value):
            return None
        return round(100 * self.value / total.value, 1)


@dataclass
class Group:
    key: str
    label: str
    members: tuple
    size: Cell
    cells: dict = field(default_factory=dict)  # domain -> level -> Cell


@dataclass
class Dimension:
    key: str
    label: str
    groups: list


@dataclass
class Report:
    year: int
    n: Cell
    distribution: dict = field(default_factory=dict)  # domain -> level -> Cell
    dimensions: list = field(default_factory=list)
    multi: dict = field(default_factory=dict)  # bucket -> Cell
    # (values, lines, status) per suppressed system, for audits and tests.
    systems: list = field(default_factory=list)

    @property
    def too_few(self) -> bool:
        return not self.n.shown

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)


def build(year: int, rows: list[PersonRow], units: list[tuple[int, str]]) -> Report:
    """``units`` is every unit of the municipality as (id, name), so "Andre
    enheter" has a fixed meaning: all units not listed by name."""
    total = len(rows)
    if total < THRESHOLD:
        return Report(year=year, n=Cell(total, suppression.SMALL))
    report = Report(year=year, n=Cell(total, suppression.SHOWN))
    dimensions = [
        d
        for d in (_age_dimension(rows), _gender_dimension(rows), _unit_dimension(rows, units))
        if len(d.groups) > 1
    ]
    for domain in Domain.values:
        _suppress_domain(report, domain, rows, dimensions)
    _suppress_multi(report, rows)
    report.dimensions = dimensions
    return report


# --- groups ------------------------------------------------------------------------


def _age_dimension(rows) -> Dimension:
    sizes = Counter(r.age_group for r in rows)
    spans = [[key] for key, _lowest, _label in rules.AGE_GROUPS]
    while len(spans) > 1:
        counts = [sum(sizes[k] for k in span) for span in spans]
        smallest = min(range(len(spans)), key=lambda i: (counts[i], i))
        if counts[smallest] >= THRESHOLD:
            break
        neighbours = [i for i in (smallest - 1, smallest + 1) if 0 <= i < len(spans)]
        other = min(neighbours, key=lambda i: (counts[i], i))
        low, high = sorted((smallest, other))
        spans[low : high + 1] = [spans[low] + spans[high]]
    groups = [
        Group(_age_key(span), _age_label(span), tuple(span), _anchor(rows, "age_group", span))
        for span in spans
    ]
    return Dimension(AGE, _("Aldersgruppe"), groups)


def _age_key(span) -> str:
    return span[0] if len(span) == 1 else f"{span[0]}/{span[-1]}"


def _age_label(span) -> str:
    lowest = {k: low for k, low, _label in rules.AGE_GROUPS}
    labels = {k: label for k, _low, label in rules.AGE_GROUPS}
    if len(span) == 1:
        return str(labels[span[0]])
    keys = [k for k, _low, _label in rules.AGE_GROUPS]
    after = keys.index(span[-1]) + 1
    if span[0] == keys[0] and after == len(keys):
        return _("Alle aldre")
    if span[0] == keys[0]:
        return _("Under %(age)s år") % {"age": lowest[keys[after]]}
    if after == len(keys):
        return _("%(age)s år og eldre") % {"age": lowest[span[0]]}
    return _("%(low)s–%(high)s år") % {"low": lowest[span[0]], "high": lowest[keys[after]] - 1}


def _gender_dimension(rows) -> Dimension:
    groups = [
        Group(key, str(label), (key,), _anchor(rows, "gender", [key]))
        for key, label in rules.GENDERS
    ]
    if any(g.size.value < THRESHOLD for g in groups):
        groups = groups[:1]  # a one-group breakdown is dropped by the caller
    return Dimension(GENDER, _("Kjønn"), groups)


def _unit_dimension(rows, units) -> Dimension:
    sizes = Counter(r.unit_id for r in rows)
    known = {uid for uid, _name in units}
    # A unit missing from ``units`` still needs a row, or the groups would not add up.
    units = [*units, *((uid, _("Enhet %(id)s") % {"id": uid}) for uid in sizes if uid not in known)]
    named = sorted(units, key=lambda u: (u[1], u[0]))
    kept = [u for u in named if sizes[u[0]] >= THRESHOLD]
    pooled = [u for u in named if sizes[u[0]] < THRESHOLD]
    # "Andre enheter" must itself hold 5 or more; give it the smallest named units.
    while pooled and sum(sizes[u[0]] for u in pooled) < THRESHOLD and kept:
        smallest = min(kept, key=lambda u: (sizes[u[0]], u[1]))
        kept.remove(smallest)
        pooled.append(smallest)
    groups = [Group(str(uid), name, (uid,), _anchor(rows, "unit_id", [uid])) for uid, name in kept]
    if pooled:
        ids = tuple(u[0] for u in pooled)
        groups.append(Group(OTHER_UNITS, _("Andre enheter"), ids, _anchor(rows, "unit_id", ids)))
    return Dimension(UNIT, _("Enhet"), groups)


def _anchor(rows, attribute, members) -> Cell:
    value = sum(1 for r in rows if getattr(r, attribute) in members)
    return Cell(value, suppression.SHOWN if value >= THRESHOLD else suppression.SMALL)


def _members(rows, dimension: Dimension, group: Group) -> list:
    attribute = {AGE: "age_group", GENDER: "gender", UNIT: "unit_id"}[dimension.key]
    return [r for r in rows if getattr(r, attribute) in group.members]


# --- suppression systems -----------------------------------------------------------


def _level_counts(rows, domain) -> Counter:
    return Counter(r.levels.get(domain, Level.UNKNOWN) for r in rows)


def _suppress_domain(report: Report, domain: str, rows, dimensions) -> None:
    values: dict[Hashable, int] = {("N",): len(rows)}
    anchors: set[Hashable] = {("N",)}
    counts = _level_counts(rows, domain)
    for level in DISPLAY_LEVELS:
        values[("dist", level)] = counts[level]
    lines = [Line(("N",), tuple(("dist", level) for level in DISPLAY_LEVELS))]
    for dim in dimensions:
        lines.append(Line(("N",), tuple(("n", dim.key, g.key) for g in dim.groups)))
        for group in dim.groups:
            size = ("n", dim.key, group.key)
            values[size] = group.size.value
            anchors.add(size)
            group_counts = _level_counts(_members(rows, dim, group), domain)
            cells = tuple(("cell", dim.key, group.key, level) for level in DISPLAY_LEVELS)
            for level, key in zip(DISPLAY_LEVELS, cells, strict=True):
                values[key] = group_counts[level]
            lines.append(Line(size, cells))
        for level in DISPLAY_LEVELS:
            column = tuple(("cell", dim.key, g.key, level) for g in dim.groups)
            lines.append(Line(("dist", level), column))
    status = suppression.suppress(values, lines, anchors, worth=_worth)
    report.systems.append((values, lines, status))

    def cell(key):
        return Cell(values[key], status[key])

    report.distribution[domain] = {level: cell(("dist", level)) for level in DISPLAY_LEVELS}
    for dim in dimensions:
        for group in dim.groups:
            group.cells[domain] = {
                level: cell(("cell", dim.key, group.key, level)) for level in DISPLAY_LEVELS
            }


def _worth(key) -> int:
    """The share with serious problems is what the breakdowns show: hide it last."""
    return 1 if key[-1] == Level.SERIOUS else 0


def serious_count(row: PersonRow) -> int:
    return sum(1 for level in row.levels.values() if level == Level.SERIOUS)


def _bucket(row: PersonRow) -> str:
    return BUCKETS[min(serious_count(row), len(BUCKETS) - 1)]


def _suppress_multi(report: Report, rows) -> None:
    counts = Counter(_bucket(r) for r in rows)
    values: dict[Hashable, int] = {
        ("N",): len(rows),
        **{("multi", b): counts[b] for b in BUCKETS},
    }
    lines = [Line(("N",), tuple(("multi", b) for b in BUCKETS))]
    status = suppression.suppress(values, lines, {("N",)})
    report.systems.append((values, lines, status))
    report.multi = {b: Cell(values[("multi", b)], status[("multi", b)]) for b in BUCKETS}
