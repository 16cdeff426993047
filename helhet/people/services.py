from django.db.models import Q
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.cooperation.services import around_person
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.people import identity
from helhet.people.models import Person

SEARCH_LIMIT = 50


def search(user, query: str) -> list:
    """Persons matching a name or national id, among those the user may see.

    Only persons the gate gives a relation to are searched, so a search never
    reveals that anyone else exists (DOMAIN.md §4.3).
    """
    candidates = gate.accessible_persons(user)
    digits = identity.fodselsnummer.compact(query)
    if digits.isdigit():
        matches = candidates.filter(national_id__startswith=digits)
    else:
        matches = candidates
        for word in query.split():
            matches = matches.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    found = list(matches.order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])
    gate.log_many(user, found, Action.SEARCH, what="søk")
    return found


def person_page(person) -> dict:
    return {
        "person": person,
        "around": around_person(person),
        "services": person.services.select_related("unit").order_by("-valid_from"),
        "relatives": person.relatives.all(),
        "plans": person.plans.order_by("-offered_on"),
        "coordinators": CoordinatorAssignment.objects.filter(person=person).select_related(
            "coordinator", "unit"
        ),
    }


# Those who receive enquiries and applications register new persons.
REGISTRAR_ROLES = {Role.COORDINATING_UNIT, Role.CASEWORKER, Role.NAV_ADVISER}


def may_register(user) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.memberships.filter(role__in=REGISTRAR_ROLES).exists()


def register(user, form) -> Person:
    """Save a new person and log the registration as a write in the access log."""
    person = form.save(commit=False)
    person.municipality = user.staff.municipality
    person.save()
    decision = gate.Decision(True, "registrering", _("Registrerte personen"))
    gate.log(user, person, Action.EDIT, decision, what="registrering")
    return person
