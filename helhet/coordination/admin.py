"""System administration of the municipality's own routines (local deadlines);
the coordinating unit keeps the same at /koordinering/rutiner/."""

from django.contrib import admin

from helhet.coordination.models import CoordinatorCaseloadSetting, LocalRoutine


@admin.register(LocalRoutine)
class LocalRoutineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "days", "municipality", "adopted_on", "updated_at"]
    list_filter = ["municipality", "kind"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CoordinatorCaseloadSetting)
class CoordinatorCaseloadSettingAdmin(admin.ModelAdmin):
    list_display = ["municipality", "warn_above", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
