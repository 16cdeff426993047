"""The access log in the admin: read-only, and without names.

A system administrator has no person access by default (docs/access.md), so
the admin shows the person only as an internal id.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.access import recovery
from helhet.access.models import AccessLogEntry, AdminLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
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
    fields = [
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
    ]
    readonly_fields = fields
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
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


class AccountCreationForm(forms.ModelForm):
    """A new account without a password: the user sets one through a channel
    the administrator does not control."""

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class HelhetUserAdmin(UserAdmin):
    actions = ["reset_login"]

    def _may_set_passwords(self, request, obj=None) -> bool:
        # A laptop demo has no identity provider and no mail; there the
        # administrator may still hand out passwords.
        return settings.DEMO_MODE or (obj is not None and obj.pk == request.user.pk)

    def get_fieldsets(self, request, obj=None):
        if obj is None and not settings.DEMO_MODE:
            return [(None, {"fields": ["username", "first_name", "last_name", "email"]})]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not settings.DEMO_MODE:
            kwargs["form"] = AccountCreationForm
            kwargs["fields"] = ["username", "first_name", "last_name", "email"]
            return admin.ModelAdmin.get_form(self, request, obj, **kwargs)
        return super().get_form(request, obj, **kwargs)

    def user_change_password(self, request, id, form_url=""):
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
    def reset_login(self, request, queryset):
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
class LockedTOTPDeviceAdmin(admin.ModelAdmin):
    """Devices can be seen and removed; never added, edited or their key shown."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AdminLogEntry)
class AdminLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "kind", "change", "summary"]
    list_filter = ["kind", "change"]
    fields = [
        "at",
        "actor",
        "municipality_id",
        "kind",
        "change",
        "object_id",
        "subject_user_id",
        "summary",
        "fields",
    ]
    readonly_fields = fields
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
