"""Writing outbox events, inside the caller's transaction.

Deliberately not ``transaction.on_commit``: the event row must commit or roll
back together with the change it describes, so a crash between the two can
neither lose an event nor announce a change that never happened.
"""

from django.db import transaction
from django.utils import timezone

from helhet.exchange.models import Delivery, EventType, OutboxEvent, WebhookSubscription


def record(event_type: str, municipality_id: int, object_id: int, **ids) -> OutboxEvent:
    """Store one event and a pending delivery per matching subscription.

    ``ids`` are extra identifiers or counters (plan version, application id);
    never names or national identity numbers (see ``OutboxEvent``).
    """
    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    with transaction.atomic():
        now = timezone.now()
        payload = {
            "type": event_type,
            "municipality": municipality_id,
            "object_id": object_id,
            **ids,
            "occurred_at": now.isoformat(),
        }
        event = OutboxEvent.objects.create(
            municipality_id=municipality_id,
            type=event_type,
            object_id=object_id,
            payload=payload,
        )
        subscriptions = WebhookSubscription.objects.filter(
            municipality_id=municipality_id, active=True
        ).only("pk", "event_types")
        Delivery.objects.bulk_create(
            Delivery(event=event, subscription=sub, next_attempt_at=now)
            for sub in subscriptions
            if event_type in sub.event_types
        )
    return event


def plan_changed(plan) -> OutboxEvent:
    return record(
        EventType.PLAN_CHANGED,
        plan.person.municipality_id,
        plan.pk,
        plan_id=plan.pk,
        version=plan.version,
    )


def decision_event(event_type: str, decision) -> OutboxEvent:
    application = decision.application
    return record(
        event_type,
        application.unit.municipality_id,
        decision.pk,
        decision_id=decision.pk,
        application_id=application.pk,
        outcome=decision.outcome,
    )
