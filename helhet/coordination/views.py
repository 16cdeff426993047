from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.around.services import discharge_alerts
from helhet.consent.models import Category
from helhet.coordination import services
from helhet.coordination.forms import NamingRoutineForm, OverviewFilterForm
from helhet.coordination.models import naming_routine
from helhet.core import csvexport
from helhet.organisation.models import Membership, Role

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
            # hol. § 6-2 nr. 5: a discharge never comes as a surprise to the
            # coordinating unit or the coordinator (gated row by row).
            "discharge_alerts": discharge_alerts(request.user, timezone.localdate()),
        },
    )


@login_required
def overview_csv(request):
    _form, filters = _filters(request)
    rows = list(services.plan_rows(request.user, filters))
    gate.log_many(
        request.user, [r.person for r in rows], Action.EXPORT, "planoversikt.csv", Category.PLAN
    )
    stamp = timezone.localdate().isoformat()
    response, writer = csvexport.response(f"planoversikt-{stamp}.csv")
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


@login_required
def routines(request):
    """The municipality's own deadlines, kept by the coordinating unit (also in
    the system administration). They are the municipality's routine, not law."""
    staff = getattr(request.user, "staff", None)
    if (
        staff is None
        or not Membership.objects.confirmed()
        .filter(staff=staff, role=Role.COORDINATING_UNIT)
        .exists()
    ):
        raise PermissionDenied(_("Bare koordinerende enhet kan endre kommunens egne frister."))
    routine = naming_routine(staff.municipality_id)
    initial = (
        {"days": routine.days, "name": routine.name, "adopted_on": routine.adopted_on}
        if routine
        else {}
    )
    form = NamingRoutineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_naming_routine(
                municipality_id=staff.municipality_id,
                days=data["days"],
                name=data["name"],
                adopted_on=data["adopted_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kommunens egen frist er lagret."))
            return redirect("coordination:routines")
    return render(
        request,
        "coordination/routines.html",
        {"form": form, "routine": routine},
        status=400 if form.errors else 200,
    )
