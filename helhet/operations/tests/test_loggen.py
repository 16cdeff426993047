"""`helhet generate-access-log` makes a large synthetic log on PostgreSQL, by the
database itself, for a demo municipality of synthetic persons and users; SQLite is
refused (docs/performance.md, "The access log at scale")."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from helhet.access.models import AccessLogEntry
from helhet.operations import logchain
from helhet.organisation.models import Municipality

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate-access-log", *args, stdout=out)
    return out.getvalue()


def test_a_synthetic_log_is_made_measured_and_sealed_on_postgresql_only():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="bare for PostgreSQL") as refused:
            generate("--rows", "100")
        assert refused.value.returncode == 2
        assert not AccessLogEntry.objects.exists()
        return

    out = generate("--rows", "3000", "--persons", "40", "--users", "7", "--days", "45", "--seal")

    muni = Municipality.objects.get()
    assert muni.is_demo
    rows = AccessLogEntry.objects.filter(municipality=muni)
    assert rows.count() == 3000
    assert "3000 rader på" in out and "byte per ny rad" in out and "3000 rader forseglet" in out
    assert rows.values("person").distinct().count() == 40
    assert rows.values("user").distinct().count() == 7
    # The mix the gate writes: mostly list rows, a few refusals and emergencies, flagged.
    kinds = dict(rows.values_list("basis").annotate(n=Count("id")).order_by())
    assert kinds["liste"] == 2400 and kinds["ingen"] == 12 and kinds["nodtilgang"] == 3
    assert rows.filter(flagged=True).count() == 15
    assert logchain.verify().broken is None


@pytest.mark.parametrize("option", [["--rows", "0"], ["--days", "4000"], ["--users", "0"]])
def test_out_of_range_sizes_are_refused(option):
    with pytest.raises(CommandError) as refused:
        generate(*option)
    assert refused.value.returncode == 2
    assert not AccessLogEntry.objects.exists()
