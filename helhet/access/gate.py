"""The access gate: the one place that decides whether a user may touch a
person's data, and logs the decision (hpl §§ 21–22, fvl § 13, pjl §§ 16–18,
GDPR art. 9).

Views never query ``Person`` or plans directly; they ask this module, which
returns the object or raises (and logs either way).

What is guaranteed
------------------
* **One decider.** Every lawful basis is registered here (``register_basis``;
  ``register_relation`` for plain person relations) and decided here. Blocks,
  municipality, category, action and logging apply to every basis alike. No
  app grants after the gate said no; an app rule may only *narrow* a grant
  (intake's ``rule=``), and its refusal is logged as refused.
* **Actions, not just reading.** A basis says what it allows (``Relation.actions``):
  ``READ`` (view, list, search, export, print), ``CHANGE`` (+ edit) and the
  administrative acts in ``ADMINISTRATIVE`` (offer, close/reopen, sign, start,
  register/withdraw consent, register guardian). Emergency access never opens
  an administrative act.
* **Lists show what the page would.** ``accessible_persons(user, category=...)`` and
  ``accessible_plans(user, plans, category=...)`` answer as ``decide`` would for that
  category; ``log_many`` records the category really shown.
* **Who reads the access log**: ``decide_access_log`` (below).

The bases (``BASES``; ``helhet access-explain`` lists them all)
--------------------------------------------------------------
Built in, strongest first:

* ``egen``: the person themself (their own portal login) — everything;
* ``representant``: a proxy or guardian, decided by the portal
  (``register_representation``) on the representation's rights — through here,
  so the decision and its log entry stay here;
* ``koordinator``: named coordinator (hol § 7-2) — read, change, offer, close,
  consent acts;
* ``plandeltaker``: participant in the person's open plan (forskrift § 19 b) —
  read, change, consent acts;
* ``ansvarsgruppe`` (cooperation, ``register_relation``): member of the
  responsibility group — read, change, consent acts;
* ``tjeneste_vedtak``: one of the user's units gives the person a service by
  individual decision — read, change, **offer** a plan (the duty to offer lies
  with every service that sees the need), consent acts; *not* close;
* ``koordinerende_enhet``: the coordinating unit, for persons with a plan or a
  coordinator case (hol § 7-3) — read, change, offer, close, consent acts,
  register a guardian.

Registered by intake (``helhet/intake/access.py``); all but the first hold
only with the record as ``subject``:

* ``soknad_til_enhet``: an application addressed to the user's unit (fvl §§ 11a,
  17); with the application as subject its own category is read on this basis;
* ``vedtak_medsignatur``: the head of the deciding unit, on its decision, not
  their own — read, **sign**;
* ``utforende_enhet``: the providing unit of a signed decision — read, **start**;
* ``koordinatoransvar_enhet``: the head of the unit given coordinator
  responsibility, on that request; ``eskalert_kommunalsjef``: the head of
  sector, on an escalated request.

Only memberships in *case roles* (``CASE_ROLES``) count for unit-based
relations (the head of sector counts only on an escalated request).
Memberships are loaded in one place, ``organisation.services.memberships_of``. System
administrators, auditors, quality officers and heads of sector have no person
access by default.

Administrative acts other apps ask for
--------------------------------------
``check(user, person, Action.REGISTER_CONSENT, category=BASIC, what=...)`` (and
``WITHDRAW_CONSENT``): granted on a *case relation* — coordinator, plan
participant, responsibility group, service by decision, the coordinating unit,
or intake's unit processing an application of the person — never on emergency
access alone, never when the person blocked the user.
``check(user, person, Action.REGISTER_GUARDIAN, category=BASIC, what=...)``: only the
coordinating unit, or a unit head (``Role.LEADER``) of a unit through which
the user has a case relation (the unit giving the service, the unit the user
takes part in the plan for, the unit the application is addressed to).
``check`` logs the decision either way; refuse with 403 when not granted.

Crossing units
--------------
Information that crosses a unit boundary needs a valid consent
(``consent.ConsentScope``) naming one of the user's units and the category:

* ``grunndata`` (``BASIC``): who the person is and how to reach them. Part of
  every relation's own work; no consent needed.
* ``plan`` and ``samarbeid``: shared across units by nature. The coordinator
  and, for ``plan``, the coordinating unit read them without a consent.
  Everyone else needs a consent covering their unit for that category
  (§ 19 h: consent to the participants' access).
* ``helse``, ``sosial``, ``kartlegging``: recorded by one unit. The caller
  passes ``owner_unit``. A user in that unit reads their own unit's records on
  their relation alone; anyone else needs a consent. Without ``owner_unit`` the
  records are treated as another unit's (the safe side).

Emergency access ("break the glass", ``grant_emergency``): with a written
reason, a user in a case role gets two hours' access to one person for reading
and recording, relation or consent or not; every access in the window is
logged with ``emergency=True`` and flagged. Apps may be told of each grant
(``register_emergency_hook``).

Blocking (``AccessBlock``): the person may block a named staff member. The
gate then refuses that member whatever their basis ("Sperret av personen"),
and leaves the person off their lists (``blocked_person_ids``); only emergency
access still opens (reading), and is flagged.

Every refusal and every emergency access is flagged (hpl § 21a). Another
municipality's persons do not exist for the user (404, not logged).

Calling the gate
----------------
* a page about one person: ``person_for(request, person_id, action, category=...,
  what=..., owner_unit=..., subject=...)`` returns the Person or raises
  404/403 (logged);
* a page about person-owned data by its own id: ``person_for_kwarg(request,
  "meeting_id", meeting_id, ...)`` (the kwarg registered in ``registry``);
* lists and search: ``accessible_persons(user, category=...)`` (or, for lists of
  plans, ``accessible_plans(user, plans, category=...)``), then ``log_many(...,
  category=...)`` for the persons shown, with the category shown;
* a list whose rows need a decision of their own (another unit's records, by
  ``owner_unit``): ``decide_many(user, persons, action, category=...,
  owner_unit=...)`` — per person exactly ``decide``'s answer, in a constant
  number of queries — then ``log_many`` for the rows shown; never ``decide``
  in a loop over rows;
* a decision the view makes itself: ``check(...)`` (decide and log), or
  ``decide(...)`` plus ``log(...)``; a button shown or hidden may use
  ``decide`` alone (the act itself asks again and logs);
* a person's access log: ``access_log_for(request, person_id)``.
"""

import contextlib
import contextvars
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhet.access import registry
from helhet.access.models import AccessBlock, AccessLogEntry, Action, EmergencyAccess
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.consent.services import COVERING_ORDER, covering_consent, valid_q
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, StaffMember, Unit
from helhet.organisation.services import memberships_of, roles_of
from helhet.people.models import Person, Service
from helhet.plans.models import OPEN_STATUSES, IndividualPlan, Participant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Who asks: ``request.user``, logged in or not. The bases are asked only for
# staff, and a member of staff is always a ``User``.
AnyUser: TypeAlias = User | AnonymousUser
# The record a question is about (an application, a decision, a coordinator
# request), for bases that hold for one record only.
Subject: TypeAlias = Model | None

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

# What a basis allows (``Action``). Reading covers every way of showing data;
# changing adds editing; administrative acts are named one by one, so a basis
# that lets a unit read the plan does not let it close the plan.
READ = frozenset(
    {Action.VIEW, Action.LIST, Action.SEARCH, Action.EXPORT, Action.PRINT, Action.EMERGENCY}
)
CHANGE = READ | {Action.EDIT}
# Registering or withdrawing a consent on the person's behalf: staff with a
# case relation only (never emergency access alone).
CONSENT_ACTS = frozenset({Action.REGISTER_CONSENT, Action.WITHDRAW_CONSENT})
ADMINISTRATIVE = frozenset(
    {
        Action.OFFER,
        Action.CLOSE,
        Action.SIGN,
        Action.START,
        Action.REGISTER_CONSENT,
        Action.WITHDRAW_CONSENT,
        Action.REGISTER_GUARDIAN,
    }
)
# Acts that change who may see the person's data (docs/consent.md): flagged for
# the leader even when a member of staff is granted them.
PRIVILEGED_ACTIONS = CONSENT_ACTS | {Action.REGISTER_GUARDIAN}


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
    # The units a consent must name for this relation (the user's case units,
    # and e.g. the unit a participant takes part for).
    unit_ids: frozenset[int]
    # Categories this relation reads without a consent (statutory roles).
    own_categories: frozenset[str] = frozenset()
    # What the relation allows (``Action``s); see READ, CHANGE, ADMINISTRATIVE.
    actions: frozenset[str] = CHANGE
    # The units through which the relation holds (the service's unit, the
    # unit a participant or coordinator acts for): a unit head (Role.LEADER)
    # of one of them may register a guardian.
    via_unit_ids: frozenset[int] = frozenset()


# ``find(user, person, subject)``: the relation, if the basis holds.
FindRelation: TypeAlias = Callable[[User, Person, Subject], Relation | None]
# ``person_ids(user)``: a queryset of the persons' ids (``.values("person_id")``).
PersonIds: TypeAlias = Callable[[User], "QuerySet[Any, Any]"]
# ``find_many(user, persons, subject)``: ``find`` for many persons at once, in
# a constant number of queries: the relation per person id it holds for.
FindRelations: TypeAlias = Callable[[User, Sequence[Person], Subject], dict[int, Relation]]


@dataclass(frozen=True)
class Basis:
    """A lawful basis the gate decides on.

    ``find(user, person, subject) -> Relation | None``: the relation, if the
    basis holds. ``subject`` is the record the question is about (an
    application, a decision, a coordinator request) or None; a basis that
    concerns one record only holds when given it.
    ``person_ids(user)``: the persons the basis holds for without a subject
    (a queryset of ids, for lists), or None when it holds for single records only.
    ``find_many(user, persons, subject)``: exactly ``find`` for each person, in
    a constant number of queries (``decide_many``); without it ``decide_many``
    asks ``find`` person by person (for the persons in ``person_ids`` only,
    when there is no subject).
    """

    code: str
    label: "StrOrPromise"
    find: FindRelation
    person_ids: PersonIds | None = None
    rank: int = 50
    find_many: FindRelations | None = None


BASES: list[Basis] = []


@dataclass(frozen=True)
class Representation:
    # (user, person, action, category) -> Decision | None: the representative's
    # decision, granted or refused, or None when the user represents nobody here.
    decide: Callable[[AnyUser, Person, str, str], Decision | None]
    # (user) -> bool: the user represents someone at all.
    represents_anyone: Callable[[AnyUser], bool]


class ListedPerson(Protocol):
    """What ``log_many`` needs of a person shown in a list: a Person, or a row
    read without one."""

    @property
    def pk(self) -> int: ...

    @property
    def municipality_id(self) -> int: ...


class EmergencyHook(Protocol):
    """Told of each emergency access granted (``register_emergency_hook``)."""

    def __call__(self, *, grant: EmergencyAccess) -> None: ...


REPRESENTATIONS: list[Representation] = []
EMERGENCY_HOOKS: list[EmergencyHook] = []


def register_basis(
    *,
    code: str,
    label: "StrOrPromise",
    find: FindRelation,
    person_ids: PersonIds | None = None,
    rank: int = 50,
    find_many: FindRelations | None = None,
) -> None:
    """Register a lawful basis (see ``Basis``). The gate asks every basis, and
    applies blocks, municipality, category, action and logging to all alike;
    no app decides after the gate. Registering a code again replaces it."""
    basis = Basis(code, label, find, person_ids, rank, find_many)
    BASES[:] = sorted([b for b in BASES if b.code != code] + [basis], key=lambda b: b.rank)


def unregister_basis(code: str) -> None:
    BASES[:] = [b for b in BASES if b.code != code]


def register_relation(
    *,
    basis: str,
    label: "StrOrPromise",
    holds: Callable[[User, Person], bool],
    person_ids: PersonIds,
    actions: frozenset[str] = CHANGE | CONSENT_ACTS,
) -> None:
    """Let another app add a relation to the person, e.g. membership of a
    responsibility group. Such a relation works like plan participation: it
    opens ``grunndata``, and crossing categories still need a consent covering
    the user's unit. ``holds(user, person) -> bool`` must hold exactly for the
    persons in ``person_ids(user)``: lists (``accessible_persons``,
    ``decide_many``) ask the latter."""

    def relation(user: User) -> Relation:
        return Relation(basis, str(label), frozenset(_unit_ids(user)), actions=actions)

    def find(user: User, person: Person, subject: Subject) -> Relation | None:
        if not has_case_role(user) or not holds(user, person):
            return None
        return relation(user)

    def find_many(user: User, persons: Sequence[Person], subject: Subject) -> dict[int, Relation]:
        if not has_case_role(user):
            return {}
        held = Person.objects.filter(pk__in=[p.pk for p in persons]).filter(pk__in=person_ids(user))
        return {pk: relation(user) for pk in held.order_by().values_list("pk", flat=True)}

    register_basis(
        code=basis, label=label, find=find, person_ids=person_ids, rank=30, find_many=find_many
    )


def register_representation(
    *,
    decide: Callable[[AnyUser, Person, str, str], Decision | None],
    represents_anyone: Callable[[AnyUser], bool],
) -> None:
    """Let the portal decide for proxies and guardians (see the module docstring)."""
    REPRESENTATIONS[:] = [Representation(decide, represents_anyone)]


def register_emergency_hook(hook: EmergencyHook) -> None:
    """``hook(grant=grant)`` is called after each emergency access is granted."""
    if hook not in EMERGENCY_HOOKS:
        EMERGENCY_HOOKS.append(hook)


# --- who the user is -------------------------------------------------------------


def _staff(user: AnyUser) -> StaffMember | None:
    staff: StaffMember | None = getattr(user, "staff", None) if user.is_authenticated else None
    return staff


def _unit_ids(user: AnyUser) -> set[int]:
    """Units where the user works in a case role: the units consent is given to."""
    return {m.unit_id for m in memberships_of(user=user) if m.role in CASE_ROLES}


def unit_ids(user: AnyUser, *, roles: Iterable[str] | None = None) -> set[int]:
    """Units where the user holds one of ``roles`` (any role when None)."""
    return {m.unit_id for m in memberships_of(user=user) if roles is None or m.role in roles}


def has_role(user: AnyUser, role: str) -> bool:
    return role in roles_of(user=user)


def case_unit_ids(user: AnyUser) -> set[int]:
    """The units whose own records the user reads on their relation alone."""
    return _unit_ids(user)


def has_case_role(user: AnyUser) -> bool:
    return bool(roles_of(user=user) & CASE_ROLES)


# --- the built-in bases ----------------------------------------------------------


# Each built-in basis answers for one person (``find``) and for a list
# (``find_many``, for ``decide_many``) from the same rows in the same order, so
# both give the same relation: ``find`` is ``find_many`` for one person where the
# query is the same. The order ends in the primary key, so ties (two assignments
# offered the same day) are broken alike.
_ASSIGNMENT_ORDER = ("-offered_on", "pk")
_SERVICE_ORDER = ("valid_from", "pk")
# A service relation names the first service and counts at most this many.
_SERVICES_SEEN = 20


def _ids(persons: Sequence[Person]) -> list[int]:
    return [p.pk for p in persons]


def _coordinator_relation(user: User, assignment_unit_id: int | None) -> Relation:
    via = frozenset({assignment_unit_id} if assignment_unit_id else set())
    return Relation(
        COORDINATOR,
        _("Koordinator for personen"),
        frozenset(_unit_ids(user)) | via,
        frozenset(SHARED_CATEGORIES),
        # hol. § 7-2: the coordinator drives the plan, offers, closes and reopens it.
        CHANGE | CONSENT_ACTS | {Action.OFFER, Action.CLOSE},
        via,
    )


def _coordinator(user: User, person: Person, subject: Subject) -> Relation | None:
    return _coordinator_many(user, [person], subject).get(person.pk)


def _coordinator_many(
    user: User, persons: Sequence[Person], subject: Subject
) -> dict[int, Relation]:
    if not has_case_role(user):
        return {}
    first: dict[int, int | None] = {}
    rows = (
        CoordinatorAssignment.objects.filter(
            coordinator=user, ended_on__isnull=True, person_id__in=_ids(persons)
        )
        .order_by(*_ASSIGNMENT_ORDER)
        .values_list("person_id", "unit_id")
    )
    for person_id, unit_id in rows:
        first.setdefault(person_id, unit_id)
    return {pk: _coordinator_relation(user, unit_id) for pk, unit_id in first.items()}


def _participant_relation(user: User, participation_unit_id: int | None) -> Relation:
    via = frozenset({participation_unit_id} if participation_unit_id else set())
    return Relation(
        PLAN_PARTICIPANT,
        _("Deltaker i personens individuelle plan"),
        frozenset(_unit_ids(user)) | via,
        actions=CHANGE | CONSENT_ACTS,
        via_unit_ids=via,
    )


def _participant(user: User, person: Person, subject: Subject) -> Relation | None:
    return _participant_many(user, [person], subject).get(person.pk)


def _participant_many(
    user: User, persons: Sequence[Person], subject: Subject
) -> dict[int, Relation]:
    if not has_case_role(user):
        return {}
    first: dict[int, int | None] = {}
    rows = (
        Participant.objects.filter(
            plan__person_id__in=_ids(persons), plan__status__in=OPEN_STATUSES, user=user
        )
        .order_by("pk")
        .values_list("plan__person_id", "unit_id")
    )
    for person_id, unit_id in rows:
        first.setdefault(person_id, unit_id)
    return {pk: _participant_relation(user, unit_id) for pk, unit_id in first.items()}


def _service_relation(units: set[int], services: list[Service]) -> Relation:
    return Relation(
        SERVICE,
        _("Enheten %(unit)s gir tjeneste etter vedtak") % {"unit": services[0].unit},
        frozenset(units),
        # The duty to offer a plan lies with every service that sees the need
        # (hol. § 7-1, forskrift § 16); closing it is the coordinator's.
        actions=CHANGE | CONSENT_ACTS | {Action.OFFER},
        via_unit_ids=frozenset(s.unit_id for s in services),
    )


def _services(units: set[int]) -> QuerySet[Service]:
    return (
        Service.objects.filter(
            Service.active_on(timezone.localdate()),
            unit_id__in=units,
            basis=Service.Basis.DECISION,
        )
        .select_related("unit")
        .order_by(*_SERVICE_ORDER)
    )


def _service(user: User, person: Person, subject: Subject) -> Relation | None:
    return _service_many(user, [person], subject).get(person.pk)


def _service_many(user: User, persons: Sequence[Person], subject: Subject) -> dict[int, Relation]:
    units = _unit_ids(user)
    if not units:
        return {}
    found: dict[int, list[Service]] = {}
    for service in _services(units).filter(person_id__in=_ids(persons)):
        seen = found.setdefault(service.person_id, [])
        if len(seen) < _SERVICES_SEEN:
            seen.append(service)
    return {pk: _service_relation(units, services) for pk, services in found.items()}


def _coordinating_unit_relation(user: User) -> Relation:
    return Relation(
        COORDINATING_UNIT,
        _("Koordinerende enhet (hol. § 7-3)"),
        frozenset(_unit_ids(user)),
        frozenset({Category.PLAN}),
        CHANGE | CONSENT_ACTS | {Action.OFFER, Action.CLOSE, Action.REGISTER_GUARDIAN},
        frozenset(unit_ids(user, roles={Role.COORDINATING_UNIT})),
    )


def _coordinating_unit(user: User, person: Person, subject: Subject) -> Relation | None:
    if not (has_case_role(user) and Role.COORDINATING_UNIT in roles_of(user=user)):
        return None
    if not (person.plans.exists() or person.coordinator_assignments.exists()):
        return None
    return _coordinating_unit_relation(user)


def _coordinating_unit_many(
    user: User, persons: Sequence[Person], subject: Subject
) -> dict[int, Relation]:
    if not (has_case_role(user) and Role.COORDINATING_UNIT in roles_of(user=user)):
        return {}
    with_case = (
        Person.objects.filter(pk__in=_ids(persons))
        .filter(
            Q(pk__in=IndividualPlan.objects.values("person_id"))
            | Q(pk__in=CoordinatorAssignment.objects.values("person_id"))
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    return {pk: _coordinating_unit_relation(user) for pk in with_case}


def _coordinated_ids(user: User) -> QuerySet[Any, Any]:
    return CoordinatorAssignment.objects.filter(coordinator=user, ended_on__isnull=True).values(
        "person_id"
    )


def _participating_ids(user: User) -> QuerySet[Any, Any]:
    return IndividualPlan.objects.open().filter(participants__user=user).values("person_id")


def _service_ids(user: User) -> QuerySet[Any, Any]:
    return Service.objects.filter(
        Service.active_on(timezone.localdate()),
        unit_id__in=_unit_ids(user),
        basis=Service.Basis.DECISION,
    ).values("person_id")


register_basis(
    code=COORDINATOR,
    label=gettext_lazy("Koordinator for personen"),
    find=_coordinator,
    person_ids=_coordinated_ids,
    rank=10,
    find_many=_coordinator_many,
)
register_basis(
    code=PLAN_PARTICIPANT,
    label=gettext_lazy("Deltaker i individuell plan"),
    find=_participant,
    person_ids=_participating_ids,
    rank=20,
    find_many=_participant_many,
)
register_basis(
    code=SERVICE,
    label=gettext_lazy("Tjeneste etter vedtak"),
    find=_service,
    person_ids=_service_ids,
    rank=40,
    find_many=_service_many,
)
# Its persons are listed by ``accessible_persons`` directly (every person with
# a plan or a coordinator case: one simple condition, docs/performance.md).
register_basis(
    code=COORDINATING_UNIT,
    label=gettext_lazy("Koordinerende enhet"),
    find=_coordinating_unit,
    person_ids=None,
    rank=45,
    find_many=_coordinating_unit_many,
)


# --- the decision ------------------------------------------------------------------


# Set by ``same_request``: what was found about a (user, person) pair so far.
_FOUND: contextvars.ContextVar[dict[tuple[object, ...], Any] | None] = contextvars.ContextVar(
    "gate_found", default=None
)


@contextlib.contextmanager
def same_request() -> Iterator[None]:
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


def _subject_key(subject: Subject) -> tuple[str, object] | None:
    if subject is None:
        return None
    return (type(subject).__name__, getattr(subject, "pk", id(subject)))


def _found(
    what: str, user: User, person: Person, lookup: Callable[..., Any], subject: Subject = None
) -> Any:
    found = _FOUND.get()
    if found is None:
        return lookup(user, person, subject) if what == "relations" else lookup(user, person)
    key = (what, user.pk, person.pk, _subject_key(subject))
    if key not in found:
        found[key] = lookup(user, person, subject) if what == "relations" else lookup(user, person)
    return found[key]


def _relations(user: User, person: Person, subject: Subject = None) -> list[Relation]:
    """Every registered basis that holds, strongest first."""
    found = []
    for basis in BASES:
        relation = basis.find(user, person, subject)
        if relation is not None:
            found.append(relation)
    return found


def relations(user: User, person: Person, *, subject: Subject = None) -> list[Relation]:
    """The bases that hold for the user and the person (``access-explain``)."""
    return _relations(user, person, subject)


def _active_emergency(user: User, person: Person) -> EmergencyAccess | None:
    return (
        EmergencyAccess.objects.filter(user=user, person=person, expires_at__gt=timezone.now())
        .order_by(*_EMERGENCY_ORDER)
        .first()
    )


# The latest-ending grant is the one a decision names; the id breaks ties alike
# in ``decide`` and ``decide_many``.
_EMERGENCY_ORDER = ("-expires_at", "-pk")


def is_blocked(user: User, person: Person) -> bool:
    return AccessBlock.objects.filter(
        person=person, staff_user=user, lifted_at__isnull=True
    ).exists()


def _representative_decision(
    user: AnyUser, person: Person, action: str, category: str
) -> Decision | None:
    for representation in REPRESENTATIONS:
        found = representation.decide(user, person, action, category)
        if found is not None:
            return found
    return None


def represented_decision(
    user: AnyUser, person: Person, *, action: str = Action.VIEW, category: str = BASIC
) -> Decision | None:
    """The portal's decision for a proxy or guardian, or None (``access-explain``)."""
    return _representative_decision(user, person, action, category)


def _represents_anyone(user: AnyUser) -> bool:
    return any(r.represents_anyone(user) for r in REPRESENTATIONS)


def _category_label(category: str) -> str:
    if category == BASIC:
        return _("Grunnopplysninger")
    return str(dict(Category.choices).get(category, category))


def _allows(user: User, relation: Relation, action: str) -> bool:
    if action == Action.REGISTER_GUARDIAN:
        # Only the coordinating unit, or the head of a unit with a case
        # relation to the person: guardianship widens access, so it is not
        # for every caseworker to register.
        return Action.REGISTER_GUARDIAN in relation.actions or bool(
            relation.via_unit_ids & unit_ids(user, roles={Role.LEADER})
        )
    return action in relation.actions


def _category_without_consent(
    relations: list[Relation], category: str, owner_unit: Unit | int | None, user: User
) -> Decision | None:
    """The decision when no consent is needed for ``category`` (the gate's
    rules 1–2, see "Crossing units"), or None when one is."""
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
    return None


def _category_by_consent(
    relations: list[Relation], category: str, covering: Callable[[Relation], Consent | None]
) -> Decision:
    """The first relation (strongest first) whose units a valid consent covers
    (``covering(relation)``), or the refusal."""
    for relation in relations:
        consent = covering(relation)
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
        relations[0].basis,
        _(
            "Personen har ikke gitt gyldig samtykke til at enheten din får opplysninger "
            "i kategorien «%(category)s»."
        )
        % {"category": _category_label(category)},
    )


def _decide_category(
    person: Person,
    relations: list[Relation],
    category: str,
    owner_unit: Unit | int | None,
    user: User,
) -> Decision:
    decision = _category_without_consent(relations, category, owner_unit, user)
    if decision is not None:
        return decision
    return _category_by_consent(
        relations,
        category,
        lambda relation: covering_consent(
            person_id=person.pk, unit_ids=relation.unit_ids, category=category
        ),
    )


def _action_label(action: str) -> str:
    return str(dict(Action.choices).get(action, action)).lower()


def decide(
    user: AnyUser,
    person: Person,
    action: str,
    *,
    category: str = Category.PLAN,
    owner_unit: Unit | int | None = None,
    subject: Subject = None,
) -> Decision:
    """The gate's decision and the basis it found or lacked. Does not log.

    ``subject``: the record the question is about, for bases that hold for one
    record (intake's application, decision or coordinator request)."""
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
    if _found("blocked", user, person, is_blocked):
        decision = Decision(False, BLOCKED, _("Sperret av personen"))
    else:
        found = _found("relations", user, person, _relations, subject)
        allowed = [r for r in found if _allows(user, r, action)]
        if allowed:
            decision = _decide_category(person, allowed, category, owner_unit, user)
        else:
            decision = _without_allowing_relation(user, found, action)
            if decision.basis == NONE and not has_case_role(user):
                return decision
    if decision.granted or action in ADMINISTRATIVE:
        # Emergency access opens reading and recording, never an
        # administrative act (offer, close, sign, start, consent, guardian).
        return decision
    return _with_emergency(decision, _active_emergency(user, person))


def decide_many(
    user: AnyUser,
    persons: Iterable[Person],
    action: str,
    *,
    category: str = Category.PLAN,
    owner_unit: Unit | int | None = None,
    subject: Subject = None,
) -> dict[int, Decision]:
    """``decide`` for every person of a list, by person id: the same decision
    (basis, detail, consent, emergency access) ``decide`` gives each, in a
    constant number of queries for staff — one per registered basis
    (``Basis.find_many``), one for blocks, one for consents and one for
    emergency access, whatever the list holds (docs/architecture.md, "The
    gate"). Does not log: log the rows shown with ``log_many``.

    Users who are not staff (the person themself, a proxy or guardian) are
    decided one by one: their lists are their own and those they represent."""
    unique = list({p.pk: p for p in persons}.values())
    if len(unique) > _DECIDE_MANY_CHUNK:
        # Ids are passed as parameters; keep each statement well inside the
        # databases' limits (SQLite 32,766, PostgreSQL 65,535).
        decided_all: dict[int, Decision] = {}
        for start in range(0, len(unique), _DECIDE_MANY_CHUNK):
            decided_all |= decide_many(
                user,
                unique[start : start + _DECIDE_MANY_CHUNK],
                action,
                category=category,
                owner_unit=owner_unit,
                subject=subject,
            )
        return decided_all
    staff = _staff(user)
    if staff is None or not user.is_authenticated:
        return {
            p.pk: decide(user, p, action, category=category, owner_unit=owner_unit, subject=subject)
            for p in unique
        }
    own = getattr(user, "person", None)
    decided: dict[int, Decision] = {}
    local: list[Person] = []
    for person in unique:
        if own is not None and own.pk == person.pk:
            decided[person.pk] = Decision(True, SELF, _("Egne opplysninger"))
        elif staff.municipality_id != person.municipality_id:
            decided[person.pk] = Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))
        else:
            local.append(person)
    if not local:
        return decided
    blocked = set(
        AccessBlock.objects.filter(
            person_id__in=_ids(local), staff_user=user, lifted_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    free = [p for p in local if p.pk not in blocked]
    found = _relations_many(user, free, subject)
    # First without consents; then, for those that need one, one query.
    pending: dict[int, list[Relation]] = {}
    final: set[int] = set()
    for person in local:
        if person.pk in blocked:
            decided[person.pk] = Decision(False, BLOCKED, _("Sperret av personen"))
            continue
        held = found.get(person.pk, [])
        allowed = [r for r in held if _allows(user, r, action)]
        if allowed:
            decision = _category_without_consent(allowed, category, owner_unit, user)
            if decision is None:
                pending[person.pk] = allowed
                continue
        else:
            decision = _without_allowing_relation(user, held, action)
            if decision.basis == NONE and not has_case_role(user):
                final.add(person.pk)
        decided[person.pk] = decision
    # The consents and emergency grants are read for the whole list, not only
    # for those who turn out to need them: the queries a list makes then
    # depend on its size and the question only, never on who is in it.
    covering: dict[int, list[tuple[int | None, Consent]]] = {}
    if category != BASIC:
        units = {u for held in found.values() for r in held for u in r.unit_ids}
        covering = _covering_consents(_ids(local), units | _unit_ids(user), category)
    for pk, allowed in pending.items():
        decided[pk] = _category_by_consent(
            allowed, category, functools.partial(_first_covering, covering, pk)
        )
    if action in ADMINISTRATIVE:
        return decided
    # Emergency access opens reading and recording for the rest (as ``decide``).
    refused = [p.pk for p in local if not decided[p.pk].granted and p.pk not in final]
    emergencies: dict[int, EmergencyAccess] = {}
    for grant in EmergencyAccess.objects.filter(
        user=user, person_id__in=_ids(local), expires_at__gt=timezone.now()
    ).order_by(*_EMERGENCY_ORDER):
        emergencies.setdefault(grant.person_id, grant)
    for pk in refused:
        decided[pk] = _with_emergency(decided[pk], emergencies.get(pk))
    return decided


_DECIDE_MANY_CHUNK = 5000


def _relations_many(
    user: User, persons: Sequence[Person], subject: Subject
) -> dict[int, list[Relation]]:
    """``_relations`` for every person: the bases that hold, strongest first."""
    found: dict[int, list[Relation]] = {}
    if not persons:
        return found
    for basis in BASES:
        if basis.find_many is not None:
            held = basis.find_many(user, persons, subject)
        else:
            candidates = list(persons)
            if basis.person_ids is not None and subject is None:
                # Without a subject the basis holds for its listed persons only.
                listed = set(
                    Person.objects.filter(pk__in=_ids(persons))
                    .filter(pk__in=basis.person_ids(user))
                    .order_by()
                    .values_list("pk", flat=True)
                )
                candidates = [p for p in persons if p.pk in listed]
            held = {}
            for person in candidates:
                relation = basis.find(user, person, subject)
                if relation is not None:
                    held[person.pk] = relation
        for pk, relation in held.items():
            found.setdefault(pk, []).append(relation)
    return found


def _covering_consents(
    person_ids: list[int], units: set[int], category: str
) -> dict[int, list[tuple[int | None, Consent]]]:
    """Per person, the valid scopes for ``category`` naming one of ``units``
    (those the relations ask a consent for): (unit, consent), in
    ``covering_consent``'s order."""
    scopes = (
        ConsentScope.objects.filter(
            valid_q(prefix="consent__"),
            consent__person_id__in=person_ids,
            unit_id__in=units,
            category=category,
        )
        .select_related("consent")
        .order_by(*COVERING_ORDER)
    )
    covering: dict[int, list[tuple[int | None, Consent]]] = {}
    for scope in scopes:
        covering.setdefault(scope.consent.person_id, []).append((scope.unit_id, scope.consent))
    return covering


def _first_covering(
    covering: dict[int, list[tuple[int | None, Consent]]], person_id: int, relation: Relation
) -> Consent | None:
    for unit_id, consent in covering.get(person_id, []):
        if unit_id in relation.unit_ids:
            return consent
    return None


def _without_allowing_relation(user: User, found: list[Relation], action: str) -> Decision:
    """The refusal when no relation found allows ``action`` (``found``: those that hold)."""
    if found:
        return Decision(
            False,
            found[0].basis,
            _("Grunnlaget ditt (%(basis)s) gir ikke rett til å %(action)s.")
            % {"basis": found[0].detail, "action": _action_label(action)},
        )
    if not has_case_role(user):
        # Final: emergency access is for case roles only (``grant_emergency``).
        return Decision(False, NONE, _("Rollen din gir ikke tilgang til personopplysninger."))
    return Decision(False, NONE, _("Ingen tjenstlig relasjon til personen."))


def _with_emergency(decision: Decision, emergency: EmergencyAccess | None) -> Decision:
    """A refused reading or recording, opened by an emergency access in force."""
    if emergency is None:
        return decision
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


# --- logging -------------------------------------------------------------------


def _who(user: AnyUser) -> tuple[str, str]:
    memberships = memberships_of(user=user)
    role = ", ".join(sorted({m.get_role_display() for m in memberships}))[:100]
    unit = ", ".join(sorted({m.unit.name for m in memberships}))[:200]
    return role, unit


def log(
    user: AnyUser,
    person: Person,
    action: str,
    decision: Decision,
    *,
    category: str = "",
    what: str = "",
) -> AccessLogEntry:
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
        flagged=emergency
        or not decision.granted
        or (action in PRIVILEGED_ACTIONS and _staff(user) is not None),
    )


def check(
    user: AnyUser,
    person: Person,
    action: str,
    *,
    category: str = Category.PLAN,
    what: str = "",
    owner_unit: Unit | int | None = None,
    subject: Subject = None,
) -> Decision:
    """Decide and log, granted or refused."""
    decision = decide(
        user, person, action, category=category, owner_unit=owner_unit, subject=subject
    )
    log(user, person, action, decision, category=category, what=what)
    return decision


def person_for(
    request: HttpRequest,
    person_id: int | str,
    action: str = Action.VIEW,
    *,
    category: str = Category.PLAN,
    what: str = "",
    owner_unit: Unit | int | None = None,
    subject: Subject = None,
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
    decision = check(
        user, person, action, category=category, what=what, owner_unit=owner_unit, subject=subject
    )
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne personen: %(reason)s") % {"reason": decision.detail}
        )
    return person


def person_for_kwarg(
    request: HttpRequest,
    kwarg: str,
    value: int | str,
    action: str = Action.VIEW,
    *,
    category: str = Category.PLAN,
    what: str = "",
    owner_unit: Unit | int | None = None,
) -> Person:
    """``person_for`` for an id of person-owned data registered in
    ``helhet.access.registry`` (e.g. ``"meeting_id"``); 404 for an unknown id."""
    person_id = registry.person_id_for(kwarg, value)
    if person_id is None:
        raise Http404(_("Fant ikke opplysningen."))
    return person_for(
        request, person_id, action, category=category, what=what, owner_unit=owner_unit
    )


def accessible_persons(user: AnyUser, *, category: str = BASIC) -> QuerySet[Person]:
    """Persons whose ``category`` the gate would open to the user (or emergency
    access opens); search never reveals that anyone else exists.

    ``category=BASIC`` (the default): every person the user has a relation to.
    A crossing category narrows it as the gate's rule 2 does, so a list shows a
    person's plan status, meetings or records only where the page would: the
    coordinator (plan, cooperation), the coordinating unit (plan), and any other
    relation only with a valid consent covering one of the user's units (or,
    for a plan participant, the unit they take part for) and that category.
    ``UNIT_CATEGORIES`` are treated as another unit's records (the safe side).
    """
    staff = _staff(user)
    if staff is None or not user.is_authenticated:
        own = getattr(user, "person", None) if user.is_authenticated else None
        return Person.objects.filter(pk=own.pk) if own else Person.objects.none()
    if not has_case_role(user):
        return Person.objects.none()
    units = _unit_ids(user)
    # Subqueries, not joins: a person with many plans or services stays one row.
    coordinated_ids, emergency_ids = _coordinated_ids(user), _emergency_ids(user)
    coordinated = Q(pk__in=coordinated_ids)
    emergency = Q(pk__in=emergency_ids)
    # Every other registered basis that lists its persons: these read crossing
    # categories only with a consent (the gate's rule 2).
    basis_ids = [b.person_ids(user) for b in BASES if b.person_ids and b.code != COORDINATOR]
    others = Q(pk__in=[])
    for ids in basis_ids:
        others |= Q(pk__in=ids)
    coordinating_unit = Q()
    if Role.COORDINATING_UNIT in roles_of(user=user):
        coordinating_unit = Q(pk__in=IndividualPlan.objects.values("person_id")) | Q(
            pk__in=CoordinatorAssignment.objects.values("person_id")
        )
    if category == BASIC:
        relation = coordinated | emergency | others | coordinating_unit
    else:
        # Any relation reads a crossing category with a covering consent.
        related = others | coordinated | coordinating_unit
        relation = emergency | (related & _consent_covers(user, units, category))
        if category in SHARED_CATEGORIES:
            relation |= coordinated
        if category == Category.PLAN and coordinating_unit:
            relation |= coordinating_unit
    persons = Person.objects.filter(relation, municipality_id=staff.municipality_id).exclude(
        pk__in=_blocking(user).values("person_id")
    )
    # Every condition above names one of these bases, so the persons they hold
    # for are the only candidates: one IN over their UNION lets the database
    # start from the user's persons instead of testing every person of the
    # municipality (docs/performance.md, the REST plan list). It narrows
    # nothing: the conditions above still decide.
    candidates = [coordinated_ids, emergency_ids, *basis_ids]
    if coordinating_unit:
        candidates += [
            IndividualPlan.objects.values("person_id"),
            CoordinatorAssignment.objects.values("person_id"),
        ]
    if not all(isinstance(c, QuerySet) for c in candidates):
        # A basis listing its persons otherwise than as a queryset (a test's
        # list of ids) cannot join the UNION; the conditions alone then decide.
        return persons
    first, *rest = (c.order_by() for c in candidates)
    return persons.filter(pk__in=first.union(*rest, all=True))


def _emergency_ids(user: User) -> QuerySet[Any, Any]:
    return EmergencyAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values(
        "person_id"
    )


def _consent_covers(user: User, units: set[int], category: str) -> Q:
    """Persons with a valid consent letting one of the user's units (or the unit
    of their participation in the person's open plan, or of their coordinator
    assignment) receive ``category``: the units ``decide`` asks a consent for.

    Three subqueries that do not refer to the outer row, so each is evaluated
    once per query (not once per person or consent): the consents naming the
    user's units, and the user's few participations and coordinator assignments
    with a consent naming their unit (docs/performance.md, the REST plan list).
    """
    valid_scopes = ConsentScope.objects.filter(valid_q(prefix="consent__"), category=category)
    naming_units = valid_scopes.filter(unit_id__in=units).values("consent__person_id")
    participating = (
        Participant.objects.filter(user=user, plan__status__in=OPEN_STATUSES, unit__isnull=False)
        .filter(
            Exists(
                valid_scopes.filter(
                    consent__person_id=OuterRef("plan__person_id"), unit_id=OuterRef("unit_id")
                )
            )
        )
        .values("plan__person_id")
    )
    coordinating = (
        CoordinatorAssignment.objects.filter(
            coordinator=user, ended_on__isnull=True, unit__isnull=False
        )
        .filter(
            Exists(
                valid_scopes.filter(
                    consent__person_id=OuterRef("person_id"), unit_id=OuterRef("unit_id")
                )
            )
        )
        .values("person_id")
    )
    return Q(pk__in=naming_units) | Q(pk__in=participating) | Q(pk__in=coordinating)


def _blocking(user: User) -> QuerySet[AccessBlock]:
    """Blocks that hide a person from the user: a person who blocked the user is
    not theirs to find, unless under emergency access."""
    return AccessBlock.objects.filter(staff_user=user, lifted_at__isnull=True).exclude(
        person_id__in=EmergencyAccess.objects.filter(
            user=user, expires_at__gt=timezone.now()
        ).values("person_id")
    )


def blocked_person_ids(user: User) -> QuerySet[AccessBlock, int]:
    """Ids of the persons who blocked the user (and no emergency access is
    open): for lists built on a basis of their own, which must leave them out."""
    return _blocking(user).values_list("person_id", flat=True)


def accessible_plans(
    user: AnyUser, plans: QuerySet[IndividualPlan], *, category: str = Category.PLAN
) -> QuerySet[IndividualPlan]:
    """``plans`` narrowed to persons in ``accessible_persons(user, category=...)``:
    a list of plans shows a plan's status, dates and coordinator, so by default
    only the plans whose person's plan data the gate would open.

    The same answer, in a far simpler query for the coordinating unit: it has a
    relation to every person with a plan in its municipality and reads the
    plan without a consent (hol. § 7-3), so only blocks remain to be checked.
    Its overview of every plan is where the general subquery was the cost
    (docs/performance.md).
    """
    staff = _staff(user)
    if (
        category in (BASIC, Category.PLAN)
        and staff is not None
        and user.is_authenticated
        and has_case_role(user)
        and Role.COORDINATING_UNIT in roles_of(user=user)
    ):
        return plans.filter(person__municipality_id=staff.municipality_id).exclude(
            person_id__in=_blocking(user).values("person_id")
        )
    # IN over a subquery that does not refer to the plan: every database
    # computes the user's persons once, from the few bases they have, instead
    # of checking the gate's conditions again for every plan (docs/performance.md).
    return plans.filter(person_id__in=accessible_persons(user, category=category).values("pk"))


@dataclass(frozen=True)
class Listed:
    """One list on a page, for ``log_lists``: the persons shown and how."""

    persons: Iterable[ListedPerson]
    action: str
    what: str
    category: str = Category.PLAN
    basis: str = LIST
    detail: str | None = None


def log_many(
    user: AnyUser,
    persons: Iterable[ListedPerson],
    action: str,
    *,
    what: str,
    category: str = Category.PLAN,
    basis: str = LIST,
    detail: str | None = None,
) -> None:
    """Log one granted access per person shown in a list or search (one statement)."""
    log_lists(user, [Listed(persons, action, what, category, basis, detail)])


def log_lists(user: AnyUser, lists: Iterable[Listed]) -> None:
    """``log_many`` for several lists on one page, in one statement: the page
    makes the same queries whichever of its lists happen to be empty."""
    if _staff(user) is None:
        return
    role, unit = _who(user)
    connection = connections[router.db_for_write(AccessLogEntry)]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for listed in lists:
        detail = (listed.detail or _("Vist i liste med tjenstlig relasjon"))[:300]
        same = (
            user.pk,
            user.get_username(),
            role,
            unit,
            listed.action,
            listed.category,
            listed.what[:200],
            listed.basis,
            detail,
        )
        rows += [(at, p.municipality_id, p.pk, *same) for p in listed.persons]
    # Multi-row INSERTs without model instances: a list page logs every row it
    # shows (pjl § 16), and fifty instances through bulk_create cost the
    # coordinating unit's overview several milliseconds (docs/performance.md).
    # One transaction: in autocommit each batch would be a commit of its own.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        size = _log_batch(connection)
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
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


def _log_batch(connection: BaseDatabaseWrapper) -> int:
    """Rows per INSERT: as many as one statement's parameters allow, so a page
    logs its lists in one statement (a fixed number of queries whatever it
    shows). SQLite's limit is compiled in (999 before 3.32, 32,766 since: ask
    it); PostgreSQL's protocol allows 65,535 parameters."""
    limit = 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, limit // len(_LOG_MANY_COLUMNS))


# --- emergency access ("break the glass") -----------------------------------------


class EmergencyRefused(Exception):
    pass


def grant_emergency(user: AnyUser, person: Person, *, reason: str) -> EmergencyAccess:
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
    if not user.is_authenticated or not has_case_role(user):
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
        category=BASIC,
        what=_("nødtilgang innvilget"),
    )
    for hook in EMERGENCY_HOOKS:
        hook(grant=grant)
    return grant


# --- who reads a person's access log ---------------------------------------------

ACCESS_LOG = "tilgangslogg"
LOG_REVIEW = "tilgangskontroll"


@dataclass(frozen=True)
class LogView:
    """What of a person's access log the user may read. Other units' reads
    are themselves health information (who treats the person, for what)."""

    decision: Decision
    # The categories whose log rows are shown; None: every row.
    categories: frozenset[str] | None = None
    # The written reason of an emergency access: to the person and the leader only.
    emergency_reasons: bool = False


def decide_access_log(user: AnyUser, person: Person) -> LogView:
    """Who may read the person's access log (pjl. § 18, hpl. § 21a):

    * the person, and a proxy or guardian with the right to it (on Min side);
    * the leader who reviews access (``Role.LEADER`` in the municipality);
    * the coordinator and the coordinating unit: only rows about data
      (categories) they may read themselves, and no emergency reasons.

    A bare relation (a service, a participant) is refused; so is a user the
    person blocked. Emergency access does not open the log."""
    if not user.is_authenticated:
        return LogView(Decision(False, NONE, _("Du er ikke logget inn.")))
    own = getattr(user, "person", None)
    if own is not None and own.pk == person.pk:
        return LogView(Decision(True, SELF, _("Egne opplysninger")), None, True)
    staff = _staff(user)
    if staff is None:
        represented = _representative_decision(user, person, Action.VIEW, ACCESS_LOG)
        if represented is not None:
            return LogView(represented)
        return LogView(Decision(False, NONE, _("Ingen tjenstlig relasjon til personen.")))
    if staff.municipality_id != person.municipality_id:
        return LogView(Decision(False, NONE, _("Ingen tjenstlig relasjon til personen.")))
    if is_blocked(user, person):
        return LogView(Decision(False, BLOCKED, _("Sperret av personen")))
    if Role.LEADER in roles_of(user=user):
        return LogView(
            Decision(True, LOG_REVIEW, _("Leders kontroll av tilgang (hpl. § 21a)")), None, True
        )
    held = _relations(user, person)
    found = [r for r in held if r.basis in (COORDINATOR, COORDINATING_UNIT)]
    if not found:
        return LogView(
            Decision(
                False,
                held[0].basis if held else NONE,
                _(
                    "Tilgangsloggen er for personen selv, lederen som kontrollerer tilgang, "
                    "koordinator og koordinerende enhet."
                ),
            )
        )
    categories = frozenset(
        category
        for category in CATEGORIES
        if _decide_category(person, found, category, None, user).granted
    )
    return LogView(Decision(True, found[0].basis, found[0].detail), categories, False)


def access_log_for(request: HttpRequest, person_id: int | str) -> tuple[Person, LogView]:
    """The person and what of their access log the user may read; 404 outside
    the user's municipality, 403 (logged) when refused. The read is logged."""
    user = request.user
    staff = _staff(user)
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(_("Fant ikke personen.")) from error
    if staff is not None and staff.municipality_id != person.municipality_id:
        raise Http404(_("Fant ikke personen."))
    view = decide_access_log(user, person)
    if user.is_authenticated:
        log(user, person, Action.VIEW, view.decision, category=BASIC, what=ACCESS_LOG)
    if not view.decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til tilgangsloggen: %(reason)s")
            % {"reason": view.decision.detail}
        )
    return person, view


def case_units(user: AnyUser) -> list[Unit]:
    """The units (objects, from the cached memberships) where the user works in
    a case role; lets an app's relation skip its queries for users in units
    that never hold its cases."""
    return [m.unit for m in memberships_of(user=user) if m.role in CASE_ROLES]


# --- words for people ------------------------------------------------------------


def basis_label(code: str) -> str:
    """A basis in words (the registered bases' own labels): pages never show
    the code a log row stores (docs/user-interface.md, «No raw codes»)."""
    for basis in BASES:
        if basis.code == code:
            return str(basis.label)
    fixed = {
        SELF: gettext_lazy("Egne opplysninger"),
        EMERGENCY: gettext_lazy("Nødtilgang"),
        BLOCKED: gettext_lazy("Sperret av personen"),
        REPRESENTATIVE: gettext_lazy("Fullmektig eller verge"),
        LIST: gettext_lazy("Vist i en liste"),
        LOG_REVIEW: gettext_lazy("Leders kontroll av tilgang"),
        ACCESS_LOG: gettext_lazy("Tilgangslogg"),
        "kommandolinje": gettext_lazy("Kommandolinje (drift)"),
        NONE: gettext_lazy("Ingen grunnlag"),
    }
    return str(fixed.get(code, gettext_lazy("Annet grunnlag")))


def category_label(code: str) -> str:
    """A category of information in words."""
    if code == BASIC:
        return str(gettext_lazy("Grunnopplysninger"))
    labels = dict(Category.choices)
    return str(labels.get(code, gettext_lazy("Andre opplysninger") if code else "–"))
