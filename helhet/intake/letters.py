"""Letters to the person as PDF (WeasyPrint): acknowledgement, preliminary
answer (fvl § 11a), decision with reasons and appeal information (fvl §§ 24–27;
the deadline per decision type from ``core.legal.appeal_route``),
and KE's letter naming the coordinator (hol § 7-3)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from helhet.coordination.models import naming_routine
from helhet.core.legal import REFERENCES


def letter_html(template: str, context: dict) -> str:
    context = {"today": timezone.localdate(), "law": REFERENCES, **context}
    if "decision" in context:
        # The appeal information comes from the one table of decision types
        # (core/legal.py): deadline, when it starts, where to send, who decides.
        context.setdefault("route", context["decision"].appeal_route)
    if "assignment" in context:
        # A local deadline is cited by the name of this municipality's own
        # routine, and only where it has set one; it is never law.
        municipality_id = context["assignment"].person.municipality_id
        context.setdefault("routine", naming_routine(municipality_id))
    return render_to_string(f"intake/letters/{template}.html", context)


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML

    pdf = HTML(string=letter_html(template, context)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    # Inline, so the browser's PDF viewer opens it; the name carries no person data.
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
