"""Issuing, revoking and checking personal API tokens."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from helhet.api.models import ApiToken

PREFIX = "hlt_"
# Writing last_used_at on every request would make every read a write.
TOUCH_INTERVAL = dt.timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], token_hash=_hash(raw), prefix=raw[:12]
    )
    return token, raw


def revoke(user, token_id) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def user_for(raw: str):
    """The active staff user the token belongs to, or None."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active or not hasattr(token.user, "staff"):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user):
    return ApiToken.objects.filter(user=user)
