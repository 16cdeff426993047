"""Reading and changing plans: completeness in bulk, versions, no lost update."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, F, Prefetch
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.consent.models import Category, Consent
from helhet.consent.services import plan_coverage, valid_q
from helhet.coordination.models import CoordinatorAssignment
from helhet.core.legal import IP_CONTENT
from helhet.exchange import outbox
from helhet.plans import rules
from helhet.plans.models import (
    CrisisPlan,
    Goal,
    IndividualPlan,
    Measure,
    Participant,
    PlanVersion,
)


class StaleEdit(Exception):
    """The plan changed after the editor opened it; their save is refused."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            _(
                "Planen er endret av en annen etter at du åpnet den (nå versjon %(v)s). "
                "Endringen din er ikke lagret, og ingenting er overskrevet. "
                "Se gjennom den nye versjonen og gjør endringen på nytt."
            )
            % {"v": current_version}
        )


def with_content(queryset):
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


def facts_for(plans: Iterable[IndividualPlan]) -> dict[int, rules.PlanFacts]:
    """§ 19 facts for plan instances (no prefetching needed)."""
    rows = [{name: getattr(plan, name) for name in PLAN_FACT_FIELDS} for plan in plans]
    return facts_for_rows(rows, [row["pk"] for row in rows])


def facts_for_rows(rows: list[dict], plans) -> dict[int, rules.PlanFacts]:
    """§ 19 facts for many plans in five queries, whatever their number.

    ``rows`` hold ``PLAN_FACT_FIELDS`` of each plan (from ``.values()``);
    ``plans`` selects the same plans — a queryset, used as a subquery so a
    municipality with tens of thousands of plans needs no giant IN list, or a
    list of ids. Plain tuples, not model instances: the stored completeness
    (``plans.completeness``) is computed with this for many plans at a time.
    """
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
    consents = plan_coverage(person_ids)
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
NO_COVERAGE = (False, set(), set())


def _measure_facts(scope, unit_id, partner_id, other, how) -> rules.MeasureFacts:
    return rules.MeasureFacts(
        has_scope=bool(scope.strip()),
        has_responsible=bool(unit_id or partner_id or other),
        has_how=bool(how.strip()),
    )


def _participant_facts(kind, unit_id, partner_id, contribution) -> rules.ParticipantFacts:
    return rules.ParticipantFacts(
        kind=kind,
        unit_id=unit_id,
        partner_id=partner_id,
        has_contribution=bool(contribution.strip()),
    )


def _plan_facts(row, goals, measures, participants, named, coverage) -> rules.PlanFacts:
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


def _loaded_facts(plan: IndividualPlan, coordinator) -> rules.PlanFacts:
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
        plan_coverage([plan.person_id]).get(plan.person_id, NO_COVERAGE),
    )


def valid_consents(person_ids):
    """Consents in force now, with their units and partners."""
    return Consent.objects.filter(valid_q(), person_id__in=person_ids).prefetch_related(
        "units", "partners"
    )


def missing_items(plan: IndividualPlan) -> list[tuple[str, str]]:
    plan = IndividualPlan.objects.get(pk=plan.pk)
    return rules.missing_items(facts_for([plan])[plan.pk])


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


def snapshot(plan: IndividualPlan) -> dict:
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
        "crisis_plan": {
            "warning_signs": crisis.warning_signs,
            "what_helps": crisis.what_helps,
            "contacts_day": crisis.contacts_day,
            "contacts_night": crisis.contacts_night,
        }
        if crisis
        else {},
    }


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def diff(before: dict, after: dict) -> list[dict]:
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


def _row(section, item, name, before, after) -> dict:
    return {"section": section, "item": item, "field": name, "before": before, "after": after}


def record_version(plan: IndividualPlan, user, summary: str) -> PlanVersion:
    previous = plan.versions.order_by("-number").first()
    current = snapshot(plan)
    outbox.plan_changed(plan)
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        author=user,
        author_name=(user.get_full_name() or user.get_username()) if user else "",
        summary=summary[:300],
        snapshot=current,
        changes=diff(previous.snapshot if previous else {}, current),
    )


def create_plan(user, **fields) -> IndividualPlan:
    with transaction.atomic():
        plan = IndividualPlan(**fields)
        plan.full_clean()
        plan.save()
        record_version(plan, user, _("Plan opprettet"))
    return plan


def change_plan(
    plan_id: int, user, expected_version: int, apply: Callable[[IndividualPlan], str]
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
        record_version(plan, user, summary)
    return plan


# --- the plan page --------------------------------------------------------------


def plan_page(plan_id: int) -> dict:
    """Everything § 19 a–i asks for, for one plan, in a constant number of queries."""
    plan = with_content(IndividualPlan.objects.filter(pk=plan_id)).get()
    measures_by_goal = defaultdict(list)
    for measure in plan.measures.all():
        measures_by_goal[measure.goal_id].append(measure)
    consents = [c for c in valid_consents([plan.person_id]) if _concerns_plan(c)]
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


def _covered(participant: Participant, units: frozenset, partners: frozenset) -> bool | None:
    return rules.consent_covers(participant.unit_id, participant.partner_id, units, partners)


# --- editing: every change is one versioned, conflict-checked step ---------------


def _change_open_plan(plan_id, user, version, apply, allowed=rules.is_open) -> IndividualPlan:
    def guarded(plan: IndividualPlan) -> str:
        if not allowed(plan.status):
            raise ValidationError(_("Planen er ikke åpen og kan ikke endres."))
        return apply(plan)

    return change_plan(plan_id, user, version, guarded)


def _assign(row, fields: dict) -> list[str]:
    """Set fields on a row; return the Norwegian labels of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            changed.append(str(row._meta.get_field(name).verbose_name))
            setattr(row, name, value)
    return changed


def _save_row(row, fields: dict, created: str, edited: str) -> str:
    is_new = row.pk is None
    changed = _assign(row, fields)
    row.full_clean()
    row.save()
    if is_new:
        return created
    return f"{edited}: {', '.join(changed)}" if changed else edited


def update_plan(plan_id, user, version, fields: dict) -> IndividualPlan:
    return _change_open_plan(
        plan_id,
        user,
        version,
        lambda plan: _save_row(plan, fields, "", _("Planen endret")),
    )


def save_goal(plan_id, user, version, goal_id, fields: dict) -> IndividualPlan:
    def apply(plan):
        goal = (
            plan.goals.get(pk=goal_id) if goal_id else Goal(plan=plan, position=plan.goals.count())
        )
        return _save_row(goal, fields, _("Mål lagt til"), _("Mål endret"))

    return _change_open_plan(plan_id, user, version, apply)


def save_measure(plan_id, user, version, goal_id, measure_id, fields: dict) -> IndividualPlan:
    def apply(plan):
        measure = (
            plan.measures.get(pk=measure_id)
            if measure_id
            else Measure(plan=plan, goal=plan.goals.get(pk=goal_id))
        )
        return _save_row(measure, fields, _("Tiltak lagt til"), _("Tiltak endret"))

    return _change_open_plan(plan_id, user, version, apply)


def save_participant(plan_id, user, version, participant_id, fields: dict) -> IndividualPlan:
    def apply(plan):
        participant = (
            plan.participants.get(pk=participant_id) if participant_id else Participant(plan=plan)
        )
        return _save_row(participant, fields, _("Deltaker lagt til"), _("Deltaker endret"))

    return _change_open_plan(plan_id, user, version, apply)


def save_crisis_plan(plan_id, user, version, fields: dict) -> IndividualPlan:
    def apply(plan):
        # The person's crisis plan, edited as part of the open plan (a version).
        crisis, _created = CrisisPlan.objects.get_or_create(person_id=plan.person_id)
        return _save_row(crisis, fields, "", _("Kriseplan endret"))

    return _change_open_plan(plan_id, user, version, apply)


_REMOVED = {
    Goal: _lazy("Mål fjernet"),
    Measure: _lazy("Tiltak fjernet"),
    Participant: _lazy("Deltaker fjernet"),
}


def remove_row(plan_id, user, version, model, row_id) -> IndividualPlan:
    """Remove a goal (with its measures), a measure or a participant."""

    def apply(plan):
        model.objects.get(plan=plan, pk=row_id).delete()
        return str(_REMOVED[model])

    return _change_open_plan(plan_id, user, version, apply)


def answer_offer(plan_id, user, version, accepted: bool, answered_on) -> IndividualPlan:
    """Record the person's answer; a declined IP still leaves the coordinator offer (hol § 7-2)."""

    def apply(plan):
        status = IndividualPlan.Status.ACTIVE if accepted else IndividualPlan.Status.DECLINED
        _save_row(plan, {"status": status, "answered_on": answered_on}, "", "")
        return _("Tilbud om plan akseptert") if accepted else _("Tilbud om plan avslått")

    return _change_open_plan(plan_id, user, version, apply, allowed=rules.may_answer_offer)


def close_plan(plan_id, user, version, closed_on) -> IndividualPlan:
    def apply(plan):
        fields = {"status": IndividualPlan.Status.CLOSED, "closed_on": closed_on}
        _save_row(plan, fields, "", "")
        return _("Planen avsluttet")

    return _change_open_plan(plan_id, user, version, apply)


def offer_plan(person, user, offered_on) -> IndividualPlan:
    """Offer an individual plan, unless the person already has an open one."""
    existing = person.plans.values_list("status", flat=True)
    if not rules.may_offer_plan(existing):
        raise ValidationError(_("Personen har allerede en åpen plan."))
    try:
        with transaction.atomic():
            return create_plan(
                user, person=person, status=IndividualPlan.Status.OFFERED, offered_on=offered_on
            )
    except IntegrityError as error:
        # A concurrent offer won the race; the constraint keeps one open plan.
        raise ValidationError(_("Personen har allerede en åpen plan.")) from error


def default_unit_for(user):
    """The unit a staff participant represents when only the person was chosen."""
    membership = user.staff.memberships.select_related("unit").order_by("pk").first()
    return membership.unit if membership else None


# --- reading versions --------------------------------------------------------------

SECTIONS = {
    "plan": (IndividualPlan, _lazy("Planen")),
    "goals": (Goal, _lazy("Mål")),
    "measures": (Measure, _lazy("Tiltak")),
    "participants": (Participant, _lazy("Deltakere")),
    "crisis_plan": (CrisisPlan, _lazy("Kriseplan")),
}
_EXTRA_LABELS = {"responsible": _lazy("ansvarlig"), "goal": _lazy("mål")}
_ITEM_NAME = {"goals": "text", "measures": "title", "participants": "name"}


def field_label(section: str, name: str) -> str:
    if name in _EXTRA_LABELS:
        return capfirst(_EXTRA_LABELS[name])
    model = SECTIONS[section][0]
    return capfirst(model._meta.get_field(name).verbose_name)


def display_value(section: str, name: str, value, goals: dict | None = None) -> str:
    """A snapshot value as the user reads it: labels for codes, dd.mm.åååå for dates."""
    if value in (None, ""):
        return "–"
    if name == "goal":
        return (goals or {}).get(str(value), {}).get("text", "–")
    field_ = None if name in _EXTRA_LABELS else SECTIONS[section][0]._meta.get_field(name)
    if field_ is not None and field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(field_, DateField):
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return str(_lazy("Ja") if value else _lazy("Nei"))
    return str(value)


def _field_order(section: str, name: str) -> int:
    """Model field order, so rows read as the form does (jsonb does not keep key order)."""
    names = [f.name for f in SECTIONS[section][0]._meta.get_fields()]
    return names.index(name) if name in names else len(names)


def _rows(section: str, values: dict, goals: dict) -> list[tuple[str, str]]:
    return [
        (field_label(section, name), display_value(section, name, values[name], goals))
        for name in sorted(values, key=lambda name: _field_order(section, name))
    ]


def version_display(snapshot_: dict) -> dict:
    """A stored snapshot laid out for reading: plan fields, goals with measures, the rest."""
    goals = snapshot_.get("goals", {})
    measures = snapshot_.get("measures", {})
    return {
        "plan": _rows("plan", snapshot_.get("plan", {}), goals),
        "goals": [
            {
                "fields": _rows("goals", goal, goals),
                "measures": [
                    _rows("measures", {k: v for k, v in m.items() if k != "goal"}, goals)
                    for m in measures.values()
                    if str(m.get("goal")) == key
                ],
            }
            for key, goal in goals.items()
        ],
        "participants": [
            _rows("participants", p, goals) for p in snapshot_.get("participants", {}).values()
        ],
        "crisis_plan": _rows("crisis_plan", snapshot_.get("crisis_plan", {}), goals),
    }


def diff_display(before: dict, after: dict) -> list[dict]:
    """``diff`` with Norwegian section, item and field labels and readable values."""
    goals = {**before.get("goals", {}), **after.get("goals", {})}
    rows = []
    sections = list(SECTIONS)
    changes = sorted(
        diff(before, after),
        key=lambda r: (
            sections.index(r["section"]),
            int(r["item"] or 0),
            _field_order(r["section"], r["field"]),
        ),
    )
    for row in changes:
        section, name = row["section"], row["field"]
        item = ""
        if row["item"]:
            values = after.get(section, {}).get(row["item"]) or before.get(section, {}).get(
                row["item"], {}
            )
            item = values.get(_ITEM_NAME[section], "")
        rows.append(
            {
                "section": SECTIONS[section][1],
                "item": item,
                "field": field_label(section, name),
                "before": display_value(section, name, row["before"], goals),
                "after": display_value(section, name, row["after"], goals),
            }
        )
    return rows
