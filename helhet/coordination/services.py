"""The coordinating unit's overview of plans and coordinators (hol § 7-3).

Filtering, counting, sorting and paging happen in SQL, on each plan's stored
§ 19 completeness (``plans.completeness``): the page costs the same number of
queries and about the same time whatever the number of plans, and only the
shown page is turned into rows (docs/performance.md).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Func, Q, QuerySet
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.coordination.models import CoordinatorCaseloadSetting, LocalRoutine
from helhet.people import search as person_search
from helhet.plans import completeness, rules
from helhet.plans.models import IndividualPlan

STATUS_LABELS = dict(IndividualPlan.Status.choices)
ACTIVE = IndividualPlan.Status.ACTIVE
ASSIGNMENT = "completeness__assignment__"

ROW_FIELDS = (
    "pk",
    "person_id",
    "person__municipality_id",
    "person__given_name",
    "person__family_name",
    "person__birth_date",
    "status",
    "revision_due",
    "completeness__missing",
    f"{ASSIGNMENT}unit_id",
    f"{ASSIGNMENT}unit__name",
    f"{ASSIGNMENT}coordinator__first_name",
    f"{ASSIGNMENT}coordinator__last_name",
    f"{ASSIGNMENT}coordinator__username",
)


@dataclass(frozen=True)
class Filters:
    status: str = ""
    unit: int | None = None
    completeness: str = ""  # "", "komplett", "mangler"
    overdue: bool = False
    name: str = ""
    # Only plans whose coordinator responsibility lies with one of these units
    # («mine enhets planer»); None means every unit.
    units: frozenset[int] | None = None
    sort: str = ""  # a key of SORTS, "-" first for descending


# The columns the overview sorts by: a whitelist, so a query parameter never
# reaches order_by() as it is. Every order ends with the person's name and the
# plan's id, so plans with equal values keep one order from page to page.
SORTS: dict[str, tuple[F | Func, ...]] = {
    "person": (Lower("person__family_name"), Lower("person__given_name")),
    "status": (F("status"),),
    "koordinator": (
        Lower(f"{ASSIGNMENT}coordinator__last_name"),
        Lower(f"{ASSIGNMENT}coordinator__first_name"),
    ),
    "enhet": (Lower(f"{ASSIGNMENT}unit__name"),),
    "revisjon": (F("revision_due"),),
    # Each missing § 19 item is one letter: the longer, the more is missing.
    "mangler": (Length("completeness__missing"),),
}
DEFAULT_SORT = "person"
TIEBREAK = ("person__family_name", "person__given_name", "pk")


def sort_key(*, value: str) -> tuple[str, bool]:
    """(column, descending) for a query parameter; unknown columns sort by person."""
    descending = value.startswith("-")
    column = value.removeprefix("-")
    if column not in SORTS:
        return DEFAULT_SORT, False
    return column, descending


def _ordered(plans: QuerySet[IndividualPlan], sort: str) -> QuerySet[IndividualPlan]:
    column, descending = sort_key(value=sort)
    # Empty values (no coordinator, no revision date) last either way.
    keys = [
        expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True)
        for expr in SORTS[column]
    ]
    return plans.order_by(*keys, *TIEBREAK)


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
    missing: list[tuple[str, str]]
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


class Rows:
    """The matching plans, in order; a slice reads only its own rows (for Paginator)."""

    def __init__(self, plans: QuerySet[IndividualPlan]) -> None:
        self.plans = plans
        self._summary: tuple[list[dict[str, Any]], int] | None = None

    def unit_counts(self) -> list[dict[str, Any]]:
        return self._summarise()[0]

    def count(self) -> int:
        return self._summarise()[1]

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            # The page's ids first, then their details: joining the stored
            # completeness, coordinator and unit for 50 plans, not for all.
            ids = list(self.plans[index].values_list("pk", flat=True))
            found = IndividualPlan.objects.filter(pk__in=ids).values(*ROW_FIELDS)
            by_id = {value["pk"]: value for value in found}
            return _rows([by_id[pk] for pk in ids])
        return self[index : index + 1][0]

    def __iter__(self) -> Iterator[Row]:
        return iter(_rows(list(self.plans.values(*ROW_FIELDS))))

    def _summarise(self) -> tuple[list[dict[str, Any]], int]:
        # The total is the sum of the per-unit counts: one query for both.
        if self._summary is None:
            counted = list(
                self.plans.order_by()
                .values(unit=F(f"{ASSIGNMENT}unit__name"))
                .annotate(
                    total=Count("pk"),
                    plans=Count("pk", filter=Q(status=ACTIVE)),
                    coordinators=Count(f"{ASSIGNMENT}coordinator__username", distinct=True),
                )
            )
            shown = [
                {"unit": c["unit"] or "—", "plans": c["plans"], "coordinators": c["coordinators"]}
                for c in counted
                if c["plans"] or c["coordinators"]
            ]
            total = sum(c["total"] for c in counted)
            self._summary = (sorted(shown, key=lambda c: c["unit"]), total)
        return self._summary


def matching_plans(*, user: User, filters: Filters) -> QuerySet[IndividualPlan]:
    """The user's plans that match ``filters``, by name, their completeness stored first."""
    plans = gate.accessible_plans(user, IndividualPlan.objects.all())
    if filters.status:
        plans = plans.filter(status=filters.status)
    if filters.name.strip():
        plans = plans.filter(person_search.names_q(filters.name, "person__"))
    staff = getattr(user, "staff", None)
    # All the municipality's plans, not only the user's: no access-gate
    # subquery in this query, and the rows are a cache, never shown from here.
    completeness.refresh(
        IndividualPlan.objects.filter(person__municipality_id=staff.municipality_id)
        if staff
        else plans
    )
    if filters.unit:
        plans = plans.filter(**{f"{ASSIGNMENT}unit_id": filters.unit})
    if filters.units is not None:
        plans = plans.filter(**{f"{ASSIGNMENT}unit_id__in": filters.units})
    if filters.overdue:
        plans = plans.filter(status=ACTIVE, revision_due__lt=timezone.localdate())
    if filters.completeness == "komplett":
        plans = plans.filter(status=ACTIVE, completeness__missing="")
    elif filters.completeness == "mangler":
        plans = plans.filter(status=ACTIVE, completeness__missing__gt="")
    return _ordered(plans, filters.sort)


def plan_rows(*, user: User, filters: Filters) -> Rows:
    return Rows(matching_plans(user=user, filters=filters))


def _rows(values: list[dict[str, Any]]) -> list[Row]:
    today = timezone.localdate()
    # A row deleted by a change after the refresh above: computed live, not stored.
    unknown = [v["pk"] for v in values if v["completeness__missing"] is None]
    live = completeness.live_missing(unknown) if unknown else {}
    return [_row(value, live, today) for value in values]


def _row(value: dict[str, Any], live: dict[int, str], today: dt.date) -> Row:
    active = value["status"] == ACTIVE
    missing = value["completeness__missing"]
    username = value[f"{ASSIGNMENT}coordinator__username"] or ""
    first, last = (value[f"{ASSIGNMENT}coordinator__{n}_name"] for n in ("first", "last"))
    name = f"{first or ''} {last or ''}"
    return Row(
        plan_id=value["pk"],
        person=PersonRef(value["person_id"], value["person__municipality_id"]),
        person_name=f"{value['person__given_name']} {value['person__family_name']}",
        birth_date=value["person__birth_date"],
        status=value["status"],
        revision_due=value["revision_due"],
        coordinator_name=(name.strip() or username) if username else "",
        coordinator_username=username,
        unit_id=value[f"{ASSIGNMENT}unit_id"],
        unit_name=value[f"{ASSIGNMENT}unit__name"] or "",
        missing=completeness.labelled(live.get(value["pk"], missing or "")) if active else [],
        overdue=active and rules.revision_overdue(value["revision_due"], today),
    )


def save_naming_routine(
    *,
    municipality_id: int,
    days: int | None,
    name: str,
    adopted_on: dt.date | None,
    by: User,
) -> LocalRoutine | None:
    """Set, change or remove the municipality's own deadline for naming a
    coordinator. No days means no local deadline: nothing is escalated and the
    criterion judges no deadline."""
    kind = LocalRoutine.Kind.COORDINATOR_NAMING
    if days is None:
        LocalRoutine.objects.filter(municipality_id=municipality_id, kind=kind).delete()
        return None
    if not 1 <= days <= 365 or not name.strip():
        raise ValidationError(_("Fristen må være 1–365 dager, og rutinen må ha et navn."))
    routine, _created = LocalRoutine.objects.update_or_create(
        municipality_id=municipality_id,
        kind=kind,
        defaults={"days": days, "name": name.strip(), "adopted_on": adopted_on, "updated_by": by},
    )
    return routine


def save_caseload_warning(*, municipality_id: int, warn_above: int, by: User) -> None:
    """Set the municipality's own limit of persons per coordinator."""
    if not 1 <= warn_above <= 200:
        raise ValidationError(_("Grensen må være mellom 1 og 200 personer."))
    CoordinatorCaseloadSetting.objects.update_or_create(
        municipality_id=municipality_id, defaults={"warn_above": warn_above, "updated_by": by}
    )
