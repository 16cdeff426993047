"""The coordinating unit's overview of plans and coordinators (hol § 7-3).

The overview is computed for all matching plans in a constant number of
queries, whatever the number of plans: the filters on completeness need every
plan's § 19 facts, and a query per plan would make the page slower every year.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from helhet.access import gate
from helhet.coordination.models import CoordinatorAssignment
from helhet.plans import rules
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan


@dataclass(frozen=True)
class Filters:
    status: str = ""
    unit: int | None = None
    completeness: str = ""  # "", "komplett", "mangler"
    overdue: bool = False
    name: str = ""


@dataclass(frozen=True)
class Row:
    plan: IndividualPlan
    coordinator: object
    unit: object
    missing: list
    overdue: bool


def plan_rows(user, filters: Filters) -> list[Row]:
    plans = IndividualPlan.objects.filter(person__in=gate.accessible_persons(user))
    if filters.status:
        plans = plans.filter(status=filters.status)
    for word in filters.name.split():
        plans = plans.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
        )
    plans = list(
        plan_services.with_content(plans).order_by(
            "person__family_name", "person__given_name", "pk"
        )
    )
    facts = plan_services.facts_for(plans)
    assignments = _current_assignments({p.person_id for p in plans})
    today = timezone.localdate()
    rows = []
    for plan in plans:
        assignment = assignments.get(plan.person_id)
        row = Row(
            plan=plan,
            coordinator=assignment.coordinator if assignment else None,
            unit=assignment.unit if assignment else None,
            missing=rules.missing_items(facts[plan.pk]) if plan.status == "aktiv" else [],
            overdue=plan.status == "aktiv" and rules.revision_overdue(plan.revision_due, today),
        )
        if _matches(row, filters):
            rows.append(row)
    return rows


def _matches(row: Row, filters: Filters) -> bool:
    if filters.unit and (row.unit is None or row.unit.pk != filters.unit):
        return False
    if filters.overdue and not row.overdue:
        return False
    if filters.completeness == "komplett":
        return row.plan.status == "aktiv" and not row.missing
    if filters.completeness == "mangler":
        return bool(row.missing)
    return True


def _current_assignments(person_ids) -> dict:
    """The newest unended coordinator assignment per person, in one query."""
    current = {}
    for assignment in (
        CoordinatorAssignment.objects.filter(person_id__in=person_ids, ended_on__isnull=True)
        .select_related("coordinator", "unit")
        .order_by("person_id", "offered_on", "pk")
    ):
        current[assignment.person_id] = assignment
    return current


def unit_counts(rows: list[Row]) -> list[dict]:
    """Active plans and named coordinators per unit, for KE's overview."""
    plans, coordinators = Counter(), {}
    for row in rows:
        name = row.unit.name if row.unit else "—"
        if row.plan.status == "aktiv":
            plans[name] += 1
        if row.coordinator is not None:
            coordinators.setdefault(name, set()).add(row.coordinator.pk)
    names = sorted(set(plans) | set(coordinators))
    return [
        {"unit": n, "plans": plans[n], "coordinators": len(coordinators.get(n, ()))} for n in names
    ]
