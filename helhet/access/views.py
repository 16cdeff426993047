from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from helhet.access import gate, recovery, roles, services, twofactor
from helhet.access.forms import EmergencyForm, EnrolRequestForm, ReviewForm, TokenForm
from helhet.access.models import AccessLogEntry, Action, AdminLogEntry
from helhet.core.counting import BoundedPaginator
from helhet.organisation.models import StaffMember
from helhet.people.models import Person
from helhet.portal import notices
from helhet.portal.models import StaffAct


def _safe_next(request: HttpRequest, value: str, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


@login_required
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """«Hvem har sett opplysningene» (pjl § 18): the person, the leader who
    reviews access, and — for the data they read themselves — the coordinator
    and the coordinating unit (``gate.decide_access_log``)."""
    person, view = gate.access_log_for(request, person_id)
    page = services.person_log(
        person=person,
        categories=view.categories,
        year=request.GET.get("ar"),
        cursor=request.GET.get("etter"),
    )
    return render(
        request,
        "access/person_log.html",
        {
            "person": person,
            "page": page,
            "entries": page.entries,
            "emergency_reasons": view.emergency_reasons,
            "filtered": view.categories is not None,
        },
    )


@login_required
def emergency(request: HttpRequest) -> HttpResponseBase:
    """Break the glass: a written reason gives two hours' access, flagged."""
    staff = getattr(request.user, "staff", None)
    if staff is None or not gate.has_case_role(request.user):
        raise PermissionDenied(_("Rollen din gir ikke adgang til nødtilgang."))
    form = EmergencyForm(
        request.POST or None,
        initial={"person": request.GET.get("person"), "next": request.GET.get("next", "")},
    )
    if request.method == "POST" and form.is_valid():
        person = _emergency_person(staff, form.cleaned_data)
        if person is None:
            form.add_error(None, _("Fant ingen person med dette nummeret i kommunen."))
        else:
            try:
                gate.grant_emergency(request.user, person, reason=form.cleaned_data["reason"])
            except gate.EmergencyRefused as error:
                form.add_error("reason", str(error))
            else:
                messages.warning(
                    request,
                    _(
                        "Du har nødtilgang i to timer. Tilgangen er logget og blir gjennomgått av leder."
                    ),
                )
                default = reverse("people:detail", args=[person.pk])
                return redirect(_safe_next(request, form.cleaned_data.get("next", ""), default))
    return render(
        request,
        "access/emergency.html",
        {"form": form, "hours": int(gate.EMERGENCY_DURATION.total_seconds() // 3600)},
        status=400 if request.method == "POST" else 200,
    )


def _emergency_person(staff: StaffMember, data: dict[str, Any]) -> Person | None:
    persons = Person.objects.filter(municipality_id=staff.municipality_id)
    if data.get("national_id"):
        return persons.filter(national_id=data["national_id"]).first()
    person_id = data.get("person")
    return persons.filter(pk=person_id).first() if person_id is not None else None


@login_required
def review(request: HttpRequest) -> HttpResponseBase:
    """Unusual access for the leader: refusals and emergency access."""
    staff = roles.staff_with_role(request.user, roles.REVIEWERS)
    kind = request.GET.get("type", services.ALL)
    kind = kind if kind in services.KINDS else services.ALL
    unreviewed = request.GET.get("status", "ny") != "alle"
    # Bounded by date, so PostgreSQL reads only the months of the period.
    days, since = services.review_since(days=request.GET.get("dager"))
    page = BoundedPaginator(
        services.flagged(
            municipality_id=staff.municipality_id,
            since=since,
            kind=kind,
            unreviewed_only=unreviewed,
        ),
        50,
    ).get_page(request.GET.get("side"))
    acts = notices.for_review(staff.municipality_id, unreviewed, since=since)
    shown = {e.person for e in page if e.person is not None} | {r["act"].person for r in acts}
    gate.log_many(
        request.user,
        shown,
        Action.LIST,
        what="tilgangskontroll",
        category=gate.BASIC,
        basis="tilgangskontroll",
        detail=_("Leders kontroll av uvanlig tilgang (hpl. § 21a)"),
    )
    return render(
        request,
        "access/review.html",
        {
            "page": page,
            "kind": kind,
            "kinds": services.KINDS,
            "unreviewed": unreviewed,
            "days": days,
            "day_choices": services.REVIEW_DAYS,
            "form": ReviewForm(),
            "consent_acts": [r for r in acts if r["act"].kind != StaffAct.Kind.GUARDIAN],
            "guardian_acts": [r for r in acts if r["act"].kind == StaffAct.Kind.GUARDIAN],
        },
    )


@login_required
@require_POST
def review_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    staff = roles.staff_with_role(request.user, roles.REVIEWERS)
    entry = get_object_or_404(
        AccessLogEntry, pk=entry_id, municipality_id=staff.municipality_id, flagged=True
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Merknaden kan være på høyst 500 tegn. Ingenting er lagret."))
    else:
        try:
            services.review(entry=entry, user=staff.user, note=form.cleaned_data["note"])
        except services.ReviewRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Markert som gjennomgått."))
    return redirect(_safe_next(request, request.POST.get("next", ""), reverse("access:review")))


# --- two-factor login ----------------------------------------------------------


@login_required
def otp_setup(request: HttpRequest) -> HttpResponseBase:
    """Enrol an authenticator app. Only without a device, or once verified:
    a stolen password alone must not be enough to add a new second factor."""
    next_url = _safe_next(request, request.GET.get("next", ""), reverse("home"))
    if twofactor.has_device(request.user) and not twofactor.otp_verified(request):
        return redirect(f"{reverse('access:otp_verify')}?{urlencode({'next': next_url})}")
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(request, form.cleaned_data["token"]):
            messages.success(request, _("Tofaktorinnlogging er slått på."))
            return redirect(next_url)
        form.add_error("token", _("Koden stemmer ikke. Prøv den neste koden appen viser."))
    return render(
        request,
        "access/otp_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret_base32(device),
            "next": next_url,
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponseBase:
    next_url = _safe_next(request, request.GET.get("next", ""), reverse("home"))
    if not twofactor.has_device(request.user):
        return redirect(f"{reverse('access:otp_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error(
            "token",
            _("Koden stemmer ikke, eller du har prøvd for mange ganger. Vent litt og prøv igjen."),
        )
    return render(request, "access/otp_verify.html", {"form": form, "next": next_url})


# --- OpenID Connect ------------------------------------------------------------


def _oidc_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404(_("Innlogging med OpenID Connect er ikke satt opp."))


def oidc_init(request: HttpRequest) -> HttpResponseBase:
    _oidc_enabled()
    response: HttpResponseBase = oidc_views.OIDCAuthenticationRequestView.as_view()(request)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponseBase:
    _oidc_enabled()
    response: HttpResponseBase = oidc_views.OIDCAuthenticationCallbackView.as_view()(request)
    return response


# --- the administration log ------------------------------------------------------


@login_required
def admin_log(request: HttpRequest) -> HttpResponseBase:
    """«Administrasjonslogg»: every change to accounts, roles and second factors
    in the municipality (and to accounts that belong to none), for leaders."""
    staff = roles.staff_with_role(request.user, roles.REVIEWERS)
    entries = AdminLogEntry.objects.filter(
        Q(municipality_id=staff.municipality_id) | Q(municipality_id__isnull=True)
    )
    kind = request.GET.get("type", "")
    if kind in AdminLogEntry.Kind.values:
        entries = entries.filter(kind=kind)
    page = BoundedPaginator(entries, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "access/admin_log.html",
        {"page": page, "kind": kind, "kinds": AdminLogEntry.Kind.choices},
    )


# --- enrolling anew after a reset ------------------------------------------------


def enrol_request(request: HttpRequest) -> HttpResponseBase:
    """The user asks for a one-time link to their own e-mail address."""
    form = EnrolRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery.request_link(form.cleaned_data["username"], request=request)
        messages.info(
            request,
            _(
                "Hvis brukernavnet finnes og e-postadressen kan brukes, er en lenke sendt. "
                "Er adressen nylig endret, må du logge inn med %(idp)s eller vente."
            )
            % {"idp": settings.OIDC_LABEL},
        )
        return redirect(reverse("login"))
    return render(
        request,
        "access/enrol_request.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


class EnrolConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link: the user chooses a password (Django's reset token)."""

    template_name = "access/enrol_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(
            self.request,
            _("Passordet er lagret. Logg inn og registrer en ny kodeapp."),
        )
        return super().form_valid(form)


enrol_confirm = EnrolConfirmView.as_view()


class LogoutView(auth_views.LogoutView):
    """Log out of Helhet, and of the identity provider's session when the
    login came from it (OpenID Connect RP-initiated logout)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and settings.OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
                }
            )
            return redirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}")
        return response


logout = LogoutView.as_view()
