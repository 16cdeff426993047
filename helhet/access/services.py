"""Reading the access log for the person, the coordinator, Min side and the
leader's review.

Every read is bounded by date, so PostgreSQL reads only the monthly partitions
of the period asked for (docs/performance.md, "The access log at scale"), and a
person's log is read one page at a time (keyset paging on ``(at, id)``): one
query per page, whatever the log holds.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.models import AccessLogEntry, AccessReview
from helhet.people.models import Person

PAGE_SIZE = 50
# The person's log opens on the last twelve months; earlier years are chosen.
RECENT = dt.timedelta(days=365)
# The leader's review looks this far back unless a longer period is chosen.
REVIEW_DAYS = (30, 90, 365)
REVIEW_DEFAULT_DAYS = 90

REFUSED = "avvist"
EMERGENCY = "nodtilgang"
ALL = "alle"
KINDS = {REFUSED: _("Avviste forsøk"), EMERGENCY: _("Nødtilgang"), ALL: _("Alle flaggede")}


class ReviewRefused(Exception):
    pass


@dataclass(frozen=True)
class Period:
    """A half-open range of time: the last twelve months, or a calendar year."""

    start: dt.datetime
    end: dt.datetime
    # The calendar year chosen; None for the last twelve months.
    year: int | None = None


@dataclass(frozen=True)
class LogPage:
    entries: list[AccessLogEntry]
    period: Period
    # The key of the last row shown, for the next (older) page; None on the last page.
    next_cursor: str | None
    # Whether this is a later page (a link back to the newest is shown).
    later: bool
    years: list[int]


def period_for(*, person: Person, year: str | None, now: dt.datetime | None = None) -> Period:
    """The period asked for: a year from the one the person was registered in
    (no row about them is older) to this year, else the last twelve months."""
    now = now or timezone.now()
    if year and year.isdigit() and int(year) in years_for(person=person, now=now):
        tz = timezone.get_current_timezone()
        chosen = int(year)
        return Period(
            dt.datetime(chosen, 1, 1, tzinfo=tz), dt.datetime(chosen + 1, 1, 1, tzinfo=tz), chosen
        )
    return Period(now - RECENT, now + dt.timedelta(days=1))


def years_for(*, person: Person, now: dt.datetime | None = None) -> list[int]:
    """The years the person's log can have rows in, newest first."""
    now = timezone.localtime(now or timezone.now())
    first = timezone.localtime(person.created_at).year if person.created_at else now.year
    return list(range(now.year, min(first, now.year) - 1, -1))


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def encode_cursor(*, entry: AccessLogEntry) -> str:
    return f"{(entry.at - EPOCH) // MICROSECOND}-{entry.pk}"


def decode_cursor(*, text: str | None) -> tuple[dt.datetime, int] | None:
    """``MICROSECONDS-ID``; None if absent or malformed (the newest page is shown)."""
    if not text:
        return None
    micros, _sep, entry_id = text.partition("-")
    if not (micros.isdigit() and entry_id.isdigit()) or len(micros) > 17 or len(entry_id) > 19:
        return None
    try:
        at = EPOCH + int(micros) * MICROSECOND
    except OverflowError:
        return None
    return at, int(entry_id)


def _page(
    entries: QuerySet[AccessLogEntry], *, person: Person, year: str | None, cursor: str | None
) -> LogPage:
    period = period_for(person=person, year=year)
    entries = entries.filter(person=person, at__gte=period.start, at__lt=period.end)
    after = decode_cursor(text=cursor)
    if after is not None:
        at, entry_id = after
        # Keyset on (at, id), newest first: the index (person, at) finds the
        # place, and ``at <= `` lets it start there.
        entries = entries.filter(at__lte=at).filter(Q(at__lt=at) | Q(pk__lt=entry_id))
    rows = list(entries.order_by("-at", "-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return LogPage(
        entries=rows,
        period=period,
        next_cursor=encode_cursor(entry=rows[-1]) if more else None,
        later=after is not None,
        years=years_for(person=person),
    )


def person_log(
    *,
    person: Person,
    categories: Iterable[str] | None = None,
    year: str | None = None,
    cursor: str | None = None,
) -> LogPage:
    """Who has read or changed the person's data (pasientjournalloven § 18), one
    page of a period; with ``categories``, only the rows about those categories."""
    entries = AccessLogEntry.objects.select_related("user")
    if categories is not None:
        entries = entries.filter(category__in=list(categories))
    return _page(entries, person=person, year=year, cursor=cursor)


def own_log(*, person: Person, year: str | None = None, cursor: str | None = None) -> LogPage:
    """Min side's «innsyn»: everyone else's reads and changes, newest first
    (pjl § 18). The person's own visits are left out: they are not what the
    person asks about."""
    entries = AccessLogEntry.objects.exclude(basis="egen").select_related("user", "consent")
    return _page(entries, person=person, year=year, cursor=cursor)


def viewers_since(*, person: Person, days: int = 365) -> QuerySet[AccessLogEntry, dict[str, Any]]:
    """The users who read the person's data in the last ``days`` days (a
    subquery of user ids), for Min side's list of staff the person can block."""
    now = timezone.now()
    return AccessLogEntry.objects.filter(
        person=person, at__gte=now - dt.timedelta(days=days), at__lt=now + dt.timedelta(days=1)
    ).values("user_id")


def review_since(
    *, days: str | int | None, now: dt.datetime | None = None
) -> tuple[int, dt.datetime]:
    """The review's period in days (one of REVIEW_DAYS) and its start."""
    text = str(days)
    chosen = int(text) if text.isdigit() and int(text) in REVIEW_DAYS else REVIEW_DEFAULT_DAYS
    return chosen, (now or timezone.now()) - dt.timedelta(days=chosen)


def flagged(
    *,
    municipality_id: int,
    since: dt.datetime,
    kind: str = ALL,
    unreviewed_only: bool = True,
) -> QuerySet[AccessLogEntry]:
    """Unusual access in the municipality since a time: refusals and emergency
    access (helsepersonelloven § 21a: snooping must be detectable)."""
    # Bounded on both sides, so the months ahead (made in advance) are not read either.
    entries = AccessLogEntry.objects.filter(
        municipality_id=municipality_id,
        flagged=True,
        at__gte=since,
        at__lt=timezone.now() + dt.timedelta(days=1),
    )
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
