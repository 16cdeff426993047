"""Staff pages need a staff account; persons and their representatives use Min side.

Persons, proxies and guardians log in too, and the gate lets a person read
their own data and a representative what the representation allows. Those
rights belong to Min side (``/min-side/``), which shows what the person may see
and logs who acted for whom. The staff pages, the API and FHIR show far more
(national id, address, consents, other units' reads), so they refuse any
logged-in user who is not staff, whatever the gate would say (Normen:
access control by role; pjl. § 16 only for those who need the data at work).

The rule is decided here, once, for every URL: ``StaffOnlyMiddleware`` asks
it for pages, and ``helhet.api.permissions.StaffRole`` (the API's default
permission) for token and bearer users, whom only DRF authenticates. A URL
is a staff URL unless it is listed below, so new URLs join by themselves.
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.urls import ResolverMatch
from django.utils.translation import gettext as _

from helhet.access import gate, registry
from helhet.access.models import Action

# Reachable without logging in: login and logout, language, health check,
# the municipality's public service directory (no person data), the
# token-addressed calendar feed (no person data), the FHIR capability
# statement, the API's description (schema and docs page) and its "no such
# address" answers.
PUBLIC = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "access:oidc_init",
        "access:oidc_callback",
        "cooperation:public_index",
        "cooperation:public_directory",
        "cooperation:feed",
        "fhir:metadata",
        "fhir:unknown",
        "api:not_found",
        "api:schema",
        "api:docs",
    }
)

# For everyone logged in: the start page (it sends a person to Min side) and
# the second-factor steps (they refuse users who need none).
ANY_USER = frozenset({"home", "access:otp_setup", "access:otp_verify"})

# Min side, for persons and their representatives …
PORTAL_NAMESPACE = "portal"
# … and the person's own housing application (housing.views.apply decides:
# the person themself only) …
PORTAL_PAGES_ELSEWHERE = frozenset({"housing:apply"})
# … except the pages for staff that live under /min-side/ansatt/.
PORTAL_STAFF_PAGES = frozenset({"portal:guardian_new", "portal:feedback_overview"})

# The Django admin (/systemadmin/) decides by its own flag (``is_staff``),
# which a person's account never has; a fresh installation's first
# administrator has no StaffMember yet.
ADMIN_NAMESPACE = "admin"


# The state governor's staff are users of a supervisory authority, not of a
# municipality (kommuneloven § 30-1): they run self-assessment campaigns and
# read the units' answers, never person data. These pages decide who sees
# which campaign themselves (helhet.audit.campaigns).
SUPERVISOR_PAGES = frozenset(
    {
        "audit:campaigns",
        "audit:campaign_new",
        "audit:campaign",
        "audit:participation",
        "audit:assess",
        "audit:feedback_letter",
    }
)


def is_supervisor(user: User) -> bool:
    return user.supervisory_authorities.exists()


def is_staff_user(user: gate.AnyUser) -> bool:
    return user.is_authenticated and getattr(user, "staff", None) is not None


def needs_staff(view_name: str, namespaces: Sequence[str]) -> bool:
    """Whether the URL ``view_name`` is a staff URL."""
    if view_name in PUBLIC or view_name in ANY_USER:
        return False
    if ADMIN_NAMESPACE in namespaces:
        return False
    if view_name in PORTAL_PAGES_ELSEWHERE:
        return False
    if PORTAL_NAMESPACE in namespaces:
        return view_name in PORTAL_STAFF_PAGES
    return True


def refusal_message() -> str:
    return _("Siden er for ansatte i kommunen. Bruk «Min side» for dine egne opplysninger.")


def refused(user: gate.AnyUser, match: ResolverMatch | None, method: str | None) -> bool:
    """True when ``user`` may not use the URL ``match``. A refusal of a URL
    that names a person's data is logged for that person (flagged, refused),
    so the person and the leader see the attempt (pjl. § 18)."""
    if match is None or not user.is_authenticated or is_staff_user(user):
        return False
    if not needs_staff(match.view_name, match.namespaces):
        return False
    if match.view_name in SUPERVISOR_PAGES and is_supervisor(user):
        return False
    _log_refusal(user, match, method or "")
    return True


def _person_ids(match: ResolverMatch) -> set[int]:
    namespace = match.namespaces[0] if match.namespaces else ""
    found = set()
    for name, value in match.kwargs.items():
        declared = registry.declaration(namespace, name)
        if not isinstance(declared, registry.PersonKwarg):
            continue
        text = str(value)
        # Only a plain id reaches the database: "²" or 2**64 are no one's.
        if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**63):
            continue
        person_id = declared.person_of(int(text))
        if person_id is not None:
            found.add(person_id)
    return found


def _log_refusal(user: User, match: ResolverMatch, method: str) -> None:
    from helhet.people.models import Person

    ids = _person_ids(match)
    if not ids:
        return
    action = Action.VIEW if method in ("GET", "HEAD", "OPTIONS") else Action.EDIT
    decision = gate.Decision(False, gate.NONE, _("Ansattside brukt uten ansattrolle."))
    for person in Person.objects.filter(pk__in=ids):
        gate.log(user, person, action, decision, what=match.view_name)
