"""The printed plan the person keeps."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from helhet.access.models import AccessLogEntry, Action
from helhet.plans import services
from helhet.plans.tests.conftest import GOAL


def _text_of(html: str) -> str:
    """The text WeasyPrint lays out (pdftotext may be missing on a fresh machine)."""
    document = HTML(string=html).render()
    words = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if getattr(box, "text", None):
                words.append(box.text)
            stack.extend(reversed(getattr(box, "children", [])))
    return " ".join(words)


def test_pdf_is_a_pdf_and_is_logged_as_print(coordinator_client, story):
    response = coordinator_client.get(f"/planer/{story.plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"versjon-{story.plan.version}.pdf" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(person=story.person, action=Action.PRINT).exists()


def test_pdf_text_has_goal_crisis_plan_and_version(story):
    context = {**services.plan_page(story.plan.pk), "printed_on": timezone.localdate()}
    text = _text_of(render_to_string("plans/pdf.html", context))
    assert GOAL[:20] in text
    assert "Kriseplanen min" in text
    # Whom to call at night: the contact row, with its number.
    night = text.split("Hvem jeg kontakter kveld og natt")[1][:60]
    assert "Legevakt" in night and "116 117" in night
    assert f"Versjon {story.plan.version}" in text
