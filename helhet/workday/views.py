from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from helhet.workday import services


@login_required
def start(request):
    """«Min arbeidsdag»: the start page of staff, one section per role."""
    # A person, or their proxy or guardian, has no staff role: their start is Min side.
    if getattr(request.user, "staff", None) is None:
        return redirect("portal:home")
    today = timezone.localdate()
    day = services.workday(request.user, today)
    return render(request, "workday/start.html", {"day": day, "today": today})
