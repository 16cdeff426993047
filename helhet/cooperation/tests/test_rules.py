import datetime as dt

import pytest

from helhet.cooperation import rules
from helhet.cooperation.tests.builders import JPEG, PDF, PNG


@pytest.mark.parametrize(
    ("head", "expected"),
    [(PDF, rules.PDF), (PNG, rules.PNG), (JPEG, rules.JPEG), (b"MZ\x90", None)],
)
def test_type_is_sniffed_from_the_bytes(head, expected):
    assert rules.sniff_type(head) == expected


def test_an_attachment_of_an_accepted_type_and_size_passes():
    assert rules.attachment_errors("epikrise.PDF", 1000, PDF) == []
    assert rules.attachment_errors("bilde.jpeg", 1000, JPEG) == []


def test_an_extension_that_lies_about_the_content_is_refused():
    errors = rules.attachment_errors("rapport.pdf", 1000, PNG)
    assert errors and "passer ikke med innholdet" in errors[0] and "PNG" in errors[0]


def test_an_executable_renamed_to_pdf_is_refused():
    errors = rules.attachment_errors("rapport.pdf", 1000, b"MZ\x90\x00")
    assert errors == ["Bare PDF, PNG og JPEG kan lastes opp. Innholdet i filen er ingen av disse."]


def test_too_large_and_empty_files_are_refused():
    assert "for stor" in rules.attachment_errors("a.pdf", rules.MAX_ATTACHMENT_BYTES + 1, PDF)[0]
    assert rules.attachment_errors("a.pdf", rules.MAX_ATTACHMENT_BYTES, PDF) == []
    assert rules.attachment_errors("a.pdf", 0, b"") == ["Filen er tom."]


@pytest.mark.parametrize(
    ("verified", "stale"),
    [(dt.date(2025, 3, 31), True), (dt.date(2025, 4, 1), False), (dt.date(2026, 3, 1), False)],
)
def test_an_entry_is_stale_after_twelve_months(verified, stale):
    assert rules.is_stale(verified, dt.date(2026, 3, 31)) is stale


def test_months_before_handles_short_months():
    assert rules.months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert rules.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)


def test_missed_meetings_counts_agreed_meetings_that_did_not_happen():
    start = dt.date(2026, 1, 1)
    # Every 4 weeks, kept: nothing missed.
    held = [start + dt.timedelta(weeks=4 * k) for k in range(1, 4)]
    assert rules.missed_meetings(held, start, dt.date(2026, 4, 1), 4) == 0
    # A meeting a few days late is within the grace period.
    assert rules.missed_meetings([dt.date(2026, 2, 3)], start, dt.date(2026, 2, 10), 4) == 0
    # Nothing held for 14 weeks with a 4-week frequency: due at weeks 4, 8 and 12.
    assert rules.missed_meetings([], start, start + dt.timedelta(weeks=14), 4) == 3
    # Week 12's meeting is still within its grace week at week 13.
    assert rules.missed_meetings([], start, start + dt.timedelta(weeks=13), 4) == 2


def test_next_meeting_is_due_one_period_after_the_last():
    assert rules.next_due([dt.date(2026, 2, 1)], dt.date(2026, 1, 1), 6) == dt.date(2026, 3, 15)


def test_routine_gaps_leave_out_covered_pairs_and_sort_by_shared_persons():
    shared = {(1, 2): 3, (1, 3): 7, (2, 3): 1}
    assert rules.routine_gaps(shared, {(2, 3)}) == [((1, 3), 7), ((1, 2), 3)]


def test_ics_is_escaped_folded_and_in_utc():
    start = dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)
    event = rules.CalendarEvent(
        uid="x@helhet",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        summary="Møte; viktig, ja",
        description="Lang tekst " * 20,
        location="Rom 1",
    )
    text = rules.render_ics([event], start, "Kalender")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "DTSTART:20260310T130000Z\r\n" in text
    assert "SUMMARY:Møte\\; viktig\\, ja\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n " in text
    assert text.endswith("END:VCALENDAR\r\n")


def test_the_agreement_in_force_is_the_first_not_ended():
    from types import SimpleNamespace

    today = dt.date(2026, 6, 1)
    ended = SimpleNamespace(ended_on=dt.date(2026, 5, 31))
    ends_today = SimpleNamespace(ended_on=today)
    ends_later = SimpleNamespace(ended_on=dt.date(2026, 6, 2))
    open_ended = SimpleNamespace(ended_on=None)
    assert rules.agreement_in_force([ended, ends_today, ends_later], today) is ends_later
    assert rules.agreement_in_force([open_ended, ends_later], today) is open_ended
    assert rules.agreement_in_force([ended, ends_today], today) is None


def test_missing_topics_follow_the_law_and_ignore_unknown_ones():
    covered = {"oppgavefordeling", "ikt", "ukjent"}
    missing = rules.missing_topics(covered)
    assert missing == [t for t in rules.REQUIRED_TOPICS if t not in covered]
    assert "ikt" not in missing and len(missing) == len(rules.REQUIRED_TOPICS) - 2
    assert rules.missing_topics(rules.REQUIRED_TOPICS) == []


def test_a_routine_is_overdue_the_day_after_its_review_date():
    due = dt.date(2026, 6, 1)
    assert not rules.review_overdue(due, due)
    assert rules.review_overdue(due, due + dt.timedelta(days=1))


def test_a_member_leaves_only_without_open_items():
    assert rules.may_leave_group(0)
    assert not rules.may_leave_group(1)
