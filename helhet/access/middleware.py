"""Two factors for staff (Normen: strong authentication for access to health data).

Outside demo mode a staff member who has logged in with a password sees only
the enrolment or verification page until a TOTP code is verified
(django-otp), or until the identity provider vouched for two factors itself
(OpenID Connect ``acr``/``amr``; see helhet.access.oidc).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from helhet.access import twofactor

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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.DEMO_MODE or not twofactor.required_for(request.user):
            return None
        if twofactor.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        target = "access:otp_verify" if twofactor.has_device(request.user) else "access:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
