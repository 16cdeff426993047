"""Housing decisions as letters (PDF/UA through ``helhet.core.pdf``): the
allocation decision with the criteria it applied, and the NAV office's
decisions on temporary housing (sotjl. § 27), granted or refused. Reasons per
fvl. §§ 24–25, appeal information per fvl. § 27 third paragraph, from the one
table of decision types in ``core/legal.py``."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import pdf
from helhet.core.legal import REFERENCES, appeal_route
from helhet.organisation.models import Unit
from helhet.people.models import Person

TITLES = {
    "decision": _("Vedtak om kommunal bolig"),
    "stay": _("Vedtak om midlertidig botilbud"),
    "refusal": _("Avslag på midlertidig botilbud"),
}


def letter_html(template: str, context: dict, *, unit: Unit) -> str:
    context = {
        "today": timezone.localdate(),
        "law": REFERENCES,
        **pdf.letterhead(unit=unit),
        **context,
    }
    return render_to_string(f"housing/letters/{template}.html", context)


def pdf_response(
    template: str, context: dict, *, unit: Unit, person: Person, decision_type: str
) -> HttpResponse:
    """The letter, inline; the file name carries no person data."""
    context = {"person": person, "route": appeal_route(decision_type), **context}
    document = pdf.render(
        letter_html(template, context, unit=unit),
        title=str(TITLES[template]),
        author=f"{unit.municipality.name}, {unit.name}",
        stylesheets=("core/letter.css",),
    )
    return pdf.response(document, "vedtak")
