"""The access log in the admin: read-only, and without names.

A system administrator has no person access by default (DOMAIN.md §2), so
the admin shows the person only as an internal id.
"""

from django.contrib import admin

from helhet.access.models import AccessLogEntry


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
