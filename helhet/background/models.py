"""Background jobs: long work a user asked for, run by `helhet worker`.

A ``Job`` is what the page polls: its status and progress, and where the result
landed (a stored compliance report, an export file). The task itself is a row of
django-tasks-db's queue (``task_id``); the job outlives it and carries only what
the user may see. A job has a ``key`` (what was asked for); while a job with the
same key is queued or running, asking again joins it instead of enqueueing the
work twice (the partial unique constraint makes that hold under concurrency too).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality


class Job(models.Model):
    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("Etterlevelsesrapport")
        OVERVIEW_EXPORT = "overview_export", _("Eksport av planoversikten")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Venter på tur")
        RUNNING = "running", _("Beregnes")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the task needs (dates, filters); ids and codes only, never person data.
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # An export's file name under settings.EXPORT_DIR; the download serves it.
    file = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_job_per_key",
            )
        ]
        indexes = [models.Index(fields=["requested_by", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE


class WorkerBeat(models.Model):
    """A running worker's heartbeat: a task whose worker stopped beating is lost
    (the process was killed or its host went away) and is put back in the queue."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id
