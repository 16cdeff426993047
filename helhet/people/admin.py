"""The service-type catalogue is kept by the system administrator: it holds no
person data (a type, its legal basis and whether it needs a decision)."""

from django.contrib import admin

from helhet.people.models import ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "legal_basis", "needs_decision"]
    list_filter = ["kind", "needs_decision"]
    search_fields = ["name", "code"]
