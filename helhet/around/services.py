"""Writes and page data around the person. The gate has already decided."""

from django.db import transaction

from helhet.around.access import visible
from helhet.around.models import ExternalService, NeedAssessment, SomaticFollowUp
from helhet.plans.models import CrisisPlan, IndividualPlan


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def save_external_service(*, form, person, unit, user) -> ExternalService:
    row = form.save(commit=False)
    if row.pk is None:
        row.person, row.unit, row.registered_by = person, unit, user
    row.full_clean()
    row.save()
    return row


def record_assessment(*, form, person, unit, user) -> NeedAssessment:
    row = form.save(commit=False)
    row.person, row.unit = person, unit
    row.assessed_by, row.assessed_by_name = user, _name(user)
    row.full_clean()
    row.save()
    return row


def record_somatic(*, form, person, unit, user) -> SomaticFollowUp:
    row = form.save(commit=False)
    row.person, row.unit, row.registered_by = person, unit, user
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def save_crisis_plan(*, person, fields: dict) -> CrisisPlan:
    """The person's crisis plan, kept here while the person has no open plan
    (with an open plan it is edited in the plan, as a plan version)."""
    crisis, _created = CrisisPlan.objects.get_or_create(person=person)
    for name, value in fields.items():
        setattr(crisis, name, value)
    crisis.full_clean()
    crisis.save()
    return crisis


def open_plan(person) -> IndividualPlan | None:
    return person.plans.filter(status__in=["tilbudt", "aktiv"]).order_by("-offered_on").first()


def person_page(user, person) -> dict:
    externals, ext_hidden = visible(
        user,
        person,
        list(person.external_services.select_related("partner", "unit")),
        "tjenester utenfor kommunen",
    )
    assessments, ass_hidden = visible(
        user, person, list(person.need_assessments.select_related("unit")), "behovsvurdering"
    )
    somatic, som_hidden = visible(
        user, person, list(person.somatic_follow_ups.select_related("unit")), "somatisk helse"
    )
    return {
        "person": person,
        "external_services": externals,
        "assessments": assessments,
        "latest_assessment": assessments[0] if assessments else None,
        "somatic": somatic,
        "hidden": ext_hidden or ass_hidden or som_hidden,
        "crisis_plan": CrisisPlan.objects.filter(person=person).first(),
        "open_plan": open_plan(person),
    }
