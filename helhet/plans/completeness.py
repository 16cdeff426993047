"""Stored § 19 completeness per plan (forskrift § 19, hol § 7-3; issue 10).

The coordinating unit's overview filters, counts and pages every plan of the
municipality by completeness. Computing ``rules.missing_items`` live for all of
them on every load grew linearly with the number of plans (docs/performance.md),
so its answer is stored in ``PlanCompleteness`` and read in SQL.

The stored answer must never be wrong, because the overview is the unit's legal
overview. So staleness is safe by default:

- no row means "not computed": every change of a fact deletes the rows of the
  plans it concerns (the signals below, and an explicit ``invalidate_*`` call
  where a queryset ``update()`` or ``bulk_create`` skips the signals);
- a row is stale from ``valid_until``: the first moment a consent of the person
  starts, ends or is withdrawn (the start of the day it starts or the day after it
  ends; the moment of a withdrawal registered to take effect later), the only
  facts that change by time alone. A moment, not a day: a withdrawal taking effect
  later today must not make the row stale — and recomputed under a lock — on every
  view until then;
- ``refresh`` recomputes the missing and stale rows of the plans a page shows,
  in a constant number of queries, with the one rule ``rules.missing_items``.

Races: ``refresh`` locks the plans it computes (SELECT ... FOR UPDATE, in plan
order) before reading their facts, and an invalidation locks the same plans
before deleting their rows. A change committed before the lock is read; one
made after it waits, then deletes the row just written. On SQLite, whose
transactions here are IMMEDIATE, the refresh is one writer among the others.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from helhet.consent.models import Consent, ConsentScope
from helhet.coordination.models import CoordinatorAssignment
from helhet.core.legal import IP_CONTENT
from helhet.plans import rules, services
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant, PlanCompleteness

# Plans computed per round: keeps the IN lists well under SQLite's variable limit.
CHUNK = 2000


def fresh_q(now: dt.datetime) -> Q:
    """Plans whose stored completeness may be read at ``now``."""
    return Q(completeness__isnull=False) & (
        Q(completeness__valid_until__isnull=True) | Q(completeness__valid_until__gt=now)
    )


def labelled(missing: str) -> list[tuple[str, str]]:
    """Stored letters as ``rules.missing_items`` gives them: (letter, Norwegian label)."""
    return [(letter, IP_CONTENT[letter]) for letter in missing]


def live_missing(plan_ids: list[int]) -> dict[int, str]:
    """The letters each plan lacks, computed now (not stored)."""
    rows = list(IndividualPlan.objects.filter(pk__in=plan_ids).values(*services.PLAN_FACT_FIELDS))
    facts = services.facts_for_rows(rows, [row["pk"] for row in rows])
    return {pk: _letters(f) for pk, f in facts.items()}


def _letters(facts: rules.PlanFacts) -> str:
    return "".join(letter for letter, _label in rules.missing_items(facts))


def refresh(plans: QuerySet) -> int:
    """Store the completeness of every plan in ``plans`` without a fresh row.

    One query when all are fresh (the usual case), about ten per 2,000 plans
    otherwise. Returns the number of plans computed.
    """
    now = timezone.now()
    stale = list(plans.exclude(fresh_q(now)).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(stale), CHUNK):
        _store(stale[start : start + CHUNK], now)
    return len(stale)


def _store(plan_ids: list[int], now: dt.datetime) -> None:
    with transaction.atomic():
        rows = list(
            _locked(IndividualPlan.objects.filter(pk__in=plan_ids)).values(
                *services.PLAN_FACT_FIELDS
            )
        )
        facts = services.facts_for_rows(rows, [row["pk"] for row in rows])
        person_ids = {row["person_id"] for row in rows}
        until = _valid_until(person_ids, now)
        assignments = _current_assignments(person_ids)
        PlanCompleteness.objects.bulk_create(
            [
                PlanCompleteness(
                    plan_id=row["pk"],
                    missing=_letters(facts[row["pk"]]),
                    valid_until=until.get(row["person_id"]),
                    assignment_id=assignments.get(row["person_id"]),
                    computed_at=now,
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["plan"],
            update_fields=["missing", "valid_until", "assignment", "computed_at"],
        )


def _locked(plans: QuerySet) -> QuerySet:
    plans = plans.order_by("pk")
    return plans.select_for_update() if connection.features.has_select_for_update else plans


def _valid_until(person_ids, now: dt.datetime) -> dict[int, dt.datetime]:
    """Per person, the first moment after ``now`` at which a consent starts, ends or
    is withdrawn (consent.services.valid_q: periods by local day, a withdrawal by
    its moment): from then on the stored answer may be wrong."""
    found: dict[int, dt.datetime] = {}
    for person_id, valid_from, valid_to, withdrawn_at in Consent.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "valid_from", "valid_to", "withdrawn_at"):
        moments = [_start_of(valid_from), _start_of(valid_to + dt.timedelta(days=1))]
        if withdrawn_at:
            moments.append(withdrawn_at)
        for moment in moments:
            if moment > now and (person_id not in found or moment < found[person_id]):
                found[person_id] = moment
    return found


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _current_assignments(person_ids) -> dict[int, int]:
    """The newest unended coordinator responsibility per person."""
    current = {}
    for person_id, pk in (
        CoordinatorAssignment.objects.filter(person_id__in=person_ids, ended_on__isnull=True)
        .order_by("person_id", "offered_on", "pk")
        .values_list("person_id", "pk")
    ):
        current[person_id] = pk
    return current


# --- invalidation -------------------------------------------------------------------


def invalidate_plans(plan_ids) -> None:
    _invalidate(IndividualPlan.objects.filter(pk__in=list(plan_ids)))


def invalidate_persons(person_ids) -> None:
    """For facts of the person rather than the plan: consents, coordinator."""
    _invalidate(IndividualPlan.objects.filter(person_id__in=list(person_ids)))


def invalidate_consents(consent_ids) -> None:
    _invalidate(
        IndividualPlan.objects.filter(
            person_id__in=Consent.objects.filter(pk__in=list(consent_ids)).values("person_id")
        )
    )


def _invalidate(plans: QuerySet) -> None:
    with transaction.atomic():
        if connection.features.has_select_for_update:
            list(_locked(plans).values_list("pk", flat=True))
        PlanCompleteness.objects.filter(plan__in=plans).delete()


def _plan_saved(sender, instance, **kwargs) -> None:
    invalidate_plans([instance.pk])


def _plan_row_saved(sender, instance, **kwargs) -> None:
    invalidate_plans([instance.plan_id])


def _person_fact_saved(sender, instance, **kwargs) -> None:
    invalidate_persons([instance.person_id])


def _scope_saved(sender, instance, **kwargs) -> None:
    invalidate_consents([instance.consent_id])


def _consent_parties_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        invalidate_consents([instance.pk])
    elif reverse and action in ("post_add", "post_remove"):
        invalidate_consents(pk_set)
    elif reverse and action == "pre_clear":
        invalidate_consents(instance.consents.values_list("pk", flat=True))


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_plan_saved, sender=IndividualPlan, dispatch_uid="completeness-plan")
        for model in (Goal, Measure, Participant):
            signal.connect(_plan_row_saved, sender=model, dispatch_uid=f"completeness-{model}")
        for model in (CoordinatorAssignment, Consent):
            signal.connect(_person_fact_saved, sender=model, dispatch_uid=f"completeness-{model}")
        signal.connect(_scope_saved, sender=ConsentScope, dispatch_uid="completeness-scope")
    for through in (Consent.units.through, Consent.partners.through):
        m2m_changed.connect(
            _consent_parties_changed, sender=through, dispatch_uid=f"completeness-{through}"
        )
