"""Rules of internal control, as pure functions (forskrift om ledelse og
kvalitetsforbedring §§ 6–9: plan, do, check, correct)."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.utils.translation import gettext as _

from helhet.organisation.models import Role

# Days the responsible leader has to handle a deviation, by severity. Violence
# and threats against staff are handled as serious whatever the first rating
# (an audit: violence against NAV staff without follow-up).
DEADLINE_DAYS = {"alvorlig": 7, "middels": 14, "lav": 30}
VIOLENCE = "vold"

# Those who handle deviations and own procedures.
HANDLER_ROLES = {Role.LEADER, Role.QUALITY, Role.SECTOR_HEAD}
# Those who see every deviation of the municipality (top management routine).
OVERVIEW_ROLES = {Role.QUALITY, Role.SECTOR_HEAD}
PROCEDURE_MANAGER_ROLES = {Role.LEADER, Role.QUALITY, Role.SECTOR_HEAD, Role.COORDINATING_UNIT}

ORDER = ["meldt", "vurdert", "tiltak", "lukket"]


def effective_severity(kind: str, severity: str) -> str:
    return "alvorlig" if kind == VIOLENCE else severity


def deadline_for(kind: str, severity: str, reported_on: dt.date) -> dt.date:
    return reported_on + dt.timedelta(days=DEADLINE_DAYS[effective_severity(kind, severity)])


def must_inform_top_management(kind: str, severity: str) -> bool:
    """Serious deviations and every incident against staff reach top management."""
    return effective_severity(kind, severity) == "alvorlig"


def report_errors(occurred_on: dt.date, today: dt.date) -> dict[str, str]:
    if occurred_on > today:
        return {"occurred_on": _("Hendelsen kan ikke ha skjedd etter i dag.")}
    return {}


def step_errors(status: str, target: str, fields: dict[str, str]) -> dict[str, str]:
    """Why the leader cannot move a deviation to ``target``: one step at a time,
    and each step needs its text (assess → cause and measures → learning)."""
    if status == "lukket":
        return {"__all__": _("Avviket er lukket.")}
    if target not in ORDER or ORDER.index(target) != ORDER.index(status) + 1:
        return {"__all__": _("Avviket må behandles ett steg av gangen.")}
    required = {
        "vurdert": {"assessment": _("Skriv vurderingen din.")},
        "tiltak": {
            "cause": _("Beskriv årsaken."),
            "measures": _("Beskriv tiltakene som er besluttet."),
        },
        "lukket": {"learning": _("Skriv hva virksomheten har lært av avviket.")},
    }[target]
    return {name: message for name, message in required.items() if not fields.get(name, "").strip()}


def is_overdue(deadline: dt.date, closed_on: dt.date | None, today: dt.date) -> bool:
    return closed_on is None and today > deadline


def may_handle(roles_in_unit: set[str], roles: set[str]) -> bool:
    """The leader of the responsible unit, a quality officer or the head of sector."""
    return bool(roles_in_unit & {Role.LEADER}) or bool(roles & OVERVIEW_ROLES)


def monthly(rows: Iterable[tuple[str, dt.date]]) -> list[tuple[str, str, int]]:
    """(unit, "åååå-mm", count) for deviation rows of (unit name, reported_on)."""
    counts = Counter((unit, f"{day:%Y-%m}") for unit, day in rows)
    return sorted(((u, m, n) for (u, m), n in counts.items()), key=lambda r: (r[1], r[0]))


def procedure_review_overdue(review_due: dt.date, today: dt.date) -> bool:
    return review_due < today
