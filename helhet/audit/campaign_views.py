"""Self-assessment campaigns: the supervisor's and the units' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helhet.audit import campaigns, pdf, services
from helhet.audit.forms import AssessForm, CampaignForm, ParticipationForm
from helhet.audit.models import Campaign, Participation
from helhet.organisation.models import Role


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Egenvurdering er for ansatte og tilsyn."))
    return staff


def _is_supervisor(user) -> bool:
    return Role.AUDITOR in services.roles_of(user)


def _supervisor(request):
    staff = _staff(request)
    if not _is_supervisor(request.user):
        raise PermissionDenied(_("Bare tilsynet definerer og følger opp egenvurderinger."))
    return staff


@login_required
def campaign_list(request):
    staff = _staff(request)
    supervisor = _is_supervisor(request.user)
    found = Campaign.objects.filter(municipality_id=staff.municipality_id)
    mine = Participation.objects.filter(
        campaign__municipality_id=staff.municipality_id,
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
    staff = _supervisor(request)
    form = CampaignForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create(staff.municipality, request.user, **form.cleaned_data)
        except campaigns.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Egenvurderingen er opprettet."))
            return redirect("audit:campaign", campaign_id=campaign.pk)
    return render(request, "audit/campaign_form.html", {"form": form})


@login_required
def campaign(request, campaign_id):
    staff = _supervisor(request)
    found = get_object_or_404(Campaign, pk=campaign_id, municipality_id=staff.municipality_id)
    today = timezone.localdate()
    participations = list(found.participations.select_related("unit"))
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
    """The unit's participation; the supervisor or the unit's own leaders only."""
    staff = _staff(request)
    found = get_object_or_404(
        Participation.objects.select_related("campaign", "unit"),
        pk=participation_id,
        campaign__municipality_id=staff.municipality_id,
    )
    supervisor = _is_supervisor(request.user)
    if not supervisor and found.unit_id not in campaigns.responder_units(request.user):
        raise PermissionDenied(_("Bare enhetens ledelse og tilsynet ser dette svaret."))
    return found, supervisor


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
    _supervisor(request)
    found, _supervisor_flag = _participation(request, participation_id)
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
    """Record that the feedback letter is sent, and hand it over as PDF."""
    _supervisor(request)
    found, _supervisor_flag = _participation(request, participation_id)
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
    }
    content = pdf.render("audit/feedback_pdf.html", context)
    return pdf.response(content, f"tilbakemelding-egenvurdering-{found.pk}")
