from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from helhet.plans import access


@login_required
def detail(request, plan_id: int):
    plan = access.plan_for(request, plan_id, what="plan")
    return render(request, "plans/detail.html", {"plan": plan})
