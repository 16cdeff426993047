"""Who confirms a membership, as pure rules (separation of duties;
docs/people-and-organisation.md): nobody confirms their own or one they
registered, a unit with a leader is the leader's alone, and a head of sector
confirms only where the unit has no leader, in their own municipality."""

from hypothesis import given
from hypothesis import strategies as st

from helhet.organisation.rules import (
    LEADER,
    SECTOR_HEAD,
    Held,
    Pending,
    may_confirm,
    nobody_may_confirm,
    unit_has_leader,
)

USERS = st.integers(min_value=1, max_value=6)
UNITS = st.integers(min_value=1, max_value=3)
MUNIS = st.integers(min_value=1, max_value=2)
ROLES = st.sampled_from([LEADER, SECTOR_HEAD, "tjenesteyter", "ke", "saksbehandler"])
HELD = st.lists(st.builds(Held, USERS, UNITS, MUNIS, ROLES), max_size=10)
PENDING = st.builds(Pending, USERS, UNITS, MUNIS, st.one_of(st.none(), USERS))


@given(held=HELD, pending=PENDING)
def test_nobody_confirms_a_membership_they_hold_or_registered(held, pending):
    # Even a leader of the unit or a head of sector.
    assert not may_confirm(pending.user_id, pending, held)
    if pending.registered_by is not None:
        assert not may_confirm(pending.registered_by, pending, held)


@given(held=HELD, pending=PENDING, confirmer=USERS)
def test_only_a_head_confirms_and_the_leader_has_the_first_word(held, pending, confirmer):
    mine = {h.role for h in held if h.user_id == confirmer and h.unit_id == pending.unit_id}
    heads_of_sector = {
        h.user_id
        for h in held
        if h.role == SECTOR_HEAD and h.municipality_id == pending.municipality_id
    }
    allowed = may_confirm(confirmer, pending, held)
    if allowed:
        if unit_has_leader(pending, held):
            assert LEADER in mine
        else:
            assert confirmer in heads_of_sector
    elif confirmer not in {pending.user_id, pending.registered_by}:
        # Refused only when neither rule gives the confirmer the word.
        if unit_has_leader(pending, held):
            assert LEADER not in mine
        else:
            assert confirmer not in heads_of_sector


def test_the_head_of_sector_does_not_step_in_over_the_leaders_head():
    pending = Pending(user_id=1, unit_id=10, municipality_id=100, registered_by=9)
    held = [Held(2, 10, 100, LEADER), Held(3, 20, 100, SECTOR_HEAD)]
    assert may_confirm(2, pending, held)
    assert not may_confirm(3, pending, held)


def test_without_a_leader_the_head_of_sector_of_the_same_municipality_confirms():
    pending = Pending(user_id=1, unit_id=10, municipality_id=100)
    held = [Held(3, 20, 100, SECTOR_HEAD), Held(4, 30, 200, SECTOR_HEAD)]
    assert may_confirm(3, pending, held)
    assert not may_confirm(4, pending, held)  # another municipality's head of sector


def test_a_leader_of_another_unit_confirms_nothing_here():
    pending = Pending(user_id=1, unit_id=10, municipality_id=100)
    held = [Held(2, 11, 100, LEADER)]
    assert not may_confirm(2, pending, held)
    assert nobody_may_confirm(pending, held)


def test_the_members_own_leader_role_does_not_count_as_the_units_leader():
    # A leader's own new membership in their unit needs someone else: with no
    # other leader, a head of sector.
    pending = Pending(user_id=1, unit_id=10, municipality_id=100)
    held = [Held(1, 10, 100, LEADER), Held(3, 20, 100, SECTOR_HEAD)]
    assert not unit_has_leader(pending, held)
    assert may_confirm(3, pending, held)
    assert not nobody_may_confirm(pending, held)


@given(held=HELD, pending=PENDING)
def test_start_up_is_allowed_exactly_when_nobody_in_the_municipality_may_confirm(held, pending):
    someone = any(may_confirm(h.user_id, pending, held) for h in held)
    assert nobody_may_confirm(pending, held) is not someone
