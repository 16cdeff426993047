"""The rules around the person, from the auditors («ettervern ... på plass i
god tid før utskrivelse fra spesialisthelsetjenesten eller løslatelse fra
fengsel»), hol. § 6-2 nr. 5 and the supervisory authority (the GP informed of the plan
and of changes)."""

import datetime as dt

from helhet.around import rules
from helhet.audit import rules as audit_rules
from helhet.audit.results import Result as R

DAY = dt.date(2026, 6, 15)
BEFORE = DAY - dt.timedelta(days=5)
AFTER = DAY + dt.timedelta(days=1)


def test_aftercare_is_in_place_when_plan_housing_and_follow_up_are_ready_on_the_day():
    assert rules.aftercare_gaps(DAY, BEFORE, BEFORE, DAY) == []
    # The plan may be made on the day itself; "in place on that day" is the rule.
    assert rules.aftercare_gaps(DAY, DAY, DAY, DAY) == []


def test_each_missing_part_of_aftercare_is_named():
    assert rules.aftercare_gaps(DAY, None, None, None) == ["ettervernsplan"]
    assert rules.aftercare_gaps(DAY, BEFORE, None, BEFORE) == ["bolig"]
    assert rules.aftercare_gaps(DAY, BEFORE, BEFORE, AFTER) == ["oppfølging"]
    assert rules.aftercare_gaps(DAY, AFTER, BEFORE, BEFORE) == [
        "ettervernsplan laget før utskrivningsdagen"
    ]


def test_the_alert_is_for_an_announced_discharge_without_housing_or_follow_up():
    today = DAY - dt.timedelta(days=10)
    assert "om 10 dager" in rules.discharge_alert(DAY, False, ["bolig"], today)
    assert rules.discharge_alert(DAY, False, [], today) == ""
    assert rules.discharge_alert(DAY, True, ["bolig"], today) == ""
    # Announced too far ahead, or long past: no alert (the audit sees the past).
    far = DAY - dt.timedelta(days=rules.ALERT_AHEAD_DAYS + 1)
    assert rules.discharge_alert(DAY, False, ["bolig"], far) == ""
    late = DAY + dt.timedelta(days=rules.ALERT_AFTER_DAYS + 1)
    assert rules.discharge_alert(DAY, False, ["bolig"], late) == ""
    assert "Utskrevet for 2 dager siden" in rules.discharge_alert(
        DAY, False, ["bolig"], DAY + dt.timedelta(days=2)
    )


def test_the_criterion_judges_the_day_of_discharge_only_when_it_has_come():
    judge = audit_rules.aftercare_in_place
    assert judge(DAY, False, BEFORE, BEFORE, BEFORE, BEFORE).result == R.NOT_APPLICABLE
    assert judge(DAY, True, None, None, None, AFTER).result == R.NOT_APPLICABLE
    assert judge(DAY, False, BEFORE, BEFORE, BEFORE, AFTER).result == R.MET
    missing = judge(DAY, False, BEFORE, None, BEFORE, AFTER)
    assert missing.result == R.NOT_MET and "bolig" in missing.evidence
    # Housing found after the day does not count: it was not in place that day.
    assert judge(DAY, False, BEFORE, AFTER, BEFORE, AFTER).result == R.NOT_MET


def test_the_gp_is_informed_of_the_plan_and_of_each_change():
    since, changed = dt.date(2026, 2, 1), dt.date(2026, 4, 1)
    assert not rules.gp_told_of_plan(since, None, None)[0]
    assert rules.gp_told_of_plan(since, None, since)[0]
    told, why = rules.gp_told_of_plan(since, changed, dt.date(2026, 3, 1))
    assert not told and "før planen ble endret 01.04.2026" in why
    assert rules.gp_told_of_plan(since, changed, changed)[0]
    judge = audit_rules.gp_informed_of_plan
    assert judge(False, since, None, None).result == R.NOT_APPLICABLE
    assert judge(True, since, changed, dt.date(2026, 3, 1)).result == R.NOT_MET
    assert judge(True, since, changed, dt.date(2026, 4, 2)).result == R.MET


def test_a_referral_answer_has_a_day_and_cannot_precede_the_referral():
    assert "answered_on" in rules.referral_errors(DAY, "tatt_imot", None)
    assert "answered_on" in rules.referral_errors(DAY, "venter", BEFORE)
    assert rules.referral_errors(DAY, "venter", None) == {}
    assert rules.referral_errors(DAY, "avvist", AFTER) == {}
