"""Thin views: the gate first (category helse, logged), then services, then a template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.around import access, services
from helhet.around.forms import (
    CrisisPlanForm,
    ExternalServiceForm,
    NeedAssessmentForm,
    SomaticFollowUpForm,
)
from helhet.around.models import ExternalService


@login_required
def person(request, person_id: int):
    with gate.same_request():
        the_person = gate.person_for(
            request, person_id, Action.VIEW, category=gate.BASIC, what="rundt personen"
        )
        context = services.person_page(request.user, the_person)
        units = access.own_units(request.user)
        crisis = context.pop("crisis_plan")
        if crisis is not None and units:
            decision = gate.decide(
                request.user, the_person, Action.VIEW, access.CATEGORY, owner_unit=units[0]
            )
            gate.log(request.user, the_person, Action.VIEW, decision, access.CATEGORY, "kriseplan")
            context["crisis_plan"] = crisis if decision.granted else None
    context["may_record"] = bool(units)
    return render(request, "around/person.html", context)


def _form_page(request, person, form, title, status=200):
    return render(
        request,
        "around/form.html",
        {"person": person, "form": form, "title": title},
        status=status,
    )


@login_required
def external_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "ny ekstern tjeneste")
    form = ExternalServiceForm(request.POST or None, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_external_service(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Tjenesten er registrert."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(
        request,
        person,
        form,
        _("Tjeneste eller kontakt utenfor kommunens enheter"),
        400 if form.errors else 200,
    )


@login_required
def external_edit(request, external_id: int):
    unit_id = ExternalService.objects.filter(pk=access._pk(external_id)).values_list(
        "unit_id", flat=True
    )
    person = gate.person_for_kwarg(
        request,
        "external_id",
        external_id,
        Action.EDIT,
        category=access.CATEGORY,
        what="endre ekstern tjeneste",
        owner_unit=unit_id.first(),
    )
    row = ExternalService.objects.get(pk=external_id)
    form = ExternalServiceForm(request.POST or None, instance=row, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_external_service(form=form, person=person, unit=row.unit, user=request.user)
        messages.success(request, _("Tjenesten er endret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, str(row), 400 if form.errors else 200)


@login_required
def assessment_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "vurdering av behov")
    form = NeedAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_assessment(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Vurderingen er lagret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(
        request,
        person,
        form,
        _("Vurdering av behov for langvarige og koordinerte tjenester"),
        400 if form.errors else 200,
    )


@login_required
def somatic_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "somatisk oppfølging")
    form = SomaticFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_somatic(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Oppfølgingen er registrert."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(
        request, person, form, _("Somatisk helse og fastlege"), 400 if form.errors else 200
    )


@login_required
def crisis_plan(request, person_id: int):
    person, _unit = access.person_for_recording(request, person_id, "kriseplan")
    plan = services.open_plan(person)
    if plan is not None:
        # With an open plan the crisis plan is part of it: edited there, as a version.
        return redirect("plans:crisis_plan", plan_id=plan.pk)
    instance = person.crisis_plan if hasattr(person, "crisis_plan") else None
    form = CrisisPlanForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_crisis_plan(person=person, fields=form.changes())
        messages.success(request, _("Kriseplanen er lagret."))
        return redirect("around:person", person_id=person.pk)
    invalid = request.method == "POST"
    return render(
        request,
        "around/crisis_form.html",
        {"person": person, "form": form, "title": _("Kriseplan")},
        status=400 if invalid else 200,
    )
