"""Reading and changing plans: completeness in bulk, versions, no lost update."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.consent.models import Category, Consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.plans import rules
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant, PlanVersion


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


def facts_for(plans: Iterable[IndividualPlan]) -> dict[int, rules.PlanFacts]:
    """§ 19 facts for many plans in a constant number of queries.

    Plans must come from ``with_content`` so goals, measures and participants
    are prefetched; coordinators and consents are fetched here in one query each.
    """
    plans = list(plans)
    person_ids = {p.person_id for p in plans}
    named = set(
        CoordinatorAssignment.objects.filter(
            person_id__in=person_ids, coordinator__isnull=False, ended_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    consents = _valid_plan_consents(person_ids)
    facts = {}
    for plan in plans:
        plan_consent, units, partners = consents.get(plan.person_id, (False, set(), set()))
        facts[plan.pk] = rules.PlanFacts(
            goals=sum(1 for g in plan.goals.all() if g.status == Goal.Status.ACTIVE),
            has_resources=bool(plan.resources.strip()),
            has_needs=bool(plan.needs.strip()),
            participants=tuple(
                rules.ParticipantFacts(
                    kind=p.kind,
                    unit_id=p.unit_id,
                    partner_id=p.partner_id,
                    has_contribution=bool(p.contribution.strip()),
                )
                for p in plan.participants.all()
            ),
            coordinator_named=plan.person_id in named,
            has_person_contribution=bool(plan.person_contribution.strip()),
            measures=tuple(
                rules.MeasureFacts(
                    has_scope=bool(m.scope.strip()),
                    has_responsible=bool(
                        m.responsible_unit_id or m.responsible_partner_id or m.responsible_other
                    ),
                    has_how=bool(m.how.strip()),
                )
                for m in plan.measures.all()
                if m.status != Measure.Status.STOPPED
            ),
            period_start=plan.period_start,
            period_end=plan.period_end,
            revision_due=plan.revision_due,
            consent_to_plan=plan_consent,
            consented_units=frozenset(units),
            consented_partners=frozenset(partners),
            has_cooperation=bool(plan.cooperation.strip()),
        )
    return facts


def _valid_plan_consents(person_ids) -> dict[int, tuple[bool, set, set]]:
    now = timezone.now()
    today = timezone.localdate()
    valid = (
        Consent.objects.filter(person_id__in=person_ids, valid_from__lte=today, valid_to__gte=today)
        .exclude(withdrawn_at__lte=now)
        .prefetch_related("units", "partners")
    )
    found: dict[int, tuple[bool, set, set]] = defaultdict(lambda: (False, set(), set()))
    for consent in valid:
        covers, units, partners = found[consent.person_id]
        if Category.PLAN in consent.categories:
            units |= {u.pk for u in consent.units.all()}
            partners |= {p.pk for p in consent.partners.all()}
        found[consent.person_id] = (covers or consent.covers_plan, units, partners)
    return found


def missing_items(plan: IndividualPlan) -> list[tuple[str, str]]:
    plan = with_content(IndividualPlan.objects.filter(pk=plan.pk)).get()
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
]


def snapshot(plan: IndividualPlan) -> dict:
    """A plain, JSON-safe picture of the whole plan, for versions and comparison."""
    crisis = getattr(plan, "crisis_plan", None)
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


def _record_version(plan: IndividualPlan, user, summary: str) -> PlanVersion:
    previous = plan.versions.order_by("-number").first()
    current = snapshot(plan)
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
        _record_version(plan, user, _("Plan opprettet"))
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
        _record_version(plan, user, summary)
    return plan
