"""Break the glass: refused, emergency access with a reason, the leader sees it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from helhet import testing
from helhet.organisation.models import Role, Unit

REASON = "Personen kom akutt til legevakten og trenger oppfølging i natt"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_refused_staff_uses_emergency_access_and_the_leader_sees_it(page):
    muni = testing.municipality()
    home = testing.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    person = testing.person(muni, born=dt.date(1988, 4, 12), given_name="Siri")
    testing.staff(home, Role.SERVICE_PROVIDER, username="vakt")
    testing.staff(home, Role.LEADER, username="sjef")

    testing.browser_login(page, "vakt", testing.PASSWORD)
    page.goto(f"/personer/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    expect(page.get_by_role("alert")).to_contain_text("Ingen tjenstlig relasjon")
    expect(page.get_by_text(person.full_name)).to_have_count(0)

    page.get_by_role("link", name="Nødtilgang").click()
    page.get_by_label("Fødselsnummer eller D-nummer").fill(person.national_id)
    page.get_by_label("Begrunnelse").fill("haster")
    page.get_by_role("button", name="Gi meg nødtilgang").click()
    expect(page.get_by_text("minst 20 tegn")).to_be_visible()
    page.get_by_label("Begrunnelse").fill(REASON)
    page.get_by_role("button", name="Gi meg nødtilgang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    expect(page.get_by_text("Du har nødtilgang i to timer")).to_be_visible()
    page.get_by_role("button", name="Logg ut").click()

    testing.browser_login(page, "sjef", testing.PASSWORD)
    page.get_by_role("link", name="Tilgangskontroll").click()
    # The grant itself and the person page read under it.
    expect(page.get_by_role("row").filter(has_text=REASON)).to_have_count(2)
    emergency = page.get_by_role("row").filter(has_text=REASON).last
    expect(emergency).to_contain_text("Nødtilgang")
    expect(emergency).to_contain_text("vakt")
    refused = page.get_by_role("row").filter(has_text="Ingen tjenstlig relasjon").first
    expect(refused).to_contain_text("Avvist")

    emergency.get_by_label("Merknad").fill("Kontrollert, var på vakt")
    emergency.get_by_role("button", name="Merk som gjennomgått").click()
    expect(page.get_by_text("Markert som gjennomgått.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=REASON)).to_have_count(1)
