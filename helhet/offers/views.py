"""Low-threshold offers: no person data, so no gate; staff read, leaders,
quality staff, the coordinating unit and service providers record counts."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.mapping import access as mapping_access
from helhet.offers import services
from helhet.offers.forms import OfferForm, OfferUseForm
from helhet.offers.models import Offer, OfferUse
from helhet.organisation.models import Role

RECORDERS = (
    Role.LEADER,
    Role.QUALITY,
    Role.COORDINATING_UNIT,
    Role.SERVICE_PROVIDER,
    Role.SECTOR_HEAD,
)


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Oversikten er for ansatte i kommunen."))
    return staff


@login_required
def index(request):
    staff = _staff(request)
    offers = list(Offer.objects.filter(municipality=staff.municipality).select_related("unit"))
    uses = defaultdict(list)
    for use in OfferUse.objects.filter(offer__in=offers).order_by("-month")[:2000]:
        uses[use.offer_id].append(use)
    rows = [
        {
            "offer": offer,
            "recent": uses[offer.pk][:6],
            "visits_12": sum(u.visits for u in uses[offer.pk][:12]),
        }
        for offer in offers
    ]
    return render(
        request,
        "offers/index.html",
        {
            "rows": rows,
            "may_record": any(gate.has_role(request.user, r) for r in RECORDERS),
        },
    )


def _record(request, form_class, title, message):
    staff = _staff(request)
    if not any(gate.has_role(request.user, r) for r in RECORDERS):
        raise PermissionDenied(_("Du kan ikke registrere lavterskeltilbud."))
    form = form_class(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        if isinstance(row, Offer):
            row.municipality = staff.municipality
        row.full_clean()
        row.save()
        messages.success(request, message)
        return redirect("offers:index")
    return render(
        request,
        "offers/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def offer_new(request):
    return _record(request, OfferForm, _("Lavterskeltilbud"), _("Tilbudet er registrert."))


@login_required
def use_new(request):
    return _record(
        request, OfferUseForm, _("Bruk av lavterskeltilbud (antall)"), _("Bruken er registrert.")
    )


@login_required
def statistics(request):
    """Use of the offers, anonymous and with small counts hidden, for those who
    read the municipality's statistics (the mapping statistics' roles)."""
    municipality_id = mapping_access.statistics_municipality(request.user)
    table = services.usage(municipality_id=municipality_id, today=timezone.localdate())
    return render(request, "offers/statistics.html", {"usage": table})
