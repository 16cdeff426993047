from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helhet.access import gate
from helhet.organisation.models import Membership, Role, Unit


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


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 that says why (the gate's or the view's reason) and whom to ask."""
    message = str(exception) if exception and str(exception) else None
    user = getattr(request, "user", None)
    context = {"message": message, **help_for_refused(user)}
    return render(request, "403.html", context, status=403)


def help_for_refused(user) -> dict:
    """Whom a refused user can ask: the leaders of their own units (who grant
    roles and follow up access, hpl. § 21a) and the coordinating unit (which
    names coordinators and knows who works with whom, hol. § 7-3)."""
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return {"leaders": [], "coordinating_units": [], "may_emergency": False}
    unit_ids = staff.memberships.values("unit_id")
    leaders = (
        Membership.objects.confirmed()
        .filter(unit_id__in=unit_ids, role=Role.LEADER)
        .exclude(staff=staff)
        .select_related("staff__user", "unit")
        .order_by("unit__name", "staff__user__last_name")[:5]
    )
    coordinating = Unit.objects.filter(
        municipality_id=staff.municipality_id, kind=Unit.Kind.COORDINATING
    ).order_by("name")[:3]
    return {
        "leaders": list(leaders),
        "coordinating_units": list(coordinating),
        "may_emergency": gate.has_case_role(user),
    }


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
