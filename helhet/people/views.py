from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from helhet.access import gate
from helhet.access.models import Action
from helhet.people import services


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = services.search(request.user, query) if query else []
    return render(request, "people/search.html", {"query": query, "results": results})


@login_required
def detail(request, person_id: int):
    person = gate.person_for(request, person_id, Action.VIEW, what="personside")
    return render(request, "people/detail.html", services.person_page(person))
