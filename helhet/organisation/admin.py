"""The admin is for system administrators: municipalities, units, partners and
staff. Person data is deliberately absent (DOMAIN.md §2: no access by default)."""

from django.contrib import admin

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


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "municipality", "coordinator_trained_on"]
    list_filter = ["municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    inlines = [MembershipInline]
