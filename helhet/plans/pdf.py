"""The printable plan for the person (DOMAIN.md §4.1: many keep the paper original)."""

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML


def render(html: str) -> bytes:
    # No base_url: the document loads nothing from outside, only our stylesheet.
    stylesheet = CSS(filename=finders.find("plans/pdf.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
