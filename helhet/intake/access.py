"""Intake's lawful bases, on top of the access gate.

The gate knows relations that exist once services run. An application comes
before any relation: the unit it is addressed to must process it (fvl § 11a:
without undue delay; § 17: investigate the case), so the unit's caseworkers,
NAV advisers, KE officers and its head may register and read it. The unit a
decision names as provider must see it to confirm the start; the head of the
unit given coordinator responsibility must see the request to name a
coordinator; the head of sector sees escalated requests (Nes routine).

Every outcome is logged through ``gate.log`` with the basis found, so the
person sees these reads in their access log like any other.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment, naming_routine
from helhet.intake import rules
from helhet.intake.models import Appeal, Application, Decision
from helhet.organisation.models import Role, effective_memberships

# Roles that receive and process applications in their unit.
RECEIVING_ROLES = {Role.CASEWORKER, Role.COORDINATING_UNIT, Role.NAV_ADVISER}
# The unit head co-signs decisions, so reads them too.
UNIT_CASE_ROLES = RECEIVING_ROLES | {Role.LEADER}

ADDRESSED_TO_UNIT = "soknad_til_enhet"
PROVIDER = "utforende_enhet"
COORDINATOR_UNIT = "koordinatoransvar_enhet"
ESCALATED = "eskalert_kommunalsjef"

CATEGORY_BY_KIND = {
    Application.Kind.COORDINATION: Category.PLAN,
    Application.Kind.FINANCIAL: Category.SOCIAL,
    Application.Kind.GUIDANCE: Category.SOCIAL,
}


def category_for(application: Application) -> str:
    return CATEGORY_BY_KIND.get(application.kind, Category.HEALTH)


def memberships(user) -> list:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    # Confirmed memberships only, the same list the gate decides on.
    return effective_memberships(staff)


def unit_ids(user, roles=None) -> set[int]:
    return {m.unit_id for m in memberships(user) if roles is None or m.role in roles}


def has_role(user, role: str) -> bool:
    return any(m.role == role for m in memberships(user))


def municipality_id(user):
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff.municipality_id if staff else None


# --- What the user may do (beyond reading) ------------------------------------


def can_register(user) -> bool:
    return bool(unit_ids(user, RECEIVING_ROLES))


def can_process(user, application: Application) -> bool:
    return application.unit_id in unit_ids(user, RECEIVING_ROLES)


def can_sign(user, decision: Decision) -> bool:
    """The unit head co-signs; the caseworker cannot be their own second signature."""
    return (
        decision.application.unit_id in unit_ids(user, {Role.LEADER})
        and decision.caseworker_id != user.pk
    )


def can_confirm_start(user, decision: Decision) -> bool:
    return decision.provider_id in unit_ids(user)


def can_assign_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATING_UNIT)


def can_name_coordinator(user, assignment: CoordinatorAssignment) -> bool:
    return has_role(user, Role.COORDINATING_UNIT) or assignment.unit_id in unit_ids(
        user, {Role.LEADER}
    )


# --- Reading through the gate -------------------------------------------------


def intake_basis(user, application: Application, decision: Decision | None):
    units = unit_ids(user)
    if application.unit_id in unit_ids(user, UNIT_CASE_ROLES):
        return gate.Decision(
            True,
            ADDRESSED_TO_UNIT,
            _("Søknaden er stilet til %(unit)s, som skal behandle den (fvl. §§ 11a og 17)")
            % {"unit": application.unit},
        )
    if decision is not None and decision.provider_id in units and decision.is_signed:
        return gate.Decision(
            True,
            PROVIDER,
            _("Vedtaket gjelder tjeneste fra %(unit)s") % {"unit": decision.provider},
        )
    return None


def _checked(request, person, action, category, what, extra, owner_unit=None) -> None:
    """Gate first; if it finds no basis, intake's own; log once, either way."""
    user = request.user
    if municipality_id(user) != person.municipality_id:
        raise Http404(_("Fant ikke saken."))
    decision = gate.decide(user, person, action, category, owner_unit)
    if not decision.granted:
        decision = extra() or decision
    gate.log(user, person, action, decision, category, what)
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne saken: %(reason)s") % {"reason": decision.detail}
        )


def application_for(request, application_id, action=Action.VIEW, what="søknad") -> Application:
    application = (
        Application.objects.select_related("person", "unit").filter(pk=application_id).first()
    )
    if application is None:
        raise Http404(_("Fant ikke søknaden."))
    decision = Decision.objects.filter(application=application).first()
    _checked(
        request,
        application.person,
        action,
        category_for(application),
        what,
        lambda: intake_basis(request.user, application, decision),
        owner_unit=application.unit_id,
    )
    return application


def decision_for(request, decision_id, action=Action.VIEW, what="vedtak") -> Decision:
    decision = (
        Decision.objects.select_related(
            "application__person", "application__unit", "provider", "caseworker", "approved_by"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise Http404(_("Fant ikke vedtaket."))
    application = decision.application
    _checked(
        request,
        application.person,
        action,
        category_for(application),
        what,
        lambda: intake_basis(request.user, application, decision),
        owner_unit=application.unit_id,
    )
    return decision


def _assignment_decision(user, assignment: CoordinatorAssignment, today):
    if assignment.unit_id in unit_ids(user, {Role.LEADER}):
        return gate.Decision(
            True,
            COORDINATOR_UNIT,
            _("%(unit)s har fått koordinatoransvar (hol. § 7-3)") % {"unit": assignment.unit},
        )
    escalated = assignment.escalated_on is not None
    if not escalated and assignment.assigned_on and assignment.named_on is None:
        routine = naming_routine(assignment.person.municipality_id)
        escalated = routine is not None and (
            rules.naming_state(assignment.assigned_on, None, today, days=routine.days)
            == rules.State.ESCALATED
        )
    if escalated and has_role(user, Role.SECTOR_HEAD):
        return gate.Decision(True, ESCALATED, _("Koordinatorsak eskalert til kommunalsjef"))
    return None


def assignment_for(request, request_id, action=Action.VIEW, what="koordinatoransvar"):
    assignment = (
        CoordinatorAssignment.objects.select_related("person", "unit", "coordinator")
        .filter(pk=request_id)
        .first()
    )
    if assignment is None:
        raise Http404(_("Fant ikke koordinatorsaken."))
    _checked(
        request,
        assignment.person,
        action,
        Category.PLAN,
        what,
        lambda: _assignment_decision(request.user, assignment, timezone.localdate()),
    )
    return assignment


def log_list(user, persons, what: str) -> None:
    """Work lists and case lists show names: one log row per person shown."""
    gate.log_many(
        user,
        persons,
        Action.LIST,
        what=what,
        category=gate.BASIC,
        detail=_("Vist i saksbehandlingens arbeidsliste eller saksliste"),
    )


# --- For the gate's registry (URL kwarg → person id) ---------------------------


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def person_id_for_application_id(value):
    return Application.objects.filter(pk=_pk(value)).values_list("person_id", flat=True).first()


def person_id_for_decision_id(value):
    return (
        Decision.objects.filter(pk=_pk(value))
        .values_list("application__person_id", flat=True)
        .first()
    )


def person_id_for_request_id(value):
    """``request_id`` is a CoordinatorAssignment: KE's request to a unit to name a coordinator."""
    return (
        CoordinatorAssignment.objects.filter(pk=_pk(value))
        .values_list("person_id", flat=True)
        .first()
    )


def person_id_for_appeal_id(value):
    return (
        Appeal.objects.filter(pk=_pk(value))
        .values_list("decision__application__person_id", flat=True)
        .first()
    )
