"""Transactional outbox and webhook subscriptions (docs/exchange.md).

A change to a plan or a decision writes an ``OutboxEvent`` in the same
database transaction as the change itself, so an event exists if and only if
the change was committed. ``deliver-webhooks`` then posts each event to every
matching subscription, at least once, signed with HMAC-SHA256.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality


class EventType(models.TextChoices):
    PLAN_CHANGED = "plan.changed", _("Plan endret")
    DECISION_MADE = "decision.made", _("Vedtak fattet")
    DECISION_STARTED = "decision.started", _("Oppstart bekreftet")


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    name = models.CharField(_("navn"), max_length=120)
    url = models.URLField(
        _("adresse"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    # Stored in clear text on purpose: the sender must recompute the HMAC of
    # every body with it, which a one-way hash would make impossible. It is
    # shown once, when created; rotate it by creating a new subscription.
    secret = models.CharField(_("hemmelighet"), max_length=128, default=new_secret, editable=False)
    event_types = models.JSONField(
        _("hendelsestyper"),
        default=list,
        help_text=_('Liste med hendelsestyper, f.eks. ["plan.changed", "decision.made"].'),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook-abonnement")
        verbose_name_plural = _("webhook-abonnementer")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        unknown = set(self.event_types or []) - set(EventType.values)
        if not isinstance(self.event_types, list) or unknown:
            raise ValidationError(
                {
                    "event_types": _("Ukjent hendelsestype. Gyldige: %(v)s.")
                    % {"v": ", ".join(EventType.values)}
                }
            )


class OutboxEvent(models.Model):
    """One committed change, described by ids only.

    The payload carries no names, national identity numbers or plan content:
    a receiver that wants the details fetches them through the API, which goes
    through the access gate and is logged there (pasientjournalloven § 16,
    docs/exchange.md). A leaked or misrouted webhook therefore reveals no person data.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="outbox_events"
    )
    type = models.CharField(max_length=40, choices=EventType.choices)
    object_id = models.BigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} #{self.object_id}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        DELIVERED = "delivered", _("Levert")
        FAILED = "failed", _("Gitt opp")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="one_delivery_per_sub")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
