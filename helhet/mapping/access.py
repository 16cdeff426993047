"""Who may see what in needs mapping.

A person's mappings are person data (category "kartlegging") and reach the user
only through the access gate. Each mapping is a record of the unit that made
it (``owner_unit``): a user in that unit reads it on their relation to the
person; a user in another unit needs the person's consent for "kartlegging"
(hpl § 21, gate rule 2). A history page therefore shows the mappings of the
units the gate opens, and logs one read per such unit.

Statistics are aggregates with small cells suppressed; they do not name anyone,
so they do not go through the per-person gate, but only staff who plan services
for the municipality as a whole see them, and only for their own municipality.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.mapping.models import Mapping
from helhet.organisation.models import Role, Unit
from helhet.organisation.services import memberships_of

CATEGORY = Category.MAPPING
STATISTICS_ROLES = {
    Role.COORDINATING_UNIT,
    Role.LEADER,
    Role.SECTOR_HEAD,
    Role.QUALITY,
    Role.AUDITOR,
}
# The coordinating unit runs the annual round (it keeps the municipal overview, hol § 7-3).
ROUND_ROLES = {Role.COORDINATING_UNIT}


def municipality_id(user):
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff.municipality_id if staff else None


def has_any_role(user, roles) -> bool:
    return any(m.role in roles for m in memberships_of(user=user))


def can_see_statistics(user) -> bool:
    return has_any_role(user, STATISTICS_ROLES)


def can_manage_rounds(user) -> bool:
    return has_any_role(user, ROUND_ROLES)


def statistics_municipality(user) -> int:
    """The municipality whose statistics the user may see, or 403."""
    if not can_see_statistics(user):
        raise PermissionDenied(
            _(
                "Kommunestatistikken er for koordinerende enhet, ledere, kommunalsjef, "
                "kvalitetsansvarlig og revisor."
            )
        )
    return municipality_id(user)


def require_round_manager(user) -> int:
    if not can_manage_rounds(user):
        raise PermissionDenied(_("Bare koordinerende enhet kan åpne og avslutte runder."))
    return municipality_id(user)


def mapping_units(user) -> list[Unit]:
    """Units the user can map on behalf of: the units they work in."""
    seen: dict[int, Unit] = {}
    for m in memberships_of(user=user):
        seen.setdefault(m.unit_id, m.unit)
    return sorted(seen.values(), key=lambda u: u.name)


def mapping_for(request, mapping_id, action=Action.VIEW, what="kartlegging") -> Mapping:
    found = Mapping.objects.filter(pk=_pk(mapping_id)).values_list("person_id", "unit_id").first()
    if found is None:
        raise Http404(_("Fant ikke kartleggingen."))
    person_id, unit_id = found
    person = gate.person_for(
        request, person_id, action, category=CATEGORY, what=what, owner_unit=unit_id
    )
    mapping = Mapping.objects.select_related("unit", "round", "requested_plan").get(pk=mapping_id)
    mapping.person = person
    return mapping


def person_for_mapping(request, person_id, action, what, unit=None):
    """The person, for recording a new mapping on behalf of one of the user's units."""
    units = mapping_units(request.user)
    owner = unit if unit in units else (units[0] if units else None)
    return gate.person_for(
        request, person_id, action, category=CATEGORY, what=what, owner_unit=owner
    )


def visible_mappings(user, person, mappings, what) -> tuple[list, bool]:
    """The mappings whose unit the gate opens to the user, and whether any were left out.

    One logged read per opened unit; units the gate keeps closed are not read,
    so nothing is logged for them and nothing of theirs is shown.
    """
    opened = set()
    for unit_id in sorted({m.unit_id for m in mappings}):
        decision = gate.decide(user, person, Action.VIEW, category=CATEGORY, owner_unit=unit_id)
        if decision.granted:
            gate.log(user, person, Action.VIEW, decision, category=CATEGORY, what=what)
            opened.add(unit_id)
    shown = [m for m in mappings if m.unit_id in opened]
    return shown, len(shown) < len(mappings)


# --- For the gate's registry (URL kwarg → person id) ---------------------------


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def person_id_for_mapping_id(value):
    return Mapping.objects.filter(pk=_pk(value)).values_list("person_id", flat=True).first()
