"""The API documentation page, served entirely from our own origin.

drf-spectacular's Swagger template carries an inline ``<style>`` and, unless
split, an inline script; our CSP (``default-src 'self'``, no inline) would
block both. This view uses the split variant (the init script is a separate
request) and a template without inline style, with Swagger UI's files from
drf-spectacular-sidecar's static files: the CSP needs no relaxation.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
