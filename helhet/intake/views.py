"""Intake's views: thin, every person read through ``intake.access``.

POST-only views check access before the method, so a request without a basis
is refused and logged whatever its method.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.models import Action
from helhet.coordination import rules as coordination_rules
from helhet.coordination.models import caseload_warning, naming_routine
from helhet.core.counting import BoundedPaginator
from helhet.intake import access, forms, letters, rules, services
from helhet.intake.models import Appeal, Application
from helhet.intake.models import SocialAssistanceFacts as SocialFacts
from helhet.organisation.models import Role, StaffMember

CASES_PER_PAGE = 50
STATS_ROLES = access.UNIT_CASE_ROLES | {Role.SECTOR_HEAD, Role.QUALITY, Role.AUDITOR}


def _staff_only(request):
    if access.municipality_id(request.user) is None:
        raise PermissionDenied(_("Siden er for ansatte."))


def _save(form, action) -> bool:
    """Run a service; its ValidationError becomes form errors and nothing is saved."""
    try:
        action()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


# --- Lists --------------------------------------------------------------------


@login_required
def worklist(request):
    _staff_only(request)
    today = timezone.localdate()
    items = services.work_items(user=request.user, today=today)
    access.log_list(request.user, {i.person for i in items}, "arbeidsliste")
    return render(
        request,
        "intake/worklist.html",
        {"items": items, "counts": services.count_by_kind(items=items), "today": today},
    )


@login_required
def cases(request):
    _staff_only(request)
    status = request.GET.get("status", "")
    if status not in Application.Status.values:
        status = ""
    page = BoundedPaginator(
        services.case_list(user=request.user, status=status), CASES_PER_PAGE
    ).get_page(request.GET.get("side"))
    access.log_cases(request.user, list(page), "saksliste")
    return render(
        request,
        "intake/cases.html",
        {
            "page": page,
            "status": status,
            "statuses": Application.Status.choices,
            "can_register": access.can_register(request.user),
        },
    )


# --- Applications ---------------------------------------------------------------


@login_required
def register(request):
    _staff_only(request)
    units = access.unit_ids(request.user, access.RECEIVING_ROLES)
    if not units:
        raise PermissionDenied(
            _("Bare saksbehandlere, NAV og koordinerende enhet registrerer søknader.")
        )
    form = forms.ApplicationForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def save():
            person = services.find_or_create_person(
                municipality_id=access.municipality_id(request.user),
                national_id=data["national_id"],
                given_name=data["given_name"],
                family_name=data["family_name"],
            )
            fields = {k: v for k, v in data.items() if k in forms.ApplicationForm.Meta.fields}
            created["application"] = services.register_application(
                user=request.user, person=person, **fields
            )

        if _save(form, save):
            messages.success(request, _("Henvendelsen er registrert."))
            return redirect("intake:application", created["application"].pk)
    return render(
        request, "intake/register.html", {"form": form}, status=400 if form.errors else 200
    )


def _application_page(request, application, status=200, **forms_):
    can_process = access.can_process(request.user, application)
    today = timezone.localdate()
    decision = getattr(application, "decision", None)
    context = {
        "application": application,
        "person": application.person,
        "notes": application.notes.select_related("author"),
        "decision": decision,
        "social_facts": getattr(application, "social_facts", None),
        "can_process": can_process,
        "deadline": rules.preliminary_answer_deadline(application.received_on),
        "preliminary_state": rules.preliminary_answer_state(
            application.received_on,
            today,
            decided_on=decision.decided_on if decision else None,
            sent_on=application.preliminary_sent_on,
        ),
        "note_form": forms.NoteForm(initial={"noted_on": today}),
        "assessment_form": forms.AssessmentForm(instance=application),
        "ack_form": forms.DayForm(initial={"day": today}),
        "preliminary_form": forms.PreliminaryAnswerForm(initial={"sent_on": today}),
        **forms_,
    }
    return render(request, "intake/application.html", context, status=status)


def _processable(request, application_id, what):
    return access.application_for(
        request,
        application_id,
        Action.EDIT,
        what=what,
        rule=access.processing_unit_only(
            _("Bare enheten søknaden er stilet til kan behandle den.")
        ),
    )


@login_required
def application(request, application_id):
    app = access.application_for(request, application_id, Action.VIEW, what="søknad")
    return _application_page(request, app)


@login_required
def add_note(request, application_id):
    app = _processable(request, application_id, "utredningsnotat")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.NoteForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.add_note(
            application=app, user=request.user, **_note_args(form.cleaned_data)
        ),
    ):
        messages.success(request, _("Notatet er lagret."))
        return redirect("intake:application", app.pk)
    return _application_page(request, app, status=400, note_form=form)


def _note_args(data):
    return {"kind": data["kind"], "noted_on": data["noted_on"], "text": data["text"]}


@login_required
def assess(request, application_id):
    app = _processable(request, application_id, "vurdering")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.AssessmentForm(request.POST, instance=app)
    if form.is_valid():
        form.save()
        messages.success(request, _("Vurderingen er lagret."))
        return redirect("intake:application", app.pk)
    return _application_page(request, app, status=400, assessment_form=form)


@login_required
def acknowledge(request, application_id):
    app = _processable(request, application_id, "kvittering")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.DayForm(request.POST)
    if form.is_valid() and _save(
        form, lambda: services.mark_acknowledged(application=app, day=form.cleaned_data["day"])
    ):
        messages.success(request, _("Det er registrert at kvitteringen er sendt."))
        return redirect("intake:application", app.pk)
    return _application_page(request, app, status=400, ack_form=form)


@login_required
def preliminary_answer(request, application_id):
    app = _processable(request, application_id, "foreløpig svar")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.PreliminaryAnswerForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.record_preliminary_answer(
            application=app,
            day=form.cleaned_data["sent_on"],
            reason=form.cleaned_data["reason"],
            expected_by=form.cleaned_data["expected_by"],
        ),
    ):
        messages.success(request, _("Det er registrert at foreløpig svar er sendt."))
        return redirect("intake:application", app.pk)
    return _application_page(request, app, status=400, preliminary_form=form)


@login_required
def letter(request, application_id, letter):
    app = access.application_for(request, application_id, Action.PRINT, what=f"brev {letter}")
    if letter == "kvittering":
        template = "acknowledgement"
    elif letter == "forelopig-svar" and app.preliminary_sent_on:
        template = "preliminary"
    else:
        raise Http404(_("Fant ikke brevet."))
    return letters.pdf_response(template, {"application": app, "person": app.person}, letter)


@login_required
def social_facts(request, application_id):
    if request.method == "POST":
        app = _processable(request, application_id, "NAV-opplysninger")
    else:
        app = access.application_for(request, application_id, Action.VIEW, what="NAV-opplysninger")
    if app.kind != Application.Kind.FINANCIAL:
        raise Http404(_("Søknaden gjelder ikke økonomisk stønad."))
    facts = getattr(app, "social_facts", None) or SocialFacts(application=app)
    form = forms.SocialFactsForm(request.POST or None, instance=facts)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Opplysningene er lagret."))
        return redirect("intake:application", app.pk)
    return render(
        request,
        "intake/social_facts.html",
        {
            "application": app,
            "person": app.person,
            "form": form,
            "can_process": access.can_process(request.user, app),
        },
        status=400 if form.errors else 200,
    )


@login_required
def decide(request, application_id):
    app = _processable(request, application_id, "vedtak")
    if not app.is_open:
        messages.error(request, _("Søknaden er allerede avgjort eller trukket."))
        return redirect("intake:application", app.pk)
    form = forms.DecisionForm(request.POST or None, municipality_id=app.person.municipality_id)
    if request.method == "POST" and form.is_valid():
        created = {}

        def save():
            created["decision"] = services.make_decision(
                application=app, user=request.user, **form.cleaned_data
            )

        if _save(form, save):
            messages.success(request, _("Vedtaket er lagret og venter på leders signatur."))
            return redirect("intake:decision", created["decision"].pk)
    return render(
        request,
        "intake/decide.html",
        {"application": app, "person": app.person, "form": form},
        status=400 if form.errors else 200,
    )


# --- Decisions -------------------------------------------------------------------


def _appeal_status_form(appeal, today, data=None):
    # A prefix per appeal keeps the ids on the page unique.
    return forms.AppealStatusForm(data, prefix=f"klage{appeal.pk}", initial={"day": today})


def _decision_page(request, decision, status=200, **forms_):
    today = timezone.localdate()
    user = request.user
    application = decision.application
    context = {
        "decision": decision,
        "application": application,
        "person": application.person,
        "appeals": [
            (a, forms_.get(f"klage{a.pk}") or _appeal_status_form(a, today))
            for a in decision.appeals.all()
        ],
        "route": decision.appeal_route,
        "appeal_deadline": decision.appeal_deadline,
        "can_process": access.can_process(user, application),
        "can_sign": access.can_sign(user, decision) and not decision.is_signed,
        "signers": [] if decision.is_signed else access.expected_signers(decision),
        "can_start": access.can_confirm_start(user, decision)
        and decision.is_granted
        and decision.is_signed
        and decision.started_on is None
        and application.kind != Application.Kind.COORDINATION,
        "can_assign": access.can_assign_coordinator(user)
        and application.kind == Application.Kind.COORDINATION
        and decision.is_granted
        and decision.is_signed
        and decision.coordinator_assignment_id is None,
        "letter_form": forms.LetterSentForm(initial={"day": today}),
        "received_form": forms.DayForm(initial={"day": today}),
        "start_form": forms.StartForm(initial={"started_on": decision.period_from or today}),
        "appeal_form": forms.AppealForm(initial={"received_on": today}),
        "naming_routine": naming_routine(application.person.municipality_id)
        if application.kind == Application.Kind.COORDINATION
        else None,
        "assign_form": forms.AssignForm(
            municipality_id=application.person.municipality_id,
            initial={"assigned_on": today, "unit": decision.provider_id},
        ),
        **forms_,
    }
    return render(request, "intake/decision.html", context, status=status)


@login_required
def decision(request, decision_id):
    d = access.decision_for(request, decision_id, Action.VIEW)
    return _decision_page(request, d)


@login_required
def sign(request, decision_id):
    # The gate decides SIGN (the unit head, not the caseworker) and logs a
    # refusal as refused.
    d = access.decision_for(request, decision_id, Action.SIGN, what="signer vedtak")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.sign_decision(decision=d, user=request.user, day=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Vedtaket er signert og sendt til utførende enhet."))
    return redirect("intake:decision", d.pk)


@login_required
def decision_letter_sent(request, decision_id):
    d = access.decision_for(
        request,
        decision_id,
        Action.EDIT,
        what="vedtaksbrev sendt",
        rule=access.processing_unit_only(_("Bare enheten som fattet vedtaket registrerer brevet.")),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.LetterSentForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.mark_letter_sent(
            decision=d,
            day=form.cleaned_data["day"],
            delivery=form.cleaned_data["delivery"],
            received_on=form.cleaned_data["received_on"],
        ),
    ):
        messages.success(request, _("Det er registrert at vedtaksbrevet er sendt."))
        return redirect("intake:decision", d.pk)
    return _decision_page(request, d, status=400, letter_form=form)


@login_required
def decision_letter_received(request, decision_id):
    d = access.decision_for(
        request,
        decision_id,
        Action.EDIT,
        what="vedtaksbrev mottatt",
        rule=access.processing_unit_only(_("Bare enheten som fattet vedtaket registrerer brevet.")),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.DayForm(request.POST)
    if form.is_valid() and _save(
        form, lambda: services.record_letter_received(decision=d, day=form.cleaned_data["day"])
    ):
        messages.success(request, _("Det er registrert når vedtaksbrevet kom fram."))
        return redirect("intake:decision", d.pk)
    return _decision_page(request, d, status=400, received_form=form)


@login_required
def decision_letter(request, decision_id):
    d = access.decision_for(request, decision_id, Action.PRINT, what="vedtaksbrev")
    return letters.pdf_response(
        "decision",
        {"decision": d, "application": d.application, "person": d.application.person},
        "vedtak",
    )


@login_required
def confirm_start(request, decision_id):
    # The gate decides START (the providing unit of a signed decision).
    d = access.decision_for(request, decision_id, Action.START, what="oppstart")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.StartForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.confirm_start(
            decision=d, user=request.user, started_on=form.cleaned_data["started_on"]
        ),
    ):
        messages.success(request, _("Oppstart er bekreftet, og tjenesten er registrert."))
        return redirect("intake:decision", d.pk)
    return _decision_page(request, d, status=400, start_form=form)


@login_required
def add_appeal(request, decision_id):
    d = access.decision_for(
        request,
        decision_id,
        Action.EDIT,
        what="klage",
        rule=access.processing_unit_only(_("Bare enheten som fattet vedtaket registrerer klager.")),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.AppealForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.register_appeal(
            decision=d,
            user=request.user,
            received_on=form.cleaned_data["received_on"],
            grounds=form.cleaned_data["grounds"],
            posted_on=form.cleaned_data["posted_on"],
        ),
    ):
        messages.success(request, _("Klagen er registrert."))
        return redirect("intake:decision", d.pk)
    return _decision_page(request, d, status=400, appeal_form=form)


@login_required
def appeal_status(request, decision_id, appeal_id):
    d = access.decision_for(
        request,
        decision_id,
        Action.EDIT,
        what="klagestatus",
        rule=access.processing_unit_only(_("Bare enheten som fattet vedtaket følger opp klager.")),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    appeal = get_object_or_404(Appeal, pk=appeal_id, decision=d)
    form = _appeal_status_form(appeal, timezone.localdate(), request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.set_appeal_status(
            appeal=appeal, status=form.cleaned_data["status"], day=form.cleaned_data["day"]
        ),
    ):
        messages.success(request, _("Klagens status er oppdatert."))
        return redirect("intake:decision", d.pk)
    return _decision_page(request, d, status=400, **{f"klage{appeal.pk}": form})


@login_required
def assign(request, decision_id):
    d = access.decision_for(
        request,
        decision_id,
        Action.EDIT,
        what="tildel koordinatoransvar",
        rule=access.role_only(
            Role.COORDINATING_UNIT, _("Bare koordinerende enhet tildeler koordinatoransvar.")
        ),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.AssignForm(request.POST, municipality_id=d.application.person.municipality_id)
    created = {}

    def save():
        created["a"] = services.assign_coordinator_unit(
            decision=d,
            unit=form.cleaned_data["unit"],
            wishes=form.cleaned_data["wishes"],
            assigned_on=form.cleaned_data["assigned_on"],
        )

    if form.is_valid() and _save(form, save):
        routine = naming_routine(d.application.person.municipality_id)
        messages.success(
            request,
            _("Koordinatoransvaret er tildelt. Enhetens leder har %(days)s dager på seg (%(r)s).")
            % {"days": routine.days, "r": routine.name}
            if routine
            else _("Koordinatoransvaret er tildelt."),
        )
        return redirect("intake:request", created["a"].pk)
    return _decision_page(request, d, status=400, assign_form=form)


# --- Coordinator requests (hol §§ 7-2, 7-3) -------------------------------------------


def _request_page(request, assignment, status=200, **forms_):
    today = timezone.localdate()
    user = request.user
    routine = naming_routine(assignment.person.municipality_id)
    days = routine.days if routine else None
    context = {
        "assignment": assignment,
        "person": assignment.person,
        "routine": routine,
        "state": rules.naming_state(assignment.assigned_on, assignment.named_on, today, days=days),
        "deadline": rules.naming_deadline(assignment.assigned_on, days)
        if assignment.assigned_on
        else None,
        "decision": getattr(assignment, "intake_decision", None),
        "can_name": access.can_name_coordinator(user, assignment)
        and assignment.coordinator_id is None,
        "is_ke": access.has_role(user, Role.COORDINATING_UNIT),
        "name_form": forms.NameCoordinatorForm(
            candidates=services.coordinator_candidates(
                municipality_id=assignment.person.municipality_id
            ),
            warn_above=caseload_warning(assignment.person.municipality_id),
            initial={"named_on": today},
        ),
        "letter_form": forms.LetterSentForm(initial={"day": today}),
        "received_form": forms.DayForm(initial={"day": today}),
        **forms_,
    }
    return render(request, "intake/request.html", context, status=status)


@login_required
def coordinator_request(request, request_id):
    assignment = access.assignment_for(request, request_id)
    return _request_page(request, assignment)


@login_required
def name_coordinator(request, request_id):
    assignment = access.assignment_for(
        request,
        request_id,
        Action.EDIT,
        what="oppnevn koordinator",
        rule=lambda user, a: (
            None
            if access.can_name_coordinator(user, a)
            else _("Bare enhetens leder eller koordinerende enhet oppnevner.")
        ),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    warn_above = caseload_warning(assignment.person.municipality_id)
    form = forms.NameCoordinatorForm(
        request.POST,
        candidates=services.coordinator_candidates(
            municipality_id=assignment.person.municipality_id
        ),
        warn_above=warn_above,
    )
    if form.is_valid() and _save(
        form,
        lambda: services.name_coordinator(
            assignment=assignment,
            by=request.user,
            coordinator=form.cleaned_data["coordinator"],
            named_on=form.cleaned_data["named_on"],
        ),
    ):
        messages.success(request, _("Koordinatoren er oppnevnt."))
        chosen = form.cleaned_data["coordinator"]
        if coordination_rules.over_caseload(chosen.coordinating, warn_above):
            # A warning, not a refusal: the limit is the municipality's own.
            messages.warning(
                request,
                _(
                    "%(name)s er nå koordinator for %(n)s personer, flere enn kommunens "
                    "grense på %(limit)s."
                )
                % {
                    "name": chosen.get_full_name() or chosen.get_username(),
                    "n": chosen.coordinating + 1,
                    "limit": warn_above,
                },
            )
        return redirect("intake:request", assignment.pk)
    return _request_page(request, assignment, status=400, name_form=form)


@login_required
def coordinator_letter_sent(request, request_id):
    assignment = access.assignment_for(
        request,
        request_id,
        Action.EDIT,
        what="koordinatorbrev",
        rule=access.role_only(Role.COORDINATING_UNIT, _("Bare koordinerende enhet sender brevet.")),
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.DayForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.mark_coordinator_letter_sent(
            assignment=assignment, day=form.cleaned_data["day"]
        ),
    ):
        messages.success(request, _("Det er registrert at brevet er sendt."))
        return redirect("intake:request", assignment.pk)
    return _request_page(request, assignment, status=400, letter_form=form)


@login_required
def coordinator_letter(request, request_id):
    assignment = access.assignment_for(request, request_id, Action.PRINT, what="koordinatorbrev")
    if assignment.coordinator_id is None:
        raise Http404(_("Koordinatoren er ikke oppnevnt ennå."))
    return letters.pdf_response(
        "coordinator",
        {"assignment": assignment, "person": assignment.person},
        "koordinator",
    )


# --- KE: coordinators and their training ----------------------------------------------


def _ke_only(request):
    if not access.has_role(request.user, Role.COORDINATING_UNIT):
        raise PermissionDenied(_("Siden er for koordinerende enhet."))


@login_required
def coordinators(request):
    _ke_only(request)
    return render(
        request,
        "intake/coordinators.html",
        {
            "rows": services.coordinator_overview(
                municipality_id=access.municipality_id(request.user)
            )
        },
    )


@login_required
def training(request, staff_id):
    _ke_only(request)
    member = get_object_or_404(
        StaffMember.objects.select_related("user"),
        pk=staff_id,
        municipality_id=access.municipality_id(request.user),
    )
    form = forms.TrainingForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Opplæringsdatoen er lagret."))
        return redirect("intake:coordinators")
    return render(
        request,
        "intake/training.html",
        {"member": member, "form": form},
        status=400 if form.errors else 200,
    )


# --- Statistics --------------------------------------------------------------------------


@login_required
def stats(request):
    _staff_only(request)
    if not any(access.has_role(request.user, role) for role in STATS_ROLES):
        raise PermissionDenied(_("Du har ikke tilgang til statistikken."))
    since = rules.add_months(timezone.localdate().replace(day=1), -11)
    rows = services.monthly_statistics(
        municipality_id=access.municipality_id(request.user), since=since
    )
    return render(request, "intake/stats.html", {"rows": rows, "since": since})
