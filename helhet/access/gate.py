"""The access gate: the one place that decides whether a user may touch a
person's data, and logs the decision (hpl §§ 21–22, pjl §§ 16–18, GDPR art. 9).

Views never query ``Person`` or plans directly; they ask this module, which
returns the object or raises. Lawful bases, strongest first:

* the person themself (their own portal login);
* coordinator for the person (hol § 7-2);
* participant in the person's open plan;
* the user's unit gives the person a service by decision;
* the coordinating unit, which keeps the overview of plans (hol § 7-3).

System administrators and auditors have no person access through here.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.models import AccessLogEntry, Action
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.people.models import Person, Service
from helhet.plans.models import IndividualPlan

SELF = "egen"
COORDINATOR = "koordinator"
PLAN_PARTICIPANT = "plandeltaker"
SERVICE = "tjeneste_vedtak"
COORDINATING_UNIT = "koordinerende_enhet"
NONE = ""


@dataclass(frozen=True)
class Decision:
    granted: bool
    basis: str
    detail: str


def _staff(user):
    return getattr(user, "staff", None) if user.is_authenticated else None


def _roles(user) -> set[str]:
    staff = _staff(user)
    if staff is None:
        return set()
    if not hasattr(staff, "_helhet_memberships"):
        staff._helhet_memberships = list(staff.memberships.select_related("unit"))
    return {m.role for m in staff._helhet_memberships}


def _unit_ids(user) -> set[int]:
    _roles(user)
    staff = _staff(user)
    return {m.unit_id for m in staff._helhet_memberships} if staff else set()


def _active_service(today) -> Q:
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def decide(user, person: Person, action: str, category: str = Category.PLAN) -> Decision:
    """The gate's decision and the basis it found or lacked. Does not log."""
    if not user.is_authenticated:
        return Decision(False, NONE, _("Du er ikke logget inn."))
    if getattr(user, "person", None) is not None and user.person.pk == person.pk:
        return Decision(True, SELF, _("Egne opplysninger"))
    staff = _staff(user)
    if staff is None or staff.municipality_id != person.municipality_id:
        return Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))
    today = timezone.localdate()
    if person.coordinator_assignments.filter(coordinator=user, ended_on__isnull=True).exists():
        return Decision(True, COORDINATOR, _("Koordinator for personen"))
    if person.plans.filter(participants__user=user, status__in=["tilbudt", "aktiv"]).exists():
        return Decision(True, PLAN_PARTICIPANT, _("Deltaker i personens individuelle plan"))
    service = (
        Service.objects.filter(
            _active_service(today),
            person=person,
            unit_id__in=_unit_ids(user),
            basis=Service.Basis.DECISION,
        )
        .select_related("unit")
        .first()
    )
    if service is not None:
        return Decision(
            True, SERVICE, _("Enheten %(unit)s gir tjeneste etter vedtak") % {"unit": service.unit}
        )
    if Role.COORDINATING_UNIT in _roles(user) and category == Category.PLAN:
        has_case = person.plans.exists() or person.coordinator_assignments.exists()
        if has_case:
            return Decision(True, COORDINATING_UNIT, _("Koordinerende enhet (hol. § 7-3)"))
    return Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))


def log(user, person: Person, action: str, decision: Decision, category="", what=""):
    staff = _staff(user)
    memberships = getattr(staff, "_helhet_memberships", []) if staff else []
    return AccessLogEntry.objects.create(
        municipality_id=person.municipality_id,
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        role=", ".join(sorted({m.get_role_display() for m in memberships}))[:100],
        unit=", ".join(sorted({m.unit.name for m in memberships}))[:200],
        person=person,
        action=action,
        category=category,
        what=what[:200],
        basis=decision.basis,
        basis_detail=decision.detail[:300],
        granted=decision.granted,
        flagged=not decision.granted,
    )


def check(user, person: Person, action: str, category=Category.PLAN, what="") -> Decision:
    decision = decide(user, person, action, category)
    log(user, person, action, decision, category, what)
    return decision


def person_for(request, person_id, action=Action.VIEW, category=Category.PLAN, what="") -> Person:
    """The person, if the user may; otherwise 404 (outside their municipality)
    or 403 with the gate's reason. Every outcome is logged."""
    user = request.user
    staff = _staff(user)
    own = getattr(user, "person", None)
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("Fant ikke personen.")) from error
    # Another municipality's persons do not exist for this user.
    if own is None and (staff is None or staff.municipality_id != person.municipality_id):
        if staff is None:
            raise PermissionDenied(_("Du har ikke tilgang til personopplysninger."))
        raise Http404(_("Fant ikke personen."))
    decision = check(user, person, action, category, what)
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne personen: %(reason)s") % {"reason": decision.detail}
        )
    return person


def accessible_persons(user) -> QuerySet[Person]:
    """Persons the user has a relation to; search never reveals others exist."""
    staff = _staff(user)
    if staff is None:
        own = getattr(user, "person", None)
        return Person.objects.filter(pk=own.pk) if own else Person.objects.none()
    today = timezone.localdate()
    # Subqueries, not joins: a person with many plans or services stays one row.
    coordinated = CoordinatorAssignment.objects.filter(coordinator=user, ended_on__isnull=True)
    relation = (
        Q(pk__in=coordinated.values("person_id"))
        | Q(
            pk__in=IndividualPlan.objects.filter(
                participants__user=user, status__in=["tilbudt", "aktiv"]
            ).values("person_id")
        )
        | Q(
            pk__in=Service.objects.filter(
                _active_service(today), unit_id__in=_unit_ids(user), basis=Service.Basis.DECISION
            ).values("person_id")
        )
    )
    if Role.COORDINATING_UNIT in _roles(user):
        relation |= Q(pk__in=IndividualPlan.objects.values("person_id")) | Q(
            pk__in=CoordinatorAssignment.objects.values("person_id")
        )
    return Person.objects.filter(relation, municipality_id=staff.municipality_id)


def log_many(user, persons, action: str, what: str, category=Category.PLAN) -> None:
    """Log one granted access per person shown in a list or search (one query)."""
    staff = _staff(user)
    if staff is None:
        return
    _roles(user)
    memberships = staff._helhet_memberships
    role = ", ".join(sorted({m.get_role_display() for m in memberships}))[:100]
    unit = ", ".join(sorted({m.unit.name for m in memberships}))[:200]
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                municipality_id=p.municipality_id,
                user=user,
                username=user.get_username(),
                role=role,
                unit=unit,
                person_id=p.pk,
                action=action,
                category=category,
                what=what[:200],
                basis="liste",
                basis_detail=_("Vist i liste med tjenstlig relasjon"),
                granted=True,
            )
            for p in persons
        ],
        batch_size=500,
    )
