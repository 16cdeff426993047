"""The one way Helhet makes a PDF (WeasyPrint): letters, the plan, forms, reports.

Every PDF a municipality sends is tagged and marked PDF/UA-1 (WeasyPrint's
``pdf_variant="pdf/ua-1"`` turns on the structure tags, PDF 1.7 and the UA
metadata), carries its title, author (the municipality or unit) and language,
so screen readers read it as they read the page (likestillings- og
diskrimineringsloven § 18: ICT the public offers must be universally designed).
WeasyPrint's PDF/UA is as far as WeasyPrint goes; a document's own structure
(headings in order, table headers, language) still has to be right in its template.

Documents load only our own static files: the base URL is a fixed name that is
never fetched, and the URL fetcher maps ``STATIC_URL`` under it to the files
Django's static finders know — no network, nothing a template could point out
of the installation.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse

BASE_URL = "https://helhet.invalid/"
LANGUAGE = "nb"
VARIANT = "pdf/ua-1"


def _fetcher():
    from weasyprint.urls import URLFetcher

    static_prefix = BASE_URL.rstrip("/") + settings.STATIC_URL

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(static_prefix):
                found = finders.find(url.removeprefix(static_prefix).split("?")[0])
                if found:
                    return super().fetch(Path(found).as_uri(), headers)
            raise ValueError(f"Not one of Helhet's static files: {url}")

    return StaticOnly(allowed_protocols={"file"})


def static_url(path: str) -> str:
    """The URL a PDF template uses for one of our static files."""
    return BASE_URL.rstrip("/") + settings.STATIC_URL + path


def render(
    html: str, *, title: str = "", author: str = "", stylesheets: tuple[str, ...] = ()
) -> bytes:
    """``html`` as a tagged PDF/UA-1 document; ``stylesheets`` are static paths.
    Without ``title`` the document's own ``<title>`` is kept."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    sheets = [CSS(url=static_url(path), url_fetcher=fetcher) for path in stylesheets]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=sheets, pdf_variant=VARIANT
    )
    if title:
        document.metadata.title = str(title)
    document.metadata.authors = [author] if author else []
    document.metadata.lang = LANGUAGE
    return document.write_pdf(pdf_variant=VARIANT)


def response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """The PDF as a reply; ``filename`` must carry no person data (it ends up in
    download folders and logs)."""
    reply = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    reply["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return reply


def letterhead(*, unit=None, municipality=None) -> dict:
    """The sender block of ``core/letter.html``: the municipality, the unit
    and where to write or call (the unit's own contact, else the municipality's)."""
    municipality = municipality or (unit.municipality if unit else None)
    if unit is not None:
        contact = unit.contact
    elif municipality is not None:
        contact = {
            "address": municipality.address,
            "phone": municipality.phone,
            "email": municipality.email,
        }
    else:
        contact = {}
    return {
        "sender_municipality": municipality,
        "sender_unit": unit,
        "sender_contact": contact,
    }
