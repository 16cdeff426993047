"""The person is reminded at reasonable intervals that they have consented and
can withdraw (an audit; docs/consent.md): twice a year, and once before it ends."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from helhet.consent.rules import (
    EXPIRY,
    EXPIRY_WARNING,
    REMINDER,
    REMINDER_INTERVAL,
    REMINDER_QUIET_BEFORE_EXPIRY,
    reminder_due,
)

START = dt.date(2026, 1, 1)


def reminders_over(valid_from, valid_to, withdrawn_on=None, run_every=1):
    """The reminders a daily (or less frequent) job gives over the consent's life."""
    sent, last, expiry = [], None, False
    day = valid_from - dt.timedelta(days=5)
    while day <= valid_to + dt.timedelta(days=5):
        withdrawn = withdrawn_on is not None and day >= withdrawn_on
        kind = reminder_due(valid_from, valid_to, withdrawn, last, expiry, day)
        if kind:
            sent.append((day, kind))
            last, expiry = day, expiry or kind == EXPIRY
        day += dt.timedelta(days=run_every)
    return sent


def test_a_year_long_consent_is_recalled_at_six_months_and_a_month_before_it_ends():
    sent = reminders_over(START, dt.date(2026, 12, 31))

    assert sent == [(dt.date(2026, 7, 2), REMINDER), (dt.date(2026, 12, 2), EXPIRY)]


def test_a_withdrawn_consent_is_not_recalled():
    sent = reminders_over(START, dt.date(2026, 12, 31), withdrawn_on=dt.date(2026, 3, 1))

    assert sent == []


@given(
    months=st.integers(min_value=1, max_value=36),
    extra_days=st.integers(min_value=0, max_value=30),
    run_every=st.integers(min_value=1, max_value=9),
    withdrawn_after=st.one_of(st.none(), st.integers(min_value=0, max_value=1100)),
)
def test_reminders_are_spaced_end_once_and_stop_at_withdrawal(
    months, extra_days, run_every, withdrawn_after
):
    valid_to = START + dt.timedelta(days=months * 30 + extra_days)
    withdrawn_on = START + dt.timedelta(days=withdrawn_after) if withdrawn_after else None
    sent = reminders_over(START, valid_to, withdrawn_on, run_every)

    days = [day for day, _kind in sent]
    assert all(START <= day <= valid_to for day in days)
    assert all(withdrawn_on is None or day < withdrawn_on for day in days)
    assert [kind for _day, kind in sent].count(EXPIRY) <= 1
    for (day, kind), (later, later_kind) in zip(sent, sent[1:], strict=False):
        assert kind == REMINDER  # the notice before the end is the last one
        gap = REMINDER_INTERVAL if later_kind == REMINDER else REMINDER_QUIET_BEFORE_EXPIRY
        assert later - day >= gap
    if withdrawn_on is None and (valid_to - START) >= EXPIRY_WARNING:
        # A consent that runs its course is recalled before it ends, within the
        # warning window, whatever the job's rhythm (as long as it runs).
        assert sent and sent[-1][1] == EXPIRY
        assert valid_to - sent[-1][0] < EXPIRY_WARNING
