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
from helhet.core.replica import ReportRouter, reporting
from helhet.intake import services as intake_services
from helhet.mapping import services as mapping_services

router = ReportRouter()


def test_without_a_replica_nothing_is_routed():
    with reporting():
        assert router.db_for_read(Consent) is None


def test_report_reads_go_to_the_replica_and_nothing_else_does(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)  # HELHET_REPLICA_DATABASE_URL

    assert router.db_for_read(Consent) is None  # a caseworker's page
    with reporting():
        assert router.db_for_read(Consent) == replica.REPLICA
        # Access decisions and the access log: always the primary.
        assert router.db_for_read(AccessLogEntry) is None
        assert router.db_for_write(Consent) is None
    assert router.db_for_read(Consent) is None
    assert not router.allow_migrate(replica.REPLICA, "consent")
    assert router.allow_migrate("default", "consent")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "report",
    [
        lambda muni: consent_services.evaluation(municipality_id=muni.pk),
        lambda muni: intake_services.monthly_statistics(
            municipality_id=muni.pk, since=dt.date(2026, 1, 1)
        ),
        lambda muni: mapping_services.statistics_rows(municipality_id=muni.pk, year=2026),
        lambda muni: audit_services.build(
            municipality_id=muni.pk, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        ),
    ],
    ids=["consent evaluation", "intake statistics", "mapping statistics", "compliance report"],
)
def test_the_reports_read_as_reports(monkeypatch, report):
    muni = t.municipality()
    seen = []

    def db_for_read(self, model, **hints):
        seen.append(replica._reporting.get())

    monkeypatch.setattr(ReportRouter, "db_for_read", db_for_read)
    report(muni)

    assert seen and all(seen)
