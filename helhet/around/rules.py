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


def referral_errors(sent_on, status: str, answered_on) -> dict[str, str]:
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
    that day at the latest (Eidskog: housing and aftercare in place before
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
