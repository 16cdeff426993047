"""``roles_of``: the one answer to which roles a user holds, loaded once per
user object (one request) and fresh on the next."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from helhet import testing as t
from helhet.access import gate
from helhet.organisation import services
from helhet.organisation.models import Membership, Role, Unit

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the next request loads it."""
    return get_user_model().objects.get(pk=user.pk)


def test_roles_are_loaded_once_per_user_object(django_assert_num_queries):
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    user = _fresh(t.staff(ke, Role.COORDINATING_UNIT, "kari"))
    user.staff  # noqa: B018 - the staff row is loaded with the user in a request
    with django_assert_num_queries(1):
        assert services.roles_of(user=user) == {Role.COORDINATING_UNIT}
        assert gate.has_role(user, Role.COORDINATING_UNIT)
        assert gate.has_case_role(user)
        assert [m.unit for m in services.memberships_of(user=user)] == [ke]


def test_a_removed_membership_counts_from_the_next_request_on():
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    leader = t.unit(muni, Unit.Kind.MENTAL_HEALTH)
    kari = t.staff(ke, Role.COORDINATING_UNIT, "kari")
    t.membership(kari.staff, leader, Role.LEADER)
    this_request = _fresh(kari)
    assert services.roles_of(user=this_request) == {Role.COORDINATING_UNIT, Role.LEADER}
    Membership.objects.filter(staff=kari.staff, role=Role.LEADER).delete()
    # The same request keeps its answer until it asks to forget ...
    assert Role.LEADER in services.roles_of(user=this_request)
    services.forget_memberships(user=this_request)
    assert services.roles_of(user=this_request) == {Role.COORDINATING_UNIT}
    # ... and the next request never sees the removed role.
    assert not gate.has_role(_fresh(kari), Role.LEADER)


def test_changing_the_answer_does_not_change_the_next_one():
    muni = t.municipality()
    user = _fresh(t.staff(t.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT, "kari"))
    services.roles_of(user=user).add(Role.LEADER)
    services.memberships_of(user=user).clear()
    assert services.roles_of(user=user) == {Role.COORDINATING_UNIT}


def test_anyone_not_staff_holds_no_role():
    person_user = get_user_model().objects.create_user("bruker", password="x")
    assert services.roles_of(user=AnonymousUser()) == set()
    assert services.roles_of(user=person_user) == set()
    assert services.memberships_of(user=person_user) == []
