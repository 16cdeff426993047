"""Housing rules as pure functions (docs/housing.md).

No database here: the views and services pass plain facts and show what comes
back, so the page, the criteria and the statistics can never disagree.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The order of urgency in the written criteria: acute first.
URGENCY_RANK = {"akutt": 0, "hoy": 1, "middels": 2, "lav": 3}
# Shown when the criteria have not been given an urgency (not yet assessed).
UNASSESSED_RANK = len(URGENCY_RANK)
URGENCY_LABEL = {
    "akutt": "akutt",
    "hoy": "høy",
    "middels": "middels",
    "lav": "lav",
}


def _date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


# --- Earmarked dwellings --------------------------------------------------------


@dataclass(frozen=True)
class EarmarkCheck:
    outside_group: bool
    # Empty when the letting may go ahead; otherwise what is missing.
    error: str
    # The unit the earmark serves must be told (None: no one to tell).
    notify_unit_id: int | None


def earmark_check(
    *, earmarked_for: str, earmark_unit_id: int | None, applicant_group: str, reason: str
) -> EarmarkCheck:
    """An earmarked dwelling let to someone outside its group needs a stated
    reason, and the unit the earmark serves is told (docs/housing.md: an earmarked dwelling,
    earmarked by a registered easement, let to others without the mental-health
    service knowing)."""
    if not earmarked_for or applicant_group == earmarked_for:
        return EarmarkCheck(False, "", None)
    if not reason.strip():
        return EarmarkCheck(
            True,
            _(
                "Boligen er øremerket en annen gruppe. Skriv hvorfor den likevel tildeles "
                "denne søkeren."
            ),
            earmark_unit_id,
        )
    return EarmarkCheck(True, "", earmark_unit_id)


# --- The waiting list -----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One granted application waiting for a dwelling of one type."""

    id: int
    urgency: str
    granted_on: dt.date
    received_on: dt.date


@dataclass(frozen=True)
class Position:
    id: int
    number: int
    reason: str


def _key(entry: Entry) -> tuple[int, dt.date, dt.date, int]:
    # Urgency first, then time waited since the grant, then the application's
    # own date and id, so two equal entries always come out in the same order.
    return (
        URGENCY_RANK.get(entry.urgency, UNASSESSED_RANK),
        entry.granted_on,
        entry.received_on,
        entry.id,
    )


def waiting_order(entries: Iterable[Entry], today: dt.date) -> list[Position]:
    """The waiting list in the order the criteria give, each place explained."""
    ordered = sorted(entries, key=_key)
    positions = []
    for number, entry in enumerate(ordered, start=1):
        waited = max((today - entry.granted_on).days, 0)
        label = URGENCY_LABEL.get(entry.urgency)
        urgency = _("hastegrad %(u)s") % {"u": label} if label else _("hastegrad ikke vurdert")
        positions.append(
            Position(
                entry.id,
                number,
                _("Plass %(n)d: %(urgency)s, innvilget %(day)s (ventet %(days)d dager)")
                % {"n": number, "urgency": urgency, "day": _date(entry.granted_on), "days": waited},
            )
        )
    return positions


def skipped(order: Sequence[Position], chosen_id: int) -> list[int]:
    """Applications ahead of the chosen one: offering past them needs a reason."""
    ahead: list[int] = []
    for position in order:
        if position.id == chosen_id:
            return ahead
        ahead.append(position.id)
    raise ValueError("chosen application is not on the list")


def skip_error(order: Sequence[Position], chosen_id: int, reason: str) -> str:
    """No one is skipped on the list without a recorded reason."""
    if skipped(order, chosen_id) and not reason.strip():
        return _("Søkeren står ikke først på ventelisten. Skriv hvorfor søkerne foran hoppes over.")
    return ""


# --- Refused offers -------------------------------------------------------------

# A dwelling that does not meet the assessed need was not a proper offer
# (boligsosialloven § 6: assistance suited to the person's need); refusing it never
# costs the place.
UNSUITABLE = "ikke_egnet"


@dataclass(frozen=True)
class RefusalOutcome:
    keeps_place: bool
    explanation: str


def refusal_outcome(*, reason: str, earlier_refusals: int, refusals_kept: int) -> RefusalOutcome:
    """Whether a refused offer keeps the place, as the written criteria say.

    ``earlier_refusals`` counts the earlier refusals that counted against the
    place; ``refusals_kept`` is how many the criteria accept.
    """
    if not reason:
        return RefusalOutcome(False, _("Grunnen til å takke nei må registreres."))
    if reason == UNSUITABLE:
        return RefusalOutcome(
            True,
            _("Boligen dekket ikke det vurderte behovet; avslaget teller ikke mot plassen."),
        )
    count = earlier_refusals + 1
    if count <= refusals_kept:
        return RefusalOutcome(
            True,
            _("Avslag nr. %(n)d; kriteriene tillater %(k)d uten at plassen faller bort.")
            % {"n": count, "k": refusals_kept},
        )
    return RefusalOutcome(
        False,
        _("Avslag nr. %(n)d; kriteriene tillater %(k)d. Plassen på ventelisten faller bort.")
        % {"n": count, "k": refusals_kept},
    )


# --- Emergency housing (sotjl. § 27) --------------------------------------------

HOTEL_LIKE = {"hotell", "camping"}


@dataclass(frozen=True)
class StayState:
    days: int
    over_limit: bool
    # Hotels and campsites are what the reports found; always shown as such.
    unsuitable_place: bool
    text: str


def stay_state(
    *,
    started_on: dt.date,
    ended_on: dt.date | None,
    today: dt.date,
    place: str,
    limit_days: int | None,
) -> StayState:
    """How long the stay has lasted and whether it passed the municipality's
    own limit (a local routine, not law; no limit set → never over)."""
    last = min(ended_on, today) if ended_on else today
    days = max((last - started_on).days, 0)
    over = limit_days is not None and days > limit_days
    if over:
        text = _("%(d)d dager – over kommunens grense på %(l)d dager") % {
            "d": days,
            "l": limit_days,
        }
    else:
        text = _("%(d)d dager") % {"d": days}
    return StayState(days, over, place in HOTEL_LIKE, text)


def follow_up_missing(*, over_limit: bool, follow_up: str, has_application: bool) -> bool:
    """A stay past the limit must be followed up toward a permanent home: a
    written follow-up or an application for a dwelling."""
    return over_limit and not (follow_up.strip() or has_application)
