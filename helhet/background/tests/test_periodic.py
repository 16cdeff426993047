"""Periodic work through the queue: `helhet schedule` enqueues, the worker runs,
and a timer firing while the last run still waits adds nothing."""

import io

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.background.tests.test_queue import _worker
from helhet.operations import logchain

pytestmark = pytest.mark.django_db


def schedule(*names: str) -> str:
    out = io.StringIO()
    call_command("schedule", *names, stdout=out)
    return out.getvalue()


def test_sealing_is_enqueued_once_and_run_by_the_worker(queue):
    muni = t.municipality()
    viewer = t.staff(t.unit(muni))
    gate.log_many(viewer, [t.person(muni), t.person(muni)], Action.LIST, what="oversikt")
    assert AccessLogEntry.objects.filter(chain_position__isnull=True).count() == 2

    first = schedule("seal-log", "deliver-webhooks")
    second = schedule("seal-log", "deliver-webhooks")

    assert "seal-log: lagt i køen" in first
    assert "seal-log: venter allerede" in second
    assert DBTaskResult.objects.count() == 2  # one seal, one delivery run
    _worker().run()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
    assert not AccessLogEntry.objects.filter(chain_position__isnull=True).exists()
    # Both rows in the chain, the newest at its head (positions name the month's
    # chain: helhet/operations/logchain.py).
    newest = AccessLogEntry.objects.order_by("-chain_position").first()
    assert logchain.head().position == newest.chain_position
    assert AccessLogEntry.objects.filter(chain_hash__isnull=False).count() == 2
    assert "seal-log: lagt i køen" in schedule("seal-log")  # the last run is done


def test_reminders_are_run_by_the_worker(queue):
    schedule("reminders")
    _worker().run()
    (row,) = DBTaskResult.objects.all()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == [0, 0, 0, 0]  # nothing due in an empty municipality
