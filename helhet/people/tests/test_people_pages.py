import datetime as dt
import random

import pytest

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.consent.models import Category
from helhet.organisation.models import Role, Unit
from helhet.people import identity
from helhet.people.models import Person


@pytest.fixture
def muni():
    return testing.municipality()


def valid_number(seed=5):
    return identity.synthetic_national_id(random.Random(seed), dt.date(1994, 4, 2), "K")


@pytest.mark.django_db
def test_caseworker_registers_a_person_with_derived_birth_date(client, muni):
    client.force_login(testing.staff(testing.unit(muni, Unit.Kind.ALLOCATION), Role.CASEWORKER))
    number = valid_number()
    response = client.post(
        "/personer/ny/",
        {"national_id": number, "given_name": "Ola", "family_name": "Nordmann"},
        follow=True,
    )
    assert "Ola Nordmann er registrert" in response.content.decode()
    person = Person.objects.get(national_id=number)
    assert person.birth_date == dt.date(1994, 4, 2)
    assert person.municipality == muni
    assert AccessLogEntry.objects.filter(person=person, action="endre", granted=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"national_id": "12345678901"}, "Feil kontrollsiffer"),
        ({"national_id": "123"}, "11 siffer"),
        ({"given_name": "   "}, "påkrevd"),
        ({"given_name": "x" * 101}, "100 eller færre tegn"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, muni, data, message):
    client.force_login(
        testing.staff(testing.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    )
    form = {"national_id": valid_number(), "given_name": "Ola", "family_name": "Nordmann", **data}
    response = client.post("/personer/ny/", form)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&nbsp;", " ")
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_fh_number_is_registered_with_birth_date_and_gender_typed(client, muni):
    client.force_login(testing.staff(testing.unit(muni, Unit.Kind.ALLOCATION), Role.CASEWORKER))
    number = identity.synthetic_fh_number(random.Random(9))
    form = {"national_id": number, "given_name": "Ukjent", "family_name": "Pasient"}
    refused = client.post("/personer/ny/", form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Et FH-nummer har ingen fødselsdato. Oppgi fødselsdatoen." in text
    assert "Et FH-nummer har ingen kjønn. Oppgi kjønn." in text
    assert not Person.objects.exists()
    response = client.post(
        "/personer/ny/", {**form, "birth_date": "03.02.1981", "gender": "M"}, follow=True
    )
    person = Person.objects.get(national_id=number)
    assert (person.id_type, person.birth_date, person.gender) == ("fhnr", dt.date(1981, 2, 3), "M")
    assert "Ukjent Pasient er registrert" in response.content.decode()


@pytest.mark.django_db
def test_a_number_already_registered_is_refused(client, muni):
    existing = testing.person(muni)
    client.force_login(testing.staff(testing.unit(muni, Unit.Kind.NAV), Role.NAV_ADVISER))
    response = client.post(
        "/personer/ny/",
        {"national_id": existing.national_id, "given_name": "A", "family_name": "B"},
    )
    assert "allerede registrert" in response.content.decode()
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_service_providers_do_not_register_persons(client, muni):
    client.force_login(testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get("/personer/ny/").status_code == 403


@pytest.mark.django_db
def test_search_finds_only_persons_with_a_relation_and_logs_what_it_showed(client, muni):
    unit = testing.unit(muni)
    user = testing.staff(unit)
    mine = testing.person(muni, given_name="Synnøve", family_name="Lid")
    other = testing.person(muni, given_name="Synnøve", family_name="Lie")
    testing.service(mine, unit)
    client.force_login(user)
    page = client.get("/personer/", {"q": "Synnøve"}).content.decode()
    assert "Synnøve Lid" in page
    assert "Synnøve Lie" not in page
    by_number = client.get("/personer/", {"q": other.national_id}).content.decode()
    assert "Ingen treff" in by_number
    assert AccessLogEntry.objects.filter(person=mine, action="sok").count() == 1
    assert not AccessLogEntry.objects.filter(person=other).exists()


@pytest.mark.django_db
def test_person_page_through_the_gate(client, muni):
    unit = testing.unit(muni)
    user = testing.staff(unit)
    person = testing.person(muni)
    client.force_login(user)
    refused = client.get(f"/personer/{person.pk}/")
    assert refused.status_code == 403
    assert person.national_id not in refused.content.decode()
    testing.service(person, unit)
    page = client.get(f"/personer/{person.pk}/")
    assert page.status_code == 200
    assert person.full_name in page.content.decode()
    log = AccessLogEntry.objects.filter(person=person, what="personside").order_by("id")
    assert [e.granted for e in log] == [False, True]


@pytest.mark.django_db
def test_unknown_ids_and_other_municipalities_answer_404(client, muni):
    user = testing.staff(testing.unit(muni))
    elsewhere = testing.person(testing.municipality(name="Annen kommune"))
    client.force_login(user)
    assert client.get("/personer/999999/").status_code == 404
    assert client.get(f"/personer/{elsewhere.pk}/").status_code == 404


@pytest.mark.django_db
def test_other_units_services_show_only_under_a_health_consent(client, muni):
    home_care = testing.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    substance = testing.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Rusteamet")
    nurse = testing.staff(home_care)
    person = testing.person(muni)
    testing.service(person, home_care, name="Hjemmesykepleie")
    testing.service(person, substance, name="Oppfølging rus")
    client.force_login(nurse)

    page = client.get(f"/personer/{person.pk}/").content.decode()
    assert "Hjemmesykepleie" in page
    assert "Oppfølging rus" not in page
    assert "vises bare når personens samtykke" in page

    testing.consent(person, units=[home_care], categories=[Category.HEALTH])
    page = client.get(f"/personer/{person.pk}/").content.decode()
    assert "Oppfølging rus" in page
    assert AccessLogEntry.objects.filter(
        person=person, category=Category.HEALTH, what="tjenester", granted=True
    ).exists()


@pytest.mark.django_db
def test_an_empty_national_id_gets_one_message_only(client, muni):
    client.force_login(
        testing.staff(testing.unit(muni, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT)
    )
    response = client.post("/personer/ny/", {"given_name": "Ola", "family_name": "Nordmann"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["national_id"] == ["Fyll ut fødselsnummeret eller D-nummeret."]
    # Once beside the field, once in the error summary at the top.
    assert response.content.decode().count("Fyll ut fødselsnummeret eller D-nummeret.") == 2
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_search_shows_the_first_fifty_and_says_there_are_more(client, muni):
    unit = testing.unit(muni)
    client.force_login(testing.staff(unit))
    for _ in range(51):
        testing.service(testing.person(muni, given_name="Solveig", family_name="Lund"), unit)
    page = client.get("/personer/", {"q": "Solveig Lund"}).content.decode()
    assert page.count("Solveig Lund</a>") == 50
    assert "Mer enn 50 treff; de 50 første vises." in page
    assert AccessLogEntry.objects.filter(action="sok").count() == 50  # only what was shown

    testing.person(muni, given_name="Solveig", family_name="Aas")
    one = client.get("/personer/", {"q": "Solveig"}).content.decode()
    assert "Mer enn 50 treff" in one  # 51 with a relation, the 52nd without one unseen
