import pytest
import time_machine
from playwright.sync_api import expect

from helhet import testing
from helhet.cooperation.tests.builders import coordinated_person


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_action_items_from_one_meeting_are_on_the_next_meetings_agenda(page):
    # A fixed day, so "a planned meeting later today" never crosses midnight.
    with time_machine.travel("2026-03-10 09:00 +0100", tick=True):
        _, _, coordinator, person = coordinated_person(given_name="Ingrid")
        testing.browser_login(page, coordinator.username, testing.PASSWORD)

        page.goto(f"/samarbeid/person/{person.pk}/")
        page.get_by_role("button", name="Opprett ansvarsgruppe").click()
        expect(page.get_by_text("Ansvarsgruppen er opprettet.")).to_be_visible()

        _plan_meeting(page, "2026-03-10", "Innledende møte")
        page.get_by_label(coordinator.get_full_name()).check()
        page.get_by_label("Referat").fill("Ingrid ønsker egen bolig og å komme tilbake til skolen.")
        page.get_by_role("button", name="Lagre referat").click()
        expect(page.get_by_text("Referatet er lagret.")).to_be_visible()

        for text in ("Søke om kommunal bolig", "Kontakte skolen om oppstart"):
            page.get_by_label("Oppgave").fill(text)
            page.get_by_label("Ansvarlig").select_option(label=coordinator.get_full_name())
            page.get_by_label("Frist").fill("2026-04-01")
            page.get_by_role("button", name="Legg til oppfølgingspunkt").click()
            expect(page.get_by_text("Oppfølgingspunktet er lagt til.")).to_be_visible()

        page.get_by_role("link", name="Ansvarsgruppe", exact=True).click()
        _plan_meeting(page, "2026-04-14", "Oppfølgingsmøte")

        carried = page.locator("#carried")
        expect(carried).to_contain_text("Søke om kommunal bolig")
        expect(carried).to_contain_text("Kontakte skolen om oppstart")
        expect(carried).to_contain_text("10.03.2026")


def _plan_meeting(page, day: str, agenda: str) -> None:
    page.get_by_role("link", name="Planlegg møte").click()
    page.get_by_label("Dato").fill(day)
    page.get_by_label("Klokkeslett").fill("14:00")
    page.get_by_label("Sted").fill("Helsehuset, møterom 2")
    page.get_by_label("Saksliste").fill(agenda)
    page.get_by_role("button", name="Lagre møtet").click()
    expect(page.get_by_text("Møtet er lagt inn.")).to_be_visible()
