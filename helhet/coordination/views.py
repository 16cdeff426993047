from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from helhet.access import gate
from helhet.access.models import Action
from helhet.around.services import discharge_alert_rows, discharge_alerts_listed
from helhet.background import services as background
from helhet.consent.models import Category
from helhet.coordination import services
from helhet.coordination.forms import (
    PAGE_SIZES,
    CaseloadForm,
    NamingRoutineForm,
    OverviewFilterForm,
)
from helhet.coordination.models import caseload_warning, naming_routine
from helhet.core import csvexport
from helhet.organisation.models import Membership, Role

PAGE_SIZE = PAGE_SIZES[1]

COLUMNS = [
    ("person", _lazy("Person")),
    ("status", _lazy("Status")),
    ("koordinator", _lazy("Koordinator")),
    ("enhet", _lazy("Enhet")),
    ("revisjon", _lazy("Neste revisjon")),
    ("mangler", _lazy("Mangler etter § 19")),
]


def _filters(request):
    return filters_from(request.user, request.GET)


def filters_from(
    user: User | AnonymousUser, data: QueryDict
) -> tuple[OverviewFilterForm, services.Filters, int]:
    """The overview's filters from its query (the page's, or the one an export
    job was asked with); bad input gives no filters, as on the page."""
    staff = getattr(user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("Oversikten er for ansatte i kommunen."))
    form = OverviewFilterForm(data or None, municipality=staff.municipality)
    page_size = PAGE_SIZE
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = services.Filters(
            status=cleaned["status"],
            unit=cleaned["unit"].pk if cleaned["unit"] else None,
            completeness=cleaned["completeness"],
            overdue=cleaned["overdue"],
            name=cleaned["name"],
            # The user's own units (confirmed memberships), whatever the role.
            units=frozenset(gate.unit_ids(user)) if cleaned["mine"] else None,
            sort=cleaned["sorter"],
        )
        page_size = cleaned["per_side"] or PAGE_SIZE
    else:
        filters = services.Filters()
    return form, filters, page_size


def _columns(request, sort: str) -> list[dict]:
    """Each heading links to sorting by its column, ascending first, and says
    how the table is sorted now (aria-sort) to screen readers."""
    current, descending = services.sort_key(value=sort)
    columns = []
    for key, label in COLUMNS:
        query = request.GET.copy()
        query.pop("side", None)
        is_current = key == current
        query["sorter"] = f"-{key}" if is_current and not descending else key
        columns.append(
            {
                "label": label,
                "href": f"?{query.urlencode()}",
                "aria_sort": ("descending" if descending else "ascending") if is_current else "",
            }
        )
    return columns


@login_required
def overview(request):
    form, filters, page_size = _filters(request)
    rows = services.plan_rows(user=request.user, filters=filters)
    page = Paginator(rows, page_size).get_page(request.GET.get("side"))
    # hol. § 6-2 nr. 5: a discharge never comes as a surprise to the
    # coordinating unit or the coordinator (gated row by row).
    alerts = discharge_alert_rows(user=request.user, today=timezone.localdate())
    # Plan status, dates, coordinator and missing § 19 items: plan data, and
    # only of plans the plan page would open (``accessible_plans``). Both lists in
    # one statement, so the page's queries do not depend on whether any discharge
    # is announced.
    gate.log_lists(
        request.user,
        [
            gate.Listed(
                [r.person for r in page], Action.LIST, what="planoversikt", category=Category.PLAN
            ),
            discharge_alerts_listed(rows=alerts),
        ],
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
            "discharge_alerts": alerts,
            "columns": _columns(request, filters.sort),
        },
    )


@login_required
def overview_csv(request):
    """The overview as CSV, for every plan the filters match: a large municipality's
    export is written by the background worker (helhet.background), and the page
    says «beregnes» until the file is ready to download."""
    filters_from(request.user, request.GET)  # staff only, before any work is asked for
    job = background.start_overview_export(user=request.user, query=request.GET.urlencode())
    if job.status == job.Status.DONE and job.file:
        return background.download(job=job)
    return render(request, "background/status.html", {"job": job})


def write_csv(user, filters, stream) -> int:
    """Write the overview's rows to ``stream`` as CSV and log every person in it
    as exported (the rows are exactly those the page would show); returns the count."""
    rows = list(services.plan_rows(user=user, filters=filters))
    gate.log_many(
        user,
        [r.person for r in rows],
        Action.EXPORT,
        what="planoversikt.csv",
        category=Category.PLAN,
    )
    stream.write("\ufeff")  # Excel reads UTF-8 (æøå) with the byte-order mark
    writer = csvexport.SafeWriter(stream)
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
    return len(rows)


def _coordinating_unit_staff(request):
    staff = getattr(request.user, "staff", None)
    if (
        staff is None
        or not Membership.objects.confirmed()
        .filter(staff=staff, role=Role.COORDINATING_UNIT)
        .exists()
    ):
        raise PermissionDenied(_("Bare koordinerende enhet kan endre kommunens egne frister."))
    return staff


def _routines_page(request, staff, form, caseload_form, status=200):
    return render(
        request,
        "coordination/routines.html",
        {
            "form": form,
            "routine": naming_routine(staff.municipality_id),
            "caseload_form": caseload_form,
        },
        status=status,
    )


@login_required
def routines(request):
    """The municipality's own deadlines, kept by the coordinating unit (also in
    the system administration). They are the municipality's routine, not law."""
    staff = _coordinating_unit_staff(request)
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
    caseload_form = CaseloadForm(initial={"warn_above": caseload_warning(staff.municipality_id)})
    return _routines_page(request, staff, form, caseload_form, 400 if form.errors else 200)


@login_required
@require_POST
def caseload(request):
    """The municipality's own limit of persons per coordinator (not law)."""
    staff = _coordinating_unit_staff(request)
    form = CaseloadForm(request.POST)
    if form.is_valid():
        try:
            services.save_caseload_warning(
                municipality_id=staff.municipality_id,
                warn_above=form.cleaned_data["warn_above"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("warn_above", error)
        else:
            messages.success(request, _("Kommunens grense for koordinatorer er lagret."))
            return redirect("coordination:routines")
    routine = naming_routine(staff.municipality_id)
    initial = (
        {"days": routine.days, "name": routine.name, "adopted_on": routine.adopted_on}
        if routine
        else {}
    )
    return _routines_page(request, staff, NamingRoutineForm(initial=initial), form, 400)
