"""Min side: the person's own portal. Every page asks ``portal.access.acting``
(the gate, with the person's own basis or their representative's); ids in
URLs are looked up only among the acting person's own rows."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.access import afterwards, gate, roles
from helhet.access.models import AccessBlock, Action
from helhet.consent import services as consent_services
from helhet.consent.models import Category, Consent, ConsentReminder
from helhet.core import pdf as core_pdf
from helhet.plans import pdf
from helhet.plans import rules as plan_rules
from helhet.plans import services as plan_services
from helhet.plans.models import Goal
from helhet.plans.services import StaleEdit
from helhet.portal import access, forms, notices, reminders, rules, services
from helhet.portal.access import ChooseFirst
from helhet.portal.models import Representation, Right, StaffAct

BASIC = gate.BASIC


def portal_view(view):
    """Logged in; a representative with several persons chooses first."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ChooseFirst:
            return redirect("portal:choose")

    return wrapper


def _render(request, template, acting, status=200, **context):
    return render(request, template, {"acting": acting, **context}, status=status)


def _refused_input(acting, kind: str, form) -> None:
    """Bad input is recorded (no text from it), and nothing is changed."""
    fields = ", ".join(sorted(form.errors)) or "-"
    services.record(
        acting=acting,
        kind=kind,
        detail=_("Avvist: %(fields)s") % {"fields": fields},
        accepted=False,
    )


OWNER = {
    Goal: "plan__person_id",
    Consent: "person_id",
    ConsentReminder: "consent__person_id",
    AccessBlock: "person_id",
    Representation: "person_id",
    StaffAct: "person_id",
}


def _own_or_404(request, acting, model, pk, action, category, what):
    """A row of the acting person's own, or 404; another person's row is logged
    as a refused attempt on that person's access log."""
    owner = model.objects.filter(pk=pk).values_list(OWNER[model], flat=True).first()
    if owner is None or owner != acting.person.pk:
        if owner is not None:
            access.log_foreign(request, acting, owner, action, category, what)
        raise Http404(_("Fant ikke opplysningen."))
    return model.objects.get(pk=pk)


# --- home and choosing whom to act for ------------------------------------------------


@portal_view
def home(request):
    acting = access.acting(request, Action.VIEW, BASIC, "forside")
    person = acting.person
    plan = services.current_plan(person=person) if acting.may(Right.READ_PLAN) else None
    return _render(
        request,
        "portal/home.html",
        acting,
        plan=plan,
        next_meeting=services.next_meeting(person=person) if acting.may(Right.READ_PLAN) else None,
        feedback=services.pending_feedback(person=person) if not acting.on_behalf else [],
        reminders=reminders.open_reminders(person) if acting.may(Right.CONSENTS) else [],
        staff_acts=notices.open_acts(person) if acting.may(Right.CONSENTS) else [],
        representations=access.active_representations(request.user),
    )


@portal_view
@require_POST
def reminder_seen(request, reminder_id: int):
    what = "samtykke: påminnelse lest"
    acting = access.acting(request, Action.EDIT, BASIC, what, Right.CONSENTS)
    reminder = _own_or_404(request, acting, ConsentReminder, reminder_id, Action.EDIT, BASIC, what)
    reminders.mark_seen(acting, reminder)
    return redirect("portal:home")


@portal_view
@require_POST
def act_seen(request, act_id: int):
    """The person has seen the notice that staff acted on their behalf."""
    what = "varsel lest"
    acting = access.acting(request, Action.EDIT, BASIC, what, Right.CONSENTS)
    act = _own_or_404(request, acting, StaffAct, act_id, Action.EDIT, BASIC, what)
    notices.mark_seen(acting, act)
    return redirect("portal:home")


@login_required
def choose(request):
    representations = list(access.active_representations(request.user))
    own = getattr(request.user, "person", None)
    if request.method == "POST":
        chosen = request.POST.get("acting", "")
        if chosen == access.SELF and own is not None:
            request.session[access.SESSION_KEY] = access.SELF
            return redirect("portal:home")
        match = next((r for r in representations if str(r.pk) == chosen), None)
        if match is not None:
            request.session[access.SESSION_KEY] = match.pk
            return redirect("portal:home")
        messages.error(request, _("Velg en person fra listen."))
    return render(
        request,
        "portal/choose.html",
        {"representations": representations, "own": own},
        status=400 if request.method == "POST" else 200,
    )


# --- my plan -------------------------------------------------------------------------


@portal_view
def plan(request):
    acting = access.acting(request, Action.VIEW, Category.PLAN, "min plan", Right.READ_PLAN)
    context = services.plan_view(person=acting.person)
    return _render(
        request,
        "portal/plan.html",
        acting,
        may_edit=acting.may(Right.EDIT_GOALS),
        comment_form=forms.CommentForm(),
        **context,
    )


def _goal_page(request, goal_id=None):
    writing = request.method == "POST"
    acting = access.acting(
        request,
        Action.EDIT if writing else Action.VIEW,
        Category.PLAN,
        "mål",
        Right.EDIT_GOALS,
    )
    plan = services.current_plan(person=acting.person)
    goal = None
    if goal_id is not None:
        goal = _own_or_404(request, acting, Goal, goal_id, Action.EDIT, Category.PLAN, "mål")
        plan = goal.plan
    if plan is None or not plan_rules.is_open(plan.status):
        messages.error(request, _("Du har ingen åpen plan å skrive mål i."))
        return redirect("portal:plan")
    initial = {"version": plan.version}
    if goal:
        initial.update(text=goal.text, status=goal.status)
    form = forms.GoalForm(request.POST if writing else None, initial=initial)
    status = 200
    if writing:
        status = 400
        if form.is_valid():
            try:
                services.save_goal(
                    acting=acting,
                    plan=plan,
                    goal=goal,
                    version=form.cleaned_data["version"],
                    fields={
                        "text": form.cleaned_data["text"],
                        "status": form.cleaned_data["status"],
                    },
                )
            except StaleEdit as stale:
                form.add_error(None, str(stale))
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Målet er lagret i planen din."))
                return redirect("portal:plan")
        _refused_input(acting, "mål", form)
    return _render(request, "portal/goal.html", acting, status=status, form=form, goal=goal)


@portal_view
def goal_new(request):
    return _goal_page(request)


@portal_view
def goal_edit(request, goal_id: int):
    return _goal_page(request, goal_id)


@portal_view
@require_POST
def goal_comment(request, goal_id: int):
    acting = access.acting(request, Action.EDIT, Category.PLAN, "kommentar", Right.EDIT_GOALS)
    goal = _own_or_404(request, acting, Goal, goal_id, Action.EDIT, Category.PLAN, "kommentar")
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(acting=acting, goal=goal, text=form.cleaned_data["text"])
        messages.success(request, _("Kommentaren er lagret."))
    else:
        _refused_input(acting, "kommentar", form)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("portal:plan")


@portal_view
def plan_pdf(request):
    acting = access.acting(request, Action.PRINT, Category.PLAN, "plan: PDF", Right.READ_PLAN)
    found = services.current_plan(person=acting.person)
    if found is None:
        raise Http404(_("Du har ingen plan ennå."))
    context = {**plan_services.plan_page(plan_id=found.pk), "printed_on": timezone.localdate()}
    return core_pdf.response(
        pdf.render(context), f"individuell-plan-versjon-{found.version}", inline=False
    )


# --- my consents ----------------------------------------------------------------------


def _grid(person, selected: set[str]):
    units, partners = consent_services.parties(municipality_id=person.municipality_id)
    rows = [(u, "u") for u in units] + [(p, "p") for p in partners]
    return [
        {
            "party": party,
            "cells": [
                {
                    "key": f"{kind}:{party.pk}:{c}",
                    "party_name": party.name,
                    "label": label,
                    "checked": f"{kind}:{party.pk}:{c}" in selected,
                }
                for c, label in Category.choices
            ],
        }
        for party, kind in rows
    ], consent_services.all_scopes(units=units, partners=partners)


@portal_view
def consents(request):
    acting = access.acting(request, Action.VIEW, BASIC, "samtykker", Right.CONSENTS)
    return _render(
        request,
        "portal/consents.html",
        acting,
        consents=services.consents_of(person=acting.person),
        now=timezone.now(),
    )


@portal_view
def consent_new(request):
    writing = request.method == "POST"
    acting = access.acting(
        request, Action.EDIT if writing else Action.VIEW, BASIC, "samtykke: nytt", Right.CONSENTS
    )
    grid, offered = _grid(acting.person, set(request.POST.getlist("scope")) if writing else set())
    form = forms.ConsentForm(request.POST if writing else None, offered=offered)
    if writing:
        if form.is_valid():
            services.give_consent(
                acting=acting,
                scopes=form.selected_scopes(),
                offered=offered,
                purpose=form.cleaned_data["purpose"],
                valid_to=form.cleaned_data["valid_to"],
                covers_plan=form.cleaned_data["covers_plan"],
            )
            messages.success(request, _("Samtykket ditt er registrert."))
            return redirect("portal:consents")
        _refused_input(acting, "samtykke", form)
    return _render(
        request,
        "portal/consent_form.html",
        acting,
        status=400 if writing else 200,
        form=form,
        grid=grid,
        categories=Category.choices,
    )


@portal_view
def consent_withdraw(request, consent_id: int):
    writing = request.method == "POST"
    action = Action.EDIT if writing else Action.VIEW
    acting = access.acting(request, action, BASIC, "samtykke: trekke tilbake", Right.CONSENTS)
    consent = _own_or_404(request, acting, Consent, consent_id, action, BASIC, "samtykke")
    if writing:
        try:
            services.withdraw_consent(acting=acting, consent=consent)
        except consent_services.ConsentRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Samtykket er trukket tilbake. Det gjelder ikke lenger fra nå.")
            )
        return redirect("portal:consents")
    return _render(request, "portal/consent_withdraw.html", acting, consent=consent)


# --- who has seen my data ----------------------------------------------------------------


@portal_view
def access_log(request):
    acting = access.acting(request, Action.VIEW, BASIC, "tilgangslogg", Right.CONSENTS)
    person = acting.person
    preference = getattr(person, "notice_preference", None)
    page = services.access_log(
        person=person, year=request.GET.get("ar"), cursor=request.GET.get("etter")
    )
    return _render(
        request,
        "portal/access_log.html",
        acting,
        page=page,
        entries=[
            (e, rules.basis_label(e.basis, e.consent_id is not None, e.emergency))
            for e in page.entries
        ],
        blocks=services.active_blocks(person=person),
        block_form=forms.BlockForm(candidates=services.block_candidates(person=person)),
        notice_form=forms.NoticeForm(
            initial={
                "emergency": preference.emergency if preference else False,
                "email": preference.email if preference else person.email,
            }
        ),
        notices=person.emergency_notices.all()[:20],
    )


@portal_view
@require_POST
def block_new(request):
    acting = access.acting(request, Action.EDIT, BASIC, "sperring", Right.CONSENTS)
    form = forms.BlockForm(request.POST, candidates=services.block_candidates(person=acting.person))
    if form.is_valid():
        try:
            services.block(acting=acting, staff_user=form.cleaned_data["staff_user"])
        except services.PortalRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Den ansatte er sperret og får ikke lenger se opplysningene dine.")
            )
    else:
        _refused_input(acting, "sperring", form)
        messages.error(request, _("Velg en ansatt fra listen. Ingenting er endret."))
    return redirect("portal:access_log")


@portal_view
@require_POST
def block_lift(request, block_id: int):
    acting = access.acting(request, Action.EDIT, BASIC, "sperring: oppheve", Right.CONSENTS)
    found = _own_or_404(request, acting, AccessBlock, block_id, Action.EDIT, BASIC, "sperring")
    try:
        services.lift_block(acting=acting, found=found)
    except services.PortalRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Sperringen er opphevet."))
    return redirect("portal:access_log")


@portal_view
@require_POST
def notice(request):
    acting = access.acting(request, Action.EDIT, BASIC, "varsling", Right.CONSENTS)
    form = forms.NoticeForm(request.POST)
    if form.is_valid():
        services.set_notice(
            acting=acting,
            email=form.cleaned_data["email"],
            emergency=form.cleaned_data["emergency"],
        )
        messages.success(request, _("Varslingsvalget ditt er lagret."))
    else:
        _refused_input(acting, "varsling", form)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("portal:access_log")


# --- proxies --------------------------------------------------------------------------


@portal_view
def proxies(request):
    writing = request.method == "POST"
    acting = access.acting(request, Action.EDIT if writing else Action.VIEW, BASIC, "fullmakter")
    form = forms.ProxyForm(request.POST if writing else None)
    if writing:
        if acting.on_behalf:
            refusal = _("Bare personen selv kan gi fullmakt.")
            services.record(
                acting=acting,
                kind="fullmakt gitt",
                detail=_("Avvist: ikke personen selv"),
                accepted=False,
            )
            afterwards.log_refusal(request.user, refusal)
            messages.error(request, refusal)
            return redirect("portal:proxies")
        if form.is_valid():
            try:
                services.give_proxy(
                    acting=acting,
                    representative=form.cleaned_data["username"],
                    rights=set(form.cleaned_data["rights"]),
                    valid_from=timezone.localdate(),
                    valid_to=form.cleaned_data["valid_to"],
                )
            except services.PortalRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Fullmakten er gitt."))
                return redirect("portal:proxies")
        _refused_input(acting, "fullmakt", form)
    return _render(
        request,
        "portal/proxies.html",
        acting,
        status=400 if writing else 200,
        form=form,
        representations=services.representations_of(person=acting.person),
        today=timezone.localdate(),
    )


@portal_view
@require_POST
def proxy_revoke(request, representation_id: int):
    acting = access.acting(request, Action.EDIT, BASIC, "fullmakt: trekke tilbake")
    found = _own_or_404(
        request,
        acting,
        Representation,
        representation_id,
        Action.EDIT,
        BASIC,
        "fullmakt",
    )
    try:
        services.revoke(acting=acting, representation=found)
    except services.PortalRefused as error:
        if acting.on_behalf:
            afterwards.log_refusal(request.user, str(error))
        messages.error(request, str(error))
    else:
        messages.success(request, _("Fullmakten er trukket tilbake."))
    return redirect("portal:proxies")


# --- messages -----------------------------------------------------------------------------


@portal_view
def message_list(request):
    writing = request.method == "POST"
    acting = access.acting(
        request,
        Action.EDIT if writing else Action.VIEW,
        Category.COOPERATION,
        "meldinger",
        Right.MESSAGES,
    )
    form = forms.MessageForm(request.POST if writing else None)
    if writing:
        if form.is_valid():
            services.send_message(acting=acting, body=form.cleaned_data["body"])
            messages.success(request, _("Meldingen er sendt."))
            return redirect("portal:messages")
        _refused_input(acting, "melding", form)
    return _render(
        request,
        "portal/messages.html",
        acting,
        status=400 if writing else 200,
        form=form,
        items=services.messages(person=acting.person),
        contacts=services.around_person(person=acting.person),
    )


# --- feedback -------------------------------------------------------------------------


@portal_view
def feedback(request):
    writing = request.method == "POST"
    acting = access.acting(
        request, Action.EDIT if writing else Action.VIEW, BASIC, "tilbakemelding"
    )
    pending = [] if acting.on_behalf else services.pending_feedback(person=acting.person)
    form = forms.FeedbackForm(request.POST if writing else None)
    if writing:
        occasion = next((o for o in pending if o["key"] == request.POST.get("occasion")), None)
        if occasion is None:
            services.record(
                acting=acting,
                kind="tilbakemelding",
                detail=_("Avvist: ukjent anledning"),
                accepted=False,
            )
            messages.error(request, _("Fant ikke spørsmålet. Ingenting er lagret."))
            return redirect("portal:feedback")
        if form.is_valid():
            try:
                services.answer_feedback(
                    acting=acting,
                    occasion=occasion,
                    score=form.cleaned_data["score"],
                    text=form.cleaned_data["text"],
                )
            except services.PortalRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Takk for svaret ditt!"))
            return redirect("portal:feedback")
        _refused_input(acting, "tilbakemelding", form)
    forms_ = [
        (o, form if writing and form.data.get("occasion") == o["key"] else _feedback_form(o))
        for o in pending
    ]
    return _render(
        request, "portal/feedback.html", acting, status=400 if writing else 200, pending=forms_
    )


def _feedback_form(occasion):
    return forms.FeedbackForm(initial={"occasion": occasion["key"]})


# --- staff: guardians and the feedback overview -----------------------------------------


@login_required
def guardian_new(request, person_id: int):
    """Staff register a guardian from the guardianship decision (vergemålsloven
    § 33), with its reference and scope. Shown to whoever may see the person;
    registering is the gate's privileged act (Action.REGISTER_GUARDIAN: the
    coordinating unit or a unit head), flagged and told to the person."""
    writing = request.method == "POST"
    person = gate.person_for(request, person_id, Action.VIEW, category=BASIC, what="verge")
    if getattr(request.user, "staff", None) is None:
        raise Http404(_("Fant ikke siden."))
    form = forms.GuardianForm(request.POST if writing else None)
    if writing and form.is_valid():
        what = "verge registrert av ansatt"
        decision = gate.decide(request.user, person, Action.REGISTER_GUARDIAN, category=BASIC)
        if not decision.granted:
            gate.log(
                request.user, person, Action.REGISTER_GUARDIAN, decision, category=BASIC, what=what
            )
            raise PermissionDenied(
                _("Du kan ikke registrere verge for denne personen: %(reason)s")
                % {"reason": decision.detail}
            )
        try:
            with transaction.atomic():
                entry = gate.log(
                    request.user,
                    person,
                    Action.REGISTER_GUARDIAN,
                    decision,
                    category=BASIC,
                    what=what,
                )
                services.register_guardian(
                    actor=request.user,
                    person=person,
                    log_entry=entry,
                    link=request.build_absolute_uri(reverse("portal:home")),
                    representative=form.cleaned_data["username"],
                    rights=set(form.cleaned_data["rights"]),
                    valid_from=form.cleaned_data["valid_from"],
                    valid_to=form.cleaned_data["valid_to"],
                    reference=form.cleaned_data["reference"],
                )
        except services.PortalRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Vergen er registrert. Personen får beskjed på Min side og e-post.")
            )
            return redirect("portal:guardian_new", person_id=person.pk)
    return render(
        request,
        "portal/guardian.html",
        {
            "person": person,
            "form": form,
            "representations": services.representations_of(person=person),
            "today": timezone.localdate(),
        },
        status=400 if writing else 200,
    )


@login_required
def feedback_overview(request):
    staff = roles.staff_with_role(request.user, roles.FORM_EVALUATORS)
    return render(
        request,
        "portal/feedback_overview.html",
        {
            "rows": services.feedback_overview(municipality_id=staff.municipality_id),
            "limit": rules.SMALL_CELL,
        },
    )
