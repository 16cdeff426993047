from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.people import services
from helhet.people.forms import PersonForm


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results, more = (
        services.search_with_more(user=request.user, query=query) if query else ([], False)
    )
    mine = [] if query else services.my_persons(user=request.user)
    return render(
        request,
        "people/search.html",
        {
            "query": query,
            "results": results,
            "more": more,
            "limit": services.SEARCH_LIMIT,
            "mine": mine,
            "may_register": services.may_register(user=request.user),
        },
    )


@login_required
def detail(request, person_id: int):
    # One relation lookup for the page's several gate decisions (basic data, services).
    with gate.same_request():
        person = gate.person_for(
            request, person_id, Action.VIEW, category=gate.BASIC, what="personside"
        )
        context = services.person_page(user=request.user, person=person)
    return render(request, "people/detail.html", context)


@login_required
def register(request):
    if not services.may_register(user=request.user):
        raise PermissionDenied(
            _("Bare koordinerende enhet, saksbehandlere og NAV registrerer personer.")
        )
    form = PersonForm(request.POST or None, municipality=request.user.staff.municipality)
    if request.method == "POST" and form.is_valid():
        person = services.register(user=request.user, form=form)
        messages.success(request, _("%(name)s er registrert.") % {"name": person.full_name})
        return redirect("people:search")
    return render(
        request, "people/register.html", {"form": form}, status=400 if form.errors else 200
    )
