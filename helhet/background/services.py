"""Starting background jobs, reporting their progress, and finding lost tasks.

The queue is django-tasks-db: a worker claims a task with ``SELECT … FOR UPDATE
SKIP LOCKED`` (PostgreSQL) or inside an exclusive transaction (SQLite), so two
workers never take the same task. What it does not do is notice a worker that
died mid-task: the task stays «running» for ever. ``requeue_lost`` is that
recovery: `helhet worker` writes a heartbeat (``WorkerBeat``), and a running
task whose worker has been silent for ``WORKER_LOST_SECONDS`` is put back in the
queue, at most ``TASK_MAX_ATTEMPTS`` runs in all, then marked failed. That makes
delivery at least once, never at most once — every task here is safe to run
twice (a report replaces the day's snapshot, an export is written atomically,
sealing and webhook delivery take only what is still undone, reminders are
stamped), see docs/deployment.md.
"""

import datetime as dt
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from helhet.background import rules
from helhet.background.models import Job, WorkerBeat

logger = logging.getLogger(__name__)

# Worker ids `helhet worker` gives itself. Only their tasks are ever requeued: a
# plain `db_worker` writes no heartbeat, so silence would not mean it is gone.
WORKER_PREFIX = "helhet-"


def active_job(*, kind: str, key: str) -> Job | None:
    return Job.objects.filter(kind=kind, key=key, status__in=Job.ACTIVE).first()


def latest_job(*, kind: str, key: str) -> Job | None:
    return Job.objects.filter(kind=kind, key=key).order_by("-created_at", "-pk").first()


def start_job(
    *,
    kind: str,
    key: str,
    municipality_id: int,
    user: AbstractBaseUser | AnonymousUser | None,
    params: dict[str, Any],
    task: Task[..., Any],
) -> Job:
    """The active job for ``key``, or a new one with its task enqueued.

    Asking twice while the work is queued or running gives the same job; the job
    row and the queued task are written in one transaction, so neither exists
    without the other."""
    found = active_job(kind=kind, key=key)
    if found is not None:
        return found
    requester = user if isinstance(user, User) else None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                municipality_id=municipality_id,
                requested_by=requester,
                params=params,
            )
            result = task.enqueue(job.pk)
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    except IntegrityError:
        # Another request enqueued the same work between our look and our insert.
        found = active_job(kind=kind, key=key)
        if found is None:
            raise
        return found
    job.refresh_from_db()
    return job


def mark_running(*, job_id: int) -> Job | None:
    """The job, now running; None when there is nothing left to do for it."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return None
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, done=0)
    job.status = Job.Status.RUNNING
    return job


def reporter(*, job: Job) -> Callable[[int, int], None]:
    """A callback the work calls with (done, total); one small UPDATE each time."""

    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total)

    return report


def finish(*, job: Job, file: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, file=file, finished_at=timezone.now(), error=""
    )


def fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, error=error[:300], finished_at=timezone.now()
    )


# --- workers and lost tasks ------------------------------------------------------


def beat(*, worker_id: str, host: str, pid: int, started_at: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host, "pid": pid, "started_at": started_at, "last_seen": timezone.now()},
    )


def stop(*, worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def requeue_lost(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Put tasks of silent workers back in the queue; returns (requeued, given up).

    A task is lost when it is running, was started by `helhet worker` more than
    ``WORKER_LOST_SECONDS`` ago, and that worker's last heartbeat is older than
    that (or gone). It runs again unless it has already been tried
    ``TASK_MAX_ATTEMPTS`` times (a task that kills its worker every time must
    not take the queue down with it); then it and its job are marked failed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.WORKER_LOST_SECONDS)
    requeued = given_up = 0
    with exclusive_transaction(DBTaskResult.objects.db):
        alive = set(
            WorkerBeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True)
        )
        running = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
        for task in running.select_for_update(skip_locked=True):
            worker = task.worker_ids[-1] if task.worker_ids else ""
            if not worker.startswith(WORKER_PREFIX) or worker in alive:
                continue
            if len(task.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                task.set_failed(WorkerLost(worker))
                for job in Job.objects.filter(task_id=str(task.id), status__in=Job.ACTIVE):
                    fail(job_id=job.pk, error=_("Arbeidet stoppet gjentatte ganger. Prøv igjen."))
                given_up += 1
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
        WorkerBeat.objects.filter(last_seen__lt=cutoff).delete()
    if requeued or given_up:
        logger.warning("Lost tasks: %s requeued, %s given up", requeued, given_up)
    return requeued, given_up


class WorkerLost(Exception):
    """The worker running the task stopped beating (killed, or its host went away)."""


# --- periodic work ---------------------------------------------------------------


def enqueue_once(*, task: Task[..., Any], args: tuple[Any, ...] = ()) -> bool:
    """Enqueue a periodic task unless one is already waiting or running (a timer
    that fires while the last run is still busy adds nothing)."""
    if isinstance(task.get_backend(), DatabaseBackend):
        with exclusive_transaction(DBTaskResult.objects.db):
            pending = DBTaskResult.objects.filter(
                task_path=task.module_path,
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            )
            if pending.exists():
                return False
            task.enqueue(*args)
        return True
    task.enqueue(*args)
    return True


# --- the jobs pages ask for ---------------------------------------------------------


def compliance_key(*, municipality_id: int, start: dt.date, end: dt.date, today: dt.date) -> str:
    # One evaluation stores the municipality and every unit: the unit is not in the key.
    return f"{municipality_id}:{start.isoformat()}:{end.isoformat()}:{today.isoformat()}"


def start_compliance(
    *,
    user: AbstractBaseUser | AnonymousUser,
    municipality_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    return_to: str,
) -> Job:
    """Compute and store the compliance report for the period, in the background."""
    from helhet.background import tasks

    return start_job(
        kind=Job.Kind.COMPLIANCE,
        key=compliance_key(municipality_id=municipality_id, start=start, end=end, today=today),
        municipality_id=municipality_id,
        user=user,
        params={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "today": today.isoformat(),
            "return_to": return_to,
        },
        task=tasks.compliance_report,
    )


def job_for(*, user: AbstractBaseUser | AnonymousUser, job_id: int) -> Job | None:
    """The job if ``user`` may read it (``rules.may_read_job``): an export is its
    requester's alone; a compliance job is for whoever may see that report."""
    from helhet.audit import services as audit

    if not isinstance(user, User):
        return None
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    staff = getattr(user, "staff", None)
    sees_report = (
        job.kind == Job.Kind.COMPLIANCE and staff is not None and audit.may_see_report(user=user)
    )
    allowed = rules.may_read_job(
        kind=job.kind,
        requested_by_id=job.requested_by_id,
        municipality_id=job.municipality_id,
        user_id=user.pk,
        user_municipality_id=staff.municipality_id if staff is not None else None,
        sees_report=sees_report,
    )
    return job if allowed else None


def start_overview_export(*, user: AbstractBaseUser | AnonymousUser, query: str) -> Job:
    """The plan overview as CSV for ``user`` with the overview's filters (``query``),
    written by the worker. The key holds the user: an export is what the gate
    lets its requester see, never shared with a colleague."""
    from helhet.background import tasks

    staff = getattr(user, "staff", None)
    if staff is None or not isinstance(user, AbstractBaseUser):
        raise ValueError("only staff export the overview")
    day = timezone.localdate().isoformat()
    return start_job(
        kind=Job.Kind.OVERVIEW_EXPORT,
        key=f"{user.pk}:{day}:{query}"[:200],
        municipality_id=staff.municipality_id,
        user=user,
        params={"query": query, "day": day},
        task=tasks.export_overview,
    )


def export_path(*, name: str) -> Path:
    return Path(settings.EXPORT_DIR) / name


def write_export(*, job: Job, suffix: str, write: Callable[[Any], int]) -> str:
    """Write an export file for ``job`` atomically (a half-written file is never
    offered for download); returns its name under EXPORT_DIR. Files older than
    EXPORT_KEEP_HOURS are removed on the way: exports hold person data and are
    kept only for the requester to fetch them."""
    folder = Path(settings.EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = timezone.now() - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(file="")
    for old in expired:
        export_path(name=old.file).unlink(missing_ok=True)
    expired.update(file="")
    name = f"{job.pk}-{secrets.token_hex(8)}{suffix}"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".job-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


DOWNLOAD_NAMES = {Job.Kind.OVERVIEW_EXPORT: ("planoversikt", "text/csv; charset=utf-8")}


def download(*, job: Job) -> FileResponse:
    """The finished export as a download (the caller has checked it is the
    requester's). A file gone (removed after EXPORT_KEEP_HOURS) is a 404."""
    path = export_path(name=job.file)
    if not job.file or not path.is_file():
        raise Http404(_("Filen finnes ikke lenger. Be om eksporten på nytt."))
    stem, content_type = DOWNLOAD_NAMES[Job.Kind(job.kind)]
    day = job.params.get("day") or timezone.localdate().isoformat()
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{stem}-{day}{path.suffix}",
        content_type=content_type,
    )
