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
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from helhet.access.twofactor import IDP_TWO_FACTOR
from helhet.people import identity

_CLAIMS = "helhet_oidc_claims"


def users_for_claims(claims: dict):
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
        return users.filter(username__iexact=str(claims[staff_claim]), staff__isnull=False)
    return users.none()


def idp_did_two_factor(claims: dict) -> bool:
    values = set(settings.OIDC_TWO_FACTOR_VALUES)
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else list(amr)
    return claims.get("acr") in values or bool(values.intersection(amr))


class HelhetOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_PERSON_CLAIM)) or bool(
            settings.OIDC_STAFF_CLAIM and claims.get(settings.OIDC_STAFF_CLAIM)
        )

    def describe_user_by_claims(self, claims):
        # Never the fødselsnummer: this text goes to the application log.
        return "the identity provider's claims"

    def filter_users_by_claims(self, claims):
        return users_for_claims(claims)

    def get_userinfo(self, access_token, id_token, payload):
        # ID-porten puts pid/acr/amr in the ID token; userinfo may add more.
        claims = {**payload, **super().get_userinfo(access_token, id_token, payload)}
        self.request.session[_CLAIMS] = idp_did_two_factor(claims)
        return claims


@receiver(user_logged_in)
def _remember_idp_two_factor(sender, request, user, **kwargs):
    # login() rotates the session; carry the IdP's two-factor verdict across.
    if request is not None and hasattr(request, "session"):
        if request.session.pop(_CLAIMS, False):
            request.session[IDP_TWO_FACTOR] = True
