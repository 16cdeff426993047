import datetime as dt
import hashlib
import hmac
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from helhet import testing
from helhet.exchange import delivery
from helhet.exchange.models import Delivery, EventType, OutboxEvent, WebhookSubscription
from helhet.intake import services as intake
from helhet.intake.tests import builders
from helhet.plans import services as plans
from helhet.plans.tests.builders import make_story

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def subscribe(muni, url, types=(EventType.PLAN_CHANGED,)):
    return WebhookSubscription.objects.create(
        municipality=muni, name="Fagsystem", url=url, event_types=list(types)
    )


def rename_plan(story, needs="Trenger hjelp med økonomi"):
    def apply(plan):
        plan.needs = needs
        plan.save()
        return "Behov endret"

    return plans.change_plan(
        plan_id=story.plan.pk,
        user=story.coordinator,
        expected_version=story.plan.version,
        apply=apply,
    )


def test_a_plan_change_writes_an_event_without_person_data(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url)
    plan = rename_plan(story)

    event = OutboxEvent.objects.latest("pk")
    assert event.type == "plan.changed"
    assert event.payload["plan_id"] == plan.pk
    assert event.payload["version"] == plan.version
    text = json.dumps(event.payload)
    person = story.person
    for secret in (person.given_name, person.family_name, person.national_id, "økonomi"):
        assert secret not in text
    assert event.deliveries.get().status == Delivery.Status.PENDING


def test_a_failing_change_writes_no_event(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url)
    before = OutboxEvent.objects.count()

    def apply(plan):
        plan.needs = "Halvferdig"
        plan.save()
        raise ValidationError("nei")

    with pytest.raises(ValidationError):
        plans.change_plan(
            plan_id=story.plan.pk,
            user=story.coordinator,
            expected_version=story.plan.version,
            apply=apply,
        )
    with pytest.raises(plans.StaleEdit):
        plans.change_plan(
            plan_id=story.plan.pk,
            user=story.coordinator,
            expected_version=story.plan.version - 1,
            apply=apply,
        )
    assert OutboxEvent.objects.count() == before
    assert not Delivery.objects.exists()


def test_delivery_is_signed_and_verifiable(receiver):
    story = make_story()
    sub = subscribe(story.municipality, receiver.url)
    rename_plan(story)

    assert delivery.run() == (1, 0)

    (request,) = receiver.requests
    expected = hmac.new(sub.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Helhet-Signature"] == f"sha256={expected}"
    assert request.headers["X-Helhet-Event"] == "plan.changed"
    sent = Delivery.objects.get()
    assert request.headers["X-Helhet-Delivery"] == str(sent.pk)
    assert json.loads(request.body)["plan_id"] == story.plan.pk
    assert sent.status == Delivery.Status.DELIVERED and sent.last_status == 200
    assert delivery.run() == (0, 0)  # nothing is sent twice once delivered


def test_a_500_is_retried_with_growing_backoff(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url)
    receiver.responses.extend([500, 503])
    with time_machine.travel(START, tick=False) as clock:
        rename_plan(story)
        assert delivery.run() == (0, 1)
        pending = Delivery.objects.get()
        assert pending.next_attempt_at == START + dt.timedelta(minutes=1)
        assert pending.last_status == 500

        assert delivery.run() == (0, 0)  # not due yet
        clock.shift(dt.timedelta(seconds=61))
        assert delivery.run() == (0, 1)
        pending.refresh_from_db()
        assert pending.next_attempt_at == timezone.now() + dt.timedelta(minutes=2)

        clock.shift(dt.timedelta(minutes=2))
        assert delivery.run() == (1, 0)
    assert len(receiver.requests) == 3
    assert len({r.headers["X-Helhet-Delivery"] for r in receiver.requests}) == 1


def test_a_timed_out_delivery_is_sent_again(receiver, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.3)
    story = make_story()
    subscribe(story.municipality, receiver.url)
    receiver.responses.append("hang")
    with time_machine.travel(START, tick=True) as clock:
        rename_plan(story)
        assert delivery.run() == (0, 1)
        assert "timed out" in Delivery.objects.get().last_error
        clock.shift(dt.timedelta(minutes=2))
        assert delivery.run() == (1, 0)
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Helhet-Delivery"] == second.headers["X-Helhet-Delivery"]


def test_gives_up_after_fifteen_attempts(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url)
    receiver.responses.extend([500] * 20)
    with time_machine.travel(START, tick=False) as clock:
        rename_plan(story)
        for _ in range(15):
            delivery.run()
            clock.shift(delivery.MAX_BACKOFF)
        assert delivery.run() == (0, 0)
    gave_up = Delivery.objects.get()
    assert gave_up.status == Delivery.Status.FAILED
    assert gave_up.attempts == 15
    assert len(receiver.requests) == 15


def test_a_claimed_delivery_is_not_claimed_again(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url)
    rename_plan(story)
    first = delivery.claim(10)
    assert len(first) == 1
    assert delivery.claim(10) == []
    with time_machine.travel(timezone.now() + delivery.LEASE + dt.timedelta(seconds=1)):
        assert delivery.claim(10) == first  # a crashed run's lease expires


def test_a_paused_subscription_receives_nothing_until_resumed(receiver):
    story = make_story()
    sub = subscribe(story.municipality, receiver.url)
    rename_plan(story)
    WebhookSubscription.objects.filter(pk=sub.pk).update(active=False)
    assert delivery.run() == (0, 0)
    WebhookSubscription.objects.filter(pk=sub.pk).update(active=True)
    assert delivery.run() == (1, 0)


def test_only_matching_subscriptions_of_the_same_municipality_get_events(receiver):
    story = make_story()
    subscribe(story.municipality, receiver.url, types=[EventType.DECISION_MADE])
    subscribe(testing.municipality(), receiver.url)
    rename_plan(story)
    assert OutboxEvent.objects.filter(type="plan.changed").exists()
    assert not Delivery.objects.exists()


def test_decisions_made_and_started_are_events(world, receiver):
    subscribe(world.muni, receiver.url, types=[EventType.DECISION_MADE, EventType.DECISION_STARTED])
    app = builders.application(world)
    decision = intake.make_decision(
        application=app,
        user=world.users.caseworker,
        outcome="innvilget",
        decided_on=dt.date(2025, 1, 25),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        provider=world.units.provider,
        period_from=dt.date(2025, 1, 28),
        evaluation_on=dt.date(2025, 4, 25),
        reasons="Behov for hjelp",
    )
    intake.sign_decision(decision=decision, user=world.users.head, day=dt.date(2025, 1, 25))
    intake.confirm_start(
        decision=decision, user=world.users.provider, started_on=dt.date(2025, 1, 28)
    )

    call_command("deliver-webhooks", "--once")

    events = [r.headers["X-Helhet-Event"] for r in receiver.requests]
    assert sorted(events) == ["decision.made", "decision.started"]
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert {b["decision_id"] for b in bodies} == {decision.pk}
    assert app.person.family_name not in b"".join(r.body for r in receiver.requests).decode()


def test_subscription_accepts_only_http_urls_and_known_events():
    muni = testing.municipality()
    sub = WebhookSubscription(
        municipality=muni, name="x", url="ftp://example.org/", event_types=["plan.changed"]
    )
    with pytest.raises(ValidationError) as error:
        sub.full_clean()
    assert "url" in error.value.message_dict
    sub.url, sub.event_types = "https://example.org/hook", ["plan.deleted"]
    with pytest.raises(ValidationError) as error:
        sub.full_clean()
    assert "event_types" in error.value.message_dict
    assert len(sub.secret) == 64
