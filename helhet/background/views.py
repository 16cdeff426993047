from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from helhet.background import services


@login_required
def status(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's progress, polled by the page that asked for it (htmx). When the
    work is done, the page reloads and shows the result. Only the user who asked
    may see the job; anyone else gets 404, as for a job that does not exist."""
    job = services.job_for(user=request.user, job_id=job_id)
    if job is None or getattr(request.user, "staff", None) is None:
        raise Http404(_("Fant ikke bakgrunnsarbeidet."))
    template = "background/_progress.html" if request.htmx else "background/status.html"
    reply = render(request, template, {"job": job})
    if request.htmx and not job.active:
        # Done (or failed): the page that asked reloads and shows the result.
        reply["HX-Refresh"] = "true"
    return reply
