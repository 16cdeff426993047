"""NAV follow-up's lawful basis, registered with the access gate.

A user in a case role in the NAV office that holds an activity condition, a
qualification programme or an advice case has a relation to the person; the
records are ``sosial`` and owned by that office (others need consent).
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.nav.models import (
    ActivityCondition,
    AdviceCase,
    NonComplianceDecision,
    QualificationProgramme,
)
from helhet.organisation.models import Unit
from helhet.people.models import Person

RELATION = "nav_oppfolging"
MODELS = (ActivityCondition, QualificationProgramme, AdviceCase)


def _nav_unit_ids(user) -> list[int]:
    return [u.pk for u in gate.case_units(user) if u.kind == Unit.Kind.NAV]


def _held(user) -> Q:
    units = _nav_unit_ids(user)
    held = Q()
    for model in MODELS:
        held |= Q(pk__in=model.objects.filter(unit_id__in=units).values("person_id"))
    return held


def holds_case(user, person) -> bool:
    """One query at most, none for users outside a NAV office."""
    if not _nav_unit_ids(user):
        return False
    return Person.objects.filter(_held(user), pk=person.pk).exists()


def person_ids(user):
    # One subquery the gate ORs into its own (no list of ids in memory).
    return Person.objects.filter(_held(user)).values("pk")


def _owner(model):
    def person_of(value):
        try:
            return model.objects.filter(pk=int(value)).values_list("person_id", flat=True).first()
        except (TypeError, ValueError):
            return None

    return person_of


person_id_for_condition = _owner(ActivityCondition)
person_id_for_programme = _owner(QualificationProgramme)
person_id_for_case = _owner(AdviceCase)


def person_id_for_noncompliance(value) -> int | None:
    try:
        return (
            NonComplianceDecision.objects.filter(pk=int(value))
            .values_list("condition__person_id", flat=True)
            .first()
        )
    except (TypeError, ValueError):
        return None


def noncompliance_for(request, pk, action=Action.PRINT, what="vedtak om aktivitetsvilkår: brev"):
    try:
        found = (
            NonComplianceDecision.objects.select_related(
                "condition__person", "condition__unit__municipality", "decided_by"
            )
            .filter(pk=int(pk))
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404(_("Fant ikke vedtaket."))
    gate.person_for(
        request,
        found.condition.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=found.condition.unit_id,
    )
    return found


def record_for(request, model, pk, action=Action.VIEW, what=""):
    try:
        found = model.objects.select_related("person", "unit").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404(_("Fant ikke saken."))
    gate.person_for(
        request,
        found.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=found.unit_id,
    )
    return found
