"""The background tasks (django-tasks), run by `helhet worker`.

Each takes ids and plain values only (the queue stores its arguments as JSON) and
is safe to run twice: a worker killed mid-task has its task run again
(``services.requeue_lost``).
"""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from helhet.background import services
from helhet.background.models import Job

logger = logging.getLogger(__name__)


@contextmanager
def _job(job_id: int) -> Iterator[Job | None]:
    """The job while its work runs: running, then done, or failed with a message
    for the user (the traceback stays in the task row, for the operator)."""
    job = services.mark_running(job_id=job_id)
    try:
        yield job
    except Exception:
        services.fail(
            job_id=job_id, error=_("Beregningen feilet. Prøv igjen, eller kontakt systemansvarlig.")
        )
        raise


@task()
def compliance_report(job_id: int) -> None:
    """A compliance report for a period not yet stored, for the day it was asked
    for: stored for the municipality and every unit (the snapshot the page reads)."""
    from helhet.audit import services as audit

    with _job(job_id) as job:
        if job is None:
            return
        params = job.params
        audit.store_snapshots(
            municipality_id=job.municipality_id,
            start=dt.date.fromisoformat(params["start"]),
            end=dt.date.fromisoformat(params["end"]),
            today=dt.date.fromisoformat(params["today"]),
            progress=services.reporter(job=job),
        )
        services.finish(job=job)


@task()
def export_overview(job_id: int) -> None:
    """The plan overview as CSV, as its requester would see it now: the gate
    decides each row for that user, and every exported person is logged."""
    from django.http import QueryDict

    from helhet.coordination import views as coordination

    with _job(job_id) as job:
        if job is None or job.requested_by is None:
            return
        user = job.requested_by
        _form, filters, _size = coordination.filters_from(user, QueryDict(job.params["query"]))
        report = services.reporter(job=job)

        def write(stream: object) -> int:
            count = coordination.write_csv(user, filters, stream)
            report(count, count)
            return count

        services.finish(job=job, file=services.write_export(job=job, suffix=".csv", write=write))


# --- periodic work, enqueued by `helhet schedule` from a timer ---------------------


@task()
def seal_access_log() -> int:
    """Seal the access log's new rows (and make next months' partitions)."""
    from helhet.access import partitions
    from helhet.operations import logchain

    try:
        partitions.ensure()
    except partitions.PartitionError:
        # Rows still land in the DEFAULT partition; sealing must go on.
        logger.exception("Could not create the access log's next partitions")
    return logchain.seal()


@task()
def deliver_webhooks() -> list[int]:
    """Post due webhook deliveries (signed, with backoff; see helhet.exchange.delivery)."""
    from helhet.exchange import delivery

    delivered, failed = delivery.run(limit=1000)
    return [delivered, failed]


@task()
def send_reminders(base_url: str) -> list[int]:
    """The work-list reminders and the persons' consent reminders (stamped, so a
    second run the same day sends nothing new)."""
    from helhet.intake import reminders
    from helhet.portal import reminders as consent_reminders

    today = timezone.localdate()
    escalated, sent = reminders.run(today, base_url)
    made, mails = consent_reminders.run(today, base_url)
    return [escalated, sent, made, mails]


@task()
def compliance_snapshots() -> int:
    """Every municipality's nightly report (the default period ending today)."""
    from helhet.audit import services as audit
    from helhet.organisation.models import Municipality

    today = timezone.localdate()
    return sum(
        audit.nightly_snapshot(municipality_id=pk, today=today)
        for pk in Municipality.objects.order_by("pk").values_list("pk", flat=True)
    )
