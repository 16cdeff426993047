"""Housing writes: keyword-only, validated by the pure rules, all or nothing."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from helhet.core.legal import appeal_route
from helhet.housing import rules
from helhet.housing.models import (
    ALLOCATION_DECISION,
    EMERGENCY_DECISION,
    AllocationCriteria,
    CriteriaVersion,
    Dwelling,
    EarmarkNotice,
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    HousingDecision,
    HousingRoutine,
    HousingRoutineVersion,
    Offer,
)
from helhet.people.models import Person

Status = HousingApplication.Status


# --- Criteria -------------------------------------------------------------------


@transaction.atomic
def add_criteria_version(
    *,
    user: User,
    municipality_id: int,
    kind: str,
    title: str,
    content: str,
    change_note: str,
    refusals_kept: int,
    approved_on: dt.date,
    approved_by: str,
) -> CriteriaVersion:
    """A new approved version; earlier versions stay, as decisions cite them."""
    criteria, _created = AllocationCriteria.objects.get_or_create(
        municipality_id=municipality_id, kind=kind, defaults={"title": title}
    )
    if title and criteria.title != title:
        criteria.title = title
        criteria.save(update_fields=["title"])
    number = (criteria.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return CriteriaVersion.objects.create(
        criteria=criteria,
        number=number,
        content=content,
        change_note=change_note,
        refusals_kept=refusals_kept,
        approved_on=approved_on,
        approved_by=approved_by,
        created_by=user,
    )


def current_criteria(*, municipality_id: int, kind: str) -> CriteriaVersion | None:
    return (
        CriteriaVersion.objects.filter(
            criteria__municipality_id=municipality_id, criteria__kind=kind
        )
        .order_by("-number")
        .first()
    )


# --- Applications ---------------------------------------------------------------


def register_application(
    *,
    person: Person,
    unit_id: int,
    kind: str,
    need: str,
    received_on: dt.date,
    channel: str,
    source: str = HousingApplication.Source.OWN,
    group: str = "",
    registered_by: User | None = None,
) -> HousingApplication:
    application = HousingApplication(
        person=person,
        unit_id=unit_id,
        kind=kind,
        need=need,
        received_on=received_on,
        channel=channel,
        source=source,
        group=group,
        registered_by=registered_by,
    )
    application.full_clean()
    application.save()
    return application


def assess(
    *, application: HousingApplication, urgency: str, assessment: str, group: str, day: dt.date
) -> None:
    if application.status not in (Status.RECEIVED, Status.ASSESSED):
        raise ValidationError(_("Søknaden er allerede avgjort."))
    if not assessment.strip():
        raise ValidationError({"assessment": _("Skriv vurderingen av behov og hastegrad.")})
    application.urgency = urgency
    application.assessment = assessment
    application.group = group
    application.assessed_on = day
    application.status = Status.ASSESSED
    application.full_clean()
    application.save()


def preliminary_answer(
    *, application: HousingApplication, sent_on: dt.date, reason: str, today: dt.date
) -> None:
    if hasattr(application, "decision"):
        raise ValidationError(_("Søknaden er allerede avgjort."))
    if sent_on < application.received_on or sent_on > today:
        raise ValidationError({"sent_on": _("Datoen må være mellom mottaksdatoen og i dag.")})
    application.preliminary_sent_on = sent_on
    application.preliminary_reason = reason
    application.save(update_fields=["preliminary_sent_on", "preliminary_reason"])


@transaction.atomic
def decide(
    *, application: HousingApplication, user: User, outcome: str, reasons: str, day: dt.date
) -> HousingDecision:
    """Grant (onto the waiting list) or refuse, citing the criteria applied and
    printing the appeal route from the one table (helhet.core.legal)."""
    if hasattr(application, "decision"):
        raise ValidationError(_("Søknaden har allerede et vedtak."))
    if application.status != Status.ASSESSED:
        raise ValidationError(_("Behov og hastegrad må vurderes før vedtak."))
    version = current_criteria(
        municipality_id=application.person.municipality_id, kind=application.kind
    )
    if version is None:
        raise ValidationError(
            _(
                "Kommunen har ingen godkjente tildelingskriterier for denne boligtypen. "
                "Vedtak kan ikke fattes uten skriftlige kriterier."
            )
        )
    if not reasons.strip():
        raise ValidationError({"reasons": _("Vedtaket må begrunnes (forvaltningsloven § 24).")})
    route = appeal_route(ALLOCATION_DECISION)
    decision = HousingDecision.objects.create(
        application=application,
        outcome=outcome,
        criteria_version=version,
        reasons=reasons,
        decided_on=day,
        decided_by=user,
        appeal_body=str(route.appeal_body),
        appeal_weeks=route.weeks,
        appeal_law=route.appeal_law,
    )
    application.status = (
        Status.WAITING if outcome == HousingDecision.Outcome.GRANTED else Status.REFUSED
    )
    application.save(update_fields=["status"])
    return decision


def waiting_entries(*, municipality_id: int, kind: str) -> list[rules.Entry]:
    rows = HousingApplication.objects.filter(
        person__municipality_id=municipality_id, kind=kind, status=Status.WAITING
    ).values_list("pk", "urgency", "decision__decided_on", "received_on")
    return [rules.Entry(pk, urgency, granted, received) for pk, urgency, granted, received in rows]


def waiting_list(*, municipality_id: int, kind: str, today: dt.date) -> list[rules.Position]:
    return rules.waiting_order(waiting_entries(municipality_id=municipality_id, kind=kind), today)


@transaction.atomic
def offer(
    *,
    application: HousingApplication,
    dwelling: Dwelling,
    user: User,
    day: dt.date,
    skip_reason: str = "",
    outside_group_reason: str = "",
) -> Offer:
    if application.status != Status.WAITING:
        raise ValidationError(_("Bare søkere på ventelisten kan få tilbud."))
    if dwelling.state != Dwelling.State.VACANT:
        raise ValidationError(_("Boligen er ikke ledig."))
    if dwelling.municipality_id != application.person.municipality_id:
        raise ValidationError(_("Boligen hører til en annen kommune."))
    order = waiting_list(
        municipality_id=application.person.municipality_id, kind=application.kind, today=day
    )
    errors = {}
    error = rules.skip_error(order, application.pk, skip_reason)
    if error:
        errors["skip_reason"] = error
    check = rules.earmark_check(
        earmarked_for=dwelling.earmarked_for,
        earmark_unit_id=dwelling.earmark_unit_id,
        applicant_group=application.group,
        reason=outside_group_reason,
    )
    if check.error:
        errors["outside_group_reason"] = check.error
    if errors:
        raise ValidationError(errors)
    position = next(p.number for p in order if p.id == application.pk)
    made = Offer.objects.create(
        application=application,
        dwelling=dwelling,
        offered_on=day,
        offered_by=user,
        position=position,
        skip_reason=skip_reason,
        outside_group_reason=outside_group_reason if check.outside_group else "",
    )
    if check.outside_group and check.notify_unit_id:
        EarmarkNotice.objects.create(
            offer=made,
            unit_id=check.notify_unit_id,
            sent_on=day,
            text=_(
                "Boligen %(address)s, øremerket «%(group)s», er tilbudt en søker utenfor "
                "gruppen. Begrunnelse: %(reason)s"
            )
            % {
                "address": dwelling.address,
                "group": dwelling.get_earmarked_for_display(),
                "reason": outside_group_reason,
            },
        )
    application.status = Status.OFFERED
    application.save(update_fields=["status"])
    return made


@transaction.atomic
def answer(
    *,
    offer: Offer,
    accepted: bool,
    day: dt.date,
    refusal_reason: str = "",
    refusal_note: str = "",
    contract_start: dt.date | None = None,
) -> Offer:
    if offer.answer:
        raise ValidationError(_("Tilbudet er allerede besvart."))
    if day < offer.offered_on:
        raise ValidationError(_("Svaret kan ikke være gitt før tilbudet."))
    application = offer.application
    offer.answered_on = day
    if accepted:
        if contract_start is None:
            raise ValidationError({"contract_start": _("Oppgi når leiekontrakten starter.")})
        if contract_start < offer.offered_on:
            raise ValidationError(
                {"contract_start": _("Leiekontrakten kan ikke starte før boligen ble tilbudt.")}
            )
        offer.answer = Offer.Answer.ACCEPTED
        offer.contract_start = contract_start
        offer.save()
        offer.dwelling.state = Dwelling.State.LET
        offer.dwelling.save(update_fields=["state"])
        application.status = Status.HOUSED
        application.save(update_fields=["status"])
        return offer
    version = application.decision.criteria_version
    earlier = (
        application.offers.filter(answer=Offer.Answer.REFUSED, kept_place=True)
        .exclude(refusal_reason=rules.UNSUITABLE)
        .count()
    )
    outcome = rules.refusal_outcome(
        reason=refusal_reason, earlier_refusals=earlier, refusals_kept=version.refusals_kept
    )
    if not refusal_reason:
        raise ValidationError({"refusal_reason": outcome.explanation})
    offer.answer = Offer.Answer.REFUSED
    offer.refusal_reason = refusal_reason
    offer.refusal_note = refusal_note
    offer.kept_place = outcome.keeps_place
    offer.place_note = outcome.explanation
    offer.save()
    application.status = Status.WAITING if outcome.keeps_place else Status.LAPSED
    application.status_reason = "" if outcome.keeps_place else outcome.explanation
    application.save(update_fields=["status", "status_reason"])
    return offer


# --- Emergency housing (sotjl. § 27) ---------------------------------------------


def stay_limit(*, municipality_id: int) -> HousingRoutine | None:
    return HousingRoutine.objects.filter(municipality_id=municipality_id).first()


@transaction.atomic
def save_routine(
    *,
    municipality_id: int,
    days: int | None,
    name: str,
    adopted_on: dt.date | None,
    change_note: str,
    by: User,
) -> HousingRoutine | None:
    """Set, change or remove the municipality's own limit for a stay in
    emergency housing. It is the municipality's routine, not law (sotjl. § 27
    sets no number of days): without one, no stay is judged by its length.
    Every change, removal included, is kept as a numbered version."""
    if not change_note.strip():
        raise ValidationError({"change_note": _("Skriv hva som er endret, og hvorfor.")})
    if days is not None and (not 1 <= days <= 365 or not name.strip()):
        raise ValidationError(_("Grensen må være 1–365 dager, og rutinen må ha et navn."))
    last = (
        HousingRoutineVersion.objects.select_for_update()
        .filter(municipality_id=municipality_id)
        .aggregate(n=Max("number"))["n"]
    )
    HousingRoutineVersion.objects.create(
        municipality_id=municipality_id,
        number=(last or 0) + 1,
        name=name.strip() if days is not None else "",
        emergency_stay_days=days,
        adopted_on=adopted_on if days is not None else None,
        change_note=change_note.strip(),
        changed_by=by,
    )
    if days is None:
        HousingRoutine.objects.filter(municipality_id=municipality_id).delete()
        return None
    routine, _created = HousingRoutine.objects.update_or_create(
        municipality_id=municipality_id,
        defaults={
            "name": name.strip(),
            "emergency_stay_days": days,
            "adopted_on": adopted_on,
            "updated_by": by,
        },
    )
    return routine


def refuse_emergency(
    *,
    person: Person,
    unit_id: int,
    user: User,
    asked_on: dt.date,
    reasons: str,
    other_help: str,
    day: dt.date,
) -> EmergencyRefusal:
    """A refusal of temporary housing (sotjl. § 27) as a written decision with
    reasons and the appeal route from the one table (helhet.core.legal)."""
    if not reasons.strip():
        raise ValidationError({"reasons": _("Avslaget må begrunnes (forvaltningsloven § 24).")})
    if asked_on > day:
        raise ValidationError({"asked_on": _("Datoen kan ikke være etter vedtaksdatoen.")})
    route = appeal_route(EMERGENCY_DECISION)
    refusal = EmergencyRefusal(
        person=person,
        unit_id=unit_id,
        asked_on=asked_on,
        decided_on=day,
        reasons=reasons.strip(),
        other_help=other_help.strip(),
        decided_by=user,
        appeal_body=str(route.appeal_body),
        appeal_weeks=route.weeks,
        appeal_law=route.appeal_law,
    )
    refusal.full_clean()
    refusal.save()
    return refusal


def register_stay(*, person: Person, unit_id: int, user: User, **fields: object) -> EmergencyStay:
    stay = EmergencyStay(person=person, unit_id=unit_id, registered_by=user, **fields)
    stay.full_clean()
    stay.save()
    return stay


def follow_up_stay(
    *, stay: EmergencyStay, follow_up: str, day: dt.date, ended_on: dt.date | None
) -> None:
    if not follow_up.strip():
        raise ValidationError({"follow_up": _("Skriv hva som er gjort mot varig bolig.")})
    if ended_on is not None and ended_on < stay.started_on:
        raise ValidationError({"ended_on": _("Oppholdet kan ikke slutte før det begynte.")})
    stay.follow_up = follow_up
    stay.follow_up_on = day
    if ended_on is not None:
        stay.ended_on = ended_on
    stay.full_clean()
    stay.save()
