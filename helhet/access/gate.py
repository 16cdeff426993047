"""The access gate: the one place that decides whether a user may touch a
person's data, and logs the decision (hpl §§ 21–22, fvl § 13, pjl §§ 16–18,
GDPR art. 9).

Views never query ``Person`` or plans directly; they ask this module, which
returns the object or raises (and logs either way).

Two questions, in this order
----------------------------
1. **Relation** — is the user assigned to this person's care? Bases, strongest
   first:

   * ``egen``: the person themself (their own portal login) — everything;
   * ``koordinator``: named coordinator (hol § 7-2);
   * ``plandeltaker``: participant in the person's open plan (forskrift § 19 b);
   * other registered relations, e.g. a responsibility group
     (``register_relation``, used by the cooperation app);
   * ``tjeneste_vedtak``: one of the user's units gives the person a service by
     individual decision;
   * ``koordinerende_enhet``: the coordinating unit, for persons with a plan or a
     coordinator case (hol § 7-3: the overview of plans and coordinators).

   Only memberships in *case roles* (``CASE_ROLES``) count for unit-based
   relations. System administrators, auditors, quality officers and heads of
   sector have no person access by default.

2. **Crossing units** — information that crosses a unit boundary needs a valid
   consent (``consent.ConsentScope``) naming one of the user's units and the
   category. What crosses:

   * ``grunndata`` (``BASIC``): who the person is and how to reach them. Part of
     every relation's own work; no consent needed.
   * ``plan`` and ``samarbeid`` (the shared plan, responsibility-group meetings):
     shared across units by nature. The coordinator (who drives the plan and
     obtains the consent) and, for ``plan``, the coordinating unit (the
     statutory overview) read them without a consent. Everyone else — a plan
     participant, a service unit — needs a consent covering their unit for that
     category (§ 19 h: consent to the participants' access). A service unit
     reading the shared plan thus needs a consent for its unit and "plan".
   * ``helse``, ``sosial``, ``kartlegging``: recorded by one unit. The caller
     passes ``owner_unit`` (the unit whose records they are). A user in that
     unit reads their own unit's records on their relation alone; anyone
     else needs a consent covering their unit and the category. Without
     ``owner_unit`` the records are treated as another unit's (the safe side).

3. **Emergency access** ("break the glass", ``grant_emergency``): with a written
   reason, a user in a case role gets time-limited access to one person,
   relation or consent or not. Every access in the window is logged with
   ``emergency=True`` and flagged for the leader's review. Apps may be told of
   each grant (``register_emergency_hook``; the portal e-mails the person).

4. **Blocking** (``AccessBlock``): the person may block a named staff member.
   The gate then refuses that member whatever their basis ("Sperret av
   personen"); only emergency access still opens, and is flagged.

5. **Representatives**: a proxy given by the person, or a guardian registered
   by staff, acts for the person within the rights given. The portal registers
   how that is decided (``register_representation``); the gate asks it for
   users without a staff role, so the decision and its log entry stay here.

Every refusal and every emergency access is flagged (hpl § 21a: snooping must
be detectable). Another municipality's persons do not exist for the user (404,
not logged: they are not the user's municipality's persons).

Calling the gate
----------------
* a page about one person: ``person_for(request, person_id, action, category,
  what=..., owner_unit=...)`` returns the Person or raises 404/403 (logged);
* a page about person-owned data by its own id: ``person_for_kwarg(request,
  "meeting_id", meeting_id, ...)`` (the kwarg registered in ``registry``);
* lists and search: ``accessible_persons(user)`` (or, for lists of plans,
  ``accessible_plans(user, plans)``), then ``log_many(...)`` for the persons
  shown;
* a decision the view makes itself: ``check(...)`` (decide and log), or
  ``decide(...)`` plus ``log(...)``.
"""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import registry
from helhet.access.models import AccessBlock, AccessLogEntry, Action, EmergencyAccess
from helhet.consent.models import Category
from helhet.consent.services import covering_consent
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.people.models import Person, Service
from helhet.plans.models import IndividualPlan, Participant

SELF = "egen"
COORDINATOR = "koordinator"
PLAN_PARTICIPANT = "plandeltaker"
SERVICE = "tjeneste_vedtak"
COORDINATING_UNIT = "koordinerende_enhet"
EMERGENCY = "nodtilgang"
BLOCKED = "sperret"
REPRESENTATIVE = "representant"
LIST = "liste"
NONE = ""

BASIC = "grunndata"
SHARED_CATEGORIES = {Category.PLAN, Category.COOPERATION}
UNIT_CATEGORIES = {Category.HEALTH, Category.SOCIAL, Category.MAPPING}
CATEGORIES = [BASIC, *Category.values]

CASE_ROLES = {
    Role.COORDINATING_UNIT,
    Role.CASEWORKER,
    Role.SERVICE_PROVIDER,
    Role.NAV_ADVISER,
    Role.LEADER,
}
EMERGENCY_DURATION = dt.timedelta(hours=2)
EMERGENCY_REASON_MIN = 20
EMERGENCY_REASON_MAX = 1000

OPEN_PLAN = ["tilbudt", "aktiv"]


@dataclass(frozen=True)
class Decision:
    granted: bool
    basis: str
    detail: str
    consent_id: int | None = None
    emergency_id: int | None = None


@dataclass(frozen=True)
class Relation:
    basis: str
    detail: str
    unit_ids: frozenset
    # Categories this relation reads without a consent (statutory roles).
    own_categories: frozenset = frozenset()


@dataclass(frozen=True)
class ExtraRelation:
    basis: str
    label: str
    holds: Callable  # (user, person) -> bool
    person_ids: Callable  # (user) -> queryset of person ids


EXTRA_RELATIONS: list[ExtraRelation] = []


@dataclass(frozen=True)
class Representation:
    # (user, person, action, category) -> Decision | None: the representative's
    # decision, granted or refused, or None when the user represents nobody here.
    decide: Callable
    # (user) -> bool: the user represents someone at all.
    represents_anyone: Callable


REPRESENTATIONS: list[Representation] = []
EMERGENCY_HOOKS: list[Callable] = []


def register_relation(basis: str, label: str, holds: Callable, person_ids: Callable) -> None:
    """Let another app add a relation, e.g. membership of a responsibility
    group. Such a relation works like plan participation: it opens ``grunndata``,
    and crossing categories still need a consent covering the user's unit."""
    EXTRA_RELATIONS[:] = [r for r in EXTRA_RELATIONS if r.basis != basis]
    EXTRA_RELATIONS.append(ExtraRelation(basis, label, holds, person_ids))


def register_representation(decide: Callable, represents_anyone: Callable) -> None:
    """Let the portal decide for proxies and guardians (see the module docstring)."""
    REPRESENTATIONS[:] = [Representation(decide, represents_anyone)]


def register_emergency_hook(hook: Callable) -> None:
    """``hook(grant)`` is called after each emergency access is granted."""
    if hook not in EMERGENCY_HOOKS:
        EMERGENCY_HOOKS.append(hook)


# --- who the user is -------------------------------------------------------------


def _staff(user):
    return getattr(user, "staff", None) if user.is_authenticated else None


def _memberships(user) -> list:
    staff = _staff(user)
    if staff is None:
        return []
    if not hasattr(staff, "_helhet_memberships"):
        staff._helhet_memberships = list(staff.memberships.select_related("unit"))
    return staff._helhet_memberships


def _roles(user) -> set[str]:
    return {m.role for m in _memberships(user)}


def _unit_ids(user) -> set[int]:
    """Units where the user works in a case role: the units consent is given to."""
    return {m.unit_id for m in _memberships(user) if m.role in CASE_ROLES}


def case_unit_ids(user) -> set[int]:
    """The units whose own records the user reads on their relation alone."""
    return _unit_ids(user)


def has_case_role(user) -> bool:
    return bool(_roles(user) & CASE_ROLES)


# --- the decision ------------------------------------------------------------------


# Set by ``same_request``: what was found about a (user, person) pair so far.
_FOUND: contextvars.ContextVar[dict | None] = contextvars.ContextVar("gate_found", default=None)


@contextlib.contextmanager
def same_request():
    """Within the block, the user's relations to a person and whether the person
    blocked them are looked up once, for a page that asks the gate several
    questions about one person (the person page: basic data, then the
    services). Every question is still decided and logged; only the lookups
    are shared, for the span of one read-only request."""
    token = _FOUND.set({})
    try:
        yield
    finally:
        _FOUND.reset(token)


def _found(what: str, user, person: Person, lookup: Callable):
    found = _FOUND.get()
    if found is None:
        return lookup(user, person)
    key = (what, user.pk, person.pk)
    if key not in found:
        found[key] = lookup(user, person)
    return found[key]


def _relations(user, person: Person) -> list[Relation]:
    units = frozenset(_unit_ids(user))
    shared = frozenset(SHARED_CATEGORIES)
    found = []
    assignment = person.coordinator_assignments.filter(
        coordinator=user, ended_on__isnull=True
    ).first()
    if assignment is not None:
        unit_ids = units | ({assignment.unit_id} if assignment.unit_id else set())
        found.append(Relation(COORDINATOR, _("Koordinator for personen"), unit_ids, shared))
    participation = Participant.objects.filter(
        plan__person=person, plan__status__in=OPEN_PLAN, user=user
    ).first()
    if participation is not None:
        unit_ids = units | ({participation.unit_id} if participation.unit_id else set())
        found.append(
            Relation(PLAN_PARTICIPANT, _("Deltaker i personens individuelle plan"), unit_ids)
        )
    for extra in EXTRA_RELATIONS:
        if extra.holds(user, person):
            found.append(Relation(extra.basis, str(extra.label), units))
    service = (
        Service.objects.filter(
            Service.active_on(timezone.localdate()),
            person=person,
            unit_id__in=units,
            basis=Service.Basis.DECISION,
        )
        .select_related("unit")
        .first()
    )
    if service is not None:
        found.append(
            Relation(
                SERVICE,
                _("Enheten %(unit)s gir tjeneste etter vedtak") % {"unit": service.unit},
                units,
            )
        )
    if Role.COORDINATING_UNIT in _roles(user) and (
        person.plans.exists() or person.coordinator_assignments.exists()
    ):
        found.append(
            Relation(
                COORDINATING_UNIT,
                _("Koordinerende enhet (hol. § 7-3)"),
                units,
                frozenset({Category.PLAN}),
            )
        )
    return found


def _active_emergency(user, person: Person):
    return (
        EmergencyAccess.objects.filter(user=user, person=person, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def is_blocked(user, person: Person) -> bool:
    return AccessBlock.objects.filter(
        person=person, staff_user=user, lifted_at__isnull=True
    ).exists()


def _representative_decision(user, person, action, category) -> Decision | None:
    for representation in REPRESENTATIONS:
        found = representation.decide(user, person, action, category)
        if found is not None:
            return found
    return None


def _represents_anyone(user) -> bool:
    return any(r.represents_anyone(user) for r in REPRESENTATIONS)


def _category_label(category: str) -> str:
    if category == BASIC:
        return _("Grunnopplysninger")
    return str(dict(Category.choices).get(category, category))


def _decide_category(person, relations, category, owner_unit, user) -> Decision:
    first = relations[0]
    if category == BASIC:
        return Decision(True, first.basis, first.detail)
    if category in UNIT_CATEGORIES and owner_unit is not None:
        owner_id = getattr(owner_unit, "pk", owner_unit)
        if owner_id in _unit_ids(user):
            return Decision(
                True, first.basis, _("%(d)s; egen enhets opplysninger") % {"d": first.detail}
            )
    for relation in relations:
        if category in relation.own_categories:
            return Decision(True, relation.basis, relation.detail)
    for relation in relations:
        consent = covering_consent(person.pk, relation.unit_ids, category)
        if consent is not None:
            return Decision(
                True,
                relation.basis,
                _("%(d)s; samtykke gyldig til %(to)s")
                % {"d": relation.detail, "to": consent.valid_to.strftime("%d.%m.%Y")},
                consent_id=consent.pk,
            )
    return Decision(
        False,
        first.basis,
        _(
            "Personen har ikke gitt gyldig samtykke til at enheten din får opplysninger "
            "i kategorien «%(category)s»."
        )
        % {"category": _category_label(category)},
    )


def decide(
    user, person: Person, action: str, category: str = Category.PLAN, owner_unit=None
) -> Decision:
    """The gate's decision and the basis it found or lacked. Does not log."""
    if not user.is_authenticated:
        return Decision(False, NONE, _("Du er ikke logget inn."))
    own = getattr(user, "person", None)
    if own is not None and own.pk == person.pk:
        return Decision(True, SELF, _("Egne opplysninger"))
    staff = _staff(user)
    # Staff act on their staff rules only, even if they are also someone's proxy.
    represented = None if staff else _representative_decision(user, person, action, category)
    if represented is not None:
        return represented
    if staff is None or staff.municipality_id != person.municipality_id:
        return Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))
    if not has_case_role(user):
        return Decision(False, NONE, _("Rollen din gir ikke tilgang til personopplysninger."))
    if _found("blocked", user, person, is_blocked):
        decision = Decision(False, BLOCKED, _("Sperret av personen"))
    else:
        relations = _found("relations", user, person, _relations)
        decision = (
            _decide_category(person, relations, category, owner_unit, user)
            if relations
            else Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))
        )
    if decision.granted:
        return decision
    emergency = _active_emergency(user, person)
    if emergency is not None:
        blocked = _(" Personen har sperret deg.") if decision.basis == BLOCKED else ""
        return Decision(
            True,
            EMERGENCY,
            _("Nødtilgang til %(until)s: %(reason)s")
            % {
                "until": timezone.localtime(emergency.expires_at).strftime("%d.%m.%Y %H:%M"),
                "reason": emergency.reason[:200],
            }
            + blocked,
            emergency_id=emergency.pk,
        )
    return decision


# --- logging -------------------------------------------------------------------


def _who(user) -> tuple[str, str]:
    memberships = _memberships(user)
    role = ", ".join(sorted({m.get_role_display() for m in memberships}))[:100]
    unit = ", ".join(sorted({m.unit.name for m in memberships}))[:200]
    return role, unit


def log(user, person: Person, action: str, decision: Decision, category="", what=""):
    role, unit = _who(user)
    emergency = decision.emergency_id is not None
    return AccessLogEntry.objects.create(
        municipality_id=person.municipality_id,
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        role=role,
        unit=unit,
        person=person,
        action=action,
        category=category,
        what=what[:200],
        basis=decision.basis,
        basis_detail=decision.detail[:300],
        granted=decision.granted,
        emergency=emergency,
        emergency_access_id=decision.emergency_id,
        consent_id=decision.consent_id,
        flagged=emergency or not decision.granted,
    )


def check(
    user, person: Person, action: str, category=Category.PLAN, what="", owner_unit=None
) -> Decision:
    decision = decide(user, person, action, category, owner_unit)
    log(user, person, action, decision, category, what)
    return decision


def person_for(
    request, person_id, action=Action.VIEW, category=Category.PLAN, what="", owner_unit=None
) -> Person:
    """The person, if the user may; otherwise 404 (unknown, or outside their
    municipality) or 403 with the gate's reason. Every decision is logged."""
    user = request.user
    staff = _staff(user)
    own = getattr(user, "person", None) if user.is_authenticated else None
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("Fant ikke personen.")) from error
    representative = own is None and staff is None and _represents_anyone(user)
    if (
        own is None
        and not representative
        and (staff is None or staff.municipality_id != person.municipality_id)
    ):
        if staff is None:
            raise PermissionDenied(_("Du har ikke tilgang til personopplysninger."))
        raise Http404(_("Fant ikke personen."))
    decision = check(user, person, action, category, what, owner_unit)
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne personen: %(reason)s") % {"reason": decision.detail}
        )
    return person


def person_for_kwarg(
    request, kwarg: str, value, action=Action.VIEW, category=Category.PLAN, what="", owner_unit=None
) -> Person:
    """``person_for`` for an id of person-owned data registered in
    ``helhet.access.registry`` (e.g. ``"meeting_id"``); 404 for an unknown id."""
    person_id = registry.person_id_for(kwarg, value)
    if person_id is None:
        raise Http404(_("Fant ikke opplysningen."))
    return person_for(request, person_id, action, category, what, owner_unit)


def accessible_persons(user) -> QuerySet[Person]:
    """Persons the user has a relation to (or emergency access to); search
    never reveals that anyone else exists."""
    staff = _staff(user)
    if staff is None:
        own = getattr(user, "person", None) if user.is_authenticated else None
        return Person.objects.filter(pk=own.pk) if own else Person.objects.none()
    if not has_case_role(user):
        return Person.objects.none()
    today = timezone.localdate()
    # Subqueries, not joins: a person with many plans or services stays one row.
    coordinated = CoordinatorAssignment.objects.filter(coordinator=user, ended_on__isnull=True)
    relation = (
        Q(pk__in=coordinated.values("person_id"))
        | Q(
            pk__in=IndividualPlan.objects.filter(
                participants__user=user, status__in=OPEN_PLAN
            ).values("person_id")
        )
        | Q(
            pk__in=Service.objects.filter(
                Service.active_on(today), unit_id__in=_unit_ids(user), basis=Service.Basis.DECISION
            ).values("person_id")
        )
        | Q(
            pk__in=EmergencyAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values(
                "person_id"
            )
        )
    )
    for extra in EXTRA_RELATIONS:
        relation |= Q(pk__in=extra.person_ids(user))
    if Role.COORDINATING_UNIT in _roles(user):
        relation |= Q(pk__in=IndividualPlan.objects.values("person_id")) | Q(
            pk__in=CoordinatorAssignment.objects.values("person_id")
        )
    return Person.objects.filter(relation, municipality_id=staff.municipality_id).exclude(
        pk__in=_blocking(user).values("person_id")
    )


def _blocking(user) -> QuerySet[AccessBlock]:
    """Blocks that hide a person from the user: a person who blocked the user is
    not theirs to find, unless under emergency access."""
    return AccessBlock.objects.filter(staff_user=user, lifted_at__isnull=True).exclude(
        person_id__in=EmergencyAccess.objects.filter(
            user=user, expires_at__gt=timezone.now()
        ).values("person_id")
    )


def accessible_plans(user, plans: QuerySet[IndividualPlan]) -> QuerySet[IndividualPlan]:
    """``plans`` narrowed to persons in ``accessible_persons(user)``.

    The same answer, in a far simpler query for the coordinating unit: it has a
    relation to every person with a plan in its municipality (hol. § 7-3), so
    only blocks remain to be checked. Its overview of every plan is where the
    general subquery was the cost (docs/performance.md).
    """
    staff = _staff(user)
    if staff is not None and has_case_role(user) and Role.COORDINATING_UNIT in _roles(user):
        return plans.filter(person__municipality_id=staff.municipality_id).exclude(
            person_id__in=_blocking(user).values("person_id")
        )
    # EXISTS, not IN: SQLite then checks the gate's conditions for the persons
    # with plans only, not for every person of the municipality.
    return plans.filter(Exists(accessible_persons(user).filter(pk=OuterRef("person_id"))))


def log_many(
    user,
    persons,
    action: str,
    what: str,
    category=Category.PLAN,
    basis: str = LIST,
    detail: str | None = None,
) -> None:
    """Log one granted access per person shown in a list or search (one statement)."""
    if _staff(user) is None:
        return
    role, unit = _who(user)
    detail = (detail or _("Vist i liste med tjenstlig relasjon"))[:300]
    connection = connections[router.db_for_write(AccessLogEntry)]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    same = (user.pk, user.get_username(), role, unit, action, category, what[:200], basis, detail)
    rows = [(at, p.municipality_id, p.pk, *same) for p in persons]
    # Multi-row INSERTs without model instances: a list page logs every row it
    # shows (pjl § 16), and fifty instances through bulk_create cost the
    # coordinating unit's overview several milliseconds (docs/performance.md).
    # One transaction: in autocommit each batch would be a commit of its own.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(rows), _LOG_MANY_BATCH):
            batch = rows[start : start + _LOG_MANY_BATCH]
            values = ", ".join([_LOG_MANY_ROW] * len(batch))
            cursor.execute(f"{_LOG_MANY_SQL} {values}", [v for row in batch for v in row])


_LOG_MANY_COLUMNS = (
    "at",
    "municipality_id",
    "person_id",
    "user_id",
    "username",
    "role",
    "unit",
    "action",
    "category",
    "what",
    "basis",
    "basis_detail",
)
# A list row is granted, not an emergency and not flagged (the constants).
_LOG_MANY_SQL = (
    f"INSERT INTO {AccessLogEntry._meta.db_table} "
    f"({', '.join(_LOG_MANY_COLUMNS)}, granted, emergency, flagged) VALUES"
)
_LOG_MANY_ROW = f"({', '.join(['%s'] * len(_LOG_MANY_COLUMNS))}, TRUE, FALSE, FALSE)"
# SQLite allows 999 parameters in one statement.
_LOG_MANY_BATCH = 999 // len(_LOG_MANY_COLUMNS)


# --- emergency access ("break the glass") -----------------------------------------


class EmergencyRefused(Exception):
    pass


def grant_emergency(user, person: Person, reason: str) -> EmergencyAccess:
    """Time-limited access with a written reason, logged and flagged."""
    reason = (reason or "").strip()
    if len(reason) < EMERGENCY_REASON_MIN:
        raise EmergencyRefused(
            _("Skriv en begrunnelse på minst %(n)s tegn.") % {"n": EMERGENCY_REASON_MIN}
        )
    if len(reason) > EMERGENCY_REASON_MAX:
        raise EmergencyRefused(
            _("Begrunnelsen kan være på høyst %(n)s tegn.") % {"n": EMERGENCY_REASON_MAX}
        )
    staff = _staff(user)
    if staff is None or staff.municipality_id != person.municipality_id:
        raise EmergencyRefused(_("Fant ikke personen."))
    if not has_case_role(user):
        raise EmergencyRefused(_("Rollen din gir ikke adgang til nødtilgang."))
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        municipality_id=person.municipality_id,
        user=user,
        person=person,
        reason=reason,
        granted_at=now,
        expires_at=now + EMERGENCY_DURATION,
    )
    log(
        user,
        person,
        Action.EMERGENCY,
        Decision(
            True, EMERGENCY, _("Nødtilgang gitt: %(r)s") % {"r": reason[:200]}, None, grant.pk
        ),
        BASIC,
        _("nødtilgang innvilget"),
    )
    for hook in EMERGENCY_HOOKS:
        hook(grant)
    return grant


def case_units(user) -> list:
    """The units (objects, from the cached memberships) where the user works in
    a case role; lets an app's relation skip its queries for users in units
    that never hold its cases."""
    return [m.unit for m in _memberships(user) if m.role in CASE_ROLES]
