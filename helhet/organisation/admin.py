"""The admin is for system administrators: municipalities, units, partners and
staff. Person data is deliberately absent (docs/access.md: no access by default).

An administrator registers memberships; they take effect when the unit head
confirms them in Helhet (``/organisasjon/tilknytninger/``). The confirmation
is read-only here, and changing a membership's unit or role makes it
unconfirmed again (``organisation.models.Membership``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Membership, Municipality, StaffMember, Unit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "is_demo"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "municipality"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "code"]


@admin.register(ExternalPartner)
class ExternalPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "municipality"]
    list_filter = ["municipality", "kind"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["unit", "role", "status", "created_by", "confirmed_by", "confirmed_at"]
    readonly_fields = ["status", "created_by", "confirmed_by", "confirmed_at"]

    def get_queryset(self, request):
        # Pending memberships too: the administrator sees what waits.
        return Membership.objects.select_related("unit", "created_by", "confirmed_by")

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.pk is None:
            return ""
        return _("Bekreftet") if obj.is_confirmed else _("Venter på leders bekreftelse")


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "municipality", "coordinator_trained_on"]
    list_filter = ["municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Membership) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
