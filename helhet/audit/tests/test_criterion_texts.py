"""Every criterion states what an auditor's method chapter needs: definition,
population, legal basis with paragraph, what counts as met, and what the data
cannot see — on the criterion's page and in the report PDF."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from helhet import testing as t
from helhet.audit import criterion_texts
from helhet.audit.criteria import BY_ID, CRITERIA
from helhet.core.legal import REFERENCES
from helhet.organisation.models import Role

TEXT_FIELDS = ("definition", "population", "met_when", "blind_spots")
# A paragraph (§) or an article (art.): "the law" without one cannot be checked.
PARAGRAPH = re.compile(r"§|\bart\.")


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.id)
def test_every_criterion_has_its_four_texts_and_cites_an_existing_paragraph(criterion):
    for name in TEXT_FIELDS:
        assert str(getattr(criterion, name)).strip(), f"{criterion.id}: {name} is empty"
    assert criterion.legal_basis in REFERENCES
    assert PARAGRAPH.search(criterion.legal_text), criterion.legal_text


def test_every_text_belongs_to_a_criterion_in_the_catalogue():
    assert set(criterion_texts.TEXTS) <= set(BY_ID)


@pytest.mark.django_db
def test_the_criterion_page_states_definition_population_basis_met_and_blind_spots(client):
    muni = t.municipality()
    client.force_login(t.staff(t.unit(muni), Role.LEADER))
    criterion = BY_ID["ip_offered"]
    page = client.get(reverse("audit:criterion", args=[criterion.id])).content.decode()
    for text in (
        criterion.definition,
        criterion.population,
        criterion.met_when,
        criterion.blind_spots,
        criterion.legal_text,
    ):
        assert escape(str(text)) in page
    assert "Det dataene ikke viser" in page


@pytest.mark.django_db
def test_the_report_pdf_carries_every_criterions_method():
    from helhet.audit import services

    muni = t.municipality()
    today = timezone.localdate()
    start, end = services.period(start=None, end=None, today=today)
    stored = services.stored_report(municipality_id=muni.pk, start=start, end=end)
    html = render_to_string(
        "audit/compliance_pdf.html",
        {
            "reports": stored.reports,
            "computed_at": stored.computed_at,
            "municipality": muni,
            "table": services.unit_table(reports=stored.reports, municipality_id=muni.pk),
            "generated": timezone.localtime(),
        },
    )
    for criterion in CRITERIA:
        assert escape(str(criterion.blind_spots)) in html
        assert escape(str(criterion.population)) in html
