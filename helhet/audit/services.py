"""The compliance report: every criterion's tally, per unit and over time,
and the failing cases a user may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.audit import rules
from helhet.audit.criteria import CRITERIA, Criterion, Outcome, Scope
from helhet.audit.models import ComplianceSnapshot
from helhet.intake.rules import Result
from helhet.organisation.models import Municipality, Role, Unit

DEFAULT_PERIOD_DAYS = 365
# Those who follow compliance (DOMAIN.md §2): leaders, KE, quality, head of sector, auditors.
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

    def add(self, result: Result) -> None:
        if result == Result.MET:
            self.met += 1
        elif result == Result.NOT_MET:
            self.not_met += 1
        else:
            self.not_applicable += 1

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

    def as_dict(self) -> dict:
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


def roles_of(user) -> set[str]:
    staff = getattr(user, "staff", None)
    return {m.role for m in staff.memberships.all()} if staff else set()


def may_see_report(user) -> bool:
    return bool(roles_of(user) & REPORT_ROLES)


def may_sample(user) -> bool:
    return bool(roles_of(user) & SAMPLE_ROLES)


def sees_no_names(user) -> bool:
    """Auditors' views are anonymised: no person and no staff names."""
    roles = roles_of(user)
    return Role.AUDITOR in roles and not roles & gate.CASE_ROLES


def period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
    if end < start:
        raise BadInput(_("Perioden slutter før den begynner."))
    return start, end


def parse_date(text: str | None) -> dt.date | None:
    """A date as dd.mm.åååå or åååå-mm-dd; None for empty."""
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise BadInput(_("Ugyldig dato «%(d)s». Bruk dd.mm.åååå.") % {"d": text})


def unit_by_code(municipality: Municipality, code: str) -> Unit:
    unit = Unit.objects.filter(municipality=municipality, code=code).first()
    if unit is None:
        raise BadInput(_("Ukjent enhet «%(code)s».") % {"code": code})
    return unit


def build(
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    unit_ids: set[int] | None = None,
    today: dt.date | None = None,
    criteria: list[Criterion] | None = None,
) -> list[CriterionReport]:
    """Evaluate the criteria; with ``unit_ids``, only outcomes involving those units."""
    scope = Scope(municipality_id, start, end, today or timezone.localdate())
    reports = []
    for criterion in criteria or CRITERIA:
        outcomes = [
            o for o in criterion.evaluate(scope) if unit_ids is None or o.unit_ids & set(unit_ids)
        ]
        total, per_unit = Tally(), defaultdict(Tally)
        for outcome in outcomes:
            total.add(outcome.result)
            for unit_id in outcome.unit_ids:
                per_unit[unit_id].add(outcome.result)
        reports.append(CriterionReport(criterion, total, dict(per_unit), outcomes))
    return reports


def unit_table(reports: list[CriterionReport], municipality_id: int) -> dict:
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


def failing_cases(report: CriterionReport, user) -> tuple[list[FailingCase], int]:
    """The failing cases the user may see by name, and how many are hidden.

    Person cases are shown only for persons the gate gives the user a basis
    for (and each shown person is logged); the rest are counted. Auditors see
    no names at all, also no staff names."""
    anonymous = sees_no_names(user)
    failing = report.failing
    person_ids = {o.person_id for o in failing if o.person_id}
    allowed = {}
    if person_ids and not anonymous:
        rows = (
            gate.accessible_persons(user)
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
        category=gate.BASIC,
    )
    return sorted(visible, key=lambda c: c.label), hidden


# --- over time: daily snapshots -------------------------------------------------


def take_snapshot(municipality_id: int, day: dt.date) -> int:
    """Store today's tallies (whole municipality and per unit); again the same day replaces."""
    start, end = period(None, day, day)
    reports = build(municipality_id, start, end, today=day)
    rows = []
    for report in reports:
        tallies = [(None, report.total), *report.per_unit.items()]
        for unit_id, tally in tallies:
            rows.append(
                ComplianceSnapshot(
                    municipality_id=municipality_id,
                    day=day,
                    criterion=report.criterion.id,
                    unit_id=unit_id,
                    met=tally.met,
                    not_met=tally.not_met,
                    not_applicable=tally.not_applicable,
                )
            )
    with transaction.atomic():
        ComplianceSnapshot.objects.filter(municipality_id=municipality_id, day=day).delete()
        ComplianceSnapshot.objects.bulk_create(rows)
    return len(rows)


def trend(municipality_id: int, unit_id: int | None, days: int = 12) -> dict:
    """The last ``days`` snapshot days: rate per criterion per day."""
    snapshots = ComplianceSnapshot.objects.filter(municipality_id=municipality_id, unit_id=unit_id)
    recent = sorted(snapshots.order_by("-day").values_list("day", flat=True).distinct()[:days])
    rates = defaultdict(dict)
    for criterion, day, met, not_met in snapshots.filter(day__in=recent).values_list(
        "criterion", "day", "met", "not_met"
    ):
        rate = rules.rate(met, not_met)
        rates[criterion][day] = None if rate is None else round(rate * 100)
    return {
        "days": recent,
        "rows": [(c, [rates[c.id].get(d) for d in recent]) for c in CRITERIA if c.id in rates],
    }
