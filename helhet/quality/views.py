from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.quality import rules, services
from helhet.quality.forms import DeviationForm, ProcedureForm, StepForm, VersionForm
from helhet.quality.models import Deviation, Procedure

NEXT_STEP = {"meldt": "vurdert", "vurdert": "tiltak", "tiltak": "lukket"}


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Internkontroll er for ansatte i kommunen."))
    return staff


def _deviation(request, deviation_id) -> Deviation:
    _staff(request)
    return get_object_or_404(
        services.visible_deviations(user=request.user).select_related("unit", "reported_by"),
        pk=deviation_id,
    )


@login_required
def index(request):
    _staff(request)
    deviations = services.visible_deviations(user=request.user).select_related("unit")
    status = request.GET.get("status", "")
    if status in Deviation.Status.values:
        deviations = deviations.filter(status=status)
    today = timezone.localdate()
    rows = [(d, rules.is_overdue(d.deadline, d.closed_on, today)) for d in deviations[:200]]
    return render(
        request,
        "quality/index.html",
        {"rows": rows, "status": status, "statuses": Deviation.Status.choices},
    )


@login_required
def report(request):
    staff = _staff(request)
    form = DeviationForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        data = form.cleaned_data
        errors = rules.report_errors(data["occurred_on"], today)
        person = None
        if data["national_id"]:
            person = services.person_reference(user=request.user, national_id=data["national_id"])
            if person is None:
                errors["national_id"] = _(
                    "Fant ingen person du har tjenstlig relasjon til med dette fødselsnummeret."
                )
        for name, message in errors.items():
            form.add_error(name, message)
        if not errors:
            fields = {k: v for k, v in data.items() if k != "national_id"}
            deviation = services.report(
                user=request.user, person=person, reported_on=today, **fields
            )
            messages.success(
                request,
                _("Avviket er meldt (%(ref)s). Frist for behandling: %(d)s.")
                % {"ref": deviation.reference, "d": deviation.deadline.strftime("%d.%m.%Y")},
            )
            return redirect("quality:deviation", deviation_id=deviation.pk)
    return render(request, "quality/report.html", {"form": form})


@login_required
def deviation(request, deviation_id):
    found = _deviation(request, deviation_id)
    target = NEXT_STEP.get(found.status)
    may_handle = services.may_handle(user=request.user, deviation=found)
    form = StepForm(request.POST or None, target=target) if target and may_handle else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Bare ansvarlig leder eller kvalitetsansvarlig behandler avviket.")
            )
        if form.is_valid():
            try:
                services.advance(
                    deviation=found,
                    user=request.user,
                    target=target,
                    fields=form.cleaned_data,
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                for name, message in error.message_dict.items():
                    form.add_error(None if name == "__all__" else name, message)
            else:
                messages.success(request, _("Avviket er oppdatert."))
                return redirect("quality:deviation", deviation_id=found.pk)
        status = 400
    return render(
        request,
        "quality/deviation.html",
        {
            "deviation": found,
            "person_name": services.shown_person(user=request.user, deviation=found),
            "form": form,
            "target": target,
            "target_label": dict(Deviation.Status.choices).get(target, ""),
            "may_handle": may_handle,
            "overdue": rules.is_overdue(found.deadline, found.closed_on, timezone.localdate()),
            "must_inform": rules.must_inform_top_management(found.kind, found.severity),
        },
        status=status,
    )


@login_required
@require_POST
def inform_top(request, deviation_id):
    found = _deviation(request, deviation_id)
    if not services.may_handle(user=request.user, deviation=found):
        raise PermissionDenied(
            _("Bare ansvarlig leder eller kvalitetsansvarlig behandler avviket.")
        )
    services.inform_top_management(deviation=found, today=timezone.localdate())
    messages.success(request, _("Registrert at toppledelsen er informert."))
    return redirect("quality:deviation", deviation_id=found.pk)


@login_required
def statistics(request):
    _staff(request)
    deviations = services.visible_deviations(user=request.user)
    return render(
        request,
        "quality/statistics.html",
        {
            "stats": services.statistics(deviations=deviations, today=timezone.localdate()),
            "learning": services.learning_summary(deviations=deviations),
        },
    )


# --- procedures ---------------------------------------------------------------------


@login_required
def procedures(request):
    staff = _staff(request)
    return render(
        request,
        "quality/procedures.html",
        {
            "rows": services.procedure_rows(
                municipality_id=staff.municipality_id, user=request.user
            ),
            "may_manage": services.may_manage_procedures(user=request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def procedure_new(request):
    staff = _staff(request)
    if not services.may_manage_procedures(user=request.user):
        raise PermissionDenied(_("Bare ledere og kvalitetsansvarlige oppretter rutiner."))
    form = ProcedureForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedure = services.create_procedure(
            user=request.user,
            content=data["content"],
            approved_on=data["approved_on"],
            title=data["title"],
            unit=data["unit"],
            review_due=data["review_due"],
        )
        messages.success(request, _("Rutinen er opprettet."))
        return redirect("quality:procedure", procedure_id=procedure.pk)
    return render(request, "quality/procedure_form.html", {"form": form})


def _procedure(request, procedure_id) -> Procedure:
    staff = _staff(request)
    return get_object_or_404(Procedure, pk=procedure_id, municipality_id=staff.municipality_id)


@login_required
def procedure(request, procedure_id):
    found = _procedure(request, procedure_id)
    versions = list(found.versions.select_related("created_by"))
    current = versions[0] if versions else None
    may_manage = services.may_manage_procedures(user=request.user)
    acknowledgements = (
        list(current.acknowledgements.select_related("user").order_by("acknowledged_at"))
        if current
        else []
    )
    form = VersionForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Bare ledere og kvalitetsansvarlige endrer rutiner."))
        if form.is_valid():
            data = form.cleaned_data
            services.new_version(
                procedure=found,
                user=request.user,
                content=data["content"],
                change_note=data["change_note"],
                approved_on=data["approved_on"],
            )
            messages.success(
                request, _("Ny versjon er lagret. Alle må bekrefte at de har lest den.")
            )
            return redirect("quality:procedure", procedure_id=found.pk)
    return render(
        request,
        "quality/procedure.html",
        {
            "procedure": found,
            "versions": versions,
            "current": current,
            "read": any(a.user_id == request.user.pk for a in acknowledgements),
            "acknowledgements": acknowledgements if may_manage else [],
            "form": form,
            "overdue": rules.procedure_review_overdue(found.review_due, timezone.localdate()),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def acknowledge(request, procedure_id):
    found = _procedure(request, procedure_id)
    current = found.versions.first()
    if current is not None:
        services.acknowledge(version=current, user=request.user)
        messages.success(request, _("Du har bekreftet at du har lest rutinen."))
    return redirect("quality:procedure", procedure_id=found.pk)
