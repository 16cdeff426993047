"""TOTP enrolment and verification (django-otp), kept out of the views."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.access.gate import AnyUser

# Set when the OpenID Connect provider itself did two-factor login.
IDP_TWO_FACTOR = "helhet_idp_two_factor"
DEVICE_NAME = "Helhet"


def required_for(user: AnyUser) -> bool:
    """Staff and administrators need two factors; persons (the portal) do not."""
    if not user.is_authenticated:
        return False
    return hasattr(user, "staff") or user.is_staff or user.is_superuser


def otp_verified(request: HttpRequest) -> bool:
    """This login was verified with a code from one of the user's devices."""
    # django-otp's OTPMiddleware adds is_verified() to request.user; the stubs
    # of User cannot know.
    return bool(request.user.is_verified())  # type: ignore[union-attr]


def is_verified(request: HttpRequest) -> bool:
    return otp_verified(request) or bool(request.session.get(IDP_TWO_FACTOR))


def has_device(user: AnyUser) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_device(user: AnyUser) -> TOTPDevice:
    """The unconfirmed device being enrolled; one at a time per user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code in a data: URI (CSP allows img data:)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def confirm(request: HttpRequest, token: str) -> bool:
    """Confirm the pending device with a first code, and count the login as verified."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    otp_login(request, device)
    return True


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code against the user's devices (throttled by django-otp)."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(_digits(token)):
            otp_login(request, device)
            return True
    return False


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]
