"""Self-assessment campaigns: the supervisor's and the units' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.audit import campaigns, pdf
from helhet.audit.forms import AssessForm, CampaignForm, ParticipationForm
from helhet.audit.models import Campaign, Participation
from helhet.core import pdf as core_pdf
from helhet.organisation.models import Role
from helhet.organisation.services import roles_of


def _is_auditor(user) -> bool:
    return Role.AUDITOR in roles_of(user=user)


def _scope(request):
    """Where the user may run campaigns: (municipality, authority), or refused.

    A member of a supervisory authority (the state governor) runs them across
    the authority's municipalities; a municipality's auditor inside it.
    """
    authorities = campaigns.authorities_of(request.user)
    if authorities:
        return None, authorities[0]
    staff = getattr(request.user, "staff", None)
    if staff is not None and _is_auditor(request.user):
        return staff.municipality, None
    raise PermissionDenied(_("Bare tilsynet definerer og følger opp egenvurderinger."))


def _supervised(user):
    """Every campaign the user supervises (one query)."""
    authorities = campaigns.authorities_of(user)
    staff = getattr(user, "staff", None)
    auditor = staff is not None and _is_auditor(user)
    if not authorities and not auditor:
        return None
    query = Q(authority__in=authorities)
    if auditor:
        query |= Q(municipality_id=staff.municipality_id)
    return Campaign.objects.filter(query)


@login_required
def campaign_list(request):
    found = _supervised(request.user)
    supervisor = found is not None
    mine = Participation.objects.filter(
        unit_id__in=campaigns.responder_units(request.user),
    ).select_related("campaign", "unit")
    if not supervisor and not mine:
        raise PermissionDenied(_("Du deltar ikke i noen egenvurdering."))
    return render(
        request,
        "audit/campaigns.html",
        {"campaigns": found if supervisor else [], "mine": mine, "supervisor": supervisor},
    )


@login_required
def campaign_new(request):
    municipality, authority = _scope(request)
    units = campaigns.invitable_units(municipality, authority)
    form = CampaignForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create(
                municipality, request.user, authority=authority, **form.cleaned_data
            )
        except campaigns.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Egenvurderingen er opprettet."))
            return redirect("audit:campaign", campaign_id=campaign.pk)
    return render(request, "audit/campaign_form.html", {"form": form, "authority": authority})


def _own_campaign(request, campaign_id) -> Campaign:
    """The campaign, for its supervisor only; anyone else is told it does not exist."""
    found = get_object_or_404(
        Campaign.objects.select_related("authority", "municipality"), pk=campaign_id
    )
    if not campaigns.supervises(request.user, found, roles_of(user=request.user)):
        raise Http404(_("Fant ikke egenvurderingen."))
    return found


@login_required
def campaign(request, campaign_id):
    found = _own_campaign(request, campaign_id)
    today = timezone.localdate()
    participations = list(found.participations.select_related("unit__municipality"))
    return render(
        request,
        "audit/campaign.html",
        {
            "campaign": found,
            "rows": [(p, campaigns.state(p, found, today)) for p in participations],
            "aggregate": campaigns.aggregate(found),
            "today": today,
        },
    )


def _participation(request, participation_id) -> tuple[Participation, bool]:
    """One unit's answer: its supervisor, or the unit's own leaders — nobody else.

    Units of another municipality (or a campaign the user has nothing to do
    with) get 404, so an answer's existence is not revealed across
    municipalities; another unit of the user's own municipality gets 403.
    """
    found = get_object_or_404(
        Participation.objects.select_related("campaign", "unit__municipality"),
        pk=participation_id,
    )
    supervisor = campaigns.supervises(request.user, found.campaign, roles_of(user=request.user))
    if supervisor or found.unit_id in campaigns.responder_units(request.user):
        return found, supervisor
    staff = getattr(request.user, "staff", None)
    if staff is not None and staff.municipality_id == found.unit.municipality_id:
        raise PermissionDenied(_("Bare enhetens ledelse og tilsynet ser dette svaret."))
    raise Http404(_("Fant ikke svaret."))


def _supervisor_of(request, participation_id) -> Participation:
    found, supervisor = _participation(request, participation_id)
    if not supervisor:
        raise PermissionDenied(_("Bare tilsynet vurderer og sender tilbakemelding."))
    return found


@login_required
def participation(request, participation_id):
    found, supervisor = _participation(request, participation_id)
    questions = list(found.campaign.questions.all())
    answers = {a.question_id: a for a in found.answers.all()}
    form = None
    status = 200
    if not supervisor and found.submitted_on is None:
        form = ParticipationForm(request.POST or None, questions=questions)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    campaigns.submit(
                        found,
                        request.user,
                        form.cleaned_data,
                        form.answers(),
                        timezone.localdate(),
                    )
                except campaigns.Refused as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Egenvurderingen er sendt til tilsynet."))
                    return redirect("audit:participation", participation_id=found.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Svaret er allerede sendt inn."))
    return render(
        request,
        "audit/participation.html",
        {
            "p": found,
            "questions": [(q, answers.get(q.pk)) for q in questions],
            "form": form,
            "assess_form": AssessForm() if supervisor and found.submitted_on else None,
            "supervisor": supervisor,
            "approved": campaigns.plan_approved(found),
        },
        status=status,
    )


@login_required
@require_POST
def assess(request, participation_id):
    found = _supervisor_of(request, participation_id)
    form = AssessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv tilsynets vurdering."))
        return redirect("audit:participation", participation_id=found.pk)
    try:
        campaigns.assess(
            found, form.cleaned_data, form.cleaned_data["assessment"], timezone.localdate()
        )
    except campaigns.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Vurderingen er lagret."))
    return redirect("audit:participation", participation_id=found.pk)


@login_required
@require_POST
def feedback_letter(request, participation_id):
    """Record that the feedback letter is sent, and hand it over as PDF: one
    letter per unit, addressed to it, with its own answers only."""
    found = _supervisor_of(request, participation_id)
    if found.assessed_on is None:
        messages.error(request, _("Vurder forbedringsplanen før tilbakemeldingen sendes."))
        return redirect("audit:participation", participation_id=found.pk)
    found.feedback_sent_on = timezone.localdate()
    found.save(update_fields=["feedback_sent_on"])
    context = {
        "p": found,
        "questions": [(a.question, a) for a in found.answers.select_related("question")],
        "approved": campaigns.plan_approved(found),
        "generated": timezone.localtime(),
        "sender": found.campaign.authority or found.campaign.municipality,
    }
    # The common letter layout, with the supervisor (or, for a campaign inside
    # one municipality, that municipality) as the sender at the top.
    if found.campaign.authority is None:
        context.update(core_pdf.letterhead(municipality=found.campaign.municipality))
    else:
        context["sender_municipality"] = found.campaign.authority
    content = pdf.render("audit/feedback_pdf.html", context, letter=True)
    return pdf.response(content, f"tilbakemelding-egenvurdering-{found.pk}")
