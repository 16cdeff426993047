"""How API clients prove who they are.

* ``Authorization: Token hlt_...`` — a staff member's personal API token;
* ``Authorization: Bearer ...`` — an access token from the municipality's
  OpenID Connect provider (only when OIDC is configured);
* the browser session, with CSRF, for the browsable API and the docs page.

Whoever the caller is, every record still passes the access gate.
"""

from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.contrib.drf import OIDCAuthentication
from requests.exceptions import RequestException
from rest_framework import authentication, exceptions

from helhet.access.oidc import HelhetOIDCBackend
from helhet.api import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Ugyldig Authorization-hode."))
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Ugyldig API-nøkkel.")) from error
        user = tokens.user_for(raw)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Ugyldig eller tilbakekalt API-nøkkel."))
        return user, None

    def authenticate_header(self, request):
        return "Token"


class _BearerBackend(HelhetOIDCBackend):
    """The login backend without the browser session: an API call has none."""

    def get_userinfo(self, access_token, id_token, payload):
        return OIDCAuthenticationBackend.get_userinfo(self, access_token, id_token, payload)


class OIDCBearerAuthentication(OIDCAuthentication):
    def __init__(self, backend=None):
        super().__init__(backend or _BearerBackend())

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except RequestException as error:
            # The provider is down or refused: the caller is not authenticated,
            # and that is not our server's error.
            raise exceptions.AuthenticationFailed(
                _("Tilgangsnøkkelen kunne ikke kontrolleres hos identitetsleverandøren.")
            ) from error
