from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@transaction.non_atomic_requests
@require_GET
@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and systemd)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    # A person, or their proxy or guardian, has no staff role: their start is Min side.
    # The state governor's staff are no municipality's staff: their start is the campaigns.
    if getattr(request.user, "staff", None) is None:
        if request.user.supervisory_authorities.exists():
            return redirect("audit:campaigns")
        return redirect("portal:home")
    return render(request, "core/home.html")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
