"""Whom the portal user acts for, decided on every request and through the gate.

Portal URLs never carry a person id: the person's own data is their own, and a
proxy or guardian picks whom they act for once (kept in the session, checked
again on every request against the representation's period and rights).
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.people.models import Person
from helhet.portal import rules
from helhet.portal.models import Representation, Right

SESSION_KEY = "portal_acting_for"
SELF = "egen"


class ChooseFirst(Exception):
    """A representative with several persons must choose whom to act for."""


@dataclass
class Acting:
    user: User
    person: Person
    representation: Representation | None = None

    @property
    def on_behalf(self) -> bool:
        return self.representation is not None

    @property
    def actor_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def may(self, right: str) -> bool:
        return self.representation is None or self.representation.has_right(right)


def in_force(today=None) -> Q:
    """Representations not revoked and valid on ``today`` (default: today)."""
    today = today or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=today, valid_to__gte=today)


def active_representations(user):
    return Representation.objects.filter(in_force(), representative=user).select_related("person")


# --- the gate's question for representatives (registered in apps.py) --------


def gate_decision(user, person, action, category) -> gate.Decision | None:
    representation = active_representations(user).filter(person=person).first()
    if representation is None:
        return None
    kind = representation.get_kind_display()
    right = rules.right_for(action, category)
    if right is None or (right and not representation.has_right(right)):
        return gate.Decision(
            False,
            gate.REPRESENTATIVE,
            _("%(kind)s uten rett til dette (fullmakten gir: %(rights)s)")
            % {"kind": kind, "rights": ", ".join(representation.rights()) or "–"},
        )
    return gate.Decision(True, gate.REPRESENTATIVE, _("%(kind)s for personen") % {"kind": kind})


def represents_anyone(user) -> bool:
    return active_representations(user).exists()


# --- the portal's side ---------------------------------------------------------


def _chosen(request):
    """The representation chosen in this session, if still valid; else None."""
    chosen = request.session.get(SESSION_KEY)
    if chosen in (None, SELF):
        return None
    representation = active_representations(request.user).filter(pk=chosen).first()
    if representation is None:
        request.session.pop(SESSION_KEY, None)
    return representation


def acting_person_id(request) -> tuple[int, Representation | None]:
    user = request.user
    own = getattr(user, "person", None)
    representation = _chosen(request)
    if representation is not None:
        return representation.person_id, representation
    if own is not None and (request.session.get(SESSION_KEY) == SELF or not _has_any(user)):
        return own.pk, None
    representations = list(active_representations(user)[:2])
    if own is None and len(representations) == 1:
        request.session[SESSION_KEY] = representations[0].pk
        return representations[0].person_id, representations[0]
    if representations:
        raise ChooseFirst
    raise PermissionDenied(
        _("Min side er for personer som mottar tjenester, og for deres fullmektiger og verger.")
    )


def _has_any(user) -> bool:
    return active_representations(user).exists()


def acting(
    request,
    action: str = Action.VIEW,
    category: str = Category.PLAN,
    what: str = "",
    right: str | None = None,
) -> Acting:
    """The person the user acts for, through the gate (logged either way)."""
    person_id, representation = acting_person_id(request)
    if representation is not None and right and not representation.has_right(right):
        person = Person.objects.get(pk=person_id)
        gate.log(
            request.user,
            person,
            action,
            gate.Decision(
                False,
                gate.REPRESENTATIVE,
                _("Fullmakten gir ikke rett til: %(right)s") % {"right": Right(right).label},
            ),
            category=category,
            what=f"min side: {what}",
        )
        raise PermissionDenied(
            _("Du har ikke rett til dette for %(name)s: %(right)s")
            % {"name": person.full_name, "right": Right(right).label}
        )
    person = gate.person_for(
        request, person_id, action, category=category, what=f"min side: {what}"
    )
    return Acting(request.user, person, representation)


def log_foreign(request, acting_: Acting, owner_id, action, category, what: str) -> None:
    """An attempt at another person's data through a portal URL: logged on the
    owner's access log as refused (hpl § 21a); the caller answers 404."""
    owner = Person.objects.filter(pk=owner_id).first()
    if owner is None or owner.pk == acting_.person.pk:
        return
    gate.log(
        request.user,
        owner,
        action,
        gate.Decision(False, gate.NONE, _("Forsøk fra Min side på en annen persons opplysninger")),
        category=category,
        what=f"min side: {what}",
    )
