"""Reports read from a replica when one is configured; who may see what, and the
log of it, always from the primary (helhet/core/replica.py)."""

import datetime as dt

import pytest

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.audit import services as audit_services
from helhet.consent import services as consent_services
from helhet.consent.models import Consent
from helhet.core import replica
from helhet.core.replica import REPLICA, ReportRouter, choose
from helhet.intake import services as intake_services
from helhet.mapping import services as mapping_services

router = ReportRouter()


@pytest.fixture(autouse=True)
def _standby_not_known_down():
    replica.reset()
    yield
    replica.reset()


@pytest.mark.django_db
def test_without_a_replica_nothing_is_routed():
    seen = []
    replica.run(lambda: seen.append(router.db_for_read(Consent)))
    assert seen == [None]


def test_report_reads_go_to_the_replica_and_nothing_else_does(monkeypatch):
    now = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(replica, "_probe", lambda: replica.Choice(REPLICA, now, "caught up"))

    assert router.db_for_read(Consent) is None  # a caseworker's page
    seen = []

    def report():
        seen.append(router.db_for_read(Consent))
        # Access decisions and the access log: always the primary.
        seen.append(router.db_for_read(AccessLogEntry))
        seen.append(router.db_for_write(Consent))

    assert replica.run(report) == (None, now)
    assert seen == [REPLICA, None, None]
    assert router.db_for_read(Consent) is None
    assert not router.allow_migrate(replica.REPLICA, "consent")
    assert router.allow_migrate("default", "consent")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "report",
    [
        lambda muni: consent_services.evaluation(muni.pk),
        lambda muni: intake_services.monthly_statistics(muni.pk, dt.date(2026, 1, 1)),
        lambda muni: mapping_services.statistics_rows(muni.pk, 2026),
        lambda muni: audit_services.build(muni.pk, dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ],
    ids=["consent evaluation", "intake statistics", "mapping statistics", "compliance report"],
)
def test_the_reports_read_as_reports(monkeypatch, report):
    muni = t.municipality()
    seen = []

    def db_for_read(self, model, **hints):
        seen.append(replica._target.get() is not None)

    monkeypatch.setattr(ReportRouter, "db_for_read", db_for_read)
    report(muni)

    assert seen and all(seen)


NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
LAG = dt.timedelta(seconds=60)


def test_log_sequence_numbers_compare_as_numbers():
    assert replica.lsn("0/FFFFFFFF") < replica.lsn("1/0") < replica.lsn("16/B374D848")


def test_a_caught_up_standby_holds_as_of_the_moment_the_primary_was_asked():
    choice = choose(
        primary_now=NOW,
        primary_lsn=100,
        in_recovery=True,
        replayed_lsn=100,
        last_replayed_commit=NOW - dt.timedelta(hours=5),  # nothing written since
        max_lag=LAG,
    )
    assert (choice.database, choice.as_of) == (REPLICA, NOW)


def test_a_lagging_standby_says_its_figures_are_as_old_as_its_last_commit():
    last = NOW - dt.timedelta(seconds=20)
    choice = choose(
        primary_now=NOW,
        primary_lsn=200,
        in_recovery=True,
        replayed_lsn=100,
        last_replayed_commit=last,
        max_lag=LAG,
    )
    assert (choice.database, choice.as_of) == (REPLICA, last)


@pytest.mark.parametrize(
    ("in_recovery", "replayed_lsn", "last_commit"),
    [
        (True, 100, NOW - dt.timedelta(seconds=61)),  # too far behind
        (True, 100, None),  # behind, and no commit replayed to date it by
        (False, 300, NOW),  # not a standby (promoted, or a stale copy)
        (True, None, NOW),
    ],
    ids=["too far behind", "undated", "not a standby", "nothing replayed"],
)
def test_the_primary_answers_when_the_standby_cannot_be_trusted(
    in_recovery, replayed_lsn, last_commit
):
    choice = choose(
        primary_now=NOW,
        primary_lsn=200,
        in_recovery=in_recovery,
        replayed_lsn=replayed_lsn,
        last_replayed_commit=last_commit,
        max_lag=LAG,
    )
    assert (choice.database, choice.as_of) == ("default", NOW)


@pytest.mark.django_db
def test_a_standby_failing_mid_report_makes_it_run_again_on_the_primary(monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(replica, "_probe", lambda: replica.Choice(REPLICA, NOW, "caught up"))
    closed = []
    monkeypatch.setattr(replica, "_close_standby", lambda: closed.append(REPLICA))
    where = []

    def report():
        where.append(replica._target.get())
        if replica._target.get() == REPLICA:
            raise OperationalError("the standby went away")
        return "figures"

    result, as_of = replica.run(report)

    assert result == "figures"
    assert where == [REPLICA, "default"]
    assert as_of >= NOW  # from the primary: as of now, not the standby's moment
    assert closed == [REPLICA]  # the broken connection is not reused
    assert replica._is_down()  # and the standby is left alone for a while
