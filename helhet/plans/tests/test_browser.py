"""A coordinator finds the person, opens the plan, edits a goal and sees the new version."""

import re

import pytest
from playwright.sync_api import expect

from helhet import testing
from helhet.plans.tests.builders import GOAL, make_story


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_edits_a_goal_and_sees_it_in_the_history(page):
    story = make_story(username="koordinator")
    testing.browser_login(page, "koordinator", testing.PASSWORD)

    page.goto("/personer/")
    page.get_by_label("Navn eller fødselsnummer").fill(story.person.family_name)
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name=story.person.full_name).click()
    page.get_by_role("link", name="Individuell plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(story.person.full_name)
    expect(page.get_by_text(GOAL).first).to_be_visible()

    page.get_by_role("link", name=re.compile("^Endre mål")).click()
    page.get_by_label("Mål (med personens egne ord)").fill(
        "Jeg vil bo i egen leilighet innen sommeren"
    )
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Målet er lagret.")).to_be_visible()
    expect(page.get_by_text("Jeg vil bo i egen leilighet innen sommeren").first).to_be_visible()

    page.get_by_role("link", name="Historikk").click()
    row = page.get_by_role("row").filter(has_text="Versjon 2")
    expect(row).to_contain_text("Mål endret")
    expect(row).to_contain_text(story.coordinator.get_full_name())
