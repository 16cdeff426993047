"""The API's way through the access gate: the same gate, the same log, the
same lawful bases as the pages (hpl § 21a, pjl §§ 16–18)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category, Consent
from helhet.consent.services import valid_q
from helhet.cooperation.models import Meeting, ResponsibilityGroup
from helhet.intake import services as intake_services
from helhet.intake.models import Decision
from helhet.mapping import access as mapping_access
from helhet.mapping.models import Mapping
from helhet.plans.models import IndividualPlan
from helhet.quality import services as quality_services

API = " (API)"


def persons(user):
    return gate.accessible_persons(user).order_by("family_name", "given_name", "pk")


def plans(user):
    return gate.accessible_plans(user, IndividualPlan.objects.all()).order_by("pk")


def consents(user):
    return Consent.objects.filter(person__in=gate.accessible_persons(user)).order_by("pk")


CONSENT_STATUS = {
    "gyldig": lambda now: valid_q(moment=now),
    "trukket": lambda now: Q(withdrawn_at__lte=now),
    "utlopt": lambda now: Q(valid_to__lt=timezone.localdate(now)) & ~Q(withdrawn_at__lte=now),
    "fremtidig": lambda now: Q(valid_from__gt=timezone.localdate(now)) & ~Q(withdrawn_at__lte=now),
}


def groups(user):
    """Groups whose cooperation data (members, meetings) the group page would
    open: the coordinator's, or with a consent for "samarbeid" (gate rule 2)."""
    return ResponsibilityGroup.objects.filter(
        person__in=gate.accessible_persons(user, category=Category.COOPERATION)
    ).order_by("pk")


def meetings(user):
    """Meetings (times and places) only where the meeting page would open."""
    return (
        Meeting.objects.filter(
            group__person__in=gate.accessible_persons(user, category=Category.COOPERATION)
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )


def applications(user):
    """Intake's own basis: the cases addressed to the user's units (fvl § 11a)."""
    return intake_services.case_list(user=user).order_by("pk")


def decisions(user):
    """The decisions intake's bases open: of the cases addressed to the user's
    units, and signed decisions naming one of them as provider; never of a
    person who blocked the user."""
    provider = Q(provider_id__in=gate.case_unit_ids(user), approved_by__isnull=False)
    return (
        Decision.objects.filter(
            Q(application__in=intake_services.case_list(user=user).values("pk")) | provider
        )
        .exclude(application__person_id__in=gate.blocked_person_ids(user))
        .select_related("application")
        .order_by("pk")
    )


def own_unit_mappings(user):
    """Mappings the gate opens on the relation alone: those recorded by one of
    the user's own units (gate rule 2). Another unit's mappings need the
    person's consent, decided per unit, so they are listed only per person."""
    return Mapping.objects.filter(
        person__in=gate.accessible_persons(user), unit_id__in=gate.case_unit_ids(user)
    )


def person_mappings(request, person, mappings):
    """The person's mappings whose unit the gate opens, as the history page
    does: one logged decision per unit, nothing read from the units it keeps
    closed (hpl § 22)."""
    rows = list(mappings.only("pk", "unit_id"))
    shown, _left_out = mapping_access.visible_mappings(
        request.user, person, rows, "kartleggingsliste" + API
    )
    return mappings.filter(unit_id__in={m.unit_id for m in shown})


def deviations(user):
    """The deviations quality's own pages show the user (leader, quality
    officer, head of sector, the reporter); staff only."""
    if getattr(user, "staff", None) is None:
        raise PermissionDenied(_("Internkontroll er for ansatte i kommunen."))
    return quality_services.visible_deviations(user=user)


def log_list(user, shown_persons, what: str, category=gate.BASIC) -> None:
    """One granted row per person shown, as the pages' lists do, with the
    category the list really shows. ``shown_persons``: persons, or
    (person, category) pairs for a list whose rows differ in category."""
    by_category: dict[str, dict] = {}
    for shown in shown_persons:
        person, shown_category = shown if isinstance(shown, tuple) else (shown, category)
        by_category.setdefault(shown_category, {})[person.pk] = person
    for shown_category, unique in by_category.items():
        gate.log_many(user, unique.values(), Action.LIST, what=what + API, category=shown_category)


def person_filter(request, person_id, what: str, category=gate.BASIC):
    """A ``?person=`` filter reaches the person through the gate, for the
    category the list shows, so asking about someone the page would refuse is
    refused and logged like the page."""
    return gate.person_for(request, person_id, Action.VIEW, category=category, what=what + API)
