from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.cooperation.services import around_person
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.organisation.services import roles_of
from helhet.people import identity
from helhet.people import search as person_search
from helhet.people.models import Person, Service, ServiceType

if TYPE_CHECKING:
    from helhet.people.forms import PersonForm

SEARCH_LIMIT = 50


def search(*, user: User, query: str) -> list[Person]:
    """Persons matching a name or national id, among those the user may see:
    at most ``SEARCH_LIMIT`` of them (``search_with_more`` says if there are more)."""
    return search_with_more(user=user, query=query)[0]


def search_with_more(*, user: User, query: str) -> tuple[list[Person], bool]:
    """The first ``SEARCH_LIMIT`` persons matching a name or national id, among
    those the user may see, and whether more match. Reading one row more than is
    shown answers that without counting every match (docs/performance.md).

    Only persons the gate gives a relation to are searched, so a search never
    reveals that anyone else exists (docs/consent.md).
    """
    candidates = gate.accessible_persons(user)
    digits = identity.fodselsnummer.compact(query)
    if digits.isdigit():
        matches = candidates.filter(person_search.national_id_q(digits))
    else:
        matches = candidates.filter(person_search.names_q(query))
    found = list(matches.order_by("family_name", "given_name", "pk")[: SEARCH_LIMIT + 1])
    more, found = len(found) > SEARCH_LIMIT, found[:SEARCH_LIMIT]
    # Names and birth dates only: logged as basic data, the category shown.
    gate.log_many(user, found, Action.SEARCH, what="søk", category=gate.BASIC)
    return found, more


def my_persons(*, user: User) -> list[Person]:
    """The persons the user coordinates or takes part in the plan of, shown on
    the search page before anything is typed; through the gate's list, logged."""
    from helhet.coordination.models import CoordinatorAssignment
    from helhet.plans.models import IndividualPlan

    coordinated = CoordinatorAssignment.objects.filter(coordinator=user, ended_on__isnull=True)
    participating = IndividualPlan.objects.open().filter(participants__user=user)
    found = list(
        gate.accessible_persons(user)
        .filter(
            Q(pk__in=coordinated.values("person_id")) | Q(pk__in=participating.values("person_id"))
        )
        .order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT]
    )
    gate.log_many(user, found, Action.LIST, what="mine personer")
    return found


def person_page(*, user: User, person: Person) -> dict[str, Any]:
    services, hidden = visible_services(user=user, person=person)
    return {
        "person": person,
        "around": around_person(person=person, service_units={s.unit_id for s in services}),
        "services": services,
        "hidden_services": hidden,
        "relatives": person.relatives.all(),
        "plans": person.plans.order_by("-offered_on"),
        "coordinators": CoordinatorAssignment.objects.filter(person=person).select_related(
            "coordinator", "unit"
        ),
    }


def visible_services(*, user: User, person: Person) -> tuple[list[Service], bool]:
    """The person's services the user may see, and whether some were left out.

    Which services a person gets says much about their health (a unit for
    substance use, say): each unit's services are that unit's records, shown to
    another unit only under a consent covering it for health information
    (hpl § 22, docs/consent.md). The consent covers the viewer's unit, not the
    recording one, so one decision answers for all other units: at most two
    decisions per page, whatever the number of services.
    """
    services = list(person.services.select_related("unit", "type").order_by("-valid_from"))
    own = gate.case_unit_ids(user)
    shown_units = set()
    for units in (
        {s.unit for s in services if s.unit_id in own},
        {s.unit for s in services if s.unit_id not in own},
    ):
        if not units:
            continue
        owner = next(iter(units))
        decision = gate.decide(
            user, person, Action.VIEW, category=Category.HEALTH, owner_unit=owner
        )
        if decision.granted:
            shown_units |= {unit.pk for unit in units}
            gate.log(
                user, person, Action.VIEW, decision, category=Category.HEALTH, what="tjenester"
            )
    visible = [service for service in services if service.unit_id in shown_units]
    return visible, len(visible) < len(services)


# Those who receive enquiries and applications register new persons.
REGISTRAR_ROLES = {Role.COORDINATING_UNIT, Role.CASEWORKER, Role.NAV_ADVISER}


def may_register(*, user: User) -> bool:
    return bool(roles_of(user=user) & REGISTRAR_ROLES)


def register(*, user: User, form: "PersonForm") -> Person:
    """Save a new person and log the registration as a write in the access log."""
    person: Person = form.save(commit=False)
    person.municipality = user.staff.municipality
    person.save()
    decision = gate.Decision(True, "registrering", _("Registrerte personen"))
    gate.log(user, person, Action.EDIT, decision, what="registrering")
    return person


def service_type(*, code: str) -> "ServiceType":
    """The catalogue's type ``code`` (people.catalogue), created if a database
    was set up without the seeding migration's rows."""
    from helhet.people.catalogue import BY_CODE
    from helhet.people.models import ServiceType

    spec = BY_CODE[code]
    found, _created = ServiceType.objects.get_or_create(
        code=code,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "legal_basis": spec.legal_basis,
            "needs_decision": spec.needs_decision,
        },
    )
    return found


def service_type_guesser() -> Callable[[str, str, str], "ServiceType"]:
    """A function (unit_kind, basis, name) -> ServiceType for many rows at once:
    one query for the catalogue, not one per row (imports, the demo)."""
    from helhet.people.catalogue import guess_type
    from helhet.people.models import ServiceType

    known = {found.code: found for found in ServiceType.objects.all()}

    def guess(unit_kind: str, basis: str, name: str) -> "ServiceType":
        code = guess_type(unit_kind, basis, name)
        if code not in known:
            known[code] = service_type(code=code)
        return known[code]

    return guess


def guessed_service_type(*, unit_kind: str, basis: str, name: str) -> "ServiceType":
    """The type of a service recorded without one (imports, intake grants)."""
    from helhet.people.catalogue import guess_type

    return service_type(code=guess_type(unit_kind, basis, name))
