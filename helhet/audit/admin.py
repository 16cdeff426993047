from django.contrib import admin

from helhet.audit.models import SupervisoryAuthority


@admin.register(SupervisoryAuthority)
class SupervisoryAuthorityAdmin(admin.ModelAdmin):
    """The state governor and its members are kept by the system administrator."""

    list_display = ["name"]
    filter_horizontal = ["municipalities", "members"]
