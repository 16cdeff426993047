from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from helhet.background import services
from helhet.background.models import Job


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@login_required
def status(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    """A job's progress, polled by the page that asked for it (htmx). When the
    work is done, the page reloads and shows the result. Only the user who asked
    may see the job; anyone else gets 404, as for a job that does not exist."""
    job = services.job_for(user=request.user, job_id=job_id)
    if job is None or getattr(request.user, "staff", None) is None:
        raise Http404(_("Fant ikke bakgrunnsarbeidet."))
    template = "background/_progress.html" if request.htmx else "background/status.html"
    reply = render(request, template, {"job": job})
    if request.htmx and job.status == Job.Status.DONE and job.file:
        # A finished export: the browser fetches the file and stays on the page.
        reply["HX-Redirect"] = reverse("background:download", args=[job.pk])
    elif request.htmx and not job.active and job.kind == Job.Kind.COMPLIANCE:
        # Done (or failed): the page that asked reloads and shows the result. A
        # failed export is not reloaded: that would ask for the same export again.
        reply["HX-Refresh"] = "true"
    return reply


@login_required
def download(request: HttpRequest, job_id: int) -> FileResponse:
    """A finished export, for the user who asked for it only. The persons in it
    were logged as exported to that user when the file was written."""
    job = services.job_for(user=request.user, job_id=job_id)
    if job is None or job.status != Job.Status.DONE or getattr(request.user, "staff", None) is None:
        raise Http404(_("Fant ikke filen."))
    return services.download(job=job)
