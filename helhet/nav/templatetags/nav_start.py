"""The start page's reminders for NAV advisers and the housing office: counts
only, of the user's own units' cases (no person data on the start page)."""

from django import template
from django.utils import timezone

from helhet.access import gate
from helhet.housing import rules as housing_rules
from helhet.housing.models import EmergencyStay, HousingApplication, HousingRoutine
from helhet.nav.models import ActivityCondition, Evaluation
from helhet.organisation.models import Unit

register = template.Library()


@register.simple_tag
def follow_up_counts(user) -> dict:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None:
        return {}
    units = gate.case_unit_ids(user)
    if not units:
        return {}
    kinds = dict(Unit.objects.filter(pk__in=units).values_list("pk", "kind"))
    nav = [pk for pk, kind in kinds.items() if kind == Unit.Kind.NAV]
    housing = [pk for pk, kind in kinds.items() if kind == Unit.Kind.HOUSING]
    today = timezone.localdate()
    counts = {}
    if nav:
        counts["evaluations"] = Evaluation.objects.filter(
            condition__unit_id__in=nav,
            condition__status=ActivityCondition.Status.ACTIVE,
            done_on__isnull=True,
            due_on__lt=today,
        ).count()
        routine = HousingRoutine.objects.filter(municipality_id=staff.municipality_id).first()
        if routine is not None:
            counts["stays"] = sum(
                housing_rules.stay_state(
                    started_on=started,
                    ended_on=None,
                    today=today,
                    place=place,
                    limit_days=routine.emergency_stay_days,
                ).over_limit
                for started, place in EmergencyStay.objects.filter(
                    unit_id__in=nav, ended_on__isnull=True
                ).values_list("started_on", "place")
            )
    if housing:
        counts["applications"] = HousingApplication.objects.filter(
            unit_id__in=housing,
            status__in=[HousingApplication.Status.RECEIVED, HousingApplication.Status.ASSESSED],
        ).count()
    return counts
