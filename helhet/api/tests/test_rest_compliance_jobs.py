"""The compliance API for a period not stored today: nothing long runs inside the
request. It answers 202 with a job to follow (Location, Retry-After), the worker
computes the report, the job then points to the result, and the result is the
stored report the compliance page shows."""

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.api.tests.test_rest_mappings import client_for
from helhet.audit import services as audit
from helhet.audit.models import ComplianceSnapshot
from helhet.background import services as background
from helhet.background.models import Job

# The real database queue (``queue``) and a worker run inside the test, as the
# background app's own tests do.
from helhet.background.tests.conftest import _keep_the_test_connection, queue  # noqa: F401
from helhet.background.tests.test_queue import _worker
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}
URL = "api:compliance"


@pytest.fixture
def world():
    muni = t.municipality()
    unit = t.unit(muni)
    for _ in range(3):
        t.service(t.person(muni), unit)
    return {
        "muni": muni,
        "unit": unit,
        "leader": t.staff(unit, Role.LEADER),
        "colleague": t.staff(t.unit(muni), Role.QUALITY),
        "provider": t.staff(unit, Role.SERVICE_PROVIDER),
        "elsewhere": t.staff(t.unit(t.municipality()), Role.LEADER),
    }


def _counts(criteria):
    return {c["id"]: (c["met"], c["not_met"], c["not_applicable"]) for c in criteria}


@time_machine.travel(NOW, tick=False)
def test_a_period_not_stored_is_a_job_the_worker_computes(queue, world):  # noqa: F811
    api = client_for(world["leader"])

    first = api.get(reverse(URL), PERIOD)
    again = api.get(reverse(URL), PERIOD)

    assert first.status_code == again.status_code == 202
    job = Job.objects.get()
    assert job.kind == Job.Kind.COMPLIANCE and job.status == Job.Status.QUEUED
    job_url = reverse("api:job", args=[job.pk])
    assert first["Location"] == f"http://testserver{job_url}"
    assert again["Location"] == first["Location"]  # asked twice: the same job
    assert first["Retry-After"] == "2"
    assert first.json()["status"] == "queued" and first.json()["result"] is None
    (task,) = DBTaskResult.objects.all()  # enqueued once
    assert task.task_path.endswith("compliance_report")
    assert not ComplianceSnapshot.objects.exists()  # nothing computed in the request

    waiting = api.get(job_url)
    assert waiting.status_code == 200
    assert waiting.json()["status_display"] == "Venter på tur"
    assert waiting["Retry-After"] == "2"

    _worker().run()

    done = api.get(job_url)
    body = done.json()
    assert done.status_code == 200
    assert body["status"] == "done" and body["percent"] == 100 and body["total"] > 0
    assert "Retry-After" not in done
    assert body["result"].startswith(f"http://testserver{reverse(URL)}?")

    result = api.get(body["result"])
    assert result.status_code == 200
    figures = result.json()
    assert (figures["start"], figures["end"]) == (PERIOD["start"], PERIOD["end"])
    # The figures the compliance page shows: the stored report for the period ...
    shown = audit.find_stored(
        municipality_id=world["muni"].pk,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        today=NOW.date(),
    )
    assert shown is not None
    stored = {
        r.criterion.id: (r.total.met, r.total.not_met, r.total.not_applicable)
        for r in shown.reports
    }
    assert _counts(figures["criteria"]) == stored
    assert sum(met + not_met for met, not_met, _na in stored.values()) > 0
    # ... which is what computing it live gives.
    live = audit.build(
        municipality_id=world["muni"].pk,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        today=NOW.date(),
    )
    assert stored == {
        r.criterion.id: (r.total.met, r.total.not_met, r.total.not_applicable) for r in live
    }
    per_unit = {
        (c["id"], u["unit"]): (u["met"], u["not_met"], u["not_applicable"])
        for c in figures["criteria"]
        for u in c["units"]
    }
    assert per_unit == {
        (r.criterion.id, unit): (tally.met, tally.not_met, tally.not_applicable)
        for r in shown.reports
        for unit, tally in r.per_unit.items()
    }
    assert any(unit == world["unit"].pk for _id, unit in per_unit)


@time_machine.travel(NOW, tick=False)
def test_the_page_and_the_api_share_one_job_and_one_report(client, queue, world):  # noqa: F811
    client.force_login(world["leader"])
    page = client.get(reverse("audit:compliance"), PERIOD)
    assert "Beregnes" in page.content.decode()
    (job,) = Job.objects.all()

    # A colleague who also sees the report asks the API: they join the page's job
    # and may follow it, though another user asked for it.
    colleague = client_for(world["colleague"])
    joined = colleague.get(reverse(URL), PERIOD)
    assert joined.status_code == 202
    assert joined["Location"].endswith(reverse("api:job", args=[job.pk]))
    assert colleague.get(joined["Location"]).status_code == 200
    assert DBTaskResult.objects.count() == 1

    _worker().run()

    figures = colleague.get(reverse(URL), PERIOD)
    assert figures.status_code == 200
    assert figures.json()["computed_at"]
    shown = client.get(reverse("audit:compliance"), PERIOD).content.decode()
    assert "Beregnes" not in shown
    assert "Tjenester som varer mer enn to uker bygger på vedtak" in shown
    assert DBTaskResult.objects.count() == 1  # nothing more enqueued by either


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["provider", "elsewhere"])
def test_others_cannot_read_the_job_and_the_refusal_is_logged(queue, world, who, caplog):  # noqa: F811
    client_for(world["leader"]).get(reverse(URL), PERIOD)
    job = Job.objects.get()
    url = reverse("api:job", args=[job.pk])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        refused = client_for(world[who]).get(url)

    assert refused.status_code == 404
    assert refused.json()["detail"] == "Fant ikke bakgrunnsarbeidet."
    assert any(url in record.getMessage() for record in caplog.records)
    assert "status" not in refused.json()


@time_machine.travel(NOW, tick=False)
def test_an_export_job_is_its_requesters_alone(queue, world):  # noqa: F811
    job = background.start_overview_export(user=world["leader"], query="")
    url = reverse("api:job", args=[job.pk])

    assert client_for(world["leader"]).get(url).status_code == 200
    # A colleague with the same role and municipality: the export holds what the
    # gate let its requester see, not them.
    peer = t.staff(world["unit"], Role.LEADER)
    assert client_for(peer).get(url).status_code == 404


def test_a_job_is_not_for_the_anonymous_or_an_unknown_id(queue, world):  # noqa: F811
    assert APIClient().get(reverse("api:job", args=[1])).status_code in (401, 403)
    unknown = client_for(world["leader"]).get(reverse("api:job", args=[987654]))
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Fant ikke bakgrunnsarbeidet."


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-13-01"}, "start", "Dato har feil format"),
        ({"start": "2026-05-01", "end": "2026-01-01"}, "end", "Perioden slutter før den begynner."),
    ],
)
def test_a_bad_period_is_a_norwegian_400_and_enqueues_nothing(queue, world, params, field, message):  # noqa: F811
    response = client_for(world["leader"]).get(reverse(URL), params)

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_failed_job_says_so_and_asking_again_tries_again(queue, world, monkeypatch):  # noqa: F811
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(audit, "store_snapshots", broken)
    api = client_for(world["leader"])
    first = api.get(reverse(URL), PERIOD)
    _worker().run()

    failed = api.get(first["Location"]).json()
    assert failed["status"] == "failed"
    assert failed["error"].startswith("Beregningen feilet")
    assert failed["result"] is None

    again = api.get(reverse(URL), PERIOD)
    assert again.status_code == 202
    assert again["Location"] != first["Location"]
    assert DBTaskResult.objects.count() == 2


def test_the_schema_declares_the_job_answers():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    compliance = paths["/api/v1/compliance/"]["get"]["responses"]
    assert {"200", "202", "400"} <= set(compliance)
    assert {"Location", "Retry-After"} <= set(compliance["202"]["headers"])
    job = paths["/api/v1/jobs/{job_id}/"]["get"]["responses"]
    assert {"200", "404"} <= set(job)
    assert job["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Job")
    assert "Retry-After" in job["200"]["headers"]
