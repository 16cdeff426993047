"""Letters to the person as PDF (WeasyPrint): acknowledgement, preliminary
answer (fvl § 11a), decision with reasons and appeal information (fvl §§ 24–27;
the deadline per decision type from ``core.legal.appeal_route``),
and KE's letter naming the coordinator (hol § 7-3)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.coordination.models import naming_routine
from helhet.core import pdf
from helhet.core.legal import REFERENCES
from helhet.organisation.models import Unit

TITLES = {
    "acknowledgement": _("Kvittering"),
    "preliminary": _("Foreløpig svar"),
    "decision": _("Vedtak"),
    "coordinator": _("Koordinator"),
}


def _sender_unit(context: dict):
    """The unit the letter comes from: the unit the application is addressed
    to; KE's letter naming a coordinator comes from the coordinating unit."""
    if "application" in context:
        return context["application"].unit
    person = context["person"]
    return (
        Unit.objects.filter(municipality_id=person.municipality_id, kind=Unit.Kind.COORDINATING)
        .order_by("pk")
        .first()
    )


def letter_html(template: str, context: dict) -> str:
    context = {"today": timezone.localdate(), "law": REFERENCES, **context}
    if "decision" in context:
        # The appeal information comes from the one table of decision types
        # (core/legal.py): deadline, when it starts, where to send, who decides.
        context.setdefault("route", context["decision"].appeal_route)
        # A decision is a draft until the unit head has co-signed it: every
        # page says so, and the signature block names who is to sign.
        decision = context["decision"]
        context.setdefault("draft", not decision.is_signed)
        if not decision.is_signed:
            from helhet.intake.access import expected_signers

            context.setdefault("signers", expected_signers(decision))
    if "assignment" in context:
        # A local deadline is cited by the name of this municipality's own
        # routine, and only where it has set one; it is never law.
        municipality_id = context["assignment"].person.municipality_id
        context.setdefault("routine", naming_routine(municipality_id))
    unit = _sender_unit(context)
    context = {
        **pdf.letterhead(unit=unit, municipality=None if unit else context["person"].municipality),
        **context,
    }
    return render_to_string(f"intake/letters/{template}.html", context)


def letter_pdf(template: str, context: dict) -> bytes:
    person = context["person"]
    unit = _sender_unit(context)
    return pdf.render(
        letter_html(template, context),
        title=str(TITLES[template]),
        author=f"{person.municipality.name}, {unit.name}" if unit else person.municipality.name,
        stylesheets=("core/letter.css",),
    )


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    # Inline, so the browser's PDF viewer opens it; the name carries no person data.
    return pdf.response(letter_pdf(template, context), filename)
