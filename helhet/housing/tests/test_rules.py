"""The housing rules, written from the statute and docs/housing.md."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from helhet.housing import rules

D = dt.date
TODAY = D(2026, 6, 1)


# --- earmarked dwellings (audits found one let to others, unknown to mental health)


def test_an_earmarked_dwelling_let_outside_its_group_without_a_reason_is_refused():
    check = rules.earmark_check(
        earmarked_for="psykisk_helse", earmark_unit_id=7, applicant_group="", reason="  "
    )
    assert check.outside_group
    assert "øremerket en annen gruppe" in check.error


def test_with_a_stated_reason_it_may_go_ahead_and_the_earmark_unit_is_told():
    check = rules.earmark_check(
        earmarked_for="psykisk_helse",
        earmark_unit_id=7,
        applicant_group="rus",
        reason="Ingen i målgruppen på ventelisten; psykisk helse er spurt.",
    )
    assert check.error == ""
    assert check.outside_group
    assert check.notify_unit_id == 7


def test_within_the_group_or_without_earmark_no_reason_and_no_notice():
    inside = rules.earmark_check(
        earmarked_for="unge", earmark_unit_id=3, applicant_group="unge", reason=""
    )
    plain = rules.earmark_check(
        earmarked_for="", earmark_unit_id=None, applicant_group="", reason=""
    )
    for check in (inside, plain):
        assert (check.outside_group, check.error, check.notify_unit_id) == (False, "", None)


# --- refused offers keep or lose the place as the criteria say ------------------


def test_a_first_refusal_keeps_the_place_when_the_criteria_allow_one():
    outcome = rules.refusal_outcome(reason="beliggenhet", earlier_refusals=0, refusals_kept=1)
    assert outcome.keeps_place
    assert "tillater 1" in outcome.explanation


def test_the_refusal_past_what_the_criteria_allow_loses_the_place():
    outcome = rules.refusal_outcome(reason="husleie", earlier_refusals=1, refusals_kept=1)
    assert not outcome.keeps_place
    assert "faller bort" in outcome.explanation


def test_refusing_a_dwelling_that_does_not_meet_the_assessed_need_never_costs_the_place():
    outcome = rules.refusal_outcome(reason="ikke_egnet", earlier_refusals=4, refusals_kept=0)
    assert outcome.keeps_place


def test_a_refusal_without_a_reason_is_not_accepted():
    outcome = rules.refusal_outcome(reason="", earlier_refusals=0, refusals_kept=3)
    assert not outcome.keeps_place
    assert "registreres" in outcome.explanation


# --- the waiting list ------------------------------------------------------------


def test_acute_need_comes_before_a_longer_wait_and_each_place_says_why():
    entries = [
        rules.Entry(1, "lav", D(2025, 1, 1), D(2024, 12, 1)),
        rules.Entry(2, "akutt", D(2026, 5, 1), D(2026, 4, 20)),
        rules.Entry(3, "lav", D(2025, 6, 1), D(2025, 5, 1)),
    ]
    order = rules.waiting_order(entries, TODAY)
    assert [p.id for p in order] == [2, 1, 3]
    assert order[0].reason.startswith("Plass 1: hastegrad akutt, innvilget 01.05.2026")
    assert "ventet 31 dager" in order[0].reason


def test_offering_past_someone_ahead_needs_a_reason():
    order = rules.waiting_order(
        [
            rules.Entry(1, "hoy", D(2026, 1, 1), D(2026, 1, 1)),
            rules.Entry(2, "lav", D(2026, 1, 1), D(2026, 1, 1)),
        ],
        TODAY,
    )
    assert rules.skipped(order, 2) == [1]
    assert rules.skip_error(order, 2, "")
    assert rules.skip_error(order, 2, "Søker 1 trenger bolig uten trapper") == ""
    assert rules.skip_error(order, 1, "") == ""


entries = st.lists(
    st.builds(
        rules.Entry,
        id=st.integers(1, 10_000),
        urgency=st.sampled_from([*rules.URGENCY_RANK, ""]),
        granted_on=st.dates(D(2020, 1, 1), D(2026, 6, 1)),
        received_on=st.dates(D(2019, 1, 1), D(2026, 6, 1)),
    ),
    max_size=40,
    unique_by=lambda e: e.id,
)


@given(entries, st.randoms())
def test_the_order_is_stable_whatever_order_the_rows_come_in(found, shuffle):
    shuffled = list(found)
    shuffle.shuffle(shuffled)
    assert rules.waiting_order(found, TODAY) == rules.waiting_order(shuffled, TODAY)


@given(entries)
def test_everyone_is_on_the_list_once_numbered_and_explained(found):
    order = rules.waiting_order(found, TODAY)
    assert sorted(p.id for p in order) == sorted(e.id for e in found)
    assert [p.number for p in order] == list(range(1, len(found) + 1))
    assert all(p.reason.startswith(f"Plass {p.number}:") for p in order)


@given(entries)
def test_no_one_is_ahead_of_someone_more_urgent_or_waiting_longer_at_the_same_urgency(found):
    by_id = {e.id: e for e in found}
    order = [by_id[p.id] for p in rules.waiting_order(found, TODAY)]
    for before, after in zip(order, order[1:], strict=False):
        rank_before = rules.URGENCY_RANK.get(before.urgency, rules.UNASSESSED_RANK)
        rank_after = rules.URGENCY_RANK.get(after.urgency, rules.UNASSESSED_RANK)
        assert rank_before <= rank_after
        if rank_before == rank_after:
            assert before.granted_on <= after.granted_on


@given(entries, st.data())
def test_no_one_is_skipped_without_a_recorded_reason(found, data):
    if not found:
        return
    order = rules.waiting_order(found, TODAY)
    chosen = data.draw(st.sampled_from(order))
    ahead = rules.skipped(order, chosen.id)
    assert len(ahead) == chosen.number - 1
    assert bool(rules.skip_error(order, chosen.id, "")) == bool(ahead)


# --- emergency housing (sotjl. § 27) --------------------------------------------


def test_a_stay_past_the_municipalitys_own_limit_is_flagged_and_hotels_shown_as_such():
    state = rules.stay_state(
        started_on=D(2026, 4, 1), ended_on=None, today=TODAY, place="hotell", limit_days=30
    )
    assert state.days == 61
    assert state.over_limit
    assert state.unsuitable_place
    assert "over kommunens grense på 30 dager" in state.text


def test_without_a_local_limit_no_stay_is_over_it():
    state = rules.stay_state(
        started_on=D(2025, 1, 1), ended_on=None, today=TODAY, place="akuttbolig", limit_days=None
    )
    assert not state.over_limit
    assert not state.unsuitable_place


def test_an_ended_stay_counts_to_its_end():
    state = rules.stay_state(
        started_on=D(2026, 5, 1),
        ended_on=D(2026, 5, 11),
        today=TODAY,
        place="camping",
        limit_days=7,
    )
    assert state.days == 10 and state.over_limit


def test_a_long_stay_without_follow_up_toward_a_home_is_missing_follow_up():
    assert rules.follow_up_missing(over_limit=True, follow_up="", has_application=False)
    assert not rules.follow_up_missing(over_limit=True, follow_up="", has_application=True)
    assert not rules.follow_up_missing(
        over_limit=True, follow_up="Visning 3.6.", has_application=False
    )
    assert not rules.follow_up_missing(over_limit=False, follow_up="", has_application=False)
