import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.consent.models import Category
from helhet.coordination import services
from helhet.coordination.forms import OverviewFilterForm

PAGE_SIZE = 50


def _filters(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Oversikten er for ansatte i kommunen."))
    form = OverviewFilterForm(request.GET or None, municipality=staff.municipality)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = services.Filters(
            status=data["status"],
            unit=data["unit"].pk if data["unit"] else None,
            completeness=data["completeness"],
            overdue=data["overdue"],
            name=data["name"],
        )
    else:
        filters = services.Filters()
    return form, filters


@login_required
def overview(request):
    form, filters = _filters(request)
    rows = services.plan_rows(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("side"))
    # Plan status, dates, coordinator and missing § 19 items: plan data, and
    # only of plans the plan page would open (``accessible_plans``).
    gate.log_many(
        request.user, [r.person for r in page], Action.LIST, "planoversikt", Category.PLAN
    )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "coordination/overview.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "unit_counts": rows.unit_counts(),
            "query": query.urlencode(),
        },
    )


@login_required
def overview_csv(request):
    _form, filters = _filters(request)
    rows = list(services.plan_rows(request.user, filters))
    gate.log_many(
        request.user, [r.person for r in rows], Action.EXPORT, "planoversikt.csv", Category.PLAN
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="planoversikt-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with æøå correctly only with a BOM.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Person"),
            _("Fødselsdato"),
            _("Status"),
            _("Koordinator"),
            _("Enhet"),
            _("Neste revisjon"),
            _("Revisjon forfalt"),
            _("Mangler etter § 19"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.person_name,
                row.birth_date.strftime("%d.%m.%Y"),
                row.status_label,
                row.coordinator_name,
                row.unit_name,
                row.revision_due.strftime("%d.%m.%Y") if row.revision_due else "",
                _("Ja") if row.overdue else _("Nei"),
                " ".join(letter for letter, _label in row.missing),
            ]
        )
    return response
