from django.db.models import Q

from helhet.access import gate
from helhet.access.models import Action
from helhet.people import identity

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
    from helhet.coordination.models import CoordinatorAssignment

    return {
        "person": person,
        "services": person.services.select_related("unit").order_by("-valid_from"),
        "relatives": person.relatives.all(),
        "plans": person.plans.order_by("-offered_on"),
        "coordinators": CoordinatorAssignment.objects.filter(person=person).select_related(
            "coordinator", "unit"
        ),
    }
