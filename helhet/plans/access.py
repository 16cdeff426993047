"""Plans reach the user only through the access gate, via their person."""

from django.http import Http404
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.plans.models import IndividualPlan


def plan_for(request, plan_id, action=Action.VIEW, what="plan") -> IndividualPlan:
    person_id = (
        IndividualPlan.objects.filter(pk=plan_id).values_list("person_id", flat=True).first()
    )
    if person_id is None:
        raise Http404(_("Fant ikke planen."))
    person = gate.person_for(request, person_id, action, what=what)
    plan = IndividualPlan.objects.select_related("person").get(pk=plan_id)
    plan.person = person
    return plan
