from django.contrib import admin

from helhet.mapping.models import MappingRound


@admin.register(MappingRound)
class MappingRoundAdmin(admin.ModelAdmin):
    # Rounds hold no person data; mappings are person data and stay out of admin.
    list_display = ["name", "municipality", "starts_on", "ends_on", "closed_on"]
    list_filter = ["municipality"]
