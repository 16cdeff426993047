"""The access log's monthly partitions (PostgreSQL; migration 0006). On SQLite the
log is one plain table and there is nothing to make."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from helhet import testing as t
from helhet.access import gate, partitions
from helhet.access.models import AccessLogEntry, AccessReview, Action

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def log_one() -> AccessLogEntry:
    muni = t.municipality()
    person = t.person(muni)
    gate.check(t.staff(muni), person, Action.VIEW, category=gate.BASIC, what="test")
    return AccessLogEntry.objects.latest("id")


def partition_of(entry: AccessLogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s", [entry.pk]
        )
        return cursor.fetchone()[0]


def test_months_run_from_the_oldest_row_to_twelve_months_ahead():
    months = partitions.wanted(dt.date(2026, 9, 17), today=dt.date(2026, 11, 26))

    assert months[0] == dt.date(2026, 9, 1) and months[-1] == dt.date(2027, 11, 1)
    assert len(months) == 15
    assert partitions.name(dt.date(2027, 1, 1)) == "access_accesslogentry_2027_01"


def test_a_new_row_lands_in_its_own_month():
    entry = log_one()

    if POSTGRES:
        assert partition_of(entry) == partitions.name(partitions.month(entry.at.date()))
    else:
        assert partitions.ensure() == []  # SQLite: one plain table
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "test"


def test_a_row_outside_the_months_made_lands_in_the_default_partition_and_is_kept():
    with time_machine.travel(timezone.now() + dt.timedelta(days=5 * 366), tick=False):
        entry = log_one()

    if POSTGRES:
        assert partition_of(entry) == f"{partitions.TABLE}_default"
    assert AccessLogEntry.objects.filter(pk=entry.pk, what="test").exists()


def test_seal_log_makes_the_months_ahead_as_time_passes():
    later = timezone.now() + dt.timedelta(days=60)
    with time_machine.travel(later, tick=False):
        out = io.StringIO()
        call_command("seal-log", stdout=out)

    if POSTGRES:
        new_month = partitions.name(partitions.month(later.date(), partitions.MONTHS_AHEAD))
        assert "Nye partisjoner: " in out.getvalue() and new_month in out.getvalue()
        with connection.cursor() as cursor:
            assert new_month in partitions.existing(cursor)
    else:
        assert "Nye partisjoner" not in out.getvalue()


def test_seal_log_goes_on_sealing_when_a_month_cannot_be_made():
    # A row far ahead sits in DEFAULT; the month it belongs to can then not be
    # made, but the log must still be sealed.
    far = timezone.now() + dt.timedelta(days=5 * 366)
    with time_machine.travel(far, tick=False):
        entry = log_one()
        out, err = io.StringIO(), io.StringIO()
        call_command("seal-log", stdout=out, stderr=err)

    if POSTGRES:
        assert "Kunne ikke lage ny månedspartisjon" in err.getvalue()
    assert "1 rader forseglet" in out.getvalue()
    assert AccessLogEntry.objects.get(pk=entry.pk).chain_hash


def test_a_review_still_points_at_its_log_entry():
    entry = log_one()
    review = AccessReview.objects.create(entry=entry, reviewed_by=t.staff(entry.municipality))

    assert AccessReview.objects.get(pk=review.pk).entry == entry
    assert entry.review == review
