from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from helhet.access import gate, roles
from helhet.access.models import Action
from helhet.consent import forms, privileged, rules, services
from helhet.consent.models import Category, Consent
from helhet.core import pdf
from helhet.plans.models import OPEN_STATUSES


def _consent_for(request, consent_id, action, what) -> Consent:
    person = gate.person_for_kwarg(
        request, "consent_id", consent_id, action, category=gate.BASIC, what=what
    )
    consent = Consent.objects.prefetch_related("scopes__unit", "scopes__partner").get(pk=consent_id)
    consent.person = person
    return consent


def _require_staff(request) -> None:
    if getattr(request.user, "staff", None) is None:
        raise PermissionDenied(
            _("Samtykkeskjema registreres av en ansatt. Du kan selv trekke samtykker tilbake.")
        )


def _refusal(refused: privileged.Refused) -> PermissionDenied:
    """A privileged act the gate refused: logged (flagged) and answered 403."""
    refused.log()
    return PermissionDenied(
        _("Du har ikke tilgang til denne personen: %(reason)s")
        % {"reason": refused.decision.detail}
    )


def _grid(person, selected: set[str]):
    units, partners = services.parties(municipality_id=person.municipality_id)
    rows = [(u, "u") for u in units] + [(p, "p") for p in partners]
    return {
        "categories": Category.choices,
        "rows": [
            {
                "party": party,
                "kind": kind,
                "cells": [
                    {
                        "key": f"{kind}:{party.pk}:{c}",
                        "label": label,
                        "checked": f"{kind}:{party.pk}:{c}" in selected,
                    }
                    for c, label in Category.choices
                ],
            }
            for party, kind in rows
        ],
    }, services.all_scopes(units=units, partners=partners)


@login_required
def person_consents(request, person_id: int):
    person = gate.person_for(request, person_id, Action.VIEW, category=gate.BASIC, what="samtykker")
    consents = (
        person.consents.select_related("registered_by", "noted_by", "renews")
        .prefetch_related("scopes__unit", "scopes__partner")
        .order_by("-valid_from", "-id")
    )
    events = person.consent_events.exclude(kind="avslatt").select_related("consent")[:100]
    return render(
        request,
        "consent/person.html",
        {
            "person": person,
            "consents": consents,
            "events": events,
            "is_staff": getattr(request.user, "staff", None) is not None,
        },
    )


@login_required
def create(request, person_id: int, renew_from: Consent | None = None):
    """Staff register a consent given on a signed paper form or orally. The
    form is shown to whoever may see the person; registering it is the gate's
    privileged act (Action.REGISTER_CONSENT), flagged and told to the person."""
    writing = request.method == "POST"
    what = "samtykke: fornyelse" if renew_from else "samtykke: nytt"
    person = gate.person_for(request, person_id, Action.VIEW, category=gate.BASIC, what=what)
    _require_staff(request)
    selected = {s.key for s in services.scopes_of(consent=renew_from)} if renew_from else set()
    initial = forms.initial_from(renew_from, timezone.localdate()) if renew_from else {}
    grid, offered = _grid(person, selected)
    form = forms.ConsentForm(
        request.POST if writing else None, person=person, offered=offered, initial=initial
    )
    if writing:
        if form.person_tampered():
            gate.log(
                request.user,
                person,
                Action.EDIT,
                gate.Decision(
                    False, gate.NONE, _("Skjemaet var endret til å gjelde en annen person.")
                ),
                category=gate.BASIC,
                what="samtykke: manipulert skjema",
            )
            raise PermissionDenied(_("Skjemaet gjelder en annen person. Ingenting er lagret."))
        if form.is_valid():
            try:
                consent = privileged.register(
                    request.user,
                    person,
                    link=privileged.portal_link(request),
                    scopes=form.selected_scopes(),
                    offered=offered,
                    renews=renew_from,
                    **form.consent_fields(),
                )
            except privileged.Refused as refused:
                raise _refusal(refused) from None
            except services.ConsentRefused as error:
                form.add_error(None, str(error))
            else:
                if consent is None:
                    messages.success(request, _("Registrert at personen ikke samtykker."))
                    return redirect("consent:person", person_id=person.pk)
                messages.success(request, _("Samtykket er registrert."))
                return redirect("consent:detail", consent_id=consent.pk)
        grid, _offered = _grid(person, set(request.POST.getlist("scope")))
    return render(
        request,
        "consent/form.html",
        {"person": person, "form": form, "grid": grid, "renew_from": renew_from},
        status=400 if writing else 200,
    )


@login_required
def renew(request, consent_id: int):
    person_id = Consent.objects.filter(pk=consent_id).values_list("person_id", flat=True).first()
    if person_id is None:
        raise Http404(_("Fant ikke samtykket."))
    old = Consent.objects.prefetch_related("scopes").get(pk=consent_id)
    return create(request, person_id, renew_from=old)


@login_required
def detail(request, consent_id: int):
    consent = _consent_for(request, consent_id, Action.VIEW, "samtykke")
    grid, _offered = _grid(consent.person, {s.key for s in services.scopes_of(consent=consent)})
    return render(
        request,
        "consent/detail.html",
        {
            "consent": consent,
            "person": consent.person,
            "grid": grid,
            "events": consent.events.exclude(kind="avslatt"),
            "declined": consent.events.filter(kind="avslatt").count(),
            "is_staff": getattr(request.user, "staff", None) is not None,
        },
    )


@login_required
def withdraw(request, consent_id: int):
    """The person withdraws their own consent; staff withdraw one only at the
    person's request, recorded (how, when), through the gate
    (Action.WITHDRAW_CONSENT), flagged and told to the person."""
    writing = request.method == "POST"
    is_staff = getattr(request.user, "staff", None) is not None
    what = "samtykke: trekke tilbake"
    if is_staff:
        consent = _consent_for(request, consent_id, Action.VIEW, what)
        form: forms.WithdrawForm = forms.StaffWithdrawForm(request.POST if writing else None)
    else:
        action = Action.WITHDRAW_CONSENT if writing else Action.VIEW
        consent = _consent_for(request, consent_id, action, what)
        form = forms.WithdrawForm(request.POST if writing else None)
    if writing and form.is_valid():
        try:
            if is_staff:
                _withdraw_for_person(request, consent, form.cleaned_data)
            else:
                services.withdraw(
                    consent_id=consent.pk, actor=request.user, note=form.cleaned_data["note"]
                )
        except services.ConsentRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Samtykket er trukket tilbake og gjelder ikke lenger fra nå.")
            )
        return redirect("consent:detail", consent_id=consent.pk)
    return render(
        request,
        "consent/withdraw.html",
        {"consent": consent, "person": consent.person, "form": form},
        status=400 if writing else 200,
    )


def _withdraw_for_person(request, consent: Consent, data: dict) -> None:
    try:
        privileged.withdraw(
            request.user,
            consent,
            link=privileged.portal_link(request),
            requested_how=data["requested_how"],
            requested_on=data["requested_on"],
            note=data["note"],
        )
    except privileged.Refused as refused:
        raise _refusal(refused) from None


@login_required
@require_GET
def form_pdf(request, person_id: int):
    """The printable form for the selection, to sign (an audit: every unit and
    partner listed with a box per category, so narrowing is one unticked box)."""
    person = gate.person_for(
        request, person_id, Action.PRINT, category=gate.BASIC, what="samtykkeskjema"
    )
    _require_staff(request)
    # Unknown or tampered boxes in the query are simply not ticked.
    grid, _offered = _grid(person, set(request.GET.getlist("scope")))
    version = request.GET.get("form_version")
    version = version if version in rules.FORM_VERSIONS else rules.CURRENT_FORM_VERSION
    html = render_to_string(
        "consent/form_pdf.html",
        {
            "person": person,
            "grid": grid,
            "version": version,
            "version_label": rules.FORM_VERSIONS[version],
            "purpose": request.GET.get("purpose", "")[:300],
            "covers_plan": request.GET.get("covers_plan") in ("on", "1", "true"),
            "months": rules.DEFAULT_MONTHS,
            "today": timezone.localdate(),
            **pdf.letterhead(municipality=person.municipality),
        },
        request=request,
    )
    document = pdf.render(html, author=person.municipality.name)
    services.record_printed(person=person, actor=request.user, form_version=version)
    # No name or number in the file name: it ends up in download folders and logs.
    return pdf.response(document, f"samtykkeskjema-{person.pk}")


@login_required
def overview(request):
    """Consents that need attention among the persons the user works with."""
    _require_staff(request)
    today = timezone.localdate()
    persons = gate.accessible_persons(request.user)
    expiring = list(
        Consent.objects.filter(
            services.valid_q(), person__in=persons, valid_to__lte=today + rules.EXPIRY_WARNING
        )
        .select_related("person")
        .order_by("valid_to")[:100]
    )
    with_plan = persons.filter(plans__status__in=OPEN_STATUSES).distinct()
    covered = Consent.objects.filter(services.valid_q(), covers_plan=True).values("person_id")
    missing = list(with_plan.exclude(pk__in=covered).order_by("family_name", "given_name")[:100])
    shown = {c.person for c in expiring} | set(missing)
    gate.log_many(request.user, shown, Action.LIST, what="samtykkeoversikt", category=gate.BASIC)
    return render(
        request, "consent/overview.html", {"expiring": expiring, "missing": missing, "today": today}
    )


@login_required
def evaluation(request):
    staff = roles.staff_with_role(request.user, roles.FORM_EVALUATORS)
    return render(
        request,
        "consent/evaluation.html",
        {
            "evaluation": services.evaluation(municipality_id=staff.municipality_id),
            "versions": rules.FORM_VERSIONS,
        },
    )
