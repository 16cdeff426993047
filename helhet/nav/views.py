"""NAV after the decision: thin pages over the gate, rules and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.core.legal import appeal_route
from helhet.intake.models import Application, Decision
from helhet.nav import access, forms, letters, rules, services, statistics
from helhet.nav.models import ActivityCondition, AdviceCase, QualificationProgramme
from helhet.organisation.models import Role, Unit

NAV_ROLES = {Role.NAV_ADVISER, Role.CASEWORKER, Role.LEADER}
STATS_ROLES = NAV_ROLES | {Role.SECTOR_HEAD, Role.QUALITY, Role.AUDITOR}


def _nav_units(request) -> list[Unit]:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Siden er for ansatte i NAV-kontoret."))
    return [
        m.unit
        for m in staff.memberships.select_related("unit")
        if m.unit.kind == Unit.Kind.NAV and m.role in NAV_ROLES
    ]


def _require_nav(request) -> list[Unit]:
    units = _nav_units(request)
    if not units:
        raise PermissionDenied(_("Bare NAV-kontoret kan gjøre dette."))
    return units


def _save(form, action) -> bool:
    try:
        action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for item in errors:
                    form.add_error(field if field in form.fields else None, item)
        else:
            form.add_error(None, error)
        return False
    return True


def _person(request, form):
    """The person by number, among those the gate lets the user reach."""
    number = form.cleaned_data["national_id"].strip()
    person = gate.accessible_persons(request.user).filter(national_id=number).first()
    if person is None:
        form.add_error(
            "national_id", _("Fant ingen person du har tjenstlig relasjon til med dette nummeret.")
        )
        return None
    gate.check(
        request.user, person, Action.EDIT, category=gate.BASIC, what="NAV-oppfølging registrert"
    )
    return person


@login_required
def index(request):
    units = _require_nav(request)
    today = timezone.localdate()
    visible = gate.accessible_persons(request.user)
    unit_ids = [u.pk for u in units]
    conditions = (
        ActivityCondition.objects.filter(
            unit_id__in=unit_ids, person__in=visible, status=ActivityCondition.Status.ACTIVE
        )
        .select_related("person", "follow_up_by")
        .prefetch_related("evaluations")[:300]
    )
    rows = []
    for condition in conditions:
        pending = [e for e in condition.evaluations.all() if e.done_on is None]
        due = min((e.due_on for e in pending), default=None)
        rows.append(
            {
                "condition": condition,
                "due": due,
                "overdue": due is not None and rules.overdue(due, None, today),
                "no_date": due is None,
            }
        )
    rows.sort(key=lambda r: (not r["overdue"], r["due"] or today))
    programmes = QualificationProgramme.objects.filter(
        unit_id__in=unit_ids, person__in=visible
    ).select_related("person")[:300]
    cases = AdviceCase.objects.filter(unit_id__in=unit_ids, person__in=visible).select_related(
        "person"
    )[:300]
    shown = {r["condition"].person for r in rows} | {p.person for p in programmes}
    shown |= {c.person for c in cases}
    gate.log_many(request.user, shown, Action.VIEW, what="NAV-oppfølging", category=Category.SOCIAL)
    return render(
        request,
        "nav/index.html",
        {"rows": rows, "programmes": programmes, "cases": cases, "today": today},
    )


def _form_page(request, form, title):
    return render(
        request,
        "nav/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


def _office_decisions(units, person):
    """The NAV office's own granted decisions on financial assistance for the
    person: the decisions a § 20 a condition can have been set in."""
    return Decision.objects.filter(
        application__person=person,
        application__unit_id__in=[u.pk for u in units],
        application__kind=Application.Kind.FINANCIAL,
        outcome=Decision.Outcome.GRANTED,
    ).select_related("application")


def _decision_by_reference(form, units, person):
    """The decision the reference names, among the office's own for the person."""
    reference = form.cleaned_data.pop("decision_reference", "").strip()
    if not reference:
        if form.cleaned_data.get("set_on") is None:
            form.add_error("set_on", _("Oppgi datoen for vedtaket, eller vedtakets referanse."))
            return False, None
        return True, None
    pk = int(reference.rsplit("-", 1)[-1])
    found = _office_decisions(units, person).filter(pk=pk).first()
    if found is None or found.reference.upper() != reference.upper():
        form.add_error(
            "decision_reference",
            _("Fant ikke et vedtak om økonomisk stønad med denne referansen for personen."),
        )
        return False, None
    return True, found


@login_required
def condition_new(request):
    units = _require_nav(request)
    form = forms.ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person(request, form)
        ok, decision = (False, None)
        if person is not None:
            ok, decision = _decision_by_reference(form, units, person)
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k != "set_on"}
        created = {}
        if ok and _save(
            form,
            lambda: created.update(
                condition=services.set_condition(
                    person=person,
                    unit_id=units[0].pk,
                    user=request.user,
                    evaluations=[data.pop("first_evaluation")],
                    decision=decision,
                    **{k: v for k, v in data.items() if k != "national_id"},
                )
            ),
        ):
            return redirect("nav:condition", condition_id=created["condition"].pk)
    return _form_page(request, form, _("Nytt aktivitetsvilkår (sosialtjenesteloven § 20 a)"))


def _condition_page(request, condition, status=200, **forms_):
    today = timezone.localdate()
    units = [u for u in _nav_units(request) if u.pk == condition.unit_id]
    context = {
        "condition": condition,
        "person": condition.person,
        "evaluations": [
            (e, rules.overdue(e.due_on, e.done_on, today)) for e in condition.evaluations.all()
        ],
        "decisions": condition.noncompliance.all(),
        "route": appeal_route(services.FINANCIAL),
        "may_edit": bool(units),
        "view_missing": not condition.person_view.strip(),
        "evaluation_form": forms.EvaluationForm(),
        "view_form": forms.ViewForm(initial={"person_view": condition.person_view}),
        "noncompliance_form": forms.NonComplianceForm(),
        "link_form": forms.LinkDecisionForm(decisions=_office_decisions(units, condition.person))
        if units and condition.decision_id is None
        else None,
        **forms_,
    }
    return render(request, "nav/condition.html", context, status=status)


@login_required
def condition(request, condition_id):
    if request.method != "POST":
        found = access.record_for(request, ActivityCondition, condition_id, what="aktivitetsvilkår")
        return _condition_page(request, found)
    found = access.record_for(
        request, ActivityCondition, condition_id, Action.EDIT, what="aktivitetsvilkår: oppfølging"
    )
    if found.unit_id not in {u.pk for u in _nav_units(request)}:
        raise PermissionDenied(_("Bare NAV-kontoret som har saken kan følge den opp."))
    today = timezone.localdate()
    step = request.POST.get("steg", "")
    if step == "evaluering":
        form = forms.EvaluationForm(request.POST)
        action = lambda: services.evaluate(condition=found, day=today, **form.cleaned_data)  # noqa: E731
        name = "evaluation_form"
    elif step == "syn":
        form = forms.ViewForm(request.POST)
        action = lambda: services.record_view(condition=found, **form.cleaned_data)  # noqa: E731
        name = "view_form"
    elif step == "vedtak":
        units = [u for u in _nav_units(request) if u.pk == found.unit_id]
        form = forms.LinkDecisionForm(
            request.POST, decisions=_office_decisions(units, found.person)
        )
        action = lambda: services.link_decision(  # noqa: E731
            condition=found, decision=form.cleaned_data["decision"]
        )
        name = "link_form"
    elif step == "brudd":
        form = forms.NonComplianceForm(request.POST)
        action = lambda: services.decide_noncompliance(  # noqa: E731
            condition=found, user=request.user, day=today, **form.cleaned_data
        )
        name = "noncompliance_form"
    else:
        return _condition_page(request, found, 400)
    if form.is_valid() and _save(form, action):
        messages.success(request, _("Lagret."))
        return redirect("nav:condition", condition_id=found.pk)
    return _condition_page(request, found, 400, **{name: form})


@login_required
def noncompliance_letter(request, noncompliance_id):
    found = access.noncompliance_for(request, noncompliance_id)
    return letters.noncompliance_letter(found)


@login_required
def stats(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Siden er for ansatte i kommunen."))
    roles = {m.role for m in staff.memberships.all()}
    if not roles & STATS_ROLES:
        raise PermissionDenied(_("Statistikken er for NAV-kontoret, ledere og revisjon."))
    return render(
        request,
        "nav/statistics.html",
        {"report": statistics.report(staff.municipality_id, timezone.localdate())},
    )


@login_required
def programme_new(request):
    units = _require_nav(request)
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person(request, form)
        if person is not None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "national_id"}
            found = QualificationProgramme.objects.create(
                person=person, unit_id=units[0].pk, **data
            )
            return redirect("nav:programme", programme_id=found.pk)
    return _form_page(request, form, _("Vurdering for kvalifiseringsprogrammet (§ 29)"))


@login_required
def programme(request, programme_id):
    if request.method == "POST":
        found = access.record_for(
            request, QualificationProgramme, programme_id, Action.EDIT, what="KVP: status"
        )
        if found.unit_id not in {u.pk for u in _nav_units(request)}:
            raise PermissionDenied(_("Bare NAV-kontoret som har saken kan endre den."))
        form = forms.StepForm(request.POST)
        if form.is_valid() and _save(
            form,
            lambda: services.programme_step(
                programme=found, day=timezone.localdate(), **form.cleaned_data
            ),
        ):
            return redirect("nav:programme", programme_id=found.pk)
        status = 400
    else:
        found = access.record_for(request, QualificationProgramme, programme_id, what="KVP")
        form, status = forms.StepForm(), 200
    return render(
        request,
        "nav/programme.html",
        {"programme": found, "person": found.person, "form": form},
        status=status,
    )


@login_required
def advice_new(request):
    units = _require_nav(request)
    form = forms.AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person(request, form)
        if person is not None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "national_id"}
            found = AdviceCase.objects.create(person=person, unit_id=units[0].pk, **data)
            return redirect("nav:advice", case_id=found.pk)
    return _form_page(request, form, _("Ny sak om økonomisk rådgivning (§ 17)"))


@login_required
def advice(request, case_id):
    if request.method == "POST":
        found = access.record_for(request, AdviceCase, case_id, Action.EDIT, what="§ 17: avslutt")
        if found.unit_id not in {u.pk for u in _nav_units(request)}:
            raise PermissionDenied(_("Bare NAV-kontoret som har saken kan endre den."))
        form = forms.CloseAdviceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["closed_on"] < found.opened_on:
                form.add_error("closed_on", _("Saken kan ikke avsluttes før den startet."))
            else:
                found.outcome, found.closed_on = data["outcome"], data["closed_on"]
                found.save(update_fields=["outcome", "closed_on"])
                return redirect("nav:advice", case_id=found.pk)
        status = 400
    else:
        found = access.record_for(request, AdviceCase, case_id, what="økonomisk rådgivning")
        form, status = forms.CloseAdviceForm(initial={"closed_on": timezone.localdate()}), 200
    return render(
        request,
        "nav/advice.html",
        {"case": found, "person": found.person, "form": form},
        status=status,
    )
