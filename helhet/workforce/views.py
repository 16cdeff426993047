"""Staff competence and safety: about employees, not persons receiving
services. Leaders, quality staff, sector heads and auditors read; leaders,
quality staff and sector heads record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.organisation.models import Membership, Role
from helhet.workforce import rules
from helhet.workforce.forms import (
    SafetyAssessmentForm,
    TrainingRecordForm,
    TrainingRequirementForm,
    municipality_units,
)
from helhet.workforce.models import SafetyAssessment, TrainingRecord, TrainingRequirement

READERS = (Role.LEADER, Role.QUALITY, Role.SECTOR_HEAD, Role.AUDITOR)
RECORDERS = (Role.LEADER, Role.QUALITY, Role.SECTOR_HEAD)


def _staff(request, roles):
    staff = getattr(request.user, "staff", None)
    if staff is None or not any(gate.has_role(request.user, role) for role in roles):
        raise PermissionDenied(
            _("Kompetanse og sikkerhet for ansatte er for ledere og kvalitetsansvarlige.")
        )
    return staff


@login_required
def index(request):
    staff = _staff(request, READERS)
    today = timezone.localdate()
    requirements = list(
        TrainingRequirement.objects.filter(unit__municipality=staff.municipality).select_related(
            "unit"
        )
    )
    latest = {}
    for record in TrainingRecord.objects.filter(requirement__in=requirements).select_related(
        "staff__user"
    ):
        key = (record.requirement_id, record.staff_id)
        if key not in latest or record.completed_on > latest[key].completed_on:
            latest[key] = record
    members = {}
    for membership in (
        Membership.objects.confirmed()
        .filter(unit__municipality=staff.municipality)
        .select_related("staff__user")
    ):
        members.setdefault(membership.unit_id, []).append(membership)
    rows = []
    for requirement in requirements:
        for membership in members.get(requirement.unit_id, []):
            if requirement.role and membership.role != requirement.role:
                continue
            record = latest.get((requirement.pk, membership.staff_id))
            done = record.completed_on if record else None
            rows.append(
                {
                    "requirement": requirement,
                    "staff": membership.staff,
                    "completed_on": done,
                    "expires_on": rules.expires_on(done, requirement.valid_months)
                    if done
                    else None,
                    "valid": rules.training_valid(done, requirement.valid_months, today),
                }
            )
    return render(
        request,
        "workforce/index.html",
        {
            "rows": rows,
            "assessments": SafetyAssessment.objects.filter(
                unit__municipality=staff.municipality
            ).select_related("unit"),
            "today": today,
            "may_record": any(gate.has_role(request.user, r) for r in RECORDERS),
        },
    )


def _record(request, form_class, title, message):
    staff = _staff(request, RECORDERS)
    form = form_class(request.POST or None, units=municipality_units(staff.municipality))
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        if hasattr(row, "registered_by_id"):
            row.registered_by = request.user
        row.full_clean()
        row.save()
        messages.success(request, message)
        return redirect("workforce:index")
    return render(
        request,
        "workforce/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def requirement_new(request):
    return _record(
        request, TrainingRequirementForm, _("Krav til opplæring"), _("Kravet er registrert.")
    )


@login_required
def record_new(request):
    return _record(
        request, TrainingRecordForm, _("Gjennomført opplæring"), _("Opplæringen er registrert.")
    )


@login_required
def assessment_new(request):
    return _record(
        request,
        SafetyAssessmentForm,
        _("Risikovurdering av ansattes sikkerhet"),
        _("Risikovurderingen er registrert."),
    )
