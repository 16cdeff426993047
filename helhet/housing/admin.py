"""System administration of the municipality's own limit for emergency stays
(a local routine, not law) and its housing stock. No person data here."""

from django.contrib import admin

from helhet.housing.models import Dwelling, HousingRoutine


@admin.register(HousingRoutine)
class HousingRoutineAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "emergency_stay_days", "adopted_on"]
    list_filter = ["municipality"]


@admin.register(Dwelling)
class DwellingAdmin(admin.ModelAdmin):
    list_display = ["address", "kind", "owner_name", "state", "earmarked_for", "municipality"]
    list_filter = ["municipality", "kind", "state", "earmarked_for"]
    search_fields = ["address", "owner_name"]
