"""The staff pages of the living individual plan. Every read and write goes
through ``plans.access.plan_for`` (the access gate); every change through
``plans.services`` (versioned, lost updates refused)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.core import pdf as core_pdf
from helhet.plans import access, forms, pdf, presenters, rules, services
from helhet.plans.models import Goal, Measure, Participant, PlanVersion
from helhet.plans.services import StaleEdit


def _plan(request, plan_id, what):
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    return access.plan_for(request, plan_id, action=action, what=what)


def _data(request):
    return request.POST if request.method == "POST" else None


def _closed(request, plan, allowed=rules.is_open):
    """A redirect with an explanation when the plan cannot take this change, else None."""
    if allowed(plan.status):
        return None
    messages.error(request, _("Planen er ikke åpen og kan ikke endres."))
    return redirect("plans:detail", plan.pk)


# The editor's answer to a warning shown before saving ("save anyway").
CONFIRMED = "bekreft"


def _save_page(
    request, plan, form, save, title, success, template="plans/form.html", warn=None, **extra
):
    """Show the form; on a valid POST save it, refusing a stale version with 409.
    ``warn`` may return a warning to show before saving, until the editor confirms."""
    status = 200
    if request.method == "POST" and form.is_valid():
        warning = warn(form) if warn and request.POST.get(CONFIRMED) != "ja" else None
        if warning:
            extra["consent_warning"] = warning
        else:
            return _save(request, plan, form, save, title, success, template, extra)
    context = {"plan": plan, "form": form, "title": title, **extra}
    return render(request, template, context, status=status)


def _save(request, plan, form, save, title, success, template, extra):
    status = 200
    try:
        save(form)
    except StaleEdit as stale:
        form.add_error(None, str(stale))
        extra["stale"] = _stale_context(plan, form, stale)
        status = 409
    except ValidationError as error:
        form.add_error(None, error.messages)
    else:
        messages.success(request, success)
        return redirect("plans:detail", plan.pk)
    context = {"plan": plan, "form": form, "title": title, **extra}
    return render(request, template, context, status=status)


def _stale_context(plan, form, stale: StaleEdit) -> dict:
    """Who changed what and when since the editor's version, and the conflicts to
    settle. The form keeps the editor's text and base version, and learns the
    version whose saved values it now shows (``seen``), so the next save merges
    again from there: never refused for a change the editor has seen."""
    base = stale.base_version or form.cleaned_data.get("version") or stale.current_version
    if stale.conflicts:
        form.data = form.data.copy()
        form.data["seen"] = str(stale.current_version)
    return {
        "base": base,
        "current": stale.current_version,
        "versions": services.changes_since(
            plan_id=plan.pk, base=base, current=stale.current_version
        ),
        "conflicts": {
            c["name"]: presenters.conflict_display(c) for c in stale.conflicts if c["name"]
        },
    }


def _version(form):
    return form.cleaned_data["version"]


def _merge(form):
    return form.merge_args() if hasattr(form, "merge_args") else {}


@login_required
def detail(request, plan_id: int):
    plan = access.plan_for(request, plan_id, what="plan")
    # The close link only for those the gate lets close the plan (not logged:
    # nothing is read or done; the close page asks again and logs).
    may_close = gate.decide(request.user, plan.person, Action.CLOSE, category=Category.PLAN).granted
    return render(
        request,
        "plans/detail.html",
        {**services.plan_page(plan_id=plan_id), "may_close": may_close},
    )


@login_required
def edit_plan(request, plan_id: int):
    plan = _plan(request, plan_id, "plan: endre")
    if refused := _closed(request, plan):
        return refused
    form = forms.PlanForm(_data(request), instance=plan, initial={"version": plan.version})
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.update_plan(
            plan_id=plan.pk, user=request.user, version=_version(f), fields=f.changes(), **_merge(f)
        ),
        _("Endre planen"),
        _("Planen er lagret."),
    )


@login_required
def goal_form(request, plan_id: int, goal_id: int | None = None):
    plan = _plan(request, plan_id, "plan: mål")
    goal = get_object_or_404(Goal, plan=plan, pk=goal_id) if goal_id else None
    if refused := _closed(request, plan):
        return refused
    form = forms.GoalForm(_data(request), instance=goal, initial={"version": plan.version})
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.save_goal(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            goal_id=goal_id,
            fields=f.changes(),
            **_merge(f),
        ),
        _("Endre mål") if goal else _("Nytt mål"),
        _("Målet er lagret."),
        delete_url=goal and ("plans:goal_delete", goal.pk),
    )


@login_required
def measure_form(request, plan_id: int, goal_id: int | None = None, measure_id: int | None = None):
    plan = _plan(request, plan_id, "plan: tiltak")
    measure = get_object_or_404(Measure, plan=plan, pk=measure_id) if measure_id else None
    goal = measure.goal if measure else get_object_or_404(Goal, plan=plan, pk=goal_id)
    if refused := _closed(request, plan):
        return refused
    form = forms.MeasureForm(
        _data(request),
        instance=measure,
        initial={"version": plan.version},
        municipality=plan.person.municipality_id,
    )
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.save_measure(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            goal_id=goal.pk,
            measure_id=measure_id,
            fields=f.changes(),
            **_merge(f),
        ),
        _("Endre tiltak") if measure else _("Nytt tiltak"),
        _("Tiltaket er lagret."),
        goal=goal,
        delete_url=measure and ("plans:measure_delete", measure.pk),
    )


@login_required
def participant_form(request, plan_id: int, participant_id: int | None = None):
    plan = _plan(request, plan_id, "plan: deltakere")
    participant = (
        get_object_or_404(Participant, plan=plan, pk=participant_id) if participant_id else None
    )
    if refused := _closed(request, plan):
        return refused
    form = forms.ParticipantForm(
        _data(request),
        instance=participant,
        initial={"version": plan.version},
        municipality=plan.person.municipality_id,
    )
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.save_participant(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            participant_id=participant_id,
            fields=f.changes(),
            **_merge(f),
        ),
        _("Endre deltaker") if participant else _("Ny deltaker"),
        _("Deltakeren er lagret."),
        warn=lambda f: services.consent_warning(
            plan=plan, fields=f.cleaned_data, participant=participant
        ),
        delete_url=participant and ("plans:participant_delete", participant.pk),
    )


@login_required
def crisis_plan(request, plan_id: int):
    plan = _plan(request, plan_id, "plan: kriseplan")
    if refused := _closed(request, plan):
        return refused
    form = forms.CrisisPlanForm(
        _data(request),
        instance=getattr(plan, "crisis_plan", None),
        initial={"version": plan.version},
    )
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.save_crisis_plan(
            plan_id=plan.pk, user=request.user, version=_version(f), fields=f.changes(), **_merge(f)
        ),
        _("Kriseplan"),
        _("Kriseplanen er lagret."),
    )


_REMOVABLE: dict[str, tuple[type[Goal | Measure | Participant], Any]] = {
    "goal": (Goal, _lazy("Fjern mål")),
    "measure": (Measure, _lazy("Fjern tiltak")),
    "participant": (Participant, _lazy("Fjern deltaker")),
}


@login_required
def remove(request, plan_id: int, kind: str, row_id: int):
    model, title = _REMOVABLE[kind]
    plan = _plan(request, plan_id, f"plan: fjern {model._meta.verbose_name}")
    row = get_object_or_404(model, plan=plan, pk=row_id)
    if refused := _closed(request, plan):
        return refused
    form = forms.Removal(_data(request), initial={"version": plan.version})
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.remove_row(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            model=model,
            row_id=row.pk,
            **_merge(f),
        ),
        title,
        _("Fjernet."),
        template="plans/remove.html",
        row=row,
    )


@login_required
def answer_offer(request, plan_id: int):
    plan = _plan(request, plan_id, "plan: svar på tilbud")
    if refused := _closed(request, plan, rules.may_answer_offer):
        return refused
    form = forms.OfferAnswerForm(_data(request), plan=plan, initial={"version": plan.version})
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.answer_offer(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            accepted=f.cleaned_data["answer"] == forms.OfferAnswerForm.ACCEPTED,
            answered_on=f.cleaned_data["answered_on"],
        ),
        _("Svar på tilbud om individuell plan"),
        _("Svaret er registrert."),
    )


@login_required
def close(request, plan_id: int):
    # Closing is an administrative act: only the coordinator and the
    # coordinating unit (gate actions), not every unit that may read the plan.
    plan = access.plan_for(request, plan_id, action=Action.CLOSE, what="plan: avslutt")
    if refused := _closed(request, plan):
        return refused
    form = forms.CloseForm(
        _data(request),
        plan=plan,
        initial={"version": plan.version, "closed_on": timezone.localdate()},
    )
    return _save_page(
        request,
        plan,
        form,
        lambda f: services.close_plan(
            plan_id=plan.pk,
            user=request.user,
            version=_version(f),
            closed_on=f.cleaned_data["closed_on"],
        ),
        _("Avslutt planen"),
        _("Planen er avsluttet."),
    )


@login_required
def history(request, plan_id: int):
    plan = access.plan_for(request, plan_id, what="plan: historikk")
    versions = list(plan.versions.only("number", "created_at", "author_name", "summary"))
    numbers = [v.number for v in versions]
    compare = forms.CompareForm(
        initial={"fra": numbers[1] if len(numbers) > 1 else plan.version, "til": plan.version}
    )
    return render(
        request, "plans/history.html", {"plan": plan, "versions": versions, "compare": compare}
    )


@login_required
def version(request, plan_id: int, number: int):
    plan = access.plan_for(request, plan_id, what=f"plan: versjon {number}")
    stored = get_object_or_404(PlanVersion, plan=plan, number=number)
    context = {
        "plan": plan,
        "version": stored,
        "shown": presenters.version_display(stored.snapshot),
    }
    return render(request, "plans/version.html", context)


@login_required
def compare(request, plan_id: int):
    plan = access.plan_for(request, plan_id, what="plan: sammenlign versjoner")
    form = forms.CompareForm(request.GET)
    if not form.is_valid():
        return render(request, "plans/compare.html", {"plan": plan, "compare": form}, status=400)
    before = get_object_or_404(PlanVersion, plan=plan, number=form.cleaned_data["fra"])
    after = get_object_or_404(PlanVersion, plan=plan, number=form.cleaned_data["til"])
    context = {
        "plan": plan,
        "compare": form,
        "before": before,
        "after": after,
        "rows": presenters.diff_display(before.snapshot, after.snapshot),
    }
    return render(request, "plans/compare.html", context)


@login_required
def plan_pdf(request, plan_id: int):
    plan = access.plan_for(request, plan_id, action=Action.PRINT, what="plan: PDF")
    context = {**services.plan_page(plan_id=plan.pk), "printed_on": timezone.localdate()}
    return core_pdf.response(
        pdf.render(context),
        f"individuell-plan-{plan.pk}-versjon-{plan.version}",
        inline=False,
    )


@login_required
def offer(request, person_id: int):
    # The duty to offer lies with every service that sees the need (hol.
    # § 7-1): the gate's OFFER needs a relation that allows it, not a consent
    # to the plan category.
    person = gate.person_for(
        request, person_id, Action.OFFER, category=gate.BASIC, what="tilby individuell plan"
    )
    form = forms.OfferPlanForm(_data(request), initial={"offered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.offer_plan(
                person=person, user=request.user, offered_on=form.cleaned_data["offered_on"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Individuell plan er tilbudt."))
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/offer.html", {"person": person, "form": form})
