"""The printable plan for the person (docs/plan.md: many keep the paper original)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from helhet.core import pdf
from helhet.plans import rules


def render(context: dict) -> bytes:
    plan = context["plan"]
    municipality = plan.person.municipality
    coordinator = context.get("coordinator")
    unit = coordinator.unit if coordinator and coordinator.unit_id else None
    context = {
        **context,
        **pdf.letterhead(unit=unit, municipality=municipality),
        "groups": rules.group_participants(p for p, _covered in context["participants"]),
    }
    return pdf.render(
        render_to_string("plans/pdf.html", context),
        title=_("Individuell plan, versjon %(v)s") % {"v": plan.version},
        author=municipality.name,
        stylesheets=("core/letter.css", "plans/pdf.css"),
    )
