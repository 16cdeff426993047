import datetime as dt

import pytest
import time_machine

from helhet import testing
from helhet.cooperation import services
from helhet.cooperation.models import DirectoryEntry
from helhet.organisation.models import ExternalPartner, Role, Unit

pytestmark = pytest.mark.django_db


def _entry(owner=None, verified=dt.date(2026, 1, 15), **fields):
    unit = fields.pop("unit")
    fields.setdefault("services", "Samtaler, oppfølging i hjemmet")
    fields.setdefault("target_groups", "Voksne med psykiske plager eller rusproblemer")
    return DirectoryEntry.objects.create(
        municipality=unit.municipality,
        unit=unit,
        purpose="Hjelp med psykisk helse og rus",
        contact_person="Ola Kontakt",
        phone="40000000",
        last_verified=verified,
        owner=owner,
        **fields,
    )


def test_entries_not_verified_for_twelve_months_are_flagged_to_their_owner(client):
    muni = testing.municipality()
    mental = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse og rus")
    owner = testing.staff(mental, Role.LEADER)
    _entry(owner=owner, unit=mental, verified=dt.date(2025, 3, 1))

    with time_machine.travel("2026-02-27 10:00 +0100", tick=False):
        client.force_login(owner)
        assert services.stale_entries_owned_by(user=owner, today=dt.date(2026, 2, 27)) == []
        assert "ikke bekreftet på 12 måneder" not in client.get("/samarbeid/").content.decode()

    with time_machine.travel("2026-03-02 10:00 +0100", tick=False):
        client.force_login(owner)
        hub = client.get("/samarbeid/").content.decode()
        directory = client.get("/samarbeid/katalog/").content.decode()
        assert "Du er ansvarlig for 1 oppføring" in hub and "Psykisk helse og rus" in hub
        assert "Ikke bekreftet på 12 måneder" in directory
        # Confirming the entry clears the flag.
        entry = DirectoryEntry.objects.get()
        client.post(f"/samarbeid/katalog/{entry.pk}/bekreft/")
        entry.refresh_from_db()
        assert entry.last_verified == dt.date(2026, 3, 2)
        assert "Du er ansvarlig for" not in client.get("/samarbeid/").content.decode()


def test_other_owners_do_not_get_the_flag(client):
    muni = testing.municipality()
    unit = testing.unit(muni)
    _entry(owner=testing.staff(unit, Role.LEADER), unit=unit, verified=dt.date(2020, 1, 1))
    colleague = testing.staff(unit, Role.SERVICE_PROVIDER)
    client.force_login(colleague)
    assert "Du er ansvarlig for" not in client.get("/samarbeid/").content.decode()


def test_who_do_i_contact_about_x_searches_services_and_target_groups(client):
    muni = testing.municipality()
    housing = testing.unit(muni, Unit.Kind.HOUSING, name="Boligkontoret")
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV Testkommune")
    _entry(unit=housing, services="Kommunal bolig, startlån", target_groups="Vanskeligstilte")
    _entry(unit=nav, services="Økonomisk sosialhjelp", target_groups="Ungdom 16–25 år")
    client.force_login(testing.staff(housing))
    page = client.get("/samarbeid/katalog/", {"q": "ungdom"}).content.decode()
    assert "NAV Testkommune" in page and "Boligkontoret" not in page
    page = client.get("/samarbeid/katalog/", {"q": "startlån"}).content.decode()
    assert "Boligkontoret" in page and "NAV Testkommune" not in page


def test_every_unit_and_partner_is_listed_and_missing_entries_show(client):
    muni = testing.municipality()
    unit = testing.unit(muni, name="Hjemmetjenesten")
    testing.partner(muni, ExternalPartner.Kind.DPS)
    leader = testing.staff(unit, Role.LEADER)
    client.force_login(leader)
    page = client.get("/samarbeid/katalog/").content.decode()
    assert "Hjemmetjenesten" in page and "dps" in page
    assert page.count("Ingen oppføring") == 2  # the unit and the DPS
    assert "Lag oppføring" in page


def test_saving_an_entry_verifies_it_and_bad_input_stores_nothing(client):
    muni = testing.municipality()
    unit = testing.unit(muni, name="Frisklivssentralen")
    client.force_login(testing.staff(unit, Role.SERVICE_PROVIDER))
    url = f"/samarbeid/katalog/enhet/{unit.pk}/"
    response = client.post(url, {"purpose": "Bedre helse", "email": "ikke-epost"})
    assert response.status_code == 400
    assert "Oppgi en gyldig epost-adresse." in response.content.decode()
    assert not DirectoryEntry.objects.exists()
    data = {
        "purpose": "Bedre helse",
        "services": "Trening, kostholdskurs",
        "target_groups": "Voksne",
        "contact_person": "Per Frisk",
        "phone": "41111111",
    }
    with time_machine.travel("2026-05-05 10:00 +0200", tick=False):
        assert client.post(url, data).status_code == 302
    assert DirectoryEntry.objects.get().last_verified == dt.date(2026, 5, 5)


def test_staff_of_another_unit_cannot_edit_an_entry(client):
    muni = testing.municipality()
    unit = testing.unit(muni)
    client.force_login(testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get(f"/samarbeid/katalog/enhet/{unit.pk}/").status_code == 403
    other_muni_unit = testing.unit(testing.municipality())
    assert client.get(f"/samarbeid/katalog/enhet/{other_muni_unit.pk}/").status_code == 404


def test_the_public_directory_needs_no_login_and_shows_no_person_data(client):
    muni = testing.municipality(number="4242", name="Åpenby")
    unit = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse")
    person = testing.person(muni, given_name="Hemmelig", family_name="Personsen")
    testing.service(person, unit)
    _entry(unit=unit, how_to_apply="Søk på kommunens nettside")
    testing.unit(muni, name="Enhet uten oppføring")

    response = client.get("/samarbeid/tjenesteoversikt/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/samarbeid/tjenesteoversikt/4242/"
    assert "Hjelp og tjenester i Åpenby" in page
    assert "Psykisk helse" in page and "40000000" in page and "Søk på kommunens nettside" in page
    assert "Hemmelig" not in page and "Personsen" not in page
    assert "Enhet uten oppføring" not in page
    assert "Logg ut" not in page
    searched = client.get("/samarbeid/tjenesteoversikt/4242/", {"q": "bolig"}).content.decode()
    assert "Ingen treff" in searched
    assert client.get("/samarbeid/tjenesteoversikt/0000/").status_code == 404
