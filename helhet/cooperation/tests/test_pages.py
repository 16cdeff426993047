import pytest

from helhet import testing
from helhet.cooperation.tests.builders import at, coordinated_person, group_with_member, meeting
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_a_manager_who_is_also_coordinator(client):
    muni, unit, coordinator, person = coordinated_person()
    leader = testing.staff(unit, Role.LEADER)
    group, _ = group_with_member(person, leader)
    held = meeting(group, at(2026, 2, 1))
    person.coordinator_assignments.update(coordinator=leader)
    client.force_login(leader)
    pages = {
        "/samarbeid/": "Mine ansvarsgrupper",
        "/samarbeid/katalog/": "Hvem kontakter jeg om",
        f"/samarbeid/katalog/enhet/{unit.pk}/": "Lagre og bekreft",
        "/samarbeid/rutiner/": "Samarbeidsrutiner",
        "/samarbeid/rutiner/ny/": "Ny samarbeidsrutine",
        "/samarbeid/forum/": "Nytt forum",
        "/samarbeid/forum/ny/": "Mandat",
        "/samarbeid/kalender/": "Lag ny kalenderadresse",
        f"/samarbeid/person/{person.pk}/": "Planlegg møte",
        f"/samarbeid/gruppe/{group.pk}/moter/ny/": "Klokkeslett",
        f"/samarbeid/mote/{held.pk}/": "Oppfølging av åpne punkter",
        f"/samarbeid/person/{person.pk}/meldinger/": "Send melding",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    assert 'href="/samarbeid/"' in client.get("/samarbeid/").content.decode()


def test_a_person_without_a_group_can_get_one(client):
    _, _, coordinator, person = coordinated_person()
    client.force_login(coordinator)
    page = client.get(f"/samarbeid/person/{person.pk}/").content.decode()
    assert "Personen har ingen ansvarsgruppe." in page and "Opprett ansvarsgruppe" in page


def test_pages_need_login_except_the_public_directory(client):
    assert client.get("/samarbeid/katalog/").status_code == 302
    assert client.get("/samarbeid/person/1/").status_code == 302
    assert client.get("/samarbeid/tjenesteoversikt/").status_code == 200
