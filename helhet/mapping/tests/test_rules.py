import datetime as dt

import pytest

from helhet.mapping import rules
from helhet.mapping.models import Level
from helhet.mapping.rules import AUDIT, DUDIT, Change, ScoringError


def answers_for(instrument, total):
    """Option indexes that add up to ``total`` (the 0/2/4 items last, by twos)."""
    answers = []
    for item in instrument.items:
        best = max(
            (i for i, p in enumerate(item.points) if p <= total), key=item.points.__getitem__
        )
        answers.append(best)
        total -= item.points[best]
    assert total == 0
    return answers


def test_audit_items_score_zero_to_four_and_last_two_zero_two_four():
    assert rules.score(AUDIT, [0] * 10) == 0
    assert rules.score(AUDIT, [4] * 8 + [2, 2]) == 40
    assert rules.score(AUDIT, [0] * 8 + [1, 1]) == 4  # "ja, men ikke siste år" is 2 points
    assert AUDIT.max_score == 40


def test_dudit_has_eleven_items_and_a_maximum_of_44():
    assert len(DUDIT.items) == 11
    assert rules.score(DUDIT, [4] * 9 + [2, 2]) == 44
    assert DUDIT.max_score == 44


@pytest.mark.parametrize(
    ("total", "gender", "expected"),
    [
        (7, "M", "lav"),
        (8, "M", "risikofylt"),
        (5, "K", "lav"),
        (6, "K", "risikofylt"),  # lower cut-off for women in Norwegian practice
        (15, "M", "risikofylt"),
        (16, "M", "skadelig"),
        (16, "K", "skadelig"),
        (19, "K", "skadelig"),
        (20, "M", "mulig_avhengighet"),
        (40, "K", "mulig_avhengighet"),
    ],
)
def test_audit_cut_offs(total, gender, expected):
    assert (
        rules.audit_result(rules.score(AUDIT, answers_for(AUDIT, total)), gender).code == expected
    )


@pytest.mark.parametrize(
    ("total", "gender", "expected"),
    [
        (5, "M", "ingen_tegn"),
        (6, "M", "problemer"),
        (1, "K", "ingen_tegn"),
        (2, "K", "problemer"),
        (24, "M", "problemer"),
        (25, "M", "avhengighet"),
        (25, "K", "avhengighet"),
        (44, "M", "avhengighet"),
    ],
)
def test_dudit_cut_offs(total, gender, expected):
    assert (
        rules.dudit_result(rules.score(DUDIT, answers_for(DUDIT, total)), gender).code == expected
    )


@pytest.mark.parametrize(
    "answers",
    [
        [0] * 9,  # one item missing
        [0] * 9 + [5],  # option 5 does not exist
        [0] * 8 + [3, 0],  # items 9–10 have three options
        [0] * 9 + [-1],
        [0] * 9 + ["2"],
        [0] * 9 + [True],
    ],
)
def test_audit_answers_outside_the_scale_are_refused_in_norwegian(answers):
    with pytest.raises(ScoringError) as error:
        rules.score(AUDIT, answers)
    assert "spørsmål" in str(error.value) or "besvares" in str(error.value)


def test_a_score_outside_the_scale_is_refused():
    with pytest.raises(ScoringError, match="mellom 0 og 44"):
        rules.dudit_result(45, "M")
    with pytest.raises(ScoringError, match="mellom 0 og 40"):
        rules.audit_result(-1, "K")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (Level.SERIOUS, Level.MODERATE, Change.BETTER),
        (Level.MODERATE, Level.NONE, Change.BETTER),
        (Level.MODERATE, Level.MODERATE, Change.SAME),
        (Level.NONE, Level.SERIOUS, Change.WORSE),
        (Level.UNKNOWN, Level.NONE, Change.UNKNOWN),
        (Level.SERIOUS, Level.UNKNOWN, Change.UNKNOWN),
        (None, Level.NONE, Change.UNKNOWN),
    ],
)
def test_change_between_two_mappings(before, after, expected):
    assert rules.change(before, after) == expected


def facts(pk, day, **levels):
    return rules.MappingFacts(pk, day, levels)


def test_evaluation_compares_last_mapping_before_the_plan_with_last_one_after():
    mappings = [
        facts(1, dt.date(2024, 3, 1), bolig=Level.SERIOUS),
        facts(2, dt.date(2024, 9, 1), bolig=Level.SERIOUS, rus=Level.MODERATE),
        facts(3, dt.date(2025, 3, 1), bolig=Level.MODERATE, rus=Level.SERIOUS),
        facts(4, dt.date(2025, 9, 1), bolig=Level.NONE, rus=Level.SERIOUS),
    ]
    before, after = rules.before_and_after(mappings, dt.date(2024, 10, 1), None)
    assert (before.mapping_id, after.mapping_id) == (2, 4)
    deltas = rules.domain_deltas(before, after)
    assert deltas["bolig"] == Change.BETTER
    assert deltas["rus"] == Change.WORSE
    assert deltas["okonomi"] == Change.UNKNOWN  # not mapped: cannot be judged


def test_evaluation_of_a_closed_plan_ignores_mappings_after_it_closed():
    mappings = [
        facts(1, dt.date(2024, 1, 1), bolig=Level.SERIOUS),
        facts(2, dt.date(2024, 6, 1), bolig=Level.MODERATE),
        facts(3, dt.date(2025, 6, 1), bolig=Level.SERIOUS),
    ]
    before, after = rules.before_and_after(mappings, dt.date(2024, 2, 1), dt.date(2024, 12, 31))
    assert after.mapping_id == 2
    assert rules.domain_deltas(before, after)["bolig"] == Change.BETTER


def test_no_mapping_after_the_plan_began_gives_nothing_to_compare():
    before, after = rules.before_and_after(
        [facts(1, dt.date(2024, 1, 1))], dt.date(2024, 2, 1), None
    )
    assert before.mapping_id == 1 and after is None
    assert set(rules.domain_deltas(before, after).values()) == {Change.UNKNOWN}


def test_a_person_mapped_by_two_units_counts_once_in_the_round():
    mapped = [(100, 1), (100, 2), (101, 1), (102, 2), (102, 2)]
    rows, total = rules.round_progress([1, 2, 3], mapped, {1: {100, 101, 103}, 2: {102}})
    by_unit = {r.unit_id: r for r in rows}
    assert total == 3
    assert (by_unit[1].mapped, by_unit[1].target) == (2, 3)
    # Unit 2 mapped 100 without a decision-based service: still counted, target grows.
    assert (by_unit[2].mapped, by_unit[2].target, by_unit[2].percent) == (2, 2, 100)
    assert (by_unit[3].mapped, by_unit[3].target, by_unit[3].percent) == (0, 0, None)


@pytest.mark.parametrize(
    ("age", "group"),
    [(17, "0-24"), (24, "0-24"), (25, "25-34"), (49, "35-49"), (66, "50-66"), (67, "67+")],
)
def test_age_groups(age, group):
    assert rules.age_group(age) == group


def test_future_mapping_date_is_refused():
    today = dt.date(2026, 5, 1)
    assert "fram i tid" in rules.validate_mapping_date(dt.date(2026, 5, 2), today)
    assert rules.validate_mapping_date(today, today) is None
