"""Housing pages. Thin: the gate decides access (helhet.housing.access), the
rules decide what is allowed (rules.py), services write (services.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.core.legal import appeal_route
from helhet.housing import access, forms, letters, rules, services, statistics
from helhet.housing.models import (
    ALLOCATION_DECISION,
    EMERGENCY_DECISION,
    AllocationCriteria,
    Dwelling,
    DwellingType,
    EarmarkNotice,
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    HousingRoutineVersion,
    Offer,
)
from helhet.intake.rules import add_months
from helhet.intake.services import find_or_create_person
from helhet.organisation.models import Membership, Role, Unit

HOUSING_ROLES = {Role.CASEWORKER, Role.LEADER}
NAV_ROLES = {Role.NAV_ADVISER, Role.CASEWORKER, Role.LEADER}
STATS_ROLES = HOUSING_ROLES | NAV_ROLES | {Role.SECTOR_HEAD, Role.QUALITY, Role.AUDITOR}
Status = HousingApplication.Status


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Siden er for ansatte i kommunen."))
    return staff


def _units(user, kind, roles) -> list[Unit]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    return [
        m.unit
        for m in staff.memberships.select_related("unit")
        if m.unit.kind == kind and m.role in roles
    ]


def _housing_units(request) -> list[Unit]:
    _staff(request)
    return _units(request.user, Unit.Kind.HOUSING, HOUSING_ROLES)


def _require_housing(request) -> list[Unit]:
    units = _housing_units(request)
    if not units:
        raise PermissionDenied(_("Bare boligkontoret kan gjøre dette."))
    return units


def _nav_units(request) -> list[Unit]:
    _staff(request)
    return _units(request.user, Unit.Kind.NAV, NAV_ROLES)


def _save(form, action) -> bool:
    """Run a service; its ValidationError becomes form errors and nothing is saved."""
    try:
        action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for item in errors:
                    form.add_error(target, item)
        else:
            form.add_error(None, error)
        return False
    return True


# --- Overview -------------------------------------------------------------------


@login_required
def index(request):
    staff = _staff(request)
    today = timezone.localdate()
    dwellings = Dwelling.objects.filter(municipality=staff.municipality)
    counts = {
        (row["kind"], row["state"]): row["n"]
        for row in dwellings.values("kind", "state").annotate(n=Count("pk"))
    }
    stock = [
        {
            "kind": label,
            "code": code,
            "states": [counts.get((code, s), 0) for s in Dwelling.State.values],
        }
        for code, label in DwellingType.choices
    ]
    unit_ids = [u.pk for u in _housing_units(request) + _nav_units(request)]
    notices = EarmarkNotice.objects.filter(unit_id__in=gate.case_unit_ids(request.user))[:20]
    return render(
        request,
        "housing/index.html",
        {
            "stock": stock,
            "states": Dwelling.State.choices,
            "total": dwellings.count(),
            "notices": notices,
            "alerts": _stay_rows(request, today, only_alerts=True) if unit_ids else [],
            "is_housing": bool(_housing_units(request)),
            "is_nav": bool(_nav_units(request)),
        },
    )


# --- Dwellings (no person data: the tenant is not shown here) ----------------------


@login_required
def dwellings(request):
    staff = _staff(request)
    found = Dwelling.objects.filter(municipality=staff.municipality).select_related("earmark_unit")
    kind = request.GET.get("type", "")
    state = request.GET.get("status", "")
    if kind in DwellingType.values:
        found = found.filter(kind=kind)
    if state in Dwelling.State.values:
        found = found.filter(state=state)
    if request.GET.get("oremerket") == "1":
        found = found.exclude(earmarked_for="")
    return render(
        request,
        "housing/dwellings.html",
        {
            "dwellings": found[:500],
            "count": found.count(),
            "kinds": DwellingType.choices,
            "states": Dwelling.State.choices,
            "kind": kind,
            "state": state,
            "may_edit": bool(_housing_units(request)),
        },
    )


def _dwelling_form(request, instance=None):
    staff = _staff(request)
    _require_housing(request)
    form = forms.DwellingForm(
        request.POST or None, instance=instance, municipality=staff.municipality
    )
    if request.method == "POST" and form.is_valid():
        dwelling = form.save(commit=False)
        dwelling.municipality = staff.municipality
        dwelling.save()
        messages.success(request, _("Boligen er lagret."))
        return redirect("housing:dwellings")
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Ny bolig") if instance is None else str(instance)},
        status=400 if form.errors else 200,
    )


@login_required
def dwelling_new(request):
    return _dwelling_form(request)


@login_required
def dwelling(request, dwelling_id):
    staff = _staff(request)
    found = get_object_or_404(Dwelling, pk=dwelling_id, municipality=staff.municipality)
    return _dwelling_form(request, found)


# --- Written allocation criteria -------------------------------------------------


@login_required
def criteria_list(request):
    staff = _staff(request)
    rows = []
    by_kind = {
        c.kind: c
        for c in AllocationCriteria.objects.filter(
            municipality=staff.municipality
        ).prefetch_related("versions")
    }
    for code, label in DwellingType.choices:
        criteria = by_kind.get(code)
        rows.append(
            {"kind": label, "criteria": criteria, "version": criteria and criteria.current()}
        )
    return render(
        request,
        "housing/criteria_list.html",
        {"rows": rows, "may_edit": bool(_housing_units(request))},
    )


@login_required
def criteria_new(request):
    staff = _staff(request)
    _require_housing(request)
    initial = {"kind": request.GET.get("type", "")}
    form = forms.CriteriaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = services.add_criteria_version(
            user=request.user, municipality_id=staff.municipality_id, **form.cleaned_data
        )
        messages.success(request, _("Versjon %(n)d er lagret.") % {"n": version.number})
        return redirect("housing:criteria", criteria_id=version.criteria_id)
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Nye tildelingskriterier eller ny versjon")},
        status=400 if form.errors else 200,
    )


@login_required
def criteria(request, criteria_id):
    staff = _staff(request)
    found = get_object_or_404(AllocationCriteria, pk=criteria_id, municipality=staff.municipality)
    return render(
        request,
        "housing/criteria.html",
        {"criteria": found, "versions": found.versions.select_related("created_by")},
    )


# --- Applications and the waiting list --------------------------------------------


@login_required
def waiting_list(request):
    staff = _staff(request)
    today = timezone.localdate()
    kind = request.GET.get("type", DwellingType.RENTAL)
    if kind not in DwellingType.values:
        kind = DwellingType.RENTAL
    order = services.waiting_list(municipality_id=staff.municipality_id, kind=kind, today=today)
    visible = gate.accessible_persons(request.user)
    applications = {
        a.pk: a
        for a in access.readable(
            request.user,
            HousingApplication.objects.filter(
                pk__in=[p.id for p in order], person__in=visible
            ).select_related("person"),
        )
    }
    rows = [{"position": p, "application": applications.get(p.id)} for p in order]
    gate.log_many(
        request.user,
        [a.person for a in applications.values()],
        Action.VIEW,
        what="venteliste for bolig",
        category=Category.SOCIAL,
    )
    others = access.readable(
        request.user,
        HousingApplication.objects.filter(person__in=visible)
        .exclude(status__in=[Status.WAITING, Status.HOUSED, Status.REFUSED, Status.WITHDRAWN])
        .select_related("person")[:200],
    )
    gate.log_many(
        request.user,
        [a.person for a in others],
        Action.VIEW,
        what="boligsøknader",
        category=Category.SOCIAL,
    )
    return render(
        request,
        "housing/waiting_list.html",
        {
            "rows": rows,
            "kind": kind,
            "kinds": DwellingType.choices,
            "others": others,
            "may_register": bool(_housing_units(request)),
        },
    )


def _find_person(request, form):
    data = form.cleaned_data
    found = {}

    def find():
        found["person"] = find_or_create_person(
            municipality_id=request.user.staff.municipality_id,
            national_id=data["national_id"],
            given_name=data["given_name"],
            family_name=data["family_name"],
        )

    if not _save(form, find):
        return None
    return found["person"]


@login_required
def register(request):
    """The housing office registers an application; another unit with a
    relation to the person (e.g. the coordinator after a mapping) sends one to
    the housing office in one step, for a person the gate lets it reach."""
    staff = _staff(request)
    units = _housing_units(request)
    office = (
        units[0]
        if units
        else Unit.objects.filter(
            municipality_id=staff.municipality_id, kind=Unit.Kind.HOUSING
        ).first()
    )
    if office is None or not (units or gate.has_case_role(request.user)):
        raise PermissionDenied(_("Du kan ikke registrere boligsøknader."))
    initial = {"received_on": timezone.localdate()}
    # One step from a housing need in the mapping or the plan: the person is
    # read through the gate (logged) and their number filled in.
    source = request.GET.get("fra", "")
    if request.GET.get("person") and source in HousingApplication.Source.values:
        person = gate.person_for(
            request,
            request.GET["person"],
            Action.VIEW,
            category=gate.BASIC,
            what="boligsøknad: forslag",
        )
        initial.update(
            national_id=person.national_id,
            given_name=person.given_name,
            family_name=person.family_name,
            source=source,
        )
    form = forms.ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if units:
            person = _find_person(request, form)
        else:
            person = (
                gate.accessible_persons(request.user)
                .filter(national_id=data["national_id"].strip())
                .first()
            )
            if person is None:
                form.add_error(
                    "national_id",
                    _("Fant ingen person du har tjenstlig relasjon til med dette nummeret."),
                )
        if person is not None:
            gate.check(
                request.user,
                person,
                Action.EDIT,
                category=gate.BASIC,
                what="boligsøknad registrert",
            )
            application = services.register_application(
                person=person,
                unit_id=office.pk,
                kind=data["kind"],
                need=data["need"],
                received_on=data["received_on"],
                channel=HousingApplication.Channel.STAFF,
                source=data["source"],
                registered_by=request.user,
            )
            messages.success(
                request, _("Søknaden er registrert hos %(unit)s.") % {"unit": office.name}
            )
            if units:
                return redirect("housing:application", application_id=application.pk)
            return redirect("housing:index")
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Registrer søknad om bolig")},
        status=400 if form.errors else 200,
    )


def _may_process(request, application) -> bool:
    return application.unit_id in {u.pk for u in _housing_units(request)}


def _application_page(request, application, status=200, **forms_):
    today = timezone.localdate()
    position = None
    if application.status == Status.WAITING:
        order = services.waiting_list(
            municipality_id=application.person.municipality_id, kind=application.kind, today=today
        )
        position = next((p for p in order if p.id == application.pk), None)
    decision = getattr(application, "decision", None)
    vacant = Dwelling.objects.filter(
        municipality_id=application.person.municipality_id,
        kind=application.kind,
        state=Dwelling.State.VACANT,
    )
    context = {
        "application": application,
        "person": application.person,
        "decision": decision,
        "position": position,
        "offers": application.offers.select_related("dwelling"),
        "may_process": _may_process(request, application),
        "criteria": services.current_criteria(
            municipality_id=application.person.municipality_id, kind=application.kind
        ),
        "assessment_form": forms.AssessmentForm(
            initial={"urgency": application.urgency, "group": application.group}
        ),
        "decision_form": forms.DecisionForm(),
        "preliminary_form": forms.PreliminaryForm(initial={"sent_on": today}),
        "preliminary_deadline": add_months(application.received_on, 1),
        "offer_form": forms.OfferForm(dwellings=vacant),
        "answer_form": forms.AnswerForm(initial={"answered_on": today}),
        **forms_,
    }
    return render(request, "housing/application.html", context, status=status)


@login_required
def application(request, application_id):
    found = access.application_for(request, application_id)
    return _application_page(request, found)


def _processable(request, application_id, what):
    found = access.application_for(request, application_id, Action.EDIT, what=what)
    if not _may_process(request, found):
        raise PermissionDenied(_("Bare boligkontoret søknaden er sendt til kan behandle den."))
    return found


@login_required
@require_POST
def assess(request, application_id):
    found = _processable(request, application_id, "boligsøknad: vurdering")
    form = forms.AssessmentForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.assess(application=found, day=timezone.localdate(), **form.cleaned_data),
    ):
        messages.success(request, _("Vurderingen er lagret."))
        return redirect("housing:application", application_id=found.pk)
    return _application_page(request, found, 400, assessment_form=form)


@login_required
@require_POST
def preliminary(request, application_id):
    found = _processable(request, application_id, "boligsøknad: foreløpig svar")
    form = forms.PreliminaryForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.preliminary_answer(
            application=found,
            sent_on=form.cleaned_data["sent_on"],
            reason=form.cleaned_data["reason"],
            today=timezone.localdate(),
        ),
    ):
        messages.success(request, _("Foreløpig svar er registrert."))
        return redirect("housing:application", application_id=found.pk)
    return _application_page(request, found, 400, preliminary_form=form)


@login_required
@require_POST
def decide(request, application_id):
    found = _processable(request, application_id, "boligsøknad: vedtak")
    form = forms.DecisionForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.decide(
            application=found, user=request.user, day=timezone.localdate(), **form.cleaned_data
        ),
    ):
        messages.success(request, _("Vedtaket er fattet."))
        return redirect("housing:application", application_id=found.pk)
    return _application_page(request, found, 400, decision_form=form)


@login_required
def decision_letter(request, application_id):
    """The decision as a letter: grant or refusal, reasons, the criteria
    applied and the appeal route it printed."""
    found = access.application_for(request, application_id, Action.PRINT, what="boligvedtak: brev")
    decision = getattr(found, "decision", None)
    if decision is None:
        raise Http404(_("Søknaden har ikke noe vedtak ennå."))
    return letters.pdf_response(
        "decision",
        {"decision": decision, "application": found, "granted": decision.is_granted},
        unit=found.unit,
        person=found.person,
        decision_type=ALLOCATION_DECISION,
    )


@login_required
@require_POST
def make_offer(request, application_id):
    found = _processable(request, application_id, "boligsøknad: tilbud")
    vacant = Dwelling.objects.filter(
        municipality_id=found.person.municipality_id, state=Dwelling.State.VACANT
    )
    form = forms.OfferForm(request.POST, dwellings=vacant)
    if form.is_valid() and _save(
        form,
        lambda: services.offer(
            application=found, user=request.user, day=timezone.localdate(), **form.cleaned_data
        ),
    ):
        messages.success(request, _("Tilbudet er registrert."))
        return redirect("housing:application", application_id=found.pk)
    return _application_page(request, found, 400, offer_form=form)


@login_required
@require_POST
def answer(request, offer_id):
    offer = access.offer_for(request, offer_id, Action.EDIT, what="botilbud: svar")
    found = offer.application
    if not _may_process(request, found):
        raise PermissionDenied(_("Bare boligkontoret søknaden er sendt til kan behandle den."))
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _save(
            form,
            lambda: services.answer(
                offer=offer,
                accepted=data["answer"] == Offer.Answer.ACCEPTED,
                day=data["answered_on"],
                refusal_reason=data["refusal_reason"],
                refusal_note=data["refusal_note"],
                contract_start=data["contract_start"],
            ),
        ):
            messages.success(request, _("Svaret er registrert."))
            return redirect("housing:application", application_id=found.pk)
    return _application_page(request, found, 400, answer_form=form)


@login_required
def apply(request):
    """The person applies on Min side (their own data: the gate's ``egen``)."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("Siden er for innbyggere som søker selv."))
    office = Unit.objects.filter(
        municipality_id=person.municipality_id, kind=Unit.Kind.HOUSING
    ).first()
    if office is None:
        raise Http404(_("Kommunen tar ikke imot boligsøknader her. Kontakt kommunen."))
    form = forms.OwnApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_application(
            person=person,
            unit_id=office.pk,
            received_on=timezone.localdate(),
            channel=HousingApplication.Channel.PORTAL,
            **form.cleaned_data,
        )
        messages.success(request, _("Søknaden er sendt til %(unit)s.") % {"unit": office.name})
        return redirect("housing:apply")
    own = person.housing_applications.select_related("decision")
    return render(
        request,
        "housing/apply.html",
        {"form": form, "applications": own},
        status=400 if form.errors else 200,
    )


# --- Emergency housing (sotjl. § 27) ------------------------------------------------


def _stay_rows(request, today, only_alerts=False):
    staff = _staff(request)
    routine = services.stay_limit(municipality_id=staff.municipality_id)
    limit = routine.emergency_stay_days if routine else None
    stays = access.readable(
        request.user,
        EmergencyStay.objects.filter(person__in=gate.accessible_persons(request.user))
        .select_related("person", "unit", "application")
        .order_by("ended_on", "-started_on")[:300],
    )
    rows = []
    for stay in stays:
        state = rules.stay_state(
            started_on=stay.started_on,
            ended_on=stay.ended_on,
            today=today,
            place=stay.place,
            limit_days=limit,
        )
        missing = rules.follow_up_missing(
            over_limit=state.over_limit,
            follow_up=stay.follow_up,
            has_application=stay.application_id is not None,
        )
        if only_alerts and not (state.over_limit and stay.ended_on is None):
            continue
        rows.append({"stay": stay, "state": state, "missing": missing})
    gate.log_many(
        request.user,
        [r["stay"].person for r in rows],
        Action.VIEW,
        what="midlertidige botilbud",
        category=Category.SOCIAL,
    )
    return rows


@login_required
def stays(request):
    staff = _staff(request)
    today = timezone.localdate()
    refusals = access.readable(
        request.user,
        EmergencyRefusal.objects.filter(person__in=gate.accessible_persons(request.user))
        .select_related("person")
        .order_by("-decided_on", "-pk")[:100],
    )
    gate.log_many(
        request.user,
        [r.person for r in refusals],
        Action.VIEW,
        what="avslag på midlertidig botilbud",
        category=Category.SOCIAL,
    )
    return render(
        request,
        "housing/stays.html",
        {
            "rows": _stay_rows(request, today),
            "refusals": refusals,
            "routine": services.stay_limit(municipality_id=staff.municipality_id),
            "may_register": bool(_nav_units(request)),
        },
    )


@login_required
def stay_new(request):
    units = _nav_units(request)
    if not units:
        raise PermissionDenied(_("Bare NAV-kontoret registrerer midlertidig botilbud."))
    today = timezone.localdate()
    form = forms.StayForm(request.POST or None, initial={"decided_on": today, "started_on": today})
    if request.method == "POST" and form.is_valid():
        person = _find_person(request, form)
        if person is not None:
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("national_id", "given_name", "family_name")
            }
            stay = services.register_stay(
                person=person, unit_id=units[0].pk, user=request.user, **data
            )
            gate.check(
                request.user,
                person,
                Action.EDIT,
                category=Category.SOCIAL,
                what="midlertidig botilbud registrert",
                owner_unit=stay.unit_id,
            )
            messages.success(request, _("Oppholdet er registrert."))
            return redirect("housing:stay", stay_id=stay.pk)
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Registrer midlertidig botilbud (sosialtjenesteloven § 27)")},
        status=400 if form.errors else 200,
    )


def _stay_page(request, stay, status=200, form=None):
    routine = services.stay_limit(municipality_id=stay.person.municipality_id)
    state = rules.stay_state(
        started_on=stay.started_on,
        ended_on=stay.ended_on,
        today=timezone.localdate(),
        place=stay.place,
        limit_days=routine.emergency_stay_days if routine else None,
    )
    return render(
        request,
        "housing/stay.html",
        {
            "stay": stay,
            "person": stay.person,
            "state": state,
            "routine": routine,
            "form": form or forms.FollowUpForm(initial={"follow_up": stay.follow_up}),
            "may_edit": stay.unit_id in {u.pk for u in _nav_units(request)},
            "route": appeal_route(EMERGENCY_DECISION),
        },
        status=status,
    )


@login_required
def stay(request, stay_id):
    if request.method == "POST":
        found = access.stay_for(
            request, stay_id, Action.EDIT, what="midlertidig botilbud: oppfølging"
        )
        if found.unit_id not in {u.pk for u in _nav_units(request)}:
            raise PermissionDenied(_("Bare NAV-kontoret som har saken kan følge den opp."))
        form = forms.FollowUpForm(request.POST)
        if form.is_valid() and _save(
            form,
            lambda: services.follow_up_stay(
                stay=found, day=timezone.localdate(), **form.cleaned_data
            ),
        ):
            messages.success(request, _("Oppfølgingen er lagret."))
            return redirect("housing:stay", stay_id=found.pk)
        return _stay_page(request, found, 400, form)
    found = access.stay_for(request, stay_id)
    return _stay_page(request, found)


@login_required
def stay_letter(request, stay_id):
    found = access.stay_for(request, stay_id, Action.PRINT, what="midlertidig botilbud: brev")
    return letters.pdf_response(
        "stay",
        {"stay": found},
        unit=found.unit,
        person=found.person,
        decision_type=EMERGENCY_DECISION,
    )


@login_required
def refusal_new(request):
    """A refusal of temporary housing is a decision the NAV office writes,
    with reasons and the appeal route (sotjl. § 27, § 48; fvl. §§ 24–29)."""
    units = _nav_units(request)
    if not units:
        raise PermissionDenied(_("Bare NAV-kontoret fatter vedtak om midlertidig botilbud."))
    today = timezone.localdate()
    form = forms.RefusalForm(request.POST or None, initial={"asked_on": today})
    if request.method == "POST" and form.is_valid():
        person = _find_person(request, form)
        if person is not None:
            data = form.cleaned_data
            created = {}
            if _save(
                form,
                lambda: created.update(
                    refusal=services.refuse_emergency(
                        person=person,
                        unit_id=units[0].pk,
                        user=request.user,
                        asked_on=data["asked_on"],
                        reasons=data["reasons"],
                        other_help=data["other_help"],
                        day=today,
                    )
                ),
            ):
                gate.check(
                    request.user,
                    person,
                    Action.EDIT,
                    category=Category.SOCIAL,
                    what="avslag på midlertidig botilbud registrert",
                    owner_unit=units[0].pk,
                )
                messages.success(request, _("Avslaget er registrert som vedtak."))
                return redirect("housing:refusal", refusal_id=created["refusal"].pk)
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Avslag på midlertidig botilbud (sosialtjenesteloven § 27)")},
        status=400 if form.errors else 200,
    )


@login_required
def refusal(request, refusal_id):
    found = access.refusal_for(request, refusal_id)
    return render(
        request,
        "housing/refusal.html",
        {"refusal": found, "person": found.person, "route": appeal_route(EMERGENCY_DECISION)},
    )


@login_required
def refusal_letter(request, refusal_id):
    found = access.refusal_for(
        request, refusal_id, Action.PRINT, what="avslag på midlertidig botilbud: brev"
    )
    return letters.pdf_response(
        "refusal",
        {"refusal": found},
        unit=found.unit,
        person=found.person,
        decision_type=EMERGENCY_DECISION,
    )


# --- The municipality's own housing routine (data, never law) -------------------


def _may_set_routine(staff) -> bool:
    # The head of the housing office or of the NAV office keeps the routine.
    return (
        Membership.objects.confirmed()
        .filter(staff=staff, role=Role.LEADER, unit__kind__in=[Unit.Kind.HOUSING, Unit.Kind.NAV])
        .exists()
    )


@login_required
def routines(request):
    """The municipality's own limit for a stay in emergency housing. sotjl.
    § 27 sets no number of days; a limit here is the municipality's routine,
    shown by its own name, and every change is kept as a version."""
    staff = _staff(request)
    roles = {m.role for m in staff.memberships.all()}
    may_edit = _may_set_routine(staff)
    if not (may_edit or roles & STATS_ROLES):
        raise PermissionDenied(_("Siden er for boligkontoret, NAV, ledere og revisjon."))
    routine = services.stay_limit(municipality_id=staff.municipality_id)
    initial = (
        {
            "days": routine.emergency_stay_days,
            "name": routine.name,
            "adopted_on": routine.adopted_on,
        }
        if routine
        else {}
    )
    form = forms.RoutineForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(
                _("Bare leder for boligkontoret eller NAV-kontoret kan endre rutinen.")
            )
        if form.is_valid() and _save(
            form,
            lambda: services.save_routine(
                municipality_id=staff.municipality_id, by=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, _("Kommunens rutine er lagret."))
            return redirect("housing:routines")
    return render(
        request,
        "housing/routines.html",
        {
            "form": form,
            "routine": routine,
            "may_edit": may_edit,
            "versions": HousingRoutineVersion.objects.filter(
                municipality_id=staff.municipality_id
            ).select_related("changed_by")[:50],
        },
        status=400 if form.errors else 200,
    )


# --- Notices and statistics (no person data) --------------------------------------


@login_required
def notices(request):
    _staff(request)
    found = EarmarkNotice.objects.filter(
        unit_id__in=gate.case_unit_ids(request.user)
    ).select_related("unit", "offer__dwelling")
    return render(request, "housing/notices.html", {"notices": found[:200]})


@login_required
def stats(request):
    staff = _staff(request)
    roles = {m.role for m in staff.memberships.all()}
    if not roles & STATS_ROLES:
        raise PermissionDenied(_("Statistikken er for boligkontoret, NAV, ledere og revisjon."))
    return render(
        request,
        "housing/statistics.html",
        {"report": statistics.report(staff.municipality_id, timezone.localdate())},
    )
