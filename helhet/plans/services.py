"""Reading and changing plans: completeness in bulk, versions, no lost update."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Field, Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.consent.models import Category, Consent
from helhet.consent.services import plan_coverage, valid_q
from helhet.coordination.models import CoordinatorAssignment
from helhet.core.legal import IP_CONTENT
from helhet.exchange import outbox
from helhet.organisation.models import Unit
from helhet.people.models import Person
from helhet.plans import rules
from helhet.plans.models import (
    CrisisPlan,
    Goal,
    IndividualPlan,
    Measure,
    Participant,
    PlanVersion,
)

# A row of the plan that an edit changes, and what ``_existing`` finds.
PlanRow = IndividualPlan | CrisisPlan | Goal | Measure | Participant
R = TypeVar("R")


def _field(model: type[Model], name: str) -> "Field[Any, Any]":
    """A concrete field of the model (the plan's snapshots name no reverse relations)."""
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


class StaleEdit(Exception):
    """The plan changed after the editor opened it and their save could not be
    merged; it is refused. ``conflicts`` (when the changes could be compared)
    names each field both changed: the editor chooses and saves again."""

    def __init__(
        self,
        current_version: int,
        base_version: int | None = None,
        conflicts: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.current_version = current_version
        self.base_version = base_version
        self.conflicts = list(conflicts)
        if any(c.get("removal") for c in self.conflicts):
            message = _(
                "Noen andre har endret det du vil fjerne etter at du åpnet siden (nå versjon "
                "%(v)s). Ingenting er fjernet. Se endringene nedenfor, og trykk «Fjern» igjen "
                "hvis det fortsatt skal fjernes."
            )
        elif self.conflicts:
            message = _(
                "Noen andre har endret de samme feltene etter at du åpnet skjemaet "
                "(nå versjon %(v)s). Endringen din er ikke lagret ennå, og ingenting er "
                "overskrevet. Velg for hvert felt nedenfor om din tekst eller den lagrede "
                "skal gjelde – eller skriv dem sammen i feltet – og lagre på nytt."
            )
        else:
            message = _(
                "Planen er endret av en annen etter at du åpnet den (nå versjon %(v)s). "
                "Endringen din er ikke lagret, og ingenting er overskrevet. "
                "Se gjennom den nye versjonen og gjør endringen på nytt."
            )
        super().__init__(message % {"v": current_version})


def with_content(*, queryset: QuerySet[IndividualPlan]) -> QuerySet[IndividualPlan]:
    """A plan queryset with everything completeness and display need, prefetched."""
    return queryset.select_related("person").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position", "id")),
        Prefetch(
            "measures",
            queryset=Measure.objects.select_related("responsible_unit", "responsible_partner"),
        ),
        Prefetch("participants", queryset=Participant.objects.select_related("unit", "partner")),
    )


PLAN_FACT_FIELDS = (
    "pk",
    "person_id",
    "resources",
    "needs",
    "person_contribution",
    "cooperation",
    "period_start",
    "period_end",
    "revision_due",
)


def facts_for(*, plans: Iterable[IndividualPlan]) -> dict[int, rules.PlanFacts]:
    """§ 19 facts for plan instances (no prefetching needed)."""
    rows = [{name: getattr(plan, name) for name in PLAN_FACT_FIELDS} for plan in plans]
    return facts_for_rows(rows=rows, plans=[row["pk"] for row in rows])


def facts_for_rows(
    *, rows: list[dict[str, Any]], plans: "list[int] | QuerySet[IndividualPlan]"
) -> dict[int, rules.PlanFacts]:
    """§ 19 facts for many plans in five queries, whatever their number.

    ``rows`` hold ``PLAN_FACT_FIELDS`` of each plan (from ``.values()``);
    ``plans`` selects the same plans — a queryset, used as a subquery so a
    municipality with tens of thousands of plans needs no giant IN list, or a
    list of ids. Plain tuples, not model instances: the stored completeness
    (``plans.completeness``) is computed with this for many plans at a time.
    """
    in_plans: dict[str, Any]
    person_ids: Any
    if isinstance(plans, list):
        in_plans, person_ids = {"plan_id__in": plans}, {row["person_id"] for row in rows}
    else:
        in_plans, person_ids = {"plan__in": plans}, plans.values("person_id")
    goals = Counter(
        Goal.objects.filter(status=Goal.Status.ACTIVE, **in_plans).values_list("plan_id", flat=True)
    )
    measures = defaultdict(list)
    for plan_id, *values in (
        Measure.objects.filter(**in_plans)
        .exclude(status=Measure.Status.STOPPED)
        .values_list("plan_id", *MEASURE_FACT_FIELDS)
    ):
        measures[plan_id].append(_measure_facts(*values))
    participants = defaultdict(list)
    for plan_id, *values in Participant.objects.filter(**in_plans).values_list(
        "plan_id", *PARTICIPANT_FACT_FIELDS
    ):
        participants[plan_id].append(_participant_facts(*values))
    named = set(
        CoordinatorAssignment.objects.filter(
            person_id__in=person_ids, coordinator__isnull=False, ended_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    consents = plan_coverage(person_ids=person_ids)
    return {
        row["pk"]: _plan_facts(
            row,
            goals[row["pk"]],
            measures[row["pk"]],
            participants[row["pk"]],
            row["person_id"] in named,
            consents.get(row["person_id"], NO_COVERAGE),
        )
        for row in rows
    }


MEASURE_FACT_FIELDS = (
    "scope",
    "responsible_unit_id",
    "responsible_partner_id",
    "responsible_other",
    "how",
)
PARTICIPANT_FACT_FIELDS = ("kind", "unit_id", "partner_id", "contribution")
NO_COVERAGE: tuple[bool, set[int], set[int]] = (False, set(), set())


def _measure_facts(
    scope: str, unit_id: int | None, partner_id: int | None, other: str, how: str
) -> rules.MeasureFacts:
    return rules.MeasureFacts(
        has_scope=bool(scope.strip()),
        has_responsible=bool(unit_id or partner_id or other),
        has_how=bool(how.strip()),
    )


def _participant_facts(
    kind: str, unit_id: int | None, partner_id: int | None, contribution: str
) -> rules.ParticipantFacts:
    return rules.ParticipantFacts(
        kind=kind,
        unit_id=unit_id,
        partner_id=partner_id,
        has_contribution=bool(contribution.strip()),
    )


def _plan_facts(
    row: dict[str, Any],
    goals: int,
    measures: list[rules.MeasureFacts],
    participants: list[rules.ParticipantFacts],
    named: bool,
    coverage: tuple[bool, set[int], set[int]],
) -> rules.PlanFacts:
    plan_consent, units, partners = coverage
    return rules.PlanFacts(
        goals=goals,
        has_resources=bool(row["resources"].strip()),
        has_needs=bool(row["needs"].strip()),
        participants=tuple(participants),
        coordinator_named=named,
        has_person_contribution=bool(row["person_contribution"].strip()),
        measures=tuple(measures),
        period_start=row["period_start"],
        period_end=row["period_end"],
        revision_due=row["revision_due"],
        consent_to_plan=plan_consent,
        consented_units=frozenset(units),
        consented_partners=frozenset(partners),
        has_cooperation=bool(row["cooperation"].strip()),
    )


def _loaded_facts(
    plan: IndividualPlan, coordinator: CoordinatorAssignment | None
) -> rules.PlanFacts:
    """The facts of a plan whose goals, measures and participants are prefetched
    (``with_content``), read from them as ``facts_for_rows`` reads the tables."""
    return _plan_facts(
        {name: getattr(plan, name) for name in PLAN_FACT_FIELDS},
        sum(1 for goal in plan.goals.all() if goal.status == Goal.Status.ACTIVE),
        [
            _measure_facts(*(getattr(m, name) for name in MEASURE_FACT_FIELDS))
            for m in plan.measures.all()
            if m.status != Measure.Status.STOPPED
        ],
        [
            _participant_facts(*(getattr(p, name) for name in PARTICIPANT_FACT_FIELDS))
            for p in plan.participants.all()
        ],
        coordinator is not None,
        plan_coverage(person_ids=[plan.person_id]).get(plan.person_id, NO_COVERAGE),
    )


def valid_consents(*, person_ids: Iterable[int]) -> QuerySet[Consent]:
    """Consents in force now, with their units and partners."""
    return Consent.objects.filter(valid_q(), person_id__in=person_ids).prefetch_related(
        "units", "partners"
    )


def missing_items(*, plan: IndividualPlan) -> list[tuple[str, str]]:
    plan = IndividualPlan.objects.get(pk=plan.pk)
    return rules.missing_items(facts_for(plans=[plan])[plan.pk])


# --- versions -----------------------------------------------------------------

SNAPSHOT_FIELDS = [
    "status",
    "offered_on",
    "answered_on",
    "resources",
    "needs",
    "person_contribution",
    "relatives_contribution",
    "period_start",
    "period_end",
    "revision_due",
    "cooperation",
    "closed_on",
    "crisis_risk",
]


def snapshot(*, plan: IndividualPlan) -> dict[str, Any]:
    """A plain, JSON-safe picture of the whole plan, for versions and comparison."""
    crisis = plan.crisis_plan
    return {
        "plan": {name: _plain(getattr(plan, name)) for name in SNAPSHOT_FIELDS},
        "goals": {
            str(g.pk): {"text": g.text, "status": g.status}
            for g in plan.goals.order_by("position", "id")
        },
        "measures": {
            str(m.pk): {
                "goal": m.goal_id,
                "title": m.title,
                "scope": m.scope,
                "responsible": str(m.responsible_unit or m.responsible_partner or "")
                or m.responsible_other,
                "how": m.how,
                "starts_on": _plain(m.starts_on),
                "ends_on": _plain(m.ends_on),
                "status": m.status,
            }
            for m in plan.measures.select_related("responsible_unit", "responsible_partner")
        },
        "participants": {
            str(p.pk): {"name": p.name, "kind": p.kind, "contribution": p.contribution}
            for p in plan.participants.all()
        },
        "crisis_plan": {name: getattr(crisis, name) for name in CRISIS_FIELDS} if crisis else {},
        # The ids behind the names above, read by the merge only (not shown).
        "refs": {
            "measures": {
                str(m.pk): {
                    "responsible_unit": m.responsible_unit_id,
                    "responsible_partner": m.responsible_partner_id,
                    "responsible_other": m.responsible_other,
                }
                for m in plan.measures.all()
            },
            "participants": {
                str(p.pk): {"user": p.user_id, "unit": p.unit_id, "partner": p.partner_id}
                for p in plan.participants.all()
            },
        },
    }


CRISIS_FIELDS = [
    "warning_signs",
    "what_helps",
    "what_does_not_help",
    "contacts",
    "medication",
    "admission",
    "own_words",
]


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def diff(*, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, as (section, item, field, before, after) rows."""
    rows = []
    for section in ("plan", "crisis_plan"):
        old, new = before.get(section, {}), after.get(section, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                rows.append(_row(section, "", name, old.get(name), new.get(name)))
    for section in ("goals", "measures", "participants"):
        old, new = before.get(section, {}), after.get(section, {})
        for key in sorted(set(old) | set(new), key=int):
            o, n = old.get(key, {}), new.get(key, {})
            for name in sorted(set(o) | set(n)):
                if o.get(name) != n.get(name):
                    rows.append(_row(section, key, name, o.get(name), n.get(name)))
    return rows


def _row(section: str, item: str, name: str, before: Any, after: Any) -> dict[str, Any]:
    return {"section": section, "item": item, "field": name, "before": before, "after": after}


def record_version(*, plan: IndividualPlan, user: User, summary: str) -> PlanVersion:
    previous = plan.versions.order_by("-number").first()
    current = snapshot(plan=plan)
    outbox.plan_changed(plan)
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        author=user,
        author_name=(user.get_full_name() or user.get_username()) if user else "",
        summary=summary[:300],
        snapshot=current,
        changes=diff(before=previous.snapshot if previous else {}, after=current),
    )


def create_plan(*, user: User, **fields: Any) -> IndividualPlan:
    with transaction.atomic():
        plan = IndividualPlan(**fields)
        plan.full_clean()
        plan.save()
        record_version(plan=plan, user=user, summary=_("Plan opprettet"))
    return plan


def change_plan(
    *, plan_id: int, user: User, expected_version: int, apply: Callable[[IndividualPlan], str]
) -> IndividualPlan:
    """Apply one change to a plan, or refuse it if someone else saved first.

    The version check and bump is a single conditional UPDATE, so of two
    concurrent saves from the same version exactly one wins, on SQLite and
    PostgreSQL alike. ``apply`` mutates and saves, and returns a summary.
    """
    with transaction.atomic():
        bumped = IndividualPlan.objects.filter(pk=plan_id, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if not bumped:
            current = IndividualPlan.objects.filter(pk=plan_id).values_list("version", flat=True)
            raise StaleEdit(current.first() or expected_version)
        plan = IndividualPlan.objects.get(pk=plan_id)
        summary = apply(plan)
        record_version(plan=plan, user=user, summary=summary)
    return plan


# --- the plan page --------------------------------------------------------------


def plan_page(*, plan_id: int) -> dict[str, Any]:
    """Everything § 19 a–i asks for, for one plan, in a constant number of queries."""
    plan = with_content(queryset=IndividualPlan.objects.filter(pk=plan_id)).get()
    measures_by_goal = defaultdict(list)
    for measure in plan.measures.all():
        measures_by_goal[measure.goal_id].append(measure)
    consents = [c for c in valid_consents(person_ids=[plan.person_id]) if _concerns_plan(c)]
    coordinator = (
        CoordinatorAssignment.objects.filter(
            person_id=plan.person_id, coordinator__isnull=False, ended_on__isnull=True
        )
        .select_related("coordinator__staff", "unit")
        .order_by("-named_on", "-pk")
        .first()
    )
    # From what the page has loaded anyway; they also say which units and
    # partners the consents cover (§ 19 h).
    facts = _loaded_facts(plan, coordinator)
    units, partners = facts.consented_units, facts.consented_partners
    return {
        "plan": plan,
        "goals": [(goal, measures_by_goal[goal.pk]) for goal in plan.goals.all()],
        "participants": [(p, _covered(p, units, partners)) for p in plan.participants.all()],
        "coordinator": coordinator,
        "consents": consents,
        "crisis_plan": plan.crisis_plan,
        "missing": rules.missing_items(facts),
        "revision_overdue": rules.revision_overdue(plan.revision_due, timezone.localdate()),
        "editable": rules.is_open(plan.status),
        "may_answer": rules.may_answer_offer(plan.status),
        "content_labels": IP_CONTENT,
    }


def _concerns_plan(consent: Consent) -> bool:
    return consent.covers_plan or Category.PLAN in consent.categories


def _covered(
    participant: Participant, units: frozenset[int], partners: frozenset[int]
) -> bool | None:
    return rules.consent_covers(participant.unit_id, participant.partner_id, units, partners)


# --- editing: every change is one versioned, conflict-checked step ---------------


def _change_open_plan(
    plan_id: int,
    user: User,
    version: int,
    apply: Callable[[IndividualPlan], str],
    allowed: Callable[[str], bool] = rules.is_open,
) -> IndividualPlan:
    def guarded(plan: IndividualPlan) -> str:
        if not allowed(plan.status):
            raise ValidationError(_("Planen er ikke åpen og kan ikke endres."))
        return apply(plan)

    return change_plan(plan_id=plan_id, user=user, expected_version=version, apply=guarded)


def _assign(row: PlanRow, fields: dict[str, Any]) -> list[str]:
    """Set fields on a row; return the Norwegian labels of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            changed.append(str(_field(type(row), name).verbose_name))
            setattr(row, name, value)
    return changed


def _save_row(row: PlanRow, fields: dict[str, Any], created: str, edited: str) -> str:
    is_new = row.pk is None
    changed = _assign(row, fields)
    row.full_clean()
    row.save()
    if is_new:
        return created
    return f"{edited}: {', '.join(changed)}" if changed else edited


# --- merging an edit made from an older version ---------------------------------
#
# A form carries the version it was opened at (its base). When someone else has
# saved since, the edit is merged field by field (``rules.merge``): what only
# one of them changed is kept, and only a field both changed is a conflict,
# shown to the editor to settle (``seen``: the version whose values they were
# shown; ``keep_mine``: the fields where they chose their own text).


def _mergeable(value: Any) -> Any:
    """A value as the merge compares it: JSON-plain, text without CR or outer blanks
    (a browser posts CRLF and the form strips what the database may still hold)."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, list):
        return [_mergeable(v) for v in value]
    if isinstance(value, dict):
        return {k: _mergeable(v) for k, v in value.items()}
    return _plain(value)


def _document(snapshot_: dict[str, Any]) -> rules.Document:
    flat = rules.flatten(snapshot_)
    for section, rows in snapshot_.get("refs", {}).items():
        for item, row in rows.items():
            for name, value in row.items():
                flat[(section, item, name)] = value
    return {key: _mergeable(value) for key, value in flat.items()}


def _stored_document(plan_id: int, number: int | None) -> rules.Document | None:
    if number is None:
        return None
    stored = PlanVersion.objects.filter(plan_id=plan_id, number=number)
    snapshot_ = stored.values_list("snapshot", flat=True).first()
    return None if snapshot_ is None else _document(snapshot_)


_SECTION_OF: dict[type[PlanRow], str] = {
    IndividualPlan: "plan",
    CrisisPlan: "crisis_plan",
    Goal: "goals",
    Measure: "measures",
    Participant: "participants",
}


def _keys(model: type[PlanRow], row_id: int | None, names: Iterable[str]) -> dict[str, rules.Key]:
    section = _SECTION_OF[model]
    item = "" if section in ("plan", "crisis_plan") else str(row_id)
    return {name: (section, item, name) for name in names}


def _merge_fields(
    *,
    plan_id: int,
    base: int,
    current: int,
    seen: int | None,
    keep_mine: Iterable[str],
    model: type[PlanRow],
    row: PlanRow | None,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """The fields of the editor's submission to write on top of the current row,
    or StaleEdit naming the fields both changed."""
    base_doc = _stored_document(plan_id, base)
    if base_doc is None:
        raise StaleEdit(current)
    keys = _keys(model, row.pk if row is not None else None, fields)
    mine = {keys[name]: _mergeable(value) for name, value in fields.items()}
    theirs = (
        {keys[name]: _mergeable(getattr(row, name)) for name in fields} if row is not None else {}
    )
    base_row = {key: base_doc[key] for key in keys.values() if key in base_doc}
    if model is CrisisPlan:
        # The person's crisis plan is one row made on first save: where it did not
        # exist yet (then or now), it stands for empty fields.
        empty = {keys[name]: _mergeable(_field(CrisisPlan, name).get_default()) for name in fields}
        base_row, theirs = base_row or empty, theirs or empty
    merged = rules.merge(base_row, theirs, mine)
    if merged.conflicts:
        merged = rules.resolve(merged, _stored_document(plan_id, seen) or {}, keep_mine)
    if merged.conflicts:
        raise StaleEdit(current, base, _describe(plan_id, base, current, merged.conflicts))
    return {
        name: value
        for name, value in fields.items()
        if merged.values.get(keys[name], rules.ABSENT) == mine[keys[name]]
        and mine[keys[name]] != theirs.get(keys[name], rules.ABSENT)
    }


def _describe(
    plan_id: int, base: int, current: int, conflicts: Iterable[rules.Conflict]
) -> list[dict[str, Any]]:
    """Each conflict: the field, the saved value and the editor's, who saved it when."""
    versions = list(
        PlanVersion.objects.filter(plan_id=plan_id, number__gt=base, number__lte=current)
        .order_by("number")
        .values("number", "author_name", "created_at", "changes")
    )
    described = []
    for conflict in conflicts:
        section, item, name = conflict.key
        by = [
            v
            for v in versions
            if any(
                (r["section"], str(r["item"]), r["field"]) == (section, item, name)
                for r in v["changes"]
            )
        ]
        described.append(
            {
                "section": section,
                "name": name,
                # Stored values; plans.presenters.conflict_display words them.
                "theirs": conflict.theirs,
                "mine": conflict.mine,
                "changed_by": [
                    {"author": v["author_name"], "at": v["created_at"], "number": v["number"]}
                    for v in by or versions
                ],
            }
        )
    return described


def changes_since(*, plan_id: int, base: int, current: int) -> list[PlanVersion]:
    """The versions saved after ``base``: who changed what and when."""
    return list(
        PlanVersion.objects.filter(plan_id=plan_id, number__gt=base, number__lte=current)
        .only("number", "created_at", "author_name", "summary")
        .order_by("number")
    )


def _edit(
    plan_id: int,
    user: User,
    version: int,
    *,
    model: type[PlanRow],
    row_of: Callable[[IndividualPlan], PlanRow | None],
    fields: dict[str, Any],
    apply: Callable[[IndividualPlan, dict[str, Any]], str],
    seen: int | None = None,
    keep_mine: Iterable[str] = (),
    strict: bool = False,
) -> IndividualPlan:
    """One change of one row of an open plan, merged with what others saved since
    ``version`` (the version the editor started from). ``row_of`` finds the row as
    it is now (None for a new one); ``apply`` writes the fields to keep. ``strict``
    refuses any save from an older version (an HTTP If-Match must hold exactly)."""
    current: int | None = None
    for _attempt in range(3):
        current = (
            IndividualPlan.objects.filter(pk=plan_id).values_list("version", flat=True).first()
        )
        if current is None:
            raise ValidationError(_("Planen finnes ikke."))
        if strict and current != version:
            raise StaleEdit(current)
        to_write = fields
        if current != version:
            plan = IndividualPlan.objects.get(pk=plan_id)
            row = _existing(row_of, plan)
            to_write = _merge_fields(
                plan_id=plan_id,
                base=version,
                current=current,
                seen=seen,
                keep_mine=frozenset(keep_mine),
                model=model,
                row=row,
                fields=fields,
            )
        try:
            return _change_open_plan(plan_id, user, current, partial(_apply_with, apply, to_write))
        except StaleEdit:
            # Someone saved between reading and writing: merge again with theirs.
            continue
    assert current is not None  # set by every attempt
    raise StaleEdit(current)


def _apply_with(
    apply: Callable[[IndividualPlan, dict[str, Any]], str],
    fields: dict[str, Any],
    plan: IndividualPlan,
) -> str:
    return apply(plan, fields)


def _existing(row_of: Callable[[IndividualPlan], R], plan: IndividualPlan) -> R:
    try:
        return row_of(plan)
    except ObjectDoesNotExist as gone:
        raise ValidationError(
            _("Det du endret er fjernet fra planen av en annen etter at du åpnet skjemaet.")
        ) from gone


def update_plan(
    *, plan_id: int, user: User, version: int, fields: dict[str, Any], **merge: Any
) -> IndividualPlan:
    return _edit(
        plan_id,
        user,
        version,
        model=IndividualPlan,
        row_of=lambda plan: plan,
        fields=fields,
        apply=lambda plan, f: _save_row(plan, f, "", _("Planen endret")),
        **merge,
    )


def save_goal(
    *,
    plan_id: int,
    user: User,
    version: int,
    goal_id: int | None,
    fields: dict[str, Any],
    **merge: Any,
) -> IndividualPlan:
    def apply(plan: IndividualPlan, fields: dict[str, Any]) -> str:
        goal = (
            _existing(lambda p: p.goals.get(pk=goal_id), plan)
            if goal_id
            else Goal(plan=plan, position=plan.goals.count())
        )
        return _save_row(goal, fields, _("Mål lagt til"), _("Mål endret"))

    return _edit(
        plan_id,
        user,
        version,
        model=Goal,
        row_of=lambda plan: plan.goals.get(pk=goal_id) if goal_id else None,
        fields=fields,
        apply=apply,
        **merge,
    )


def save_measure(
    *,
    plan_id: int,
    user: User,
    version: int,
    goal_id: int | None,
    measure_id: int | None,
    fields: dict[str, Any],
    **merge: Any,
) -> IndividualPlan:
    def apply(plan: IndividualPlan, fields: dict[str, Any]) -> str:
        measure = _existing(
            lambda p: (
                p.measures.get(pk=measure_id)
                if measure_id
                # No goal id: no such goal (DoesNotExist, as for a removed one).
                else Measure(plan=p, goal=p.goals.get(pk=goal_id or 0))
            ),
            plan,
        )
        return _save_row(measure, fields, _("Tiltak lagt til"), _("Tiltak endret"))

    return _edit(
        plan_id,
        user,
        version,
        model=Measure,
        row_of=lambda plan: plan.measures.get(pk=measure_id) if measure_id else None,
        fields=fields,
        apply=apply,
        **merge,
    )


def save_participant(
    *,
    plan_id: int,
    user: User,
    version: int,
    participant_id: int | None,
    fields: dict[str, Any],
    **merge: Any,
) -> IndividualPlan:
    def apply(plan: IndividualPlan, fields: dict[str, Any]) -> str:
        participant = (
            _existing(lambda p: p.participants.get(pk=participant_id), plan)
            if participant_id
            else Participant(plan=plan)
        )
        return _save_row(participant, fields, _("Deltaker lagt til"), _("Deltaker endret"))

    return _edit(
        plan_id,
        user,
        version,
        model=Participant,
        row_of=lambda plan: plan.participants.get(pk=participant_id) if participant_id else None,
        fields=fields,
        apply=apply,
        **merge,
    )


def save_crisis_plan(
    *, plan_id: int, user: User, version: int, fields: dict[str, Any], **merge: Any
) -> IndividualPlan:
    def apply(plan: IndividualPlan, fields: dict[str, Any]) -> str:
        # The person's crisis plan, edited as part of the open plan (a version).
        crisis, _created = CrisisPlan.objects.get_or_create(person_id=plan.person_id)
        return _save_row(crisis, fields, "", _("Kriseplan endret"))

    return _edit(
        plan_id,
        user,
        version,
        model=CrisisPlan,
        row_of=lambda plan: CrisisPlan.objects.filter(person_id=plan.person_id).first(),
        fields=fields,
        apply=apply,
        **merge,
    )


_REMOVED = {
    Goal: _lazy("Mål fjernet"),
    Measure: _lazy("Tiltak fjernet"),
    Participant: _lazy("Deltaker fjernet"),
}


def remove_row(
    *,
    plan_id: int,
    user: User,
    version: int,
    model: type[Goal | Measure | Participant],
    row_id: int,
    seen: int | None = None,
) -> IndividualPlan:
    """Remove a goal (with its measures), a measure or a participant. From an
    older version the removal goes through unless someone changed that very row
    (for a goal: or its measures) since; then the editor is shown who and must
    confirm having seen it (``seen``)."""

    def apply(plan: IndividualPlan) -> str:
        _existing(lambda p: model.objects.get(plan=p, pk=row_id), plan).delete()
        return str(_REMOVED[model])

    current: int | None = None
    for _attempt in range(3):
        current = (
            IndividualPlan.objects.filter(pk=plan_id).values_list("version", flat=True).first()
        )
        if current is None:
            raise ValidationError(_("Planen finnes ikke."))
        if current != version:
            _check_removal(plan_id, version, current, seen, model, row_id)
        try:
            return _change_open_plan(plan_id, user, current, apply)
        except StaleEdit:
            continue
    assert current is not None  # set by every attempt
    raise StaleEdit(current)


def _row_of(document: rules.Document, section: str, item: str) -> rules.Document:
    """The keys of one row, and for a goal those of its measures (removed with it)."""
    measures = (
        {
            key[1]
            for key, value in document.items()
            if key[0] == "measures" and key[2] == "goal" and str(value) == item
        }
        if section == "goals"
        else set()
    )
    return {
        key: value
        for key, value in document.items()
        if key[:2] == (section, item) or (key[0] == "measures" and key[1] in measures)
    }


def _check_removal(
    plan_id: int,
    base: int,
    current: int,
    seen: int | None,
    model: type[PlanRow],
    row_id: int,
) -> None:
    base_doc = _stored_document(plan_id, base)
    if base_doc is None:
        raise StaleEdit(current)
    section, item = _SECTION_OF[model], str(row_id)
    now = _document(snapshot(plan=IndividualPlan.objects.get(pk=plan_id)))
    if _row_of(base_doc, section, item) == _row_of(now, section, item):
        return
    seen_doc = _stored_document(plan_id, seen)
    if seen_doc is not None and _row_of(seen_doc, section, item) == _row_of(now, section, item):
        return
    raise StaleEdit(current, base, [{"name": "", "removal": True}])


def answer_offer(
    *, plan_id: int, user: User, version: int, accepted: bool, answered_on: dt.date
) -> IndividualPlan:
    """Record the person's answer; a declined IP still leaves the coordinator offer (hol § 7-2)."""

    def apply(plan: IndividualPlan) -> str:
        status = IndividualPlan.Status.ACTIVE if accepted else IndividualPlan.Status.DECLINED
        _save_row(plan, {"status": status, "answered_on": answered_on}, "", "")
        return _("Tilbud om plan akseptert") if accepted else _("Tilbud om plan avslått")

    return _change_open_plan(plan_id, user, version, apply, allowed=rules.may_answer_offer)


def close_plan(*, plan_id: int, user: User, version: int, closed_on: dt.date) -> IndividualPlan:
    def apply(plan: IndividualPlan) -> str:
        fields = {"status": IndividualPlan.Status.CLOSED, "closed_on": closed_on}
        _save_row(plan, fields, "", "")
        return _("Planen avsluttet")

    return _change_open_plan(plan_id, user, version, apply)


def offer_plan(*, person: Person, user: User, offered_on: dt.date) -> IndividualPlan:
    """Offer an individual plan, unless the person already has an open one."""
    existing = person.plans.values_list("status", flat=True)
    if not rules.may_offer_plan(existing):
        raise ValidationError(_("Personen har allerede en åpen plan."))
    try:
        with transaction.atomic():
            return create_plan(
                user=user,
                person=person,
                status=IndividualPlan.Status.OFFERED,
                offered_on=offered_on,
            )
    except IntegrityError as error:
        # A concurrent offer won the race; the constraint keeps one open plan.
        raise ValidationError(_("Personen har allerede en åpen plan.")) from error


def consent_warning(
    *, plan: IndividualPlan, fields: dict[str, Any], participant: Participant | None = None
) -> dict[str, Any] | None:
    """Whether the participant about to be saved gets plan information the person's
    consent does not cover (forskrift § 19 h): the unit or partner to name, or None.
    Only a new party is asked about; an unchanged one was warned of when added."""
    unit, partner = fields.get("unit"), fields.get("partner")
    if participant is not None and (participant.unit_id, participant.partner_id) == (
        getattr(unit, "pk", None),
        getattr(partner, "pk", None),
    ):
        return None
    _plan_consent, units, partners = plan_coverage(person_ids=[plan.person_id]).get(
        plan.person_id, NO_COVERAGE
    )
    covered = rules.consent_covers(
        getattr(unit, "pk", None),
        getattr(partner, "pk", None),
        frozenset(units),
        frozenset(partners),
    )
    if covered is not False:
        return None
    return {"party": str(partner or unit)}


def default_unit_for(*, user: User) -> Unit | None:
    """The unit a staff participant represents when only the person was chosen."""
    membership = user.staff.memberships.select_related("unit").order_by("pk").first()
    return membership.unit if membership else None
