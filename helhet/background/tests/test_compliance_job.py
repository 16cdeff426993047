"""The compliance page for a period not yet stored: it says «beregnes» with its
progress, enqueues the work once however often it is asked, and shows the
figures when the worker is done — nothing long runs inside the request."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from helhet import testing as t
from helhet.audit.models import ComplianceSnapshot
from helhet.background.models import Job
from helhet.background.tests.test_queue import _worker
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def leader():
    muni = t.municipality()
    unit = t.unit(muni)
    t.service(t.person(muni), unit)
    return t.staff(unit, Role.LEADER)


@time_machine.travel(NOW, tick=False)
def test_a_new_period_is_computed_by_the_worker_not_the_request(client, queue, leader):
    client.force_login(leader)
    url = reverse("audit:compliance")

    first = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"})
    again = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"})

    assert first.status_code == again.status_code == 200
    text = again.content.decode()
    assert "Beregnes" in text
    assert "Venter på tur i køen" in text
    assert "Tjenester som varer mer enn to uker bygger på vedtak" not in text
    assert not ComplianceSnapshot.objects.exists()  # nothing computed in the request
    assert DBTaskResult.objects.count() == 1  # asked twice, enqueued once
    (job,) = Job.objects.all()
    assert job.status == Job.Status.QUEUED
    status_url = reverse("background:status", args=[job.pk])
    assert status_url in text

    _worker().run()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.done == job.total > 0
    poll = client.get(status_url, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert poll["HX-Refresh"] == "true"
    shown = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"}).content.decode()
    assert "Tjenester som varer mer enn to uker bygger på vedtak" in shown
    assert "Beregnes" not in shown
    assert ComplianceSnapshot.objects.filter(
        period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), day=NOW.date()
    ).exists()


@time_machine.travel(NOW, tick=False)
def test_the_progress_shows_how_far_the_worker_has_come(client, queue, leader):
    client.force_login(leader)
    client.get(reverse("audit:compliance"))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=3, total=12)

    poll = client.get(reverse("background:status", args=[job.pk]), headers={"HX-Request": "true"})

    assert "3 av 12 ferdig" in poll.content.decode()
    assert 'value="25"' in poll.content.decode()
    assert "HX-Refresh" not in poll


@time_machine.travel(NOW, tick=False)
def test_recompute_asked_twice_enqueues_once_and_keeps_the_old_figures_meanwhile(
    client, queue, leader
):
    client.force_login(leader)
    client.get(reverse("audit:compliance"))
    _worker().run()
    before = DBTaskResult.objects.count()

    client.post(reverse("audit:recompute"))
    client.post(reverse("audit:recompute"))
    page = client.get(reverse("audit:compliance")).content.decode()

    assert DBTaskResult.objects.count() == before + 1
    assert "Beregnes" in page
    assert "Tjenester som varer mer enn to uker bygger på vedtak" in page  # the stored figures


@time_machine.travel(NOW, tick=False)
def test_a_compliance_job_is_for_those_who_may_see_the_report(client, queue, leader):
    client.force_login(leader)
    client.get(reverse("audit:compliance"))
    job = Job.objects.get()
    status_url = reverse("background:status", args=[job.pk])

    # A colleague who sees the report opens the same period: the page joins the
    # running job, and they follow its progress like the one who asked first.
    colleague = t.staff(t.unit(leader.staff.municipality), Role.LEADER)
    client.force_login(colleague)
    page = client.get(reverse("audit:compliance")).content.decode()
    assert status_url in page
    assert client.get(status_url).status_code == 200
    assert Job.objects.count() == 1

    # Staff without the report, and leaders elsewhere, do not see the job.
    provider = t.staff(t.unit(leader.staff.municipality), Role.SERVICE_PROVIDER)
    elsewhere = t.staff(t.unit(t.municipality()), Role.LEADER)
    for other in (provider, elsewhere):
        client.force_login(other)
        assert client.get(status_url).status_code == 404
    client.logout()
    anonymous = client.get(reverse("background:status", args=[job.pk]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


@time_machine.travel(NOW, tick=False)
def test_a_failed_computation_is_shown_and_not_restarted_on_every_view(
    client, queue, leader, monkeypatch
):
    from helhet.audit import services as audit

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(audit, "store_snapshots", broken)
    client.force_login(leader)
    client.get(reverse("audit:compliance"))
    _worker().run()

    page = client.get(reverse("audit:compliance")).content.decode()

    assert Job.objects.get().status == Job.Status.FAILED
    assert "Beregningen feilet" in page
    assert "Beregn på nytt" in page
    assert DBTaskResult.objects.count() == 1
