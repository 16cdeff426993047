"""Posting pending deliveries: signed, at least once, with backoff.

A delivery is claimed with a short lease before it is sent, so two runs of
``deliver-webhooks`` (an overlapping timer, a manual run) never post the same
delivery at the same time; a run that dies mid-send leaves the lease to expire
and the delivery is sent again later. Receivers deduplicate on
``X-Helhet-Delivery`` — that is the price of "at least once".
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from helhet.exchange.models import Delivery

TIMEOUT_SECONDS = 10
LEASE = dt.timedelta(minutes=2)
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ATTEMPTS = 15


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), MAX_BACKOFF)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_for(delivery: Delivery) -> bytes:
    payload = {"event_id": delivery.event_id, **delivery.event.payload}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _due(now):
    return Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        subscription__active=True,
    )


def claim(limit: int) -> list[int]:
    """Ids of up to ``limit`` due deliveries that this run now holds a lease on.

    PostgreSQL: row locks with SKIP LOCKED keep concurrent runs apart. SQLite
    has no row locks; the conditional UPDATE succeeds for exactly one run.
    """
    now = timezone.now()
    with transaction.atomic():
        candidates = _due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
    return [pk for pk in ids if _due(now).filter(pk=pk).update(claimed_until=now + LEASE)]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it could leave http(s) or the receiver."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(delivery: Delivery) -> tuple[int | None, str]:
    """POST once; returns (HTTP status or None, error text)."""
    url = delivery.subscription.url
    if urlsplit(url).scheme not in ("http", "https"):
        return None, "only http and https are allowed"
    body = body_for(delivery)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Helhet-webhooks",
            "X-Helhet-Event": delivery.event.type,
            "X-Helhet-Delivery": str(delivery.pk),
            "X-Helhet-Signature": sign(delivery.subscription.secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # URLError, timeouts, refused, bad URL
        return None, str(error)[:500] or error.__class__.__name__


def attempt(delivery: Delivery) -> bool:
    status, error = post(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status = status
    delivery.claimed_until = None
    if status is not None and 200 <= status < 300:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = error or f"HTTP {status}"
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status",
            "claimed_until",
            "status",
            "delivered_at",
            "last_error",
            "next_attempt_at",
        ]
    )
    return delivery.status == Delivery.Status.DELIVERED


def run(once: bool = False, limit: int = 100) -> tuple[int, int]:
    """Send due deliveries; returns (delivered, failed attempts).

    Without ``once`` it keeps claiming batches until nothing is due or
    ``limit`` deliveries have been tried.
    """
    delivered = failed = 0
    while delivered + failed < limit:
        ids = claim(limit - delivered - failed)
        if not ids:
            break
        for delivery in Delivery.objects.select_related("event", "subscription").filter(pk__in=ids):
            if attempt(delivery):
                delivered += 1
            else:
                failed += 1
        if once:
            break
    return delivered, failed
