"""Rules of the person's portal, as pure functions."""

import datetime as dt

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhet.access.models import Action
from helhet.consent.models import Category

# Aggregates with fewer answers than this are shown as "<5" (docs/mapping.md).
SMALL_CELL = 5
SCORES = (1, 2, 3, 4, 5)
# Meetings and plan evaluations this recent are asked about.
FEEDBACK_WINDOW = dt.timedelta(days=90)
TEXT_MAX = 1000
# The gate's answer for a representative: which right an access needs. None:
# never (records of one unit — health, NAV — are not shared through a proxy).
ANY = ""


# Acts a representative never does through the gate: staff's administrative
# acts, and registering a guardian (only the coordinating unit or a unit head).
NEVER = {
    Action.REGISTER_GUARDIAN,
    Action.OFFER,
    Action.CLOSE,
    Action.SIGN,
    Action.START,
}
CONSENT_ACTIONS = {Action.REGISTER_CONSENT, Action.WITHDRAW_CONSENT}


def right_for(action: str, category: str) -> str | None:
    """The right a proxy or guardian needs for ``action`` on ``category``."""
    if action in NEVER:
        return None
    if action in CONSENT_ACTIONS:
        return "consents"
    if category == Category.PLAN:
        return "edit_goals" if action == Action.EDIT else "read_plan"
    if category == Category.COOPERATION:
        return "messages"
    if category == "tilgangslogg":
        # The access log goes with the right over consents, as on Min side.
        return "consents"
    if category == "grunndata":
        return "consents" if action == Action.EDIT else ANY
    return None


# One answer for an unknown username and a refused account, so the proxy and
# guardian forms do not tell whether a username exists.
NOT_A_REPRESENTATIVE = gettext_lazy(
    "Kan ikke registreres med dette brukernavnet. Sjekk at det er skrevet riktig: "
    "fullmektigen eller vergen må ha sin egen innlogging som privatperson, ikke som ansatt."
)


def is_staff_account(user: User) -> bool:
    """A member of staff (or a Django staff or superuser account): never a
    proxy or guardian, so no one can widen their own access through Min side
    (docs/consent.md)."""
    return bool(
        getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
        or getattr(user, "staff", None) is not None
    )


def is_active(valid_from: dt.date, valid_to: dt.date, revoked: bool, today: dt.date) -> bool:
    return not revoked and valid_from <= today <= valid_to


def period_error(valid_from: dt.date | None, valid_to: dt.date | None) -> str | None:
    if valid_from and valid_to and valid_to < valid_from:
        return _("«Gyldig til» kan ikke være før «gyldig fra».")
    return None


def on_behalf_summary(summary: str, acting_for: str | None) -> str:
    """The plan version's summary: the person's own words, or a proxy's for them."""
    if acting_for:
        return _("%(summary)s (på vegne av %(name)s)") % {"summary": summary, "name": acting_for}
    return _("%(summary)s (av personen selv)") % {"summary": summary}


def occasion_key(kind: str, pk: int) -> str:
    return f"{kind}-{pk}"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def suppressed(count: int) -> bool:
    return count < SMALL_CELL


def aggregate(scores: list[int]) -> dict[str, object]:
    """Count, mean and distribution of answers — or only "<5" when too few
    answers would let someone recognise who answered."""
    count = len(scores)
    if suppressed(count):
        return {"count": f"<{SMALL_CELL}", "suppressed": True}
    return {
        "count": str(count),
        "suppressed": False,
        "mean": f"{sum(scores) / count:.1f}".replace(".", ","),
        "distribution": [(s, scores.count(s)) for s in SCORES],
    }


def basis_label(basis: str, with_consent: bool, emergency: bool) -> str:
    """The gate's basis in words the person understands."""
    if emergency:
        return _("Nødtilgang")
    labels = {
        "koordinator": _("Koordinatoren din"),
        "plandeltaker": _("Deltaker i planen din"),
        "ansvarsgruppe": _("Medlem av ansvarsgruppen din"),
        "tjeneste_vedtak": _("Enheten gir deg tjeneste etter vedtak"),
        "koordinerende_enhet": _("Koordinerende enhet (oversikt over planer)"),
        "liste": _("Vist i en liste"),
        "tilgangskontroll": _("Leders kontroll av tilganger"),
        "representant": _("Fullmektig eller verge for deg"),
        "sperret": _("Sperret av deg"),
    }
    if basis in labels:
        label = labels[basis]
    else:
        # Bases other apps register (an application to the unit, the unit
        # giving the decided service, ...) in their own words, never the code.
        from helhet.access import gate

        label = gate.basis_label(basis)
    if with_consent:
        return _("%(label)s, med samtykke fra deg") % {"label": label}
    return str(label)
