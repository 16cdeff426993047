"""Pages of needs mapping. Person pages go through the access gate (category
"kartlegging"); statistics and rounds are aggregates for the municipality's
planners (see ``mapping.access``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.access import gate
from helhet.access.models import Action
from helhet.mapping import access, charts, exports, forms, rules, services, statistics
from helhet.mapping.models import Domain, Level, Mapping, MappingRound
from helhet.plans import access as plan_access


def _action(request) -> str:
    return Action.EDIT if request.method == "POST" else Action.VIEW


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
def index(request):
    user = request.user
    # The last mapping the history page would show: the user's own units', or
    # any unit's where the person's consent opens "kartlegging" (gate rule 2).
    visible = Q(unit_id__in=gate.case_unit_ids(user)) | Q(
        person__in=gate.accessible_persons(user, category=access.CATEGORY)
    )
    latest = Mapping.objects.filter(visible, person=OuterRef("pk")).order_by("-mapped_on", "-id")
    persons = list(
        gate.accessible_persons(user)
        .annotate(last_mapped=Subquery(latest.values("mapped_on")[:1]))
        .order_by("family_name", "given_name", "pk")[:100]
    )
    mapped = [p for p in persons if p.last_mapped]
    gate.log_many(user, mapped, Action.LIST, what="kartleggingsliste", category=access.CATEGORY)
    gate.log_many(
        user,
        [p for p in persons if not p.last_mapped],
        Action.LIST,
        what="kartleggingsliste",
        category=gate.BASIC,
    )
    return render(
        request,
        "mapping/index.html",
        {
            "persons": persons,
            "can_see_statistics": access.can_see_statistics(user),
            "can_manage_rounds": access.can_manage_rounds(user),
        },
    )


# --- one person ----------------------------------------------------------------------


@login_required
def person(request, person_id: int):
    the_person = gate.person_for(
        request, person_id, Action.VIEW, category=gate.BASIC, what="kartleggingshistorikk"
    )
    mappings, left_out = access.visible_mappings(
        request.user, the_person, services.history(person=the_person), "kartleggingshistorikk"
    )
    facts = [services.facts(mapping=m) for m in mappings]
    return render(
        request,
        "mapping/person.html",
        {
            "person": the_person,
            "mappings": mappings,
            "rows": _level_table(facts),
            "charts": charts.person_domain_lines(facts),
            "can_map": bool(access.mapping_units(request.user)),
            "left_out": left_out,
        },
    )


def _level_table(facts) -> list[dict]:
    """The chart's text alternative: the level per domain at each mapping."""
    return [
        {
            "label": label,
            "levels": [
                (f.levels.get(domain, Level.UNKNOWN), Level(f.levels.get(domain, 0)).label)
                for f in facts
            ],
            "change": rules.Change.LABELS[rules.change(*_ends(facts, domain))]
            if len(facts) > 1
            else "",
        }
        for domain, label in Domain.choices
    ]


def _ends(facts, domain):
    return facts[0].levels.get(domain), facts[-1].levels.get(domain)


@login_required
def new_mapping(request, person_id: int):
    units = access.mapping_units(request.user)
    chosen = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
    # The gate first, so every attempt is decided and logged; then the unit.
    the_person = access.person_for_mapping(
        request, person_id, _action(request), "ny kartlegging", unit=chosen
    )
    if not units:
        raise PermissionDenied(_("Du er ikke knyttet til en enhet som kan kartlegge."))
    form = forms.MappingForm(
        request.POST or None,
        units=units,
        initial={"services_received": services.services_received(person=the_person)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.create_mapping(
                user=request.user,
                person=the_person,
                today=timezone.localdate(),
                **form.service_arguments(),
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Kartleggingen er lagret."))
            return redirect("mapping:detail", mapping_id=mapping.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "mapping/form.html", {"person": the_person, "form": form}, status=status)


@login_required
def detail(request, mapping_id: int):
    mapping = access.mapping_for(request, mapping_id, Action.VIEW, what="kartlegging")
    return _detail_page(request, mapping)


def _detail_page(request, mapping, referral_form=None, status=200):
    mapping = services.with_content(mapping=mapping)
    screenings = {s.instrument: (s, rules.RESULTS.get(s.result)) for s in mapping.screenings.all()}
    context = {
        "mapping": mapping,
        "person": mapping.person,
        "scores": mapping.scores.all(),
        "screenings": [
            (instrument, screenings.get(instrument.code))
            for instrument in rules.INSTRUMENTS.values()
        ],
        "referral_form": referral_form
        or forms.ReferralForm(municipality_id=mapping.person.municipality_id),
        "open_plan": mapping.person.plans.open().first(),
    }
    return render(request, "mapping/detail.html", context, status=status)


@login_required
@require_POST
def refer(request, mapping_id: int):
    mapping = access.mapping_for(request, mapping_id, Action.EDIT, what="henvisning")
    form = forms.ReferralForm(request.POST, municipality_id=mapping.person.municipality_id)
    if form.is_valid():
        try:
            services.refer(
                user=request.user,
                mapping=mapping,
                unit=form.cleaned_data["unit"],
                need=form.cleaned_data["need"],
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Behovet er sendt til %(unit)s.") % {"unit": form.cleaned_data["unit"]},
            )
            return redirect("mapping:detail", mapping_id=mapping.pk)
    return _detail_page(request, mapping, referral_form=form, status=400)


@login_required
@require_POST
def request_plan(request, mapping_id: int):
    mapping = access.mapping_for(request, mapping_id, Action.EDIT, what="be om individuell plan")
    try:
        plan = services.request_plan(user=request.user, mapping=mapping, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("mapping:detail", mapping_id=mapping.pk)
    messages.success(request, _("Individuell plan er tilbudt."))
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
def screening(request, mapping_id: int, instrument: str):
    if instrument not in rules.INSTRUMENTS:
        raise Http404(_("Ukjent screeningverktøy."))
    mapping = access.mapping_for(request, mapping_id, _action(request), what=instrument.upper())
    chosen = rules.INSTRUMENTS[instrument]
    existing = mapping.screenings.filter(instrument=instrument).first()
    initial = {f"item_{n}": a for n, a in enumerate(existing.answers, 1)} if existing else None
    form = forms.ScreeningForm(request.POST or None, instrument=chosen, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_screening(
                user=request.user, mapping=mapping, code=instrument, answers=form.answers()
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("%(name)s er lagret.") % {"name": chosen.name})
            return redirect("mapping:detail", mapping_id=mapping.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mapping/screening.html",
        {"mapping": mapping, "person": mapping.person, "form": form, "instrument": chosen},
        status=status,
    )


@login_required
def plan_evaluation(request, plan_id: int):
    plan = plan_access.plan_for(request, plan_id, _action(request), what="planevaluering")
    goals = list(plan.goals.select_related("mapping_domain").order_by("position", "id"))
    form = forms.GoalDomainForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        services.set_goal_domains(plan=plan, chosen=form.chosen())
        messages.success(request, _("Livsområdene for målene er lagret."))
        return redirect("mapping:plan_evaluation", plan_id=plan.pk)
    mappings, left_out = access.visible_mappings(
        request.user, plan.person, services.history(person=plan.person), "planevaluering"
    )
    evaluation = services.plan_evaluation(plan=plan, mappings=mappings)
    evaluation["left_out"] = left_out
    return render(
        request,
        "mapping/plan_evaluation.html",
        {
            "plan": plan,
            "form": form,
            "evaluation": evaluation,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- statistics ------------------------------------------------------------------


@login_required
def statistics_page(request):
    municipality_id = access.statistics_municipality(request.user)
    result = statistics.selection(municipality_id, request.GET)
    status = 400 if result["errors"] else 200
    return render(request, "mapping/statistics.html", result, status=status)


@login_required
def statistics_export(request, fmt: str):
    municipality_id = access.statistics_municipality(request.user)
    result = statistics.selection(municipality_id, request.GET)
    if result["errors"] or result["report"] is None:
        return render(request, "mapping/export_error.html", result, status=400)
    filename = f"kartlegging-{result['report'].year}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- rounds -------------------------------------------------------------------------


def _round(request, round_id) -> MappingRound:
    municipality_id = access.statistics_municipality(request.user)
    return get_object_or_404(MappingRound, pk=round_id, municipality_id=municipality_id)


@login_required
def rounds(request):
    municipality_id = access.statistics_municipality(request.user)
    return render(
        request,
        "mapping/rounds.html",
        {
            "rounds": services.rounds(municipality_id=municipality_id),
            "can_manage": access.can_manage_rounds(request.user),
        },
    )


@login_required
def new_round(request):
    municipality_id = access.require_round_manager(request.user)
    form = forms.RoundForm(request.POST or None, municipality_id=municipality_id)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.open_round(
                user=request.user, municipality_id=municipality_id, **form.cleaned_data
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Kartleggingsrunden er åpnet."))
            return redirect("mapping:round", round_id=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "mapping/round_form.html", {"form": form}, status=status)


@login_required
def round_detail(request, round_id: int):
    the_round = _round(request, round_id)
    return render(
        request,
        "mapping/round.html",
        {
            "round": the_round,
            "progress": services.round_progress(mapping_round=the_round),
            "can_manage": access.can_manage_rounds(request.user),
        },
    )


@login_required
@require_POST
def close_round(request, round_id: int):
    access.require_round_manager(request.user)
    the_round = _round(request, round_id)
    try:
        services.close_round(user=request.user, mapping_round=the_round, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, _("Runden er avsluttet."))
    return redirect("mapping:round", round_id=the_round.pk)
