"""The administration log: every change to who may log in and in which role.

Written from model signals, so a change is logged whichever way it is made
(the Django admin, the staff import, a command, a service), in the same
transaction as the change. Who made it comes from the request
(``ActorMiddleware``); outside a request the actor is empty ("drift").

What is logged: user accounts (without the password hash, only that it
changed), staff members, memberships, units, municipalities, external
partners, access groups, and second-factor devices (created, confirmed,
deleted — never the key). Logins themselves (``last_login``) and django-otp's
own bookkeeping (throttling, last code used) are not administrative changes.
"""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.models import AdminLogEntry

Kind = AdminLogEntry.Kind
Change = AdminLogEntry.Change

# The request, or a stand-in with ``.user`` (``acting_as``).
_actor: contextvars.ContextVar[HttpRequest | SimpleNamespace | None] = contextvars.ContextVar(
    "helhet_admin_actor", default=None
)

# Fields whose change is not an administrative act.
_IGNORED = {
    "last_login",
    # django-otp's bookkeeping on every code checked
    "last_t",
    "drift",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "created_at",
}
USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "password",
    "is_active",
    "is_staff",
    "is_superuser",
]


class ActorMiddleware:
    """Remembers who is acting during a request, for the log entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _actor.set(request)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


@contextlib.contextmanager
def acting_as(user: AbstractBaseUser | AnonymousUser | None) -> Iterator[None]:
    """Who acts, for changes made outside a request's own user (a service
    that knows who asked for it)."""
    token = _actor.set(SimpleNamespace(user=user))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> User | None:
    request = _actor.get()
    user = getattr(request, "user", None) if request is not None else None
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def write(
    *,
    kind: str,
    change: str,
    summary: str,
    object_id: object = None,
    municipality_id: int | None = None,
    subject_user_id: int | None = None,
    fields: list[str] | None = None,
    actor: AbstractBaseUser | None = None,
) -> AdminLogEntry:
    actor = actor if actor is not None else current_actor()
    return AdminLogEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor=actor.get_username() if actor is not None else "",
        municipality_id=municipality_id,
        kind=kind,
        change=change,
        object_id="" if object_id is None else str(object_id),
        subject_user_id=subject_user_id,
        summary=summary[:300],
        fields=",".join(fields or [])[:300],
    )


def changed_recently(
    user_id: int,
    field: str,
    days: int,
    *,
    now: dt.datetime | None = None,
    creation_counts: bool = True,
) -> bool:
    """Whether ``field`` of the account changed (or, with ``creation_counts``,
    the account was created) within ``days`` — read from the append-only log,
    which the administrator cannot edit."""
    now = now or timezone.now()
    entries = AdminLogEntry.objects.filter(
        kind=Kind.USER, subject_user_id=user_id, at__gte=now - dt.timedelta(days=days)
    )
    return any(
        (creation_counts and e.change == Change.CREATED) or field in e.field_list
        for e in entries.only("change", "fields")
    )


# --- describing objects ------------------------------------------------------------


def _user_municipality(user_id: int) -> int | None:
    from helhet.organisation.models import StaffMember

    return (
        StaffMember.objects.filter(user_id=user_id)
        .values_list("municipality_id", flat=True)
        .first()
    )


def _account(user: User) -> str:
    # A portal account's username may say who the person is; a staff
    # member's is a work identity.
    if _user_municipality(user.pk) is not None or user.is_staff or user.is_superuser:
        return user.get_username()
    return _("innbyggerkonto nr. %(id)s") % {"id": user.pk}


# (kind, municipality_id, subject_user_id, summary)
Described = tuple[str, int | None, int | None, str]


def _describe(instance: Model) -> Described | None:
    """(kind, municipality_id, subject_user_id, summary) or None if not logged."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helhet.organisation.models import (
        ExternalPartner,
        Membership,
        Municipality,
        StaffMember,
        Unit,
    )

    if isinstance(instance, get_user_model()):
        return (
            Kind.USER,
            _user_municipality(instance.pk),
            instance.pk,
            _("Brukerkonto %(name)s") % {"name": _account(instance)},
        )
    if isinstance(instance, StaffMember):
        return (
            Kind.STAFF,
            instance.municipality_id,
            instance.user_id,
            _("Ansatt %(name)s") % {"name": instance.user.get_username()},
        )
    if isinstance(instance, Membership):
        return (
            Kind.MEMBERSHIP,
            instance.unit.municipality_id,
            instance.staff.user_id,
            _("Tilknytning: %(name)s, %(unit)s, %(role)s")
            % {
                "name": instance.staff.user.get_username(),
                "unit": instance.unit.name,
                "role": instance.get_role_display(),
            },
        )
    if isinstance(instance, Unit):
        return (
            Kind.UNIT,
            instance.municipality_id,
            None,
            _("Enhet %(name)s") % {"name": instance.name},
        )
    if isinstance(instance, Municipality):
        return (Kind.MUNICIPALITY, instance.pk, None, _("Kommune %(name)s") % {"name": instance})
    if isinstance(instance, ExternalPartner):
        return (
            Kind.PARTNER,
            instance.municipality_id,
            None,
            _("Samarbeidspartner %(name)s") % {"name": instance.name},
        )
    if isinstance(instance, TOTPDevice):
        return (
            Kind.DEVICE,
            _user_municipality(instance.user_id),
            instance.user_id,
            _("Tofaktorenhet for %(name)s") % {"name": _account(instance.user)},
        )
    if isinstance(instance, Group):
        return (Kind.GROUP, None, None, _("Tilgangsgruppe %(name)s") % {"name": instance.name})
    return None


def _field_names(instance: Model) -> list[str]:
    if isinstance(instance, get_user_model()):
        return USER_FIELDS
    return [
        f.attname
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.attname not in _IGNORED
    ]


def _password_really_changed(user: AbstractBaseUser, old_hash: str) -> bool:
    """A login may upgrade the stored hash of the same password (Django's
    check_password); that is not a change. A new password goes through
    set_password, which leaves ``_password`` set until the save; making it
    unusable turns a usable hash into an unusable one."""
    from django.contrib.auth.hashers import is_password_usable

    if getattr(user, "_password", None) is not None:
        return True
    return is_password_usable(old_hash) != is_password_usable(user.password)


def _is_pending_device(instance: Model) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return isinstance(instance, TOTPDevice) and not instance.confirmed


# --- signal handlers -----------------------------------------------------------------


# The handlers keep the old values on the instance itself (``_helhet_before``),
# an attribute no model declares: the instance is Any here.
def _before(
    sender: type[Model],
    instance: Any,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw or instance.pk is None or _describe_kind(instance) is None:
        return
    names = _field_names(instance)
    if update_fields is not None:
        names = [n for n in names if n in update_fields or n.removesuffix("_id") in update_fields]
    if not names:  # e.g. only last_login: a login, not an administrative change
        instance._helhet_before = None
        return
    old = type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()
    instance._helhet_before = old


def _after(
    sender: type[Model],
    instance: Any,
    created: bool,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:
        return
    described = _describe(instance)
    if described is None:
        return
    kind, municipality_id, subject, summary = described
    if created:
        if _is_pending_device(instance):
            return  # the user's own enrolment in progress; logged when confirmed
        write(
            kind=kind,
            change=Change.CREATED,
            summary=summary,
            object_id=instance.pk,
            municipality_id=municipality_id,
            subject_user_id=subject,
        )
        return
    old = getattr(instance, "_helhet_before", None)
    instance._helhet_before = None
    if not old:
        return
    changed = [n for n, value in old.items() if getattr(instance, n) != value]
    if "password" in changed and not _password_really_changed(instance, old["password"]):
        changed.remove("password")
    if not changed:
        return
    change = Change.CHANGED
    if kind == Kind.MEMBERSHIP and "confirmed_at" in changed and instance.confirmed_at:
        change = Change.CONFIRMED
    elif kind == Kind.DEVICE and "confirmed" in changed and instance.confirmed:
        change = Change.CREATED
    write(
        kind=kind,
        change=change,
        summary=summary,
        object_id=instance.pk,
        municipality_id=municipality_id,
        subject_user_id=subject,
        fields=changed,
    )


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if _is_pending_device(instance):
        return
    try:
        described = _describe(instance)
    except Exception:  # noqa: BLE001 — a related row already gone in a cascade
        described = None
    if described is None:
        write(
            kind=_describe_kind(instance) or Kind.USER,
            change=Change.DELETED,
            summary=_("Slettet: %(object)s") % {"object": type(instance)._meta.verbose_name},
            object_id=instance.pk,
        )
        return
    kind, municipality_id, subject, summary = described
    write(
        kind=kind,
        change=Change.DELETED,
        summary=summary,
        object_id=instance.pk,
        municipality_id=municipality_id,
        subject_user_id=subject,
    )


def _describe_kind(instance: Model) -> str | None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helhet.organisation.models import (
        ExternalPartner,
        Membership,
        Municipality,
        StaffMember,
        Unit,
    )

    kinds = {
        get_user_model(): Kind.USER,
        StaffMember: Kind.STAFF,
        Membership: Kind.MEMBERSHIP,
        Unit: Kind.UNIT,
        Municipality: Kind.MUNICIPALITY,
        ExternalPartner: Kind.PARTNER,
        TOTPDevice: Kind.DEVICE,
        Group: Kind.GROUP,
    }
    return kinds.get(type(instance))


def _groups_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    # Group membership and permissions of an account (the admin's own
    # rights system) are administrative changes too.
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    field = "groups" if sender is get_user_model().groups.through else "user_permissions"
    users = get_user_model().objects.filter(pk__in=pk_set or []) if reverse else [instance]
    for user in users:
        described = _describe(user)
        if described is None:
            continue
        kind, municipality_id, subject, summary = described
        write(
            kind=kind,
            change=Change.CHANGED,
            summary=summary,
            object_id=user.pk,
            municipality_id=municipality_id,
            subject_user_id=subject,
            fields=[field],
        )


def connect() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helhet.organisation.models import (
        ExternalPartner,
        Membership,
        Municipality,
        StaffMember,
        Unit,
    )

    for model in (
        get_user_model(),
        StaffMember,
        Membership,
        Unit,
        Municipality,
        ExternalPartner,
        TOTPDevice,
        Group,
    ):
        uid = f"helhet-adminlog-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-delete")
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through):
        m2m_changed.connect(
            _groups_changed,
            sender=through,
            dispatch_uid=f"helhet-adminlog-{through._meta.label_lower}",
        )
