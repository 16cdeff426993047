"""Optimistic concurrency for plan writes over HTTP (RFC 9110 § 13.1.1,
RFC 6585 § 3): the ETag is the plan's version; a write must name the version
it was based on, so two clients cannot silently overwrite each other."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int:
    """The version named in If-Match, or 428/412."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("Endringer krever If-Match med planens ETag (hentes med GET).")
        )
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    versions = [int(t) for t in tags if t.isdigit()]
    if len(versions) != 1:
        raise PreconditionFailed(_("If-Match må inneholde nøyaktig én ETag for planen."))
    return versions[0]
