"""OpenID Connect login (ID-porten or the municipality's own identity provider).

Accounts are never created from the provider: the IdP proves who logs in, and
Helhet maps that to an existing account.

* A person (the portal) is found by the fødselsnummer claim — ``pid`` in
  ID-porten (``settings.OIDC_PERSON_CLAIM``) — through ``Person.user``.
* A staff member is found by ``settings.OIDC_STAFF_CLAIM`` (e.g.
  ``preferred_username`` or ``email`` from the municipality's Entra ID),
  matched against the username of a user with a ``StaffMember``.

If the provider says it did two-factor login (an ``acr`` or ``amr`` value in
``settings.OIDC_TWO_FACTOR_VALUES``), the TOTP step is skipped for this session.

A staff account whose username was changed in the last
``ENROL_EMAIL_QUIET_DAYS`` days is not matched: the username is the link to
the provider's identity, and renaming is an administrator's act.

Claims that match no account are refused: the login page says so, and the
refusal goes to the application log (``helhet.access.oidc``) without the
fødselsnummer. Logging out ends the provider's session too, when the provider
has an end-session endpoint (``HELHET_OIDC_LOGOUT_ENDPOINT``).

This is also the way back in after an administrator has reset a login: the
provider proves who it is, and the user enrols a new authenticator
(``helhet.access.recovery``). Tested end to end against a real OpenID
provider on loopback (``tests/test_oidc_end_to_end.py``).
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from helhet.access.twofactor import IDP_TWO_FACTOR
from helhet.people import identity

_CLAIMS = "helhet_oidc_claims"
logger = logging.getLogger(__name__)


# An identity provider's claims: JSON, whatever the provider sends.
Claims = dict[str, Any]


def users_for_claims(claims: Claims) -> QuerySet[User]:
    """The existing users an IdP's claims identify (zero, one, or — ambiguous — more)."""
    users = get_user_model().objects.filter(is_active=True)
    pid = claims.get(settings.OIDC_PERSON_CLAIM)
    if pid:
        try:
            # ID-porten's pid is a fødselsnummer or D-nummer, never a help number.
            number = identity.clean_national_id(str(pid), kinds=identity.REGISTER_KINDS)
        except ValidationError:
            return users.none()
        return users.filter(person__national_id=number)
    staff_claim = settings.OIDC_STAFF_CLAIM
    if staff_claim and claims.get(staff_claim):
        found = users.filter(username__iexact=str(claims[staff_claim]), staff__isnull=False)
        # The username is what ties the provider's identity to the account.
        # An administrator who just renamed an account to his own identity at
        # the provider would log in as its owner; a renamed account waits out
        # the same quiet period as a changed e-mail address.
        from helhet.access import adminlog, recovery

        return found.exclude(
            pk__in=[
                u.pk
                for u in found
                if adminlog.changed_recently(
                    u.pk, "username", recovery.quiet_days(), creation_counts=False
                )
            ]
        )
    return users.none()


def idp_did_two_factor(claims: Claims) -> bool:
    values = set(settings.OIDC_TWO_FACTOR_VALUES)
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else list(amr)
    return claims.get("acr") in values or bool(values.intersection(amr))


# mozilla-django-oidc ships no type information: its backend is Any to mypy.
class HelhetOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def verify_claims(self, claims: Claims) -> bool:
        return bool(claims.get(settings.OIDC_PERSON_CLAIM)) or bool(
            settings.OIDC_STAFF_CLAIM and claims.get(settings.OIDC_STAFF_CLAIM)
        )

    def describe_user_by_claims(self, claims: Claims) -> str:
        # Never the fødselsnummer: this text goes to the application log.
        return "the identity provider's claims"

    def filter_users_by_claims(self, claims: Claims) -> QuerySet[User]:
        users = users_for_claims(claims)
        if not users.exists():
            kind = "person" if claims.get(settings.OIDC_PERSON_CLAIM) else "staff"
            logger.warning("OpenID Connect login refused: no %s account matches the claims", kind)
            if self.request is not None:
                messages.error(
                    self.request,
                    _(
                        "Du har ingen bruker i Helhet. Ta kontakt med kommunen om du mener du skal ha det."
                    ),
                )
        return users

    def retrieve_matching_jwk(self, token: str | bytes) -> Any:
        # A token header's "kid" is optional (RFC 7515 § 4.1.4); a provider
        # with one signing key may leave it out. Then that one key must be it —
        # never "any key that fits": with several keys and no kid, refuse.
        import jwt
        import requests
        from django.core.exceptions import SuspiciousOperation

        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        keys = [
            k
            for k in response.json().get("keys", [])
            if k.get("use", "sig") == "sig" and k.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("Could not find one valid JWK for a token without kid.")
        return jwt.PyJWK(keys[0])

    def get_userinfo(self, access_token: str, id_token: str, payload: Claims) -> Claims:
        # ID-porten puts pid/acr/amr in the ID token; userinfo may add more.
        claims = {**payload, **super().get_userinfo(access_token, id_token, payload)}
        self.request.session[_CLAIMS] = idp_did_two_factor(claims)
        return claims


@receiver(user_logged_in)
def _remember_idp_two_factor(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    # login() rotates the session; carry the IdP's two-factor verdict across.
    if request is not None and hasattr(request, "session"):
        if request.session.pop(_CLAIMS, False):
            request.session[IDP_TWO_FACTOR] = True
