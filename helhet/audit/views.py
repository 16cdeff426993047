from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.audit import pdf, sampling, services
from helhet.audit.criteria import BY_ID
from helhet.audit.forms import ReportFilterForm, ReviewForm, SampleForm
from helhet.audit.models import AuditSample, ChecklistAnswer, SampleItem
from helhet.background import services as background
from helhet.background.models import Job
from helhet.organisation.models import StaffMember


def _staff(request: HttpRequest, allowed: Callable[..., bool]) -> StaffMember:
    staff: StaffMember | None = getattr(request.user, "staff", None)
    if staff is None or not allowed(user=request.user):
        raise PermissionDenied(_("Siden er for ledere, kvalitetsansvarlige og revisorer."))
    return staff


def _report_input(request, staff):
    """The filter form and the period/unit it gives (defaults on bad input, with errors shown)."""
    form = ReportFilterForm(request.GET or None, municipality=staff.municipality)
    today = timezone.localdate()
    unit, start, end = None, None, None
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    start, end = services.period(start=start, end=end, today=today)
    return form, unit, start, end


def _return_to(request) -> str:
    query = request.GET.urlencode()
    return reverse("audit:compliance") + (f"?{query}" if query else "")


def _stored(request, staff, unit, start, end):
    """Today's stored report for the period and unit, and the background job
    computing it (None when nothing is being computed). A period not yet stored
    is never computed inside the request: it is asked of the worker, and the page
    says «beregnes» until it is done (docs/performance.md)."""
    today = timezone.localdate()
    unit_id = unit.pk if unit else None
    stored = services.find_stored(
        municipality_id=staff.municipality_id, start=start, end=end, unit_id=unit_id, today=today
    )
    key = background.compliance_key(
        municipality_id=staff.municipality_id, start=start, end=end, today=today
    )
    job = background.active_job(kind=Job.Kind.COMPLIANCE, key=key)
    if stored is None and job is None:
        latest = background.latest_job(kind=Job.Kind.COMPLIANCE, key=key)
        if latest is not None and latest.status == Job.Status.FAILED:
            # Show the failure and offer «Beregn på nytt», rather than start
            # the same failing work again on every view.
            return None, latest
        job = background.start_compliance(
            user=request.user,
            municipality_id=staff.municipality_id,
            start=start,
            end=end,
            today=today,
            return_to=_return_to(request),
        )
        if not job.active:  # done already (a worker was quick, or tasks run at once)
            stored = services.find_stored(
                municipality_id=staff.municipality_id,
                start=start,
                end=end,
                unit_id=unit_id,
                today=today,
            )
            job = None if stored is not None else job
    return stored, job


@login_required
def compliance(request):
    """The stored report (computed nightly, or in the background when a period is
    first asked for or on request): computing every criterion live on each view
    does not scale (docs/performance.md)."""
    staff = _staff(request, services.may_see_report)
    form, unit, start, end = _report_input(request, staff)
    stored, job = _stored(request, staff, unit, start, end)
    reports = stored.reports if stored else []
    return render(
        request,
        "audit/compliance.html",
        {
            "form": form,
            "stored": stored,
            "job": job,
            "reports": reports,
            "computed_at": stored.computed_at if stored else None,
            "unit": unit,
            "start": start,
            "end": end,
            "table": services.unit_table(reports=reports, municipality_id=staff.municipality_id),
            "trend": services.trend(
                municipality_id=staff.municipality_id,
                unit_id=unit.pk if unit else None,
                start=start,
                end=end,
            ),
            "query": request.GET.urlencode(),
            "may_sample": services.may_sample(user=request.user),
        },
    )


@require_POST
@login_required
def recompute(request):
    """«Beregn på nytt»: for staff who just fixed something and want to see it
    counted. The worker computes; the page shows the last figures meanwhile."""
    staff = _staff(request, services.may_see_report)
    _form, unit, start, end = _report_input(request, staff)
    job = background.start_compliance(
        user=request.user,
        municipality_id=staff.municipality_id,
        start=start,
        end=end,
        today=timezone.localdate(),
        return_to=_return_to(request),
    )
    if job.active:
        messages.info(
            request, _("Etterlevelsen beregnes på nytt. Siden viser tallene når de er klare.")
        )
    else:
        messages.success(request, _("Etterlevelsen er beregnet på nytt."))
    return redirect(_return_to(request))


@login_required
def compliance_pdf(request):
    """The same stored figures as the page, with the time they were computed; a
    period not yet stored sends the user to the page, which has it computed."""
    staff = _staff(request, services.may_see_report)
    _form, unit, start, end = _report_input(request, staff)
    stored, _job = _stored(request, staff, unit, start, end)
    if stored is None:
        messages.info(request, _("Rapporten må beregnes før den kan lastes ned som PDF."))
        return redirect(_return_to(request))
    context = {
        "reports": stored.reports,
        "computed_at": stored.computed_at,
        "unit": unit,
        "start": start,
        "end": end,
        "municipality": staff.municipality,
        "table": services.unit_table(reports=stored.reports, municipality_id=staff.municipality_id),
        "generated": timezone.localtime(),
    }
    content = pdf.render("audit/compliance_pdf.html", context)
    return pdf.response(content, f"etterlevelse-{timezone.localdate().isoformat()}")


@login_required
def criterion(request, criterion):
    staff = _staff(request, services.may_see_report)
    found = BY_ID.get(criterion)
    if found is None:
        raise Http404(_("Ukjent kriterium."))
    form, unit, start, end = _report_input(request, staff)
    # Live, one criterion: the persons behind a figure must be today's, not the snapshot's.
    unit_ids = {unit.pk} if unit else None
    (report,) = services.build(
        municipality_id=staff.municipality_id,
        start=start,
        end=end,
        unit_ids=unit_ids,
        criteria=[found],
    )
    visible, hidden = services.failing_cases(report=report, user=request.user)
    return render(
        request,
        "audit/criterion.html",
        {
            "form": form,
            "report": report,
            "unit": unit,
            "start": start,
            "end": end,
            "table": services.unit_table(reports=[report], municipality_id=staff.municipality_id),
            "visible": visible,
            "hidden": hidden,
            "query": request.GET.urlencode(),
        },
    )


# --- samples --------------------------------------------------------------------


def _sample(request, sample_id) -> AuditSample:
    staff = _staff(request, services.may_sample)
    return get_object_or_404(AuditSample, pk=sample_id, municipality_id=staff.municipality_id)


@login_required
def samples(request):
    staff = _staff(request, services.may_sample)
    form = SampleForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            sample = sampling.create_sample(staff.municipality, form.parameters(), request.user)
        except sampling.SampleRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Utvalget er trukket: %(n)s personer.") % {"n": sample.items.count()}
            )
            return redirect("audit:sample", sample_id=sample.pk)
    existing = (
        AuditSample.objects.filter(municipality_id=staff.municipality_id)
        .select_related("created_by")
        .prefetch_related("units")
    )
    return render(request, "audit/samples.html", {"form": form, "samples": existing})


@login_required
def sample(request, sample_id):
    found = _sample(request, sample_id)
    return render(request, "audit/sample.html", sampling.report(found))


@login_required
def sample_pdf(request, sample_id):
    found = _sample(request, sample_id)
    context = {**sampling.report(found), "generated": timezone.localtime()}
    content = pdf.render("audit/sample_pdf.html", context)
    return pdf.response(content, f"revisjonsrapport-utvalg-{found.pk}")


@login_required
def sample_item(request, sample_id, reference):
    """One sampled person's checklist: the auditor confirms or overrides each answer."""
    found = _sample(request, sample_id)
    item = get_object_or_404(SampleItem, sample=found, reference=reference)
    answers = list(ChecklistAnswer.objects.filter(item=item).order_by("id"))
    data = request.POST if request.method == "POST" else None
    forms = [
        ReviewForm(
            data,
            prefix=str(a.pk),
            initial={"value": a.effective, "comment": a.comment},
        )
        for a in answers
    ]
    status = 200
    if data is not None:
        for form in forms:
            form.is_valid()  # an invalid answer stays "" and is refused below
        reviews = [
            (a, f.cleaned_data.get("value", ""), f.cleaned_data.get("comment", ""))
            for a, f in zip(answers, forms, strict=True)
        ]
        try:
            sampling.record_reviews(reviews, request.user)
        except sampling.SampleRefused as error:
            messages.error(request, str(error))
            status = 400
        else:
            messages.success(request, _("Sjekklisten for %(ref)s er lagret.") % {"ref": reference})
            return redirect("audit:sample_item", sample_id=found.pk, reference=reference)
    rows = [(a, sampling.LABELS[a.key], f) for a, f in zip(answers, forms, strict=True)]
    return render(
        request,
        "audit/sample_item.html",
        {"sample": found, "item": item, "rows": rows},
        status=status,
    )
