"""NAV follow-up writes: keyword-only, validated by the rules, all or nothing."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helhet.core.legal import appeal_route
from helhet.intake.models import Decision
from helhet.nav import rules
from helhet.nav.models import (
    ActivityCondition,
    Evaluation,
    NonComplianceDecision,
    QualificationProgramme,
)
from helhet.people.models import Person

# A decision on financial assistance (§ 18 with § 20 a conditions) is appealed
# like the assistance itself: the state governor, three weeks (fvl. § 29).
FINANCIAL = "okonomisk"


@transaction.atomic
def set_condition(
    *,
    person: Person,
    unit_id: int,
    user: User,
    evaluations: list[dt.date],
    decision: Decision | None = None,
    **fields: object,
) -> ActivityCondition:
    if not evaluations:
        raise ValidationError({"first_evaluation": _("Sett minst én dato for evaluering.")})
    if decision is not None:
        error = rules.decision_link_error(
            decision_person_id=decision.application.person_id,
            person_id=person.pk,
            decision_kind=decision.application.kind,
            granted=decision.is_granted,
        )
        if error:
            raise ValidationError({"decision": error})
        fields.setdefault("set_on", decision.decided_on)
    condition = ActivityCondition(
        person=person, unit_id=unit_id, follow_up_by=user, decision=decision, **fields
    )
    condition.full_clean()
    condition.save()
    Evaluation.objects.bulk_create(Evaluation(condition=condition, due_on=d) for d in evaluations)
    return condition


def evaluate(
    *, condition: ActivityCondition, result: str, note: str, day: dt.date, next_on: dt.date | None
) -> None:
    pending = condition.evaluations.filter(done_on__isnull=True).order_by("due_on").first()
    if pending is None:
        pending = Evaluation(condition=condition, due_on=day)
    if not note.strip():
        raise ValidationError({"note": _("Skriv hva evalueringen viste.")})
    pending.done_on, pending.result, pending.note = day, result, note
    pending.save()
    if next_on is not None:
        if next_on <= day:
            raise ValidationError({"next_on": _("Neste evaluering må være etter i dag.")})
        Evaluation.objects.create(condition=condition, due_on=next_on)


def record_view(*, condition: ActivityCondition, person_view: str) -> None:
    if not person_view.strip():
        raise ValidationError({"person_view": _("Skriv den unges eget syn.")})
    condition.person_view = person_view
    condition.save(update_fields=["person_view"])


def link_decision(*, condition: ActivityCondition, decision: Decision) -> None:
    """Link a condition recorded before the link existed to the intake
    decision it was set in (same person, a decision on financial assistance)."""
    error = rules.decision_link_error(
        decision_person_id=decision.application.person_id,
        person_id=condition.person_id,
        decision_kind=decision.application.kind,
        granted=decision.is_granted,
    )
    if error:
        raise ValidationError({"decision": error})
    condition.decision = decision
    condition.save(update_fields=["decision"])


def decide_noncompliance(
    *, condition: ActivityCondition, user: User, reduces: bool, reasons: str, day: dt.date
) -> NonComplianceDecision:
    errors = rules.noncompliance_errors(reduces=reduces, reasons=reasons)
    if errors:
        raise ValidationError(errors)
    route = appeal_route(FINANCIAL)
    return NonComplianceDecision.objects.create(
        condition=condition,
        decided_on=day,
        reduces=reduces,
        reasons=reasons,
        appeal_body=str(route.appeal_body),
        appeal_weeks=route.weeks,
        appeal_law=route.appeal_law,
        decided_by=user,
    )


def programme_step(
    *,
    programme: QualificationProgramme,
    target: str,
    day: dt.date,
    plan: str = "",
    end_reason: str = "",
) -> None:
    step = rules.programme_step(
        current=programme.state,
        target=target,
        plan=plan or programme.programme_plan,
        end_reason=end_reason,
    )
    if not step.ok:
        raise ValidationError(step.error)
    programme.state = target
    if target == "tilbudt":
        programme.offered_on = day
    elif target == "startet":
        programme.started_on = day
        programme.programme_plan = plan or programme.programme_plan
    elif target == "avsluttet":
        programme.ended_on, programme.end_reason = day, end_reason
    elif target == "vurdert":
        programme.assessed_on = day
    programme.save()
