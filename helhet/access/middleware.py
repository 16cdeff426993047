"""Two factors for staff (Normen: strong authentication for access to health data).

Outside demo mode a staff member who has logged in with a password sees only
the enrolment or verification page until a TOTP code is verified
(django-otp), or until the identity provider vouched for two factors itself
(OpenID Connect ``acr``/``amr``; see helhet.access.oidc).
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from helhet.access import afterwards, staffonly, twofactor
from helhet.core.views import permission_denied

EXEMPT_VIEWS = {
    "access:otp_setup",
    "access:otp_verify",
    "access:oidc_init",
    "access:oidc_callback",
    "access:enrol_request",
    "access:enrol_confirm",
    "logout",
    "login",
    "healthz",
    "set_language",
}


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if settings.DEMO_MODE or not twofactor.required_for(request.user):
            return None
        if twofactor.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        target = "access:otp_verify" if twofactor.has_device(request.user) else "access:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class StaffOnlyMiddleware:
    """Staff URLs refuse logged-in users without a staff account (persons,
    proxies, guardians) with a Norwegian 403; see helhet.access.staffonly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is None or not staffonly.refused(request.user, match, request.method):
            return None
        message = staffonly.refusal_message()
        if "fhir" in match.namespaces:
            from helhet.api import fhir

            return JsonResponse(
                fhir.outcome([("", message)], "forbidden"),
                status=403,
                content_type=fhir.CONTENT_TYPE,
            )
        if "api" in match.namespaces:
            return JsonResponse({"detail": message}, status=403)
        return permission_denied(request, PermissionDenied(message))


class RefusedAfterGrantMiddleware:
    """A page that refuses after the gate granted logs the refusal too
    (helhet.access.afterwards)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with afterwards.request_scope():
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            afterwards.log_refusal(request.user, str(exception))
        return None
