"""The coordinating unit's overview of plans and coordinators (hol § 7-3).

The overview is computed for all matching plans in a constant number of
queries, whatever the number of plans: the filters on completeness need every
plan's § 19 facts, and a query per plan would make the page slower every year.
It works on plain values rather than model instances, because it runs over
every plan of the municipality on every load (docs/performance.md).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from helhet.access import gate
from helhet.coordination.models import CoordinatorAssignment
from helhet.plans import rules
from helhet.plans import services as plan_services
from helhet.plans.models import IndividualPlan

STATUS_LABELS = dict(IndividualPlan.Status.choices)


@dataclass(frozen=True)
class Filters:
    status: str = ""
    unit: int | None = None
    completeness: str = ""  # "", "komplett", "mangler"
    overdue: bool = False
    name: str = ""


@dataclass(frozen=True)
class PersonRef:
    """What the access log needs of a person shown in the list."""

    pk: int
    municipality_id: int


@dataclass(frozen=True)
class Row:
    plan_id: int
    person: PersonRef
    person_name: str
    birth_date: dt.date
    status: str
    revision_due: dt.date | None
    coordinator_name: str
    coordinator_username: str
    unit_id: int | None
    unit_name: str
    missing: list
    overdue: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_active(self) -> bool:
        return self.status == IndividualPlan.Status.ACTIVE


def plan_rows(user, filters: Filters) -> list[Row]:
    plans = IndividualPlan.objects.filter(person__in=gate.accessible_persons(user))
    if filters.status:
        plans = plans.filter(status=filters.status)
    for word in filters.name.split():
        plans = plans.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
        )
    values = list(
        plans.order_by("person__family_name", "person__given_name", "pk").values(
            *plan_services.PLAN_FACT_FIELDS,
            "status",
            "person__given_name",
            "person__family_name",
            "person__birth_date",
            "person__municipality_id",
        )
    )
    facts = plan_services.facts_for_rows(values, plans)
    assignments = _current_assignments(plans)
    today = timezone.localdate()
    rows = []
    for value in values:
        assignment = assignments.get(value["person_id"], {})
        active = value["status"] == IndividualPlan.Status.ACTIVE
        row = Row(
            plan_id=value["pk"],
            person=PersonRef(value["person_id"], value["person__municipality_id"]),
            person_name=f"{value['person__given_name']} {value['person__family_name']}",
            birth_date=value["person__birth_date"],
            status=value["status"],
            revision_due=value["revision_due"],
            coordinator_name=assignment.get("coordinator_name", ""),
            coordinator_username=assignment.get("coordinator__username") or "",
            unit_id=assignment.get("unit_id"),
            unit_name=assignment.get("unit__name") or "",
            missing=rules.missing_items(facts[value["pk"]]) if active else [],
            overdue=active and rules.revision_overdue(value["revision_due"], today),
        )
        if _matches(row, filters):
            rows.append(row)
    return rows


def _matches(row: Row, filters: Filters) -> bool:
    if filters.unit and row.unit_id != filters.unit:
        return False
    if filters.overdue and not row.overdue:
        return False
    if filters.completeness == "komplett":
        return row.is_active and not row.missing
    if filters.completeness == "mangler":
        return bool(row.missing)
    return True


def _current_assignments(plans) -> dict[int, dict]:
    """The newest unended coordinator assignment per person, in one query."""
    current = {}
    for assignment in (
        CoordinatorAssignment.objects.filter(
            person_id__in=plans.values("person_id"), ended_on__isnull=True
        )
        .order_by("person_id", "offered_on", "pk")
        .values(
            "person_id",
            "coordinator__first_name",
            "coordinator__last_name",
            "coordinator__username",
            "unit_id",
            "unit__name",
        )
    ):
        first, last = assignment["coordinator__first_name"], assignment["coordinator__last_name"]
        if assignment["coordinator__username"]:
            assignment["coordinator_name"] = (
                f"{first} {last}".strip() or assignment["coordinator__username"]
            )
        current[assignment["person_id"]] = assignment
    return current


def unit_counts(rows: list[Row]) -> list[dict]:
    """Active plans and named coordinators per unit, for KE's overview."""
    plans, coordinators = Counter(), {}
    for row in rows:
        name = row.unit_name or "—"
        if row.is_active:
            plans[name] += 1
        if row.coordinator_username:
            coordinators.setdefault(name, set()).add(row.coordinator_username)
    names = sorted(set(plans) | set(coordinators))
    return [
        {"unit": n, "plans": plans[n], "coordinators": len(coordinators.get(n, ()))} for n in names
    ]
