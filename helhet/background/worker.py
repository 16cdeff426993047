"""`helhet worker`: django-tasks-db's worker with a heartbeat.

The worker loop is django-tasks-db's own (claiming with ``SELECT … FOR UPDATE
SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite). Beside it a
thread writes this worker's heartbeat every ``WORKER_HEARTBEAT_SECONDS`` and puts
back in the queue the tasks of workers that stopped beating (``requeue_lost``):
any live worker recovers the work of a dead one, so no separate reaper runs.
"""

import logging
import os
import random
import socket
import threading
import time

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception, retry

from helhet.background import services

logger = logging.getLogger(__name__)


class ResultNotRecorded(Exception):
    """A task ran but its result could not be written (the library retries first).
    The worker stops, as it always did: its heartbeat ends, and another worker puts
    the task back in the queue (``services.requeue_lost``)."""


def new_worker_id() -> str:
    host = socket.gethostname()[:24]
    return f"{services.WORKER_PREFIX}{host}-{os.getpid()}-{get_random_string(8)}"


class HeartbeatWorker(Worker):
    def __init__(self, *, beat_in_thread: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Off only in tests that run a worker inside the test's own transaction,
        # which a second connection cannot see past.
        self.beat_in_thread = beat_in_thread
        self._stopped = threading.Event()
        self._started_at = timezone.now()

    def _beat_once(self) -> None:
        services.beat(
            worker_id=self.worker_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=self._started_at,
        )
        services.requeue_lost()

    def _heartbeat(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    self._beat_once()
                except Exception:
                    # A missed beat is not fatal: the next one comes; only a long
                    # silence makes other workers take this worker's task.
                    logger.exception("Heartbeat failed for worker %s", self.worker_id)
                self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except OperationalError as error:
            # Not the claim's lock below: the task may have run, so it must not be
            # left marked as running by a worker that goes on beating.
            raise ResultNotRecorded(str(db_task_result.id)) from error

    def _work(self) -> None:
        """The library's loop, resumed when the database was locked.

        django-tasks-db keeps going when claiming a task meets a locked database,
        but not when the exclusive transaction that the claim runs in cannot begin
        (SQLite: another writer held the database past the connection's timeout).
        No task was claimed then, so the worker waits a moment and tries again,
        instead of stopping with work still in the queue. (An error writing a
        task's result is ``ResultNotRecorded``, which stops the worker.)"""
        while True:
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("Database locked for worker %s; trying again", self.worker_id)
                if not self.running:
                    return
                # Jitter, so two workers that met the lock do not meet it again.
                time.sleep(self.interval + random.uniform(0.01, 0.1))  # noqa: S311

    def run(self) -> None:
        # The first beat before the first task, so no task is ever held by a
        # worker that has not said it is alive.
        retry(retries=5, backoff_delay=0.2)(self._beat_once)()
        thread = threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True)
        if self.beat_in_thread:
            thread.start()
        try:
            self._work()
        finally:
            self._stopped.set()
            if thread.is_alive():
                thread.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
            retry(retries=5, backoff_delay=0.2)(services.stop)(worker_id=self.worker_id)
