import datetime as dt

import pytest
from playwright.sync_api import expect

from helhet import testing
from helhet.audit.tests import builders as b
from helhet.organisation.models import Role


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_draws_a_sample_confirms_a_checklist_and_downloads_the_report(page):
    muni = testing.municipality()
    unit = testing.unit(muni)
    persons = [b.person(muni, given_name="Synlig") for _ in range(12)]
    for person in persons:
        testing.service(person, unit, valid_from=dt.date(2025, 1, 1))
    b.plan(persons[0])
    auditor = testing.staff(testing.unit(muni), Role.AUDITOR)
    testing.browser_login(page, auditor.username, testing.PASSWORD)

    page.get_by_role("link", name="Etterlevelse").click()
    expect(page.get_by_role("heading", name="Etterlevelse av lov og forskrift")).to_be_visible()
    page.get_by_role("link", name="Revisjonsutvalg").click()
    page.get_by_label("Hver k-te aktive person").check()
    page.get_by_label("Hver k-te person").fill("5")
    # No start: persons no. 5 and 10 of 12 (every 5th), plus the one with an IP.
    page.get_by_label("Periode fra").fill("01.01.2026")
    page.get_by_label("Periode til").fill("30.06.2026")
    page.get_by_label("Ta i tillegg med alle med aktiv individuell plan").check()
    page.get_by_role("button", name="Trekk utvalg").click()

    expect(page.get_by_text("Utvalget er trukket: 3 personer.")).to_be_visible()
    expect(page.get_by_text("3 personer, 25,0 % av populasjonen")).to_be_visible()
    expect(page.get_by_role("link", name="U-003")).to_be_visible()
    expect(page.get_by_text("Synlig")).to_have_count(0)

    page.get_by_role("link", name="U-001").click()
    page.get_by_label("Revisors svar: Er IP tilbudt?").select_option(label="Nei")
    page.get_by_role("button", name="Lagre sjekklisten").click()
    expect(page.get_by_text("Skriv en kommentar når du endrer svaret")).to_be_visible()
    page.get_by_label("Revisors svar: Er IP tilbudt?").select_option(label="Nei")
    page.get_by_label("Kommentar: Er IP tilbudt?").fill("Tilbudet er ikke dokumentert i journalen")
    page.get_by_role("button", name="Lagre sjekklisten").click()
    expect(page.get_by_text("Sjekklisten for U-001 er lagret.")).to_be_visible()

    page.get_by_role("link", name="Tilbake til utvalg").click()
    expect(page.get_by_text("Tilbudet er ikke dokumentert i journalen")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned revisjonsrapport (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("revisjonsrapport-utvalg-")
