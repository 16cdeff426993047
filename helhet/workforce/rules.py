"""Pure rules for staff competence and safety."""

import datetime as dt

from django.utils.translation import gettext as _

from helhet.consent.rules import add_months

# Units whose staff make home visits or meet a known risk of violence: the
# units a safety risk assessment is asked of (arbeidsmiljøloven § 4-3 fourth
# paragraph; forskrift om utførelse av arbeid chapter 23 A).
AT_RISK_KINDS = ("psykisk_rus", "hjemmetjeneste", "miljoarbeid", "nav")


def expires_on(completed_on: dt.date, valid_months: int | None) -> dt.date | None:
    return add_months(completed_on, valid_months) if valid_months else None


def training_valid(completed_on: dt.date | None, valid_months: int | None, day: dt.date) -> bool:
    if completed_on is None or completed_on > day:
        return False
    until = expires_on(completed_on, valid_months)
    return until is None or until >= day


def safety_assessed(
    has_assessment: bool, review_due: dt.date | None, has_measures: bool, day: dt.date
) -> tuple[bool, str]:
    """A unit with home visits or known risk of violence has a risk assessment
    of staff safety with measures, not past its review date."""
    if not has_assessment:
        return False, _("Ingen risikovurdering av ansattes sikkerhet.")
    if not has_measures:
        return False, _("Risikovurderingen har ingen tiltak.")
    if review_due is not None and review_due < day:
        return False, _("Risikovurderingen skulle vært gjennomgått %(d)s.") % {
            "d": review_due.strftime("%d.%m.%Y")
        }
    return True, _("Risikovurdering med tiltak; neste gjennomgang %(d)s.") % {
        "d": review_due.strftime("%d.%m.%Y") if review_due else "–"
    }
