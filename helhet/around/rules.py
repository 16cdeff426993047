"""Pure rules around the person: plain facts in, an answer out. The pages,
the alerts and the audit criteria ask these, so they never disagree."""

import datetime as dt

from django.utils.translation import gettext as _

# Discharges announced this many days ahead, or passed this many days ago
# without aftercare in place, are shown as alerts (a working week either way:
# a notice older than that is handled in the audit, not as an alert).
ALERT_AHEAD_DAYS = 60
ALERT_AFTER_DAYS = 7

ANSWERED = {"tatt_imot", "avvist", "avsluttet"}


def referral_errors(
    sent_on: dt.date | None, status: str, answered_on: dt.date | None
) -> dict[str, str]:
    """An answer cannot come before the referral; an accepted or refused
    referral has the day its answer came."""
    errors = {}
    if answered_on and sent_on and answered_on < sent_on:
        errors["answered_on"] = _("Svaret kan ikke være før henvisningen ble sendt.")
    elif status in ANSWERED and answered_on is None:
        errors["answered_on"] = _("Oppgi når svaret kom.")
    return errors


def aftercare_gaps(
    discharge_on: dt.date,
    plan_made_on: dt.date | None,
    housing_ready_on: dt.date | None,
    follow_up_ready_on: dt.date | None,
) -> list[str]:
    """What is not in place on the day of discharge or release: the aftercare
    plan made no later than that day, housing ready and follow-up agreed from
    that day at the latest (an audit: housing and aftercare in place before
    discharge from the specialist services or release from prison)."""
    gaps = []
    if plan_made_on is None:
        return [_("ettervernsplan")]
    if plan_made_on > discharge_on:
        gaps.append(_("ettervernsplan laget før utskrivningsdagen"))
    if housing_ready_on is None or housing_ready_on > discharge_on:
        gaps.append(_("bolig"))
    if follow_up_ready_on is None or follow_up_ready_on > discharge_on:
        gaps.append(_("oppfølging"))
    return gaps


def discharge_alert(
    discharge_on: dt.date,
    cancelled: bool,
    gaps: list[str],
    today: dt.date,
) -> str:
    """Why the coordinating unit and coordinator are alerted, or "" when not:
    a discharge announced (not cancelled, within the alert window) for which
    housing or follow-up is not yet in place."""
    if cancelled or not gaps:
        return ""
    days = (discharge_on - today).days
    if days > ALERT_AHEAD_DAYS or days < -ALERT_AFTER_DAYS:
        return ""
    missing = ", ".join(gaps)
    if days < 0:
        return _("Utskrevet for %(n)d dager siden uten %(missing)s.") % {
            "n": -days,
            "missing": missing,
        }
    return _("Utskrivning om %(n)d dager; mangler %(missing)s.") % {"n": days, "missing": missing}


def gp_told_of_plan(
    plan_since: dt.date,
    plan_changed: dt.date | None,
    last_message_on: dt.date | None,
) -> tuple[bool, str]:
    """Was the GP told of the plan, and of its latest change? ``plan_since`` is
    the day the plan became active; ``plan_changed`` the day of the latest
    change. A message on or after the later of those counts."""
    latest = max(d for d in (plan_since, plan_changed) if d is not None)
    if last_message_on is None:
        return False, _("Fastlegen har ikke fått melding om planen.")
    if last_message_on < latest:
        return False, _("Fastlegen fikk sist melding %(m)s, før planen ble endret %(c)s.") % {
            "m": last_message_on.strftime("%d.%m.%Y"),
            "c": latest.strftime("%d.%m.%Y"),
        }
    return True, _("Fastlegen fikk melding om planen %(m)s.") % {
        "m": last_message_on.strftime("%d.%m.%Y")
    }


# A child counts as minor while under 18; with the birth year only, the child
# is taken as minor through the calendar year of turning 17 (the safe side for
# the child: asked about one year too long, never one year too short).
MINOR_YEARS = 18
NEEDS_CONSENT = {"informasjon", "medvirkning"}


def relative_need_errors(
    kind: str, person_consented: bool, followed_up_on: dt.date | None
) -> dict[str, str]:
    """Information about the person's health and involvement in the plan are
    given to a relative only with the person's consent (pbrl. § 3-3 second
    paragraph, hpl. § 22); guidance and relief for the relative's own sake are not
    information about the person and need none."""
    if kind in NEEDS_CONSENT and followed_up_on and not person_consented:
        return {
            "person_consented": _(
                "Informasjon om helsehjelpen og medvirkning i planen krever personens "
                "samtykke (pasient- og brukerrettighetsloven § 3-3)."
            )
        }
    return {}


def is_minor(birth_year: int, today: dt.date) -> bool:
    return today.year - birth_year < MINOR_YEARS


def children_followed(
    has_minor_children: bool | None,
    children_assessed: list[bool],
) -> tuple[bool, str]:
    """hpl. § 10 a: it is clarified whether the patient has minor children, and
    each minor child's need for information and follow-up is assessed and
    documented. ``has_minor_children`` is the latest clarification (None: not
    clarified); ``children_assessed`` holds, per registered minor child, whether
    the assessment is documented."""
    if has_minor_children is None and not children_assessed:
        return False, _("Det er ikke avklart om personen har mindreårige barn.")
    if has_minor_children and not children_assessed:
        return False, _("Personen har mindreårige barn, men ingen barn er registrert.")
    missing = children_assessed.count(False)
    if missing:
        return False, _("%(n)d av %(total)d barn mangler vurdering av behov.") % {
            "n": missing,
            "total": len(children_assessed),
        }
    if not children_assessed:
        return True, _("Avklart: ingen mindreårige barn.")
    return True, _("Behovet er vurdert for alle %(n)d barn.") % {"n": len(children_assessed)}


# A need mapped this recently is not yet judged as not followed up: the national
# guideline for relatives sets no deadline, and a month gives the service time
# to act, so a fresh need is never reported as a breach. Not law.
RELATIVE_FOLLOW_UP_DAYS = 30


def relative_needs_followed(
    needs: list[tuple[dt.date, dt.date | None]], as_of: dt.date
) -> tuple[bool, str]:
    """The relative's own needs (information, guidance, relief, involvement)
    mapped and followed up (pbrl. § 3-3, hol. § 3-6, the national guideline for
    relatives). ``needs`` holds, per mapped need, the day it was mapped and the
    day it was followed up (None: not yet). Met when at least one need is
    mapped and every need mapped ``RELATIVE_FOLLOW_UP_DAYS`` or more ago is
    followed up."""
    mapped = [(m, f) for m, f in needs if m <= as_of]
    if not mapped:
        return False, _("Den pårørendes egne behov er ikke kartlagt.")
    due = [f for m, f in mapped if (as_of - m).days >= RELATIVE_FOLLOW_UP_DAYS]
    open_due = sum(1 for f in due if f is None or f > as_of)
    if open_due:
        return False, _("%(n)d av %(total)d kartlagte behov er ikke fulgt opp etter 30 dager.") % {
            "n": open_due,
            "total": len(mapped),
        }
    done = sum(1 for _m, f in mapped if f is not None and f <= as_of)
    return True, _("%(total)d behov kartlagt, %(done)d fulgt opp.") % {
        "total": len(mapped),
        "done": done,
    }
