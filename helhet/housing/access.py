"""Housing's lawful basis, registered with the access gate.

An application for a dwelling is addressed to the housing office, which must
process it (fvl. § 17, boligsosialloven § 6); a stay in emergency housing is
the NAV office's case (sotjl. § 27). So a user in a case role in that unit
has a relation to the person while the case is open — decided by the gate like
every other basis. The records are ``sosial`` and owned by that unit: others
need the person's consent (gate: crossing units).
"""

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.housing.models import EmergencyRefusal, EmergencyStay, HousingApplication, Offer
from helhet.organisation.models import Unit
from helhet.people.models import Person

RELATION = "boligsak"
CLOSED = [HousingApplication.Status.REFUSED, HousingApplication.Status.WITHDRAWN]


def _unit_ids(user, kind) -> list[int]:
    return [u.pk for u in gate.case_units(user) if u.kind == kind]


# A refusal stays the housing office's case while it may be appealed: the
# letter is sent, the three weeks run from when it arrived (fvl. § 29), and an
# appeal comes back to the office first (fvl. § 33). Eight weeks from the
# decision covers that; after it the refused application is closed.
REFUSAL_OPEN = dt.timedelta(weeks=8)


def _open_applications(user):
    # Applications are addressed to a housing office; stays are a NAV office's.
    recent = timezone.localdate() - REFUSAL_OPEN
    return HousingApplication.objects.filter(
        Q(status__in=[s for s in HousingApplication.Status.values if s not in CLOSED])
        | Q(status=HousingApplication.Status.REFUSED, decision__decided_on__gte=recent),
        unit_id__in=_unit_ids(user, Unit.Kind.HOUSING),
    )


def _stays(user):
    return EmergencyStay.objects.filter(unit_id__in=_unit_ids(user, Unit.Kind.NAV))


def _refusals(user):
    # A refusal of temporary housing is the NAV office's case too (sotjl. § 27):
    # it may be appealed, reconsidered, or followed by a new request.
    return EmergencyRefusal.objects.filter(unit_id__in=_unit_ids(user, Unit.Kind.NAV))


def _held(user) -> Q:
    return (
        Q(pk__in=_open_applications(user).values("person_id"))
        | Q(pk__in=_stays(user).values("person_id"))
        | Q(pk__in=_refusals(user).values("person_id"))
    )


def holds_case(user, person) -> bool:
    """One query at most, none for users outside housing and NAV offices."""
    if not (_unit_ids(user, Unit.Kind.HOUSING) or _unit_ids(user, Unit.Kind.NAV)):
        return False
    return Person.objects.filter(_held(user), pk=person.pk).exists()


def person_ids_for_relation(user):
    # One subquery the gate ORs into its own (no list of ids in memory).
    return Person.objects.filter(_held(user)).values("pk")


def person_id_for_application(value) -> int | None:
    return HousingApplication.objects.filter(pk=value).values_list("person_id", flat=True).first()


def person_id_for_offer(value) -> int | None:
    return Offer.objects.filter(pk=value).values_list("application__person_id", flat=True).first()


def person_id_for_stay(value) -> int | None:
    return EmergencyStay.objects.filter(pk=value).values_list("person_id", flat=True).first()


def person_id_for_refusal(value) -> int | None:
    return (
        EmergencyRefusal.objects.filter(pk=_int(value)).values_list("person_id", flat=True).first()
    )


def application_for(request, application_id, action=Action.VIEW, what="boligsøknad"):
    application = HousingApplication.objects.filter(pk=_int(application_id)).first()
    if application is None:
        raise Http404(_("Fant ikke søknaden."))
    gate.person_for(
        request,
        application.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=application.unit_id,
    )
    return application


def offer_for(request, offer_id, action=Action.EDIT, what="botilbud"):
    offer = (
        Offer.objects.select_related("application", "dwelling").filter(pk=_int(offer_id)).first()
    )
    if offer is None:
        raise Http404(_("Fant ikke tilbudet."))
    gate.person_for(
        request,
        offer.application.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=offer.application.unit_id,
    )
    return offer


def stay_for(request, stay_id, action=Action.VIEW, what="midlertidig botilbud"):
    stay = EmergencyStay.objects.filter(pk=_int(stay_id)).first()
    if stay is None:
        raise Http404(_("Fant ikke oppholdet."))
    gate.person_for(
        request,
        stay.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=stay.unit_id,
    )
    return stay


def refusal_for(request, refusal_id, action=Action.VIEW, what="avslag på midlertidig botilbud"):
    refusal = (
        EmergencyRefusal.objects.select_related("person", "unit", "decided_by")
        .filter(pk=_int(refusal_id))
        .first()
    )
    if refusal is None:
        raise Http404(_("Fant ikke vedtaket."))
    gate.person_for(
        request,
        refusal.person_id,
        action,
        category=Category.SOCIAL,
        what=what,
        owner_unit=refusal.unit_id,
    )
    return refusal


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def readable(user, records) -> list:
    """The records (with ``person`` and ``unit_id``) the gate lets the user read
    as the owning unit's ``sosial`` records: a list shows exactly what the
    record's own page would. A relation to the person alone is not enough for
    another unit's records (e.g. the housing office and NAV's emergency stays).

    One batch decision (``gate.decide_many``) per owning unit in the list, not
    one per row: the queries stay the same however long the list is."""
    records = list(records)
    opened: set[tuple[int, int]] = set()
    for unit_id in sorted({record.unit_id for record in records}):
        persons = [record.person for record in records if record.unit_id == unit_id]
        decisions = gate.decide_many(
            user, persons, Action.VIEW, category=Category.SOCIAL, owner_unit=unit_id
        )
        opened |= {(unit_id, pk) for pk, decision in decisions.items() if decision.granted}
    return [record for record in records if (record.unit_id, record.person.pk) in opened]
