"""Rules of the consent register, as pure functions (docs/consent.md)."""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Field name → why its value is refused (lazy: translated where shown).
Errors = dict[str, "StrOrPromise"]

# The printed form's versions. A new wording of the form is a new version, so
# the evaluation can compare how each version is answered.
FORM_VERSIONS = {
    "2025-1": _("Samtykkeskjema 2025 (én avkrysning per etat)"),
    "2026-1": _("Samtykkeskjema 2026 (én rute per enhet og kategori)"),
}
CURRENT_FORM_VERSION = "2026-1"
# NAV's practice: 12 months unless agreed otherwise ("until the case is
# closed" is too vague, an audit).
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
# Consents ending within this time are listed for renewal.
EXPIRY_WARNING = dt.timedelta(days=30)
# Audits found: two users did not remember whether they had consented, so the person
# is reminded at reasonable intervals that they have consented and can
# withdraw (docs/consent.md): twice a year, and once more before it runs out.
REMINDER_INTERVAL = dt.timedelta(days=182)
# No periodic reminder shortly before the notice that the consent ends.
REMINDER_QUIET_BEFORE_EXPIRY = dt.timedelta(days=60)
REMINDER = "paminnelse"
EXPIRY = "utloper"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def default_valid_to(valid_from: dt.date) -> dt.date:
    return add_months(valid_from, DEFAULT_MONTHS) - dt.timedelta(days=1)


def reminder_due(
    valid_from: dt.date,
    valid_to: dt.date,
    withdrawn: bool,
    last_reminded: dt.date | None,
    expiry_reminded: bool,
    today: dt.date,
) -> str | None:
    """Which reminder the person gets today about one consent: ``REMINDER``,
    ``EXPIRY`` or None. Nothing about a consent withdrawn or not in force."""
    if withdrawn or not valid_from <= today <= valid_to:
        return None
    if valid_to - today < EXPIRY_WARNING:
        return None if expiry_reminded else EXPIRY
    if valid_to - today < EXPIRY_WARNING + REMINDER_QUIET_BEFORE_EXPIRY:
        return None
    if today - (last_reminded or valid_from) >= REMINDER_INTERVAL:
        return REMINDER
    return None


def period_errors(valid_from: dt.date | None, valid_to: dt.date | None) -> Errors:
    """Why a validity period is not acceptable; empty if it is."""
    if valid_from is None or valid_to is None:
        return {}
    if valid_to < valid_from:
        return {"valid_to": _("«Gyldig til» kan ikke være før «gyldig fra».")}
    if valid_to > add_months(valid_from, MAX_MONTHS):
        return {
            "valid_to": _("Et samtykke kan gjelde i høyst %(n)s måneder om gangen.")
            % {"n": MAX_MONTHS}
        }
    return {}


def giver_errors(given_by: str, giver_name: str, given_how: str, is_staff_actor: bool) -> Errors:
    """A consent is the person's own act (or guardian's/proxy's), never staff's."""
    from helhet.consent.models import Consent

    errors: Errors = {}
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = _("Samtykket må være gitt av personen selv, verge eller fullmektig.")
    elif given_by != Consent.GivenBy.PERSON and not giver_name.strip():
        errors["giver_name"] = _("Skriv navnet på vergen eller fullmektigen som ga samtykket.")
    if given_how == Consent.GivenHow.DIGITAL and is_staff_actor:
        errors["given_how"] = _(
            "Et digitalt samtykke gir personen selv i sin egen innlogging; "
            "en ansatt kan registrere signert skjema eller muntlig samtykke."
        )
    return errors


def given_on_errors(given_on: dt.date | None, valid_from: dt.date | None, today: dt.date) -> Errors:
    """When a consent registered by staff was given (docs/consent.md): not in
    the future, and not after the day it is to apply from."""
    if given_on is None:
        return {}
    if given_on > today:
        return {"given_on": _("Datoen samtykket ble gitt, kan ikke være fram i tid.")}
    if valid_from is not None and valid_from < given_on:
        return {"valid_from": _("Et samtykke kan ikke gjelde fra før det ble gitt.")}
    return {}


def request_errors(requested_on: dt.date | None, today: dt.date) -> Errors:
    """When the person asked staff to withdraw: not in the future."""
    if requested_on is not None and requested_on > today:
        return {"requested_on": _("Datoen personen ba om det, kan ikke være fram i tid.")}
    return {}


def refusal_rate(given: int, declined: int) -> int | None:
    total = given + declined
    return round(100 * declined / total) if total else None
