"""Responses that may carry person data are never stored by browsers or proxies."""

from django.utils.cache import add_never_cache_headers

# Pages without any person data that a proxy may keep: the municipality's
# public service directory.
CACHEABLE = frozenset({"cooperation:public_index", "cooperation:public_directory"})


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response but the few above: pages,
    PDFs, CSV files, attachments, the API and FHIR alike, so a shared computer
    or a caching proxy keeps no copy of health data (Normen: protection of
    data on the client). Static files are served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in CACHEABLE:
            add_never_cache_headers(response)
        return response
