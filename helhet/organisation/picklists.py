"""Staff pick-lists that make sense to the person choosing: each name with
its role and unit, only staff in case roles of service units, and two people
with the same name told apart by their username (docs/user-interface.md,
«Pick-lists»)."""

from collections import Counter
from collections.abc import Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from helhet.organisation.models import Membership, Role, Unit

# Roles that work with persons' cases (the gate's CASE_ROLES; repeated here
# because the gate imports this app's models).
CASE_ROLES = (
    Role.COORDINATING_UNIT,
    Role.CASEWORKER,
    Role.SERVICE_PROVIDER,
    Role.NAV_ADVISER,
    Role.LEADER,
)


def _case_memberships():
    return (
        Membership.objects.confirmed()
        .filter(role__in=CASE_ROLES)
        .exclude(unit__kind__in=Unit.NOT_SERVICE_KINDS)
        .select_related("unit")
        .order_by("unit__name", "role")
    )


def case_staff(municipality_id: int, *, include: Iterable[int] = ()) -> QuerySet[User]:
    """Active staff of the municipality with a confirmed case role in a service
    unit, with those memberships prefetched as ``case_memberships``. ``include``:
    user ids kept even without one (the value already saved on the record)."""
    from django.db.models import Q

    memberships = _case_memberships()
    return (
        get_user_model()
        .objects.filter(staff__municipality_id=municipality_id, is_active=True)
        .filter(Q(staff__all_memberships__in=memberships.values("pk")) | Q(pk__in=list(include)))
        .distinct()
        .select_related("staff")
        .prefetch_related(
            Prefetch("staff__all_memberships", memberships, to_attr="case_memberships")
        )
        .order_by("last_name", "first_name", "username")
    )


def roles_and_units(user) -> str:
    """«Saksbehandler, Tildelingskontoret; Leder, NAV Fjordvik»."""
    staff = getattr(user, "staff", None)
    found = getattr(staff, "case_memberships", None)
    if found is None and staff is not None:
        found = list(_case_memberships().filter(staff=staff))
    return "; ".join(f"{m.get_role_display()}, {m.unit.name}" for m in found or [])


def staff_label(user, same_name: bool = False) -> str:
    name = user.get_full_name() or user.get_username()
    if same_name:
        name = _("%(name)s (brukernavn %(username)s)") % {
            "name": name,
            "username": user.get_username(),
        }
    where = roles_and_units(user)
    return f"{name} – {where}" if where else name


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member, shown as «name – role, unit», with the username added
    when two in the list share a name."""

    def _same_names(self) -> set[tuple[str, str]]:
        queryset = self.queryset
        assert queryset is not None  # set by the form before it renders
        if getattr(self, "_names_of", None) is not queryset:
            counts = Counter(
                (first, last)
                for first, last in queryset.prefetch_related(None).values_list(
                    "first_name", "last_name"
                )
            )
            self._names = {key for key, n in counts.items() if n > 1}
            self._names_of = queryset
        return self._names

    def label_from_instance(self, obj) -> str:
        return staff_label(obj, (obj.first_name, obj.last_name) in self._same_names())


class StaffMultipleChoiceField(StaffChoiceField, forms.ModelMultipleChoiceField):
    pass
