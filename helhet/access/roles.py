"""Role checks for pages that show no single person's data (overviews,
reviews). Person data itself is decided by the gate, never by role alone."""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from helhet.access.gate import AnyUser
from helhet.organisation.models import Role, StaffMember
from helhet.organisation.services import roles_of

# Leaders follow up unusual access in their municipality (hpl § 21a).
REVIEWERS = {Role.LEADER, Role.SECTOR_HEAD}
# The consent form is evaluated by leaders and the coordinating unit.
FORM_EVALUATORS = {Role.LEADER, Role.SECTOR_HEAD, Role.COORDINATING_UNIT, Role.QUALITY}


def staff_with_role(user: AnyUser, roles: Collection[str]) -> StaffMember:
    """The user's StaffMember if they hold one of ``roles``; otherwise 403."""
    staff: StaffMember | None = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None or roles_of(user=user).isdisjoint(roles):
        raise PermissionDenied(_("Siden er for ledere og andre med særskilt rolle."))
    return staff
