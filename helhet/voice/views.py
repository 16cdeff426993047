"""The users' voice at system level: no person data, so no gate; staff of the
municipality read, leaders, quality staff and the coordinating unit record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.organisation.models import Role
from helhet.voice.forms import ConsultationForm, UserBodyForm, UserSurveyForm
from helhet.voice.models import Consultation, UserBody, UserSurvey

RECORDERS = (Role.LEADER, Role.QUALITY, Role.COORDINATING_UNIT, Role.SECTOR_HEAD)


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Brukermedvirkning på systemnivå er for ansatte i kommunen."))
    return staff


def _may_record(user) -> bool:
    return any(gate.has_role(user, role) for role in RECORDERS)


@login_required
def index(request):
    staff = _staff(request)
    muni = staff.municipality
    return render(
        request,
        "voice/index.html",
        {
            "bodies": UserBody.objects.filter(municipality=muni),
            "consultations": Consultation.objects.filter(body__municipality=muni).select_related(
                "body"
            )[:200],
            "surveys": UserSurvey.objects.filter(municipality=muni).select_related("unit"),
            "may_record": _may_record(request.user),
        },
    )


def _record(request, form_class, title, message, with_municipality, attach):
    staff = _staff(request)
    if not _may_record(request.user):
        raise PermissionDenied(
            _("Bare ledere, kvalitetsansvarlige og koordinerende enhet kan registrere.")
        )
    kwargs = {"municipality": staff.municipality} if with_municipality else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        attach(row, staff)
        row.full_clean()
        row.save()
        messages.success(request, message)
        return redirect("voice:index")
    return render(
        request,
        "voice/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


def _set_municipality(row, staff):
    row.municipality = staff.municipality


@login_required
def body_new(request):
    return _record(
        request,
        UserBodyForm,
        _("Brukerorgan"),
        _("Brukerorganet er registrert."),
        False,
        _set_municipality,
    )


@login_required
def consultation_new(request):
    def attach(row, staff):
        row.registered_by = request.user

    return _record(
        request,
        ConsultationForm,
        _("Brukermedvirkning: hva brukerne ble spurt om"),
        _("Medvirkningen er registrert."),
        True,
        attach,
    )


@login_required
def survey_new(request):
    return _record(
        request,
        UserSurveyForm,
        _("Brukerundersøkelse"),
        _("Undersøkelsen er registrert."),
        True,
        _set_municipality,
    )
