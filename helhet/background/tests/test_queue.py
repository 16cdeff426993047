"""The queue: a worker killed mid-task has its task run again; two workers never
run the same task (on SQLite by an exclusive transaction, on PostgreSQL by
SELECT … FOR UPDATE SKIP LOCKED — this file runs on whichever database the suite
is configured with, HELHET_DATABASE_URL)."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, close_old_connections, connection, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from helhet import testing as t
from helhet.background import services
from helhet.background.models import Job, WorkerBeat
from helhet.background.tests import probe
from helhet.background.worker import HeartbeatWorker, new_worker_id


def _worker(**overrides) -> HeartbeatWorker:
    options = dict(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
        # The test's transaction is invisible to a heartbeat thread's connection;
        # the tests with threads and processes beat as production does.
        beat_in_thread=False,
    )
    options.update(overrides)
    return HeartbeatWorker(**options)


def _claim_as(task_id, worker_id: str, started: dt.datetime) -> DBTaskResult:
    row = DBTaskResult.objects.get(pk=task_id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=task_id).update(started_at=started)
    return DBTaskResult.objects.get(pk=task_id)


@pytest.mark.django_db
def test_a_task_whose_worker_died_is_put_back_and_run_again(queue, tmp_path, settings):
    settings.WORKER_LOST_SECONDS = 60
    result = probe.record.enqueue(str(tmp_path), 7)
    dead = new_worker_id()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    _claim_as(result.id, dead, long_ago)
    # The dead worker's last heartbeat is five minutes old.
    services.beat(worker_id=dead, host="h", pid=1, started_at=long_ago)
    WorkerBeat.objects.filter(pk=dead).update(last_seen=long_ago)

    assert services.requeue_lost() == (1, 0)

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2  # the dead worker's attempt and the one that finished
    assert (tmp_path / "ran.txt").read_text() == "7\n"
    assert not WorkerBeat.objects.filter(pk=dead).exists()


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone(queue, tmp_path, settings):
    settings.WORKER_LOST_SECONDS = 60
    result = probe.record.enqueue(str(tmp_path), 1)
    alive = new_worker_id()
    _claim_as(result.id, alive, timezone.now() - dt.timedelta(minutes=30))
    services.beat(worker_id=alive, host="h", pid=1, started_at=timezone.now())

    assert services.requeue_lost() == (0, 0)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_of_a_plain_db_worker_is_never_requeued(queue, tmp_path, settings):
    """`db_worker` writes no heartbeat: its silence does not mean it is gone."""
    settings.WORKER_LOST_SECONDS = 60
    result = probe.record.enqueue(str(tmp_path), 1)
    _claim_as(result.id, "a1b2c3", timezone.now() - dt.timedelta(hours=2))

    assert services.requeue_lost() == (0, 0)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_worker_is_given_up_and_its_job_says_so(
    queue, tmp_path, settings
):
    settings.WORKER_LOST_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 2
    municipality = t.municipality()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    job = Job.objects.create(kind=Job.Kind.COMPLIANCE, key="k", municipality=municipality)
    result = probe.record.enqueue(str(tmp_path), 1)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id), status=Job.Status.RUNNING)
    _claim_as(result.id, new_worker_id(), long_ago)
    assert services.requeue_lost() == (1, 0)
    _claim_as(result.id, new_worker_id(), long_ago)  # the second worker dies too

    assert services.requeue_lost() == (0, 1)

    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Prøv igjen" in job.error


@pytest.mark.django_db
def test_a_worker_that_finds_the_database_locked_keeps_going(queue, tmp_path, monkeypatch):
    """Another writer holding SQLite past the timeout makes the claim's BEGIN fail;
    the worker tries again instead of stopping with the task still queued."""
    from django_tasks_db.management.commands import db_worker

    result = probe.record.enqueue(str(tmp_path), 3)
    real, failures = db_worker.exclusive_transaction, []

    def locked_once(using=None):
        if not failures:
            failures.append(using)
            raise OperationalError("database is locked")
        return real(using)

    monkeypatch.setattr(db_worker, "exclusive_transaction", locked_once)
    _worker().run()

    assert failures, "the lock was met"
    assert (tmp_path / "ran.txt").read_text() == "3\n"
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_worker_that_cannot_record_a_result_stops_so_the_task_is_put_back(
    queue, tmp_path, monkeypatch
):
    """Locked while writing a result is not the claim's lock: the task ran, so the
    worker must not go on beating with the task marked as its own."""
    from helhet.background.worker import ResultNotRecorded

    result = probe.record.enqueue(str(tmp_path), 4)

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(DBTaskResult, "set_successful", locked)
    monkeypatch.setattr(DBTaskResult, "set_failed", locked)
    with pytest.raises(ResultNotRecorded):
        _worker().run()
    assert (tmp_path / "ran.txt").read_text() == "4\n"
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_task(queue, tmp_path):
    """Two workers, each with its own database connection, drain one queue at the
    same time: every task runs exactly once."""
    count = 40
    # The first two wait for each other, so both workers must hold one of them.
    ids = [probe.meet.enqueue(str(tmp_path), n).id for n in range(2)]
    ids += [probe.record.enqueue(str(tmp_path), n).id for n in range(2, count)]
    errors = []

    def drain() -> None:
        try:
            _worker(beat_in_thread=True).run()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()

    assert not errors, errors
    ran = sorted(int(line) for line in (tmp_path / "ran.txt").read_text().split())
    assert ran == list(range(count))
    rows = DBTaskResult.objects.filter(pk__in=ids)
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in rows), [
        r.exception_class_path for r in rows if r.status != TaskResultStatus.SUCCESSFUL
    ]
    assert all(len(r.worker_ids) == 1 for r in rows)
    assert len({r.worker_ids[0] for r in rows}) == 2, "both workers took tasks"


@pytest.mark.django_db(transaction=True)
def test_a_task_being_claimed_is_invisible_to_the_other_worker(queue, tmp_path):
    """While one worker holds the task it is claiming, the other cannot take it:
    PostgreSQL skips the locked row and takes the next; SQLite has no row locks,
    so the claim runs in an exclusive transaction and the other worker waits
    (and, told the database is locked, tries again later)."""
    first = probe.record.enqueue(str(tmp_path), 1)
    second = probe.record.enqueue(str(tmp_path), 2)
    holding, release, seen = threading.Event(), threading.Event(), {}

    def hold() -> None:
        try:
            with exclusive_transaction():
                seen["held"] = DBTaskResult.objects.ready().get_locked().pk
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=30)
    try:
        if connection.features.has_select_for_update_skip_locked:
            with exclusive_transaction():
                other = DBTaskResult.objects.ready().get_locked()
            assert other is not None and other.pk != seen["held"]
            assert {str(seen["held"]), str(other.pk)} == {str(first.id), str(second.id)}
        else:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 100")
            with pytest.raises(OperationalError, match="locked"):
                with exclusive_transaction():
                    DBTaskResult.objects.ready().get_locked()
    finally:
        release.set()
        holder.join(timeout=30)
