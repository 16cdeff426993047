"""PDF versions of the compliance report and the audit report (WeasyPrint).

Neither carries names or national identity numbers: a report leaves the
system, and the auditors who receive it have no basis to see persons.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def render(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    # No base_url: the document loads nothing from outside, only our stylesheet.
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find("audit/pdf.css"))])


def response(pdf: bytes, filename: str) -> HttpResponse:
    reply = HttpResponse(pdf, content_type="application/pdf")
    reply["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return reply
