"""The decision when an activity condition is not met, as a letter (PDF/UA
through ``helhet.core.pdf``): a new decision with reasons and the appeal
route it printed, never a silent reduction (sotjl. § 20 a; fvl. §§ 24–27)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core import pdf
from helhet.core.legal import appeal_route
from helhet.nav.models import NonComplianceDecision


def noncompliance_letter(decision: NonComplianceDecision) -> HttpResponse:
    condition = decision.condition
    unit = condition.unit
    route = appeal_route("okonomisk")
    context = {
        "today": timezone.localdate(),
        "decision": decision,
        "condition": condition,
        "person": condition.person,
        "route": route,
        # Decisions from before the printed law was stored show the table's.
        "appeal_law": decision.appeal_law or route.appeal_law,
        **pdf.letterhead(unit=unit),
    }
    document = pdf.render(
        render_to_string("nav/letters/noncompliance.html", context),
        title=_("Vedtak om aktivitetsvilkår"),
        author=f"{unit.municipality.name}, {unit.name}",
        stylesheets=("core/letter.css",),
    )
    return pdf.response(document, "vedtak")
