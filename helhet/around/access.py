"""Who may see and record what around the person.

Every row is a record of the unit that made it: a user in that unit reads it
on their relation to the person; a user in another unit needs the person's
consent for health information (hpl. §§ 21–22, the gate's rule for unit
categories). Recording is done on behalf of one of the user's own units, so a
relation to the person is enough — and is checked and logged by the gate.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.organisation.models import Unit

CATEGORY = Category.HEALTH


def own_units(user) -> list[Unit]:
    """The units the user records on behalf of: their case-role units."""
    ids = gate.case_unit_ids(user)
    return list(Unit.objects.filter(pk__in=ids).order_by("name"))


def person_for_recording(request, person_id, what: str):
    """The person, for recording a row on behalf of the user's first unit."""
    units = own_units(request.user)
    person = gate.person_for(
        request,
        person_id,
        Action.EDIT,
        category=CATEGORY,
        what=what,
        owner_unit=units[0] if units else None,
    )
    if not units:
        raise PermissionDenied(_("Du er ikke knyttet til en enhet som kan registrere dette."))
    return person, units[0]


def visible(user, person, rows, what: str) -> tuple[list, bool]:
    """The rows whose unit the gate opens to the user, and whether any were left out.
    One logged read per opened unit; closed units' rows are not shown."""
    opened = set()
    for unit_id in sorted({row.unit_id for row in rows}):
        decision = gate.decide(user, person, Action.VIEW, category=CATEGORY, owner_unit=unit_id)
        if decision.granted:
            gate.log(user, person, Action.VIEW, decision, category=CATEGORY, what=what)
            opened.add(unit_id)
    shown = [row for row in rows if row.unit_id in opened]
    return shown, len(shown) < len(rows)


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def person_id_for_external_id(value):
    from helhet.around.models import ExternalService

    return ExternalService.objects.filter(pk=_pk(value)).values_list("person_id", flat=True).first()


def _owner(model, value):
    return model.objects.filter(pk=_pk(value)).values_list("person_id", flat=True).first()


def person_id_for_referral_id(value):
    from helhet.around.models import Referral

    return _owner(Referral, value)


def person_id_for_discharge_id(value):
    from helhet.around.models import DischargeNotice

    return _owner(DischargeNotice, value)


def person_id_for_gp_message_id(value):
    from helhet.around.models import GpMessage

    return _owner(GpMessage, value)


def person_id_for_relative_id(value):
    from helhet.people.models import Relative

    return _owner(Relative, value)


def person_id_for_child_id(value):
    from helhet.around.models import ChildRelative

    return _owner(ChildRelative, value)
