"""The auditor's sample (docs/compliance.md; an audit: every 10th active user,
read against the regulation's § 19 checklist).

The population is every person with a service valid in the period, in the
chosen units, ordered by person id — a stable order that does not depend on
names, and stated on the report. "Every k-th" is what an auditor means by it:
the k-th, 2k-th, 3k-th … person of that order (1-based). A stated start
``o`` (1 ≤ o ≤ k) gives the o-th, (o+k)-th …; a random start is drawn from
1..k with a recorded seed. The same parameters on the same data give the same
sample; the start actually used is stored so anyone can draw it again.

Besides the yes/no checklist, each sampled person carries the columns the
the auditors tabulated (table 1): how long the person has had services
(since when, in months), how many services and how many of the municipality's
units give them, and whether the data shows a need for an IP.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.audit import rules as audit_rules
from helhet.audit.models import Answer, AuditSample, ChecklistAnswer, SampleItem
from helhet.coordination.models import CoordinatorAssignment
from helhet.core.legal import IP_CONTENT
from helhet.people.models import Service
from helhet.plans import rules as plan_rules
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan

YES, NO, NA = Answer.YES.value, Answer.NO.value, Answer.NOT_APPLICABLE.value

# The checklist, in the order the auditor reads it (the auditors' checklist).
CHECKLIST: list[tuple[str, object]] = [
    (
        "ip_need",
        _lazy("Behov for IP: langvarige og koordinerte tjenester fra flere enheter?"),
    ),
    ("ip_offered", _lazy("Er IP tilbudt?")),
    ("ip_exists", _lazy("Finnes det en aktiv IP?")),
    ("coord_offered", _lazy("Er koordinator tilbudt?")),
    ("coord_named", _lazy("Er koordinator oppnevnt?")),
    *((f"s19_{letter}", f"§ 19 {letter}) {label}") for letter, label in IP_CONTENT.items()),
    ("meetings", _lazy("Spor av samarbeid: er det holdt ansvarsgruppemøter i perioden?")),
    ("minutes", _lazy("Har alle møtene i perioden referat?")),
]
LABELS = dict(CHECKLIST)


class SampleRefused(ValueError):
    """Parameters that give no valid sample; the message is for the user."""


@dataclass(frozen=True)
class Parameters:
    method: str
    start: dt.date
    end: dt.date
    every: int | None = None
    # 1-based start within the first k (None: the k-th, i.e. positions k, 2k, …).
    offset: int | None = None
    random_start: bool = False
    size: int | None = None
    seed: int | None = None
    unit_ids: tuple[int, ...] = ()
    with_all_plans: bool = False


def parameter_errors(p: Parameters) -> list[str]:
    errors = []
    if p.end < p.start:
        errors.append(_("Perioden slutter før den begynner."))
    if p.method == AuditSample.Method.SYSTEMATIC:
        if not p.every or p.every < 1:
            errors.append(_("«Hver k-te» må være et helt tall på minst 1."))
        elif p.random_start and p.offset is not None:
            errors.append(_("Oppgi enten en start eller tilfeldig start, ikke begge."))
        elif p.offset is not None and not 1 <= p.offset <= p.every:
            errors.append(_("Starten må være mellom 1 og %(max)s.") % {"max": p.every})
        if p.random_start and p.seed is None:
            errors.append(_("En tilfeldig start må ha et frø, så utvalget kan trekkes på nytt."))
    elif p.method == AuditSample.Method.RANDOM:
        if not p.size or p.size < 1:
            errors.append(_("Antall må være et helt tall på minst 1."))
        if p.seed is None:
            errors.append(_("Et tilfeldig utvalg må ha et frø, så det kan trekkes på nytt."))
    else:
        errors.append(_("Velg metode: hver k-te eller tilfeldig."))
    return errors


def start_of(p: Parameters) -> int:
    """The 1-based start of a systematic sample: stated, drawn from the seed, or k."""
    if p.offset is not None:
        return p.offset
    assert p.every is not None  # a systematic sample has k (validated above)
    if p.random_start:
        return random.Random(p.seed).randint(1, p.every)
    return p.every


def systematic_positions(size: int, every: int, start: int) -> list[int]:
    """0-based positions of the start-th, (start+k)-th … of ``size`` persons."""
    return list(range(start - 1, size, every))


def draw(population: list[int], p: Parameters) -> list[int]:
    """Positions in ``population`` that are drawn, in population order."""
    if p.method == AuditSample.Method.SYSTEMATIC:
        assert p.every is not None  # validated above
        return systematic_positions(len(population), p.every, start_of(p))
    assert p.size is not None  # a random sample has a size (validated above)
    if p.size > len(population):
        raise SampleRefused(
            _("Utvalget (%(n)s) er større enn populasjonen (%(pop)s personer).")
            % {"n": p.size, "pop": len(population)}
        )
    return sorted(random.Random(p.seed).sample(range(len(population)), p.size))


def population(municipality_id: int, p: Parameters) -> list[int]:
    """Person ids with a service valid in the period (in the units), by id."""
    services = Service.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=p.start),
        person__municipality_id=municipality_id,
        valid_from__lte=p.end,
    )
    if p.unit_ids:
        services = services.filter(unit_id__in=p.unit_ids)
    # Distinct and ordered in the database: half the rows of one per service (docs/performance.md).
    return list(services.order_by("person_id").values_list("person_id", flat=True).distinct())


def _bool(value: bool) -> str:
    return YES if value else NO


def prefill(
    plan: Mapping[str, Any] | None,
    facts: plan_rules.PlanFacts | None,
    assignments: Sequence[Mapping[str, Any]],
    held: int,
    without_minutes: int,
    has_group: bool,
    need: bool = False,
) -> dict[str, str]:
    """The checklist answers the data gives, for one person."""
    active = plan is not None and plan["status"] == IndividualPlan.Status.ACTIVE
    answers = {
        "ip_need": _bool(need),
        "ip_offered": _bool(plan is not None),
        "ip_exists": _bool(active),
        "coord_offered": _bool(bool(assignments)),
        "coord_named": _bool(any(a["coordinator_id"] for a in assignments)),
    }
    for letter, check in plan_rules.CHECKS.items():
        answers[f"s19_{letter}"] = _bool(check(facts)) if active and facts else NA
    answers["meetings"] = _bool(held > 0) if has_group else NA
    answers["minutes"] = _bool(without_minutes == 0) if held else NA
    return answers


def months_between(since: dt.date, until: dt.date) -> int:
    """Whole months from ``since`` to ``until`` (0 when ``until`` is earlier)."""
    months = (until.year - since.year) * 12 + until.month - since.month
    months -= until.day < since.day
    return max(months, 0)


@dataclass(frozen=True)
class ServiceColumns:
    """The auditors' table of a sample for one person: duration, number of services and units."""

    since: dt.date | None
    months: int | None
    services: int
    units: int
    need: bool


def service_columns(person_ids: list[int], p: Parameters, today: dt.date) -> dict:
    """The duration/number columns for the sampled persons, in one query.

    Every service of the municipality's units counts (an audit: «instanser i
    kommunen»), not only those of the units the population was drawn from. The
    need for an IP is read as the IP criterion reads it: services from two or
    more units at once, one of them for at least three months (hol. § 7-1).
    """
    as_of = min(p.end, today)
    spans = defaultdict(list)
    for person_id, unit_id, valid_from, valid_to in (
        Service.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=p.start),
            person_id__in=person_ids,
            valid_from__lte=p.end,
        )
        .order_by()
        .values_list("person_id", "unit_id", "valid_from", "valid_to")
    ):
        spans[person_id].append(audit_rules.ServiceSpan(unit_id, valid_from, valid_to))
    columns = {}
    for person_id in person_ids:
        found = spans.get(person_id, [])
        since = min((s.valid_from for s in found), default=None)
        columns[person_id] = ServiceColumns(
            since=since,
            months=months_between(since, as_of) if since else None,
            services=len(found),
            units=len({s.unit_id for s in found}),
            need=bool(audit_rules.coordinated_units(found, as_of)),
        )
    return columns


def _prefills(
    person_ids: list[int], p: Parameters, columns: dict[int, ServiceColumns]
) -> dict[int, dict[str, str]]:
    """Pre-filled checklists for all sampled persons, in a constant number of queries."""
    from helhet.cooperation.models import Meeting, ResponsibilityGroup

    plans = {}
    for row in (
        IndividualPlan.objects.filter(person_id__in=person_ids)
        .order_by("offered_on", "pk")
        .values(*plan_services.PLAN_FACT_FIELDS, "status")
    ):
        plans[row["person_id"]] = row  # the newest plan wins
    active = [row for row in plans.values() if row["status"] == IndividualPlan.Status.ACTIVE]
    facts = plan_services.facts_for_rows(rows=active, plans=[row["pk"] for row in active])
    assignments = defaultdict(list)
    # No ORDER BY: the model's default ordering made SQLite scan every assignment
    # in that order instead of using the person index (8 ms at 5,000 persons).
    for row in (
        CoordinatorAssignment.objects.filter(person_id__in=person_ids)
        .order_by()
        .values("person_id", "coordinator_id")
    ):
        assignments[row["person_id"]].append(row)
    groups = set(
        ResponsibilityGroup.objects.filter(person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    held: defaultdict[int, int] = defaultdict(int)
    without: defaultdict[int, int] = defaultdict(int)
    for person_id, minutes in Meeting.objects.filter(
        group__person_id__in=person_ids,
        status=Meeting.Status.HELD,
        starts_at__date__gte=p.start,
        starts_at__date__lte=p.end,
    ).values_list("group__person_id", "minutes"):
        held[person_id] += 1
        without[person_id] += not minutes.strip()
    return {
        pid: prefill(
            plans.get(pid),
            facts.get(plans[pid]["pk"]) if pid in plans else None,
            assignments[pid],
            held[pid],
            without[pid],
            pid in groups,
            columns[pid].need,
        )
        for pid in person_ids
    }


def _with_plans(population_ids: list[int]) -> set[int]:
    return set(
        IndividualPlan.objects.filter(
            person_id__in=population_ids, status=IndividualPlan.Status.ACTIVE
        ).values_list("person_id", flat=True)
    )


def create_sample(municipality, p: Parameters, user=None) -> AuditSample:
    """Draw, store the parameters, the anonymised items and their checklists."""
    errors = parameter_errors(p)
    if errors:
        raise SampleRefused(" ".join(errors))
    people = population(municipality.pk, p)
    if not people:
        raise SampleRefused(_("Ingen aktive personer i perioden og enhetene som er valgt."))
    drawn = set(draw(people, p))
    extra = set()
    if p.with_all_plans:
        plan_holders = _with_plans(people)
        extra = {i for i, pid in enumerate(people) if pid in plan_holders} - drawn
    positions = sorted(drawn | extra)
    if not positions:
        raise SampleRefused(_("Utvalget ble tomt. Velg en mindre k eller en lengre periode."))
    chosen = [people[i] for i in positions]
    columns = service_columns(chosen, p, timezone.localdate())
    checklists = _prefills(chosen, p, columns)
    start = start_of(p) if p.method == AuditSample.Method.SYSTEMATIC else None
    with transaction.atomic():
        sample = AuditSample.objects.create(
            municipality=municipality,
            method=p.method,
            every=p.every if p.method == AuditSample.Method.SYSTEMATIC else None,
            offset=start,
            random_start=p.random_start and p.method == AuditSample.Method.SYSTEMATIC,
            size=p.size if p.method == AuditSample.Method.RANDOM else None,
            seed=p.seed if p.method == AuditSample.Method.RANDOM or p.random_start else None,
            period_start=p.start,
            period_end=p.end,
            with_all_plans=p.with_all_plans,
            population_size=len(people),
            created_by=user,
        )
        if p.unit_ids:  # a new sample has no units to compare with: no query without any
            sample.units.add(*p.unit_ids)
        items = SampleItem.objects.bulk_create(
            [
                SampleItem(
                    sample=sample,
                    reference=f"U-{n:03d}",
                    position=position,
                    person_id=people[position],
                    reason=SampleItem.Reason.DRAWN
                    if position in drawn
                    else SampleItem.Reason.HAS_PLAN,
                    services_since=columns[people[position]].since,
                    service_months=columns[people[position]].months,
                    service_count=columns[people[position]].services,
                    unit_count=columns[people[position]].units,
                )
                for n, position in enumerate(positions, start=1)
            ]
        )
        ChecklistAnswer.objects.bulk_create(
            [
                ChecklistAnswer(item=item, key=key, prefilled=checklists[item.person_id][key])
                for item in items
                for key, _label in CHECKLIST
            ]
        )
    return sample


def parameters_of(sample: AuditSample) -> Parameters:
    """The stored parameters, to draw the same sample again."""
    # The start actually used is stored, so a random start is redrawn exactly.
    return Parameters(
        method=sample.method,
        start=sample.period_start,
        end=sample.period_end,
        every=sample.every,
        offset=sample.offset,
        size=sample.size,
        seed=sample.seed,
        unit_ids=tuple(sorted(sample.units.values_list("pk", flat=True))),
        with_all_plans=sample.with_all_plans,
    )


def review_problem(answer: ChecklistAnswer, value: str, comment: str) -> str | None:
    """Why the auditor's answer cannot be stored: an override needs a comment saying why."""
    if value not in Answer.values:
        return _("%(q)s: velg ja, nei eller ikke aktuelt.") % {"q": LABELS[answer.key]}
    if value != answer.prefilled and not comment.strip():
        return _("Skriv en kommentar når du endrer svaret fra det dataene viser («%(q)s»).") % {
            "q": LABELS[answer.key]
        }
    return None


def record_reviews(reviews: list[tuple[ChecklistAnswer, str, str]], user) -> None:
    """Store the auditor's answers for one checklist, all or none."""
    problems = [p for p in (review_problem(a, v, c) for a, v, c in reviews) if p]
    if problems:
        raise SampleRefused(" ".join(problems))
    now = timezone.now()
    with transaction.atomic():
        for answer, value, comment in reviews:
            answer.value, answer.comment = value, comment.strip()
            answer.reviewed_by, answer.reviewed_at = user, now
            answer.save(update_fields=["value", "comment", "reviewed_by", "reviewed_at"])


def report(sample: AuditSample) -> dict:
    """The audit report: every item's answers, and per question how many yes/no."""
    items = list(sample.items.prefetch_related("answers").order_by("reference"))
    per_question = {key: {YES: 0, NO: 0, NA: 0} for key, _label in CHECKLIST}
    rows, overridden, reviewed = [], [], 0
    for item in items:
        answers = {a.key: a for a in item.answers.all()}
        for key, answer in answers.items():
            per_question[key][answer.effective] += 1
            reviewed += answer.reviewed_at is not None
            if answer.overridden:
                overridden.append((item, answer, LABELS[key]))
        ordered = [answers[key] for key, _label in CHECKLIST if key in answers]
        rows.append((item, ordered, all(a.reviewed_at for a in ordered)))
    return {
        "sample": sample,
        "rows": rows,
        "questions": [(key, label, per_question[key]) for key, label in CHECKLIST],
        "reviewed": reviewed,
        "overridden": overridden,
        "counts": counts(sample, items),
    }


@dataclass(frozen=True)
class Counts:
    """What the method chapter states: population, drawn, added and their share."""

    population: int
    drawn: int
    added: int

    @property
    def total(self) -> int:
        return self.drawn + self.added

    @property
    def share(self) -> float:
        """Per cent of the population in the sample, one decimal (an audit: 12,5 %)."""
        return round(100 * self.total / self.population, 1) if self.population else 0.0

    @property
    def share_text(self) -> str:
        return f"{self.share:.1f}".replace(".", ",") + " %"


def counts(sample: AuditSample, items=None) -> Counts:
    items = list(sample.items.all()) if items is None else items
    added = sum(1 for item in items if item.reason == SampleItem.Reason.HAS_PLAN)
    return Counts(sample.population_size, len(items) - added, added)


def summary_line(sample: AuditSample) -> str:
    """One line for the command line, the same figures as the report."""
    found = counts(sample)
    return _(
        "Utvalg %(n)s: populasjon %(pop)s, trukket %(drawn)s, lagt til %(added)s "
        "(alle med aktiv IP), til sammen %(total)s = %(share)s av populasjonen."
    ) % {
        "n": sample.pk,
        "pop": found.population,
        "drawn": found.drawn,
        "added": found.added,
        "total": found.total,
        "share": found.share_text,
    }


def as_json(sample: AuditSample) -> dict:
    """The sample without names or national identity numbers."""
    data = report(sample)
    return {
        "sample": sample.pk,
        "method": sample.method,
        "every": sample.every,
        "offset": sample.offset,
        "size": sample.size,
        "seed": sample.seed,
        "from": sample.period_start.isoformat(),
        "to": sample.period_end.isoformat(),
        "units": sorted(sample.units.values_list("code", flat=True)),
        "with_all_plans": sample.with_all_plans,
        "random_start": sample.random_start,
        "order": "person-id",
        "population": sample.population_size,
        "drawn": data["counts"].drawn,
        "added": data["counts"].added,
        "share_percent": data["counts"].share,
        "created_at": sample.created_at.isoformat(),
        "items": [
            {
                "reference": item.reference,
                "position": item.position,
                "reason": item.reason,
                "services_since": item.services_since.isoformat() if item.services_since else None,
                "service_months": item.service_months,
                "services": item.service_count,
                "units": item.unit_count,
                "checklist": {
                    a.key: {"prefilled": a.prefilled, "value": a.effective, "comment": a.comment}
                    for a in answers
                },
            }
            for item, answers, _reviewed in data["rows"]
        ],
    }
