from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from helhet.organisation import services


@login_required
def memberships(request):
    """«Tilknytninger til bekreftelse»: a leader confirms or rejects the roles
    an administrator has registered in their unit."""
    if not services.is_head(user=request.user):
        raise PermissionDenied(_("Siden er for ledere og kommunalsjefer."))
    if request.method == "POST":
        return _decide(request)
    return render(
        request,
        "organisation/memberships.html",
        {
            "pending": services.pending_for(user=request.user),
            "confirmed": services.confirmed_recently(user=request.user),
        },
    )


def _decide(request):
    handling = request.POST.get("handling")
    try:
        membership_id = int(request.POST.get("membership", ""))
    except ValueError:
        membership_id = None
    if membership_id is None or handling not in {"bekreft", "avvis"}:
        messages.error(request, _("Ugyldig forespørsel. Ingenting er endret."))
        return redirect(reverse("organisation:memberships"))
    try:
        if handling == "bekreft":
            services.confirm(membership_id=membership_id, by=request.user)
            messages.success(request, _("Tilknytningen er bekreftet og gjelder fra nå."))
        else:
            services.reject(membership_id=membership_id, by=request.user)
            messages.success(request, _("Tilknytningen er avvist og fjernet."))
    except services.ConfirmationRefused as error:
        messages.error(request, str(error))
    return redirect(reverse("organisation:memberships"))
