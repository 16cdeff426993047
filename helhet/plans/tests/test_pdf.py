"""The printed plan the person keeps, read back from the PDF."""

import io

from django.utils import timezone
from pypdf import PdfReader

from helhet import testing
from helhet.access.models import AccessLogEntry, Action
from helhet.organisation.models import Unit
from helhet.plans import pdf, services
from helhet.plans.models import Participant
from helhet.plans.tests.builders import GOAL


def _pdf(plan_id: int) -> bytes:
    context = {**services.plan_page(plan_id=plan_id), "printed_on": timezone.localdate()}
    return pdf.render(context)


def _text(document: bytes) -> str:
    # Whitespace as one space: a line break may fall anywhere in a sentence.
    pages = PdfReader(io.BytesIO(document)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_pdf_is_a_pdf_and_is_logged_as_print(coordinator_client, story):
    response = coordinator_client.get(f"/planer/{story.plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"versjon-{story.plan.version}.pdf" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(person=story.person, action=Action.PRINT).exists()


def test_pdf_text_has_goal_crisis_plan_and_version(story):
    text = _text(_pdf(story.plan.pk))
    assert GOAL[:20] in text
    assert "Kriseplanen min" in text
    # Whom to call at night: the contact row, with its number.
    night = text.split("Hvem jeg kontakter kveld og natt")[1][:60]
    assert "Legevakt" in night and "116 117" in night
    assert f"Versjon {story.plan.version}" in text


def test_the_plan_has_the_municipalitys_header(story):
    story.municipality.address = "Rådhuset, 9999 Testvik"
    story.municipality.save()
    story.unit.phone = "12 34 56 78"
    story.unit.save()
    text = _text(_pdf(story.plan.pk))
    assert text.startswith(story.municipality.name)
    # The coordinator's unit sends it, with its phone and the municipality's address.
    assert story.unit.name in text.split("Min individuelle plan")[0]
    assert "12 34 56 78" in text and "Rådhuset, 9999 Testvik" in text


def test_relatives_staff_per_unit_and_outside_services_each_under_their_heading(story):
    other = testing.unit(story.municipality, Unit.Kind.HOME_CARE, "Hjemmetjenesten")
    partner = testing.partner(story.municipality)
    Participant.objects.bulk_create(
        [
            Participant(
                plan=story.plan,
                kind=Participant.Kind.RELATIVE,
                name="Siri Søster",
                contribution="Handler",
            ),
            Participant(
                plan=story.plan,
                kind=Participant.Kind.STAFF,
                unit=other,
                name="Hanne Hjemmesykepleier",
                contribution="Medisiner",
            ),
            Participant(
                plan=story.plan,
                kind=Participant.Kind.PARTNER,
                partner=partner,
                name="Dora DPS",
                contribution="Samtaler",
            ),
        ]
    )
    text = _text(_pdf(story.plan.pk))
    relatives = text.index("Pårørende")
    staff = text.index("Ansatte i kommunen")
    outside = text.index("Tjenester utenfor kommunen")
    assert relatives < text.index("Siri Søster") < staff
    # Units in alphabetical order, each with its own staff under it.
    assert staff < text.index("Hjemmetjenesten") < text.index("Hanne Hjemmesykepleier") < outside
    assert text.index(story.coordinator.get_full_name(), staff) < outside
    assert outside < text.index(f"Dora DPS ({partner.name})")


def test_the_plan_is_a_tagged_pdf_in_norwegian_with_a_title(story):
    reader = PdfReader(io.BytesIO(_pdf(story.plan.pk)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nb"
    assert reader.metadata.title == f"Individuell plan, versjon {story.plan.version}"
    assert reader.metadata.author == story.municipality.name
