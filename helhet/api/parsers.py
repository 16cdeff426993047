"""JSON bodies for the API and FHIR, bounded in size and depth.

Python's JSON reader recurses once per level: ``[[[[…]]]]`` ten thousand
deep ends in a RecursionError, a server error. Too deep is refused here with
a Norwegian 400 before any view sees the data; too large (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE, which DRF's JSON reading honours) with a 413.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

from helhet.access import afterwards

# A FHIR Bundle nests about ten levels (Bundle.entry.resource.…); nothing
# Helhet reads needs more than a few dozen.
MAX_DEPTH = 64


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _depth_ok(data) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(_("JSON-innholdet er nøstet for dypt.")) from error
        if not _depth_ok(data):
            raise exceptions.ParseError(
                _("JSON-innholdet er nøstet for dypt (høyst %(max)s nivåer).") % {"max": MAX_DEPTH}
            )
        return data


def exception_handler(exc, context):
    """DRF's handler; a refusal after the gate granted logged as a refusal;
    and a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django
    refuses to read it) as a 413 in the API's own format, not an HTML page."""
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        # The API refuses after the gate granted as a page does (logged).
        request = context.get("request")
        if request is not None:
            afterwards.log_refusal(request.user, str(getattr(exc, "detail", exc)))
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        exc = TooLarge(_("Innholdet er for stort (høyst %(mb).1f MB).") % {"mb": limit / 1e6})
    # Imported here: rest_framework.views reads the parser setting, which
    # names this module.
    from rest_framework.views import exception_handler as drf_handler

    return drf_handler(exc, context)
