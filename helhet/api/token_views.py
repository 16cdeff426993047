"""Staff create and revoke their own personal API tokens. A new token is
shown once, on the page that created it; only its hash is stored."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from helhet.api import tokens as token_services


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Navn på nøkkelen"),
        max_length=100,
        help_text=_lazy("Hva nøkkelen brukes til, f.eks. «Fagsystem-integrasjon»."),
    )


def _staff_only(request) -> None:
    if getattr(request.user, "staff", None) is None:
        raise PermissionDenied(_("API-nøkler er for ansatte i kommunen."))


@login_required
def tokens(request):
    _staff_only(request)
    form = TokenForm(request.POST or None)
    raw = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, raw = token_services.issue(request.user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {"form": form, "raw": raw, "tokens": token_services.tokens_of(request.user)},
        status=status,
    )


@login_required
@require_POST
def revoke(request, token_id):
    _staff_only(request)
    if token_services.revoke(request.user, token_id):
        messages.success(request, _("API-nøkkelen er trukket tilbake og virker ikke lenger."))
    else:
        messages.error(request, _("Fant ingen aktiv API-nøkkel med den identiteten."))
    return redirect("api:tokens")
