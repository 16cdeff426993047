"""The pure deadline and legal rules, at and around their boundaries."""

import datetime as dt

import pytest

from helhet.audit.results import Result
from helhet.intake import rules
from helhet.intake.rules import State

D = dt.date


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (D(2025, 1, 15), D(2025, 2, 15)),
        (D(2025, 1, 31), D(2025, 2, 28)),
        (D(2024, 1, 31), D(2024, 2, 29)),
        (D(2025, 12, 10), D(2026, 1, 10)),
    ],
)
def test_preliminary_answer_is_due_one_calendar_month_after_receipt(received, deadline):
    assert rules.preliminary_answer_deadline(received) == deadline


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2025, 2, 7), State.PENDING),
        (D(2025, 2, 8), State.DUE),
        (D(2025, 2, 15), State.DUE),
        (D(2025, 2, 16), State.OVERDUE),
    ],
)
def test_preliminary_answer_state_around_the_one_month_boundary(today, state):
    assert rules.preliminary_answer_state(D(2025, 1, 15), today) == state


def test_preliminary_answer_sent_in_time_or_late():
    received = D(2025, 1, 15)
    assert (
        rules.preliminary_answer_state(received, D(2025, 3, 1), sent_on=D(2025, 2, 15))
        == State.DONE
    )
    assert (
        rules.preliminary_answer_state(received, D(2025, 3, 1), sent_on=D(2025, 2, 16))
        == State.LATE
    )


def test_decided_within_a_month_needs_no_preliminary_answer_but_later_without_one_is_late():
    received = D(2025, 1, 15)
    assert (
        rules.preliminary_answer_state(received, D(2025, 3, 1), decided_on=D(2025, 2, 15))
        == State.NOT_APPLICABLE
    )
    assert (
        rules.preliminary_answer_state(received, D(2025, 3, 1), decided_on=D(2025, 2, 16))
        == State.LATE
    )


@pytest.mark.parametrize(
    ("days_after", "state"),
    [
        (0, State.DUE),
        (13, State.DUE),
        (14, State.DUE),
        (15, State.ESCALATED),
        (40, State.ESCALATED),
    ],
)
def test_with_a_14_day_routine_naming_escalates_from_day_15(days_after, state):
    assigned = D(2025, 3, 3)
    today = assigned + dt.timedelta(days=days_after)
    assert rules.naming_state(assigned, None, today, days=14) == state


def test_with_a_14_day_routine_named_on_day_14_is_in_time_and_on_day_15_late():
    assigned = D(2025, 3, 3)
    today = D(2025, 5, 1)
    assert rules.naming_state(assigned, assigned + dt.timedelta(14), today, days=14) == State.DONE
    assert rules.naming_state(assigned, assigned + dt.timedelta(15), today, days=14) == State.LATE
    assert rules.naming_state(None, None, today, days=14) == State.NOT_APPLICABLE


def test_without_a_local_routine_nothing_is_late_or_escalated():
    # hol. §§ 7-2 and 7-3 set no number of days; only a municipality's own routine does.
    assigned = D(2025, 3, 3)
    years_later = D(2027, 1, 1)
    assert rules.naming_deadline(assigned, None) is None
    assert rules.naming_state(assigned, None, years_later, days=None) == State.PENDING
    assert rules.naming_state(assigned, years_later, years_later, days=None) == State.DONE


def test_a_municipalitys_own_deadline_is_its_number_of_days():
    assigned = D(2025, 3, 3)
    assert rules.naming_deadline(assigned, 7) == D(2025, 3, 10)
    assert rules.naming_state(assigned, None, D(2025, 3, 11), days=7) == State.ESCALATED
    assert rules.naming_state(assigned, None, D(2025, 3, 11), days=30) == State.DUE


def test_services_over_two_weeks_require_a_decision():
    start = D(2025, 1, 1)
    assert not rules.requires_decision(start, start + dt.timedelta(days=14))
    assert rules.requires_decision(start, start + dt.timedelta(days=15))
    assert rules.requires_decision(start, None)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2025, 6, 23), State.PENDING),
        (D(2025, 6, 24), State.DUE),
        (D(2025, 7, 1), State.DUE),
        (D(2025, 7, 2), State.OVERDUE),
    ],
)
def test_evaluation_date_becomes_due_and_overdue(today, state):
    assert rules.evaluation_state(D(2025, 7, 1), today) == state


def _facts(**kw):
    base = dict(
        granted=True,
        received_on=D(2025, 1, 15),
        decided_on=D(2025, 2, 1),
        service_name="Hjemmesykepleie",
        scope="2 besøk per uke",
        has_provider=True,
        period_from=D(2025, 2, 3),
        evaluation_on=D(2025, 5, 1),
    )
    return rules.DecisionFacts(**{**base, **kw})


def test_a_complete_grant_has_no_errors():
    assert rules.decision_errors(_facts()) == {}


def test_decision_date_before_the_application_is_refused():
    errors = rules.decision_errors(_facts(decided_on=D(2025, 1, 14)))
    assert "før søknaden ble mottatt (15.01.2025)" in errors["decided_on"]


def test_grant_without_scope_provider_or_evaluation_date_is_refused():
    errors = rules.decision_errors(
        _facts(scope=" ", has_provider=False, evaluation_on=None, service_name="")
    )
    assert errors["scope"] == "Et innvilget vedtak må ha omfang."
    assert errors["provider"] == "Et innvilget vedtak må ha en utførende enhet."
    assert "evaluering" in errors["evaluation_on"]
    assert "tjeneste" in errors["service_name"]


def test_refusal_needs_reasons_but_no_service_fields():
    errors = rules.decision_errors(_facts(granted=False, has_provider=False, scope="", reasons=""))
    assert list(errors) == ["reasons"]
    assert "begrunnes" in errors["reasons"]
    assert rules.decision_errors(_facts(granted=False, reasons="Behovet dekkes av ...")) == {}


# --- NAV ---------------------------------------------------------------------


def nav(**kw):
    base = dict(
        age=24,
        granted=True,
        decided_on=D(2025, 3, 1),
        guidance_informed=True,
        guidance_wish="onsker_ikke",
        activity_condition=True,
        kvp_criteria="nei",
    )
    return rules.NavFacts(**{**base, **kw})


def by_rule(facts):
    return {c.rule: c for c in rules.nav_checks(facts)}


def test_a_complete_nav_case_breaks_no_rule():
    assert rules.nav_problems(nav()) == []


def test_guidance_information_and_wish_must_be_recorded():
    check = by_rule(nav(guidance_informed=False))["nav_guidance_informed"]
    assert check.result == Result.NOT_MET
    assert check.law == "sosialtjenesteloven § 17"
    assert by_rule(nav(guidance_wish=""))["nav_guidance_informed"].result == Result.NOT_MET


def test_guidance_given_requires_a_section_17_decision():
    assert by_rule(nav())["nav_guidance_decided"].result == Result.NOT_APPLICABLE
    assert by_rule(nav(guidance_given=True))["nav_guidance_decided"].result == Result.NOT_MET
    assert (
        by_rule(nav(guidance_given=True, guidance_decided_on=D(2025, 2, 1)))[
            "nav_guidance_decided"
        ].result
        == Result.MET
    )


@pytest.mark.parametrize(
    ("age", "condition", "reasons", "result"),
    [
        (29, False, False, Result.NOT_MET),
        (29, True, False, Result.MET),
        (29, False, True, Result.MET),
        (30, False, False, Result.NOT_APPLICABLE),
    ],
)
def test_activity_condition_under_30_unless_weighty_reasons(age, condition, reasons, result):
    facts = nav(age=age, activity_condition=condition, weighty_reasons=reasons)
    assert by_rule(facts)["nav_activity_condition"].result == result


def test_activity_condition_does_not_apply_to_a_refusal():
    facts = nav(granted=False, activity_condition=False)
    assert by_rule(facts)["nav_activity_condition"].result == Result.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("age", "criteria", "assessed", "result"),
    [
        (25, "", None, Result.NOT_MET),
        (25, "ja", None, Result.NOT_MET),
        (25, "ja", D(2025, 3, 2), Result.NOT_MET),  # assessed after the decision
        (25, "ja", D(2025, 3, 1), Result.MET),
        (25, "nei", None, Result.MET),
        (17, "", None, Result.NOT_APPLICABLE),
    ],
)
def test_kvp_assessment_before_assistance_with_activity_conditions(age, criteria, assessed, result):
    facts = nav(age=age, kvp_criteria=criteria, kvp_assessed_on=assessed)
    assert by_rule(facts)["nav_kvp_assessed"].result == result


def test_seventeen_year_old_in_parents_application_is_heard_and_best_interests_assessed():
    facts = nav(covers_child_17=True)
    problems = rules.nav_problems(facts)
    assert any("17-åringen" in p and "hørt" in p for p in problems)
    assert any("barnets beste" in p for p in problems)
    ok = nav(covers_child_17=True, child_heard_on=D(2025, 2, 20), best_interests=True)
    assert rules.nav_problems(ok) == []
    assert by_rule(nav())["nav_child_heard"].result == Result.NOT_APPLICABLE


def test_service_over_two_weeks_without_decision_fails_the_audit_check():
    start = D(2025, 1, 1)
    assert rules.service_decision_check("vedtak", start, None).result == Result.MET
    check = rules.service_decision_check("annet", start, None)
    assert check.result == Result.NOT_MET
    assert "enkeltvedtak" in check.message
    short = rules.service_decision_check("annet", start, start + dt.timedelta(days=14))
    assert short.result == Result.NOT_APPLICABLE
