"""The compliance report: every criterion's tally, per unit and over time,
and the failing cases a user may see.

``build`` computes live (the drill-down uses it); the page, the PDF, the API and
the exports read the stored report (``find_stored``), computed nightly, by the
background worker for a period first asked for, or on request
(docs/performance.md).
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import DurationField, ExpressionWrapper, F
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.audit import rules
from helhet.audit.criteria import CRITERIA, Criterion, Outcome, Scope
from helhet.audit.models import ComplianceSnapshot
from helhet.audit.results import Result
from helhet.core import replica
from helhet.organisation.models import Municipality, Role, Unit
from helhet.organisation.services import roles_of

DEFAULT_PERIOD_DAYS = 365
# Those who follow compliance (docs/access.md): leaders, KE, quality, head of sector, auditors.
REPORT_ROLES = {
    Role.LEADER,
    Role.COORDINATING_UNIT,
    Role.QUALITY,
    Role.SECTOR_HEAD,
    Role.AUDITOR,
}
SAMPLE_ROLES = {Role.AUDITOR, Role.QUALITY, Role.SECTOR_HEAD}


class BadInput(ValueError):
    """Input the report cannot use; the message is Norwegian, for the user."""


@dataclass
class Tally:
    met: int = 0
    not_met: int = 0
    not_applicable: int = 0

    def add(self, result: Result, n: int = 1) -> None:
        if result == Result.MET:
            self.met += n
        elif result == Result.NOT_MET:
            self.not_met += n
        else:
            self.not_applicable += n

    @property
    def rate(self) -> float | None:
        return rules.rate(self.met, self.not_met)

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass
class CriterionReport:
    criterion: Criterion
    total: Tally
    per_unit: dict[int, Tally]
    outcomes: list[Outcome] = field(repr=False)

    @property
    def failing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == Result.NOT_MET]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.criterion.id,
            "title": str(self.criterion.title),
            "legal_basis": self.criterion.legal_text,
            "source": self.criterion.source,
            "met": self.total.met,
            "not_met": self.total.not_met,
            "not_applicable": self.total.not_applicable,
            "rate": self.total.rate,
        }


def may_see_report(*, user: User) -> bool:
    return bool(roles_of(user=user) & REPORT_ROLES)


def may_sample(*, user: User) -> bool:
    return bool(roles_of(user=user) & SAMPLE_ROLES)


def sees_no_names(*, user: User) -> bool:
    """Auditors' views are anonymised: no person and no staff names."""
    roles = roles_of(user=user)
    return Role.AUDITOR in roles and not roles & gate.CASE_ROLES


def period(
    *, start: dt.date | None, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
    if end < start:
        raise BadInput(_("Perioden slutter før den begynner."))
    return start, end


def parse_date(*, text: str | None) -> dt.date | None:
    """A date as dd.mm.åååå or åååå-mm-dd; None for empty."""
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise BadInput(_("Ugyldig dato «%(d)s». Bruk dd.mm.åååå.") % {"d": text})


def unit_by_code(*, municipality: Municipality, code: str) -> Unit:
    unit = Unit.objects.filter(municipality=municipality, code=code).first()
    if unit is None:
        raise BadInput(_("Ukjent enhet «%(code)s».") % {"code": code})
    return unit


def build(
    *,
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    unit_ids: set[int] | None = None,
    today: dt.date | None = None,
    criteria: list[Criterion] | None = None,
) -> list[CriterionReport]:
    """Evaluate the criteria; with ``unit_ids``, only outcomes involving those units."""
    scope = Scope(municipality_id, start, end, today or timezone.localdate())
    wanted = None if unit_ids is None else frozenset(unit_ids)
    reports = []
    evaluated, _ = _evaluate(scope, criteria or CRITERIA)
    for criterion, outcomes in evaluated:
        if wanted is not None:
            outcomes = [o for o in outcomes if o.unit_ids & wanted]
        total, per_unit = _tally(outcomes)
        reports.append(CriterionReport(criterion, total, per_unit, outcomes))
    return reports


def _evaluate(
    scope: Scope,
    criteria: list[Criterion],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[tuple[Criterion, list[Outcome]]], dt.datetime]:
    """Each criterion's outcomes, and the moment they hold as of; each criterion
    reads only the shared facts it declares, from the read replica where there is
    one (helhet/core/replica.py). ``progress`` is told (done, total) after each
    criterion (the page's «beregnes» bar)."""

    def evaluate() -> list[tuple[Criterion, list[Outcome]]]:
        evaluated: list[tuple[Criterion, list[Outcome]]] = []
        for criterion in criteria:
            evaluated.append((criterion, list(criterion.evaluate(scope.declared(criterion.needs)))))
            if progress is not None:
                progress(len(evaluated), len(criteria))
        return evaluated

    return replica.run(evaluate)


def _tally(outcomes: list[Outcome]) -> tuple[Tally, dict[int, Tally]]:
    """The tally in total and per involved unit. Outcomes are first counted per set
    of units (persons share a few combinations of units), then spread to the units."""
    by_units = Counter((o.unit_ids, o.result) for o in outcomes)
    total = Tally()
    per_unit: defaultdict[int, Tally] = defaultdict(Tally)
    for (unit_ids, result), n in by_units.items():
        total.add(result, n)
        for unit_id in unit_ids:
            per_unit[unit_id].add(result, n)
    return total, dict(per_unit)


def unit_table(*, reports: list[CriterionReport], municipality_id: int) -> dict[str, Any]:
    """Rates per criterion (rows) and unit (columns) for units with any outcome."""
    used = {u for r in reports for u in r.per_unit}
    units = list(Unit.objects.filter(municipality_id=municipality_id, pk__in=used).order_by("name"))
    return {
        "units": units,
        "rows": [(r, [r.per_unit.get(u.pk) for u in units]) for r in reports],
    }


# --- drill-down: failing cases, through the gate --------------------------------


@dataclass(frozen=True)
class PersonRef:
    pk: int
    municipality_id: int


@dataclass(frozen=True)
class FailingCase:
    label: str
    evidence: str
    person_id: int | None = None


def failing_cases(*, report: CriterionReport, user: User) -> tuple[list[FailingCase], int]:
    """The failing cases the user may see by name, and how many are hidden.

    Person cases are shown only for persons whose data of the criterion's
    evidence category the gate would open to the user, as the page behind the
    evidence would (each shown person is logged with that category); the rest
    are counted. Auditors see
    no names at all, also no staff names."""
    anonymous = sees_no_names(user=user)
    failing = report.failing
    person_ids = {o.person_id for o in failing if o.person_id}
    allowed = {}
    category = report.criterion.evidence_category
    if person_ids and not anonymous:
        rows = (
            gate.accessible_persons(user, category=category)
            .filter(pk__in=person_ids)
            .values_list("pk", "given_name", "family_name", "municipality_id")
        )
        allowed = {pk: (f"{given} {family}", muni) for pk, given, family, muni in rows}
    visible, hidden = [], 0
    for outcome in failing:
        if outcome.person_id:
            if outcome.person_id not in allowed:
                hidden += 1
                continue
            visible.append(
                FailingCase(allowed[outcome.person_id][0], outcome.evidence, outcome.person_id)
            )
        elif anonymous and outcome.subject_is_staff:
            hidden += 1
        else:
            visible.append(FailingCase(outcome.subject, outcome.evidence))
    shown = {c.person_id for c in visible if c.person_id}
    gate.log_many(
        user,
        [PersonRef(pk, allowed[pk][1]) for pk in sorted(shown)],
        Action.LIST,
        what=f"etterlevelse: {report.criterion.id}",
        category=category,
    )
    return sorted(visible, key=lambda c: c.label), hidden


# --- the stored report: snapshots ----------------------------------------------


@dataclass
class StoredReport:
    """The report as stored: the figures of ``computed_at``, not live ones."""

    computed_at: dt.datetime
    reports: list[CriterionReport]


def _counts(tally: Tally) -> list[int]:
    return [tally.met, tally.not_met, tally.not_applicable]


def _results(outcomes: list[Outcome]) -> dict[str, Any]:
    total, per_unit = _tally(outcomes)
    return {
        "total": _counts(total),
        "units": {str(unit_id): _counts(t) for unit_id, t in per_unit.items()},
    }


def store_snapshots(
    *,
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ComplianceSnapshot]:
    """Compute the report once and store it for the whole municipality and for every
    unit's view of it (the outcomes involving the unit): one evaluation serves
    every unit filter of the page. Storing again the same day replaces."""
    today = today or timezone.localdate()
    scope = Scope(municipality_id, start, end, today)
    unit_ids = list(
        Unit.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True)
    )
    whole: dict[str, dict[str, Any]] = {}
    per_unit: dict[int, dict[str, dict[str, Any]]] = {unit_id: {} for unit_id in unit_ids}
    # From a lagging standby the figures hold as of its last replayed commit, and
    # the page says so (computed_at), never a newer moment.
    evaluated, computed_at = _evaluate(scope, CRITERIA, progress)
    for criterion, outcomes in evaluated:
        whole[criterion.id] = _results(outcomes)
        involving = defaultdict(list)
        for outcome in outcomes:
            for unit_id in outcome.unit_ids:
                involving[unit_id].append(outcome)
        for unit_id, results in per_unit.items():
            results[criterion.id] = _results(involving.get(unit_id, []))
    snapshots = [
        ComplianceSnapshot(
            municipality_id=municipality_id,
            day=today,
            period_start=start,
            period_end=end,
            unit_id=unit_id,
            computed_at=computed_at,
            results=results,
        )
        for unit_id, results in [(None, whole), *per_unit.items()]
    ]
    try:
        with transaction.atomic():
            ComplianceSnapshot.objects.filter(
                municipality_id=municipality_id, day=today, period_start=start, period_end=end
            ).delete()
            ComplianceSnapshot.objects.bulk_create(snapshots)
    except IntegrityError:
        pass  # a concurrent request stored the same day and period: its figures stand
    return snapshots


def nightly_snapshot(*, municipality_id: int, today: dt.date) -> int:
    """The default period ending today (``helhet compliance-snapshot``): the page's
    first view of the day reads it, and it is the trend's point for today."""
    start, end = period(start=None, end=None, today=today)
    return len(store_snapshots(municipality_id=municipality_id, start=start, end=end, today=today))


def find_stored(
    *,
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    unit_id: int | None = None,
    today: dt.date | None = None,
) -> StoredReport | None:
    """Today's stored report for the period and unit, or None: never computed here.
    The page asks the background worker for a missing one (helhet.background)."""
    stored = ComplianceSnapshot.objects.filter(
        municipality_id=municipality_id,
        day=today or timezone.localdate(),
        period_start=start,
        period_end=end,
    )
    # The whole municipality's report is the one without a unit.
    snapshot = (
        stored.filter(unit__isnull=True) if unit_id is None else stored.filter(unit_id=unit_id)
    ).first()
    if snapshot is None:
        return None
    return StoredReport(snapshot.computed_at, _reports_from(snapshot.results))


def stored_report(
    *,
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    unit_id: int | None = None,
    today: dt.date | None = None,
    recompute: bool = False,
) -> StoredReport:
    """Today's stored report for the period and unit; computed and stored when there is
    none (or ``recompute``). Figures of an earlier day are never shown as today's."""
    today = today or timezone.localdate()
    snapshot = None
    if not recompute:
        snapshot = ComplianceSnapshot.objects.filter(
            municipality_id=municipality_id,
            day=today,
            period_start=start,
            period_end=end,
            # No unit: the whole municipality's row (Django reads "= None" as IS NULL).
            unit_id=unit_id,  # type: ignore[misc]
        ).first()
    if snapshot is None:
        stored = store_snapshots(municipality_id=municipality_id, start=start, end=end, today=today)
        snapshot = next(s for s in stored if s.unit_id == unit_id)
    return StoredReport(snapshot.computed_at, _reports_from(snapshot.results))


def _reports_from(results: dict[str, Any]) -> list[CriterionReport]:
    """Reports with stored tallies and no outcomes (the drill-down computes those live).
    A criterion added to the catalogue after the snapshot is left out, not shown as 0."""
    return [
        CriterionReport(
            criterion,
            Tally(*results[criterion.id]["total"]),
            {int(u): Tally(*t) for u, t in results[criterion.id]["units"].items()},
            outcomes=[],
        )
        for criterion in CRITERIA
        if criterion.id in results
    ]


def trend(
    *, municipality_id: int, unit_id: int | None, start: dt.date, end: dt.date, days: int = 12
) -> dict[str, Any]:
    """Rates per criterion of the last ``days`` stored periods of the same length,
    each ending on the day it was computed, up to ``end`` (one query).

    Only stored snapshots: an earlier period is not computed afresh, because plan
    content, consents and the directory are read as they stand now (criteria.py),
    so a period computed today would not show what was true then."""
    length = ExpressionWrapper(F("period_end") - F("period_start"), output_field=DurationField())
    rows = list(
        ComplianceSnapshot.objects.filter(
            municipality_id=municipality_id,
            unit__isnull=True,
            period_end=F("day"),
            day__lte=end,
        )
        .annotate(length=length)
        .filter(length=end - start)
        .order_by("-day")
        .values_list("day", "results")[:days]
    )
    rows.reverse()
    rates: defaultdict[str, dict[dt.date, int | None]] = defaultdict(dict)
    for day, results in rows:
        for criterion_id, entry in results.items():
            counts = entry["total"] if unit_id is None else entry["units"].get(str(unit_id))
            rate = rules.rate(counts[0], counts[1]) if counts else None
            rates[criterion_id][day] = None if rate is None else round(rate * 100)
    recent = [day for day, _results in rows]
    return {
        "days": recent,
        "rows": [(c, [rates[c.id].get(d) for d in recent]) for c in CRITERIA if c.id in rates],
    }
