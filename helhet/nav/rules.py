"""NAV follow-up rules, pure (docs/nav.md)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

# sotjl. § 20 a second paragraph: conditions of activity for recipients under 30.
ACTIVITY_CONDITION_AGE = 30


def overdue(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    return done_on is None and due_on < today


def noncompliance_errors(*, reduces: bool, reasons: str) -> dict[str, str]:
    """A reduction needs reasons in a decision (fvl. §§ 24–25); so does the
    decision to keep the benefit unchanged, so the person knows why."""
    if not reasons.strip():
        return {"reasons": _("Vedtaket må begrunnes (forvaltningsloven § 24).")}
    return {}


# § 29 and the programme regulation: the programme moves forward in order.
NEXT_STATES = {
    "vurdert": {"tilbudt", "ikke_aktuelt"},
    "tilbudt": {"startet", "avsluttet"},
    "startet": {"avsluttet"},
    "avsluttet": set(),
    "ikke_aktuelt": {"vurdert"},
}


@dataclass(frozen=True)
class Step:
    ok: bool
    error: str


def programme_step(*, current: str, target: str, plan: str, end_reason: str) -> Step:
    if target not in NEXT_STATES.get(current, set()):
        return Step(False, _("Programmet kan ikke gå fra denne statusen til den valgte."))
    if target == "startet" and not plan.strip():
        return Step(False, _("Programmet kan ikke starte uten en programplan."))
    if target == "avsluttet" and not end_reason:
        return Step(False, _("Oppgi hvorfor programmet ble avsluttet."))
    return Step(True, "")


def view_missing(*, age: int, person_view: str) -> bool:
    """The young person's own view on the condition is recorded (pbrl.-like
    participation; an audit: the young person was not heard)."""
    return age < ACTIVITY_CONDITION_AGE and not person_view.strip()


# sotjl. § 20 a: conditions are set in a decision granting financial
# assistance (§ 18), so a condition links only to such a decision, for the
# same person.
FINANCIAL_KIND = "okonomisk"


def decision_link_error(
    *, decision_person_id: int, person_id: int, decision_kind: str, granted: bool
) -> str:
    if decision_person_id != person_id:
        return _("Vedtaket gjelder en annen person.")
    if decision_kind != FINANCIAL_KIND:
        return _("Aktivitetsvilkår settes i vedtak om økonomisk stønad (sosialtjenesteloven § 18).")
    if not granted:
        return _("Et avslag kan ikke ha aktivitetsvilkår; velg vedtaket som innvilget stønaden.")
    return ""
