"""Who holds which role, and confirming and rejecting memberships. Rules in
``organisation.rules``."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.organisation import rules
from helhet.organisation.models import Membership, Role, StaffMember

# The attribute on the StaffMember object that holds its loaded memberships.
_LOADED = "_helhet_memberships"


def _staff_of(user: AbstractBaseUser | AnonymousUser) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    staff: StaffMember | None = getattr(user, "staff", None)
    return staff


def memberships_of(*, user: AbstractBaseUser | AnonymousUser) -> list[Membership]:
    """The user's memberships in force (confirmed by a head), with their units.

    The one place they are loaded; the gate, the menu and every app ask here
    (directly or through ``roles_of``).

    Caching policy: loaded once per user object and kept on it, nowhere else.
    Django builds a new user object for every request, so a page, its menu and
    its buttons share one query, and a membership confirmed, changed or removed
    counts from the next request on — never later, as a cache shared between
    requests (Django's cache framework, a module-level memo) could be: a
    withdrawn role must end access at once (GDPR art. 32, access on need).
    Code that changes memberships and asks again about the same user object in
    the same request calls ``forget_memberships`` first.
    """
    staff = _staff_of(user)
    if staff is None:
        return []
    loaded: list[Membership] | None = getattr(staff, _LOADED, None)
    if loaded is None:
        loaded = list(staff.memberships.select_related("unit"))
        setattr(staff, _LOADED, loaded)
    # A copy: a caller that changes its list does not change what others see.
    return list(loaded)


def roles_of(*, user: AbstractBaseUser | AnonymousUser) -> set[str]:
    """The roles the user holds in some unit, from confirmed memberships only
    (``memberships_of``, with its caching). Empty for anyone not staff."""
    return {m.role for m in memberships_of(user=user)}


def forget_memberships(*, user: AbstractBaseUser | AnonymousUser) -> None:
    """Load the user's memberships afresh on the next question."""
    staff = _staff_of(user)
    if staff is not None and hasattr(staff, _LOADED):
        delattr(staff, _LOADED)


class ConfirmationRefused(Exception):
    pass


def _held(municipality_id: int) -> list[rules.Held]:
    rows = Membership.objects.confirmed().filter(unit__municipality_id=municipality_id)
    return [
        rules.Held(user_id, unit_id, municipality_id, role)
        for user_id, unit_id, role in rows.values_list("staff__user_id", "unit_id", "role")
    ]


def _pending(membership: Membership) -> rules.Pending:
    return rules.Pending(
        membership.staff.user_id,
        membership.unit_id,
        membership.unit.municipality_id,
        membership.created_by_id,
    )


def may_confirm(*, user: User, membership: Membership) -> bool:
    if not user.is_authenticated or membership.is_confirmed:
        return False
    return rules.may_confirm(user.pk, _pending(membership), _held(membership.unit.municipality_id))


def is_head(*, user: User) -> bool:
    """Leads a unit or is a head of sector: may be asked to confirm."""
    return bool(roles_of(user=user) & {Role.LEADER, Role.SECTOR_HEAD})


def pending_for(*, user: User) -> list[Membership]:
    """The memberships waiting for this user's confirmation."""
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None:
        return []
    candidates = (
        Membership.objects.pending()
        .filter(unit__municipality_id=staff.municipality_id)
        .select_related("staff__user", "unit", "created_by")
        .order_by("created_at", "pk")
    )
    held = _held(staff.municipality_id)
    return [m for m in candidates if rules.may_confirm(user.pk, _pending(m), held)]


def confirmed_recently(*, user: User, limit: int = 20) -> list[Membership]:
    return list(
        Membership.objects.confirmed()
        .filter(confirmed_by=user)
        .select_related("staff__user", "unit")
        .order_by("-confirmed_at")[:limit]
    )


def _locked(membership_id: int, municipality_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("staff__user", "unit")
        .filter(pk=membership_id, unit__municipality_id=municipality_id)
        .first()
    )
    if membership is None:
        raise ConfirmationRefused(_("Fant ikke tilknytningen."))
    return membership


@transaction.atomic
def confirm(*, membership_id: int, by: User) -> Membership:
    staff = getattr(by, "staff", None)
    if staff is None:
        raise ConfirmationRefused(_("Bare ledere kan bekrefte tilknytninger."))
    membership = _locked(membership_id, staff.municipality_id)
    if membership.is_confirmed:
        raise ConfirmationRefused(_("Tilknytningen er allerede bekreftet."))
    if membership.staff.user_id == by.pk:
        raise ConfirmationRefused(_("Du kan ikke bekrefte din egen tilknytning."))
    if not may_confirm(user=by, membership=membership):
        raise ConfirmationRefused(
            _(
                "Bare lederen for enheten (eller kommunalsjef der enheten ikke har leder) kan bekrefte."
            )
        )
    membership.confirmed_at = timezone.now()
    membership.confirmed_by = by
    membership.save(update_fields=["confirmed_at", "confirmed_by"])
    return membership


@transaction.atomic
def reject(*, membership_id: int, by: User) -> None:
    """A head declines a pending membership: it is removed (and logged)."""
    staff = getattr(by, "staff", None)
    if staff is None:
        raise ConfirmationRefused(_("Bare ledere kan avvise tilknytninger."))
    membership = _locked(membership_id, staff.municipality_id)
    if membership.is_confirmed or not may_confirm(user=by, membership=membership):
        raise ConfirmationRefused(_("Du kan ikke avvise denne tilknytningen."))
    from helhet.access import adminlog

    adminlog.write(
        kind=adminlog.Kind.MEMBERSHIP,
        change=adminlog.Change.REJECTED,
        summary=_("Tilknytning avvist: %(name)s, %(unit)s, %(role)s")
        % {
            "name": membership.staff.user.get_username(),
            "unit": membership.unit.name,
            "role": membership.get_role_display(),
        },
        object_id=membership.pk,
        municipality_id=membership.unit.municipality_id,
        subject_user_id=membership.staff.user_id,
        actor=by,
    )
    membership.delete()


@transaction.atomic
def confirm_at_start_up(*, membership_id: int) -> Membership:
    """Operations confirm a membership no one in the app could confirm (a new
    municipality's first heads). Refused as soon as someone could."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("staff__user", "unit")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise ConfirmationRefused(_("Fant ikke tilknytningen."))
    if membership.is_confirmed:
        raise ConfirmationRefused(_("Tilknytningen er allerede bekreftet."))
    if not rules.nobody_may_confirm(_pending(membership), _held(membership.unit.municipality_id)):
        raise ConfirmationRefused(
            _("Det finnes en leder som kan bekrefte tilknytningen i Helhet; det skal gjøres der.")
        )
    membership.confirmed_at = timezone.now()
    membership.save(update_fields=["confirmed_at"])
    return membership
