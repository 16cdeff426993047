"""Reading the access log for the person and for the leader's review."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from helhet.access.models import AccessLogEntry, AccessReview
from helhet.people.models import Person

PERSON_LOG_LIMIT = 500

REFUSED = "avvist"
EMERGENCY = "nodtilgang"
ALL = "alle"
KINDS = {REFUSED: _("Avviste forsøk"), EMERGENCY: _("Nødtilgang"), ALL: _("Alle flaggede")}


class ReviewRefused(Exception):
    pass


def person_log(
    *, person: Person, categories: Iterable[str] | None = None
) -> QuerySet[AccessLogEntry]:
    """Who has read or changed the person's data (pasientjournalloven § 18);
    with ``categories``, only the rows about those categories."""
    entries = AccessLogEntry.objects.filter(person=person)
    if categories is not None:
        entries = entries.filter(category__in=list(categories))
    return entries.select_related("user").order_by("-at", "-id")[:PERSON_LOG_LIMIT]


def flagged(
    *, municipality_id: int, kind: str = ALL, unreviewed_only: bool = True
) -> QuerySet[AccessLogEntry]:
    """Unusual access in the municipality: refusals and emergency access
    (helsepersonelloven § 21a: snooping must be detectable)."""
    entries = AccessLogEntry.objects.filter(municipality_id=municipality_id, flagged=True)
    if kind == REFUSED:
        entries = entries.filter(granted=False)
    elif kind == EMERGENCY:
        entries = entries.filter(emergency=True)
    if unreviewed_only:
        entries = entries.filter(review__isnull=True)
    return entries.select_related(
        "person", "emergency_access", "review", "review__reviewed_by"
    ).order_by("-at", "-id")


def review(*, entry: AccessLogEntry, user: User, note: str) -> AccessReview:
    try:
        with transaction.atomic():
            return AccessReview.objects.create(entry=entry, reviewed_by=user, note=note[:500])
    except IntegrityError as error:
        raise ReviewRefused(_("Oppføringen er allerede gjennomgått.")) from error
