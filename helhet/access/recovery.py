"""Resetting a login, and enrolling anew through a channel the administrator
does not control.

An administrator can make an account unusable — password unusable, every
second-factor device removed (``reset_login``) — but cannot give it a password
or a device he knows: outside demo mode the admin refuses both (see
``helhet.access.admin``). The user then comes back in by one of

* OpenID Connect (ID-porten or the municipality's IdP): the provider proves
  who it is, and the user enrols a new authenticator (``/tilgang/tofaktor/``);
* a one-time link (Django's password-reset token: it dies when the password
  changes, and after ``PASSWORD_RESET_TIMEOUT``) sent to the account's e-mail
  address — only if that address was not set or changed in the last
  ``ENROL_EMAIL_QUIET_DAYS`` days. An administrator who has just put his own
  address on someone's account gets no link; the change is in the
  administration log, which leaders read.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.access import adminlog


def quiet_days() -> int:
    return int(getattr(settings, "ENROL_EMAIL_QUIET_DAYS", 7))


def link_allowed(user: User) -> bool:
    """A link goes only to an address the account has had for a while."""
    return bool(
        user.is_active
        and user.email
        and not adminlog.changed_recently(user.pk, "email", quiet_days())
    )


def _subject(user: User) -> adminlog.Described:
    described = adminlog._describe(user)
    # Every user account is described (adminlog._describe's first case).
    assert described is not None
    return described


@transaction.atomic
def reset_login(*, user: User, by: User, request: HttpRequest | None = None) -> bool:
    """Make the account's password unusable and remove its second factors;
    returns whether a one-time link was sent. Logged either way."""
    with adminlog.acting_as(by):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        for device in TOTPDevice.objects.filter(user=user):
            device.delete()
    kind, municipality_id, subject, summary = _subject(user)
    adminlog.write(
        kind=kind,
        change=adminlog.Change.RESET,
        summary=summary,
        object_id=user.pk,
        municipality_id=municipality_id,
        subject_user_id=subject,
        actor=by,
    )
    return send_link(user, request=request, actor=by)


def send_link(user: User, *, request: HttpRequest | None = None, actor: User | None = None) -> bool:
    kind, municipality_id, subject, summary = _subject(user)
    if not link_allowed(user):
        adminlog.write(
            kind=kind,
            change=adminlog.Change.LINK_REFUSED,
            summary=summary,
            object_id=user.pk,
            municipality_id=municipality_id,
            subject_user_id=subject,
            actor=actor,
        )
        return False
    path = reverse(
        "access:enrol_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    url = request.build_absolute_uri(path) if request is not None else path
    send_mail(
        _("Ny innlogging i Helhet"),
        _(
            "Innloggingen din i Helhet er tilbakestilt. Velg et nytt passord med denne "
            "lenken, som kan brukes én gang:\n\n%(url)s\n\nDeretter registrerer du en ny "
            "kodeapp. Har du ikke bedt om dette, si fra til lederen din."
        )
        % {"url": url},
        None,
        [user.email],
    )
    adminlog.write(
        kind=kind,
        change=adminlog.Change.LINK_SENT,
        summary=summary,
        object_id=user.pk,
        municipality_id=municipality_id,
        subject_user_id=subject,
        actor=actor,
    )
    return True


def request_link(username: str, *, request: HttpRequest) -> None:
    """The user asks for a link themself. The answer is the same whether the
    username exists or not (no way to learn who has an account)."""
    user = get_user_model().objects.filter(username__iexact=(username or "").strip()).first()
    if user is not None and user.is_active:
        send_link(user, request=request)
