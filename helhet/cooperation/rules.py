"""Pure rules for cooperation: no database, easy to test."""

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.cooperation.models import Meeting

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from helhet.organisation.models import Role

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Audits found: contact information must be current; a year without a check is too long.
STALE_AFTER_MONTHS = 12
# A meeting held within a week after it was due is not counted as missed.
MEETING_GRACE_DAYS = 7

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
_MAGIC = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]
_EXTENSIONS = {PDF: {".pdf"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}}
_TYPE_NAMES = {PDF: "PDF", PNG: "PNG-bilde", JPEG: "JPEG-bilde"}

# Roles that maintain the directory, routines and forums for the municipality.
MANAGER_ROLES = {
    Role.COORDINATING_UNIT,
    Role.LEADER,
    Role.SECTOR_HEAD,
    Role.QUALITY,
    Role.SYSTEM_ADMIN,
}


def can_manage(roles: set[str]) -> bool:
    return bool(roles & MANAGER_ROLES)


def sniff_type(head: bytes) -> str | None:
    """The file type from its first bytes; the name and the browser's claim are not trusted."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def attachment_errors(name: str, size: int, head: bytes) -> list[str]:
    """Why an upload is refused (empty list: accepted)."""
    if size == 0:
        return [_("Filen er tom.")]
    if size > MAX_ATTACHMENT_BYTES:
        return [
            _("Filen er for stor (%(mb).1f MB). Største tillatte størrelse er 10 MB.")
            % {"mb": size / 1024 / 1024}
        ]
    content_type = sniff_type(head)
    if content_type is None:
        return [_("Bare PDF, PNG og JPEG kan lastes opp. Innholdet i filen er ingen av disse.")]
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in _EXTENSIONS[content_type]:
        return [
            _(
                "Filendelsen «%(ext)s» passer ikke med innholdet, som er %(kind)s. "
                "Gi filen riktig endelse og prøv igjen."
            )
            % {"ext": extension or _("(ingen)"), "kind": _TYPE_NAMES[content_type]}
        ]
    return []


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def is_stale(last_verified: dt.date, today: dt.date) -> bool:
    return last_verified <= months_before(today, STALE_AFTER_MONTHS)


def _missed_in_gap(days: int, frequency_days: int) -> int:
    # Due at k*f after the last meeting; missed when the grace has run out too.
    return max(0, math.ceil((days - MEETING_GRACE_DAYS) / frequency_days) - 1)


def missed_meetings(
    held: list[dt.date], since: dt.date, today: dt.date, frequency_weeks: int
) -> int:
    """How many agreed meetings did not happen between ``since`` and today."""
    frequency_days = frequency_weeks * 7
    points = [since, *sorted(d for d in held if since <= d <= today), today]
    gaps = [(b - a).days for a, b in itertools.pairwise(points)]
    return sum(_missed_in_gap(days, frequency_days) for days in gaps)


def next_due(held: list[dt.date], since: dt.date, frequency_weeks: int) -> dt.date:
    return max([since, *held]) + dt.timedelta(weeks=frequency_weeks)


def routine_gaps(
    shared: dict[tuple[int, int], int], covered: set[tuple[int, int]]
) -> list[tuple[tuple[int, int], int]]:
    """Unit pairs sharing persons with no routine between them, most shared first."""
    gaps = [(pair, n) for pair, n in shared.items() if pair not in covered]
    return sorted(gaps, key=lambda item: (-item[1], item[0]))


# --- iCalendar (RFC 5545), written by hand: three properties do not need a library.


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    description: str
    location: str
    cancelled: bool = False


# Control characters other than TAB may not stand in a TEXT value (RFC 5545
# §3.3.11); a bare CR or LF would end the property line, and what follows
# would be read as a property of its own.
_ICS_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_ICS_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _ics_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _ICS_CONTROL.sub("", _ICS_LINE_BREAK.sub("\\\\n", text))


def _ics_fold(line: str) -> str:
    # Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a UTF-8 character.
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _ics_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def render_ics(events: list[CalendarEvent], stamp: dt.datetime, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Helhet//Samarbeid//NO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_ics_time(stamp)}",
            f"DTSTART:{_ics_time(event.starts_at)}",
            f"DTEND:{_ics_time(event.ends_at)}",
            f"SUMMARY:{_ics_escape(event.summary)}",
            f"DESCRIPTION:{_ics_escape(event.description)}",
            *([f"LOCATION:{_ics_escape(event.location)}"] if event.location else []),
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


def meeting_time_error(status: str, starts_at: dt.datetime, now: dt.datetime) -> str | None:
    """A planned meeting lies ahead; a held one cannot be on a later day."""
    if status == Meeting.Status.PLANNED and starts_at < now:
        return _(
            "Et planlagt møte kan ikke ligge tilbake i tid. Velg et senere tidspunkt, "
            "eller registrer møtet som gjennomført."
        )
    if status == Meeting.Status.HELD and timezone.localdate(starts_at) > timezone.localdate(now):
        return _("Et møte kan ikke registreres som gjennomført før det har funnet sted.")
    return None


# hol. § 6-2 first paragraph: the agreement covers at least these topics (nos. 1–11),
# and services for people with mental illness and substance problems (ROP,
# docs/cooperation.md). A sub-agreement may cover several.
REQUIRED_TOPICS = (
    "oppgavefordeling",
    "koordinerte",
    "innleggelse",
    "oyeblikkelig_hjelp",
    "utskrivning",
    "kunnskapsoverforing",
    "forskning",
    "jordmor",
    "ikt",
    "forebygging",
    "beredskap",
    "psykisk_helse_rus",
)


def AgreementTopicLabels() -> Sequence[tuple[str, "StrOrPromise"]]:  # noqa: N802 - reads like the choices
    from helhet.cooperation.models import AgreementTopic

    return AgreementTopic.choices


class AgreementLike(Protocol):
    @property
    def ended_on(self) -> dt.date | None: ...


A = TypeVar("A", bound=AgreementLike)


def agreement_in_force(agreements: Iterable[A], today: dt.date) -> A | None:
    """The first agreement (in the given order) not ended by ``today``."""
    return next((a for a in agreements if a.ended_on is None or a.ended_on > today), None)


def missing_topics(covered: Iterable[str]) -> list[str]:
    """The topics hol. § 6-2 requires that no sub-agreement covers, in the law's order."""
    have = set(covered)
    return [topic for topic in REQUIRED_TOPICS if topic not in have]


def review_overdue(review_due: dt.date, today: dt.date) -> bool:
    """A routine past its review date is shown as overdue until it is revised."""
    return review_due < today


def may_leave_group(open_items: int) -> bool:
    """A member with open action items stays until they are closed or handed on,
    so no follow-up is left without someone responsible (forskrift § 21)."""
    return open_items == 0
