"""The § 19 a–i completeness rule as pure functions."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.plans import rules
from helhet.plans.rules import MeasureFacts, ParticipantFacts, PlanFacts

COMPLETE = PlanFacts(
    goals=1,
    has_resources=True,
    has_needs=True,
    participants=(ParticipantFacts(kind="ansatt", unit_id=1, has_contribution=True),),
    coordinator_named=True,
    has_person_contribution=True,
    measures=(MeasureFacts(has_scope=True, has_responsible=True, has_how=True),),
    period_start=dt.date(2026, 1, 1),
    period_end=dt.date(2027, 1, 1),
    revision_due=dt.date(2026, 6, 1),
    consent_to_plan=True,
    consented_units=frozenset({1}),
    has_cooperation=True,
)


def letters(facts: PlanFacts) -> set[str]:
    return {letter for letter, _label in rules.missing_items(facts)}


def test_complete_plan_misses_nothing():
    assert rules.missing_items(COMPLETE) == []


BROKEN = {
    "a": {"has_needs": False},
    "b": {"participants": ()},
    "c": {"coordinator_named": False},
    "d": {"has_person_contribution": False},
    "e": {"measures": (MeasureFacts(has_scope=True, has_responsible=False, has_how=True),)},
    "f": {"measures": (MeasureFacts(has_scope=True, has_responsible=True, has_how=False),)},
    "g": {"revision_due": None},
    "h": {"consented_units": frozenset()},
    "i": {"has_cooperation": False},
}


@pytest.mark.parametrize("letter", sorted(BROKEN))
def test_a_plan_missing_one_letter_is_reported_missing_exactly_that_letter(letter):
    # Each of § 19 a–i is its own requirement: lacking one never makes another fail.
    broken = dataclasses.replace(COMPLETE, **BROKEN[letter])
    assert rules.missing_items(broken) == [(letter, rules.IP_CONTENT[letter])]


def test_d_without_participants_is_judged_on_the_persons_own_contribution():
    # § 19 d: "hva pasienten eller brukeren selv, tjenesteyterne og eventuelt
    # pårørende skal bidra med" — with nobody else taking part (that is b),
    # the person's contribution is what there is to state.
    alone = dataclasses.replace(COMPLETE, participants=())
    assert "d" not in letters(alone)
    assert "d" in letters(dataclasses.replace(alone, has_person_contribution=False))


def test_d_needs_each_provider_who_takes_part_to_state_a_contribution():
    silent = ParticipantFacts(kind="ekstern", partner_id=7, has_contribution=False)
    relative = ParticipantFacts(kind="parorende")
    with_partner = dataclasses.replace(
        COMPLETE, participants=COMPLETE.participants + (silent,), consented_partners={7}
    )
    assert letters(with_partner) == {"d"}
    # "eventuelt pårørende": a relative taking part without a stated contribution is no gap.
    with_relative = dataclasses.replace(COMPLETE, participants=COMPLETE.participants + (relative,))
    assert letters(with_relative) == set()


def test_g_asks_that_the_plan_states_its_revision_not_that_the_date_is_kept():
    # § 19 g: "planperiode og når planen skal justeres/revideres". A revision day
    # in the past is still a stated revision day; keeping it is another criterion.
    overdue = dataclasses.replace(COMPLETE, revision_due=dt.date(2020, 1, 1))
    assert "g" not in letters(overdue)
    assert "g" in letters(dataclasses.replace(COMPLETE, period_end=None))


def test_relatives_need_no_consent_coverage_but_partners_do():
    relative = ParticipantFacts(kind="parorende")
    partner = ParticipantFacts(kind="ekstern", partner_id=7, has_contribution=True)
    with_relative = dataclasses.replace(COMPLETE, participants=COMPLETE.participants + (relative,))
    with_partner = dataclasses.replace(COMPLETE, participants=COMPLETE.participants + (partner,))
    assert "h" not in letters(with_relative)
    assert "h" in letters(with_partner)
    covered = dataclasses.replace(with_partner, consented_partners=frozenset({7}))
    assert "h" not in letters(covered)


def test_stopped_or_no_measures_leave_e_and_f_missing():
    assert {"e", "f"} <= letters(dataclasses.replace(COMPLETE, measures=()))


def test_revision_overdue_only_after_the_due_day():
    due = dt.date(2026, 6, 1)
    assert not rules.revision_overdue(due, due)
    assert rules.revision_overdue(due, due + dt.timedelta(days=1))
    assert not rules.revision_overdue(None, due)


def test_one_open_plan_per_person():
    assert rules.may_offer_plan([])
    assert rules.may_offer_plan(["avsluttet", "avslatt"])
    assert not rules.may_offer_plan(["avsluttet", "aktiv"])
    assert not rules.may_offer_plan(["tilbudt"])


def test_participant_needs_someone_to_name():
    assert rules.participant_problem("ansatt", False, False, False, True)
    assert rules.participant_problem("ansatt", True, False, False, False) is None
    assert rules.participant_problem("ekstern", False, False, False, True)
    assert rules.participant_problem("parorende", False, False, False, False)
    assert rules.participant_problem("parorende", False, False, False, True) is None


# --- property: supplying what a letter lacks removes exactly that letter -------------

participants = st.builds(
    ParticipantFacts,
    kind=st.sampled_from(["ansatt", "ekstern", "parorende"]),
    unit_id=st.none() | st.integers(1, 4),
    partner_id=st.none() | st.integers(1, 4),
    has_contribution=st.booleans(),
)
measures = st.builds(
    MeasureFacts, has_scope=st.booleans(), has_responsible=st.booleans(), has_how=st.booleans()
)
dates = st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2028, 1, 1))
plans = st.builds(
    PlanFacts,
    goals=st.integers(0, 3),
    has_resources=st.booleans(),
    has_needs=st.booleans(),
    participants=st.lists(participants, max_size=4).map(tuple),
    coordinator_named=st.booleans(),
    has_person_contribution=st.booleans(),
    measures=st.lists(measures, max_size=4).map(tuple),
    period_start=dates,
    period_end=dates,
    revision_due=dates,
    consent_to_plan=st.booleans(),
    consented_units=st.frozensets(st.integers(1, 4)),
    consented_partners=st.frozensets(st.integers(1, 4)),
    has_cooperation=st.booleans(),
)


def _supply(letter: str, f: PlanFacts) -> PlanFacts:
    """What a coordinator would add for one letter, touching nothing the others judge."""
    replace = dataclasses.replace
    day = dt.date(2026, 1, 1)
    if letter == "a":
        return replace(f, goals=max(f.goals, 1), has_resources=True, has_needs=True)
    if letter == "b":
        return replace(f, participants=f.participants + (ParticipantFacts(kind="parorende"),))
    if letter == "c":
        return replace(f, coordinator_named=True)
    if letter == "d":
        done = tuple(dataclasses.replace(p, has_contribution=True) for p in f.participants)
        return replace(f, has_person_contribution=True, participants=done)
    if letter == "e":
        done = tuple(replace(m, has_scope=True, has_responsible=True) for m in f.measures)
        return replace(f, measures=done or (MeasureFacts(True, True, False),))
    if letter == "f":
        done = tuple(replace(m, has_how=True) for m in f.measures)
        return replace(f, measures=done or (MeasureFacts(False, False, True),))
    if letter == "g":
        return replace(
            f,
            period_start=f.period_start or day,
            period_end=f.period_end or day,
            revision_due=f.revision_due or day,
        )
    if letter == "h":
        return replace(
            f,
            consent_to_plan=True,
            consented_units=f.consented_units | {p.unit_id for p in f.participants if p.unit_id},
            consented_partners=f.consented_partners
            | {p.partner_id for p in f.participants if p.partner_id},
        )
    return replace(f, has_cooperation=True)


@given(plans, st.sampled_from(sorted(rules.CHECKS)))
def test_supplying_a_missing_letter_removes_exactly_that_letter(facts, letter):
    before = letters(facts)
    after = letters(_supply(letter, facts))
    assert letter not in after
    assert before - {letter} == after
