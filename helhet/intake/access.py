"""Intake's lawful bases, registered with the access gate and decided there.

An application comes before any service relation: the unit it is addressed to
must process it (fvl § 11a: without undue delay; § 17: investigate the case),
so the unit's caseworkers, NAV advisers, KE officers and its head may register
and read it. The head of that unit co-signs the decision (not their own). The
unit a signed decision names as provider reads it to confirm the start; the
head of the unit given coordinator responsibility reads the request to name a
coordinator; the head of sector reads escalated requests (a municipal routine).

These are bases of the gate (``gate.register_basis``, see ``register``): the
gate asks them with the record as ``subject`` and applies the person's blocks,
the municipality, the category, the action and the logging to them as to any
other basis. Nothing here grants after the gate has refused.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment, naming_routine
from helhet.intake import rules
from helhet.intake.models import Appeal, Application, Decision
from helhet.organisation.models import Role, StaffMember

# Roles that receive and process applications in their unit.
RECEIVING_ROLES = {Role.CASEWORKER, Role.COORDINATING_UNIT, Role.NAV_ADVISER}
# The unit head co-signs decisions, so reads them too.
UNIT_CASE_ROLES = RECEIVING_ROLES | {Role.LEADER}
IN_PROCESS = [Application.Status.RECEIVED, Application.Status.INVESTIGATING]

ADDRESSED_TO_UNIT = "soknad_til_enhet"
CO_SIGNER = "vedtak_medsignatur"
PROVIDER = "utforende_enhet"
COORDINATOR_UNIT = "koordinatoransvar_enhet"
ESCALATED = "eskalert_kommunalsjef"

CATEGORY_BY_KIND: dict[str, str] = {
    Application.Kind.COORDINATION: Category.PLAN,
    Application.Kind.FINANCIAL: Category.SOCIAL,
    Application.Kind.GUIDANCE: Category.SOCIAL,
}


def category_for(application: Application) -> str:
    return CATEGORY_BY_KIND.get(application.kind, Category.HEALTH)


def unit_ids(user: gate.AnyUser, roles: Iterable[str] | None = None) -> set[int]:
    return gate.unit_ids(user, roles=roles)


def has_role(user: gate.AnyUser, role: str) -> bool:
    return gate.has_role(user, role)


def municipality_id(user: gate.AnyUser) -> int | None:
    staff: StaffMember | None = getattr(user, "staff", None) if user.is_authenticated else None
    return staff.municipality_id if staff else None


# --- The bases (registered with the gate in apps.py) ---------------------------


def _application_of(subject) -> Application | None:
    if isinstance(subject, Application):
        return subject
    if isinstance(subject, Decision):
        return subject.application
    return None


def _decision_of(subject) -> Decision | None:
    if isinstance(subject, Decision):
        return subject
    if isinstance(subject, Application) and subject.pk is not None:
        return Decision.objects.filter(application=subject).select_related("provider").first()
    return None


def _addressed_to_unit(user, person, subject):
    """The application is addressed to one of the user's units, which must
    process it (fvl. §§ 11a and 17). With the application as subject, its own
    category is read on this basis; without one, any application of the person
    still in process is a case relation (basic data, the unit's own records)."""
    units = unit_ids(user, UNIT_CASE_ROLES)
    if not units:
        return None
    application = _application_of(subject)
    consent_units = frozenset(gate.case_unit_ids(user))
    actions = gate.CHANGE | gate.CONSENT_ACTS
    if application is not None:
        if application.person_id != person.pk or application.unit_id not in units:
            return None
        return gate.Relation(
            ADDRESSED_TO_UNIT,
            _("Søknaden er stilet til %(unit)s, som skal behandle den (fvl. §§ 11a og 17)")
            % {"unit": application.unit},
            consent_units,
            frozenset({category_for(application)}),
            actions,
            frozenset({application.unit_id}),
        )
    found = (
        Application.objects.filter(person=person, unit_id__in=units, status__in=IN_PROCESS)
        .select_related("unit")
        .order_by(*APPLICATION_ORDER)
        .first()
    )
    if found is None:
        return None
    return _processing(user, found)


# The application the relation names when several are in process (the newest).
APPLICATION_ORDER = ("-received_on", "-id")


def _processing(user, found: Application) -> gate.Relation:
    return gate.Relation(
        ADDRESSED_TO_UNIT,
        _("%(unit)s behandler en søknad fra personen (fvl. §§ 11a og 17)") % {"unit": found.unit},
        frozenset(gate.case_unit_ids(user)),
        actions=gate.CHANGE | gate.CONSENT_ACTS,
        via_unit_ids=frozenset({found.unit_id}),
    )


def _addressed_to_unit_many(user, persons, subject):
    """``_addressed_to_unit`` for a list (the gate's ``decide_many``): one query."""
    if _application_of(subject) is not None:
        return {p.pk: r for p in persons if (r := _addressed_to_unit(user, p, subject)) is not None}
    units = unit_ids(user, UNIT_CASE_ROLES)
    if not units:
        return {}
    first: dict[int, Application] = {}
    for application in (
        Application.objects.filter(
            person_id__in=[p.pk for p in persons], unit_id__in=units, status__in=IN_PROCESS
        )
        .select_related("unit")
        .order_by(*APPLICATION_ORDER)
    ):
        first.setdefault(application.person_id, application)
    return {pk: _processing(user, application) for pk, application in first.items()}


def _addressed_person_ids(user):
    return Application.objects.filter(
        unit_id__in=unit_ids(user, UNIT_CASE_ROLES), status__in=IN_PROCESS
    ).values("person_id")


def _co_signer(user, person, subject):
    """The head of the unit co-signs its decision; the caseworker cannot be
    their own second signature."""
    if not isinstance(subject, Decision):
        return None
    application = subject.application
    if (
        application.person_id != person.pk
        or application.unit_id not in unit_ids(user, {Role.LEADER})
        or subject.caseworker_id == user.pk
    ):
        return None
    return gate.Relation(
        CO_SIGNER,
        _("Leder for %(unit)s, som fattet vedtaket") % {"unit": application.unit},
        frozenset(gate.case_unit_ids(user)),
        frozenset({category_for(application)}),
        gate.READ | {Action.SIGN},
        frozenset({application.unit_id}),
    )


def _provider(user, person, subject):
    """The unit a signed decision names as provider reads it and confirms the start."""
    application = _application_of(subject)
    if application is None or application.person_id != person.pk:
        return None
    decision = _decision_of(subject)
    if (
        decision is None
        or not decision.is_signed
        or decision.provider_id not in gate.case_unit_ids(user)
    ):
        return None
    return gate.Relation(
        PROVIDER,
        _("Vedtaket gjelder tjeneste fra %(unit)s") % {"unit": decision.provider},
        frozenset(gate.case_unit_ids(user)),
        frozenset({category_for(application)}),
        gate.READ | {Action.START},
        frozenset({decision.provider_id}),
    )


def _coordinator_unit(user, person, subject):
    """The head of the unit given coordinator responsibility names the coordinator (hol. § 7-3)."""
    if not isinstance(subject, CoordinatorAssignment) or subject.person_id != person.pk:
        return None
    if subject.unit_id not in unit_ids(user, {Role.LEADER}):
        return None
    return gate.Relation(
        COORDINATOR_UNIT,
        _("%(unit)s har fått koordinatoransvar (hol. § 7-3)") % {"unit": subject.unit},
        frozenset(gate.case_unit_ids(user)),
        frozenset({Category.PLAN}),
        gate.CHANGE,
        frozenset({subject.unit_id}),
    )


def _escalated(user, person, subject):
    """A request not answered in time goes to the head of sector (municipal routine)."""
    if not isinstance(subject, CoordinatorAssignment) or subject.person_id != person.pk:
        return None
    if not has_role(user, Role.SECTOR_HEAD):
        return None
    escalated = subject.escalated_on is not None
    if not escalated and subject.assigned_on and subject.named_on is None:
        # Only the municipality's own routine sets a deadline (no routine, no escalation).
        routine = naming_routine(person.municipality_id)
        escalated = routine is not None and (
            rules.naming_state(subject.assigned_on, None, timezone.localdate(), days=routine.days)
            == rules.State.ESCALATED
        )
    if not escalated:
        return None
    return gate.Relation(
        ESCALATED,
        _("Koordinatorsak eskalert til kommunalsjef"),
        frozenset(),
        frozenset({Category.PLAN}),
        gate.CHANGE,
    )


def register() -> None:
    gate.register_basis(
        code=ADDRESSED_TO_UNIT,
        label=gettext_lazy("Søknad stilet til enheten"),
        find=_addressed_to_unit,
        person_ids=_addressed_person_ids,
        rank=60,
        find_many=_addressed_to_unit_many,
    )
    gate.register_basis(
        code=CO_SIGNER,
        label=gettext_lazy("Leder som medsignerer vedtak"),
        find=_co_signer,
        person_ids=None,
        rank=61,
    )
    gate.register_basis(
        code=PROVIDER,
        label=gettext_lazy("Utførende enhet etter vedtak"),
        find=_provider,
        person_ids=None,
        rank=62,
    )
    gate.register_basis(
        code=COORDINATOR_UNIT,
        label=gettext_lazy("Leder for enhet med koordinatoransvar"),
        find=_coordinator_unit,
        person_ids=None,
        rank=63,
    )
    gate.register_basis(
        code=ESCALATED,
        label=gettext_lazy("Kommunalsjef, eskalert koordinatorsak"),
        find=_escalated,
        person_ids=None,
        rank=64,
    )


# --- What the user may do (beyond reading) ------------------------------------


def can_register(user) -> bool:
    return bool(unit_ids(user, RECEIVING_ROLES))


def can_process(user, application: Application) -> bool:
    return application.unit_id in unit_ids(user, RECEIVING_ROLES)


def _may(user, decision: Decision, action) -> bool:
    application = decision.application
    return gate.decide(
        user,
        application.person,
        action,
        category=category_for(application),
        owner_unit=application.unit_id,
        subject=decision,
    ).granted


def can_sign(user, decision: Decision) -> bool:
    """The gate's answer to SIGN (shown as a button; the POST asks again and logs)."""
    return _may(user, decision, Action.SIGN)


def expected_signers(decision: Decision) -> list:
    """Who may co-sign ``decision``: the heads of the deciding unit (confirmed
    memberships, as ``_co_signer`` reads them), never the caseworker. Shown on
    the decision page and in the draft letter, so everyone sees whose turn it is."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            staff__all_memberships__unit_id=decision.application.unit_id,
            staff__all_memberships__role=Role.LEADER,
            staff__all_memberships__confirmed_at__isnull=False,
            is_active=True,
        )
        .exclude(pk=decision.caseworker_id)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def can_confirm_start(user, decision: Decision) -> bool:
    return _may(user, decision, Action.START)


def can_assign_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATING_UNIT)


def can_name_coordinator(user, assignment: CoordinatorAssignment) -> bool:
    return has_role(user, Role.COORDINATING_UNIT) or assignment.unit_id in unit_ids(
        user, {Role.LEADER}
    )


# --- Reading through the gate -------------------------------------------------


def _checked(request, person, action, category, what, subject, owner_unit=None, rule=None):
    """The gate decides, with the record as subject, and logs either way.

    ``rule(user) -> str | None``: intake's narrower rule for this act (e.g. only
    the unit the application is addressed to processes it); its refusal
    replaces the gate's grant, so the attempt is logged as refused. A rule
    can only narrow: it is asked only after the gate granted."""
    user = request.user
    if municipality_id(user) != person.municipality_id:
        raise Http404(_("Fant ikke saken."))
    decision = gate.decide(
        user, person, action, category=category, owner_unit=owner_unit, subject=subject
    )
    if decision.granted and rule is not None:
        reason = rule(user)
        if reason:
            decision = gate.Decision(False, decision.basis, reason)
    gate.log(user, person, action, decision, category=category, what=what)
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne saken: %(reason)s") % {"reason": decision.detail}
        )


def application_for(
    request, application_id, action=Action.VIEW, what="søknad", rule=None
) -> Application:
    application = (
        Application.objects.select_related("person", "unit").filter(pk=_pk(application_id)).first()
    )
    if application is None:
        raise Http404(_("Fant ikke søknaden."))
    _checked(
        request,
        application.person,
        action,
        category_for(application),
        what,
        application,
        owner_unit=application.unit_id,
        rule=rule and (lambda user: rule(user, application)),
    )
    return application


def decision_for(request, decision_id, action=Action.VIEW, what="vedtak", rule=None) -> Decision:
    decision = (
        Decision.objects.select_related(
            "application__person", "application__unit", "provider", "caseworker", "approved_by"
        )
        .filter(pk=_pk(decision_id))
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
        decision,
        owner_unit=application.unit_id,
        rule=rule and (lambda user: rule(user, decision)),
    )
    return decision


def assignment_for(request, request_id, action=Action.VIEW, what="koordinatoransvar", rule=None):
    assignment = (
        CoordinatorAssignment.objects.select_related("person", "unit", "coordinator")
        .filter(pk=_pk(request_id))
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
        assignment,
        rule=rule and (lambda user: rule(user, assignment)),
    )
    return assignment


def processing_unit_only(reason: str):
    """A ``rule``: only the unit the application is addressed to processes it."""

    def rule(user, record):
        application = _application_of(record) or record
        return None if can_process(user, application) else reason

    return rule


def role_only(role: str, reason: str):
    """A ``rule``: the act is for one role (e.g. the coordinating unit)."""
    return lambda user, record: None if has_role(user, role) else reason


def log_cases(user, applications, what: str) -> None:
    """A case list shows each application's kind and status: one log row per
    person shown, with the category of their application (not basic data)."""
    by_category: dict[str, dict] = {}
    for application in applications:
        by_category.setdefault(category_for(application), {})[application.person_id] = (
            application.person
        )
    for category, persons in by_category.items():
        gate.log_many(
            user,
            persons.values(),
            Action.LIST,
            what=what,
            category=category,
            detail=_("Vist i saksbehandlingens saksliste"),
        )


def log_list(user: gate.AnyUser, persons: Iterable[gate.ListedPerson], what: str) -> None:
    """Work lists and case lists show names: one log row per person shown."""
    gate.log_lists(user, [listed(persons, what)])


def listed(persons: Iterable[gate.ListedPerson], what: str) -> gate.Listed:
    """A work list or case list as the gate logs it (``log_list``), for a page
    that logs it with its other lists in one statement (``gate.log_lists``)."""
    return gate.Listed(
        persons,
        Action.LIST,
        what,
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
