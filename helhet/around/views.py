"""Thin views: the gate first (category helse, logged), then services, then a template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.around import access, fhir, services
from helhet.around.forms import (
    AftercarePlanForm,
    ChildRelativeForm,
    ChildrenCheckForm,
    CrisisPlanForm,
    DischargeNoticeForm,
    ExternalServiceForm,
    GpMessageForm,
    NeedAssessmentForm,
    ReferralForm,
    RelativeNeedForm,
    SomaticFollowUpForm,
)
from helhet.around.models import (
    AftercarePlan,
    ChildRelative,
    DischargeNotice,
    ExternalService,
    GpMessage,
    Referral,
)
from helhet.consent.models import Category
from helhet.cooperation import access as cooperation_access
from helhet.cooperation.models import ResponsibilityGroup
from helhet.plans.access import plan_for


@login_required
def person(request, person_id: int):
    with gate.same_request():
        the_person = gate.person_for(
            request, person_id, Action.VIEW, category=gate.BASIC, what="rundt personen"
        )
        context = services.person_page(user=request.user, person=the_person)
        units = access.own_units(request.user)
        crisis = context.pop("crisis_plan")
        if crisis is not None and units:
            decision = gate.decide(
                request.user, the_person, Action.VIEW, category=access.CATEGORY, owner_unit=units[0]
            )
            gate.log(
                request.user,
                the_person,
                Action.VIEW,
                decision,
                category=access.CATEGORY,
                what="kriseplan",
            )
            context["crisis_plan"] = crisis if decision.granted else None
        # Whether the GP knows the plan is plan data: shown where the plan page would be.
        if services.open_plan(person=the_person) is not None:
            decision = gate.check(
                request.user,
                the_person,
                Action.VIEW,
                category=Category.PLAN,
                what="fastlegen informert",
            )
            if decision.granted:
                context["gp_status"] = services.gp_status(
                    person=the_person, today=timezone.localdate()
                )
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
        _status(form),
    )


@login_required
def external_edit(request, external_id: int):
    person, row = _row_person(
        request, "external_id", ExternalService, external_id, "endre ekstern tjeneste"
    )
    form = ExternalServiceForm(request.POST or None, instance=row, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_external_service(form=form, person=person, unit=row.unit, user=request.user)
        messages.success(request, _("Tjenesten er endret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, str(row), _status(form))


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
        _status(form),
    )


@login_required
def somatic_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "somatisk oppfølging")
    form = SomaticFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_somatic(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Oppfølgingen er registrert."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, _("Somatisk helse og fastlege"), _status(form))


@login_required
def crisis_plan(request, person_id: int):
    person, _unit = access.person_for_recording(request, person_id, "kriseplan")
    plan = services.open_plan(person=person)
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


def _row_person(request, kwarg: str, model, value, what: str, action=Action.EDIT):
    """The person owning the row (by its registered kwarg), if the gate lets the
    user act on the row's unit's record; then the row."""
    unit_id = model.objects.filter(pk=access._pk(value)).values_list("unit_id", flat=True).first()
    person = gate.person_for_kwarg(
        request, kwarg, value, action, category=access.CATEGORY, what=what, owner_unit=unit_id
    )
    return person, model.objects.get(pk=value)


def _status(form) -> int:
    return 400 if form.errors else 200


@login_required
def referral_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "ny henvisning")
    form = ReferralForm(request.POST or None, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_referral(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Henvisningen er registrert."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, _("Henvisning"), _status(form))


@login_required
def referral_edit(request, referral_id: int):
    person, row = _row_person(request, "referral_id", Referral, referral_id, "endre henvisning")
    form = ReferralForm(request.POST or None, instance=row, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_referral(form=form, person=person, unit=row.unit, user=request.user)
        messages.success(request, _("Henvisningen er endret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, str(row), _status(form))


@login_required
def discharge_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "varsel om utskrivning")
    form = DischargeNoticeForm(request.POST or None, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        notice = services.save_discharge(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Varselet er registrert. Lag ettervernsplanen nå."))
        return redirect("around:aftercare", discharge_id=notice.pk)
    return _form_page(
        request, person, form, _("Varsel om utskrivning eller løslatelse"), _status(form)
    )


@login_required
def discharge_edit(request, discharge_id: int):
    person, row = _row_person(
        request, "discharge_id", DischargeNotice, discharge_id, "endre varsel om utskrivning"
    )
    form = DischargeNoticeForm(request.POST or None, instance=row, municipality=person.municipality)
    if request.method == "POST" and form.is_valid():
        services.save_discharge(form=form, person=person, unit=row.unit, user=request.user)
        messages.success(request, _("Varselet er endret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, str(row), _status(form))


@login_required
def aftercare(request, discharge_id: int):
    person, notice = _row_person(
        request, "discharge_id", DischargeNotice, discharge_id, "ettervernsplan"
    )
    instance = AftercarePlan.objects.filter(notice=notice).first()
    form = AftercarePlanForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_aftercare(form=form, notice=notice, user=request.user)
        messages.success(request, _("Ettervernsplanen er lagret."))
        return redirect("around:person", person_id=person.pk)
    title = _("Ettervernsplan før %(what)s %(day)s") % {
        "what": notice.get_source_display().lower(),
        "day": notice.discharge_on.strftime("%d.%m.%Y"),
    }
    return _form_page(request, person, form, title, _status(form))


@login_required
def gp_message_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "melding med fastlegen")
    initial = {}
    if request.method == "GET" and request.GET.get("plan"):
        # The plan goes into the draft: the plan page's own rule decides.
        gate.person_for(
            request, person_id, Action.VIEW, category=Category.PLAN, what="plan til fastlegen"
        )
        initial = services.plan_message_initial(person=person)
    form = GpMessageForm(
        request.POST or None,
        initial=initial,
        gps=services.gp_choices(user=request.user, person=person),
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("about_plan"):
            gate.person_for(
                request, person_id, Action.VIEW, category=Category.PLAN, what="plan til fastlegen"
            )
        try:
            services.record_gp_message(form=form, person=person, unit=unit, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meldingen er registrert."))
            return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, _("Melding med fastlegen"), _status(form))


@login_required
def gp_message_fhir(request, gp_message_id: int):
    """The message as a FHIR R4 Communication: the same gate as the page (the
    unit's health record; the plan category too when it carries the plan)."""
    person, row = _row_person(
        request,
        "gp_message_id",
        GpMessage,
        gp_message_id,
        "fastlegemelding som FHIR",
        action=Action.EXPORT,
    )
    if row.about_plan:
        decision = gate.check(
            request.user,
            person,
            Action.EXPORT,
            category=Category.PLAN,
            what="fastlegemelding som FHIR",
        )
        if not decision.granted:
            raise PermissionDenied(decision.detail)
    resource = fhir.communication(row, person.municipality.number)
    response = JsonResponse(resource, content_type=fhir.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="fastlegemelding-{row.pk}.json"'
    return response


@login_required
def discharges(request):
    """Announced discharges and releases without housing or follow-up in place."""
    if getattr(request.user, "staff", None) is None:
        raise PermissionDenied(_("Oversikten er for ansatte i kommunen."))
    rows = services.discharge_alerts(user=request.user, today=timezone.localdate())
    return render(request, "around/discharges.html", {"rows": rows})


@login_required
def relative_need_new(request, relative_id: int):
    """A relative's own need, recorded by the user's unit on the person's record."""
    units = access.own_units(request.user)
    person = gate.person_for_kwarg(
        request,
        "relative_id",
        relative_id,
        Action.EDIT,
        category=access.CATEGORY,
        what="pårørendes behov",
        owner_unit=units[0] if units else None,
    )
    if not units:
        raise PermissionDenied(_("Du er ikke knyttet til en enhet som kan registrere dette."))
    relative = person.relatives.get(pk=relative_id)
    form = RelativeNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_relative_need(form=form, relative=relative, unit=units[0], user=request.user)
        messages.success(request, _("Behovet er registrert."))
        return redirect("around:person", person_id=person.pk)
    title = _("Behov hos pårørende: %(name)s") % {"name": relative.name}
    return _form_page(request, person, form, title, _status(form))


@login_required
def children_check(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "barn som pårørende")
    form = ChildrenCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_children_check(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Avklaringen er lagret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, _("Har personen mindreårige barn?"), _status(form))


@login_required
def child_new(request, person_id: int):
    person, unit = access.person_for_recording(request, person_id, "barn som pårørende")
    form = ChildRelativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_child(form=form, person=person, unit=unit, user=request.user)
        messages.success(request, _("Barnet er registrert."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, _("Barn som pårørende"), _status(form))


@login_required
def child_edit(request, child_id: int):
    person, row = _row_person(request, "child_id", ChildRelative, child_id, "barn som pårørende")
    form = ChildRelativeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.save_child(form=form, person=person, unit=row.unit, user=request.user)
        messages.success(request, _("Vurderingen er lagret."))
        return redirect("around:person", person_id=person.pk)
    return _form_page(request, person, form, str(row), _status(form))


@login_required
def referral_fhir(request, referral_id: int):
    """The referral as a FHIR R4 ServiceRequest, through the same gate as the page."""
    person, row = _row_person(
        request, "referral_id", Referral, referral_id, "henvisning som FHIR", action=Action.EXPORT
    )
    response = JsonResponse(
        fhir.service_request(row, person.municipality.number), content_type=fhir.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="henvisning-{row.pk}.json"'
    return response


@login_required
def external_join(request, external_id: int):
    """The outside service into the plan (``target=plan``) or the responsibility
    group (``target=gruppe``), within the person's consent. The gate first: the
    row's unit's record, then the plan or group as their own pages ask."""
    person, row = _row_person(
        request, "external_id", ExternalService, external_id, "ekstern tjeneste som deltaker"
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = request.POST.get("target", "")
    try:
        if target == "plan":
            plan = services.open_plan(person=person)
            if plan is None:
                raise ValidationError(_("Personen har ingen åpen individuell plan."))
            plan = plan_for(request, plan.pk, Action.EDIT, what="plan: deltakere")
            services.join_plan(service=row, plan=plan, user=request.user)
            messages.success(request, _("Tjenesten deltar nå i planen."))
        elif target == "gruppe":
            cooperation_access.person_for(
                request, person.pk, Action.EDIT, "legge til medlem i ansvarsgruppen"
            )
            group = ResponsibilityGroup.objects.filter(person=person).first()
            if group is None:
                raise ValidationError(_("Personen har ingen ansvarsgruppe."))
            services.join_group(service=row, group=group, moment=timezone.now())
            messages.success(request, _("Tjenesten er med i ansvarsgruppen."))
        else:
            raise ValidationError(_("Velg planen eller ansvarsgruppen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("around:person", person_id=person.pk)
