"""The access log in the admin: read-only, and without names.

A system administrator has no person access by default (docs/access.md), so
the admin shows the person only as an internal id.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User as UserModel
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.access import recovery
from helhet.access.models import AccessLogEntry, AdminLogEntry

# The admin classes are generic to the type checker only (without
# django-stubs-ext's monkeypatch, which Helhet does not install to run).
if TYPE_CHECKING:
    AccessLogAdminBase = admin.ModelAdmin[AccessLogEntry]
    AdminLogAdminBase = admin.ModelAdmin[AdminLogEntry]
    DeviceAdminBase = admin.ModelAdmin[Any]
    AccountFormBase = forms.ModelForm[UserModel]
    UserAdminBase = UserAdmin[UserModel]
else:
    AccessLogAdminBase = AdminLogAdminBase = DeviceAdminBase = admin.ModelAdmin
    AccountFormBase = forms.ModelForm
    UserAdminBase = UserAdmin


# Shown and read-only alike (tuples: the admin's attributes are read-only sequences).
_ACCESS_LOG_FIELDS = (
    "at",
    "municipality",
    "username",
    "role",
    "unit",
    "person_id",
    "action",
    "category",
    "what",
    "basis",
    "basis_detail",
    "granted",
    "emergency",
    "flagged",
)
_DEVICE_FIELDS = ("user", "name", "confirmed", "created_at", "last_used_at")
_ADMIN_LOG_FIELDS = (
    "at",
    "actor",
    "municipality_id",
    "kind",
    "change",
    "object_id",
    "subject_user_id",
    "summary",
    "fields",
)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(AccessLogAdminBase):
    list_display = [
        "at",
        "username",
        "role",
        "unit",
        "person_id",
        "action",
        "basis",
        "granted",
        "flagged",
    ]
    list_filter = ["granted", "flagged", "emergency", "action"]
    fields = readonly_fields = _ACCESS_LOG_FIELDS
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- administrators cannot pose as users ---------------------------------------
#
# An administrator runs the system; he must not be able to become one of its
# users (Normen: separation of duties; OWASP ASVS V2/V3). So the admin
#
# * never shows or sets a second-factor key: devices can be listed and removed,
#   not added or edited (the key would let him produce the user's codes);
# * outside demo mode, sets no password for another user: a new account gets an
#   unusable password, and a forgotten or compromised login is *reset* — the
#   user comes back through OpenID Connect or a one-time link to their own
#   e-mail address (helhet.access.recovery);
# * writes every change to the administration log (helhet.access.adminlog).


class AccountCreationForm(AccountFormBase):
    """A new account without a password: the user sets one through a channel
    the administrator does not control."""

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit: bool = True) -> UserModel:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class HelhetUserAdmin(UserAdminBase):
    actions = ["reset_login"]

    def _may_set_passwords(self, request: HttpRequest, obj: UserModel | None = None) -> bool:
        # A laptop demo has no identity provider and no mail; there the
        # administrator may still hand out passwords.
        return settings.DEMO_MODE or (obj is not None and obj.pk == request.user.pk)

    def get_fieldsets(self, request: HttpRequest, obj: UserModel | None = None) -> Any:
        if obj is None and not settings.DEMO_MODE:
            return [(None, {"fields": ["username", "first_name", "last_name", "email"]})]
        return super().get_fieldsets(request, obj)

    def get_form(
        self,
        request: HttpRequest,
        obj: UserModel | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None and not settings.DEMO_MODE:
            kwargs["form"] = AccountCreationForm
            kwargs["fields"] = ["username", "first_name", "last_name", "email"]
            return admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)
        return super().get_form(request, obj, change=change, **kwargs)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        target = self.get_object(request, id)
        if target is not None and not self._may_set_passwords(request, target):
            raise PermissionDenied(
                _(
                    "Administratorer kan ikke sette passord for andre. Tilbakestill "
                    "innloggingen i stedet; brukeren velger selv nytt passord."
                )
            )
        return super().user_change_password(request, id, form_url)

    @admin.action(description=gettext_lazy("Tilbakestill innlogging (passord og tofaktor)"))
    def reset_login(self, request: HttpRequest, queryset: QuerySet[UserModel]) -> None:
        if not isinstance(request.user, UserModel):
            raise PermissionDenied
        sent, not_sent = 0, 0
        for user in queryset:
            if recovery.reset_login(user=user, by=request.user, request=request):
                sent += 1
            else:
                not_sent += 1
        messages.success(
            request,
            _(
                "Innloggingen er tilbakestilt for %(count)s brukere. Engangslenke sendt: "
                "%(sent)s. Uten lenke (ingen e-post, eller adressen er nylig endret): "
                "%(not_sent)s; de logger inn med identitetsleverandøren."
            )
            % {"count": sent + not_sent, "sent": sent, "not_sent": not_sent},
        )


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class LockedTOTPDeviceAdmin(DeviceAdminBase):
    """Devices can be seen and removed; never added, edited or their key shown."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = readonly_fields = _DEVICE_FIELDS
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AdminLogEntry)
class AdminLogEntryAdmin(AdminLogAdminBase):
    list_display = ["at", "actor", "kind", "change", "summary"]
    list_filter = ["kind", "change"]
    fields = readonly_fields = _ADMIN_LOG_FIELDS
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
