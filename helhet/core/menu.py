"""The main menu: each item is shown only when its page would open for the user.

Each item asks the same permission function its view asks, so a menu link never
ends in a 403 (docs/user-interface.md, «Ingen blindveier»). Items that show
person data also need a case role: without one the gate gives an empty list
(docs/access.md: administrators, auditors and heads of sector have no person access).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helhet.access import gate, roles
from helhet.audit import services as audit_services
from helhet.organisation.models import Role, Unit
from helhet.organisation.services import memberships_of, roles_of
from helhet.portal.models import Right

# How many items the header shows before the rest go under «Mer»: at 1,280 px the
# header then fits on one line.
PRIMARY_LIMIT = 6


@dataclass(frozen=True)
class Item:
    label: str | Promise
    url_name: str
    allowed: Callable[[object, set[str]], bool]
    rank: int | Callable[[set[str]], int] = 5

    def rank_for(self, user_roles: set[str]) -> int:
        return self.rank(user_roles) if callable(self.rank) else self.rank


def _staff(user, _roles) -> bool:
    return getattr(user, "staff", None) is not None


def _case(user, _roles) -> bool:
    # Same test as the emergency-access view and the gate's person lists.
    return _staff(user, _roles) and gate.has_case_role(user)


def _reviewer(user, user_roles) -> bool:
    # access.views.review: roles.staff_with_role(user, roles.REVIEWERS)
    return bool(user_roles & roles.REVIEWERS)


def _report(user, _roles) -> bool:
    return audit_services.may_see_report(user=user)


def _sample(user, _roles) -> bool:
    return audit_services.may_sample(user=user)


def _quality(user, user_roles) -> bool:
    # Internal control is for everyone who works with the services, and for
    # those who follow them up; a system administrator has no deviations.
    return _staff(user, user_roles) and bool(user_roles - {Role.SYSTEM_ADMIN})


def _supervisor(user, user_roles) -> bool:
    # audit.campaign_views: the auditor sees every campaign.
    return Role.AUDITOR in user_roles


def _quality_rank(user_roles) -> int:
    # Leaders and quality officers handle deviations and routines there.
    return 1 if user_roles & {Role.LEADER, Role.QUALITY} else 5


def _unit_kind(kind):
    # housing.views and nav.views: the page is for staff of that kind of unit.
    def allowed(user, _roles) -> bool:
        return _staff(user, _roles) and any(
            m.unit.kind == kind for m in memberships_of(user=user) if m.role in gate.CASE_ROLES
        )

    return allowed


def _admin(user, _roles) -> bool:
    return user.is_active and user.is_staff


# rank: which links stay in the header when there are more than PRIMARY_LIMIT
# (lowest first); the header keeps menu order. Pages only some roles may open
# rank high for those roles: they are why the role logs in.
STAFF_ITEMS = [
    Item(_("Personer"), "people:search", _case, 1),
    Item(_("Arbeidsliste"), "intake:worklist", _case, 2),
    Item(_("Planoversikt"), "coordination:overview", _case, 3),
    Item(_("Samarbeid"), "cooperation:index", _case, 4),
    Item(_("Samtykker"), "consent:overview", _case, 4),
    Item(_("Tilgangskontroll"), "access:review", _reviewer, 1),
    Item(_("Etterlevelse"), "audit:compliance", _report, 1),
    Item(_("Kvalitet"), "quality:index", _quality, _quality_rank),
    Item(_("Kartlegging"), "mapping:index", _case, 3),
    Item(_("Bolig"), "housing:index", _unit_kind(Unit.Kind.HOUSING), 2),
    Item(_("NAV-oppfølging"), "nav:index", _unit_kind(Unit.Kind.NAV), 2),
    Item(_("Revisjon"), "audit:samples", _sample, 2),
    Item(_("Egenvurdering"), "audit:campaigns", _supervisor, 3),
    # Break the glass must be at hand when it is needed (hpl. § 21a logs it).
    Item(_("Nødtilgang"), "access:emergency", _case, 2),
    Item(_("Systemadministrasjon"), "admin:index", _admin, 1),
    Item(_("API-nøkler"), "api:tokens", _staff, 9),
]

# Only the person themself, never someone acting for them.
OWN = "own"

# Min side: a proxy or guardian sees only what their rights cover, as the
# portal's views ask (portal.access.acting with the view's Right).
PORTAL_ITEMS = [
    (Item(_("Min side"), "portal:home", _staff), None),
    (Item(_("Min plan"), "portal:plan", _staff), Right.READ_PLAN),
    (Item(_("Samtykker"), "portal:consents", _staff), Right.CONSENTS),
    (Item(_("Hvem har sett opplysningene"), "portal:access_log", _staff), Right.CONSENTS),
    (Item(_("Meldinger"), "portal:messages", _staff), Right.MESSAGES),
    # The person applies for housing themself (housing.views.apply: own data only).
    (Item(_("Bolig"), "housing:apply", _staff), OWN),
]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool
    rank: int = 5


def _portal_items(request) -> list[Item]:
    from helhet.portal import access as portal_access

    try:
        _person_id, representation = portal_access.acting_person_id(request)
    except (portal_access.ChooseFirst, PermissionDenied):
        # Not yet chosen whom to act for: Min side asks first.
        return [PORTAL_ITEMS[0][0]]
    return [
        item
        for item, right in PORTAL_ITEMS
        if representation is None
        or (right is not None and right != OWN and representation.has_right(right))
        or right is None
    ]


def links_for(user, path: str = "", request=None) -> list[Link]:
    """The menu links the user may open, in menu order."""
    if not user.is_authenticated:
        return []
    staff = getattr(user, "staff", None)
    user_roles = set()
    if staff is not None:
        user_roles = roles_of(user=user)
        items = [item for item in STAFF_ITEMS if item.allowed(user, user_roles)]
    elif request is not None:
        items = _portal_items(request)
    else:
        items = [item for item, _right in PORTAL_ITEMS]
    links = []
    for item in items:
        url = reverse(item.url_name)
        current = bool(path) and path.startswith(url)
        links.append(Link(str(item.label), url, current, item.rank_for(user_roles)))
    return links


def split(links: list[Link]) -> tuple[list[Link], list[Link]]:
    """Primary links for the header (the best ranked, in menu order), the rest under «Mer»."""
    if len(links) <= PRIMARY_LIMIT + 1:
        return links, []
    order = sorted(range(len(links)), key=lambda i: (links[i].rank, i))
    keep = set(order[:PRIMARY_LIMIT])
    return (
        [link for i, link in enumerate(links) if i in keep],
        [link for i, link in enumerate(links) if i not in keep],
    )
