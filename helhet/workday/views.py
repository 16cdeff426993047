from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from helhet.workday import services


@login_required
def start(request):
    """«Min arbeidsdag»: the start page of staff, one section per role."""
    # A person, or their proxy or guardian, has no staff role: their start is Min side.
    # The state governor's staff are no municipality's staff: their start is the campaigns.
    if getattr(request.user, "staff", None) is None:
        if request.user.supervisory_authorities.exists():
            return redirect("audit:campaigns")
        return redirect("portal:home")
    today = timezone.localdate()
    day = services.workday(user=request.user, today=today)
    return render(request, "workday/start.html", {"day": day, "today": today})
