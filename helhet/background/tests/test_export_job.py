"""The plan overview's CSV export as a background job: «beregnes» while the
worker writes it, then a download for the requester alone."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.background.models import Job
from helhet.background.tests.test_queue import _worker
from helhet.organisation.models import Role, Unit
from helhet.plans.models import IndividualPlan

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    muni = t.municipality()
    ke = t.unit(muni, Unit.Kind.COORDINATING)
    person = t.person(muni, family_name="Eksportsen")
    IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    return t.staff(ke, Role.COORDINATING_UNIT)


@time_machine.travel(NOW, tick=False)
def test_the_export_is_written_by_the_worker_and_downloaded_by_the_requester(
    client, queue, officer
):
    client.force_login(officer)
    url = reverse("coordination:overview-csv")

    first = client.get(url)
    client.get(url)

    assert "Beregnes" in first.content.decode()
    (job,) = Job.objects.all()
    assert not AccessLogEntry.objects.filter(what="planoversikt.csv").exists()

    _worker().run()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file
    poll = client.get(reverse("background:status", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == reverse("background:download", args=[job.pk])
    download = client.get(reverse("background:download", args=[job.pk]))
    assert download.status_code == 200
    assert 'filename="planoversikt-2026-03-10.csv"' in download["Content-Disposition"]
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Eksportsen" in body
    assert AccessLogEntry.objects.filter(
        what="planoversikt.csv", granted=True, user=officer
    ).exists()

    colleague = t.staff(
        t.unit(officer.staff.municipality, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT
    )
    client.force_login(colleague)
    assert client.get(reverse("background:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("background:status", args=[job.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_an_export_file_is_removed_after_its_time(client, queue, officer, settings):
    settings.EXPORT_KEEP_HOURS = 24
    client.force_login(officer)
    client.get(reverse("coordination:overview-csv"))
    _worker().run()
    job = Job.objects.get()
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        client.force_login(officer)  # the session of two days ago has run out
        client.get(reverse("coordination:overview-csv"))  # a new export sweeps old files
        _worker().run()
        assert Job.objects.filter(status=Job.Status.DONE).count() == 2
    assert not (settings.EXPORT_DIR / job.file).exists()
    assert client.get(reverse("background:download", args=[job.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_failed_export_says_so_and_stops_polling(client, queue, officer, monkeypatch):
    from helhet.coordination import views as coordination

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(coordination, "write_csv", broken)
    client.force_login(officer)
    client.get(reverse("coordination:overview-csv"))
    _worker().run()
    job = Job.objects.get()

    poll = client.get(reverse("background:status", args=[job.pk]), headers={"HX-Request": "true"})

    assert job.__class__.objects.get(pk=job.pk).status == Job.Status.FAILED
    text = poll.content.decode()
    assert "Beregningen feilet" in text
    assert "hx-trigger" not in text  # no more polling
    assert "HX-Refresh" not in poll and "HX-Redirect" not in poll
    assert "disk full" not in text  # the technical error stays in the task row
