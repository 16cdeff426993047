from django.contrib import admin, messages

from helhet.exchange.models import Delivery, WebhookSubscription


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_status",
        "last_error",
    )
    ordering = ("-pk",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "url", "active")
    list_filter = ("active", "municipality")
    inlines = [DeliveryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The only time the secret is shown; the receiver must store it now.
            messages.warning(
                request, f"Hemmelighet for signering (vises bare nå, lagre den): {obj.secret}"
            )
