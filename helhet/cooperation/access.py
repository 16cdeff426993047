"""Cooperation records reach the user only through the access gate, via their person.

``person_id_for_<kwarg>`` maps a URL kwarg to the person the record belongs to
(None: no such record), so the gate's registry can resolve every
person-scoped URL of this app.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.cooperation.models import (
    ActionItem,
    Attachment,
    GroupMember,
    Meeting,
    ResponsibilityGroup,
)


def _first(queryset, field: str):
    return queryset.values_list(field, flat=True).first()


def person_id_for_person_id(value) -> int | None:
    return value


def person_id_for_group_id(value) -> int | None:
    return _first(ResponsibilityGroup.objects.filter(pk=value), "person_id")


def person_id_for_meeting_id(value) -> int | None:
    return _first(Meeting.objects.filter(pk=value), "group__person_id")


def person_id_for_item_id(value) -> int | None:
    return _first(ActionItem.objects.filter(pk=value), "group__person_id")


def person_id_for_attachment_id(value) -> int | None:
    return _first(Attachment.objects.filter(pk=value), "message__person_id")


def person_for(request, person_id, action=Action.VIEW, what="samarbeid"):
    """The gate, with the cooperation category (minutes and messages, hpl § 22)."""
    if person_id is None:
        raise Http404(_("Fant ikke siden."))
    return gate.person_for(request, person_id, action, category=Category.COOPERATION, what=what)


# docs/access.md: membership of the person's responsibility group is
# a relation to the person, like plan participation.
def _active_memberships(user):
    return GroupMember.objects.filter(user=user, left_on__isnull=True)


def holds_group_membership(user, person) -> bool:
    return _active_memberships(user).filter(group__person=person).exists()


def group_member_person_ids(user):
    return _active_memberships(user).values("group__person_id")
